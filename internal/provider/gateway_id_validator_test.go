package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestGatewayIDValidator: gateway_id takes a UUID, but not the one the
// client reads as "no gateway" (the nil UUID), for which it says to leave the
// attribute unset.
func TestGatewayIDValidator(t *testing.T) {
	var resp resource.SchemaResponse
	NewEnrollmentKeyResource().Schema(context.Background(), resource.SchemaRequest{}, &resp)
	attr, ok := resp.Schema.Attributes["gateway_id"].(schema.StringAttribute)
	if !ok || len(attr.Validators) == 0 {
		t.Fatalf("gateway_id has no string validators: %#v", resp.Schema.Attributes["gateway_id"])
	}
	tests := []struct {
		name, value, summary, detail string // detail "": no error
	}{
		{"uuid", "3f2b8c1e-6a47-4d2e-9d6b-1c2f3a4b5c6d", "", ""},
		{"upper", "3F2B8C1E-6A47-4D2E-9D6B-1C2F3A4B5C6D", "", ""},
		{"almost nil", "00000000-0000-0000-0000-000000000001", "", ""},
		{"nil", "00000000-0000-0000-0000-000000000000", "Invalid UUID",
			"The nil UUID means \"no gateway\" to Netmaker: leave the attribute unset instead."},
		{"not a UUID", "not-a-uuid", "Invalid UUID", `"not-a-uuid" is not a UUID such as 3f2b8c1e-6a47-4d2e-9d6b-1c2f3a4b5c6d.`},
		{"padded nil", " 00000000-0000-0000-0000-000000000000", "Invalid UUID",
			`" 00000000-0000-0000-0000-000000000000" is not a UUID such as 3f2b8c1e-6a47-4d2e-9d6b-1c2f3a4b5c6d.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got validator.StringResponse
			for _, v := range attr.Validators {
				v.ValidateString(context.Background(), validator.StringRequest{
					Path: path.Root("gateway_id"), ConfigValue: types.StringValue(tt.value)}, &got)
			}
			if tt.detail == "" {
				if got.Diagnostics.HasError() {
					t.Fatalf("diagnostics %v; want none", got.Diagnostics)
				}
				return
			}
			if len(got.Diagnostics) != 1 || got.Diagnostics[0].Summary() != tt.summary || got.Diagnostics[0].Detail() != tt.detail {
				t.Fatalf("diagnostics %v; want one %q: %q", got.Diagnostics, tt.summary, tt.detail)
			}
		})
	}
}
