package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
)

// privateUncertainCreate is the private-state key of a resource whose create
// may have happened: it holds the create request (no secret in it), so that
// the next refresh or destroy finds the key by name and those settings.
const privateUncertainCreate = "uncertain_create"

// privateGetter is the part of the framework's private state that reads.
type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// keyClaim tells the client which key state manages (see netmaker.KeyClaim):
// the key with the recorded value, or one of the name whose settings are
// the recorded ones (a rotation keeps every setting), or, after an uncertain
// create, one with the settings asked for. With neither value nor settings
// (an import), the only key of the name.
func (r *enrollmentKeyResource) keyClaim(ctx context.Context, state enrollmentKeyModel, private privateGetter) (netmaker.KeyClaim, diag.Diagnostics) {
	claim := netmaker.KeyClaim{Name: state.Name.ValueString(), Value: state.Value.ValueString()}
	if claim.Name == "" {
		claim.Name = state.ID.ValueString()
	}
	var diags diag.Diagnostics
	if private != nil {
		raw, d := private.GetKey(ctx, privateUncertainCreate)
		diags.Append(d...)
		if len(raw) > 0 {
			var req netmaker.CreateKeyRequest
			if err := json.Unmarshal(raw, &req); err != nil {
				diags.AddError("Unreadable private state", fmt.Sprintf("The record of an uncertain create of key %q does not decode: %s", claim.Name, err))
				return claim, diags
			}
			claim.Settings = &req
			return claim, diags
		}
	}
	if settings, ok := r.recordedSettings(ctx, state); ok {
		claim.Settings = &settings
	}
	return claim, diags
}

// recordedSettings answers the settings state records, when it records
// them all (not after an import, before the first read).
func (r *enrollmentKeyResource) recordedSettings(ctx context.Context, state enrollmentKeyModel) (netmaker.CreateKeyRequest, bool) {
	if state.Type.IsNull() || state.Type.IsUnknown() || state.Networks.IsUnknown() || state.Tags.IsUnknown() {
		return netmaker.CreateKeyRequest{}, false
	}
	if state.Type.ValueString() == keyTypeTimeBound && (state.ExpiresAt.IsNull() || state.ExpiresAt.IsUnknown()) {
		return netmaker.CreateKeyRequest{}, false
	}
	noTTL := state
	noTTL.TTL = types.StringNull() // the expiry is the recorded one, never now + ttl
	if noTTL.Uses.IsNull() || noTTL.Uses.IsUnknown() {
		noTTL.Uses = types.Int64Value(1) // not compared: a live counter
	}
	req, diags := r.createRequest(ctx, noTTL)
	return req, !diags.HasError()
}

// uncertainCreateState is what Create saves when the key may exist but could
// not be found: the planned settings, no value or token. With an error, the
// framework saves it and Terraform marks the resource tainted.
func uncertainCreateState(plan enrollmentKeyModel, req netmaker.CreateKeyRequest) enrollmentKeyModel {
	s := plan
	s.ID = types.StringValue(req.Name)
	s.Value, s.Token = types.StringNull(), types.StringNull()
	nullUnknownString(&s.ExpiresAt)
	if req.Type == netmaker.KeyTypeTimeBound {
		s.ExpiresAt = types.StringValue(req.Expiration.UTC().Format("2006-01-02T15:04:05Z07:00"))
	}
	nullUnknownString(&s.Status)
	nullUnknownString(&s.TTL)
	nullUnknownString(&s.RegenerateTrigger)
	if s.UsesRemaining.IsUnknown() {
		s.UsesRemaining = types.Int64Null()
	}
	if s.Uses.IsUnknown() {
		s.Uses = types.Int64Null()
	}
	if s.Default.IsUnknown() {
		s.Default = types.BoolNull()
	}
	if s.Valid.IsUnknown() {
		s.Valid = types.BoolNull()
	}
	return s
}

func nullUnknownString(v *types.String) {
	if v.IsUnknown() {
		*v = types.StringNull()
	}
}
