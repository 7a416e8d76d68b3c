package provider

import (
	"context"
	"errors"
	"slices"
	"strings"
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

func keyNamesOf(keys []netmaker.EnrollmentKey) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.Name
	}
	return out
}

func TestFilterKeys(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		name   string
		filter keyFilter
		want   []string
	}{
		{"no filter, sorted by name", keyFilter{}, []string{"batch", "contractor", "expired", "net-a", "net-b", "used-up"}},
		{"network", keyFilter{Network: "net-b"}, []string{"batch", "expired", "net-b"}},
		{"unknown network", keyFilter{Network: "nope"}, []string{}},
		{"type uses", keyFilter{Type: keyTypeUses}, []string{"batch", "used-up"}},
		{"type time_bound", keyFilter{Type: keyTypeTimeBound}, []string{"contractor", "expired"}},
		{"type unlimited", keyFilter{Type: keyTypeUnlimited}, []string{"net-a", "net-b"}},
		{"tag", keyFilter{Tag: "ci"}, []string{"batch", "expired"}},
		{"default", keyFilter{Default: &yes}, []string{"net-a", "net-b"}},
		{"not default", keyFilter{Default: &no}, []string{"batch", "contractor", "expired", "used-up"}},
		{"valid", keyFilter{Valid: &yes}, []string{"batch", "contractor", "net-a", "net-b"}},
		{"invalid", keyFilter{Valid: &no}, []string{"expired", "used-up"}},
		{"all combined", keyFilter{Network: "net-a", Type: keyTypeTimeBound, Tag: "laptop", Default: &no, Valid: &yes},
			[]string{"contractor"}},
		{"combined, nothing left", keyFilter{Network: "net-b", Default: &yes, Type: keyTypeUses}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := keyNamesOf(filterKeys(testKeys(), tt.filter, keyAttrTestNow))
			if !slices.Equal(got, tt.want) {
				t.Errorf("filterKeys = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFilterKeysIsStableAcrossListOrders(t *testing.T) {
	keys := testKeys()
	want := keyNamesOf(filterKeys(keys, keyFilter{}, keyAttrTestNow))
	for i := 0; i < len(keys); i++ {
		rotated := append(slices.Clone(keys[i:]), keys[:i]...)
		slices.Reverse(rotated)
		if got := keyNamesOf(filterKeys(rotated, keyFilter{}, keyAttrTestNow)); !slices.Equal(got, want) {
			t.Fatalf("order depends on input order: %v, want %v", got, want)
		}
	}
}

func TestSortKeysBreaksNameTiesByValue(t *testing.T) {
	keys := []netmaker.EnrollmentKey{{Name: "b", Value: "2"}, {Name: "a", Value: "9"}, {Name: "b", Value: "1"}}
	sortKeys(keys)
	got := []string{keys[0].Name + keys[0].Value, keys[1].Name + keys[1].Value, keys[2].Name + keys[2].Value}
	if want := []string{"a9", "b1", "b2"}; !slices.Equal(got, want) {
		t.Errorf("sortKeys = %v, want %v", got, want)
	}
}

func TestFindKey(t *testing.T) {
	twoDefaults := append(testKeys(), netmaker.EnrollmentKey{Name: "rogue", Value: "V7", Networks: []string{"net-a"}, Default: true})
	duplicateName := append(testKeys(), netmaker.EnrollmentKey{Name: "batch", Value: "V8"})
	tests := []struct {
		name         string
		keys         []netmaker.EnrollmentKey
		byName       string
		network      string
		wantKey      string
		wantSummary  string
		wantInDetail []string
	}{
		{name: "by name", keys: testKeys(), byName: "contractor", wantKey: "contractor"},
		{name: "by name, auto-generated key", keys: testKeys(), byName: "net-a", wantKey: "net-a"},
		{name: "by name, missing", keys: testKeys(), byName: "ghost",
			wantSummary: "Enrollment key not found", wantInDetail: []string{`"ghost"`}},
		{name: "by name, duplicate", keys: duplicateName, byName: "batch",
			wantSummary: "Several enrollment keys match", wantInDetail: []string{`2 enrollment keys named "batch"`}},
		{name: "network default", keys: testKeys(), network: "net-b", wantKey: "net-b"},
		{name: "network default, multi-network key is not default", keys: testKeys(), network: "net-a", wantKey: "net-a"},
		{name: "network without default", keys: testKeys(), network: "nope",
			wantSummary: "Network has no default enrollment key", wantInDetail: []string{`network "nope"`}},
		{name: "network with two defaults", keys: twoDefaults, network: "net-a",
			wantSummary:  "Network has several default enrollment keys",
			wantInDetail: []string{`Network "net-a"`, `"net-a", "rogue"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, err := findKey(tt.keys, tt.byName, tt.network)
			if tt.wantSummary == "" {
				if err != nil {
					t.Fatalf("findKey: %v", err)
				}
				if key.Name != tt.wantKey {
					t.Fatalf("findKey = %q, want %q", key.Name, tt.wantKey)
				}
				return
			}
			if err == nil {
				t.Fatalf("findKey = %q, want error %q", key.Name, tt.wantSummary)
			}
			summary, detail := lookupDiagnostic(err)
			if summary != tt.wantSummary {
				t.Errorf("summary = %q, want %q", summary, tt.wantSummary)
			}
			for _, want := range tt.wantInDetail {
				if !strings.Contains(detail, want) {
					t.Errorf("detail %q lacks %q", detail, want)
				}
			}
			for _, k := range tt.keys {
				if strings.Contains(detail, k.Value) && len(k.Value) > 2 {
					t.Errorf("detail %q reveals key value %q", detail, k.Value)
				}
			}
		})
	}
}

func TestLookupDiagnosticOtherErrors(t *testing.T) {
	summary, detail := lookupDiagnostic(errors.New("boom"))
	if summary != "Could not look up enrollment key" || detail != "boom" {
		t.Errorf("lookupDiagnostic = %q, %q", summary, detail)
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

func TestIsAutoGenerated(t *testing.T) {
	tests := []struct {
		key, network string
		want         bool
	}{
		{"net-a", "net-a", true},
		{"custom", "net-a", false},
		{"net-a", "net-b", false},
	}
	for _, tt := range tests {
		if got := isAutoGenerated(tt.key, tt.network); got != tt.want {
			t.Errorf("isAutoGenerated(%q, %q) = %v, want %v", tt.key, tt.network, got, tt.want)
		}
	}
}
