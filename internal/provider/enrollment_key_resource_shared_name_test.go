package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// Netmaker lets a network be created with an existing key's name; the
// network's auto-generated key then shares it. The resource must keep
// following its own key (by value), not whichever comes first in the
// randomly ordered list, and destroy only its own key.
func TestAccEnrollmentKeySharedName(t *testing.T) {
	for _, gen := range generations {
		t.Run(string(gen), func(t *testing.T) {
			srv := newTestServer(t, gen)
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
}
