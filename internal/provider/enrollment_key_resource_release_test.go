package provider

import (
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

// Giving a default back to a network that does not exist creates no key,
// and a v1.5 rotation never deletes a key it cannot create again.

// checkKeysOnServer asserts that the server holds a key of each name in
// present and none of absent.
func checkKeysOnServer(srv *netmakertest.Server, present, absent []string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, name := range present {
			if _, ok := srv.KeyByName(name); !ok {
				return fmt.Errorf("server has no key %q", name)
			}
		}
		return checkNoKey(srv, absent...)(nil)
	}
}

// keptOnCurrent answers the names a destroy leaves on srv: on current, a
// default key of missing networks only cannot lose its flag without a new
// (stray) default key, so it is kept; v1.7 clears the flag and deletes it.
func keptOnCurrent(srv *netmakertest.Server, name string) (kept, gone []string) {
	if srv.Generation() == netmakertest.GenerationCurrent {
		return []string{name}, nil
	}
	return nil, []string{name}
}

func TestAccEnrollmentKeyResource_defaultOfMissingNetworkDestroyCreatesNoKey(t *testing.T) {
	eachGenerationOf(t, customDefaultGenerations, func(t *testing.T, srv *netmakertest.Server) {
		// A network that exists lets the client tell v1.7 from current.
		testAccCreateNetworks(t, srv, "tf-real-net")
		kept, gone := keptOnCurrent(srv, "e-defghost")
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy:             checkKeysOnServer(srv, kept, append(gone, "ghostnet")),
			Steps: []resource.TestStep{
				{
					Config: providerConfig(srv) + unlimitedKeyHCL("test", "e-defghost", "ghostnet", "default = true"),
					Check:  checkKeysOnServer(srv, []string{"e-defghost"}, []string{"ghostnet"}),
				},
				{
					// Removed from the configuration: the same release as a destroy.
					Config: providerConfig(srv),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionDestroy),
					}},
					Check: checkKeysOnServer(srv, kept, append(gone, "ghostnet")),
				},
			},
		})
	})
}

func TestAccNetworkDefaultKeyResource_missingNetworkDestroyCreatesNoKey(t *testing.T) {
	eachGenerationOf(t, customDefaultGenerations, func(t *testing.T, srv *netmakertest.Server) {
		testAccCreateNetworks(t, srv, "tf-real-net")
		kept, gone := keptOnCurrent(srv, "e-nonexist")
		config := providerConfig(srv) + unlimitedKeyHCL("test", "e-nonexist", "nosuchnet") +
			defaultKeyHCL("net", `network = "nosuchnet"`, `key_name = netmaker_enrollment_key.test.name`, `allow_recreate = true`)
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy:             checkKeysOnServer(srv, kept, append(gone, "nosuchnet")),
			Steps: []resource.TestStep{
				{
					Config: config,
					Check:  checkKeysOnServer(srv, []string{"e-nonexist"}, []string{"nosuchnet"}),
				},
				{
					// Only the default's choice goes: nothing is given back, nothing created.
					Config: providerConfig(srv) + unlimitedKeyHCL("test", "e-nonexist", "nosuchnet"),
					Check:  checkKeysOnServer(srv, []string{"e-nonexist"}, []string{"nosuchnet"}),
				},
			},
		})
	})
}

// sharedNameRotationConfig is key dupname on net1 with trigger.
func sharedNameRotationConfig(srv *netmakertest.Server, trigger string) string {
	return providerConfig(srv) + unlimitedKeyHCL("test", "dupname", "net1", fmt.Sprintf("regenerate_trigger = %q", trigger))
}

// keyValuesNamed answers the values of the server's keys called name.
func keyValuesNamed(srv *netmakertest.Server, name string) []string {
	var values []string
	for _, k := range srv.Keys() {
		if k.Name == name {
			values = append(values, k.Value)
		}
	}
	return values
}

// TestAccEnrollmentKeyResource_rotationWithSharedName: a network named like
// the key appears (its auto-generated key has the key's name). v1.5 rotates
// by deleting and creating the key, and the create would be refused: the
// plan refuses, and the key keeps its value. Elsewhere the key rotates in
// place.
func TestAccEnrollmentKeyResource_rotationWithSharedName(t *testing.T) {
	eachGeneration(t, func(t *testing.T, srv *netmakertest.Server) {
		testAccCreateNetworks(t, srv, "net1")
		var before string
		rememberOurs := func(*terraform.State) error {
			values := keyValuesNamed(srv, "dupname")
			if len(values) != 1 {
				return fmt.Errorf("keys named dupname: %d, want 1", len(values))
			}
			before = values[0]
			return nil
		}
		networkNamedLikeKey := func() {
			if err := srv.CreateNetwork("dupname", "10.90.0.0/16"); err != nil {
				t.Fatal(err)
			}
		}
		rotated := resource.TestStep{
			PreConfig: networkNamedLikeKey,
			Config:    sharedNameRotationConfig(srv, "2"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionUpdate),
			}},
			Check: func(*terraform.State) error {
				values := keyValuesNamed(srv, "dupname")
				if len(values) != 2 || slices.Contains(values, before) {
					return fmt.Errorf("keys named dupname after the rotation: %d (old value kept: %v), want the network's and ours rotated",
						len(values), slices.Contains(values, before))
				}
				return nil
			},
		}
		steps := []resource.TestStep{{Config: sharedNameRotationConfig(srv, "1"), Check: rememberOurs}, rotated}
		if srv.Generation() == netmakertest.GenerationV15 {
			steps = []resource.TestStep{steps[0], {
				PreConfig:   networkNamedLikeKey,
				Config:      sharedNameRotationConfig(srv, "2"),
				ExpectError: regexp.MustCompile(regexp.QuoteMeta(refusalRotateNameShared.title)),
			}, {
				// Nothing was deleted: the key keeps its value, the state its trigger.
				Config: sharedNameRotationConfig(srv, "1"),
				Check: func(*terraform.State) error {
					if !slices.Contains(keyValuesNamed(srv, "dupname"), before) {
						return fmt.Errorf("the refused rotation deleted key dupname")
					}
					return nil
				},
			}}
		}
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps:                    steps,
		})
	})
}
