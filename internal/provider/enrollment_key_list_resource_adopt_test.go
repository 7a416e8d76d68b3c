package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

const listKeysStat = "GET /api/v1/enrollment-keys"

// writeAdoptQuery writes the provider configuration for srv and a query
// that lists, resources included, the keys that filter (a config argument
// of the list block labelled label) selects.
func writeAdoptQuery(cli *terraformCLI, srv *netmakertest.Server, label, filter string) {
	cli.write("main.tf", cliProviderConfig(srv.URL()))
	cli.write("adopt.tfquery.hcl", fmt.Sprintf(`
list "netmaker_enrollment_key" %q {
  provider         = netmaker
  include_resource = true

  config {
    %s
  }
}
`, label, filter))
}

// TestAccEnrollmentKeyListResource_adoptAll is the bulk adoption workflow:
// a server with 50 networks (and keys that are not auto-generated);
// `terraform query -generate-config-out` finds the 50 auto-generated keys
// with one list call and writes their import blocks and configuration
// without secrets; `terraform apply` adopts all 50; the next plan is empty.
func TestAccEnrollmentKeyListResource_adoptAll(t *testing.T) {
	const networks = 50
	eachGeneration(t, func(t *testing.T, srv *netmakertest.Server) {
		cli := newTerraformCLI(t, "has terraform query")
		for i := range networks {
			if err := srv.CreateNetwork(fmt.Sprintf("site-%02d", i), fmt.Sprintf("10.%d.0.0/16", 100+i)); err != nil {
				t.Fatal(err)
			}
		}
		for _, req := range []netmaker.CreateKeyRequest{
			{Name: "site-00-ci", Networks: []string{"site-00"}, Type: netmaker.KeyTypeUses, Uses: 5},
			{Name: "bootstrap", Type: netmaker.KeyTypeUnlimited},
		} {
			testAccCreateKey(t, srv, req)
		}

		writeAdoptQuery(cli, srv, "auto", `auto_generated = true`)
		cli.init()

		// The machine-readable results carry no secret either.
		jsonOut := cli.mustRun("query", "-json")
		for _, k := range srv.Keys() {
			if strings.Contains(jsonOut, k.Value) {
				t.Fatalf("terraform query -json shows the value of key %s", k.Name)
			}
		}
		if got := strings.Count(jsonOut, `"type":"list_resource_found"`); got != networks {
			t.Errorf("terraform query -json found %d keys, want %d", got, networks)
		}

		srv.ResetStats()
		out := cli.mustRun("query", "-no-color", "-generate-config-out=generated.tf")
		if got := srv.Stats()[listKeysStat]; got != 1 {
			t.Errorf("the query listed the keys %d times, want once (all stats: %v)", got, srv.Stats())
		}
		for i := range networks {
			if name := fmt.Sprintf("site-%02d", i); !strings.Contains(out, name) {
				t.Errorf("query output does not show key %s:\n%s", name, out)
			}
		}
		if strings.Contains(out, "site-00-ci") || strings.Contains(out, "bootstrap") {
			t.Errorf("auto_generated = true listed a key Netmaker did not generate:\n%s", out)
		}

		generated := cli.read("generated.tf")
		if got := len(regexp.MustCompile(`(?m)^import \{`).FindAllString(generated, -1)); got != networks {
			t.Errorf("generated.tf has %d import blocks, want %d:\n%s", got, networks, generated)
		}
		if got := len(regexp.MustCompile(`(?m)^resource "netmaker_enrollment_key" `).FindAllString(generated, -1)); got != networks {
			t.Errorf("generated.tf has %d resource blocks, want %d", got, networks)
		}
		for _, k := range srv.Keys() {
			if strings.Contains(generated, k.Value) || strings.Contains(generated, srv.Token(k.Value)) {
				t.Fatalf("generated.tf holds a secret of key %s", k.Name)
			}
		}
		if m := regexp.MustCompile(`(?m)^\s*(value|token)\s*=`).FindString(generated); m != "" {
			t.Errorf("generated.tf sets %q", m)
		}

		out = cli.mustRun("apply", "-no-color", "-input=false", "-auto-approve")
		if want := fmt.Sprintf("Apply complete! Resources: %d imported, 0 added, 0 changed, 0 destroyed.", networks); !strings.Contains(out, want) {
			t.Errorf("apply did not say %q:\n%s", want, out)
		}
		if got := strings.Count(strings.TrimSpace(cli.mustRun("state", "list")), "\n") + 1; got != networks {
			t.Errorf("state holds %d resources, want %d", got, networks)
		}
		cli.expectEmptyPlan()
	})
}

// TestAccEnrollmentKeyListResource_adoptEveryKind adopts keys of every type
// and setting (a used uses key, a time-bound key, tags, a gateway, no
// networks) through -generate-config-out, filtered by name_prefix; the
// generated configuration plans clean after the imports.
func TestAccEnrollmentKeyListResource_adoptEveryKind(t *testing.T) {
	eachGeneration(t, func(t *testing.T, srv *netmakertest.Server) {
		cli := newTerraformCLI(t, "has terraform query")
		testAccCreateNetworks(t, srv, "net-a", "net-b")
		gateway := srv.AddGateway("net-a")
		for _, req := range []netmaker.CreateKeyRequest{
			{Name: "app-batch", Networks: []string{"net-a", "net-b"}, Type: netmaker.KeyTypeUses, Uses: 5, Tags: []string{"net-a.ci"}},
			{Name: "app-contractor", Networks: []string{"net-a"}, Type: netmaker.KeyTypeTimeBound,
				Expiration: time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second), GatewayID: gateway},
			{Name: "app-bootstrap", Type: netmaker.KeyTypeUnlimited, AutoEgress: true},
			{Name: "other-key", Networks: []string{"net-b"}, Type: netmaker.KeyTypeUnlimited},
		} {
			testAccCreateKey(t, srv, req)
		}
		batch, _ := srv.KeyByName("app-batch")
		if err := srv.Register(srv.Token(batch.Value)); err != nil { // a device joined: 4 uses left
			t.Fatal(err)
		}

		writeAdoptQuery(cli, srv, "apps", `name_prefix = "app-"`)
		cli.init()
		cli.mustRun("query", "-no-color", "-generate-config-out=generated.tf")
		generated := cli.read("generated.tf")
		for _, want := range []string{`name                  = "app-batch"`, `uses                  = 4`,
			`name                  = "app-contractor"`, `type                  = "time_bound"`, fmt.Sprintf(`gateway_id            = %q`, gateway),
			`name                  = "app-bootstrap"`, `auto_egress           = true`} {
			if !strings.Contains(generated, want) {
				t.Errorf("generated.tf lacks %s:\n%s", want, generated)
			}
		}
		if strings.Contains(generated, "other-key") {
			t.Errorf("name_prefix let through another key:\n%s", generated)
		}
		out := cli.mustRun("apply", "-no-color", "-input=false", "-auto-approve")
		if !strings.Contains(out, "Resources: 3 imported, 0 added, 0 changed, 0 destroyed.") {
			t.Errorf("apply did not import the 3 keys:\n%s", out)
		}
		cli.expectEmptyPlan()
	})
}
