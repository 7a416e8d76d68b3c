package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

// scaleKeys is how many keys the request-count tests manage: enough that a
// key list per resource (one per key) stands out from the one list per
// provider process that an apply needs.
const scaleKeys = 30

// scaleConfig is scaleKeys keys of mixed types over two networks, with
// the device tag tag ("" for none) and the rotation trigger trigger.
func scaleConfig(srv *netmakertest.Server, tag, trigger string) string {
	return providerConfig(srv) + fmt.Sprintf(`
locals {
  types = ["unlimited", "uses", "time_bound"]
  nets  = ["tf-scale-a", "tf-scale-b"]
}

resource "netmaker_enrollment_key" "k" {
  count              = %d
  name               = format("tf-scale-%%02d", count.index)
  type               = local.types[count.index %% 3]
  uses               = count.index %% 3 == 1 ? 10 : null
  ttl                = count.index %% 3 == 2 ? "8760h" : null
  networks           = [local.nets[count.index %% 2]]
  tags               = %q == "" ? [] : ["${local.nets[count.index %% 2]}.%s"]
  regenerate_trigger = %q
}
`, scaleKeys, tag, tag, trigger)
}

// checkRequests checks the requests the step made (counted from its
// PreConfig): every route in want exactly as often, key lists at most
// maxLists, network-default lookups at most maxDefaults, and nothing else.
func checkRequests(srv *netmakertest.Server, maxLists, maxDefaults int, want map[string]int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		stats := srv.Stats()
		var problems []string
		for route, n := range stats {
			switch route {
			case "GET /api/v1/enrollment-keys":
				if n > maxLists {
					problems = append(problems, fmt.Sprintf("%d key lists, want at most %d", n, maxLists))
				}
			case "GET /api/v1/enrollment-keys/network/{network}/default", "GET (unrouted)": // v1.5 has no such route
				if n > maxDefaults {
					problems = append(problems, fmt.Sprintf("%d network-default lookups, want at most %d", n, maxDefaults))
				}
			case "GET /api/networks":
				// The plan-time check that the networks exist: once per process.
				if n > 2 {
					problems = append(problems, fmt.Sprintf("%d network lists, want at most 2", n))
				}
			default:
				if n != want[route] {
					problems = append(problems, fmt.Sprintf("%d × %s, want %d", n, route, want[route]))
				}
			}
		}
		for route, n := range want {
			if stats[route] != n {
				problems = append(problems, fmt.Sprintf("%d × %s, want %d", stats[route], route, n))
			}
		}
		if len(problems) > 0 {
			return fmt.Errorf("requests of the apply (%v): %s", stats, strings.Join(problems, "; "))
		}
		return nil
	}
}

// TestAccEnrollmentKeyResource_requestsAtScale counts the requests of an
// apply that changes every key in place and of one that rotates every key:
// the client keeps its list of keys true through its own writes, so each
// makes the writes and one key list per provider process (the plan's and
// the apply's), never one per key. v1.5 rotates by re-creating: a delete
// and a create per key.
func TestAccEnrollmentKeyResource_requestsAtScale(t *testing.T) {
	t.Parallel()
	const (
		put        = "PUT /api/v1/enrollment-keys/{value}"
		regenerate = "POST /api/v1/enrollment-keys/{value}/regenerate-token"
		create     = "POST /api/v1/enrollment-keys"
		del        = "DELETE /api/v1/enrollment-keys/{value}"
	)
	for _, gen := range generations {
		t.Run(string(gen), func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t, gen)
			testAccCreateNetworks(t, srv, "tf-scale-a", "tf-scale-b")
			rotation := map[string]int{regenerate: scaleKeys}
			if gen == netmakertest.GenerationV15 {
				rotation = map[string]int{del: scaleKeys, create: scaleKeys}
			}
			// Per provider process: the route probe, and on current and v1.7 a
			// shape probe of each network's default until one answers.
			const maxDefaults = 2 * 3
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{
						Config: scaleConfig(srv, "", "r1"),
					},
					{
						PreConfig: srv.ResetStats,
						Config:    scaleConfig(srv, "x", "r1"),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction("netmaker_enrollment_key.k[0]", plancheck.ResourceActionUpdate),
							},
						},
						Check: checkRequests(srv, 2, maxDefaults, map[string]int{put: scaleKeys}),
					},
					{
						PreConfig: srv.ResetStats,
						Config:    scaleConfig(srv, "x", "r2"),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction("netmaker_enrollment_key.k[1]", plancheck.ResourceActionUpdate),
							},
						},
						Check: checkRequests(srv, 2, maxDefaults, rotation),
					},
				},
			})
		})
	}
}
