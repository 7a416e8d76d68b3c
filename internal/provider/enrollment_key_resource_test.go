package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

// ---- unit tests -------------------------------------------------------------

func TestKeyState(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	exp := time.Date(2030, 2, 1, 0, 0, 0, 0, time.UTC)
	gw := "3f2b8c1e-6a47-4d2e-9d6b-1c2f3a4b5c6d"
	key := netmaker.EnrollmentKey{
		Name: "k1", Value: "V", Token: "T", Networks: []string{"n1"}, Tags: nil,
		Type: netmaker.KeyTypeTimeBound, Expiration: exp, GatewayID: gw,
	}
	managed := enrollmentKeyModel{
		Type: types.StringValue(keyTypeTimeBound), Uses: types.Int64Null(),
		TTL: types.StringValue("744h"), RegenerateTrigger: types.StringValue("r1"),
		ExpiresAt: types.StringValue("2030-02-01T01:00:00+01:00"), GatewayID: types.StringValue(strings.ToUpper(gw)),
		RecreateWhenInvalid: types.BoolValue(true),
	}
	tests := []struct {
		name  string
		key   netmaker.EnrollmentKey
		prior enrollmentKeyModel
		now   time.Time
		check func(t *testing.T, s enrollmentKeyModel)
	}{
		{"keeps terraform-only attributes and the user's spellings", key, managed, now, func(t *testing.T, s enrollmentKeyModel) {
			want := map[string][2]string{
				"id":                 {s.ID.ValueString(), "k1"},
				"expires_at":         {s.ExpiresAt.ValueString(), "2030-02-01T01:00:00+01:00"},
				"gateway_id":         {s.GatewayID.ValueString(), strings.ToUpper(gw)},
				"ttl":                {s.TTL.ValueString(), "744h"},
				"regenerate_trigger": {s.RegenerateTrigger.ValueString(), "r1"},
				"status":             {s.Status.ValueString(), "active"},
				"type":               {s.Type.ValueString(), keyTypeTimeBound},
			}
			for attr, v := range want {
				if v[0] != v[1] {
					t.Errorf("%s = %q, want %q", attr, v[0], v[1])
				}
			}
			if !s.Valid.ValueBool() || !s.RecreateWhenInvalid.ValueBool() || !s.Uses.IsNull() {
				t.Errorf("valid=%v recreate=%v uses=%v", s.Valid, s.RecreateWhenInvalid, s.Uses)
			}
			if s.Tags.IsNull() || len(s.Tags.Elements()) != 0 {
				t.Errorf("nil tags must be an empty set, got %v", s.Tags)
			}
		}},
		{"server changes win over state", netmaker.EnrollmentKey{Name: "k1", Type: netmaker.KeyTypeTimeBound, Expiration: exp.Add(time.Hour)},
			managed, now, func(t *testing.T, s enrollmentKeyModel) {
				if s.ExpiresAt.ValueString() != "2030-02-01T01:00:00Z" {
					t.Errorf("expires_at = %s", s.ExpiresAt)
				}
				if !s.GatewayID.IsNull() {
					t.Errorf("gateway_id = %s, want null", s.GatewayID)
				}
			}},
		{"expired", key, managed, exp, func(t *testing.T, s enrollmentKeyModel) {
			if s.Status.ValueString() != "expired" || s.Valid.ValueBool() {
				t.Errorf("status=%s valid=%s", s.Status, s.Valid)
			}
		}},
		{"import infers uses from the counter", netmaker.EnrollmentKey{Name: "k2", Type: netmaker.KeyTypeUses, UsesRemaining: 7},
			enrollmentKeyModel{ID: types.StringValue("k2"), Name: types.StringValue("k2")}, now, func(t *testing.T, s enrollmentKeyModel) {
				if s.Uses.ValueInt64() != 7 || s.UsesRemaining.ValueInt64() != 7 || s.RecreateWhenInvalid.ValueBool() || !s.TTL.IsNull() {
					t.Errorf("uses=%s remaining=%s recreate=%s ttl=%s", s.Uses, s.UsesRemaining, s.RecreateWhenInvalid, s.TTL)
				}
			}},
		{"managed uses stays as configured", netmaker.EnrollmentKey{Name: "k2", Type: netmaker.KeyTypeUses, UsesRemaining: 0},
			enrollmentKeyModel{Type: types.StringValue(keyTypeUses), Uses: types.Int64Value(10)}, now, func(t *testing.T, s enrollmentKeyModel) {
				if s.Uses.ValueInt64() != 10 || s.UsesRemaining.ValueInt64() != 0 || s.Status.ValueString() != "exhausted" || s.Valid.ValueBool() {
					t.Errorf("uses=%s remaining=%s status=%s", s.Uses, s.UsesRemaining, s.Status)
				}
			}},
		{"import of an unlimited key", netmaker.EnrollmentKey{Name: "net1", Type: netmaker.KeyTypeUnlimited, Unlimited: true, Default: true, Networks: []string{"net1"}},
			enrollmentKeyModel{ID: types.StringValue("net1"), Name: types.StringValue("net1")}, now, func(t *testing.T, s enrollmentKeyModel) {
				if !s.Uses.IsNull() || !s.ExpiresAt.IsNull() || !s.Default.ValueBool() || s.Type.ValueString() != keyTypeUnlimited {
					t.Errorf("uses=%s expires=%s default=%s type=%s", s.Uses, s.ExpiresAt, s.Default, s.Type)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, diags := keyState(ctx, &tt.key, tt.prior, tt.now)
			if diags.HasError() {
				t.Fatal(diags)
			}
			tt.check(t, s)
		})
	}
}

func TestStateHealth(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name        string
		state       enrollmentKeyModel
		wantStatus  netmaker.KeyStatus
		wantInvalid bool
	}{
		{"active", enrollmentKeyModel{Valid: types.BoolValue(true), Status: types.StringValue("active"), ExpiresAt: types.StringNull()}, "active", false},
		{"exhausted", enrollmentKeyModel{Valid: types.BoolValue(false), Status: types.StringValue("exhausted")}, "exhausted", true},
		{"expired since the last refresh", enrollmentKeyModel{Valid: types.BoolValue(true), ExpiresAt: types.StringValue("2029-12-31T23:59:59Z")}, "expired", true},
		{"expires exactly now", enrollmentKeyModel{Valid: types.BoolValue(true), ExpiresAt: types.StringValue("2030-01-01T00:00:00Z")}, "expired", true},
		{"expires later", enrollmentKeyModel{Valid: types.BoolValue(true), ExpiresAt: types.StringValue("2030-01-01T00:00:01Z")}, "active", false},
		{"unknown validity", enrollmentKeyModel{Valid: types.BoolNull()}, "active", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, invalid := stateHealth(tt.state, now)
			if status != tt.wantStatus || invalid != tt.wantInvalid {
				t.Errorf("stateHealth = %s, %v; want %s, %v", status, invalid, tt.wantStatus, tt.wantInvalid)
			}
		})
	}
}

// TestKeepPlannedReplaceOnly: replace-only attributes keep their planned
// values over what the server answered; in-place ones and the secrets do not.
func TestKeepPlannedReplaceOnly(t *testing.T) {
	set := func(v ...string) types.Set { return types.SetValueMust(types.StringType, toValues(v)) }
	server := enrollmentKeyModel{
		ID: types.StringValue("k1"), Name: types.StringValue("k1"), Networks: stringSet(set("a")), Type: types.StringValue(keyTypeTimeBound),
		Uses: types.Int64Null(), ExpiresAt: types.StringValue("2030-01-01T00:00:00Z"), TTL: types.StringNull(),
		AutoEgress: types.BoolValue(false), Tags: stringSet(set("a.new")), Value: types.StringValue("V2"), Token: types.StringValue("T2"),
	}
	plan := server
	plan.Networks, plan.ExpiresAt, plan.TTL = stringSet(set("a", "b")), types.StringValue("2030-01-01T02:00:00+02:00"), types.StringValue("24h")
	plan.AutoEgress, plan.Tags, plan.Value, plan.Token = types.BoolValue(true), stringSet(set("a.planned")), types.StringUnknown(), types.StringUnknown()
	got := server
	keepPlannedReplaceOnly(&got, plan)
	tests := []struct {
		name      string
		got, want attr.Value
	}{
		{"networks", got.Networks, plan.Networks},
		{"expires_at", got.ExpiresAt, plan.ExpiresAt},
		{"ttl", got.TTL, plan.TTL},
		{"auto_egress", got.AutoEgress, plan.AutoEgress},
		{"type", got.Type, plan.Type},
		{"name", got.Name, plan.Name},
		{"tags (in place: the server's)", got.Tags, server.Tags},
		{"value (unknown in the plan: the server's)", got.Value, server.Value},
		{"token (unknown in the plan: the server's)", got.Token, server.Token},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.got.Equal(tt.want) {
				t.Errorf("got %s, want %s", tt.got, tt.want)
			}
		})
	}
	unknown := plan
	unknown.Networks = stringSet(types.SetUnknown(types.StringType))
	got = server
	keepPlannedReplaceOnly(&got, unknown)
	if !got.Networks.Equal(server.Networks) {
		t.Errorf("an unknown planned value must not replace the server's: got %s", got.Networks)
	}
}

func toValues(v []string) []attr.Value {
	out := make([]attr.Value, len(v))
	for i, s := range v {
		out[i] = types.StringValue(s)
	}
	return out
}

// ---- acceptance tests -------------------------------------------------------

const keyAddr = "netmaker_enrollment_key.test"

// keyConfig is a provider block plus one netmaker_enrollment_key "test"
// with the given body.
func keyConfig(srv *netmakertest.Server, body string) string {
	return providerConfig(srv) + fmt.Sprintf(`
resource "netmaker_enrollment_key" "test" {
%s
}
`, body)
}

// checkServerKey asserts on the key the server holds under name.
func checkServerKey(srv *netmakertest.Server, name string, f func(k netmakertest.Key) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		k, ok := srv.KeyByName(name)
		if !ok {
			return fmt.Errorf("server has no key named %q", name)
		}
		return f(k)
	}
}

// rememberServerKey copies the server's key name into *into when the check
// runs, for a later step to compare against; a missing key fails the step.
func rememberServerKey(srv *netmakertest.Server, name string, into *netmakertest.Key) resource.TestCheckFunc {
	return checkServerKey(srv, name, func(k netmakertest.Key) error {
		*into = k
		return nil
	})
}

// checkSameValue asserts that the server's key name still has the value of
// *before (read when the check runs), failing with msg otherwise.
func checkSameValue(srv *netmakertest.Server, name string, before *netmakertest.Key, msg string) resource.TestCheckFunc {
	return checkServerKey(srv, name, func(k netmakertest.Key) error {
		if k.Value != before.Value {
			return fmt.Errorf("%s", msg)
		}
		return nil
	})
}

// checkNoKey asserts that the server holds no key named name.
func checkNoKey(srv *netmakertest.Server, names ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, name := range names {
			if _, ok := srv.KeyByName(name); ok {
				return fmt.Errorf("server still has key %q", name)
			}
		}
		return nil
	}
}

// checkStateMatchesServer asserts that state holds the server's current value and token.
func checkStateMatchesServer(srv *netmakertest.Server, addr, name string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s not in state", addr)
		}
		k, ok := srv.KeyByName(name)
		if !ok {
			return fmt.Errorf("server has no key %q", name)
		}
		if rs.Primary.Attributes["value"] != k.Value || rs.Primary.Attributes["token"] != srv.Token(k.Value) {
			return fmt.Errorf("%s: state value/token are not the server's", addr)
		}
		if n := countKeys(srv, name); n != 1 {
			return fmt.Errorf("server has %d keys named %q", n, name)
		}
		return nil
	}
}

// countKeys answers how many keys on the server are named name.
func countKeys(srv *netmakertest.Server, name string) int {
	n := 0
	for _, k := range srv.Keys() {
		if k.Name == name {
			n++
		}
	}
	return n
}

// checkServerEmpty asserts that the server holds no key at all.
func checkServerEmpty(srv *netmakertest.Server) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if keys := srv.Keys(); len(keys) != 0 {
			names := make([]string, 0, len(keys))
			for _, k := range keys {
				names = append(names, k.Name)
			}
			return fmt.Errorf("the server still holds %d keys after destroy: %s", len(keys), strings.Join(names, ", "))
		}
		return nil
	}
}

func TestAccEnrollmentKeyResource_types(t *testing.T) {
	eachGeneration(t, func(t *testing.T, srv *netmakertest.Server) {
		expires := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
		config := providerConfig(srv) + fmt.Sprintf(`
resource "netmaker_enrollment_key" "unlimited" {
  name     = "tf-unlimited"
  type     = "unlimited"
  networks = ["tf-net-a"]
}

resource "netmaker_enrollment_key" "uses" {
  name     = "tf-uses"
  type     = "uses"
  uses     = 5
  networks = ["tf-net-a", "tf-net-b"]
}

resource "netmaker_enrollment_key" "time_bound" {
  name       = "tf-time-bound"
  type       = "time_bound"
  expires_at = %q
}
`, expires)
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy:             checkNoKey(srv, "tf-unlimited", "tf-uses", "tf-time-bound"),
			Steps: []resource.TestStep{{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("netmaker_enrollment_key.unlimited", tfjsonpath.New("id"), knownvalue.StringExact("tf-unlimited")),
					statecheck.ExpectKnownValue("netmaker_enrollment_key.unlimited", tfjsonpath.New("uses"), knownvalue.Null()),
					statecheck.ExpectKnownValue("netmaker_enrollment_key.unlimited", tfjsonpath.New("expires_at"), knownvalue.Null()),
					statecheck.ExpectKnownValue("netmaker_enrollment_key.unlimited", tfjsonpath.New("status"), knownvalue.StringExact("active")),
					statecheck.ExpectKnownValue("netmaker_enrollment_key.unlimited", tfjsonpath.New("default"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("netmaker_enrollment_key.uses", tfjsonpath.New("uses"), knownvalue.Int64Exact(5)),
					statecheck.ExpectKnownValue("netmaker_enrollment_key.uses", tfjsonpath.New("uses_remaining"), knownvalue.Int64Exact(5)),
					statecheck.ExpectKnownValue("netmaker_enrollment_key.uses", tfjsonpath.New("networks"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("tf-net-a"), knownvalue.StringExact("tf-net-b")})),
					statecheck.ExpectKnownValue("netmaker_enrollment_key.time_bound", tfjsonpath.New("expires_at"), knownvalue.StringExact(expires)),
					statecheck.ExpectKnownValue("netmaker_enrollment_key.time_bound", tfjsonpath.New("networks"), knownvalue.SetSizeExact(0)),
					statecheck.ExpectKnownValue("netmaker_enrollment_key.time_bound", tfjsonpath.New("valid"), knownvalue.Bool(true)),
					statecheck.ExpectSensitiveValue("netmaker_enrollment_key.uses", tfjsonpath.New("token")),
					statecheck.ExpectSensitiveValue("netmaker_enrollment_key.uses", tfjsonpath.New("value")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkServerKey(srv, "tf-unlimited", func(k netmakertest.Key) error {
						if k.Type != int(netmaker.KeyTypeUnlimited) || !k.Unlimited {
							return fmt.Errorf("unlimited key stored as %+v", k)
						}
						return nil
					}),
					checkServerKey(srv, "tf-uses", func(k netmakertest.Key) error {
						if k.Type != int(netmaker.KeyTypeUses) || k.Unlimited || k.UsesRemaining != 5 || len(k.Networks) != 2 {
							return fmt.Errorf("uses key stored as %+v", k)
						}
						return nil
					}),
					checkServerKey(srv, "tf-time-bound", func(k netmakertest.Key) error {
						if k.Type != int(netmaker.KeyTypeTimeBound) || k.Unlimited || k.Expiration.UTC().Format(time.RFC3339) != expires {
							return fmt.Errorf("time-bound key stored as %+v", k)
						}
						return nil
					}),
					func(s *terraform.State) error {
						attrs := s.RootModule().Resources["netmaker_enrollment_key.uses"].Primary.Attributes
						k, _ := srv.KeyByName("tf-uses")
						if attrs["value"] != k.Value || attrs["token"] != srv.Token(k.Value) {
							return fmt.Errorf("state value/token do not match the server's key")
						}
						return nil
					},
				),
			}},
		})
	})
}

func TestAccEnrollmentKeyResource_inPlaceAndReplace(t *testing.T) {
	eachGeneration(t, func(t *testing.T, srv *netmakertest.Server) {
		gwA := srv.AddGateway("tf-net-a")
		gwB := srv.AddGateway("tf-net-a")
		valueSame := statecheck.CompareValue(compare.ValuesSame())
		valueDiffers := statecheck.CompareValue(compare.ValuesDiffer())
		body := func(name, networks, extra string) string {
			return fmt.Sprintf("  name     = %q\n  type     = \"unlimited\"\n  networks = %s\n%s", name, networks, extra)
		}
		usesBody := func(name string) string {
			return fmt.Sprintf("  name = %q\n  type = \"uses\"\n  uses = 3\n  networks = [\"tf-net-a\", \"tf-net-b\"]", name)
		}
		// replaced is a step to keyBody that replaces the key (a new value),
		// with check (if any) and more checks of the state.
		replaced := func(keyBody string, check resource.TestCheckFunc, more ...statecheck.StateCheck) resource.TestStep {
			return resource.TestStep{
				Config:            keyConfig(srv, keyBody),
				Check:             check,
				ConfigPlanChecks:  plannedAction(keyAddr, plancheck.ResourceActionDestroyBeforeCreate),
				ConfigStateChecks: append([]statecheck.StateCheck{valueDiffers.AddStateValue(keyAddr, tfjsonpath.New("value"))}, more...),
			}
		}
		resource.Test(t, resource.TestCase{
			TerraformVersionChecks:   skipWithoutRemovedBlocks,
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy:             checkNoKey(srv, "tf-key", "tf-key-renamed"),
			Steps: []resource.TestStep{
				{
					Config: keyConfig(srv, body("tf-key", `["tf-net-a"]`, `  tags = ["tf-net-a.web"]`)),
					ConfigStateChecks: []statecheck.StateCheck{
						valueSame.AddStateValue(keyAddr, tfjsonpath.New("value")),
						valueDiffers.AddStateValue(keyAddr, tfjsonpath.New("value")),
					},
				},
				{
					// Tags and gateway change in place: same key, same value.
					Config: keyConfig(srv, body("tf-key", `["tf-net-a"]`, fmt.Sprintf("  tags = [\"tf-net-a.web\", \"tf-net-a.db\"]\n  gateway_id = %q", gwA))),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(keyAddr, tfjsonpath.New("token"), knownvalue.NotNull()),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						valueSame.AddStateValue(keyAddr, tfjsonpath.New("value")),
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("tags"), knownvalue.SetSizeExact(2)),
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("gateway_id"), knownvalue.StringExact(gwA)),
					},
					Check: checkServerKey(srv, "tf-key", func(k netmakertest.Key) error {
						if k.Relay != gwA || len(k.Groups) != 2 {
							return fmt.Errorf("server key not updated: %+v", k)
						}
						return nil
					}),
				},
				{
					// Another gateway, then auto-select: still in place.
					Config:           keyConfig(srv, body("tf-key", `["tf-net-a"]`, fmt.Sprintf("  gateway_id = %q", gwB))),
					ConfigPlanChecks: plannedAction(keyAddr, plancheck.ResourceActionUpdate),
					ConfigStateChecks: []statecheck.StateCheck{
						valueSame.AddStateValue(keyAddr, tfjsonpath.New("value")),
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("tags"), knownvalue.SetSizeExact(0)),
					},
				},
				{
					Config:           keyConfig(srv, body("tf-key", `["tf-net-a"]`, "  auto_select_gateway = true")),
					ConfigPlanChecks: plannedAction(keyAddr, plancheck.ResourceActionUpdate),
					ConfigStateChecks: []statecheck.StateCheck{
						valueSame.AddStateValue(keyAddr, tfjsonpath.New("value")),
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("gateway_id"), knownvalue.Null()),
					},
					Check: checkServerKey(srv, "tf-key", func(k netmakertest.Key) error {
						if k.Relay != netmakertest.NilUUID || !k.AutoAssignGW {
							return fmt.Errorf("server key not updated: %+v", k)
						}
						return nil
					}),
				},
				// networks forces a new key.
				replaced(body("tf-key", `["tf-net-a", "tf-net-b"]`, "  auto_select_gateway = true"), nil),
				// type forces a new key.
				replaced(usesBody("tf-key"), nil,
					statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("uses_remaining"), knownvalue.Int64Exact(3))),
				// name forces a new key; the old name is gone from the server.
				replaced(usesBody("tf-key-renamed"), checkNoKey(srv, "tf-key"),
					statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("id"), knownvalue.StringExact("tf-key-renamed"))),
			},
		})
	})
}

func TestAccEnrollmentKeyResource_outOfBand(t *testing.T) {
	eachGeneration(t, func(t *testing.T, srv *netmakertest.Server) {
		gw := srv.AddGateway("tf-net-a")
		config := keyConfig(srv, `  name     = "tf-oob"
  type     = "uses"
  uses     = 2
  networks = ["tf-net-a"]
  tags     = ["tf-net-a.web"]`)
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy:             checkNoKey(srv, "tf-oob"),
			Steps: []resource.TestStep{
				{Config: config},
				{
					// Someone edits tags and gateway in the UI: the plan puts them back in place.
					PreConfig: func() {
						if err := srv.UpdateKeyByName("tf-oob", func(k *netmakertest.Key) {
							k.Groups = []string{"tf-net-a.other"}
							k.Relay = gw
						}); err != nil {
							t.Fatal(err)
						}
					},
					Config:           config,
					ConfigPlanChecks: plannedAction(keyAddr, plancheck.ResourceActionUpdate),
					Check: checkServerKey(srv, "tf-oob", func(k netmakertest.Key) error {
						if len(k.Groups) != 1 || k.Groups[0] != "tf-net-a.web" || k.Relay != netmakertest.NilUUID {
							return fmt.Errorf("out-of-band change not reverted: %+v", k)
						}
						return nil
					}),
				},
				{
					// A device enrolls: the counter moves, and that is no change.
					PreConfig: func() {
						k, _ := srv.KeyByName("tf-oob")
						if err := srv.Register(srv.Token(k.Value)); err != nil {
							t.Fatal(err)
						}
					},
					Config:           config,
					ConfigPlanChecks: emptyPlan(),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("uses_remaining"), knownvalue.Int64Exact(1)),
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("uses"), knownvalue.Int64Exact(2)),
					},
				},
				{
					// The token is rotated outside Terraform (or a rotation's answer
					// was lost): the refresh, by name, records the real value and token.
					PreConfig: func() {
						if err := srv.UpdateKeyByName("tf-oob", func(k *netmakertest.Key) {
							k.Value = "ROTATEDOUTOFBAND0123456789ABCDEF"
						}); err != nil {
							t.Fatal(err)
						}
					},
					Config:           config,
					ConfigPlanChecks: emptyPlan(),
					Check:            checkStateMatchesServer(srv, keyAddr, "tf-oob"),
				},
				{
					// The key is deleted outside Terraform: the plan creates it again.
					PreConfig: func() {
						if err := srv.DeleteKeyByName("tf-oob"); err != nil {
							t.Fatal(err)
						}
					},
					Config:           config,
					ConfigPlanChecks: plannedAction(keyAddr, plancheck.ResourceActionCreate),
					Check: checkServerKey(srv, "tf-oob", func(k netmakertest.Key) error {
						if k.UsesRemaining != 2 {
							return fmt.Errorf("recreated key has %d uses", k.UsesRemaining)
						}
						return nil
					}),
				},
			},
		})
	})
}

// Netmaker lets a network be created with an existing key's name; the
// network's auto-generated key then shares it. The resource must keep
// following its own key (by value), not whichever comes first in the
// randomly ordered list, and destroy only its own key.
func TestAccEnrollmentKeyResource_sharedName(t *testing.T) {
	eachGeneration(t, func(t *testing.T, srv *netmakertest.Server) {
		config := keyConfig(srv, `  name     = "tf-dupx"
  type     = "uses"
  uses     = 3
  networks = ["tf-n1"]`)
		noChange := resource.TestStep{Config: config, PlanOnly: true} // fails on any planned change
		steps := []resource.TestStep{{
			Config: config,
			Check: func(*terraform.State) error {
				// Out of band, after the key exists: a network of the same name.
				return srv.CreateNetwork("tf-dupx", "10.72.0.0/16")
			},
		}}
		for range 4 { // the list order is random: every refresh must pick the same key
			steps = append(steps, noChange)
		}
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy: func(*terraform.State) error {
				n, autoLeft := 0, false
				for _, k := range srv.Keys() {
					if k.Name == "tf-dupx" {
						n++
						autoLeft = k.Default && len(k.Networks) == 1 && k.Networks[0] == "tf-dupx"
					}
				}
				if n != 1 || !autoLeft {
					return fmt.Errorf("after destroy %d keys are named tf-dupx (auto-generated one left: %v); want only the network's own", n, autoLeft)
				}
				return nil
			},
			Steps: steps,
		})
	})
}

// planHook runs a function between plan and apply (as a pre-apply plan
// check): for changes outside Terraform that must land exactly there.
type planHook func() error

func (h planHook) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = h()
}

// TestAccEnrollmentKeyResource_networkCascadeDuringApply: a network is deleted after
// the plan of an in-place change (tags) and its asynchronous cascade removes
// it from the key before the apply. The apply keeps the planned networks (no
// "inconsistent result after apply"); the next refresh shows the drift.
func TestAccEnrollmentKeyResource_networkCascadeDuringApply(t *testing.T) {
	for _, gen := range generations {
		t.Run(string(gen), func(t *testing.T) {
			srv := newTestServerWithOptions(t, netmakertest.Options{Generation: gen})
			for i, n := range []string{"tf-c1", "tf-c2"} {
				if err := srv.CreateNetwork(n, fmt.Sprintf("10.%d.0.0/16", 80+i)); err != nil {
					t.Fatal(err)
				}
			}
			config := func(networks, tag string) string {
				return keyConfig(srv, fmt.Sprintf("  name     = \"tf-cascade\"\n  type     = \"unlimited\"\n  networks = %s\n  tags     = [%q]", networks, tag))
			}
			// The deletion lands after the plan, and the cascade has run
			// before the apply starts: deterministic, whatever the delay.
			deleteNetworkBeforeApply := planHook(func() error {
				if err := srv.DeleteNetwork("tf-c2"); err != nil {
					return err
				}
				srv.WaitIdle()
				if k, ok := srv.KeyByName("tf-cascade"); !ok || !slices.Equal(k.Networks, []string{"tf-c1"}) {
					return fmt.Errorf("the cascade did not remove tf-c2 from the key: %+v", k)
				}
				return nil
			})
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             checkNoKey(srv, "tf-cascade"),
				Steps: []resource.TestStep{
					{Config: config(`["tf-c1", "tf-c2"]`, "tf-c1.a")},
					{
						Config: config(`["tf-c1", "tf-c2"]`, "tf-c1.b"),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionUpdate),
							deleteNetworkBeforeApply,
						}},
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("networks"),
								knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("tf-c1"), knownvalue.StringExact("tf-c2")})),
							statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("tags"),
								knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("tf-c1.b")})),
						},
						Check: checkServerKey(srv, "tf-cascade", func(k netmakertest.Key) error {
							if !slices.Equal(k.Groups, []string{"tf-c1.b"}) {
								return fmt.Errorf("tags not updated on the server: %+v", k)
							}
							return nil
						}),
						// The refresh after the apply sees the network gone.
						ExpectNonEmptyPlan: true,
					},
					{
						// The drift is recorded: configuring what remains is no change.
						Config:           config(`["tf-c1"]`, "tf-c1.b"),
						ConfigPlanChecks: emptyPlan(),
					},
				},
			})
		})
	}
}
