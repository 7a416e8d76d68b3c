package planmodifiers

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var objType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{"a": tftypes.String}}

var testSchema = schema.Schema{Attributes: map[string]schema.Attribute{"a": schema.StringAttribute{Optional: true}}}

// stringReq builds a request for an update (non-null state and plan).
func stringReq(state, plan types.String) planmodifier.StringRequest {
	raw := tftypes.NewValue(objType, map[string]tftypes.Value{"a": tftypes.NewValue(tftypes.String, "x")})
	return planmodifier.StringRequest{
		Path:        path.Root("a"),
		StateValue:  state,
		PlanValue:   plan,
		ConfigValue: plan,
		State:       tfsdk.State{Schema: testSchema, Raw: raw},
		Plan:        tfsdk.Plan{Schema: testSchema, Raw: raw},
		Config:      tfsdk.Config{Schema: testSchema, Raw: raw},
	}
}

func TestRequiresReplaceIfInstantChanges(t *testing.T) {
	s := types.StringValue
	tests := []struct {
		name        string
		state, plan types.String
		want        bool
	}{
		{"same spelling", s("2030-01-01T00:00:00Z"), s("2030-01-01T00:00:00Z"), false},
		{"other offset same instant", s("2030-01-01T00:00:00Z"), s("2030-01-01T02:00:00+02:00"), false},
		{"sub-second the server drops", s("2030-01-01T00:00:00Z"), s("2030-01-01T00:00:00.4Z"), false},
		{"one second later", s("2030-01-01T00:00:00Z"), s("2030-01-01T00:00:01Z"), true},
		{"another day", s("2030-01-01T00:00:00Z"), s("2030-01-02T00:00:00Z"), true},
		{"unknown plan", s("2030-01-01T00:00:00Z"), types.StringUnknown(), true},
		{"set where none", types.StringNull(), s("2030-01-01T00:00:00Z"), true},
		{"removed", s("2030-01-01T00:00:00Z"), types.StringNull(), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp planmodifier.StringResponse
			resp.PlanValue = tt.plan
			RequiresReplaceIfInstantChanges().PlanModifyString(context.Background(), stringReq(tt.state, tt.plan), &resp)
			if resp.RequiresReplace != tt.want {
				t.Errorf("RequiresReplace = %v, want %v", resp.RequiresReplace, tt.want)
			}
			if resp.PlanValue != tt.plan {
				t.Errorf("plan value changed to %v", resp.PlanValue)
			}
		})
	}
}

func TestRequiresReplaceIfDurationChanges(t *testing.T) {
	s := types.StringValue
	tests := []struct {
		name        string
		state, plan types.String
		want        bool
	}{
		{"same", s("720h"), s("720h"), false},
		{"same duration other spelling", s("720h"), s("720h0m0s"), false},
		{"minutes for hours", s("1h"), s("60m"), false},
		{"longer", s("720h"), s("1440h"), true},
		{"shorter", s("720h"), s("24h"), true},
		{"set after import", types.StringNull(), s("720h"), false},
		{"removed", s("720h"), types.StringNull(), false},
		{"unknown where state has one", s("720h"), types.StringUnknown(), true},
		{"unknown where state has none", types.StringNull(), types.StringUnknown(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp planmodifier.StringResponse
			resp.PlanValue = tt.plan
			RequiresReplaceIfDurationChanges().PlanModifyString(context.Background(), stringReq(tt.state, tt.plan), &resp)
			if resp.RequiresReplace != tt.want {
				t.Errorf("RequiresReplace = %v, want %v", resp.RequiresReplace, tt.want)
			}
		})
	}
}

func TestRequiresReplaceOnCreateAndDestroy(t *testing.T) {
	// Neither modifier replaces on create (null state) or destroy (null plan).
	null := tftypes.NewValue(objType, nil)
	raw := tftypes.NewValue(objType, map[string]tftypes.Value{"a": tftypes.NewValue(tftypes.String, "720h")})
	for _, m := range []planmodifier.String{RequiresReplaceIfInstantChanges(), RequiresReplaceIfDurationChanges()} {
		for name, req := range map[string]planmodifier.StringRequest{
			"create": {State: tfsdk.State{Schema: testSchema, Raw: null}, Plan: tfsdk.Plan{Schema: testSchema, Raw: raw},
				StateValue: types.StringNull(), PlanValue: types.StringValue("720h")},
			"destroy": {State: tfsdk.State{Schema: testSchema, Raw: raw}, Plan: tfsdk.Plan{Schema: testSchema, Raw: null},
				StateValue: types.StringValue("720h"), PlanValue: types.StringNull()},
		} {
			var resp planmodifier.StringResponse
			m.PlanModifyString(context.Background(), req, &resp)
			if resp.RequiresReplace {
				t.Errorf("%T replaces on %s", m, name)
			}
		}
	}
}

func TestSameInstant(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"2030-01-01T00:00:00Z", "2030-01-01T00:00:00Z", true},
		{"2030-01-01T00:00:00Z", "2029-12-31T19:00:00-05:00", true},
		{"2030-01-01T00:00:00Z", "2030-01-01T00:00:00+01:00", false},
		{"garbage", "garbage", true},
		{"garbage", "2030-01-01T00:00:00Z", false},
	}
	for _, tt := range tests {
		if got := SameInstant(tt.a, tt.b); got != tt.want {
			t.Errorf("SameInstant(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
