package validators

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var testSchema = schema.Schema{Attributes: map[string]schema.Attribute{
	"type":       schema.StringAttribute{Optional: true},
	"uses":       schema.Int64Attribute{Optional: true},
	"expires_at": schema.StringAttribute{Optional: true},
	"gateway_id": schema.StringAttribute{Optional: true},
	"auto":       schema.BoolAttribute{Optional: true},
}}

// testConfig builds a config from values; absent attributes are null.
func testConfig(values map[string]tftypes.Value) tfsdk.Config {
	types := map[string]tftypes.Type{
		"type": tftypes.String, "uses": tftypes.Number, "expires_at": tftypes.String,
		"gateway_id": tftypes.String, "auto": tftypes.Bool,
	}
	all := map[string]tftypes.Value{}
	for name, typ := range types {
		all[name] = tftypes.NewValue(typ, nil)
		if v, ok := values[name]; ok {
			all[name] = v
		}
	}
	return tfsdk.Config{Schema: testSchema, Raw: tftypes.NewValue(tftypes.Object{AttributeTypes: types}, all)}
}

func str(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

func TestOnlyWhenStringIs(t *testing.T) {
	v := OnlyWhenStringIs(path.Root("type"), []string{"uses", "unlimited", "time_bound"}, []string{"uses"}, path.Root("uses"))
	tests := []struct {
		name    string
		values  map[string]tftypes.Value
		wantErr string
	}{
		{"uses with type uses", map[string]tftypes.Value{"type": str("uses"), "uses": tftypes.NewValue(tftypes.Number, 5)}, ""},
		{"uses with type unlimited", map[string]tftypes.Value{"type": str("unlimited"), "uses": tftypes.NewValue(tftypes.Number, 5)},
			`uses can only be set when type is "uses"; here type is "unlimited"`},
		{"no uses with type unlimited", map[string]tftypes.Value{"type": str("unlimited")}, ""},
		// A typo in type is the type validator's one error, not a second one here.
		{"uses with a misspelt type", map[string]tftypes.Value{"type": str("unlimted"), "uses": tftypes.NewValue(tftypes.Number, 5)}, ""},
		{"unknown type", map[string]tftypes.Value{"type": tftypes.NewValue(tftypes.String, tftypes.UnknownValue), "uses": tftypes.NewValue(tftypes.Number, 5)}, ""},
		{"null type", map[string]tftypes.Value{"uses": tftypes.NewValue(tftypes.Number, 5)}, ""},
		{"unknown uses", map[string]tftypes.Value{"type": str("unlimited"), "uses": tftypes.NewValue(tftypes.Number, tftypes.UnknownValue)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp resource.ValidateConfigResponse
			v.ValidateResource(context.Background(), resource.ValidateConfigRequest{Config: testConfig(tt.values)}, &resp)
			checkDiags(t, resp, tt.wantErr)
		})
	}
}

func TestConflictsWhenTrue(t *testing.T) {
	v := ConflictsWhenTrue(path.Root("gateway_id"), path.Root("auto"), "pick one")
	gw := str("3f2b8c1e-6a47-4d2e-9d6b-1c2f3a4b5c6d")
	tests := []struct {
		name    string
		values  map[string]tftypes.Value
		wantErr string
	}{
		{"gateway and auto true", map[string]tftypes.Value{"gateway_id": gw, "auto": tftypes.NewValue(tftypes.Bool, true)}, "gateway_id cannot be set while auto is true: pick one."},
		{"gateway and auto false", map[string]tftypes.Value{"gateway_id": gw, "auto": tftypes.NewValue(tftypes.Bool, false)}, ""},
		{"gateway only", map[string]tftypes.Value{"gateway_id": gw}, ""},
		{"auto only", map[string]tftypes.Value{"auto": tftypes.NewValue(tftypes.Bool, true)}, ""},
		{"auto unknown", map[string]tftypes.Value{"gateway_id": gw, "auto": tftypes.NewValue(tftypes.Bool, tftypes.UnknownValue)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp resource.ValidateConfigResponse
			v.ValidateResource(context.Background(), resource.ValidateConfigRequest{Config: testConfig(tt.values)}, &resp)
			checkDiags(t, resp, tt.wantErr)
		})
	}
}

func checkDiags(t *testing.T, resp resource.ValidateConfigResponse, wantErr string) {
	t.Helper()
	if wantErr == "" {
		if resp.Diagnostics.HasError() {
			t.Fatalf("unexpected error: %v", resp.Diagnostics)
		}
		return
	}
	if !resp.Diagnostics.HasError() {
		t.Fatalf("want error containing %q, got none", wantErr)
	}
	if d := resp.Diagnostics.Errors()[0].Detail(); !strings.Contains(d, wantErr) {
		t.Errorf("error detail %q does not contain %q", d, wantErr)
	}
}
