package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestEnrollmentKeyModifyPlan drives ModifyPlan directly, for what
// acceptance tests cannot see (warnings) and for the trigger rules.
func TestEnrollmentKeyModifyPlan(t *testing.T) {
	ctx := context.Background()
	r := &enrollmentKeyResource{data: &providerData{now: func() time.Time { return time.Date(2030, 6, 1, 0, 0, 0, 0, time.UTC) }}}
	var schemaResp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &schemaResp)
	sch := schemaResp.Schema

	empty := types.SetValueMust(types.StringType, nil)
	state := enrollmentKeyModel{
		ID: types.StringValue("k1"), Name: types.StringValue("k1"), Networks: empty, Type: types.StringValue(keyTypeUses),
		Uses: types.Int64Value(3), UsesRemaining: types.Int64Value(3), ExpiresAt: types.StringNull(), TTL: types.StringNull(),
		Tags: empty, GatewayID: types.StringNull(), AutoSelectGateway: types.BoolValue(false), AutoEgress: types.BoolValue(false),
		Value: types.StringValue("V"), Token: types.StringValue("T"), Default: types.BoolValue(false),
		RegenerateTrigger: types.StringValue("one"), Status: types.StringValue("active"), Valid: types.BoolValue(true),
		RecreateWhenInvalid: types.BoolValue(false),
	}
	type result struct {
		plan    enrollmentKeyModel
		replace bool
		diags   diag.Diagnostics
	}
	run := func(t *testing.T, state enrollmentKeyModel, config enrollmentKeyModel) result {
		t.Helper()
		st := tfsdk.State{Schema: sch, Raw: tftypes.NewValue(sch.Type().TerraformType(ctx), nil)}
		if d := st.Set(ctx, state); d.HasError() {
			t.Fatal(d)
		}
		cfgState := tfsdk.State{Schema: sch, Raw: tftypes.NewValue(sch.Type().TerraformType(ctx), nil)}
		if d := cfgState.Set(ctx, config); d.HasError() {
			t.Fatal(d)
		}
		req := resource.ModifyPlanRequest{
			State:  st,
			Config: tfsdk.Config{Schema: sch, Raw: cfgState.Raw},
			Plan:   tfsdk.Plan{Schema: sch, Raw: cfgState.Raw},
		}
		resp := resource.ModifyPlanResponse{Plan: req.Plan}
		r.ModifyPlan(ctx, req, &resp)
		var plan enrollmentKeyModel
		if d := resp.Plan.Get(ctx, &plan); d.HasError() {
			t.Fatal(d)
		}
		return result{plan: plan, replace: resp.RequiresReplace.Contains(path.Root("status")), diags: resp.Diagnostics}
	}
	with := func(m enrollmentKeyModel, f func(*enrollmentKeyModel)) enrollmentKeyModel { f(&m); return m }
	// A time_bound key with a fixed expiry that has passed (the clock says 2030-06-01).
	expired := with(state, func(m *enrollmentKeyModel) {
		m.Type, m.Uses, m.UsesRemaining = types.StringValue(keyTypeTimeBound), types.Int64Null(), types.Int64Value(0)
		m.ExpiresAt, m.Status, m.Valid = types.StringValue("2030-05-31T00:00:00Z"), types.StringValue("expired"), types.BoolValue(false)
	})

	tests := []struct {
		name        string
		state       enrollmentKeyModel
		config      enrollmentKeyModel
		wantUnknown bool   // value and token unknown
		wantReplace bool   // replacement through status
		wantWarning string // substring of a warning
	}{
		{"no change", state, state, false, false, ""},
		{"trigger changes", state, with(state, func(m *enrollmentKeyModel) { m.RegenerateTrigger = types.StringValue("two") }), true, false, ""},
		{"trigger unknown", state, with(state, func(m *enrollmentKeyModel) { m.RegenerateTrigger = types.StringUnknown() }), true, false, ""},
		{"trigger set where unset", with(state, func(m *enrollmentKeyModel) { m.RegenerateTrigger = types.StringNull() }),
			state, false, false, ""},
		{"unknown trigger where unset", with(state, func(m *enrollmentKeyModel) { m.RegenerateTrigger = types.StringNull() }),
			with(state, func(m *enrollmentKeyModel) { m.RegenerateTrigger = types.StringUnknown() }), false, false, ""},
		{"trigger removed", state, with(state, func(m *enrollmentKeyModel) { m.RegenerateTrigger = types.StringNull() }), false, false, ""},
		{"exhausted, kept", with(state, func(m *enrollmentKeyModel) {
			m.UsesRemaining, m.Status, m.Valid = types.Int64Value(0), types.StringValue("exhausted"), types.BoolValue(false)
		}), with(state, func(m *enrollmentKeyModel) {
			m.UsesRemaining, m.Status, m.Valid = types.Int64Value(0), types.StringValue("exhausted"), types.BoolValue(false)
		}), false, false, `"k1" is exhausted`},
		{"exhausted, recreated", with(state, func(m *enrollmentKeyModel) {
			m.Status, m.Valid = types.StringValue("exhausted"), types.BoolValue(false)
		}), with(state, func(m *enrollmentKeyModel) {
			m.Status, m.Valid, m.RecreateWhenInvalid = types.StringValue("exhausted"), types.BoolValue(false), types.BoolValue(true)
		}), false, true, ""},
		{"expired by the clock since the refresh", with(state, func(m *enrollmentKeyModel) {
			m.Type, m.Uses, m.ExpiresAt = types.StringValue(keyTypeTimeBound), types.Int64Null(), types.StringValue("2030-05-31T00:00:00Z")
		}), with(state, func(m *enrollmentKeyModel) {
			m.Type, m.Uses, m.ExpiresAt = types.StringValue(keyTypeTimeBound), types.Int64Null(), types.StringValue("2030-05-31T00:00:00Z")
		}), false, false, `"k1" is expired`},
		{"expired, recreate, fixed expires_at passed: kept with a warning", expired,
			with(expired, func(m *enrollmentKeyModel) { m.RecreateWhenInvalid = types.BoolValue(true) }),
			false, false, "set a later expires_at, or use ttl"},
		{"expired, recreate, expires_at spelled differently but passed", expired,
			with(expired, func(m *enrollmentKeyModel) {
				m.RecreateWhenInvalid, m.ExpiresAt = types.BoolValue(true), types.StringValue("2030-05-31T02:00:00+02:00")
			}), false, false, "set a later expires_at, or use ttl"},
		{"expired, recreate, imported without an expiry configured", expired,
			with(expired, func(m *enrollmentKeyModel) {
				m.RecreateWhenInvalid, m.ExpiresAt = types.BoolValue(true), types.StringNull()
			}),
			false, false, "set a later expires_at, or use ttl"},
		{"expired, recreate, later expires_at configured", expired,
			with(expired, func(m *enrollmentKeyModel) {
				m.RecreateWhenInvalid, m.ExpiresAt = types.BoolValue(true), types.StringValue("2030-07-01T00:00:00Z")
			}), false, true, ""},
		{"expired, recreate, ttl", with(expired, func(m *enrollmentKeyModel) { m.TTL = types.StringValue("24h") }),
			with(expired, func(m *enrollmentKeyModel) {
				m.RecreateWhenInvalid, m.ExpiresAt, m.TTL = types.BoolValue(true), types.StringNull(), types.StringValue("24h")
			}), false, true, ""},
		{"expired, recreate, expires_at unknown", expired,
			with(expired, func(m *enrollmentKeyModel) {
				m.RecreateWhenInvalid, m.ExpiresAt = types.BoolValue(true), types.StringUnknown()
			}),
			false, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := run(t, tt.state, tt.config)
			if got.diags.HasError() {
				t.Fatalf("errors: %v", got.diags)
			}
			if u := got.plan.Value.IsUnknown() && got.plan.Token.IsUnknown(); u != tt.wantUnknown {
				t.Errorf("value/token unknown = %v, want %v", u, tt.wantUnknown)
			}
			if got.replace != tt.wantReplace {
				t.Errorf("replace = %v, want %v", got.replace, tt.wantReplace)
			}
			if tt.wantReplace && !got.plan.Status.IsUnknown() {
				t.Error("a replacement must leave status unknown")
			}
			warnings := got.diags.Warnings()
			if tt.wantWarning == "" {
				if len(warnings) != 0 {
					t.Errorf("unexpected warnings: %v", warnings)
				}
				return
			}
			if len(warnings) != 1 || !strings.Contains(warnings[0].Detail(), tt.wantWarning) ||
				!strings.Contains(warnings[0].Detail(), "recreate_when_invalid") {
				t.Errorf("warnings %v, want one containing %q", warnings, tt.wantWarning)
			}
		})
	}
}
