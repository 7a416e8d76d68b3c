package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runAsProviderEnv makes the test binary serve as the provider, so that
// the trace test runs the real main() under terraform without a build.
const runAsProviderEnv = "NETMAKER_TF_TEST_RUN_AS_PROVIDER"

func TestMain(m *testing.M) {
	if os.Getenv(runAsProviderEnv) == "1" {
		os.Args = os.Args[:1]
		main()
		return
	}
	os.Exit(m.Run())
}

// TestProviderBinary_TraceLogsComplete runs main() as Terraform launches it
// (dev_overrides, not debug mode) with TF_LOG=TRACE: the SDK's own trace
// lines (protocol and framework, down to validators) must all be there,
// i.e. the provider turns no SDK log off when the user asked for logs.
func TestProviderBinary_TraceLogsComplete(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("runs terraform: set TF_ACC=1")
	}
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		var err error
		if tf, err = exec.LookPath("terraform"); err != nil {
			t.Skip("no terraform on PATH")
		}
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pluginDir := filepath.Join(dir, "plugins")
	if err := os.Mkdir(pluginDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(self, filepath.Join(pluginDir, "terraform-provider-netmaker")); err != nil {
		t.Fatal(err)
	}
	cliConfig := filepath.Join(dir, "terraformrc")
	writeFile(t, cliConfig, `provider_installation {
  dev_overrides {
    "netmaker-terraform/netmaker" = "`+pluginDir+`"
  }
  direct {}
}
`)
	writeFile(t, filepath.Join(dir, "main.tf"), `terraform {
  required_providers {
    netmaker = { source = "netmaker-terraform/netmaker" }
  }
}

resource "netmaker_enrollment_key" "k" {
  name     = "trace-test"
  type     = "uses"
  uses     = 1
  networks = ["net"]
}
`)
	logPath := filepath.Join(dir, "terraform.log")
	cmd := exec.Command(tf, "validate", "-no-color")
	cmd.Dir = dir
	cmd.Env = append(withoutLogVars(os.Environ()), "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1",
		runAsProviderEnv+"=1", "TF_LOG=TRACE", "TF_LOG_PATH="+logPath)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("terraform validate: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	var providerLines []string
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.Contains(line, "provider.terraform-provider-netmaker") {
			providerLines = append(providerLines, line)
		}
	}
	for _, want := range []struct{ module, message string }{
		{"sdk.proto", "Received request"},
		{"sdk.proto", "Served request"},
		{"sdk.framework", "Calling provider defined Provider Schema"},
		{"sdk.framework", "Calling provider defined validator.String"},
		{"sdk.framework", "Calling provider defined ResourceConfigValidator"},
	} {
		found := false
		for _, line := range providerLines {
			if strings.Contains(line, "@module="+want.module) && strings.Contains(line, want.message) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("no %s trace line %q from the provider in the TF_LOG=TRACE log (%d provider lines)", want.module, want.message, len(providerLines))
		}
	}
}

func withoutLogVars(environ []string) []string {
	var out []string
	for _, kv := range environ {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "TF_LOG") || name == "TF_ACC_LOG_PATH" {
			continue
		}
		out = append(out, kv)
	}
	return out
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestProviderBinary_Version: a binary built with the version set as
// releases set it (-X main.version) reports that version with -version, and
// exits without serving (make release-snapshot checks every released binary
// this way). No -trimpath, so the build reuses the test build's cache.
func TestProviderBinary_Version(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the provider")
	}
	bin := filepath.Join(t.TempDir(), "terraform-provider-netmaker")
	build := exec.Command("go", "build", "-ldflags", "-X main.version=1.2.3-test", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "-version").CombinedOutput()
	if err != nil || string(out) != "terraform-provider-netmaker 1.2.3-test\n" {
		t.Fatalf("-version = %q, %v; want \"terraform-provider-netmaker 1.2.3-test\\n\"", out, err)
	}
}
