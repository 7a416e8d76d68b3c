package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/clock"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

// Validity of netmaker_enrollment_key (status, valid,
// recreate_when_invalid): keys that expire (ttl, expires_at) or run out of
// uses, on a simulated clock shared by provider and server.

// clockStart is a fixed start for simulated clocks, in the future so that
// expiries computed from it are accepted by the server's clock too.
var clockStart = time.Date(2031, 3, 1, 12, 0, 0, 0, time.UTC)

// eachGenerationWithClock is eachGeneration on servers whose clock is clk,
// a manual clock from clockStart that the test advances.
func eachGenerationWithClock(t *testing.T, test func(t *testing.T, srv *netmakertest.Server, clk *clock.Manual)) {
	for _, gen := range generations {
		t.Run(string(gen), func(t *testing.T) {
			clk := clock.NewManual(clockStart)
			test(t, newTestServerWithOptions(t, netmakertest.Options{Generation: gen, Now: clk.Now}), clk)
		})
	}
}

// TestAccEnrollmentKeyResource_ttl creates a contractor key with a TTL, lets time
// pass on a simulated clock shared by provider and server, and checks that
// plans stay clean until the key expires, that an expired key is kept with
// a warning, and that recreate_when_invalid replaces it with a fresh expiry.
func TestAccEnrollmentKeyResource_ttl(t *testing.T) {
	eachGenerationWithClock(t, func(t *testing.T, srv *netmakertest.Server, clk *clock.Manual) {
		expiresSame := statecheck.CompareValue(compare.ValuesSame())
		config := func(ttl string, recreate bool) string {
			return keyConfig(srv, fmt.Sprintf(`  name     = "tf-contractor"
  type     = "time_bound"
  ttl      = %q
  networks = ["tf-net-a"]
  recreate_when_invalid = %t`, ttl, recreate))
		}
		firstExpiry := clockStart.Add(24 * time.Hour).Format(time.RFC3339)
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccFactoriesWithClock(clk),
			CheckDestroy:             checkNoKey(srv, "tf-contractor"),
			Steps: []resource.TestStep{
				{
					Config: config("24h", false),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectUnknownValue(keyAddr, tfjsonpath.New("expires_at")),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expires_at"), knownvalue.StringExact(firstExpiry)),
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
						expiresSame.AddStateValue(keyAddr, tfjsonpath.New("expires_at")),
					},
				},
				{
					// Time passes: nothing drifts.
					PreConfig:        func() { clk.Advance(20 * time.Hour) },
					Config:           config("24h", false),
					ConfigPlanChecks: emptyPlan(),
					ConfigStateChecks: []statecheck.StateCheck{
						expiresSame.AddStateValue(keyAddr, tfjsonpath.New("expires_at")),
					},
				},
				{
					// Another spelling of the same duration is no change.
					Config:           config("1440m", false),
					ConfigPlanChecks: plannedAction(keyAddr, plancheck.ResourceActionUpdate),
					ConfigStateChecks: []statecheck.StateCheck{
						expiresSame.AddStateValue(keyAddr, tfjsonpath.New("expires_at")),
					},
				},
				{
					// Expired: kept, not recreated.
					PreConfig:        func() { clk.Advance(5 * time.Hour) },
					Config:           config("1440m", false),
					ConfigPlanChecks: emptyPlan(),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("status"), knownvalue.StringExact("expired")),
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("valid"), knownvalue.Bool(false)),
						expiresSame.AddStateValue(keyAddr, tfjsonpath.New("expires_at")),
					},
				},
				{
					// Opt in: replaced, with an expiry counted from now.
					Config: config("1440m", true),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionReplace),
						plancheck.ExpectUnknownValue(keyAddr, tfjsonpath.New("expires_at")),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expires_at"),
							knownvalue.StringExact(clockStart.Add(25*time.Hour+24*time.Hour).Format(time.RFC3339))),
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
					},
				},
				{
					// Changing the TTL replaces the key.
					Config:           config("48h", true),
					ConfigPlanChecks: plannedAction(keyAddr, plancheck.ResourceActionReplace),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expires_at"),
							knownvalue.StringExact(clockStart.Add(25*time.Hour+48*time.Hour).Format(time.RFC3339))),
					},
				},
			},
		})
	})
}

// TestAccEnrollmentKeyResource_expiresAt checks instants versus spellings, and that
// an expiry in the past is refused only when a key is to be created.
func TestAccEnrollmentKeyResource_expiresAt(t *testing.T) {
	eachGenerationWithClock(t, func(t *testing.T, srv *netmakertest.Server, clk *clock.Manual) {
		config := func(expires string, extra string) string {
			return keyConfig(srv, fmt.Sprintf("  name       = \"tf-expiry\"\n  type       = \"time_bound\"\n  expires_at = %q\n%s", expires, extra))
		}
		utc := clockStart.Add(2 * time.Hour).Format(time.RFC3339)
		offset := clockStart.Add(2 * time.Hour).In(time.FixedZone("", 2*3600)).Format(time.RFC3339)
		valueSame := statecheck.CompareValue(compare.ValuesSame())
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccFactoriesWithClock(clk),
			CheckDestroy:             checkNoKey(srv, "tf-expiry"),
			Steps: []resource.TestStep{
				{
					Config:            config(utc, ""),
					ConfigStateChecks: []statecheck.StateCheck{valueSame.AddStateValue(keyAddr, tfjsonpath.New("value"))},
				},
				{
					// Same instant, another spelling: recorded in place, kept as written.
					Config:           config(offset, ""),
					ConfigPlanChecks: plannedAction(keyAddr, plancheck.ResourceActionUpdate),
					ConfigStateChecks: []statecheck.StateCheck{
						valueSame.AddStateValue(keyAddr, tfjsonpath.New("value")),
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expires_at"), knownvalue.StringExact(offset)),
					},
				},
				{
					// The key expires; a later in-place change still plans (the
					// past expiry only matters to a create).
					PreConfig:        func() { clk.Advance(3 * time.Hour) },
					Config:           config(offset, `  tags = ["tf-net-a.late"]`),
					ConfigPlanChecks: plannedAction(keyAddr, plancheck.ResourceActionUpdate),
					ConfigStateChecks: []statecheck.StateCheck{
						valueSame.AddStateValue(keyAddr, tfjsonpath.New("value")),
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("status"), knownvalue.StringExact("expired")),
					},
				},
				{
					// Opting in to recreation with a past expires_at cannot replace the key
					// (its create would fail): recorded in place, the key is kept with a warning.
					Config:           config(offset, "  tags = [\"tf-net-a.late\"]\n  recreate_when_invalid = true"),
					ConfigPlanChecks: plannedAction(keyAddr, plancheck.ResourceActionUpdate),
					ConfigStateChecks: []statecheck.StateCheck{
						valueSame.AddStateValue(keyAddr, tfjsonpath.New("value")),
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("status"), knownvalue.StringExact("expired")),
					},
				},
				{
					// A new instant replaces the key.
					Config:           config(clockStart.Add(10*time.Hour).Format(time.RFC3339), `  tags = ["tf-net-a.late"]`),
					ConfigPlanChecks: plannedAction(keyAddr, plancheck.ResourceActionReplace),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
					},
				},
			},
		})
	})
}

// TestAccEnrollmentKeyResource_exhausted drives a uses key down through the server's
// register route, asks for a rotation, which the plan refuses on every
// generation (v1.5 would have to create the key again with no uses; the
// regenerate-token route refuses a key that admits no device), and opts in to
// its replacement.
func TestAccEnrollmentKeyResource_exhausted(t *testing.T) {
	eachGeneration(t, func(t *testing.T, srv *netmakertest.Server) {
		config := func(trigger string, recreate bool) string {
			return keyConfig(srv, fmt.Sprintf(`  name = "tf-exhausted"
  type = "uses"
  uses = 2
  regenerate_trigger    = %q
  recreate_when_invalid = %t`, trigger, recreate))
		}
		register := func() {
			k, _ := srv.KeyByName("tf-exhausted")
			if err := srv.Register(srv.Token(k.Value)); err != nil {
				t.Fatal(err)
			}
		}
		var exhausted netmakertest.Key
		valueDiffers := statecheck.CompareValue(compare.ValuesDiffer())
		rotate := resource.TestStep{
			Config:      config("b", false),
			ExpectError: regexp.MustCompile(`(?s)Cannot rotate a used-up key.*Nothing was changed`),
		}
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy:             checkNoKey(srv, "tf-exhausted"),
			Steps: []resource.TestStep{
				{Config: config("a", false), ConfigStateChecks: []statecheck.StateCheck{valueDiffers.AddStateValue(keyAddr, tfjsonpath.New("value"))}},
				{
					PreConfig:        func() { register(); register() },
					Config:           config("a", false),
					ConfigPlanChecks: emptyPlan(),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("uses_remaining"), knownvalue.Int64Exact(0)),
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("status"), knownvalue.StringExact("exhausted")),
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("valid"), knownvalue.Bool(false)),
					},
					Check: rememberServerKey(srv, "tf-exhausted", &exhausted),
				},
				rotate,
				{
					PreConfig: func() {
						if k, _ := srv.KeyByName("tf-exhausted"); k.Value != exhausted.Value {
							t.Errorf("the refused rotation changed the key")
						}
					},
					Config:           config("b", true),
					ConfigPlanChecks: plannedAction(keyAddr, plancheck.ResourceActionReplace),
					ConfigStateChecks: []statecheck.StateCheck{
						valueDiffers.AddStateValue(keyAddr, tfjsonpath.New("value")),
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("uses_remaining"), knownvalue.Int64Exact(2)),
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
					},
					Check: checkStateMatchesServer(srv, keyAddr, "tf-exhausted"),
				},
			},
		})
	})
}

// TestAccEnrollmentKeyResource_expiredFixedExpiry: with recreate_when_invalid and a
// fixed expires_at that has passed, a replacement would be planned with the
// same past expiry and fail the plan; the key is kept (with a warning) until
// expires_at moves, and then replaced.
func TestAccEnrollmentKeyResource_expiredFixedExpiry(t *testing.T) {
	eachGenerationWithClock(t, func(t *testing.T, srv *netmakertest.Server, clk *clock.Manual) {
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
			ProtoV6ProviderFactories: testAccFactoriesWithClock(clk),
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
					PreConfig:        func() { clk.Advance(25 * time.Hour) },
					Config:           config(first),
					ConfigPlanChecks: emptyPlan(),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("status"), knownvalue.StringExact("expired")),
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expires_at"), knownvalue.StringExact(first)),
					},
				},
				{
					// A later expiry replaces it.
					Config:           config(later),
					ConfigPlanChecks: plannedAction(keyAddr, plancheck.ResourceActionReplace),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expires_at"), knownvalue.StringExact(later)),
					},
				},
			},
		})
	})
}
