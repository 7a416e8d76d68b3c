package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/validators"
)

// Planning netmaker_enrollment_key. A create plan checks what only a new key
// needs; a change plan first decides whether the key is replaced (the
// table's replace-only attributes, a change of default the server can only
// make by creating the key again, an invalid key the user wants replaced),
// then what an in-place change needs (a rotation the server must be able to
// make). The checks that ask the server live in
// enrollment_key_resource_plan_checks.go.

func (r *enrollmentKeyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		r.planDestroy(ctx, req, resp)
		return
	}
	var plan, config enrollmentKeyModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Raw, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.Config.Raw, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if req.State.Raw.IsNull() {
		r.planCreate(ctx, req, config, &plan, resp)
		return
	}
	var state enrollmentKeyModel
	resp.Diagnostics.Append(getModel(ctx, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.planChange(ctx, req, state, config, &plan, resp)
}

// planCreate checks what only a create needs, nulls the attributes the
// key's type does not use, and asks the server what it can tell.
func (r *enrollmentKeyResource) planCreate(ctx context.Context, req resource.ModifyPlanRequest, config enrollmentKeyModel, plan *enrollmentKeyModel, resp *resource.ModifyPlanResponse) {
	if config.Default.IsNull() {
		plan.Default = types.BoolValue(false) // a new key is a default only when asked
	}
	// The static validator lets through the short names of networks'
	// auto-generated keys (to import them); a new key needs 3–32 characters.
	if !config.Name.IsNull() && !config.Name.IsUnknown() {
		if msg := validators.NewKeyNameProblem(config.Name.ValueString()); msg != "" {
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Invalid name for a new key", msg)
		}
	}
	if !config.Type.IsUnknown() {
		keyType := config.Type.ValueString()
		if keyType != keyTypeUses {
			plan.Uses = types.Int64Null()
		}
		if keyType != keyTypeTimeBound {
			plan.ExpiresAt = types.StringNull()
		}
		switch {
		case keyType == keyTypeUses && config.Uses.IsNull():
			resp.Diagnostics.AddAttributeError(path.Root("uses"), "Missing uses",
				`A key of type "uses" needs uses: how many devices may enroll with it (at least 1).`)
		case keyType == keyTypeTimeBound && config.ExpiresAt.IsNull() && config.TTL.IsNull():
			resp.Diagnostics.AddAttributeError(path.Root("expires_at"), "Missing expiry",
				`A key of type "time_bound" needs expires_at (an RFC 3339 timestamp) or ttl (a duration such as "720h").`)
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	r.checkCreate(ctx, config, *plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.Plan.Raw, plan)...)
	r.checkNewKey(ctx, req, config, resp)
	if !config.Name.IsUnknown() {
		r.noteKeyPlan(config.Name.ValueString(), config, *plan, true, &resp.Diagnostics)
	}
}

// checkCreate asks the client what it would refuse in the create request
// before sending it (an expiry in the past, a default key it cannot
// create), and reports it on the attribute. The request is built from
// configuration only when everything it needs is known.
func (r *enrollmentKeyResource) checkCreate(ctx context.Context, config, plan enrollmentKeyModel, diags *diag.Diagnostics) {
	if config.Default.ValueBool() && !config.Networks.IsUnknown() && len(config.Networks.Elements()) == 0 {
		diags.Append(refusalDefaultNeedsNetwork.at(path.Root("default"),
			fmt.Sprintf("Enrollment key %q has no networks.", config.Name.ValueString())))
		return
	}
	if !config.ExpiresAt.IsNull() && !config.ExpiresAt.IsUnknown() && config.Type.ValueString() == keyTypeTimeBound {
		if t, err := time.Parse(time.RFC3339, config.ExpiresAt.ValueString()); err == nil {
			if now := r.now(); !now.Before(t) {
				diags.AddAttributeError(path.Root("expires_at"), "Expiry in the past",
					fmt.Sprintf("expires_at %s is not in the future (it is now %s): Netmaker refuses to create a key that has "+
						"already expired. Set a later expires_at, or use ttl.", config.ExpiresAt.ValueString(), now.UTC().Format(time.RFC3339)))
				return
			}
		}
	}
	client, ok := r.data.planClient()
	if !ok || !config.Default.ValueBool() {
		return
	}
	var err error
	if networks, known := knownStrings(plan.Networks.SetValue); known {
		err = client.CheckCreate(ctx, netmaker.CreateKeyRequest{Name: plan.Name.ValueString(), Default: true, Networks: networks})
	} else {
		err = client.CheckCreateDefault(ctx)
	}
	if errors.Is(err, netmaker.ErrUnsupported) {
		diags.Append(refusalUnsupportedDefault.at(path.Root("default"), fmt.Sprintf("%s. Remove default = true.", err)))
	}
}

// planChange plans a change of an existing key.
func (r *enrollmentKeyResource) planChange(ctx context.Context, req resource.ModifyPlanRequest, state, config enrollmentKeyModel, plan *enrollmentKeyModel, resp *resource.ModifyPlanResponse) {
	if isDetached(state) {
		r.planDetached(ctx, state, plan, resp)
		return
	}
	name := state.Name.ValueString()
	markReplacing(ctx, resp, state.Name)
	if !r.data.plans().planExisting(name) {
		resp.Diagnostics.Append(refusalNameTwice.at(path.Root("name"), fmt.Sprintf("Enrollment key %q is this "+
			"resource's, and another resource of this configuration plans to create a key of that name.", name)))
		return
	}
	changes := replaceOnlyChanges(ctx, req, plan, &state)
	replacing := len(changes) > 0
	if r.planDefaultChange(ctx, config, state, resp) {
		replacing = true
	}
	if r.planHealth(config, state, plan, resp) {
		replacing = true
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if replacing {
		r.checkReplacement(ctx, state, config, *plan, changes, &resp.Diagnostics)
	} else if rotationRequested(state.RegenerateTrigger, config.RegenerateTrigger) {
		plan.Value, plan.Token = types.StringUnknown(), types.StringUnknown()
		if !config.RegenerateTrigger.IsUnknown() {
			r.checkRotation(ctx, state, &resp.Diagnostics)
		}
	}
	r.planDefaultRelease(ctx, state, config, replacing, &resp.Diagnostics)
	r.noteKeyPlan(name, config, *plan, replacing, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.Plan.Raw, plan)...)
}

// planDetached plans a resource whose key another key of the same name
// replaced (see detachedState): nothing changes on the server; the plan
// says so every time.
func (r *enrollmentKeyResource) planDetached(ctx context.Context, state enrollmentKeyModel, plan *enrollmentKeyModel, resp *resource.ModifyPlanResponse) {
	name := state.Name.ValueString()
	host := "the Netmaker server"
	if client, ok := r.data.planClient(); ok {
		host = client.Host()
	}
	resp.Diagnostics.AddAttributeWarning(path.Root("status"), "Enrollment key replaced by another one of the same name",
		fmt.Sprintf("The enrollment key %q that this resource managed no longer exists on %s, and the key now named %q is "+
			"not it (its value is not the recorded one and its settings differ): someone deleted this resource's key and "+
			"created another of that name. This resource is detached: it manages no key, an apply changes nothing on the "+
			"server, and terraform destroy only forgets it, never touching the other key. To manage a key here again, "+
			"give this resource another name (a new key is created), or adopt the other key: terraform state rm this "+
			"resource, then import it.", name, host, name))
	detached := detachedState(*plan)
	detached.ID = state.ID
	resp.Diagnostics.Append(setModel(ctx, &resp.Plan.Raw, detached)...)
}

// rotationRequested is the one rule for "rotate the token": the trigger
// changes from one value to another, or to a value not known yet. Setting it
// where it was unset, or removing it, only records the change.
func rotationRequested(before, after types.String) bool {
	return !before.IsNull() && !after.IsNull() && (after.IsUnknown() || after.ValueString() != before.ValueString())
}

// replaceOnlyChanges answers the replace-only attributes whose change
// replaces the key, as the schema's modifiers (derived from the table)
// decide: RequiresReplace on any change, or the row's replaceIf. The
// framework runs those modifiers before ModifyPlan but does not tell
// ModifyPlan their verdict, so the rule is asked again here.
func replaceOnlyChanges(ctx context.Context, req resource.ModifyPlanRequest, plan, state *enrollmentKeyModel) path.Paths {
	var out path.Paths
	for _, a := range enrollmentKeyAttributes {
		if a.change != replaces {
			continue
		}
		p := path.Root(a.name)
		prior, planned := a.value(state), a.value(plan)
		replace := !planned.Equal(prior)
		if a.replaceIf != nil {
			sv, _ := prior.(types.String)
			pv, _ := planned.(types.String)
			mresp := planmodifier.StringResponse{PlanValue: pv}
			a.replaceIf.PlanModifyString(ctx, planmodifier.StringRequest{Path: p, State: req.State, Plan: req.Plan,
				Config: req.Config, StateValue: sv, PlanValue: pv}, &mresp)
			replace = mresp.RequiresReplace
		}
		if replace {
			out = append(out, p)
		}
	}
	return out
}

// planHealth keeps an invalid key (with a warning) unless the user opted in
// to replacing it; it reports whether the key is replaced.
func (r *enrollmentKeyResource) planHealth(config, state enrollmentKeyModel, plan *enrollmentKeyModel, resp *resource.ModifyPlanResponse) bool {
	status, invalid := stateHealth(state, r.now())
	if !invalid || plan.RecreateWhenInvalid.IsUnknown() {
		return false
	}
	switch {
	case plan.RecreateWhenInvalid.ValueBool() && status == netmaker.KeyStatusExpired && expiryBlocksReplacement(config, r.now()):
		// A replacement would be created with the same past expiry, and
		// its plan would fail: keep the key until the expiry moves.
		resp.Diagnostics.AddAttributeWarning(path.Root("expires_at"), "Expired key cannot be replaced yet",
			fmt.Sprintf("Enrollment key %q expired (expires_at %s): devices can no longer enroll with it. "+
				"recreate_when_invalid is set, but a replacement would get the configured expiry, which is not in the "+
				"future, so the key is kept. To replace it, set a later expires_at, or use ttl.",
				state.Name.ValueString(), state.ExpiresAt.ValueString()))
	case plan.RecreateWhenInvalid.ValueBool():
		plan.Status = types.StringUnknown()
		plan.Valid = types.BoolUnknown()
		resp.RequiresReplace.Append(path.Root("status"))
		return true
	default:
		resp.Diagnostics.AddAttributeWarning(path.Root("status"), "Enrollment key is no longer valid",
			fmt.Sprintf("Enrollment key %q is %s: devices can no longer enroll with it. Netmaker keeps such keys and this "+
				"provider does not recreate them on its own. Set recreate_when_invalid = true to replace it with a new key, "+
				"or change its settings.", state.Name.ValueString(), status))
	}
	return false
}

// expiryBlocksReplacement tells whether replacing an expired time_bound key
// would fail its create plan: the expiry comes from config's expires_at (not
// ttl) and is not in the future, or there is none at all (an imported key).
func expiryBlocksReplacement(config enrollmentKeyModel, now time.Time) bool {
	if config.Type.IsUnknown() || config.Type.ValueString() != keyTypeTimeBound || !config.TTL.IsNull() || config.ExpiresAt.IsUnknown() {
		return false
	}
	if config.ExpiresAt.IsNull() {
		return true
	}
	t, err := time.Parse(time.RFC3339, config.ExpiresAt.ValueString())
	return err == nil && !now.Before(t)
}

// stateHealth tells whether the key in state is no longer valid, looking
// again at the clock for the expiry.
func stateHealth(state enrollmentKeyModel, now time.Time) (netmaker.KeyStatus, bool) {
	if !state.ExpiresAt.IsNull() && !state.ExpiresAt.IsUnknown() {
		if t, err := time.Parse(time.RFC3339, state.ExpiresAt.ValueString()); err == nil && !now.Before(t) {
			return netmaker.KeyStatusExpired, true
		}
	}
	if !state.Valid.IsNull() && !state.Valid.IsUnknown() && !state.Valid.ValueBool() {
		return netmaker.KeyStatus(state.Status.ValueString()), true
	}
	return netmaker.KeyStatusActive, false
}

// asSet answers v as a framework set, whatever set type it has.
func asSet(v attr.Value) (types.Set, bool) {
	if s, ok := v.(basetypes.SetValuable); ok {
		set, diags := s.ToSetValue(context.Background())
		return set, !diags.HasError()
	}
	return types.Set{}, false
}
