package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

const dependentAddr = "netmaker_enrollment_key.dependent"

// rotationConfig is a key with trigger, tags and uses, plus a dependent key
// whose trigger follows the first key's token (so it changes, in place,
// whenever the first key is rotated).
func rotationConfig(srv *netmakertest.Server, trigger, tags string) string {
	return providerConfig(srv) + fmt.Sprintf(`
resource "netmaker_enrollment_key" "test" {
  name               = "tf-rot"
  type               = "uses"
  uses               = 3
  networks           = ["tf-net-a"]
  tags               = %s
  regenerate_trigger = %q
}

resource "netmaker_enrollment_key" "dependent" {
  name               = "tf-rot-dependent"
  type               = "unlimited"
  regenerate_trigger = sha256(netmaker_enrollment_key.test.token)
}

output "name" {
  value = netmaker_enrollment_key.test.name
}
`, tags, trigger)
}

func TestAccEnrollmentKeyResource_rotation(t *testing.T) {
	eachGeneration(t, func(t *testing.T, srv *netmakertest.Server) {
		tokenDiffers := statecheck.CompareValue(compare.ValuesDiffer())
		nameSame := statecheck.CompareValue(compare.ValuesSame())
		dependentDiffers := statecheck.CompareValue(compare.ValuesDiffer())
		var remaining int
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy:             checkNoKey(srv, "tf-rot", "tf-rot-dependent"),
			Steps: []resource.TestStep{
				{
					Config: rotationConfig(srv, "one", `["tf-net-a.web"]`),
					ConfigStateChecks: []statecheck.StateCheck{
						tokenDiffers.AddStateValue(keyAddr, tfjsonpath.New("token")),
						nameSame.AddStateValue(keyAddr, tfjsonpath.New("id")),
						dependentDiffers.AddStateValue(dependentAddr, tfjsonpath.New("token")),
					},
				},
				{
					// A device enrolls, then the token is rotated: an update in
					// place; the dependent is updated, not replaced.
					PreConfig: func() {
						k, _ := srv.KeyByName("tf-rot")
						if err := srv.Register(srv.Token(k.Value)); err != nil {
							t.Fatal(err)
						}
					},
					Config: rotationConfig(srv, "two", `["tf-net-a.web"]`),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(keyAddr, tfjsonpath.New("token")),
						plancheck.ExpectUnknownValue(keyAddr, tfjsonpath.New("value")),
						plancheck.ExpectKnownValue(keyAddr, tfjsonpath.New("id"), knownvalue.StringExact("tf-rot")),
						plancheck.ExpectResourceAction(dependentAddr, plancheck.ResourceActionUpdate),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						tokenDiffers.AddStateValue(keyAddr, tfjsonpath.New("token")),
						nameSame.AddStateValue(keyAddr, tfjsonpath.New("id")),
						dependentDiffers.AddStateValue(dependentAddr, tfjsonpath.New("token")),
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("uses_remaining"), knownvalue.Int64Exact(2)),
						statecheck.ExpectKnownOutputValue("name", knownvalue.StringExact("tf-rot")),
					},
					Check: resource.ComposeAggregateTestCheckFunc(
						checkServerKey(srv, "tf-rot", func(k netmakertest.Key) error {
							if k.UsesRemaining != 2 || len(k.Groups) != 1 || len(k.Networks) != 1 {
								return fmt.Errorf("rotation lost settings: %+v", k)
							}
							remaining = k.UsesRemaining
							return nil
						}),
						checkStateMatchesServer(srv, keyAddr, "tf-rot"),
						checkStateMatchesServer(srv, dependentAddr, "tf-rot-dependent"),
					),
				},
				{
					// Settings and rotation in one apply.
					Config: rotationConfig(srv, "three", `["tf-net-a.web", "tf-net-a.db"]`),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(keyAddr, tfjsonpath.New("token")),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						tokenDiffers.AddStateValue(keyAddr, tfjsonpath.New("token")),
						nameSame.AddStateValue(keyAddr, tfjsonpath.New("id")),
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("tags"), knownvalue.SetSizeExact(2)),
					},
					Check: resource.ComposeAggregateTestCheckFunc(
						checkServerKey(srv, "tf-rot", func(k netmakertest.Key) error {
							if len(k.Groups) != 2 || k.UsesRemaining != remaining {
								return fmt.Errorf("settings not applied with the rotation: %+v", k)
							}
							return nil
						}),
						checkStateMatchesServer(srv, keyAddr, "tf-rot"),
					),
				},
				{
					// Removing the trigger only records it.
					Config: providerConfig(srv) + keyHCL("test",
						`name = "tf-rot"`, `type = "uses"`, `uses = 3`, `networks = ["tf-net-a"]`, `tags = ["tf-net-a.web", "tf-net-a.db"]`),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(keyAddr, tfjsonpath.New("token"), knownvalue.NotNull()),
					}},
				},
			},
		})
	})
}

// TestAccEnrollmentKeyResource_unknownTrigger wires the trigger to a network's id,
// which is unknown while the network is being created.
func TestAccEnrollmentKeyResource_unknownTrigger(t *testing.T) {
	eachGeneration(t, func(t *testing.T, srv *netmakertest.Server) {
		tokenSame := statecheck.CompareValue(compare.ValuesSame())
		tokenDiffers := statecheck.CompareValue(compare.ValuesDiffer())
		withNetwork := func(netName string) string {
			return providerConfig(srv) + fmt.Sprintf(`
resource "netmaker_network" "n" {
  name          = %q
  address_range = "10.44.0.0/16"
}

resource "netmaker_enrollment_key" "test" {
  name               = "tf-unknown-trigger"
  type               = "unlimited"
  regenerate_trigger = netmaker_network.n.id
}
`, netName)
		}
		literal := keyConfig(srv, `  name               = "tf-unknown-trigger"
  type               = "unlimited"
  regenerate_trigger = "tf-trigger-net"`)
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy:             checkNoKey(srv, "tf-unknown-trigger"),
			Steps: []resource.TestStep{
				{
					Config: literal,
					ConfigStateChecks: []statecheck.StateCheck{
						tokenSame.AddStateValue(keyAddr, tfjsonpath.New("token")),
						tokenDiffers.AddStateValue(keyAddr, tfjsonpath.New("token")),
					},
				},
				{
					// Unknown at plan time, and equal to the old trigger once known:
					// the token may change in the plan, and stays.
					Config: withNetwork("tf-trigger-net"),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(keyAddr, tfjsonpath.New("regenerate_trigger")),
						plancheck.ExpectUnknownValue(keyAddr, tfjsonpath.New("token")),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						tokenSame.AddStateValue(keyAddr, tfjsonpath.New("token")),
					},
				},
				{
					// Unknown at plan time and different once known: rotated.
					Config: withNetwork("tf-trigger-net2"),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(keyAddr, tfjsonpath.New("token")),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						tokenDiffers.AddStateValue(keyAddr, tfjsonpath.New("token")),
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("regenerate_trigger"), knownvalue.StringExact("tf-trigger-net2")),
					},
					Check: checkStateMatchesServer(srv, keyAddr, "tf-unknown-trigger"),
				},
			},
		})
	})
}

// TestAccEnrollmentKeyResource_defaultKeyRotation adopts a network's auto-generated
// key, sets a trigger (no rotation), then rotates it.
func TestAccEnrollmentKeyResource_defaultKeyRotation(t *testing.T) {
	eachGeneration(t, func(t *testing.T, srv *netmakertest.Server) {
		testAccCreateNetworks(t, srv, "tf-rot-net")
		config := func(trigger string) string {
			body := "  name     = \"tf-rot-net\"\n  type     = \"unlimited\"\n  networks = [\"tf-rot-net\"]\n"
			if trigger != "" {
				body += fmt.Sprintf("  regenerate_trigger = %q\n", trigger)
			}
			return keyConfig(srv, body)
		}
		tokenSame := statecheck.CompareValue(compare.ValuesSame())
		var before netmakertest.Key
		rotate := resource.TestStep{
			Config:           config("two"),
			ConfigPlanChecks: plannedAction(keyAddr, plancheck.ResourceActionUpdate),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("default"), knownvalue.Bool(true)),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				checkServerKey(srv, "tf-rot-net", func(k netmakertest.Key) error {
					if k.Value == before.Value || !k.Default {
						return fmt.Errorf("default key not rotated in place: %+v", k)
					}
					return nil
				}),
				checkStateMatchesServer(srv, keyAddr, "tf-rot-net"),
			),
		}
		if srv.Generation() == netmakertest.GenerationV15 {
			rotate = resource.TestStep{
				Config:      config("two"),
				ExpectError: regexp.MustCompile(`(?s)Cannot rotate a default key.*v1\.5-line\s+server.*regenerate-token.*Nothing\s+was\s+changed`),
			}
		}
		resource.Test(t, resource.TestCase{
			TerraformVersionChecks:   skipWithoutRemovedBlocks,
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{Config: config(""), ResourceName: keyAddr, ImportState: true, ImportStateId: "tf-rot-net", ImportStatePersist: true},
				{Config: config(""), ConfigStateChecks: []statecheck.StateCheck{tokenSame.AddStateValue(keyAddr, tfjsonpath.New("token"))}},
				{
					// Unset to set: recorded, not rotated.
					Config: config("one"),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(keyAddr, tfjsonpath.New("token"), knownvalue.NotNull()),
					}},
					ConfigStateChecks: []statecheck.StateCheck{tokenSame.AddStateValue(keyAddr, tfjsonpath.New("token"))},
					Check:             rememberServerKey(srv, "tf-rot-net", &before),
				},
				rotate,
				{Config: providerConfig(srv) + forgetHCL("netmaker_enrollment_key.test")},
			},
		})
		after, ok := srv.KeyByName("tf-rot-net")
		if !ok || !after.Default {
			t.Fatalf("default key lost: %+v", after)
		}
		if srv.Generation() == netmakertest.GenerationV15 && after.Value != before.Value {
			t.Errorf("v1.5: the refused rotation changed the key")
		}
	})
}

// TestAccEnrollmentKeyResource_scheduledRotationRecipe is the time_rotating recipe
// with a variable standing in for time_rotating's id (the time provider is
// not available offline): each new period rotates the token in place.
func TestAccEnrollmentKeyResource_scheduledRotationRecipe(t *testing.T) {
	eachGeneration(t, func(t *testing.T, srv *netmakertest.Server) {
		cfg := providerConfig(srv) + `
variable "rotation_id" {
  type = string
}

resource "netmaker_enrollment_key" "test" {
  name               = "tf-scheduled"
  type               = "unlimited"
  networks           = ["tf-net-a"]
  regenerate_trigger = var.rotation_id
}
`
		tokenDiffers := statecheck.CompareValue(compare.ValuesDiffer())
		step := func(period string, first bool) resource.TestStep {
			s := resource.TestStep{
				Config:          cfg,
				ConfigVariables: config.Variables{"rotation_id": config.StringVariable(period)},
				ConfigStateChecks: []statecheck.StateCheck{
					tokenDiffers.AddStateValue(keyAddr, tfjsonpath.New("token")),
					statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("id"), knownvalue.StringExact("tf-scheduled")),
				},
				Check: checkStateMatchesServer(srv, keyAddr, "tf-scheduled"),
			}
			if !first {
				s.ConfigPlanChecks = resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionUpdate),
				}}
			}
			return s
		}
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy:             checkNoKey(srv, "tf-scheduled"),
			Steps:                    []resource.TestStep{step("2031-01-01T00:00:00Z", true), step("2031-01-31T00:00:00Z", false), step("2031-03-02T00:00:00Z", false)},
		})
	})
}
