package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

// usesKeyOneHCL is custom-one of net-a, a uses key with a tag: settings a
// re-creation must carry over.
var usesKeyOneHCL = keyHCL("one",
	`name = "custom-one"`, `networks = ["net-a"]`, `type = "uses"`, `uses = 3`, `tags = ["net-a.web"]`)

// oneKeyAndDefault is usesKeyOneHCL, made net-a's default with
// allow_recreate as given.
func oneKeyAndDefault(srv *netmakertest.Server, allowRecreate string) string {
	return providerConfig(srv) + usesKeyOneHCL + fmt.Sprintf(`
resource "netmaker_network_default_key" "test" {
  network  = "net-a"
  key_name = netmaker_enrollment_key.one.name
  %s
}
`, allowRecreate)
}

// TestAccNetworkDefaultKeyResource_currentNeedsOptIn: on current, choosing
// an existing key re-creates it, so without allow_recreate the plan fails,
// naming the setting, and nothing changes; with it, the key is re-created
// with its settings and remaining uses, and the token in state is the new one.
func TestAccNetworkDefaultKeyResource_currentNeedsOptIn(t *testing.T) {
	srv := newTestServer(t, netmakertest.GenerationCurrent)
	testAccCreateNetworks(t, srv, "net-a")
	keyOnly := providerConfig(srv) + usesKeyOneHCL
	var before netmakertest.Key
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyedDefaultBack(srv, "custom-one"),
		Steps: []resource.TestStep{
			{
				Config: keyOnly,
				Check: func(*terraform.State) error {
					before, _ = srv.KeyByName("custom-one")
					return srv.Register(srv.Token(before.Value)) // 2 uses left
				},
			},
			{
				Config:      oneKeyAndDefault(srv, ""),
				ExpectError: wrappedText(`set allow_recreate = true on this resource`),
				Check:       checkServerDefault(srv, "net-a", "net-a"),
			},
			{
				// The refused plan changed nothing.
				Config:   keyOnly,
				PlanOnly: true,
				Check: resource.ComposeAggregateTestCheckFunc(
					checkServerDefault(srv, "net-a", "net-a"),
					checkSameValue(srv, "custom-one", &before, "custom-one changed"),
				),
			},
			{
				Config: oneKeyAndDefault(srv, "allow_recreate = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testDefaultKeyAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("netmaker_enrollment_key.one", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testDefaultKeyAddr, tfjsonpath.New("token"), expectTokenOf(srv, "custom-one")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkServerDefault(srv, "net-a", "custom-one"),
					checkServerKey(srv, "custom-one", func(k netmakertest.Key) error {
						if k.Value == before.Value || k.Type != netmakertest.TypeUses || k.UsesRemaining != 2 ||
							len(k.Groups) != 1 || k.Groups[0] != "net-a.web" || len(k.Networks) != 1 {
							return fmt.Errorf("custom-one not re-created with its settings and remaining uses: %+v", k)
						}
						return nil
					}),
					func(*terraform.State) error {
						if auto, ok := srv.KeyByName("net-a"); !ok || auto.Default {
							return fmt.Errorf("the auto-generated key: present %v, default %v; want present, not default", ok, auto.Default)
						}
						return nil
					},
				),
			},
			{
				// The enrollment key's own state follows at its refresh: no change planned.
				Config:   oneKeyAndDefault(srv, "allow_recreate = true"),
				PlanOnly: true,
			},
		},
	})
}

// TestAccNetworkDefaultKeyResource_autoKeyGone destroys the resource after
// the network's auto-generated key was deleted out of band. On current a key
// like it is created as the default; v1.7 refuses that name (other keys join
// the network), so the default stays until the custom key's own destroy
// clears its flag. Either way the run succeeds.
func TestAccNetworkDefaultKeyResource_autoKeyGone(t *testing.T) {
	eachGenerationOf(t, customDefaultGenerations, func(t *testing.T, srv *netmakertest.Server) {
		testAccCreateNetworks(t, srv, "net-a", "net-b")
		keysOnly := providerConfig(srv) + unlimitedKeyHCL("one", "custom-one", "net-a")
		afterDestroy := checkServerDefault(srv, "net-a", "net-a")
		if srv.Generation() == netmakertest.GenerationV17 {
			afterDestroy = checkServerDefault(srv, "net-a", "custom-one")
		}
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy: func(*terraform.State) error {
				if _, ok := srv.KeyByName("custom-one"); ok {
					return fmt.Errorf("custom-one survived destroy")
				}
				if srv.Generation() == netmakertest.GenerationV17 {
					if d := srv.DefaultKeys("net-a"); len(d) != 0 {
						return fmt.Errorf("v1.7: default keys of net-a = %v, want none", d)
					}
					return nil
				}
				return checkServerDefault(srv, "net-a", "net-a")(nil)
			},
			Steps: []resource.TestStep{
				{
					Config: testAccDefaultKeyConfig(srv, "netmaker_enrollment_key.one.name"),
					Check:  checkServerDefault(srv, "net-a", "custom-one"),
				},
				{
					PreConfig: func() {
						if err := srv.DeleteKeyByName("net-a"); err != nil {
							t.Fatal(err)
						}
					},
					Config: keysOnly,
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(testDefaultKeyAddr, plancheck.ResourceActionDestroy),
						},
					},
					Check: afterDestroy,
				},
			},
		})
	})
}

// A v1.7 server (which makes a key the default by an update) that answers
// success to "make this key the default" and does nothing must not pass for
// a success, nor be blamed on v1.5: the read-back catches it and the error
// says what happened.
func TestAccNetworkDefaultKeyResource_serverIgnoresRequest(t *testing.T) {
	srv := newTestServerWithOptions(t, netmakertest.Options{
		Generation: netmakertest.GenerationV17,
		Intercept: func(_ http.ResponseWriter, r *http.Request, _ http.Handler) bool {
			if r.Method == http.MethodPut && strings.HasPrefix(r.URL.Path, "/api/v1/enrollment-keys/") {
				var body map[string]any
				raw, _ := io.ReadAll(r.Body)
				if json.Unmarshal(raw, &body) == nil {
					delete(body, "default") // the server "ignores" the request
					raw, _ = json.Marshal(body)
				}
				r.Body = io.NopCloser(bytes.NewReader(raw))
				r.ContentLength = int64(len(raw))
			}
			return false
		},
	})
	testAccCreateNetworks(t, srv, "tf-ign")

	config := providerConfig(srv) +
		keyHCL("custom", `name = "tf-ign-custom"`, `type = "unlimited"`, `networks = ["tf-ign"]`) +
		defaultKeyHCL("test", `network = "tf-ign"`, `key_name = netmaker_enrollment_key.custom.name`)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if auto, ok := srv.KeyByName("tf-ign"); !ok || !auto.Default {
				return fmt.Errorf("the auto-generated key lost the default: %+v", auto)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: regexp.MustCompile(`(?s)Netmaker did not change the network's default key.*"tf-ign-custom".*"tf-ign".*had\s+no\s+effect`),
		}},
	})
}
