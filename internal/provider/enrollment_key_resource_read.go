package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
)

// Reading netmaker_enrollment_key: which key on the server is this
// resource's (the client's ownership rule, fed with what the state and the
// private state record), and the state of that key.

func (r *enrollmentKeyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, ok := operationModel[enrollmentKeyModel](ctx, rawModel(req.State.Raw), r.data, &resp.Diagnostics)
	if !ok {
		return
	}
	records, diags := readKeyRecords(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The identity is the name, whatever the read finds (the framework
	// wants one even for a resource it removes).
	setIdentity(ctx, resp.Identity, enrollmentKeyIdentityAttr, r.keyClaim(ctx, state, records).Name, &resp.Diagnostics)
	newState, found, diags := r.readKey(ctx, state, records)
	resp.Diagnostics.Append(diags...)
	switch {
	case resp.Diagnostics.HasError():
		return
	case !found:
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.State.Raw, newState)...)
	// What was in flight is settled: the key exists and is recorded.
	resp.Diagnostics.Append(clearKeyRecords(ctx, resp.Private)...)
}

// readKey finds the key state manages, by what state and records say, and
// answers its state; found is false when a successful list lacks it.
func (r *enrollmentKeyResource) readKey(ctx context.Context, state enrollmentKeyModel, records keyRecords) (enrollmentKeyModel, bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	claim := r.keyClaim(ctx, state, records)
	name := claim.Name
	key, err := r.data.client.ClaimedKey(ctx, claim)
	switch {
	case errors.Is(err, netmaker.ErrNotFound) && state.Type.IsNull() && records.create == nil:
		// An import of a name no key has: say so, rather than Terraform's
		// generic "non-existent remote object".
		diags.AddAttributeError(path.Root("name"), "No enrollment key to import",
			fmt.Sprintf("%s has no enrollment key named %q (names are case-sensitive; a network's auto-generated key is "+
				"named exactly like the network). The netmaker_enrollment_keys data source, or terraform query with the "+
				"netmaker_enrollment_key list resource, lists the keys there are.", r.data.client.Host(), name))
		return state, false, diags
	case errors.Is(err, netmaker.ErrNotFound):
		// A successful list lacks the key: it was deleted outside Terraform
		// (or an uncertain create never happened).
		return state, false, diags
	case errors.Is(err, netmaker.ErrForeignKey):
		// Our key is gone; another of the same name is someone else's.
		// Never adopt it (a plan would change it, a destroy delete it), and
		// never drop the resource either: its create would then be refused
		// at every plan, terraform destroy's included. It is kept, detached
		// (ModifyPlan says so at every plan).
		return detachedState(state), true, diags
	case err != nil:
		diags.AddError("Could not read enrollment key",
			fmt.Sprintf("Reading key %q failed; the state is kept as it was: %s", name, err))
		return state, true, diags
	}
	newState, d := keyState(ctx, key, state, r.now())
	diags.Append(d...)
	matchedBySettings := claim.Value != "" && key.Value != claim.Value
	switch {
	case records.rotation != nil && records.rotation.Answered && matchedBySettings && records.rotation.notRotated(key.Value):
		// Answered as done, yet the list has the value from before: the
		// plan's rotation did not happen; the next plan makes it again.
		newState.RegenerateTrigger = records.rotation.previousTrigger()
		diags.AddWarning("The rotation answered as done did not happen",
			fmt.Sprintf("The last apply rotated the token of the enrollment key %q, and %s answered with a new value, but "+
				"its list of keys still has the key with the value from before the rotation. The list is trusted: the "+
				"state now holds that value and token, and the next plan rotates the token again. Something between "+
				"Terraform and Netmaker (a proxy or cache) may be answering for it.", name, r.data.client.Host()))
	case records.rotation != nil && matchedBySettings && records.rotation.Answered:
		// The rotation was answered with a value the list does not have:
		// the list is the truth.
		newState.RegenerateTrigger = types.StringValue(records.rotation.Trigger)
		diags.AddWarning("The server's answer to the rotation disagrees with its list",
			fmt.Sprintf("The last apply rotated the token of the enrollment key %q, and %s answered with a value that its "+
				"list of keys does not have. The list is trusted: its key of that name and settings is this resource's, "+
				"with the value and token the list has, now in the state. Something between Terraform and Netmaker (a "+
				"proxy or cache) may be answering for it; whatever used the token of that apply needs the one in the "+
				"state now.", name, r.data.client.Host()))
	case records.rotation != nil && matchedBySettings:
		// The rotation this resource sent happened, its answer lost.
		newState.RegenerateTrigger = types.StringValue(records.rotation.Trigger)
	case matchedBySettings && records.create == nil:
		diags.AddWarning("Enrollment key found with another value",
			fmt.Sprintf("The enrollment key %q on %s no longer has the value this resource recorded, but it has every "+
				"setting recorded: its token was regenerated by the netmaker_enrollment_key_rotate action or outside "+
				"Terraform (the Netmaker UI can do that), or someone deleted the key and created another with the same "+
				"name and settings. It is kept as this resource's key, "+
				"with its new token. If it is not yours, remove this resource from the state (terraform state rm) before "+
				"a destroy or a replacement deletes it.", name, r.data.client.Host()))
	}
	r.data.plans().noteRefreshed(name, key.Value)
	return newState, true, diags
}

// keyStatusDetached is the status of a resource whose key another key of
// the same name replaced (see detachedState).
const keyStatusDetached = "detached"

// detachedState is state detached from the server: its key is gone and
// another key has its name, which this resource must never change or
// delete. It keeps the configuration's values, no value or token.
func detachedState(state enrollmentKeyModel) enrollmentKeyModel {
	s := state
	s.Value, s.Token = types.StringNull(), types.StringNull()
	s.Status, s.Valid = types.StringValue(keyStatusDetached), types.BoolValue(false)
	return s
}

// isDetached tells whether state is detached (see detachedState).
func isDetached(state enrollmentKeyModel) bool {
	return state.Status.ValueString() == keyStatusDetached
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
	// resource's attribute of the same name (sets bounded on the resource).
	dst, src := reflect.ValueOf(&s).Elem(), reflect.ValueOf(details)
	for _, f := range modelFields(src.Type()) {
		for _, g := range modelFields(dst.Type()) {
			if g.name != f.name {
				continue
			}
			v := src.Field(f.index)
			if set, ok := v.Interface().(types.Set); ok && dst.Field(g.index).Type() == reflect.TypeFor[boundedStringSet]() {
				v = reflect.ValueOf(stringSet(set))
			}
			dst.Field(g.index).Set(v)
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
	case boundedStringSet:
		return stringSet(types.SetNull(types.StringType))
	}
	return v
}

// What this resource sent and could not learn the outcome of is recorded in
// its private state, where the next run reads it: which key is this
// resource's is decided from these records, never guessed.
const (
	// privateUncertainCreate holds the create request (absolute expiry,
	// tags; no secret) of a create whose outcome is unknown: the resource
	// is saved tainted, and the next refresh finds the key by name and
	// those settings.
	privateUncertainCreate = "uncertain_create"
	// privateRotation holds the trigger of a rotation sent and not
	// confirmed by a list; the state saved with it holds the key as it was
	// just before (value and settings), so that a key of the name with
	// those settings and another value is the rotated one. Answered: the
	// state holds the value the rotation's answer named instead, which the
	// next refresh checks against the list.
	privateRotation = "rotation_in_flight"
)

// keyRecords are the records of a resource's private state.
type keyRecords struct {
	create   *netmaker.CreateKeyRequest
	rotation *rotationRecord
}

type rotationRecord struct {
	Trigger string `json:"trigger"`
	// PreviousTrigger is the trigger before the rotation (nil: none), and
	// OldValueSHA256 the digest of the value before it (no secret in the
	// record): a key that still has that value was never rotated.
	PreviousTrigger *string `json:"previous_trigger,omitempty"`
	OldValueSHA256  string  `json:"old_value_sha256"`
	Answered        bool    `json:"answered,omitempty"`
}

func newRotationRecord(trigger, previous types.String, oldValue string) *rotationRecord {
	r := &rotationRecord{Trigger: trigger.ValueString(), OldValueSHA256: valueDigest(oldValue)}
	if !previous.IsNull() && !previous.IsUnknown() {
		p := previous.ValueString()
		r.PreviousTrigger = &p
	}
	return r
}

// notRotated tells whether value is the one the key had before the rotation.
func (r *rotationRecord) notRotated(value string) bool {
	return r.OldValueSHA256 != "" && r.OldValueSHA256 == valueDigest(value)
}

func (r *rotationRecord) previousTrigger() types.String {
	if r.PreviousTrigger == nil {
		return types.StringNull()
	}
	return types.StringValue(*r.PreviousTrigger)
}

func valueDigest(value string) string {
	sum := sha256.Sum256([]byte(value))
	return hex.EncodeToString(sum[:])
}

// privateGetter is the part of the framework's private state that reads.
type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// privateSetter is the part of the framework's private state that writes.
type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// readKeyRecords reads the records of private (nil: none).
func readKeyRecords(ctx context.Context, private privateGetter) (keyRecords, diag.Diagnostics) {
	var out keyRecords
	var diags diag.Diagnostics
	if private == nil {
		return out, diags
	}
	for key, dst := range map[string]any{privateUncertainCreate: &out.create, privateRotation: &out.rotation} {
		raw, d := private.GetKey(ctx, key)
		diags.Append(d...)
		if len(raw) == 0 {
			continue
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			diags.AddError("Unreadable private state", fmt.Sprintf("The record %q does not decode: %s", key, err))
		}
	}
	return out, diags
}

// setKeyRecord writes one record (nil clears it).
func setKeyRecord(ctx context.Context, private privateSetter, key string, record any) diag.Diagnostics {
	if private == nil || reflect.ValueOf(private).IsNil() {
		return nil
	}
	if record == nil || reflect.ValueOf(record).IsNil() {
		return private.SetKey(ctx, key, nil)
	}
	raw, err := json.Marshal(record)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Could not record the operation", err.Error())
		return diags
	}
	return private.SetKey(ctx, key, raw)
}

// clearKeyRecords clears every record.
func clearKeyRecords(ctx context.Context, private privateSetter) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.Append(setKeyRecord(ctx, private, privateUncertainCreate, nil)...)
	diags.Append(setKeyRecord(ctx, private, privateRotation, nil)...)
	return diags
}

// keyClaim tells the client which key state manages (see netmaker.KeyClaim):
// the key with the recorded value, or one of the name whose settings are
// the recorded ones (a rotation keeps every setting), or, after an uncertain
// create, one with the settings asked for. With neither value nor settings
// (an import), the only key of the name.
func (r *enrollmentKeyResource) keyClaim(ctx context.Context, state enrollmentKeyModel, records keyRecords) netmaker.KeyClaim {
	claim := netmaker.KeyClaim{Name: state.Name.ValueString(), Value: state.Value.ValueString()}
	if claim.Name == "" {
		claim.Name = state.ID.ValueString()
	}
	if records.create != nil {
		claim.Settings = records.create
		return claim
	}
	if settings, ok := r.recordedSettings(ctx, state); ok {
		claim.Settings = &settings
	}
	return claim
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
