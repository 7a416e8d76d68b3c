package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

// testAccEchoFactories adds the echo provider, which copies ephemeral data
// into its own resource's state so that tests can look at it.
func testAccEchoFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	factories := map[string]func() (tfprotov6.ProviderServer, error){
		"echo": echoprovider.NewProviderServer(),
	}
	for name, f := range testAccProtoV6ProviderFactories {
		factories[name] = f
	}
	return factories
}

// echoConfig is srv's provider, ephemeral resource "test" of type with body,
// and the echo provider and resource, which reveal what it answers.
func echoConfig(srv *netmakertest.Server, ephemeralType, body string) string {
	return providerConfig(srv) + `
ephemeral "` + ephemeralType + `" "test" {
` + body + `
}

provider "echo" {
  data = ephemeral.` + ephemeralType + `.test
}

resource "echo" "test" {}
`
}

// secretsOf answers the value and token of the named keys.
func secretsOf(t *testing.T, srv *netmakertest.Server, names ...string) []string {
	t.Helper()
	var out []string
	for _, name := range names {
		k, ok := srv.KeyByName(name)
		if !ok {
			t.Fatalf("server has no key %q", name)
		}
		out = append(out, k.Value, srv.Token(k.Value))
	}
	return out
}

// noSecretInJSON fails when the JSON form of v holds any of secrets.
func noSecretInJSON(what string, v any, secrets []string) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", what, err)
	}
	for _, s := range secrets {
		if strings.Contains(string(raw), s) {
			return fmt.Errorf("%s holds a secret of an enrollment key", what)
		}
	}
	return nil
}

// stateHoldsNoSecret checks the whole state as `terraform show -json` gives
// it, except the resources at skip (the echo resource exists to hold them),
// and that no ephemeral resource was recorded in it.
type stateHoldsNoSecret struct {
	secrets []string
	skip    string
}

func (c stateHoldsNoSecret) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = fmt.Errorf("no state to check")
		return
	}
	state := *req.State
	values := *state.Values
	root := *values.RootModule
	root.Resources = nil
	for _, r := range req.State.Values.RootModule.Resources {
		if strings.HasPrefix(r.Type, "netmaker_enrollment_key_token") {
			resp.Error = fmt.Errorf("the state records ephemeral resource %s", r.Address)
			return
		}
		if r.Address != c.skip {
			root.Resources = append(root.Resources, r)
		}
	}
	values.RootModule = &root
	state.Values = &values
	resp.Error = noSecretInJSON("the state", &state, c.secrets)
}

// planHoldsNoSecret checks the whole plan as `terraform show -json` gives it.
type planHoldsNoSecret struct{ secrets []string }

func (c planHoldsNoSecret) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = noSecretInJSON("the plan", req.Plan, c.secrets)
}

// noKeyWrites checks that nothing but reads reached the enrollment-key routes.
func noKeyWrites(srv *netmakertest.Server) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for route, n := range srv.Stats() {
			if !strings.HasPrefix(route, "GET ") && strings.Contains(route, "/enrollment-keys") && n > 0 {
				return fmt.Errorf("opening the ephemeral resource wrote to the server: %d × %s", n, route)
			}
		}
		return nil
	}
}

func TestAccEnrollmentKeyTokenEphemeralResource_basic(t *testing.T) {
	t.Parallel()
	for _, gen := range generations {
		t.Run(string(gen), func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t, gen)
			testAccSeedKeys(t, srv)
			batch, _ := srv.KeyByName("batch")
			netA, _ := srv.KeyByName("net-a")
			secrets := secretsOf(t, srv, "batch", "net-a")
			srv.ResetStats()
			echoConfig := providerConfig(srv) + `
ephemeral "netmaker_enrollment_key_token" "by_name" {
  name = "batch"
}

ephemeral "netmaker_enrollment_key_token" "by_network" {
  network = "net-a"
}

provider "echo" {
  data = {
    by_name    = ephemeral.netmaker_enrollment_key_token.by_name
    by_network = ephemeral.netmaker_enrollment_key_token.by_network
  }
}

resource "echo" "test" {}
`
			// Without the echo provider: the token is used, but only where
			// Terraform keeps no record of it.
			plainConfig := providerConfig(srv) + `
ephemeral "netmaker_enrollment_key_token" "by_name" {
  name = "batch"
}

ephemeral "netmaker_enrollment_key_token" "by_network" {
  network = "net-a"
}

resource "terraform_data" "test" {
  input = "uses a token"

  lifecycle {
    precondition {
      condition     = length(ephemeral.netmaker_enrollment_key_token.by_name.token) > 0 && ephemeral.netmaker_enrollment_key_token.by_network.name == "net-a"
      error_message = "the ephemeral token lookup answered nothing"
    }
  }
}
`
			// The echo provider shows what the ephemeral resource answers.
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccEchoFactories(),
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
				Steps: []resource.TestStep{
					{
						Config: echoConfig,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{planHoldsNoSecret{secrets}},
						},
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("by_name"), knownvalue.ObjectExact(map[string]knownvalue.Check{
								"name":    knownvalue.StringExact("batch"),
								"network": knownvalue.Null(),
								"value":   knownvalue.StringExact(batch.Value),
								"token":   knownvalue.StringExact(srv.Token(batch.Value)),
							})),
							statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("by_network"), knownvalue.ObjectExact(map[string]knownvalue.Check{
								"name":    knownvalue.StringExact("net-a"),
								"network": knownvalue.StringExact("net-a"),
								"value":   knownvalue.StringExact(netA.Value),
								"token":   knownvalue.StringExact(srv.Token(netA.Value)),
							})),
							// Only the echo resource, whose job is to reveal it, holds the token.
							stateHoldsNoSecret{secrets: secrets, skip: "echo.test"},
						},
						Check: noKeyWrites(srv),
					},
				},
			})
			// Without the echo provider, in a fresh state: the tokens are used,
			// and neither plan nor state holds them anywhere.
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
				Steps: []resource.TestStep{
					{
						Config: plainConfig,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{planHoldsNoSecret{secrets}},
						},
						ConfigStateChecks: []statecheck.StateCheck{
							stateHoldsNoSecret{secrets: secrets},
						},
						Check: resource.ComposeAggregateTestCheckFunc(
							noKeyWrites(srv),
							func(s *terraform.State) error {
								if _, ok := s.RootModule().Resources["terraform_data.test"]; !ok {
									return fmt.Errorf("terraform_data.test missing: the configuration did not apply")
								}
								return noSecretInJSON("the state", s, secrets)
							},
						),
					},
				},
			})
			// Opening never rotates: the keys kept their values.
			for name, want := range map[string]string{"batch": batch.Value, "net-a": netA.Value} {
				if k, _ := srv.KeyByName(name); k.Value != want {
					t.Errorf("key %s changed its value", name)
				}
			}
		})
	}
}

func TestAccEnrollmentKeyTokenEphemeralResource_errors(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, netmakertest.GenerationCurrent)
	testAccSeedKeys(t, srv)
	config := func(body string) string { return echoConfig(srv, "netmaker_enrollment_key_token", body) }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccEchoFactories(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		Steps: []resource.TestStep{
			{
				Config: config(`name = "ghost"`),
				ExpectError: wrappedText(`The Netmaker server has no enrollment key named "ghost". If this configuration creates ` +
					`the key, refer to it instead of writing its name (name = netmaker_enrollment_key.<label>.id)`),
			},
			{
				Config:      config(`network = "no-such-network"`),
				ExpectError: wrappedText(`No enrollment key on the Netmaker server is the default key of network "no-such-network"`),
			},
			{
				Config:      config(`name = "batch"` + "\n" + `network = "net-a"`),
				ExpectError: wrappedText(`Invalid Attribute Combination`),
			},
			{
				Config:      config(``),
				ExpectError: wrappedText(`Exactly one of these attributes must be configured: [name,network]`),
			},
		},
	})
}
