package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
)

// Applying netmaker_enrollment_key: create, change in place (settings, the
// default flag, a rotation, in that order), delete. Each asks the client for
// an outcome; how the server at hand reaches it is the client's choice.

func (r *enrollmentKeyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, ok := operationModel[enrollmentKeyModel](ctx, rawModel(req.Plan.Raw), r.data, &resp.Diagnostics)
	if !ok {
		return
	}
	createReq, diags := createRequest(ctx, plan, r.now())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	client := r.data.client
	key, err := client.CreateKey(ctx, createReq)
	if errors.Is(err, netmaker.ErrOutcomeUnknown) {
		// The key may exist. Saved with an error, the resource is tainted:
		// the next refresh finds the key by name and these settings, and the
		// apply replaces it (or creates it if it never came to exist).
		resp.Diagnostics.Append(setKeyRecord(ctx, resp.Private, privateUncertainCreate, &createReq)...)
		resp.Diagnostics.Append(setModel(ctx, &resp.State.Raw, uncertainCreateState(plan, createReq))...)
		resp.Diagnostics.Append(refusalOutcomeUnknown.at(path.Empty(),
			fmt.Sprintf("Creating key %q on %s may have succeeded, but the server stopped answering before the provider "+
				"could find out. What was sent is recorded, and the resource is saved as tainted: the next apply finds the "+
				"key by that record and replaces it, or creates it if it never came to exist. No import is needed. "+
				"Cause: %s", createReq.Name, client.Host(), err)))
		return
	}
	if err != nil {
		resp.Diagnostics.Append(r.createError(createReq, err))
		return
	}
	if plan.ExpiresAt.IsUnknown() && !key.Expiration.IsZero() {
		plan.ExpiresAt = types.StringValue(key.Expiration.UTC().Format(time.RFC3339))
	}
	state, diags := keyState(ctx, key, plan, r.now())
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State.Raw, state)...)
	setIdentity(ctx, resp.Identity, enrollmentKeyIdentityAttr, key.Name, &resp.Diagnostics)
}

// createError explains a failed create.
func (r *enrollmentKeyResource) createError(req netmaker.CreateKeyRequest, err error) diag.Diagnostic {
	name := req.Name
	if d := gatewayError(name, r.data.client.Host(), req.GatewayID, err); d != nil {
		return d
	}
	switch {
	case errors.Is(err, netmaker.ErrNameTaken):
		detail := fmt.Sprintf("Netmaker at %s already has an enrollment key named %q.", r.data.client.Host(), name)
		var apiErr *netmaker.APIError
		if errors.As(err, &apiErr) && apiErr.Hint != "" {
			detail += " Details: " + apiErr.Hint + "."
		}
		return refusalNameTaken.at(path.Root("name"), detail)
	case errors.Is(err, netmaker.ErrValidation):
		return refusalRejected.at(path.Empty(),
			fmt.Sprintf("Netmaker at %s refused to create key %q: %s", r.data.client.Host(), name, apiErrorMessage(err)))
	default:
		return diag.NewErrorDiagnostic("Could not create enrollment key",
			fmt.Sprintf("Creating key %q failed: %s", name, err))
	}
}

func (r *enrollmentKeyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state enrollmentKeyModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Raw, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() || !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	if isDetached(state) {
		// Nothing of this resource is on the server (see detachedState): the
		// change is recorded only, as the plan said.
		resp.Diagnostics.Append(setModel(ctx, &resp.State.Raw, detachedState(plan))...)
		setIdentity(ctx, resp.Identity, enrollmentKeyIdentityAttr, state.Name.ValueString(), &resp.Diagnostics)
		return
	}
	client := r.data.client
	name := state.Name.ValueString()
	rotate := rotationRequested(state.RegenerateTrigger, plan.RegenerateTrigger)
	changeSettings := inPlaceSettingsChanged(plan, state)
	changeDefault := !plan.Default.IsUnknown() && !plan.Default.Equal(state.Default)
	if !rotate && !changeSettings && !changeDefault {
		// Only Terraform-side attributes changed (trigger set, ttl recorded,
		// another spelling of the expiry, ...): nothing to do on the server.
		newState := plan
		if newState.Value.IsUnknown() || newState.Token.IsUnknown() {
			newState.Value, newState.Token = state.Value, state.Token
		}
		resp.Diagnostics.Append(setModel(ctx, &resp.State.Raw, newState)...)
		setIdentity(ctx, resp.Identity, enrollmentKeyIdentityAttr, name, &resp.Diagnostics)
		return
	}

	// The key as it is now (its value may have changed since the refresh).
	key, err := client.ManagedKey(ctx, name, state.Value.ValueString())
	if err != nil {
		detail := fmt.Sprintf("Reading key %q failed; nothing was changed: %s", name, err)
		if errors.Is(err, netmaker.ErrNotFound) {
			detail = fmt.Sprintf("Key %q no longer exists on %s (deleted outside Terraform?); nothing was changed. "+
				"The next plan creates it again.", name, client.Host())
		}
		resp.Diagnostics.AddError("Could not update enrollment key", detail)
		return
	}
	if rotate {
		// Whatever could refuse the rotation refuses it before any change.
		if err := client.CheckRotate(ctx, key); err != nil {
			resp.Diagnostics.Append(rotationDiagnostic(key, err))
			return
		}
	}

	// After each write that succeeded, the state records the key as it is,
	// so that a later failure (a rotation whose answer is lost) cannot make
	// the key look like another's at the next refresh.
	save := func(k *netmaker.EnrollmentKey) {
		s, diags := keyState(ctx, k, plan, r.now())
		resp.Diagnostics.Append(diags...)
		s.RegenerateTrigger = state.RegenerateTrigger // not rotated yet
		resp.Diagnostics.Append(setModel(ctx, &resp.State.Raw, s)...)
	}
	if changeSettings {
		update := netmaker.UpdateKeyRequest{
			GatewayID:         plan.GatewayID.ValueString(),
			AutoAssignGateway: plan.AutoSelectGateway.ValueBool(),
		}
		resp.Diagnostics.Append(plan.Tags.ElementsAs(ctx, &update.Tags, false)...)
		if resp.Diagnostics.HasError() {
			return
		}
		updated, err := client.UpdateKey(ctx, key.Value, update)
		if err != nil {
			resp.Diagnostics.Append(updateError(name, client.Host(), update.GatewayID, err))
			return
		}
		key = updated
		save(key)
	}
	if changeDefault {
		updated, diags := r.changeDefault(ctx, key, plan.Default.ValueBool())
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		key = updated
		save(key)
	}
	if rotate {
		// Recorded before it is sent: if its answer is lost, the next
		// refresh knows the key of this name with the saved settings and
		// another value to be the rotated one.
		if !changeSettings && !changeDefault {
			save(key)
		}
		record := newRotationRecord(plan.RegenerateTrigger, state.RegenerateTrigger, key.Value)
		resp.Diagnostics.Append(setKeyRecord(ctx, resp.Private, privateRotation, record)...)
		rotated, err := client.RotateKey(ctx, key.Value)
		err = warnAnswerDisagreement(err, &resp.Diagnostics)
		if err != nil {
			resp.Diagnostics.Append(rotationDiagnostic(key, err))
			return
		}
		key = rotated
		// The answer is trusted without a list (one per key would cost N
		// lists an apply); the record stays until a refresh finds the
		// answered value in the list, and says so if it does not.
		record.Answered = true
		resp.Diagnostics.Append(setKeyRecord(ctx, resp.Private, privateRotation, record)...)
	}

	newState, diags := keyState(ctx, key, plan, r.now())
	resp.Diagnostics.Append(diags...)
	// Live counters keep their planned values so that a device enrolling
	// during the apply is no inconsistency; the next refresh records it.
	keepPlanned(&newState.UsesRemaining, plan.UsesRemaining)
	keepPlanned(&newState.Default, plan.Default)
	if !plan.Status.IsUnknown() && !plan.Valid.IsUnknown() {
		newState.Status, newState.Valid = plan.Status, plan.Valid
	}
	keepPlannedReplaceOnly(&newState, plan)
	resp.Diagnostics.Append(setModel(ctx, &resp.State.Raw, newState)...)
	setIdentity(ctx, resp.Identity, enrollmentKeyIdentityAttr, name, &resp.Diagnostics)
}

// changeDefault makes the key a default key or stops it being one, in
// place (the plan chose an update because the server can). Its refusals are
// the plan's (defaultChangeDiagnostic).
func (r *enrollmentKeyResource) changeDefault(ctx context.Context, key *netmaker.EnrollmentKey, isDefault bool) (*netmaker.EnrollmentKey, diag.Diagnostics) {
	var diags diag.Diagnostics
	client := r.data.client
	if isDefault {
		made, err := client.MakeDefault(ctx, key.Value, netmaker.MakeDefaultOptions{})
		if err != nil {
			diags.Append(defaultChangeDiagnostic(ctx, client, key.Name, err))
			return nil, diags
		}
		return made, diags
	}
	restored, err := client.ReleaseDefault(ctx, key.Value)
	for _, rd := range restored {
		addRestoredWarning(rd, &diags)
	}
	if err != nil {
		diags.Append(defaultChangeDiagnostic(ctx, client, key.Name, err))
		return nil, diags
	}
	k, err := client.KeyByValue(ctx, key.Value)
	if err != nil {
		diags.AddError("Could not read enrollment key", fmt.Sprintf("Reading key %q back failed: %s", key.Name, err))
		return nil, diags
	}
	return k, diags
}

// warnAnswerDisagreement turns a write's answer that disagrees with the
// server's list (netmaker.AnswerDisagreement: the list's key came back) into
// a warning, and answers any other error.
func warnAnswerDisagreement(err error, diags *diag.Diagnostics) error {
	var disagreement *netmaker.AnswerDisagreement
	if !errors.As(err, &disagreement) {
		return err
	}
	diags.AddWarning("The server's answer disagrees with its list", disagreement.Error()+
		". Something between Terraform and Netmaker (a proxy or cache) may be answering for it.")
	return nil
}

func updateError(name, host, gatewayID string, err error) diag.Diagnostic {
	if d := gatewayError(name, host, gatewayID, err); d != nil {
		return d
	}
	if errors.Is(err, netmaker.ErrValidation) {
		return refusalRejectedChange.at(path.Empty(),
			fmt.Sprintf("Netmaker at %s refused to update key %q: %s", host, name, apiErrorMessage(err)))
	}
	return diag.NewErrorDiagnostic("Could not update enrollment key",
		fmt.Sprintf("Updating key %q failed: %s", name, err))
}

func (r *enrollmentKeyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, ok := operationModel[enrollmentKeyModel](ctx, rawModel(req.State.Raw), r.data, &resp.Diagnostics)
	if !ok {
		return
	}
	if isDetached(state) {
		return // the key of the name is someone else's: only the state goes
	}
	client := r.data.client
	records, diags := readKeyRecords(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	claim := r.keyClaim(ctx, state, records)
	name := claim.Name
	if state.DefaultOnDestroy.ValueString() == defaultOnDestroyKeep {
		if key, err := client.ClaimedKey(ctx, claim); err == nil && key.Default {
			resp.Diagnostics.AddWarning("Default key left on the server",
				fmt.Sprintf("Enrollment key %q is the default key of its networks and default_on_destroy is \"keep\": it was "+
					"removed from the Terraform state and stays on %s as their default.", name, client.Host()))
			return
		}
	}
	var err error
	value := claim.Value
	if value != "" {
		err = client.DeleteKey(ctx, value)
	}
	if claim.Settings != nil && (claim.Value == "" || errors.Is(err, netmaker.ErrNotFound)) {
		// The value may have changed since the refresh (a rotation whose
		// answer was lost), or was never known (an uncertain create): the
		// key of the name with our settings is ours. Never any other key of
		// the name: that one is someone else's.
		current, lookupErr := client.ClaimedKey(ctx, netmaker.KeyClaim{Name: name, Settings: claim.Settings})
		switch {
		case lookupErr == nil:
			value = current.Value
			err = client.DeleteKey(ctx, value)
		case errors.Is(lookupErr, netmaker.ErrNotFound), errors.Is(lookupErr, netmaker.ErrForeignKey):
			err = nil // nothing of ours is left
		default:
			err = lookupErr
		}
	}
	if errors.Is(err, netmaker.ErrDefaultKey) {
		err = r.deleteDefaultKey(ctx, name, value, &resp.Diagnostics)
	}
	switch {
	case err == nil, errors.Is(err, netmaker.ErrNotFound):
	default:
		resp.Diagnostics.AddError("Could not delete enrollment key", fmt.Sprintf("Deleting key %q failed: %s", name, err))
	}
}

// deleteDefaultKey deletes the key with value, which Netmaker refused to
// delete because it is a network's default: an adopted auto-generated key
// is only forgotten (it goes with its network); another default key first
// gives its networks their default back.
func (r *enrollmentKeyResource) deleteDefaultKey(ctx context.Context, name, value string, diags *diag.Diagnostics) error {
	client := r.data.client
	done, err := client.DeleteKeyAnyway(ctx, value)
	for _, rd := range done.Restored {
		addRestoredWarning(rd, diags)
	}
	if done.Kept {
		diags.AddWarning("Auto-generated default key left on the server",
			fmt.Sprintf("Enrollment key %q is the key Netmaker generated with network %q and is its default key; Netmaker "+
				"deletes it only with its network. It was removed from the Terraform state and stays on %s, where it goes "+
				"when the network is deleted.", name, name, client.Host()))
	}
	if done.KeptForMissingNetworks {
		diags.AddWarning("Default key of missing networks left on the server", keptForMissingNetworks(name, client.Host()))
	}
	return err
}

// noGatewayProblem refuses, as a gateway_id, the value the client reads as
// "no gateway" (netmaker.IsNoGateway): no gateway is gateway_id left unset.
func noGatewayProblem(id string) string {
	if netmaker.IsNoGateway(id) {
		return "The nil UUID means \"no gateway\" to Netmaker: leave the attribute unset instead."
	}
	return ""
}

// gatewayError explains a refusal for an unknown gateway
// (netmaker.ErrGatewayNotFound), or answers nil for any other error.
func gatewayError(name, host, gatewayID string, err error) diag.Diagnostic {
	if gatewayID == "" || !errors.Is(err, netmaker.ErrGatewayNotFound) {
		return nil
	}
	return refusalGatewayNotFound.at(path.Root("gateway_id"),
		fmt.Sprintf("Netmaker at %s refused key %q: gateway %s was not found (%s).", host, name, gatewayID, apiErrorMessage(err)))
}

// apiErrorMessage answers the message of an API error as the server worded it, or the error itself.
func apiErrorMessage(err error) string {
	var apiErr *netmaker.APIError
	if errors.As(err, &apiErr) && apiErr.Message != "" {
		return apiErr.Message
	}
	return err.Error()
}

// capitalized answers err's text with its first letter in upper case, to
// open a diagnostic's detail with a client error.
func capitalized(err error) string {
	s := err.Error()
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// keepPlanned sets *dst to planned unless planned is unknown.
func keepPlanned[T interface{ IsUnknown() bool }](dst *T, planned T) {
	if !planned.IsUnknown() {
		*dst = planned
	}
}
