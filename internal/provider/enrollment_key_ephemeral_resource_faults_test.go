package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/clock"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

// The ephemeral netmaker_enrollment_key when answers are lost (a minted key
// is never left live and unknown), and its logs (no secret in a TRACE log).

// lostMintConfig is a provider that retries once, and a minted uses key.
func lostMintConfig(srv *netmakertest.Server) string {
	return mintConsumerConfig(providerBlock(srv.URL(), "max_retries = 1"), `  name_prefix = "tf-lost-"
  type        = "uses"
  uses        = 1
  ttl         = "10m"`, "tf-lost-")
}

// TestAccEnrollmentKeyEphemeralResource_lostCreate: a create is applied and
// its answer lost, and so are the lists of the client's own recovery. When
// the key can be looked up afterwards, it is revoked and the open fails
// saying so; when it cannot, the open fails naming the key and how it goes,
// and the next open after its ttl deletes it.
func TestAccEnrollmentKeyEphemeralResource_lostCreate(t *testing.T) {
	t.Parallel()
	for _, gen := range generations {
		t.Run(string(gen)+"/revoked", func(t *testing.T) {
			t.Parallel()
			watch, srv := newMintTestServer(t, gen)
			// The lists of the client's own recovery (retries included) are
			// lost, and the first lookups after it: the ephemeral resource
			// looks again a few times over some seconds.
			watch.arm(8)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				TerraformVersionChecks:   skipWithoutEphemeral,
				Steps: []resource.TestStep{{
					Config:      lostMintConfig(srv),
					ExpectError: wrappedText("lost its answer; the key was found afterwards and revoked, so nothing is left behind"),
				}},
			})
			checkLostKeyRevoked(t, srv, watch)
		})
		t.Run(string(gen)+"/left", func(t *testing.T) {
			t.Parallel()
			watch, srv := newMintTestServer(t, gen)
			clk := clock.NewManual(time.Now())
			watch.arm(-1) // every list, until disarmed
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccFactoriesWithClock(clk),
				TerraformVersionChecks:   skipWithoutEphemeral,
				Steps: []resource.TestStep{
					{
						Config: lostMintConfig(srv),
						ExpectError: regexp.MustCompile(`Minted key may be left on the server[\s\S]*Creating enrollment key\s+"tf-lost-[0-9a-z]{13}"` +
							`[\s\S]*Netmaker\s+never\s+expires\s+a\s+key\s+of\s+type\s+"uses":\s+delete\s+it\s+in\s+Netmaker`),
					},
					{
						PreConfig: func() {
							watch.disarm()
							if left := keysWithPrefix(srv, "tf-lost-"); len(left) != 1 {
								t.Fatalf("%d keys left after the lost create, want the 1 the error named", len(left))
							}
							clk.Advance(11 * time.Minute) // past its ttl
						},
						Config: lostMintConfig(srv),
						Check: func(*terraform.State) error {
							for _, k := range watch.keys()[:1] {
								if _, ok := srv.KeyByName(k.name); ok {
									return fmt.Errorf("the key left by the lost create, %s, is still there after its ttl", k.name)
								}
							}
							return nil
						},
					},
				},
			})
		})
	}
}

// checkLostKeyRevoked: the create whose answer was lost was applied, and
// its key is gone: no minted key is left.
func checkLostKeyRevoked(t *testing.T, srv *netmakertest.Server, watch *mintWatch) {
	t.Helper()
	minted := watch.keys()
	if lost := watch.lost(); lost != 1 || len(minted) == 0 {
		t.Fatalf("%d create answers lost, %d keys created; the test lost nothing", lost, len(minted))
	}
	if !watch.wasDeleted(minted[0].value) {
		t.Errorf("the key whose create answer was lost, %s, was not revoked", minted[0].name)
	}
	if left := keysWithPrefix(srv, "tf-lost-"); len(left) > 0 {
		t.Errorf("%d minted keys left on the server, e.g. %s", len(left), left[0].Name)
	}
}

// TestAccEnrollmentKeyEphemeralResource_traceLogsHoldNoSecret runs
// `terraform apply` with TF_LOG=TRACE, a provisioner receiving the token:
// the consumer gets it, and neither Terraform's log (the provider's lines
// included), nor its output, nor the state holds any minted key's value or
// token. Sequential: it sets the log variables for the whole process.
func TestAccEnrollmentKeyEphemeralResource_traceLogsHoldNoSecret(t *testing.T) {
	logPath := filepath.Join(t.TempDir(), "terraform.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_LOG_PATH", logPath) // Terraform's log; the provider, served in-process, writes its own there too
	cli := newTerraformCLIAtLeast(t, tfversion.Version1_10_0, "ephemeral resources need it")
	watch, srv := newMintTestServer(t, netmakertest.GenerationCurrent)
	testAccCreateNetworks(t, srv, "net-a")
	cli.write("main.tf", cliProviderConfig(srv.URL())+`
ephemeral "netmaker_enrollment_key" "join" {
  name_prefix = "tf-trace-"
  networks    = ["net-a"]
  type        = "uses"
  uses        = 1
  ttl         = "10m"
}

resource "terraform_data" "enroll" {
  provisioner "local-exec" {
    command = "printf '%s' \"$NETMAKER_TOKEN\" > received-token"
    environment = {
      NETMAKER_TOKEN = ephemeral.netmaker_enrollment_key.join.token
    }
  }
}
`)
	cli.init()
	out := cli.mustRun("apply", "-auto-approve", "-no-color", "-input=false")

	received := cli.read("received-token")
	consumed := false
	for _, k := range watch.keys() {
		consumed = consumed || (received == k.token && received == srv.Token(k.value))
	}
	if !consumed {
		t.Fatalf("the provisioner received %d bytes that are no minted key's token", len(received))
	}
	if left := keysWithPrefix(srv, "tf-trace-"); len(left) > 0 {
		t.Errorf("%d minted keys left after the run", len(left))
	}
	raw, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	log := string(raw)
	for _, want := range []string{"OpenEphemeralResource", "CloseEphemeralResource", "Netmaker API attempt"} {
		if !strings.Contains(log, want) {
			t.Fatalf("the TRACE log has no %q line: the provider's logs did not reach it", want)
		}
	}
	secrets := watch.secrets()
	if len(secrets) < 4 {
		t.Fatalf("%d secrets recorded; plan and apply each mint a key", len(secrets))
	}
	for what, text := range map[string]string{"the TRACE log": log, "the output": out, "the state": cli.read("terraform.tfstate")} {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s holds a minted key's value or token", what)
				break
			}
		}
	}
}
