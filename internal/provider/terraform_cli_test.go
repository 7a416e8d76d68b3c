package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// terraformCLI runs the terraform binary of the acceptance tests
// (TF_ACC_TERRAFORM_PATH, else terraform on PATH) in a working directory
// against this provider served in-process, for workflows plugin-testing
// cannot drive: `terraform query -generate-config-out` and
// `terraform apply -invoke`.
type terraformCLI struct {
	t        *testing.T
	bin      string
	dir      string
	reattach string // TF_REATTACH_PROVIDERS
}

// cliProviderAddress is the provider's address for the CLI under test: its
// default registry host (TF_ACC_PROVIDER_HOST, as plugin-testing reads it:
// registry.opentofu.org for OpenTofu) and the provider's source.
func cliProviderAddress() string {
	host := os.Getenv("TF_ACC_PROVIDER_HOST")
	if host == "" {
		host = "registry.terraform.io"
	}
	return host + "/netmaker-terraform/netmaker"
}

// requiredProvidersBlock makes `netmaker` mean this provider in a test's
// configuration.
const requiredProvidersBlock = `
terraform {
  required_providers {
    netmaker = {
      source = "netmaker-terraform/netmaker"
    }
  }
}
`

// newTerraformCLI skips the test unless TF_ACC is set and the terraform
// binary is 1.14 or later (why says what the test needs from it), then
// serves the provider for the test's lifetime.
func newTerraformCLI(t *testing.T, why string) *terraformCLI {
	t.Helper()
	return newTerraformCLIAtLeast(t, tfversion.Version1_14_0, why)
}

// newTerraformCLIAtLeast is newTerraformCLI for a test that needs Terraform
// minimum (why says what for).
func newTerraformCLIAtLeast(t *testing.T, minimum *version.Version, why string) *terraformCLI {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("terraform"); err != nil {
			t.Fatal("no terraform: set TF_ACC_TERRAFORM_PATH or put terraform on PATH")
		}
	}
	out, err := exec.Command(bin, "version", "-json").Output()
	if err != nil {
		t.Fatalf("%s version -json: %v", bin, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("parsing %s version -json: %v", bin, err)
	}
	got, err := version.NewVersion(v.Version)
	if err != nil {
		t.Fatalf("%s reports version %q: %v", bin, v.Version, err)
	}
	if got.Core().LessThan(minimum) {
		t.Skipf("Terraform %s is older than %s, which %s (make testacc-latest runs this test)", got, minimum, why)
	}

	ctx, cancel := context.WithCancel(context.Background())
	configCh := make(chan *plugin.ReattachConfig, 1)
	closeCh := make(chan struct{})
	serveErr := make(chan error, 1)
	go func() {
		serveErr <- tf6server.Serve(cliProviderAddress(), providerserver.NewProtocol6(New("test")()),
			tf6server.WithDebug(ctx, configCh, closeCh),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
			tf6server.WithoutLogStderrOverride(),
			tf6server.WithLoggingSink(t))
	}()
	var config *plugin.ReattachConfig
	select {
	case config = <-configCh:
	case err := <-serveErr:
		cancel()
		t.Fatalf("serving the provider: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("the provider did not start serving within 30s")
	}
	t.Cleanup(func() {
		cancel()
		<-closeCh
	})
	reattach, err := json.Marshal(map[string]any{
		cliProviderAddress(): map[string]any{
			"Protocol":        string(config.Protocol),
			"ProtocolVersion": config.ProtocolVersion,
			"Pid":             config.Pid,
			"Test":            config.Test,
			"Addr":            map[string]string{"Network": config.Addr.Network(), "String": config.Addr.String()},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &terraformCLI{t: t, bin: bin, dir: t.TempDir(), reattach: string(reattach)}
}

// write puts a file into the working directory.
func (c *terraformCLI) write(name, content string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.dir, name), []byte(content), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// read answers a file of the working directory.
func (c *terraformCLI) read(name string) string {
	c.t.Helper()
	data, err := os.ReadFile(filepath.Join(c.dir, name))
	if err != nil {
		c.t.Fatal(err)
	}
	return string(data)
}

// run runs terraform with args and answers its exit code and combined
// output. It fails the test when terraform cannot be started.
func (c *terraformCLI) run(args ...string) (int, string) {
	c.t.Helper()
	cmd := exec.Command(c.bin, args...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "TF_REATTACH_PROVIDERS="+c.reattach, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if exitErr, ok := err.(*exec.ExitError); ok {
		return exitErr.ExitCode(), out.String()
	}
	if err != nil {
		c.t.Fatalf("running terraform %s: %v", strings.Join(args, " "), err)
	}
	return 0, out.String()
}

// mustRun runs terraform with args and fails the test unless it succeeds.
func (c *terraformCLI) mustRun(args ...string) string {
	c.t.Helper()
	code, out := c.run(args...)
	if code != 0 {
		c.t.Fatalf("terraform %s exited with %d:\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

// init runs terraform init (the provider is reattached, nothing is installed).
func (c *terraformCLI) init() {
	c.t.Helper()
	c.mustRun("init", "-no-color", "-input=false")
}

// expectEmptyPlan fails the test unless a plan finds nothing to change.
func (c *terraformCLI) expectEmptyPlan() {
	c.t.Helper()
	code, out := c.run("plan", "-no-color", "-input=false", "-detailed-exitcode")
	switch code {
	case 0:
	case 2:
		c.t.Fatalf("plan is not empty:\n%s", out)
	default:
		c.t.Fatalf("terraform plan exited with %d:\n%s", code, out)
	}
}

// cliProviderConfig is the provider configuration pointing at a test server URL.
func cliProviderConfig(url string) string { return requiredProvidersBlock + providerBlock(url) }

// stateString answers the string attribute attr the state holds for the resource at addr.
func stateString(t *testing.T, cli *terraformCLI, addr, attr string) string {
	t.Helper()
	var state struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(cli.mustRun("show", "-json")), &state); err != nil {
		t.Fatalf("parsing terraform show -json: %v", err)
	}
	for _, r := range state.Values.RootModule.Resources {
		if r.Address == addr {
			v, _ := r.Values[attr].(string)
			return v
		}
	}
	t.Fatalf("state has no %s", addr)
	return ""
}
