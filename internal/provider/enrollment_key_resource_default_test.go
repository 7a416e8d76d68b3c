package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/clock"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

// TestAccEnrollmentKeyResource_deleteDefault adopts a network's auto-generated key,
// changes its tags, and destroys it: the destroy succeeds (the key leaves
// the state with a warning) and the key stays on the server, still the
// network's default, with the tags of the last apply.
func TestAccEnrollmentKeyResource_deleteDefault(t *testing.T) {
	eachGeneration(t, func(t *testing.T, srv *netmakertest.Server) {
		testAccCreateNetworks(t, srv, "tf-def-net")
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
					Config:           adopt(`"tf-def-net.web"`),
					ConfigPlanChecks: plannedAction("netmaker_enrollment_key.def", plancheck.ResourceActionUpdate),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("netmaker_enrollment_key.def", tfjsonpath.New("default"), knownvalue.Bool(true)),
					},
					Check: stillDefault("tf-def-net.web"),
				},
				{
					// Destroyed: forgotten, not deleted (Netmaker deletes it with its network).
					Config:           providerConfig(srv),
					ConfigPlanChecks: plannedAction("netmaker_enrollment_key.def", plancheck.ResourceActionDestroy),
					Check:            stillDefault("tf-def-net.web"),
				},
			},
		})
	})
}

// defaultKeyConfig is key custom-one of net-a with default as given (an
// HCL value, or "" to leave it unset).
func defaultKeyConfig(srv *netmakertest.Server, isDefault string) string {
	line := ""
	if isDefault != "" {
		line = "default  = " + isDefault
	}
	return providerConfig(srv) + fmt.Sprintf(`
resource "netmaker_enrollment_key" "test" {
  name     = "custom-one"
  networks = ["net-a"]
  type     = "unlimited"
  tags     = ["net-a.web"]
  %s
}
`, line)
}

// defaultAndToken checks that the state's key is the default (or not) and
// holds the token the server has for custom-one.
func defaultAndToken(srv *netmakertest.Server, isDefault bool) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("default"), knownvalue.Bool(isDefault)),
		statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("token"), expectTokenOf(srv, "custom-one")),
	}
}

// TestAccEnrollmentKeyResource_defaultOnCreate creates a key with
// default = true: it becomes net-a's only default key (the auto-generated
// key stays, without the flag), its token in state is the server's, and
// destroying it gives the default back to the auto-generated key. v1.5
// refuses at plan time.
func TestAccEnrollmentKeyResource_defaultOnCreate(t *testing.T) {
	eachGeneration(t, func(t *testing.T, srv *netmakertest.Server) {
		testAccCreateNetworks(t, srv, "net-a")
		if srv.Generation() == netmakertest.GenerationV15 {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      defaultKeyConfig(srv, "true"),
					ExpectError: wrappedText(`is a Netmaker v1.5-line server: there only the key Netmaker generates with a network is its default`),
				}},
			})
			if _, ok := srv.KeyByName("custom-one"); ok {
				t.Fatal("v1.5: the refused key was created")
			}
			return
		}
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy:             checkDestroyedDefaultBack(srv, "custom-one"),
			Steps: []resource.TestStep{
				{
					Config: defaultKeyConfig(srv, "true"),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectKnownValue(keyAddr, tfjsonpath.New("default"), knownvalue.Bool(true)),
					}},
					ConfigStateChecks: defaultAndToken(srv, true),
					Check: resource.ComposeAggregateTestCheckFunc(
						checkServerDefault(srv, "net-a", "custom-one"),
						checkServerKey(srv, "net-a", func(k netmakertest.Key) error {
							if k.Default {
								return fmt.Errorf("the auto-generated key kept the flag")
							}
							return nil
						}),
					),
				},
				{
					// A tag change keeps the default (every PUT sends the flag).
					Config:           strings.Replace(defaultKeyConfig(srv, "true"), `["net-a.web"]`, `["net-a.db"]`, 1),
					ConfigPlanChecks: plannedAction(keyAddr, plancheck.ResourceActionUpdate),
					Check:            checkServerDefault(srv, "net-a", "custom-one"),
				},
			},
		})
	})
}

// TestAccEnrollmentKeyResource_defaultToggle turns default on and off for an
// existing key: in place on v1.7, by replacement on current, refused at plan
// time on v1.5. After each step net-a has exactly one default key and the
// state's token is the server's.
func TestAccEnrollmentKeyResource_defaultToggle(t *testing.T) {
	eachGeneration(t, func(t *testing.T, srv *netmakertest.Server) {
		testAccCreateNetworks(t, srv, "net-a")
		change := plancheck.ResourceActionUpdate
		if srv.Generation() == netmakertest.GenerationCurrent {
			change = plancheck.ResourceActionDestroyBeforeCreate
		}
		var first netmakertest.Key
		steps := []resource.TestStep{{
			Config: defaultKeyConfig(srv, ""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("default"), knownvalue.Bool(false)),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				checkServerDefault(srv, "net-a", "net-a"),
				rememberServerKey(srv, "custom-one", &first),
			),
		}}
		if srv.Generation() == netmakertest.GenerationV15 {
			steps = append(steps, resource.TestStep{
				Config:      defaultKeyConfig(srv, "true"),
				ExpectError: wrappedText(`is a Netmaker v1.5-line server: there only the key Netmaker generates with a network is its default`),
			}, resource.TestStep{
				Config:   defaultKeyConfig(srv, ""),
				PlanOnly: true,
				Check:    checkServerDefault(srv, "net-a", "net-a"),
			})
		} else {
			steps = append(steps, resource.TestStep{
				Config:            defaultKeyConfig(srv, "true"),
				ConfigPlanChecks:  plannedAction(keyAddr, change),
				ConfigStateChecks: defaultAndToken(srv, true),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkServerDefault(srv, "net-a", "custom-one"),
					checkServerKey(srv, "custom-one", func(k netmakertest.Key) error {
						if (k.Value != first.Value) != (srv.Generation() == netmakertest.GenerationCurrent) {
							return fmt.Errorf("value changed %v; want a new key on current only", k.Value != first.Value)
						}
						return nil
					}),
				),
			}, resource.TestStep{
				Config:            defaultKeyConfig(srv, "false"),
				ConfigPlanChecks:  plannedAction(keyAddr, change),
				ConfigStateChecks: defaultAndToken(srv, false),
				Check:             checkServerDefault(srv, "net-a", "net-a"),
			})
		}
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy:             checkServerDefault(srv, "net-a", "net-a"),
			Steps:                    steps,
		})
	})
}

// TestAccEnrollmentKeyResource_defaultRefusals: a default key needs a
// network, and the auto-generated key cannot just stop being the default;
// both are plan-time errors that change nothing.
func TestAccEnrollmentKeyResource_defaultRefusals(t *testing.T) {
	eachGenerationOf(t, customDefaultGenerations, func(t *testing.T, srv *netmakertest.Server) {
		testAccCreateNetworks(t, srv, "net-a")
		auto := func(isDefault string) string {
			return providerConfig(srv) + fmt.Sprintf(`
resource "netmaker_enrollment_key" "auto" {
  name     = "net-a"
  networks = ["net-a"]
  type     = "unlimited"
  %s
}
`, isDefault)
		}
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{
					Config:      providerConfig(srv) + keyHCL("test", `name = "no-networks"`, `type = "unlimited"`, `default = true`),
					ExpectError: wrappedText(`has no networks. default = true makes the key the default key of its networks: set networks`),
				},
				{Config: auto(""), ResourceName: "netmaker_enrollment_key.auto", ImportState: true, ImportStateId: "net-a", ImportStatePersist: true},
				{
					Config:      auto("default = false"),
					ExpectError: wrappedText(`stays the network's default until another key becomes the default`),
				},
				{
					Config:   auto(""),
					PlanOnly: true,
					Check:    checkServerDefault(srv, "net-a", "net-a"),
				},
			},
		})
	})
}

// TestAccEnrollmentKeyResource_defaultOnNetworksNotYetKnown: default = true
// on networks the plan does not know yet (networks this apply creates,
// named by their id; alone, and beside a network the plan knows) plans,
// applies and converges where the server creates default keys, and is
// refused at plan on v1.5. The plan used to fail converting the unknown
// network into the create request it checks.
func TestAccEnrollmentKeyResource_defaultOnNetworksNotYetKnown(t *testing.T) {
	eachGeneration(t, func(t *testing.T, srv *netmakertest.Server) {
		testAccCreateNetworks(t, srv, "net-a")
		config := providerConfig(srv) +
			resourceHCL("netmaker_network", "one", `name = "tf-unknown-1"`, `address_range = "10.91.0.0/16"`) +
			resourceHCL("netmaker_network", "two", `name = "tf-unknown-2"`, `address_range = "10.92.0.0/16"`) +
			keyHCL("alone", `name = "tf-def-alone"`, `type = "unlimited"`, `default = true`, `networks = [netmaker_network.one.id]`) +
			keyHCL("beside", `name = "tf-def-beside"`, `type = "unlimited"`, `default = true`, `networks = ["net-a", netmaker_network.two.id]`)
		if srv.Generation() == netmakertest.GenerationV15 {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: config, ExpectError: wrappedText(`is a Netmaker v1.5-line server`)}},
			})
			return
		}
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy:             checkNoKey(srv, "tf-def-alone", "tf-def-beside"),
			Steps: []resource.TestStep{
				{
					Config: config,
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("netmaker_enrollment_key.alone", tfjsonpath.New("default"), knownvalue.Bool(true)),
						statecheck.ExpectKnownValue("netmaker_enrollment_key.beside", tfjsonpath.New("default"), knownvalue.Bool(true)),
					},
					Check: resource.ComposeAggregateTestCheckFunc(
						checkServerDefault(srv, "tf-unknown-1", "tf-def-alone"),
						checkServerDefault(srv, "tf-unknown-2", "tf-def-beside"),
						checkServerDefault(srv, "net-a", "tf-def-beside"),
					),
				},
				{Config: config, ConfigPlanChecks: emptyPlan()},
			},
		})
	})
}

// runDestroyPlan drives ModifyPlan for the destroy of state, as Terraform
// plans it (a null plan and config).
func runDestroyPlan(t *testing.T, r *enrollmentKeyResource, state enrollmentKeyModel) diag.Diagnostics {
	t.Helper()
	sch := resourceSchema(r)
	return modifyPlan(context.Background(), r, stateOf(t, sch, state), stateOf(t, sch, nil).Raw).Diagnostics
}

// TestEnrollmentKeyPlanDefaultRelease: what giving a network its default
// back does is said at plan time (a warning, which acceptance tests cannot
// see) whenever a plan does it: the key stops being a default, is replaced,
// or is destroyed (the user's choice: default_on_destroy).
func TestEnrollmentKeyPlanDefaultRelease(t *testing.T) {
	eachGenerationOf(t, customDefaultGenerations, func(t *testing.T, srv *netmakertest.Server) {
		testAccCreateNetworks(t, srv, "prod")
		testAccCreateKey(t, srv, netmaker.CreateKeyRequest{Name: "fleet", Networks: []string{"prod"}, Type: netmaker.KeyTypeUnlimited, Default: true})
		client := testClient(t, srv)
		r := &enrollmentKeyResource{resourceData{data: &providerData{client: client, now: clock.System{}, ledger: newPlanLedger()}}}
		srv.ResetStats()
		fleet := planCheckState(planCheckKey("fleet", []string{"prod"}, nil), true)
		fleet.Default, fleet.DefaultOnDestroy = types.BoolValue(true), types.StringValue(defaultOnDestroyRestore)
		kept := fleet
		kept.DefaultOnDestroy = types.StringValue(defaultOnDestroyKeep)
		auto := planCheckState(planCheckKey("prod", []string{"prod"}, nil), true)
		auto.DefaultOnDestroy = types.StringValue(defaultOnDestroyRestore)
		// Current servers make only a new key a default: giving prod its
		// default back creates its auto-generated key again.
		recreated := ""
		if srv.Generation() == netmakertest.GenerationCurrent {
			recreated = `its auto-generated key "prod" is created again as its default, with a new token`
		}
		turnedOff := fleet
		turnedOff.Default = types.BoolValue(false)
		tests := []struct {
			name string
			run  func() diag.Diagnostics
			want string // the one warning; "" for none
		}{
			{"destroy, restore", func() diag.Diagnostics { return runDestroyPlan(t, r, fleet) }, recreated},
			{"destroy, keep", func() diag.Diagnostics { return runDestroyPlan(t, r, kept) },
				`default_on_destroy is "keep": destroying this resource removes it from the state only`},
			{"destroy of the auto-generated key", func() diag.Diagnostics { return runDestroyPlan(t, r, auto) },
				"Destroying this resource removes it from the state only"},
			{"default turned off", func() diag.Diagnostics { return runPlanChecks(t, r, &fleet, turnedOff) }, recreated},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				diags := tt.run()
				if diags.HasError() {
					t.Fatalf("errors: %v", diags.Errors())
				}
				warnings := diags.Warnings()
				switch {
				case tt.want == "" && len(warnings) > 0:
					t.Errorf("unexpected warnings %v", warnings)
				case tt.want != "" && (len(warnings) != 1 || !strings.Contains(warnings[0].Detail(), tt.want)):
					t.Errorf("warnings %v, want one containing %q", warnings, tt.want)
				}
			})
		}
		// With the auto-generated key gone, current creates a key like it;
		// v1.7 refuses that name while a key joins prod, so the flag is
		// cleared and prod is left without a default (as the apply does).
		if err := srv.DeleteKeyByName("prod"); err != nil {
			t.Fatal(err)
		}
		// A plan after the deletion runs in a new provider process.
		client = testClient(t, srv)
		r = &enrollmentKeyResource{resourceData{data: &providerData{client: client, now: clock.System{}, ledger: newPlanLedger()}}}
		srv.ResetStats()
		gone := map[netmakertest.Generation]string{
			netmakertest.GenerationCurrent: `it has no auto-generated key any more, so a key like it (named "prod", unlimited) is created as its default`,
			netmakertest.GenerationV17:     `so the key's default flag is cleared and the network is left without a default key`,
		}[srv.Generation()]
		diags := runDestroyPlan(t, r, fleet)
		if warnings := diags.Warnings(); diags.HasError() || len(warnings) != 1 || !strings.Contains(warnings[0].Detail(), gone) {
			t.Errorf("auto-generated key gone: diagnostics %v, want one warning containing %q", diags, gone)
		}
		for route, n := range srv.Stats() {
			if !strings.HasPrefix(route, "GET ") && n > 0 {
				t.Errorf("a plan wrote to the server: %d × %s", n, route)
			}
		}
	})
}

// TestAccEnrollmentKeyResource_defaultKeptOnDestroy: with default_on_destroy
// = "keep", destroying a default key leaves it on the server as its
// network's default (the plan said so); the network's auto-generated key is
// not created again.
func TestAccEnrollmentKeyResource_defaultKeptOnDestroy(t *testing.T) {
	eachGenerationOf(t, customDefaultGenerations, func(t *testing.T, srv *netmakertest.Server) {
		testAccCreateNetworks(t, srv, "net-keep")
		auto, _ := srv.KeyByName("net-keep")
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy: resource.ComposeAggregateTestCheckFunc(
				checkServerDefault(srv, "net-keep", "tf-kept-default"),
				checkSameValue(srv, "net-keep", &auto, "the auto-generated key was created again"),
			),
			Steps: []resource.TestStep{{
				Config: keyConfig(srv, `name               = "tf-kept-default"
type               = "unlimited"
networks           = ["net-keep"]
default            = true
default_on_destroy = "keep"`),
				Check: checkServerDefault(srv, "net-keep", "tf-kept-default"),
			}},
		})
	})
}
