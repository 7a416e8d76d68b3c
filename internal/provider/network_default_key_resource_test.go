package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

const testDefaultKeyAddr = "netmaker_network_default_key.test"

// testAccDefaultKeyConfig declares two custom keys of network net-a, one of
// network net-b, and makes keyRef (an HCL expression) net-a's default,
// allowing re-creation where the server needs it.
func testAccDefaultKeyConfig(srv *netmakertest.Server, keyRef string) string {
	return providerConfig(srv) + fmt.Sprintf(`
resource "netmaker_enrollment_key" "one" {
  name     = "custom-one"
  networks = ["net-a"]
  type     = "unlimited"
}

resource "netmaker_enrollment_key" "two" {
  name     = "custom-two"
  networks = ["net-a"]
  type     = "unlimited"
}

resource "netmaker_enrollment_key" "other" {
  name     = "custom-other"
  networks = ["net-b"]
  type     = "unlimited"
}

resource "netmaker_network_default_key" "test" {
  network        = "net-a"
  key_name       = %s
  allow_recreate = %t
}
`, keyRef, needsRecreate(srv))
}

// needsRecreate: the server makes only a new key a default (current), so
// choosing an existing key needs allow_recreate.
func needsRecreate(srv *netmakertest.Server) bool {
	return srv.Generation() == netmakertest.GenerationCurrent
}

// customDefaultGenerations are the generations where a key other than the
// auto-generated one can be a network's default.
var customDefaultGenerations = []netmakertest.Generation{netmakertest.GenerationCurrent, netmakertest.GenerationV17}

// testAccCreateNetworks creates networks out of band, as an administrator would.
func testAccCreateNetworks(t *testing.T, srv *netmakertest.Server, names ...string) {
	t.Helper()
	for i, name := range names {
		if err := srv.CreateNetwork(name, fmt.Sprintf("10.%d.0.0/16", 60+i)); err != nil {
			t.Fatalf("creating network %s: %v", name, err)
		}
	}
}

// checkDestroyedDefaultBack: after a destroy the keys are gone from the
// server and the default of net-a (every default-key test's network) is its
// auto-generated key again.
func checkDestroyedDefaultBack(srv *netmakertest.Server, keys ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, name := range keys {
			if _, ok := srv.KeyByName(name); ok {
				return fmt.Errorf("key %s survived destroy", name)
			}
		}
		return checkServerDefault(srv, "net-a", "net-a")(s)
	}
}

// checkServerDefault asserts that the server lists exactly want as the
// default key among the keys of network.
func checkServerDefault(srv *netmakertest.Server, network, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var defaults []string
		for _, k := range srv.Keys() {
			for _, n := range k.Networks {
				if n == network && k.Default {
					defaults = append(defaults, k.Name)
				}
			}
		}
		if len(defaults) != 1 || defaults[0] != want {
			return fmt.Errorf("server defaults of %s = %v, want [%s]", network, defaults, want)
		}
		return nil
	}
}

// expectTokenOf checks that the state's token is the server's token of the key.
func expectTokenOf(srv *netmakertest.Server, keyName string) knownvalue.Check {
	return knownvalue.StringFunc(func(got string) error {
		k, ok := srv.KeyByName(keyName)
		if !ok {
			return fmt.Errorf("server has no key %q", keyName)
		}
		if got != srv.Token(k.Value) {
			return fmt.Errorf("token is not the token of key %q", keyName)
		}
		return nil
	})
}

// TestAccNetworkDefaultKeyResource_moves moves net-a's default between keys
// and back, on the generations that have custom default keys: in place on
// v1.7, by re-creating the chosen key on current.
func TestAccNetworkDefaultKeyResource_moves(t *testing.T) {
	for _, gen := range customDefaultGenerations {
		t.Run(string(gen), func(t *testing.T) { testAccNetworkDefaultKeyMoves(t, gen) })
	}
}

// sameKeyValue: on v1.7 the chosen key keeps its value; on current it was
// re-created, and netmaker_enrollment_key.one records the new value at its
// next refresh (the default key resource's token is the new one at once).
func sameKeyValue(gen netmakertest.Generation, attribute string) statecheck.StateCheck {
	var cmp compare.ValueComparer = compare.ValuesDiffer()
	if gen == netmakertest.GenerationV17 {
		cmp = compare.ValuesSame()
	}
	return statecheck.CompareValuePairs(testDefaultKeyAddr, tfjsonpath.New(attribute), "netmaker_enrollment_key.one", tfjsonpath.New("value"), cmp)
}

func testAccNetworkDefaultKeyMoves(t *testing.T, gen netmakertest.Generation) {
	srv := newTestServer(t, gen)
	testAccCreateNetworks(t, srv, "net-a", "net-b")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyedDefaultBack(srv, "custom-one", "custom-two", "custom-other"),
		Steps: []resource.TestStep{
			{
				// Set a custom default.
				Config: testAccDefaultKeyConfig(srv, "netmaker_enrollment_key.one.name"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testDefaultKeyAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectKnownValue(testDefaultKeyAddr, tfjsonpath.New("id"), knownvalue.StringExact("net-a")),
						plancheck.ExpectKnownValue(testDefaultKeyAddr, tfjsonpath.New("auto_generated"), knownvalue.Bool(false)),
						plancheck.ExpectUnknownValue(testDefaultKeyAddr, tfjsonpath.New("token")),
						plancheck.ExpectSensitiveValue(testDefaultKeyAddr, tfjsonpath.New("token")),
						plancheck.ExpectSensitiveValue(testDefaultKeyAddr, tfjsonpath.New("key_value")),
						plancheck.ExpectSensitiveValue(testDefaultKeyAddr, tfjsonpath.New("value")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testDefaultKeyAddr, tfjsonpath.New("id"), knownvalue.StringExact("net-a")),
					statecheck.ExpectKnownValue(testDefaultKeyAddr, tfjsonpath.New("key_name"), knownvalue.StringExact("custom-one")),
					statecheck.ExpectKnownValue(testDefaultKeyAddr, tfjsonpath.New("auto_generated"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(testDefaultKeyAddr, tfjsonpath.New("token"), expectTokenOf(srv, "custom-one")),
					sameKeyValue(gen, "value"),
					sameKeyValue(gen, "key_value"),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkServerDefault(srv, "net-a", "custom-one"),
					checkServerDefault(srv, "net-b", "net-b"),
				),
			},
			{
				// Switch the default to another key, in place.
				Config: testAccDefaultKeyConfig(srv, "netmaker_enrollment_key.two.name"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testDefaultKeyAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("netmaker_enrollment_key.one", plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction("netmaker_enrollment_key.two", plancheck.ResourceActionNoop),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testDefaultKeyAddr, tfjsonpath.New("key_name"), knownvalue.StringExact("custom-two")),
					statecheck.ExpectKnownValue(testDefaultKeyAddr, tfjsonpath.New("token"), expectTokenOf(srv, "custom-two")),
				},
				Check: checkServerDefault(srv, "net-a", "custom-two"),
			},
			{
				// Import by network name plans clean.
				ResourceName:            testDefaultKeyAddr,
				ImportState:             true,
				ImportStateId:           "net-a",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"allow_recreate"},
			},
			{
				// Someone makes the auto-generated key the default again in the UI:
				// the plan moves it back.
				PreConfig: func() {
					if err := srv.SetDefault("net-a", "net-a"); err != nil {
						t.Fatal(err)
					}
				},
				Config: testAccDefaultKeyConfig(srv, "netmaker_enrollment_key.two.name"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testDefaultKeyAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(testDefaultKeyAddr, tfjsonpath.New("key_name"), knownvalue.StringExact("custom-two")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testDefaultKeyAddr, tfjsonpath.New("token"), expectTokenOf(srv, "custom-two")),
				},
				Check: checkServerDefault(srv, "net-a", "custom-two"),
			},
			{
				// Back to the auto-generated key, by name.
				Config: testAccDefaultKeyConfig(srv, `"net-a"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testDefaultKeyAddr, tfjsonpath.New("auto_generated"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(testDefaultKeyAddr, tfjsonpath.New("token"), expectTokenOf(srv, "net-a")),
				},
				Check: checkServerDefault(srv, "net-a", "net-a"),
			},
			{
				// And to a custom key again, so that destroy has to give it back.
				Config: testAccDefaultKeyConfig(srv, "netmaker_enrollment_key.one.name"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testDefaultKeyAddr, tfjsonpath.New("token"), expectTokenOf(srv, "custom-one")),
				},
				Check: checkServerDefault(srv, "net-a", "custom-one"),
			},
		},
	})
}

// TestAccNetworkDefaultKeyResource_destroyOrder destroys the default-key
// resource alone first, then the custom key: the key can be deleted only
// because the default went back to the auto-generated key.
func TestAccNetworkDefaultKeyResource_destroyOrder(t *testing.T) {
	for _, gen := range customDefaultGenerations {
		t.Run(string(gen), func(t *testing.T) { testAccNetworkDefaultKeyDestroyOrder(t, gen) })
	}
}

func testAccNetworkDefaultKeyDestroyOrder(t *testing.T, gen netmakertest.Generation) {
	srv := newTestServer(t, gen)
	testAccCreateNetworks(t, srv, "net-a", "net-b")
	keysOnly := providerConfig(srv) + unlimitedKeyHCL("one", "custom-one", "net-a")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyedDefaultBack(srv, "custom-one"),
		Steps: []resource.TestStep{
			{
				Config: testAccDefaultKeyConfig(srv, "netmaker_enrollment_key.one.name"),
				Check:  checkServerDefault(srv, "net-a", "custom-one"),
			},
			{
				Config: keysOnly,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testDefaultKeyAddr, plancheck.ResourceActionDestroy),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkServerDefault(srv, "net-a", "net-a"),
					func(*terraform.State) error {
						k, ok := srv.KeyByName("custom-one")
						if !ok || k.Default {
							return fmt.Errorf("custom-one: present %v, default %v; want present, not default", ok, k.Default)
						}
						return nil
					},
				),
			},
		},
	})
}

func TestAccNetworkDefaultKeyResource_v15(t *testing.T) {
	srv := newTestServer(t, netmakertest.GenerationV15)
	testAccCreateNetworks(t, srv, "net-a", "net-b")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyedDefaultBack(srv, "custom-one"),
		Steps: []resource.TestStep{
			{
				// Naming the key that already is the default works everywhere.
				Config: testAccDefaultKeyConfig(srv, `"net-a"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testDefaultKeyAddr, tfjsonpath.New("key_name"), knownvalue.StringExact("net-a")),
					statecheck.ExpectKnownValue(testDefaultKeyAddr, tfjsonpath.New("auto_generated"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(testDefaultKeyAddr, tfjsonpath.New("token"), expectTokenOf(srv, "net-a")),
				},
				Check: checkServerDefault(srv, "net-a", "net-a"),
			},
			{
				ResourceName:      testDefaultKeyAddr,
				ImportState:       true,
				ImportStateId:     "net-a",
				ImportStateVerify: true,
			},
			{
				// Choosing another key is a clear error, at plan time already.
				Config: testAccDefaultKeyConfig(srv, `"custom-one"`),
				ExpectError: wrappedText(`is a Netmaker v1.5-line server: there only the key Netmaker generates with a network ` +
					`is its default; no other key can become the default. Nothing was changed. On this server, key_name can only ` +
					`be "net-a"`),
			},
			{
				// With the key unknown at plan time (its id is computed), the apply says so.
				Config:      testAccDefaultKeyConfig(srv, "netmaker_enrollment_key.one.id"),
				ExpectError: wrappedText(`is a Netmaker v1.5-line server: there only the key Netmaker generates with a network is its default`),
				Check:       checkServerDefault(srv, "net-a", "net-a"),
			},
		},
	})
}

func TestAccNetworkDefaultKeyResource_keyMustJoinNetwork(t *testing.T) {
	eachGeneration(t, func(t *testing.T, srv *netmakertest.Server) {
		testAccCreateNetworks(t, srv, "net-a", "net-b")
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{
					// Known at plan on every generation: the key is planned without the network.
					Config:      testAccDefaultKeyConfig(srv, "netmaker_enrollment_key.other.name"),
					ExpectError: wrappedText(`Enrollment key "custom-other" does not include network "net-a"`),
				},
				{
					Config:      testAccDefaultKeyConfig(srv, `"no-such-key"`),
					ExpectError: errorForGeneration(srv.Generation(), `no enrollment key named "no-such-key"`),
				},
			},
		})
	})
}

// errorForGeneration expects msg on current servers; v1.5 refuses any
// change of default before it gets that far.
func errorForGeneration(gen netmakertest.Generation, msg string) *regexp.Regexp {
	if gen == netmakertest.GenerationV15 {
		return wrappedText("is a Netmaker v1.5-line server")
	}
	return wrappedText(msg)
}

// wrappedText matches text literally, wherever Terraform wrapped its lines.
func wrappedText(text string) *regexp.Regexp {
	words := strings.Fields(text)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return regexp.MustCompile(`(?i)` + strings.Join(words, `\s+`))
}

func TestAccNetworkDefaultKeyResource_networkDeleted(t *testing.T) {
	eachGeneration(t, func(t *testing.T, srv *netmakertest.Server) {
		testAccCreateNetworks(t, srv, "net-a", "net-b")
		config := providerConfig(srv) + defaultKeyHCL("test", `network = "net-a"`, `key_name = "net-a"`)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{
					Config: config,
				},
				{
					// The network and its key are deleted out of band: the
					// resource leaves the state and the plan creates it again.
					PreConfig: func() {
						if err := srv.DeleteNetwork("net-a"); err != nil {
							t.Fatal(err)
						}
						srv.WaitIdle()
					},
					RefreshState:       true,
					ExpectNonEmptyPlan: true,
					Check: func(s *terraform.State) error {
						if _, ok := s.RootModule().Resources[testDefaultKeyAddr]; ok {
							return fmt.Errorf("resource still in state after its network was deleted")
						}
						return nil
					},
				},
			},
		})
	})
}

// TestAccNetworkDefaultKeyResource_keyReplaced replaces the custom default
// key: with replace_triggered_by (as the documentation advises), the default
// moves back to the auto-generated key before the old key is deleted, and
// on to the new key after it is created.
func TestAccNetworkDefaultKeyResource_keyReplaced(t *testing.T) {
	for _, gen := range customDefaultGenerations {
		t.Run(string(gen), func(t *testing.T) { testAccNetworkDefaultKeyReplaced(t, gen) })
	}
}

func testAccNetworkDefaultKeyReplaced(t *testing.T, gen netmakertest.Generation) {
	srv := newTestServer(t, gen)
	testAccCreateNetworks(t, srv, "net-a")
	config := func(keyType string) string {
		uses := ""
		if keyType == "uses" {
			uses = "uses = 5"
		}
		return providerConfig(srv) + fmt.Sprintf(`
resource "netmaker_enrollment_key" "one" {
  name     = "custom-one"
  networks = ["net-a"]
  type     = %q
  %s
}

resource "netmaker_network_default_key" "test" {
  network        = "net-a"
  key_name       = netmaker_enrollment_key.one.name
  allow_recreate = %t

  lifecycle {
    replace_triggered_by = [netmaker_enrollment_key.one]
  }
}
`, keyType, uses, needsRecreate(srv))
	}
	var firstValue string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkServerDefault(srv, "net-a", "net-a"),
		Steps: []resource.TestStep{
			{
				Config: config("unlimited"),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkServerDefault(srv, "net-a", "custom-one"),
					func(*terraform.State) error {
						k, _ := srv.KeyByName("custom-one")
						firstValue = k.Value
						return nil
					},
				),
			},
			{
				Config: config("uses"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("netmaker_enrollment_key.one", plancheck.ResourceActionDestroyBeforeCreate),
						plancheck.ExpectResourceAction(testDefaultKeyAddr, plancheck.ResourceActionDestroyBeforeCreate),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkServerDefault(srv, "net-a", "custom-one"),
					func(*terraform.State) error {
						k, _ := srv.KeyByName("custom-one")
						if k.Value == firstValue || k.Type != int(netmaker.KeyTypeUses) {
							return fmt.Errorf("custom-one was not replaced by a uses key: %+v", k.Type)
						}
						return nil
					},
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testDefaultKeyAddr, tfjsonpath.New("token"), expectTokenOf(srv, "custom-one")),
				},
			},
		},
	})
}

// TestAccNetworkDefaultKeyResource_identity: the identity is the network,
// and the resource imports by identity and by ID.
func TestAccNetworkDefaultKeyResource_identity(t *testing.T) {
	eachGeneration(t, func(t *testing.T, srv *netmakertest.Server) {
		testAccCreateNetworks(t, srv, "net-a")
		resource.Test(t, resource.TestCase{
			TerraformVersionChecks:   skipWithoutIdentity,
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{
					// The auto-generated key is the default on every generation.
					Config: providerConfig(srv) + defaultKeyHCL("test", `network = "net-a"`, `key_name = "net-a"`),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectIdentity(testDefaultKeyAddr, map[string]knownvalue.Check{
							"network": knownvalue.StringExact("net-a"),
						}),
					},
				},
				{
					ResourceName:    testDefaultKeyAddr,
					ImportState:     true,
					ImportStateKind: resource.ImportBlockWithResourceIdentity,
				},
				{
					ResourceName:    testDefaultKeyAddr,
					ImportState:     true,
					ImportStateKind: resource.ImportBlockWithID,
					ImportStateId:   "net-a",
				},
			},
		})
	})
}

// TestAccNetworkDefaultKeyResource_severalDefaults: a network that lists
// several default keys (out-of-band damage) is never resolved by a pick.
// Creating the resource makes its key the only default, as the lookup
// diagnostics advise. A refresh that finds the managed key among several
// defaults keeps it and plans nothing (no update could clear the others on
// current servers); one that finds only other keys plans an update, and
// the apply makes the key the only default again.
func TestAccNetworkDefaultKeyResource_severalDefaults(t *testing.T) {
	eachGenerationOf(t, customDefaultGenerations, func(t *testing.T, srv *netmakertest.Server) {
		testAccCreateNetworks(t, srv, "net-a")
		for _, name := range []string{"custom-one", "rogue"} {
			testAccCreateKey(t, srv, netmaker.CreateKeyRequest{Name: name, Networks: []string{"net-a"}, Type: netmaker.KeyTypeUnlimited})
		}
		config := providerConfig(srv) + fmt.Sprintf(`
resource "netmaker_network_default_key" "test" {
  network        = "net-a"
  key_name       = "custom-one"
  allow_recreate = %t
}
`, needsRecreate(srv))
		flag := func(name string, isDefault bool) {
			if err := srv.UpdateKeyByName(name, func(k *netmakertest.Key) { k.Default = isDefault }); err != nil {
				t.Fatal(err)
			}
		}
		var chosen netmakertest.Key
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{
					PreConfig: func() { flag("rogue", true) },
					Config:    config,
					Check: resource.ComposeTestCheckFunc(checkServerDefault(srv, "net-a", "custom-one"),
						rememberServerKey(srv, "custom-one", &chosen)),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(testDefaultKeyAddr, tfjsonpath.New("key_name"), knownvalue.StringExact("custom-one")),
					},
				},
				{
					PreConfig: func() { flag("rogue", true) },
					Config:    config,
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
					Check: func(*terraform.State) error {
						if got := len(srv.DefaultKeys("net-a")); got != 2 {
							return fmt.Errorf("the server lists %d defaults of net-a, want the 2 the test made", got)
						}
						return nil
					},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(testDefaultKeyAddr, tfjsonpath.New("key_name"), knownvalue.StringExact("custom-one")),
					},
				},
				{
					PreConfig: func() { flag("custom-one", false); flag("net-a", true) },
					Config:    config,
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(testDefaultKeyAddr, plancheck.ResourceActionUpdate),
						},
					},
					Check: resource.ComposeTestCheckFunc(checkServerDefault(srv, "net-a", "custom-one"),
						func(*terraform.State) error {
							k, _ := srv.KeyByName("custom-one")
							if srv.Generation() == netmakertest.GenerationV17 && k.Value != chosen.Value {
								return fmt.Errorf("v1.7 changes the default in place; the key's value changed")
							}
							return nil
						}),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(testDefaultKeyAddr, tfjsonpath.New("key_name"), knownvalue.StringExact("custom-one")),
					},
				},
			},
		})
	})
}

// TestAccNetworkDefaultKeyResource_twoClaimOneNetwork: two
// netmaker_network_default_key resources of one network, naming different
// keys, would move the default back and forth on every apply. The plan
// refuses the later one (Terraform has planned the earlier one by then),
// naming both keys, before anything is written; the state and the server
// stay as they were, and the configuration without the second claim
// still plans clean.
func TestAccNetworkDefaultKeyResource_twoClaimOneNetwork(t *testing.T) {
	for _, gen := range customDefaultGenerations {
		t.Run(string(gen), func(t *testing.T) {
			srv := newTestServer(t, gen)
			testAccCreateNetworks(t, srv, "tf-pair-net")
			for _, name := range []string{"tf-pair-a", "tf-pair-b"} {
				testAccCreateKey(t, srv, netmaker.CreateKeyRequest{Name: name, Networks: []string{"tf-pair-net"}, Type: netmaker.KeyTypeUnlimited})
			}
			claim := func(label, key string) string {
				return defaultKeyHCL(label, `network = "tf-pair-net"`, fmt.Sprintf("key_name = %q", key), "allow_recreate = true")
			}
			one := providerConfig(srv) + claim("a", "tf-pair-a")
			var before []netmakertest.Key
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             checkServerDefault(srv, "tf-pair-net", "tf-pair-net"),
				Steps: []resource.TestStep{
					{Config: one, Check: checkServerDefault(srv, "tf-pair-net", "tf-pair-a")},
					{
						PreConfig:   func() { before = srv.Keys(); srv.ResetStats() },
						Config:      one + claim("b", "tf-pair-b"),
						ExpectError: defaultClaimPattern("tf-pair-net", "tf-pair-a", "tf-pair-b"),
					},
					{
						PreConfig: func() {
							for route, n := range srv.Stats() {
								if !strings.HasPrefix(route, "GET ") && n > 0 {
									t.Errorf("the refused plan wrote to the server: %d × %s", n, route)
								}
							}
							if after := srv.Keys(); fmt.Sprint(after) != fmt.Sprint(before) {
								t.Errorf("the server's keys changed:\nbefore %+v\nafter  %+v", before, after)
							}
						},
						Config: one,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: checkServerDefault(srv, "tf-pair-net", "tf-pair-a"),
					},
				},
			})
		})
	}
}

// TestAccNetworkDefaultKeyResource_movedDefaultWarns: a refresh that finds
// the network's default held by a key this resource does not name (moved
// outside Terraform) warns, naming both keys, and the plan moves it back;
// a refresh that finds it in place says nothing. plugin-testing does not
// show warnings, so the terraform CLI runs the plans.
func TestAccNetworkDefaultKeyResource_movedDefaultWarns(t *testing.T) {
	for _, gen := range customDefaultGenerations {
		t.Run(string(gen), func(t *testing.T) {
			cli := newTerraformCLIAtLeast(t, tfversion.Version1_0_0, "reads the warnings of a refresh")
			srv := newTestServer(t, gen)
			testAccCreateNetworks(t, srv, "tf-moved-net")
			for _, name := range []string{"tf-moved-mine", "tf-moved-other"} {
				testAccCreateKey(t, srv, netmaker.CreateKeyRequest{Name: name, Networks: []string{"tf-moved-net"}, Type: netmaker.KeyTypeUnlimited})
			}
			cli.write("main.tf", cliProviderConfig(srv.URL())+`
resource "netmaker_network_default_key" "net" {
  network        = "tf-moved-net"
  key_name       = "tf-moved-mine"
  allow_recreate = true
}
`)
			cli.init()
			cli.mustRun("apply", "-no-color", "-input=false", "-auto-approve")
			const warning = "Network's default moved to another key"
			if out := cli.mustRun("plan", "-no-color", "-input=false"); strings.Contains(out, warning) {
				t.Fatalf("the default did not move, and the refresh warns:\n%s", out)
			}

			if err := srv.SetDefault("tf-moved-net", "tf-moved-other"); err != nil {
				t.Fatal(err)
			}
			code, out := cli.run("plan", "-no-color", "-input=false", "-detailed-exitcode")
			moved := regexp.MustCompile(`(?s)Warning: ` + regexp.QuoteMeta(warning) +
				`.*network\s+"tf-moved-net"\s+is\s+now\s+"tf-moved-other",\s+not\s+"tf-moved-mine"`)
			if code != 2 || !moved.MatchString(out) || !strings.Contains(out, "1 to change") {
				t.Fatalf("plan after the default moved exited %d (want 2, a change back, with the warning):\n%s", code, out)
			}

			cli.mustRun("apply", "-no-color", "-input=false", "-auto-approve")
			if err := checkServerDefault(srv, "tf-moved-net", "tf-moved-mine")(nil); err != nil {
				t.Fatal(err)
			}
			cli.expectEmptyPlan()
			cli.mustRun("destroy", "-no-color", "-input=false", "-auto-approve")
		})
	}
}

// TestAccNetworkDefaultKeyResource_missingKeyWarns: a key_name no key on the
// server has, and no key of this plan, is warned about at plan time (the
// apply would fail); the same name referred to from the resource that
// creates it is not.
func TestAccNetworkDefaultKeyResource_missingKeyWarns(t *testing.T) {
	eachGenerationWithCLI(t, customDefaultGenerations, "reads the plan's warnings", func(t *testing.T, cli *terraformCLI, srv *netmakertest.Server) {
		testAccCreateNetworks(t, srv, "tf-nk-net")
		plan := func(keyName string, more string) string {
			cli.write("main.tf", cliProviderConfig(srv.URL())+more+
				defaultKeyHCL("net", `network = "tf-nk-net"`, "key_name = "+keyName, `allow_recreate = true`))
			cli.init()
			return strings.Join(strings.Fields(cli.mustRun("plan", "-no-color", "-input=false")), " ")
		}
		if out := plan(`"tf-nobody"`, ""); !strings.Contains(out, "Warning: Enrollment key not found") ||
			!strings.Contains(out, `has no enrollment key named "tf-nobody"`) {
			t.Fatalf("want the Enrollment key not found warning:\n%s", out)
		}
		if out := plan("netmaker_enrollment_key.k.name", unlimitedKeyHCL("k", "tf-nobody", "tf-nk-net")); strings.Contains(out, "Enrollment key not found") {
			t.Fatalf("a key this plan creates was warned about:\n%s", out)
		}
	})
}
