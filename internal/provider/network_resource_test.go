package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/clock"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

func testAccNetworkConfig(srv *netmakertest.Server, name, cidr string) string {
	return providerConfig(srv) + fmt.Sprintf(`
resource "netmaker_network" "test" {
  name          = %q
  address_range = %q
}
`, name, cidr)
}

func TestAccNetworkResource_basic(t *testing.T) {
	eachGenerationParallel(t, func(t *testing.T, srv *netmakertest.Server) {
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
	eachGenerationParallel(t, func(t *testing.T, srv *netmakertest.Server) {
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

// TestAccNetworkResource_nonCanonicalRange: Netmaker stores a range as its
// first address in Go's spelling; written otherwise, every plan would
// replace the network to undo the server's spelling. The plan refuses it,
// giving the spelling to write, before anything is created; written so, the
// network plans clean after its create.
func TestAccNetworkResource_nonCanonicalRange(t *testing.T) {
	eachGenerationParallel(t, func(t *testing.T, srv *netmakertest.Server) {
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{
					Config:      testAccNetworkConfig(srv, "tf-spelt", "10.21.5.7/16"),
					ExpectError: wrappedText("Netmaker stores this range as 10.21.0.0/16; write that."),
				},
				{
					Config:      testAccNetworkConfig(srv, "tf-spelt", "FD00:ABCD::/64"),
					ExpectError: wrappedText("Netmaker stores this range as fd00:abcd::/64; write that."),
				},
				{
					PreConfig: func() {
						if n := srv.Stats()["POST /api/networks"]; n != 0 {
							t.Errorf("%d network creates for refused ranges, want 0", n)
						}
					},
					Config: testAccNetworkConfig(srv, "tf-spelt", "fd00:abcd::/64"),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("netmaker_network.test", tfjsonpath.New("address_range"), knownvalue.StringExact("fd00:abcd::/64")),
					},
				},
				{
					Config: testAccNetworkConfig(srv, "tf-spelt", "fd00:abcd::/64"),
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
				},
			},
		})
	})
}

// TestAccNetworkResource_rangeInUse: Netmaker refuses a network whose range
// is equal to, inside or containing another network's; the plan refuses it
// first, naming the network that holds it, and creates nothing. A
// replacement may take a range inside the network's own old one.
func TestAccNetworkResource_rangeInUse(t *testing.T) {
	eachGenerationParallel(t, func(t *testing.T, srv *netmakertest.Server) {
		for name, cidr := range map[string]string{"tf-held": "10.11.0.0/16", "tf-held6": "fd00:abcd::/64"} {
			if err := srv.CreateNetwork(name, cidr); err != nil {
				t.Fatal(err)
			}
		}
		srv.ResetStats()
		inUse := func(holder, holderRange, cidr string) resource.TestStep {
			return resource.TestStep{
				Config: testAccNetworkConfig(srv, "tf-mine", cidr),
				ExpectError: regexp.MustCompile(`Address range already in use[\s\S]*` +
					wrappedText(fmt.Sprintf("Network %q on %s has address range %s, which overlaps %s.",
						holder, testClient(t, srv).Host(), holderRange, cidr)).String()),
			}
		}
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				inUse("tf-held", "10.11.0.0/16", "10.11.0.0/16"),
				inUse("tf-held", "10.11.0.0/16", "10.11.128.0/17"),
				inUse("tf-held", "10.11.0.0/16", "10.0.0.0/8"),
				inUse("tf-held", "10.11.0.0/16", "0.0.0.0/0"),
				inUse("tf-held6", "fd00:abcd::/64", "fd00::/16"),
				{
					PreConfig: func() {
						if n := srv.Stats()["POST /api/networks"]; n != 0 {
							t.Errorf("%d network creates for ranges in use, want 0", n)
						}
					},
					// Adjacent is free.
					Config: testAccNetworkConfig(srv, "tf-mine", "10.12.0.0/16"),
				},
				// A replacement into another's range is refused; into its own, allowed.
				inUse("tf-held", "10.11.0.0/16", "10.11.0.0/17"),
				{
					Config: testAccNetworkConfig(srv, "tf-mine", "10.12.0.0/17"),
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction("netmaker_network.test", plancheck.ResourceActionDestroyBeforeCreate),
						},
					},
				},
				{
					// Renamed, it keeps its range.
					Config: testAccNetworkConfig(srv, "tf-renamed", "10.12.0.0/17"),
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction("netmaker_network.test", plancheck.ResourceActionDestroyBeforeCreate),
						},
					},
				},
			},
		})
		if n := srv.Stats()["POST /api/networks"]; n != 3 {
			t.Errorf("%d network creates, want 3 (tf-mine and its two replacements)", n)
		}
	})
}

// TestAccNetworkResource_nameOfANetwork: a network of the name exists. The
// plan says so and how to import it; it does not talk of the network's
// auto-generated key, which has the name too.
func TestAccNetworkResource_nameOfANetwork(t *testing.T) {
	eachGenerationParallel(t, func(t *testing.T, srv *netmakertest.Server) {
		if err := srv.CreateNetwork("tf-existing", "10.13.0.0/16"); err != nil {
			t.Fatal(err)
		}
		srv.ResetStats()
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{
					Config: testAccNetworkConfig(srv, "tf-existing", "10.14.0.0/16"),
					ExpectError: regexp.MustCompile(`Network already exists[\s\S]*` + wrappedText(fmt.Sprintf(
						"%s already has a network named \"tf-existing\" (address range 10.13.0.0/16). To manage it with this "+
							"resource, import it: terraform import netmaker_network.<label> tf-existing", testClient(t, srv).Host())).String()),
				},
			},
		})
		if n := srv.Stats()["POST /api/networks"]; n != 0 {
			t.Errorf("%d network creates, want 0", n)
		}
	})
}

// serverNetwork answers the network of that name on srv, read through the client.
func serverNetwork(t *testing.T, srv *netmakertest.Server, name string) (netmaker.Network, bool) {
	t.Helper()
	c := testClient(t, srv)
	networks, err := c.Networks(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range networks {
		if n.Name == name {
			return n, true
		}
	}
	return netmaker.Network{}, false
}

// TestAccNetworkResource_recreatedBySomeoneElse: the managed network is
// deleted outside Terraform and someone creates another of the same name
// (another range, with their keys). It is never destroyed or replaced: the
// plan says so, a change that would replace it fails at plan, and destroy
// only forgets it.
func TestAccNetworkResource_recreatedBySomeoneElse(t *testing.T) {
	eachGeneration(t, func(t *testing.T, srv *netmakertest.Server) {
		theirs := func() error {
			n, ok := serverNetwork(t, srv, "tf-own-net")
			if !ok || n.AddressRange != "10.81.0.0/16" {
				return fmt.Errorf("their network changed: %+v (found %v)", n, ok)
			}
			if _, ok := srv.KeyByName("their-key"); !ok {
				return fmt.Errorf("their key is gone")
			}
			return nil
		}
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy:             func(*terraform.State) error { return theirs() },
			Steps: []resource.TestStep{
				{Config: testAccNetworkConfig(srv, "tf-own-net", "10.80.0.0/16")},
				{
					PreConfig: func() {
						if err := srv.DeleteNetwork("tf-own-net"); err != nil {
							t.Fatal(err)
						}
						srv.WaitIdle()
						if err := srv.CreateNetwork("tf-own-net", "10.81.0.0/16"); err != nil {
							t.Fatal(err)
						}
						testAccCreateKey(t, srv, netmaker.CreateKeyRequest{Name: "their-key", Networks: []string{"tf-own-net"}, Type: netmaker.KeyTypeUnlimited})
					},
					Config: testAccNetworkConfig(srv, "tf-own-net", "10.80.0.0/16"),
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("netmaker_network.test", plancheck.ResourceActionNoop)},
					},
					Check: func(*terraform.State) error { return theirs() },
				},
				{
					Config:      testAccNetworkConfig(srv, "tf-own-net", "10.82.0.0/16"),
					ExpectError: regexp.MustCompile(`(?s)Network belongs to someone else now.*replacement would delete it`),
				},
			},
		})
	})
}

// TestNetworkDestroyPlanNamesKeysItTakes: the plan of a network's destroy
// names the keys made outside this configuration that go with it (deleted,
// or stripped of the network), not the auto-generated key nor the keys this
// run knows as the configuration's.
func TestNetworkDestroyPlanNamesKeysItTakes(t *testing.T) {
	ctx := context.Background()
	srv := newTestServer(t, netmakertest.GenerationCurrent)
	testAccCreateNetworks(t, srv, "prod", "lab")
	for _, k := range []netmaker.CreateKeyRequest{
		{Name: "stranger", Networks: []string{"prod"}, Type: netmaker.KeyTypeUnlimited},
		{Name: "shared", Networks: []string{"prod", "lab"}, Type: netmaker.KeyTypeUnlimited},
		{Name: "mine", Networks: []string{"prod"}, Type: netmaker.KeyTypeUnlimited},
		{Name: "lab-only", Networks: []string{"lab"}, Type: netmaker.KeyTypeUnlimited},
	} {
		testAccCreateKey(t, srv, k)
	}
	client := testClient(t, srv)
	ledger := newPlanLedger()
	ledger.noteRefreshed("mine", "V")
	r := &networkResource{resourceData{data: &providerData{client: client, now: clock.System{}, ledger: ledger}}}
	sch := resourceSchema(r)
	st := stateOf(t, sch, networkState(netmaker.Network{Name: "prod", AddressRange: "10.1.0.0/16"}))
	resp := modifyPlan(ctx, r, st, stateOf(t, sch, nil).Raw)
	warnings := resp.Diagnostics.Warnings()
	if resp.Diagnostics.HasError() || len(warnings) != 1 {
		t.Fatalf("diagnostics %v, want one warning", resp.Diagnostics)
	}
	detail := warnings[0].Detail()
	// Exactly these: not the auto-generated key "prod", not a key of lab only.
	for _, want := range []string{`deletes the keys that join only this network: "stranger";`, `removes the network from the keys "shared".`} {
		if !strings.Contains(detail, want) {
			t.Errorf("warning %q does not say %q", detail, want)
		}
	}
	for _, never := range []string{`"mine"`, `"lab-only"`} {
		if strings.Contains(detail, never) {
			t.Errorf("warning %q names %s", detail, never)
		}
	}
}

// TestAccNetworkResource_destroyNamesOnlyOutsideKeys: `terraform plan
// -destroy` (a refresh and a destroy plan, each in a provider process of its
// own) names the key made outside the configuration that goes with the
// network, and not the configuration's own key, whose destroy the same plan
// holds.
func TestAccNetworkResource_destroyNamesOnlyOutsideKeys(t *testing.T) {
	eachGenerationWithCLI(t, generations, "drives terraform plan -destroy", func(t *testing.T, cli *terraformCLI, srv *netmakertest.Server) {
		cli.write("main.tf", cliProviderConfig(srv.URL())+
			resourceHCL("netmaker_network", "n", `name = "tf-net-d"`, `address_range = "10.77.0.0/16"`)+
			keyHCL("mine", `name = "tf-mine"`, `type = "unlimited"`, `networks = [netmaker_network.n.id]`))
		cli.init()
		cli.mustRun("apply", "-no-color", "-input=false", "-auto-approve")
		testAccCreateKey(t, srv, netmaker.CreateKeyRequest{Name: "tf-stranger", Networks: []string{"tf-net-d"}, Type: netmaker.KeyTypeUnlimited})

		out := strings.Join(strings.Fields(cli.mustRun("plan", "-destroy", "-no-color", "-input=false")), " ")
		_, warning, found := strings.Cut(out, "Warning: Deleting the network takes keys with it")
		if !found || !strings.Contains(warning, `deletes the keys that join only this network: "tf-stranger".`) {
			t.Fatalf("the destroy plan does not name the outside key alone:\n%s", out)
		}
		if strings.Contains(warning, `"tf-mine"`) {
			t.Fatalf("the destroy plan names the configuration's own key:\n%s", warning)
		}
		cli.mustRun("destroy", "-no-color", "-input=false", "-auto-approve")
	})
}

// TestAccNetworkResource_keyOfNewNetworkNotWarned: a key that names a
// network this configuration creates (by its name attribute, which is known
// at plan) gets no "Network not found" warning; a key naming a network that
// exists nowhere still does.
func TestAccNetworkResource_keyOfNewNetworkNotWarned(t *testing.T) {
	eachGenerationWithCLI(t, generations, "reads the plan's warnings", func(t *testing.T, cli *terraformCLI, srv *netmakertest.Server) {
		cli.write("main.tf", cliProviderConfig(srv.URL())+
			resourceHCL("netmaker_network", "n", `name = "tf-net-new"`, `address_range = "10.78.0.0/16"`)+
			keyHCL("of_new", `name = "tf-of-new"`, `type = "unlimited"`, `networks = [netmaker_network.n.name]`)+
			unlimitedKeyHCL("of_none", "tf-of-none", "tf-net-absent"))
		cli.init()
		out := strings.Join(strings.Fields(cli.mustRun("plan", "-no-color", "-input=false")), " ")
		// Terraform folds warnings of one summary into the first ("and one more
		// similar warning"), so the fold is looked for as well.
		if n := strings.Count(out, "Warning: Network not found"); n != 1 || !strings.Contains(out, `has no network "tf-net-absent"`) ||
			strings.Contains(out, `has no network "tf-net-new"`) || strings.Contains(out, "similar warning") {
			t.Fatalf("want one Network not found warning, for tf-net-absent (got %d):\n%s", n, out)
		}
	})
}
