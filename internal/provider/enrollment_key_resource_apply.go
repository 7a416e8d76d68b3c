package provider

import (
	"context"
	"encoding/json"
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
	var plan enrollmentKeyModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Raw, &plan)...)
	if resp.Diagnostics.HasError() || !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	createReq, diags := createRequest(ctx, plan, r.now())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	key, err := r.data.client.CreateKey(ctx, createReq)
	if errors.Is(err, netmaker.ErrOutcomeUnknown) {
		// The key may exist. Saved with an error, the resource is tainted:
		// the next apply finds the key by name (and these settings) and
		// replaces it, or creates it if it never came to exist.
		mark, merr := json.Marshal(createReq)
		if merr == nil {
			resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateUncertainCreate, mark)...)
			resp.Diagnostics.Append(setModel(ctx, &resp.State.Raw, uncertainCreateState(plan, createReq))...)
		}
		resp.Diagnostics.AddError("Enrollment key may have been created",
			fmt.Sprintf("Creating key %q on %s may have succeeded, but the server stopped answering before the provider "+
				"could find out. The resource is saved as tainted: the next apply looks the key up by name and replaces it, "+
				"or creates it if it never came to exist. No import is needed. Cause: %s", createReq.Name, r.data.client.Host(), err))
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
		detail := fmt.Sprintf("Netmaker at %s already has an enrollment key named %q. Key names are unique among keys; a "+
			"network's name is taken only through its auto-generated key, which is named after the network. Choose another "+
			"name, or adopt the existing key with `terraform import netmaker_enrollment_key.<label> %s` (or an import block).",
			r.data.client.Host(), name, name)
		var apiErr *netmaker.APIError
		if errors.As(err, &apiErr) && apiErr.Hint != "" {
			detail += " Details: " + apiErr.Hint + "."
		}
		return diag.NewAttributeErrorDiagnostic(path.Root("name"), "Key name already taken", detail)
	case errors.Is(err, netmaker.ErrValidation):
		return diag.NewErrorDiagnostic("Netmaker rejected the key",
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
	client := r.data.client
	name := state.Name.ValueString()
	rotate := rotationRequested(state.RegenerateTrigger, plan.RegenerateTrigger)
	changeSettings := inPlaceSettingsChanged(plan, state)
	changeDefault := !plan.Default.IsUnknown() && !plan.Default.Equal(state.Default)
	var key *netmaker.EnrollmentKey
	if rotate || changeSettings || changeDefault {
		// The key as it is now (its value may have changed since the refresh).
		current, err := client.ManagedKey(ctx, name, state.Value.ValueString())
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
			if err := client.CheckRotate(ctx, current); err != nil {
				resp.Diagnostics.Append(rotationDiagnostic(current, err))
				return
			}
		}
		key = current
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
	}

	if changeDefault {
		updated, diags := r.changeDefault(ctx, key, plan.Default.ValueBool())
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		key = updated
	}

	if rotate {
		rotated, err := client.RotateKey(ctx, key.Value)
		if err != nil {
			resp.Diagnostics.Append(rotationDiagnostic(key, err))
			return
		}
		key = rotated
	}

	var newState enrollmentKeyModel
	if key != nil {
		var diags diag.Diagnostics
		newState, diags = keyState(ctx, key, plan, r.now())
		resp.Diagnostics.Append(diags...)
		// Live counters keep their planned values so that a device enrolling
		// during the apply is no inconsistency; the next refresh records it.
		keepPlanned(&newState.UsesRemaining, plan.UsesRemaining)
		keepPlanned(&newState.Default, plan.Default)
		if !plan.Status.IsUnknown() && !plan.Valid.IsUnknown() {
			newState.Status, newState.Valid = plan.Status, plan.Valid
		}
		keepPlannedReplaceOnly(&newState, plan)
	} else {
		// Only Terraform-side attributes changed (trigger set, ttl recorded,
		// another spelling of the expiry, ...): nothing to do on the server.
		newState = plan
		if newState.Value.IsUnknown() || newState.Token.IsUnknown() {
			newState.Value, newState.Token = state.Value, state.Token
		}
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.State.Raw, newState)...)
	setIdentity(ctx, resp.Identity, enrollmentKeyIdentityAttr, name, &resp.Diagnostics)
}

// changeDefault makes the key a default key or stops it being one, in
// place (the plan chose an update because the server can).
func (r *enrollmentKeyResource) changeDefault(ctx context.Context, key *netmaker.EnrollmentKey, isDefault bool) (*netmaker.EnrollmentKey, diag.Diagnostics) {
	var diags diag.Diagnostics
	client := r.data.client
	at := path.Root("default")
	if isDefault {
		made, err := client.MakeDefault(ctx, key.Value, netmaker.MakeDefaultOptions{})
		if err != nil {
			diags.AddAttributeError(at, "Could not make the key a default key",
				fmt.Sprintf("Making enrollment key %q the default of its networks failed: %s. %s", key.Name, err, planAgainHint(err)))
			return nil, diags
		}
		return made, diags
	}
	restored, err := client.ReleaseDefault(ctx, key.Value)
	for _, rd := range restored {
		addRestoredWarning(rd, &diags)
	}
	if err != nil {
		diags.AddAttributeError(at, "Could not stop the key being a default key",
			fmt.Sprintf("Giving the networks of enrollment key %q their default back failed: %s", key.Name, err))
		return nil, diags
	}
	k, err := client.KeyByValue(ctx, key.Value)
	if err != nil {
		diags.AddError("Could not read enrollment key", fmt.Sprintf("Reading key %q back failed: %s", key.Name, err))
		return nil, diags
	}
	return k, diags
}

// planAgainHint: a refusal that the plan would have shown, had it known.
func planAgainHint(err error) string {
	if errors.Is(err, netmaker.ErrNeedsRecreate) {
		return "Nothing was changed; run terraform plan again: on this server the change replaces the key."
	}
	return ""
}

// rotationDiagnostic explains a rotation the server at hand cannot make.
func rotationDiagnostic(key *netmaker.EnrollmentKey, err error) diag.Diagnostic {
	at := path.Root("regenerate_trigger")
	if !errors.Is(err, netmaker.ErrUnsupported) && !errors.Is(err, netmaker.ErrCannotRecreate) {
		return diag.NewAttributeErrorDiagnostic(at, "Could not rotate enrollment key",
			fmt.Sprintf("Rotating the token of key %q failed (the next refresh records the key's current token, and the "+
				"next apply retries the rotation): %s", key.Name, err))
	}
	summary := "Cannot rotate this key on this server"
	switch {
	case key.Default:
		summary = "Cannot rotate a default key on this server"
	case key.Type == netmaker.KeyTypeUses && key.UsesRemaining <= 0:
		summary = "Cannot rotate a used-up key on this server"
	case key.Type == netmaker.KeyTypeTimeBound:
		summary = "Cannot rotate an expired key on this server"
	}
	detail := err.Error() + ". Nothing was changed."
	if errors.Is(err, netmaker.ErrCannotRecreate) {
		detail += " Replace the key instead (change uses, expires_at or ttl, or set recreate_when_invalid = true)."
	}
	return diag.NewAttributeErrorDiagnostic(at, summary, detail)
}

func updateError(name, host, gatewayID string, err error) diag.Diagnostic {
	if d := gatewayError(name, host, gatewayID, err); d != nil {
		return d
	}
	if errors.Is(err, netmaker.ErrValidation) {
		return diag.NewErrorDiagnostic("Netmaker rejected the change",
			fmt.Sprintf("Netmaker at %s refused to update key %q: %s", host, name, apiErrorMessage(err)))
	}
	return diag.NewErrorDiagnostic("Could not update enrollment key",
		fmt.Sprintf("Updating key %q failed: %s", name, err))
}

func (r *enrollmentKeyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state enrollmentKeyModel
	resp.Diagnostics.Append(getModel(ctx, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() || !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	client := r.data.client
	claim, diags := r.keyClaim(ctx, state, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := claim.Name
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
	return diag.NewAttributeErrorDiagnostic(path.Root("gateway_id"), "Gateway not found",
		fmt.Sprintf("Netmaker at %s refused key %q: gateway %s was not found (%s). gateway_id must be the ID of "+
			"an existing gateway (relay) node in one of the key's networks.", host, name, gatewayID, apiErrorMessage(err)))
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
