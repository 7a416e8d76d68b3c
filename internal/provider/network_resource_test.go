package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

func TestAddressRangeProblem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cidr    string
		wantBad bool
	}{
		{"10.101.0.0/16", false},
		{"10.101.0.0/30", false},
		{"fd00::/64", false},
		{"10.101.0.0/31", true},
		{"10.101.0.1/32", true},
		{"fd00::/127", true},
		{"fd00::1/128", true},
		{"10.101.0.0", true},
		{"not-a-range", true},
		{"", true},
	}
	for _, tt := range tests {
		t.Run(tt.cidr, func(t *testing.T) {
			got := addressRangeProblem(tt.cidr)
			if (got != "") != tt.wantBad {
				t.Errorf("addressRangeProblem(%q) = %q, want problem: %v", tt.cidr, got, tt.wantBad)
			}
		})
	}
}

func testAccNetworkConfig(srv *netmakertest.Server, name, cidr string) string {
	return providerConfig(srv) + fmt.Sprintf(`
resource "netmaker_network" "test" {
  name          = %q
  address_range = %q
}
`, name, cidr)
}

func TestAccNetworkResource_basic(t *testing.T) {
	t.Parallel()
	for _, gen := range generations {
		t.Run(string(gen), func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t, gen)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy: func(*terraform.State) error {
					srv.WaitIdle()
					if _, ok := srv.KeyByName("tf-net"); ok {
						return fmt.Errorf("the network's default key outlived the network")
					}
					return nil
				},
				Steps: []resource.TestStep{
					{
						Config: testAccNetworkConfig(srv, "tf-net", "10.90.0.0/16"),
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue("netmaker_network.test", tfjsonpath.New("id"), knownvalue.StringExact("tf-net")),
							statecheck.ExpectKnownValue("netmaker_network.test", tfjsonpath.New("default_key_name"), knownvalue.StringExact("tf-net")),
						},
						Check: func(*terraform.State) error {
							key, ok := srv.KeyByName("tf-net")
							if !ok || !key.Default {
								return fmt.Errorf("server has no default key for the new network: %+v", key)
							}
							return nil
						},
					},
					{
						ResourceName:      "netmaker_network.test",
						ImportState:       true,
						ImportStateId:     "tf-net",
						ImportStateVerify: true,
					},
					{
						Config: testAccNetworkConfig(srv, "tf-net", "10.91.0.0/16"),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction("netmaker_network.test", plancheck.ResourceActionDestroyBeforeCreate),
							},
						},
					},
					{
						PreConfig: func() {
							if err := srv.DeleteNetwork("tf-net"); err != nil {
								t.Fatal(err)
							}
							srv.WaitIdle()
						},
						Config: testAccNetworkConfig(srv, "tf-net", "10.91.0.0/16"),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction("netmaker_network.test", plancheck.ResourceActionCreate),
							},
						},
					},
				},
			})
		})
	}
}

func TestAccNetworkResource_invalid(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, netmakertest.GenerationCurrent)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      testAccNetworkConfig(srv, "Bad Name", "10.92.0.0/16"),
				ExpectError: regexp.MustCompile(`is not a Netmaker network name`),
			},
			{
				Config:      testAccNetworkConfig(srv, "tf-net", "10.92.0.1/32"),
				ExpectError: regexp.MustCompile(`Netmaker needs room for more than two addresses`),
			},
		},
	})
}

// TestAccNetworkResource_nameOfAKey: Netmaker would create a network named
// like an existing key, and the two keys would then share the name; the
// provider refuses it at plan time, before anything is created.
func TestAccNetworkResource_nameOfAKey(t *testing.T) {
	t.Parallel()
	for _, gen := range generations {
		t.Run(string(gen), func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t, gen)
			testAccCreateKey(t, srv, netmaker.CreateKeyRequest{Name: "tf-shared", Type: netmaker.KeyTypeUnlimited})
			srv.ResetStats()
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{
						Config:      testAccNetworkConfig(srv, "tf-shared", "10.91.0.0/16"),
						ExpectError: wrappedText(`already has an enrollment key named "tf-shared". Netmaker would create the network anyway`),
					},
					{
						// Another name is fine.
						Config: testAccNetworkConfig(srv, "tf-free", "10.91.0.0/16"),
					},
				},
			})
			if n := srv.Stats()["POST /api/networks"]; n != 1 {
				t.Errorf("%d network creates, want 1 (only tf-free)", n)
			}
			if n := countKeys(srv, "tf-shared"); n != 1 {
				t.Errorf("%d keys named tf-shared, want 1", n)
			}
		})
	}
}
