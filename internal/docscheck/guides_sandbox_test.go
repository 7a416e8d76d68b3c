package docscheck

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

const sandboxMasterKey = "docscheck-master-key"

// guideSnippets answers the HCL snippets of README.md and the guide
// templates, in document order.
func guideSnippets(t *testing.T) []snippet {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(repoRoot, "templates", "guides", "*.md.tmpl"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no guide templates: %v", err)
	}
	sort.Strings(paths)
	paths = append([]string{filepath.Join(repoRoot, "README.md")}, paths...)
	var out []snippet
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range fencedBlocks(string(data)) {
			if isHCLLanguage(b.lang) && !strings.Contains(b.body, "{{") {
				out = append(out, snippet{where: fmt.Sprintf("%s:%d", relative(repoRoot, path), b.line), body: b.body})
			}
		}
	}
	return out
}

// TestGuideSnippetsAreComplete: a snippet copied alone from a guide or the
// README must work, so each one names the provider's source (without it,
// Terraform looks for hashicorp/netmaker).
func TestGuideSnippetsAreComplete(t *testing.T) {
	for _, s := range guideSnippets(t) {
		if !blockTypePattern.MatchString(s.body) || isTerraformOutput(s.body) {
			continue // a fragment without resources, or a file Terraform writes
		}
		if !strings.Contains(s.body, "required_providers") || !strings.Contains(s.body, `source = "netmaker-terraform/netmaker"`) {
			t.Errorf("%s: the snippet has no required_providers block with source = \"netmaker-terraform/netmaker\"", s.where)
		}
	}
}

var (
	networkListPattern  = regexp.MustCompile(`(?:networks\s*=\s*|toset\()\[([^\]]*)\]`)
	networkPattern      = regexp.MustCompile(`(?m)^\s*network\s*=\s*"([a-z0-9_-]+)"`)
	importIDPattern     = regexp.MustCompile(`(?m)^\s*id\s*=\s*"([a-z0-9_-]+)"`)
	quotedPattern       = regexp.MustCompile(`"([a-z0-9_-]+)"`)
	managedNetworkBlock = regexp.MustCompile(`resource\s+"netmaker_network"`)
)

// snippetNetworks lists the networks a snippet expects to exist: those its
// keys join or name, and those it imports keys of (a network's
// auto-generated key is named after it).
func snippetNetworks(body string) []string {
	seen := map[string]bool{}
	for _, m := range networkListPattern.FindAllStringSubmatch(body, -1) {
		for _, q := range quotedPattern.FindAllStringSubmatch(m[1], -1) {
			seen[q[1]] = true
		}
	}
	for _, m := range networkPattern.FindAllStringSubmatch(body, -1) {
		seen[m[1]] = true
	}
	for _, m := range importIDPattern.FindAllStringSubmatch(body, -1) {
		seen[m[1]] = true
	}
	var out []string
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// sandboxRun is one snippet's working directory, sandbox and environment.
type sandboxRun struct {
	t         *testing.T
	terraform string
	dir       string
	env       []string
	srv       *netmakertest.Server
	joined    string // file the stub netclient writes its token to
}

func (r *sandboxRun) terraformCmd(args ...string) (string, error) {
	r.t.Helper()
	cmd := exec.Command(r.terraform, append(args, "-no-color")...)
	cmd.Dir = r.dir
	cmd.Env = r.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

func (r *sandboxRun) apply(vars ...string) {
	r.t.Helper()
	args := []string{"apply", "-auto-approve", "-input=false"}
	for _, v := range vars {
		args = append(args, "-var", v)
	}
	if out, err := r.terraformCmd(args...); err != nil {
		r.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	// Converged: a second plan has nothing to do.
	planArgs := []string{"plan", "-detailed-exitcode", "-input=false"}
	for _, v := range vars {
		planArgs = append(planArgs, "-var", v)
	}
	if out, err := r.terraformCmd(planArgs...); err != nil {
		r.t.Fatalf("terraform plan after apply is not empty (%v):\n%s", err, out)
	}
}

// joinedToken answers the token the stub netclient last received.
func (r *sandboxRun) joinedToken() string {
	r.t.Helper()
	data, err := os.ReadFile(r.joined)
	if err != nil {
		r.t.Fatalf("netclient was not run: %v", err)
	}
	return strings.TrimSpace(string(data))
}

func (r *sandboxRun) serverToken(name string) string {
	r.t.Helper()
	k, ok := r.srv.KeyByName(name)
	if !ok {
		r.t.Fatalf("the sandbox has no key %q", name)
	}
	return r.srv.Token(k.Value)
}

// snippetScenario is what some snippets need beyond "apply, then an empty
// plan" (keyed by a string only that snippet contains): variables for the
// first apply that depend on the sandbox, and checks after it.
type snippetScenario struct {
	vars  func(r *sandboxRun) []string
	after func(r *sandboxRun, vars []string)
}

var snippetScenarios = map[string]snippetScenario{
	// scheduled-rotation: the ephemeral token handed out is the server's
	// current token, after the creation and after a rotation.
	`name = netmaker_enrollment_key.fleet.id`: {after: func(r *sandboxRun, _ []string) {
		first := r.joinedToken()
		if want := r.serverToken("fleet"); first != want {
			r.t.Fatalf("after the create, netclient received a token that is not the key's current one")
		}
		r.apply("rotation=2030-02-01")
		second := r.joinedToken()
		if second == first {
			r.t.Fatalf("after the rotation, netclient received the old, revoked token")
		}
		if want := r.serverToken("fleet"); second != want {
			r.t.Fatalf("after the rotation, netclient received a token that is not the key's current one")
		}
	}},
	// default-keys: the default key's token, after a rotation too.
	`network = netmaker_network_default_key.office.network`: {after: func(r *sandboxRun, _ []string) {
		first := r.joinedToken()
		if got, want := first, r.serverToken("office-devices"); got != want {
			r.t.Fatalf("netclient received a token that is not the default key's current one")
		}
		r.apply("office_rotation=2030-02")
		second := r.joinedToken()
		if got, want := second, r.serverToken("office-devices"); got != want || second == first {
			r.t.Fatalf("after the rotation, netclient received a token that is not the default key's current one")
		}
	}},
	// keys-that-never-touch-the-state: the provisioner received the token
	// of a key minted on this server, and no minted key is left after the run.
	`ephemeral "netmaker_enrollment_key" "join"`: {after: func(r *sandboxRun, _ []string) {
		token := r.joinedToken()
		raw, err := base64.StdEncoding.DecodeString(token)
		var decoded struct{ Value string }
		if err != nil || json.Unmarshal(raw, &decoded) != nil || decoded.Value == "" || r.srv.Token(decoded.Value) != token {
			r.t.Fatalf("netclient received no enrollment token of this server")
		}
		for _, k := range r.srv.Keys() {
			if strings.HasPrefix(k.Name, "provision-") {
				r.t.Fatalf("minted key %s is still on the server after the run", k.Name)
			}
		}
	}},
	// multi-network-keys: a real gateway node of the branch network.
	`variable "branch_gateway_id"`: {vars: func(r *sandboxRun) []string {
		return []string{"branch_gateway_id=" + r.srv.AddGateway("office")}
	}},
}

// TestGuideSnippetsOnSandbox applies every complete snippet of the README and
// the guides on a fresh sandbox (the in-repo Netmaker test server) of each
// generation (current only for choosing a default key), with the provider
// built from this tree: apply, then a plan that must be empty, and
// for the ephemeral-token snippets a rotation, checking that the consumer
// (a stub netclient on PATH) received the server's current token.
//
// The networks a snippet joins exist beforehand, as they would for a user.
// Snippets using another provider (hashicorp/time) cannot be installed
// offline and are skipped, with a log line.
func TestGuideSnippetsOnSandbox(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to apply the guide snippets on the sandbox (make test does)")
	}
	terraform := terraformBinary(t)
	tfVersion := terraformVersion(t, terraform)
	rc := devOverridesConfig(t)

	stubDir := t.TempDir()
	// netclient join -t TOKEN: records the token (for the checks above).
	stub := "#!/bin/sh\nwhile [ $# -gt 0 ]; do if [ \"$1\" = -t ]; then printf '%s\\n' \"$2\" > \"$NETCLIENT_STUB_OUT\"; fi; shift; done\n"
	if err := os.WriteFile(filepath.Join(stubDir, "netclient"), []byte(stub), 0o755); err != nil {
		t.Fatal(err)
	}

	for _, s := range guideSnippets(t) {
		t.Run(s.where, func(t *testing.T) {
			t.Parallel()
			if queryBlock.MatchString(s.body) {
				t.Skip("a query file (.tfquery.hcl) for terraform query, not a configuration to apply; the list resource's acceptance tests run it")
			}
			if isTerraformOutput(s.body) {
				t.Skip("shows a file Terraform writes (terraform query -generate-config-out), which the adopt-all acceptance test applies")
			}
			if foreign := foreignProviders(s.body); len(foreign) > 0 {
				t.Skipf("uses %v, which cannot be installed offline", foreign)
			}
			if minimum := minimumTerraform(s.body); minimum != "" && !versionAtLeast(tfVersion, minimum) {
				t.Skipf("needs terraform >= %s, this is %s", minimum, tfVersion)
			}
			// A default key of one's own needs current or v1.7 (v1.5 refuses
			// it at plan time); every other snippet runs on all three.
			gens := netmakertest.Generations()
			if choosesDefaultKey(s.body) {
				gens = slices.DeleteFunc(gens, func(g netmakertest.Generation) bool { return g == netmakertest.GenerationV15 })
			}
			for _, gen := range gens {
				t.Run(string(gen), func(t *testing.T) {
					runSnippetOnSandbox(t, terraform, rc, stubDir, gen, s)
				})
			}
		})
	}
}

// terraformOutputMarker starts a snippet that shows a file Terraform writes
// (generated configuration), not a configuration to copy alone.
const terraformOutputMarker = "# generated.tf as terraform query writes it"

func isTerraformOutput(body string) bool {
	return strings.HasPrefix(strings.TrimSpace(body), terraformOutputMarker)
}

var queryBlock = regexp.MustCompile(`(?m)^list\s+"`)

var defaultTrueLine = regexp.MustCompile(`(?m)^\s*default\s*=\s*true\b`)

// choosesDefaultKey: the snippet makes a key of its own a network's default.
func choosesDefaultKey(body string) bool {
	return strings.Contains(body, `resource "netmaker_network_default_key"`) || defaultTrueLine.MatchString(body)
}

// runSnippetOnSandbox applies s on a fresh sandbox of generation gen.
func runSnippetOnSandbox(t *testing.T, terraform, rc, stubDir string, gen netmakertest.Generation, s snippet) {
	t.Helper()
	srv := netmakertest.NewServer(netmakertest.Options{Generation: gen, MasterKey: sandboxMasterKey})
	t.Cleanup(srv.Close)
	if !managedNetworkBlock.MatchString(s.body) {
		for i, n := range snippetNetworks(s.body) {
			if err := srv.CreateNetwork(n, fmt.Sprintf("10.%d.0.0/16", 100+i)); err != nil {
				t.Fatalf("creating network %s: %v", n, err)
			}
		}
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(s.body), 0o600); err != nil {
		t.Fatal(err)
	}
	r := &sandboxRun{t: t, terraform: terraform, dir: dir, srv: srv, joined: filepath.Join(dir, "joined-token")}
	r.env = append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"NETMAKER_HOST="+srv.URL(), "NETMAKER_API_TOKEN="+sandboxMasterKey,
		"NETCLIENT_STUB_OUT="+r.joined,
		"PATH="+stubDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	var scenario snippetScenario
	for marker, sc := range snippetScenarios {
		if strings.Contains(s.body, marker) {
			scenario = sc
		}
	}
	var vars []string
	if scenario.vars != nil {
		vars = scenario.vars(r)
	}
	r.apply(vars...)
	if scenario.after != nil {
		scenario.after(r, vars)
	}
}

// devOverridesConfig builds the provider from this tree and answers a CLI
// configuration that points Terraform at it (no init, no registry).
func devOverridesConfig(t *testing.T) string {
	t.Helper()
	pluginDir := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(pluginDir, "terraform-provider-netmaker"), ".")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	rc := filepath.Join(t.TempDir(), "terraformrc")
	rcText := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", providerSource, pluginDir)
	if err := os.WriteFile(rc, []byte(rcText), 0o600); err != nil {
		t.Fatal(err)
	}
	return rc
}

// TestInstallFromFilesystemMirror follows the README's "Install from source"
// with a filesystem mirror: terraform init installs the provider built from
// this tree offline, and the configuration validates with it.
func TestInstallFromFilesystemMirror(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run terraform init against a filesystem mirror (make test does)")
	}
	terraform := terraformBinary(t)
	const version = "0.1.0"
	mirror := t.TempDir()
	goos, goarch := goEnv(t, "GOOS"), goEnv(t, "GOARCH")
	dir := filepath.Join(mirror, "registry.terraform.io", "netmaker-terraform", "netmaker", version, goos+"_"+goarch)
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-netmaker_v"+version), ".")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	rc := filepath.Join(t.TempDir(), "terraformrc")
	rcText := fmt.Sprintf("provider_installation {\n  filesystem_mirror {\n    path    = %q\n    include = [\"registry.terraform.io/netmaker-terraform/netmaker\"]\n  }\n  direct {\n    exclude = [\"registry.terraform.io/netmaker-terraform/netmaker\"]\n  }\n}\n", mirror)
	if err := os.WriteFile(rc, []byte(rcText), 0o600); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	config := "terraform {\n  required_providers {\n    netmaker = {\n      source  = \"netmaker-terraform/netmaker\"\n      version = \"" + version + "\"\n    }\n  }\n}\n\nresource \"netmaker_enrollment_key\" \"k\" {\n  name = \"mirror-test\"\n  type = \"unlimited\"\n}\n"
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	for _, args := range [][]string{{"init", "-input=false", "-no-color"}, {"validate", "-no-color"}} {
		cmd := exec.Command(terraform, args...)
		cmd.Dir, cmd.Env = work, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("terraform %s: %v\n%s", args[0], err, out)
		}
	}
}

func goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}

var markdownLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// TestRelativeLinksResolve: every relative link of the README, the templates
// and docs/ names an existing file with its .md extension, so that it works
// on code hosts as well as on the registry. Template links resolve against
// the rendered docs/ page they become.
func TestRelativeLinksResolve(t *testing.T) {
	var pages []string
	for _, dir := range []string{"docs", "templates"} {
		err := filepath.WalkDir(filepath.Join(repoRoot, dir), func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(path, ".md") || strings.HasSuffix(path, ".md.tmpl")) {
				pages = append(pages, path)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	pages = append(pages, filepath.Join(repoRoot, "README.md"))
	for _, page := range pages {
		data, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Dir(page)
		if rel, err := filepath.Rel(filepath.Join(repoRoot, "templates"), page); err == nil && !strings.HasPrefix(rel, "..") {
			base = filepath.Dir(filepath.Join(repoRoot, "docs", rel))
		}
		for _, m := range markdownLink.FindAllStringSubmatch(string(data), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "#") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			file, _, _ := strings.Cut(target, "#")
			if !strings.HasSuffix(file, ".md") && filepath.Ext(file) == "" {
				t.Errorf("%s: link %q lacks the .md extension (it breaks on code hosts)", relative(repoRoot, page), target)
				continue
			}
			if _, err := os.Stat(filepath.Join(base, file)); err != nil {
				t.Errorf("%s: link %q does not resolve: %v", relative(repoRoot, page), target, err)
			}
		}
	}
}
