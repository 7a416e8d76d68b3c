package provider

import (
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

// TestAccEnrollmentKeyDeleteDefault adopts a network's auto-generated key,
// changes its tags, and destroys it: the destroy succeeds (the key leaves
// the state with a warning) and the key stays on the server, still the
// network's default, with the tags of the last apply.
func TestAccEnrollmentKeyDeleteDefault(t *testing.T) {
	for _, gen := range generations {
		t.Run(string(gen), func(t *testing.T) {
			srv := newTestServer(t, gen)
			if err := srv.CreateNetwork("tf-def-net", "10.55.0.0/16"); err != nil {
				t.Fatal(err)
			}
			adopt := func(tags string) string {
				return providerConfig(srv) + fmt.Sprintf(`
resource "netmaker_enrollment_key" "def" {
  name     = "tf-def-net"
  type     = "unlimited"
  networks = ["tf-def-net"]
  tags     = [%s]
}
`, tags)
			}
			stillDefault := func(groups ...string) resource.TestCheckFunc {
				return checkServerKey(srv, "tf-def-net", func(k netmakertest.Key) error {
					if !k.Default || !slices.Equal(k.Groups, groups) && (len(groups) > 0 || len(k.Groups) > 0) {
						return fmt.Errorf("auto-generated key: default %v, groups %v; want default, groups %v", k.Default, k.Groups, groups)
					}
					return nil
				})
			}
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             stillDefault("tf-def-net.web"),
				Steps: []resource.TestStep{
					{Config: adopt(""), ResourceName: "netmaker_enrollment_key.def", ImportState: true, ImportStateId: "tf-def-net", ImportStatePersist: true},
					{
						Config: adopt(`"tf-def-net.web"`),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction("netmaker_enrollment_key.def", plancheck.ResourceActionUpdate),
						}},
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue("netmaker_enrollment_key.def", tfjsonpath.New("default"), knownvalue.Bool(true)),
						},
						Check: stillDefault("tf-def-net.web"),
					},
					{
						// Destroyed: forgotten, not deleted (Netmaker deletes it with its network).
						Config: providerConfig(srv),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction("netmaker_enrollment_key.def", plancheck.ResourceActionDestroy),
						}},
						Check: stillDefault("tf-def-net.web"),
					},
				},
			})
		})
	}
}
