package provider

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

// TestAccEnrollmentKeyExpiredFixedExpiry: with recreate_when_invalid and a
// fixed expires_at that has passed, a replacement would be planned with the
// same past expiry and fail the plan; the key is kept (with a warning) until
// expires_at moves, and then replaced.
func TestAccEnrollmentKeyExpiredFixedExpiry(t *testing.T) {
	for _, gen := range generations {
		t.Run(string(gen), func(t *testing.T) {
			clock := newTestClock(clockStart)
			srv := newTestServerWithOptions(t, netmakertest.Options{Generation: gen, Now: clock.Now})
			first := clockStart.Add(24 * time.Hour).Format(time.RFC3339)
			later := clockStart.Add(72 * time.Hour).Format(time.RFC3339)
			config := func(expiresAt string) string {
				return keyConfig(srv, fmt.Sprintf(`  name       = "tf-fixed-expiry"
  type       = "time_bound"
  expires_at = %q
  recreate_when_invalid = true`, expiresAt))
			}
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccFactoriesWithClock(clock.Now),
				CheckDestroy:             checkNoKey(srv, "tf-fixed-expiry"),
				Steps: []resource.TestStep{
					{
						Config: config(first),
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
						},
					},
					{
						// Expired: no error and no replacement.
						PreConfig: func() { clock.Advance(25 * time.Hour) },
						Config:    config(first),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectEmptyPlan(),
						}},
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("status"), knownvalue.StringExact("expired")),
							statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expires_at"), knownvalue.StringExact(first)),
						},
					},
					{
						// A later expiry replaces it.
						Config: config(later),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionReplace),
						}},
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
							statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expires_at"), knownvalue.StringExact(later)),
						},
					},
				},
			})
		})
	}
}

// planHook runs a function between plan and apply (as a pre-apply plan
// check): for changes outside Terraform that must land exactly there.
type planHook func() error

func (h planHook) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = h()
}

// TestAccEnrollmentKeyNetworkCascadeDuringApply: a network is deleted after
// the plan of an in-place change (tags) and its asynchronous cascade removes
// it from the key before the apply. The apply keeps the planned networks (no
// "inconsistent result after apply"); the next refresh shows the drift.
func TestAccEnrollmentKeyNetworkCascadeDuringApply(t *testing.T) {
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
						Config: config(`["tf-c1"]`, "tf-c1.b"),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectEmptyPlan(),
						}},
					},
				},
			})
		})
	}
}

// TestKeepPlannedReplaceOnly: replace-only attributes keep their planned
// values over what the server answered; in-place ones and the secrets do not.
func TestKeepPlannedReplaceOnly(t *testing.T) {
	set := func(v ...string) types.Set { return types.SetValueMust(types.StringType, toValues(v)) }
	server := enrollmentKeyModel{
		ID: types.StringValue("k1"), Name: types.StringValue("k1"), Networks: set("a"), Type: types.StringValue(keyTypeTimeBound),
		Uses: types.Int64Null(), ExpiresAt: types.StringValue("2030-01-01T00:00:00Z"), TTL: types.StringNull(),
		AutoEgress: types.BoolValue(false), Tags: set("a.new"), Value: types.StringValue("V2"), Token: types.StringValue("T2"),
	}
	plan := server
	plan.Networks, plan.ExpiresAt, plan.TTL = set("a", "b"), types.StringValue("2030-01-01T02:00:00+02:00"), types.StringValue("24h")
	plan.AutoEgress, plan.Tags, plan.Value, plan.Token = types.BoolValue(true), set("a.planned"), types.StringUnknown(), types.StringUnknown()
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
	unknown.Networks = types.SetUnknown(types.StringType)
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
