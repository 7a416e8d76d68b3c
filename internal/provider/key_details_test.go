package provider

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
)

var keyAttrTestNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// testKeys is a server's list in no particular order.
func testKeys() []netmaker.EnrollmentKey {
	return []netmaker.EnrollmentKey{
		{Name: "net-b", Value: "V2", Networks: []string{"net-b"}, Type: netmaker.KeyTypeUnlimited, Unlimited: true, Default: true},
		{Name: "contractor", Value: "V4", Networks: []string{"net-a"}, Type: netmaker.KeyTypeTimeBound,
			Expiration: keyAttrTestNow.Add(24 * time.Hour), Tags: []string{"laptop"}},
		{Name: "net-a", Value: "V1", Networks: []string{"net-a"}, Type: netmaker.KeyTypeUnlimited, Unlimited: true, Default: true},
		{Name: "expired", Value: "V5", Networks: []string{"net-a", "net-b"}, Type: netmaker.KeyTypeTimeBound,
			Expiration: keyAttrTestNow.Add(-time.Hour), Tags: []string{"laptop", "ci"}},
		{Name: "batch", Value: "V3", Networks: []string{"net-a", "net-b"}, Type: netmaker.KeyTypeUses, UsesRemaining: 3,
			Tags: []string{"ci"}},
		{Name: "used-up", Value: "V6", Networks: []string{}, Type: netmaker.KeyTypeUses, UsesRemaining: 0},
	}
}

func TestNewKeyDetails(t *testing.T) {
	tests := []struct {
		name        string
		key         netmaker.EnrollmentKey
		wantType    types.String
		wantExpires types.String
		wantGateway types.String
		wantStatus  string
		wantValid   bool
	}{
		{
			name:     "unlimited, no gateway",
			key:      netmaker.EnrollmentKey{Name: "k", Type: netmaker.KeyTypeUnlimited, Unlimited: true},
			wantType: types.StringValue("unlimited"), wantExpires: types.StringNull(), wantGateway: types.StringNull(),
			wantStatus: "active", wantValid: true,
		},
		{
			name: "time bound in another zone is reported in UTC",
			key: netmaker.EnrollmentKey{Name: "k", Type: netmaker.KeyTypeTimeBound,
				Expiration: time.Date(2026, 6, 2, 14, 30, 0, 0, time.FixedZone("CEST", 2*3600))},
			wantType: types.StringValue("time_bound"), wantExpires: types.StringValue("2026-06-02T12:30:00Z"),
			wantGateway: types.StringNull(), wantStatus: "active", wantValid: true,
		},
		{
			name:     "expired",
			key:      netmaker.EnrollmentKey{Name: "k", Type: netmaker.KeyTypeTimeBound, Expiration: keyAttrTestNow},
			wantType: types.StringValue("time_bound"), wantExpires: types.StringValue("2026-06-01T12:00:00Z"),
			wantGateway: types.StringNull(), wantStatus: "expired", wantValid: false,
		},
		{
			name:     "exhausted, with gateway",
			key:      netmaker.EnrollmentKey{Name: "k", Type: netmaker.KeyTypeUses, GatewayID: "8d5f3c1e-0000-4000-8000-000000000001"},
			wantType: types.StringValue("uses"), wantExpires: types.StringNull(),
			wantGateway: types.StringValue("8d5f3c1e-0000-4000-8000-000000000001"), wantStatus: "exhausted", wantValid: false,
		},
		{
			name:     "undefined type",
			key:      netmaker.EnrollmentKey{Name: "k", Type: netmaker.KeyTypeUndefined},
			wantType: types.StringNull(), wantExpires: types.StringNull(), wantGateway: types.StringNull(),
			wantStatus: "active", wantValid: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, diags := newKeyDetails(context.Background(), tt.key, keyAttrTestNow)
			if diags.HasError() {
				t.Fatalf("diagnostics: %v", diags)
			}
			if !got.Type.Equal(tt.wantType) {
				t.Errorf("type = %v, want %v", got.Type, tt.wantType)
			}
			if !got.ExpiresAt.Equal(tt.wantExpires) {
				t.Errorf("expires_at = %v, want %v", got.ExpiresAt, tt.wantExpires)
			}
			if !got.GatewayID.Equal(tt.wantGateway) {
				t.Errorf("gateway_id = %v, want %v", got.GatewayID, tt.wantGateway)
			}
			if got.Status.ValueString() != tt.wantStatus || got.Valid.ValueBool() != tt.wantValid {
				t.Errorf("status, valid = %v, %v; want %v, %v", got.Status, got.Valid, tt.wantStatus, tt.wantValid)
			}
			if got.Networks.IsNull() || got.Tags.IsNull() {
				t.Errorf("nil networks/tags must be empty sets, got %v, %v", got.Networks, got.Tags)
			}
		})
	}
}

func TestKeyObjectTypeMatchesKeyModel(t *testing.T) {
	ctx := context.Background()
	m, diags := newKeyModel(ctx, testKeys()[1], keyAttrTestNow)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if _, diags := types.ObjectValueFrom(ctx, keyObjectType().AttrTypes, m); diags.HasError() {
		t.Fatalf("keyModel does not fit keyObjectType: %v", diags)
	}
}
