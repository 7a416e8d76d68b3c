package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
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

// Import and adoption of netmaker_enrollment_key: by ID and by identity
// (Terraform 1.12+), of managed, time-bound and auto-generated keys.

func TestAccEnrollmentKeyResource_import(t *testing.T) {
	eachGeneration(t, func(t *testing.T, srv *netmakertest.Server) {
		testAccCreateNetworks(t, srv, "iot-network")
		expires := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
		created := providerConfig(srv) + fmt.Sprintf(`
resource "netmaker_enrollment_key" "uses" {
  name     = "tf-imp-uses"
  type     = "uses"
  uses     = 4
  networks = ["iot-network"]
  tags     = ["iot-network.sensor"]
}

resource "netmaker_enrollment_key" "ttl" {
  name = "tf-imp-ttl"
  type = "time_bound"
  ttl  = "24h"
}

resource "netmaker_enrollment_key" "expiry" {
  name       = "tf-imp-exp"
  type       = "time_bound"
  expires_at = %q
}
`, expires)
		adopt := created + unlimitedKeyHCL("iot", "iot-network", "iot-network")
		forget := created + forgetHCL("netmaker_enrollment_key.iot")
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{Config: created},
				{ResourceName: "netmaker_enrollment_key.uses", ImportState: true, ImportStateVerify: true, ImportStateId: "tf-imp-uses"},
				{ResourceName: "netmaker_enrollment_key.ttl", ImportState: true, ImportStateVerify: true, ImportStateId: "tf-imp-ttl",
					ImportStateVerifyIgnore: []string{"ttl"}},
				{ResourceName: "netmaker_enrollment_key.expiry", ImportState: true, ImportStateVerify: true, ImportStateId: "tf-imp-exp"},
				{
					// Adopt the key Netmaker generated for the network.
					Config:             adopt,
					ResourceName:       "netmaker_enrollment_key.iot",
					ImportState:        true,
					ImportStateId:      "iot-network",
					ImportStatePersist: true,
					ImportStateCheck: func(states []*terraform.InstanceState) error {
						for _, st := range states {
							if st.ID != "iot-network" {
								continue
							}
							a := st.Attributes
							if a["type"] != "unlimited" || a["default"] != "true" || a["networks.0"] != "iot-network" || a["uses"] != "" {
								return fmt.Errorf("imported attributes %v", a)
							}
							return nil
						}
						return fmt.Errorf("no imported key iot-network among %d states", len(states))
					},
				},
				{
					Config:           adopt,
					ConfigPlanChecks: emptyPlan(),
				},
				{Config: forget},
			},
		})
		if k, ok := srv.KeyByName("iot-network"); !ok || !k.Default {
			t.Errorf("the adopted default key must stay on the server: %+v", k)
		}
	})
}

// TestAccEnrollmentKeyResource_importTimeBound adopts a time-bound key without
// repeating its expiry: the plan is clean, and adding a ttl afterwards only
// records it.
func TestAccEnrollmentKeyResource_importTimeBound(t *testing.T) {
	eachGenerationWithClock(t, func(t *testing.T, srv *netmakertest.Server, clk *clock.Manual) {
		expires := clockStart.Add(30 * time.Hour).Format(time.RFC3339)
		valueSame := statecheck.CompareValue(compare.ValuesSame())
		withoutExpiry := keyConfig(srv, `  name = "tf-adopt-tb"
  type = "time_bound"`)
		resource.Test(t, resource.TestCase{
			TerraformVersionChecks:   skipWithoutRemovedBlocks,
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccFactoriesWithClock(clk),
			CheckDestroy:             checkNoKey(srv, "tf-adopt-tb"),
			Steps: []resource.TestStep{
				{
					Config: keyConfig(srv, fmt.Sprintf(`  name       = "tf-adopt-tb"
  type       = "time_bound"
  expires_at = %q`, expires)),
					ConfigStateChecks: []statecheck.StateCheck{valueSame.AddStateValue(keyAddr, tfjsonpath.New("value"))},
				},
				{Config: providerConfig(srv) + forgetHCL("netmaker_enrollment_key.test")},
				{Config: withoutExpiry, ResourceName: keyAddr, ImportState: true, ImportStateId: "tf-adopt-tb", ImportStatePersist: true},
				{
					Config:           withoutExpiry,
					ConfigPlanChecks: emptyPlan(),
					ConfigStateChecks: []statecheck.StateCheck{
						valueSame.AddStateValue(keyAddr, tfjsonpath.New("value")),
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expires_at"), knownvalue.StringExact(expires)),
					},
				},
				{
					Config: keyConfig(srv, `  name = "tf-adopt-tb"
  type = "time_bound"
  ttl  = "720h"`),
					ConfigPlanChecks: plannedAction(keyAddr, plancheck.ResourceActionUpdate),
					ConfigStateChecks: []statecheck.StateCheck{
						valueSame.AddStateValue(keyAddr, tfjsonpath.New("value")),
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expires_at"), knownvalue.StringExact(expires)),
					},
				},
			},
		})
	})
}

// TestAccEnrollmentKeyResource_adoptShortName adopts the auto-generated key of a
// network with a two-character name (network names have 1–32 characters),
// while a new key still needs Netmaker's 3–32 characters.
func TestAccEnrollmentKeyResource_adoptShortName(t *testing.T) {
	eachGeneration(t, func(t *testing.T, srv *netmakertest.Server) {
		testAccCreateNetworks(t, srv, "n1")
		const addr = "netmaker_enrollment_key.n1"
		adopted := unlimitedKeyHCL("n1", "n1", "n1")
		importBlock := importHCL(addr, "n1")
		forget := forgetHCL(addr)
		resource.Test(t, resource.TestCase{
			TerraformVersionChecks:   skipWithoutRemovedBlocks,
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{
					// A new key with a two-character name fails at plan.
					Config:      keyConfig(srv, `  name = "ab"`+"\n"+`  type = "unlimited"`),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)Invalid name for a new key.*3 to 32\s+characters;\s+"ab"\s+has\s+2`),
				},
				{
					// So does a name of only spaces (the client refuses it at apply).
					Config:      keyConfig(srv, `  name = "   "`+"\n"+`  type = "unlimited"`),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)Invalid key name.*must not be empty or only\s+whitespace`),
				},
				{
					Config:           providerConfig(srv) + importBlock + adopted,
					ConfigPlanChecks: plannedAction(addr, plancheck.ResourceActionNoop),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("n1")),
						statecheck.ExpectKnownValue(addr, tfjsonpath.New("default"), knownvalue.Bool(true)),
					},
				},
				{
					Config:           providerConfig(srv) + adopted,
					ConfigPlanChecks: emptyPlan(),
				},
				{Config: providerConfig(srv) + forget},
			},
		})
		if k, ok := srv.KeyByName("n1"); !ok || !k.Default {
			t.Errorf("the adopted default key must stay on the server: %+v", k)
		}
		if _, ok := srv.KeyByName("ab"); ok {
			t.Error(`key "ab" was created`)
		}
	})
}

// TestAccEnrollmentKeyResource_identity checks that a managed key's identity
// is its name and nothing else (no secret), and that it imports by identity
// and by ID alike.
func TestAccEnrollmentKeyResource_identity(t *testing.T) {
	srv := newTestServer(t, netmakertest.GenerationCurrent)
	const addr = "netmaker_enrollment_key.test"
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   skipWithoutIdentity,
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: keyConfig(srv, `  name = "tf-ident"`+"\n"+`  type = "unlimited"`),
				ConfigStateChecks: []statecheck.StateCheck{
					// The whole identity: exactly one attribute, the name.
					statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{
						"name": knownvalue.StringExact("tf-ident"),
					}),
					statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New("name")),
				},
			},
			{
				ResourceName:    addr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{
				ResourceName:    addr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   "tf-ident",
			},
			{
				// terraform import with the ID still works, and fills in every attribute.
				ResourceName:                         addr,
				ImportState:                          true,
				ImportStateId:                        "tf-ident",
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "name",
			},
		},
	})
}

// TestAccEnrollmentKeyResource_importAutoGeneratedByIdentity adopts a
// network's auto-generated key with `identity = { name = ... }` on every
// server generation; the next plan is empty.
func TestAccEnrollmentKeyResource_importAutoGeneratedByIdentity(t *testing.T) {
	eachGeneration(t, func(t *testing.T, srv *netmakertest.Server) {
		testAccCreateNetworks(t, srv, "net-id")
		const addr = "netmaker_enrollment_key.auto"
		adopted := unlimitedKeyHCL("auto", "net-id", "net-id")
		importBlock := importByIdentityHCL(addr, "net-id")
		resource.Test(t, resource.TestCase{
			TerraformVersionChecks:   skipWithoutIdentity,
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{
					Config:           providerConfig(srv) + importBlock + adopted,
					ConfigPlanChecks: plannedAction(addr, plancheck.ResourceActionNoop),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{"name": knownvalue.StringExact("net-id")}),
						statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("net-id")),
						statecheck.ExpectKnownValue(addr, tfjsonpath.New("default"), knownvalue.Bool(true)),
						statecheck.ExpectKnownValue(addr, tfjsonpath.New("token"), expectTokenOf(srv, "net-id")),
					},
				},
				{
					// Netmaker refuses to delete a default key: forget it.
					Config: providerConfig(srv) + forgetHCL(addr),
				},
			},
		})
	})
}

// TestAccEnrollmentKeyResource_importByIdentityErrors: an identity naming no
// key, or an empty name, fails the plan clearly: the provider's own words, not
// Terraform's generic "non-existent remote object".
func TestAccEnrollmentKeyResource_importByIdentityErrors(t *testing.T) {
	srv := newTestServer(t, netmakertest.GenerationCurrent)
	config := func(name string) string {
		return providerConfig(srv) + importByIdentityHCL("netmaker_enrollment_key.k", name) +
			keyHCL("k", `name = "tf-missing"`, `type = "unlimited"`)
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   skipWithoutIdentity,
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config("tf-missing"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)No enrollment key to import.*has no enrollment key named "tf-missing"`),
			},
			{
				Config:      config(""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Missing import name`),
			},
		},
	})
}

// TestAccEnrollmentKeyResource_importMissingName: importing a name no key
// has says so, with where to find the keys there are, rather than
// Terraform's generic "non-existent remote object"; by ID and by an import
// block alike.
func TestAccEnrollmentKeyResource_importMissingName(t *testing.T) {
	srv := newTestServer(t, netmakertest.GenerationCurrent)
	want := regexp.MustCompile(`(?s)No enrollment key to import.*has no enrollment key named "tf-nobody".*netmaker_enrollment_keys`)
	config := keyConfig(srv, `name = "tf-nobody"
type = "unlimited"`)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config, ResourceName: keyAddr, ImportState: true, ImportStateId: "tf-nobody", ExpectError: want},
			{
				Config:      config + "\nimport {\n  to = " + keyAddr + "\n  id = \"tf-nobody\"\n}\n",
				PlanOnly:    true,
				ExpectError: want,
			},
		},
	})
}

// TestAccEnrollmentKeyResource_generatedConfigSafe: the configuration
// terraform plan -generate-config-out writes for adopted keys can be kept
// as it is: it plans clean after the import, holds no secret, and its
// default = true on a network's auto-generated key is a claim the plan
// weighs (another claim on the network fails at plan instead of moving the
// default back and forth on every apply; not on v1.5, where no other key
// can be a default and the plan refuses any claim of one).
func TestAccEnrollmentKeyResource_generatedConfigSafe(t *testing.T) {
	eachGenerationWithCLI(t, generations, "generates configuration for import blocks", func(t *testing.T, cli *terraformCLI, srv *netmakertest.Server) {
		testAccCreateNetworks(t, srv, "tf-gen-net")
		testAccCreateKey(t, srv, netmaker.CreateKeyRequest{Name: "tf-gen-ci", Networks: []string{"tf-gen-net"},
			Type: netmaker.KeyTypeUses, Uses: 5, Tags: []string{"tf-gen-net.ci"}})
		imports := cliProviderConfig(srv.URL()) + `
import {
  to = netmaker_enrollment_key.auto
  id = "tf-gen-net"
}

import {
  to = netmaker_enrollment_key.ci
  id = "tf-gen-ci"
}
`
		cli.write("main.tf", imports)
		cli.init()
		cli.mustRun("plan", "-no-color", "-input=false", "-generate-config-out=generated.tf")
		generated := cli.read("generated.tf")
		for _, k := range srv.Keys() {
			if strings.Contains(generated, k.Value) || strings.Contains(generated, srv.Token(k.Value)) {
				t.Fatalf("the generated configuration holds a secret:\n%s", generated)
			}
		}
		cli.mustRun("apply", "-no-color", "-input=false", "-auto-approve")
		cli.expectEmptyPlan()
		if srv.Generation() == netmakertest.GenerationV15 {
			return
		}

		// Another claim on the network's default: refused at plan.
		cli.write("claim.tf", defaultKeyHCL("net",
			`network = "tf-gen-net"`, `key_name = netmaker_enrollment_key.ci.name`, `allow_recreate = true`))
		code, out := cli.run("plan", "-no-color", "-input=false")
		if code == 0 || !defaultClaimPattern("tf-gen-net", "tf-gen-net", "tf-gen-ci").MatchString(out) {
			t.Fatalf("plan with a second claim exited %d:\n%s\ngenerated:\n%s", code, out, generated)
		}
		cli.write("claim.tf", "")
		cli.expectEmptyPlan()
		if k, _ := srv.KeyByName("tf-gen-net"); !k.Default {
			t.Fatal("the auto-generated key lost the default")
		}
	})
}
