package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
)

// Reading netmaker_enrollment_key: which key on the server is this
// resource's (the client's ownership rule, fed with what the state and the
// private state record), and the state of that key.

func (r *enrollmentKeyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state enrollmentKeyModel
	resp.Diagnostics.Append(getModel(ctx, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() || !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	claim, diags := r.keyClaim(ctx, state, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := claim.Name
	setIdentity(ctx, resp.Identity, enrollmentKeyIdentityAttr, name, &resp.Diagnostics)
	key, err := r.data.client.ClaimedKey(ctx, claim)
	if errors.Is(err, netmaker.ErrNotFound) {
		// A successful list lacks the key: it was deleted outside Terraform
		// (or an uncertain create never happened).
		resp.State.RemoveResource(ctx)
		return
	}
	if errors.Is(err, netmaker.ErrForeignKey) {
		// Our key is gone; another of the same name is someone else's.
		// Never adopt it (a plan would change it, a destroy delete it).
		resp.Diagnostics.AddWarning("Enrollment key replaced by another one of the same name",
			fmt.Sprintf("The enrollment key %q that this resource managed no longer exists on %s, and the key now named %q "+
				"is not it: its value is not the recorded one and its settings differ. It is left alone, and the resource is "+
				"removed from state, so the next apply plans to create the key and fails because the name is taken. Rename "+
				"this resource's key, or adopt the other key with `terraform import` if it should be managed here.",
				name, r.data.client.Host(), name))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Could not read enrollment key",
			fmt.Sprintf("Reading key %q failed; the state is kept as it was: %s", name, err))
		return
	}
	newState, diags := keyState(ctx, key, state, r.now())
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State.Raw, newState)...)
	// The uncertain create is settled: the key exists and is recorded.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateUncertainCreate, nil)...)
}

// keyState is the state for key: the table's server attributes as the
// server answers them (in the user's spelling where the server spells the
// same value its own way), the others as prior records them. A prior
// without type is an import: what it does not know, the key tells.
func keyState(ctx context.Context, key *netmaker.EnrollmentKey, prior enrollmentKeyModel, now time.Time) (enrollmentKeyModel, diag.Diagnostics) {
	server, diags := serverView(ctx, key, now)
	imported := prior.Type.IsNull()
	var s enrollmentKeyModel
	for _, a := range enrollmentKeyAttributes {
		var v attr.Value
		switch p := a.value(&prior); {
		case a.fromServer:
			v = a.value(&server)
			if a.same != nil && !p.IsNull() && !p.IsUnknown() && !v.IsNull() && a.same(p, v) {
				v = p
			}
		case !imported && !p.IsNull() && !p.IsUnknown():
			v = p
		case a.whenUnrecorded != nil:
			v = a.whenUnrecorded(key)
		default:
			v = nullOf(a.value(&server))
		}
		a.setValue(&s, v)
	}
	return s, diags
}

// serverView is what the server says of key, in the resource's attributes;
// the attributes only Terraform knows are null.
func serverView(ctx context.Context, key *netmaker.EnrollmentKey, now time.Time) (enrollmentKeyModel, diag.Diagnostics) {
	details, diags := newKeyDetails(ctx, *key, now)
	s := enrollmentKeyModel{
		ID:                  types.StringValue(key.Name),
		Name:                types.StringValue(key.Name),
		Value:               types.StringValue(key.Value),
		Default:             types.BoolValue(key.Default),
		Uses:                types.Int64Null(),
		TTL:                 types.StringNull(),
		RegenerateTrigger:   types.StringNull(),
		RecreateWhenInvalid: types.BoolNull(),
	}
	// Every attribute the data sources describe a key with is the
	// resource's attribute of the same name.
	dst, src := reflect.ValueOf(&s).Elem(), reflect.ValueOf(details)
	for _, f := range modelFields(src.Type()) {
		for _, g := range modelFields(dst.Type()) {
			if g.name == f.name {
				dst.Field(g.index).Set(src.Field(f.index))
			}
		}
	}
	return s, diags
}

// nullOf answers the null value of v's type.
func nullOf(v attr.Value) attr.Value {
	switch v.(type) {
	case types.String:
		return types.StringNull()
	case types.Int64:
		return types.Int64Null()
	case types.Bool:
		return types.BoolNull()
	case types.Set:
		return types.SetNull(types.StringType)
	}
	return v
}

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
	req, diags := createRequest(ctx, noTTL, r.now())
	return req, !diags.HasError()
}

// uncertainCreateState is what Create saves when the key may exist but could
// not be found: the planned settings, no value or token. With an error, the
// framework saves it and Terraform marks the resource tainted.
func uncertainCreateState(plan enrollmentKeyModel, req netmaker.CreateKeyRequest) enrollmentKeyModel {
	s := plan
	s.ID = types.StringValue(req.Name)
	s.Value, s.Token = types.StringNull(), types.StringNull()
	if s.ExpiresAt.IsUnknown() {
		s.ExpiresAt = types.StringNull()
	}
	if req.Type == netmaker.KeyTypeTimeBound {
		s.ExpiresAt = types.StringValue(req.Expiration.UTC().Format(time.RFC3339))
	}
	for _, a := range enrollmentKeyAttributes {
		if v := a.value(&s); v.IsUnknown() {
			a.setValue(&s, nullOf(v))
		}
	}
	return s
}
