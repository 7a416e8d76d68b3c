package docscheck

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/provider"
)

// repoRoot is the repository root, seen from this package's directory (where
// `go test` runs the test binary).
const repoRoot = "../.."

// providerSource is the provider's registry address, as users' configurations
// name it in required_providers.
const providerSource = "registry.terraform.io/netmaker-terraform/netmaker"

// snippet is one piece of HCL found in the documentation.
type snippet struct {
	where string // file:line, for messages
	body  string
	query bool // a .tfquery.hcl file (list blocks), validated with `terraform validate -query`
}

// fencedBlock is one fenced code block of a Markdown text.
type fencedBlock struct {
	line int // 1-based line of the opening fence
	lang string
	body string
}

// fencedBlocks answers the fenced code blocks (``` or ~~~) of a Markdown text.
// An unterminated block runs to the end of the text.
func fencedBlocks(text string) []fencedBlock {
	var blocks []fencedBlock
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		trimmed := strings.TrimLeft(lines[i], " ")
		fence := ""
		switch {
		case strings.HasPrefix(trimmed, "```"):
			fence = "```"
		case strings.HasPrefix(trimmed, "~~~"):
			fence = "~~~"
		default:
			continue
		}
		lang := strings.TrimSpace(strings.TrimLeft(trimmed, fence[:1]))
		if f := strings.Fields(lang); len(f) > 0 {
			lang = strings.ToLower(f[0])
		}
		start := i
		var body []string
		for i++; i < len(lines); i++ {
			if strings.HasPrefix(strings.TrimLeft(lines[i], " "), fence) {
				break
			}
			body = append(body, lines[i])
		}
		text := strings.Join(body, "\n")
		if len(body) > 0 {
			text += "\n"
		}
		blocks = append(blocks, fencedBlock{line: start + 1, lang: lang, body: text})
	}
	return blocks
}

// isHCLLanguage tells whether a fence's info string marks Terraform configuration.
func isHCLLanguage(lang string) bool {
	switch lang {
	case "terraform", "hcl", "tf":
		return true
	}
	return false
}

var (
	blockTypePattern       = regexp.MustCompile(`(?m)^\s*(resource|data|ephemeral)\s+"([A-Za-z0-9_-]+)"`)
	requiredProviderSource = regexp.MustCompile(`source\s*=\s*"([^"]+)"`)
)

// foreignProviders lists the providers other than netmaker and Terraform's
// built-in one that a snippet uses, by resource type prefix and by
// required_providers source. Such a snippet cannot be validated offline: there
// is no registry to install those providers from.
func foreignProviders(body string) []string {
	seen := map[string]bool{}
	for _, m := range blockTypePattern.FindAllStringSubmatch(body, -1) {
		name, _, _ := strings.Cut(m[2], "_")
		if name != "netmaker" && name != "terraform" {
			seen[name] = true
		}
	}
	for _, m := range requiredProviderSource.FindAllStringSubmatch(body, -1) {
		source := strings.ToLower(m[1])
		if source != "netmaker-terraform/netmaker" && source != providerSource {
			seen[source] = true
		}
	}
	out := make([]string, 0, len(seen))
	for name := range seen {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

var (
	removedBlockPattern       = regexp.MustCompile(`(?m)^\s*removed\s*\{`)
	importBlockPattern        = regexp.MustCompile(`(?m)^\s*import\s*\{[^}]*\bfor_each\b`)
	importIdentityPattern     = regexp.MustCompile(`(?m)^\s*import\s*\{[^}]*\bidentity\s*=`)
	listOrActionBlockPattern  = regexp.MustCompile(`(?m)^\s*(list|action)\s+"[A-Za-z0-9_-]+"\s+"[A-Za-z0-9_-]+"`)
	actionTriggerBlockPattern = regexp.MustCompile(`(?m)^\s*action_trigger\s*\{`)
	listBlockPattern          = regexp.MustCompile(`(?m)^\s*list\s+"[A-Za-z0-9_-]+"\s+"[A-Za-z0-9_-]+"`)
)

// minimumTerraform answers the oldest Terraform version ("1.7") that knows
// every construct a snippet uses, or "" when any will do: list blocks
// (terraform query), action blocks and action triggers need 1.14, import
// blocks by identity 1.12, ephemeral resources 1.10, removed blocks and
// import blocks with for_each 1.7. Older versions can only fmt-check such
// snippets.
func minimumTerraform(body string) string {
	if listOrActionBlockPattern.MatchString(body) || actionTriggerBlockPattern.MatchString(body) {
		return "1.14"
	}
	if importIdentityPattern.MatchString(body) {
		return "1.12"
	}
	for _, m := range blockTypePattern.FindAllStringSubmatch(body, -1) {
		if m[1] == "ephemeral" {
			return "1.10"
		}
	}
	if removedBlockPattern.MatchString(body) || importBlockPattern.MatchString(body) {
		return "1.7"
	}
	return ""
}

// collectSnippets answers every HCL snippet of the repository's documentation:
// each .tf file under examples/, and each terraform/hcl fenced block of README.md
// and of the Markdown under templates/ and docs/. Template blocks that contain
// template actions ({{ }}) are left to their rendered copies in docs/.
func collectSnippets(root string) ([]snippet, error) {
	var out []snippet
	err := filepath.WalkDir(filepath.Join(root, "examples"), func(path string, d fs.DirEntry, err error) error {
		query := strings.HasSuffix(path, ".tfquery.hcl")
		if err != nil || d.IsDir() || (filepath.Ext(path) != ".tf" && !query) {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		out = append(out, snippet{where: relative(root, path), body: string(data), query: query})
		return nil
	})
	if err != nil {
		return nil, err
	}
	markdown := []string{filepath.Join(root, "README.md")}
	for _, dir := range []string{"templates", "docs"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if os.IsNotExist(err) {
					return nil
				}
				return err
			}
			if !d.IsDir() && (strings.HasSuffix(path, ".md") || strings.HasSuffix(path, ".md.tmpl")) {
				markdown = append(markdown, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for _, path := range markdown {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		for _, b := range fencedBlocks(string(data)) {
			if !isHCLLanguage(b.lang) || strings.Contains(b.body, "{{") {
				continue
			}
			out = append(out, snippet{where: fmt.Sprintf("%s:%d", relative(root, path), b.line), body: b.body,
				query: listBlockPattern.MatchString(b.body)})
		}
	}
	return out, nil
}

func relative(root, path string) string {
	if rel, err := filepath.Rel(root, path); err == nil {
		return rel
	}
	return path
}

// unique drops snippets whose text an earlier one already has (docs/ holds
// rendered copies of the examples), keeping the first place each was seen.
func unique(snippets []snippet) []snippet {
	seen := map[[32]byte]bool{}
	var out []snippet
	for _, s := range snippets {
		sum := sha256.Sum256([]byte(s.body))
		if seen[sum] {
			continue
		}
		seen[sum] = true
		out = append(out, s)
	}
	return out
}

// textCase is a row of a table test of a function of one text.
type textCase[T any] struct {
	name string
	in   string
	want T
}

// checkTextCases runs fn on each case's text in a subtest named after it and
// compares the result with the case's want, as printed (nil and empty
// slices alike).
func checkTextCases[T any](t *testing.T, fnName string, fn func(string) T, tests []textCase[T]) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fn(tt.in); fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("%s() = %#v, want %#v", fnName, got, tt.want)
			}
		})
	}
}

func TestFencedBlocks(t *testing.T) {
	checkTextCases(t, "fencedBlocks", fencedBlocks, []textCase[[]fencedBlock]{
		{
			name: "no blocks",
			in:   "# Title\n\nJust prose.\n",
			want: nil,
		},
		{
			name: "terraform block",
			in:   "intro\n```terraform\nresource \"a\" \"b\" {}\n```\nafter\n",
			want: []fencedBlock{{line: 2, lang: "terraform", body: "resource \"a\" \"b\" {}\n"}},
		},
		{
			name: "language with attributes and capitals",
			in:   "```HCL title=\"x\"\nx = 1\n```\n",
			want: []fencedBlock{{line: 1, lang: "hcl", body: "x = 1\n"}},
		},
		{
			name: "two blocks, one shell",
			in:   "```shell\nterraform import a.b c\n```\n\n```hcl\ny = 2\n```\n",
			want: []fencedBlock{
				{line: 1, lang: "shell", body: "terraform import a.b c\n"},
				{line: 5, lang: "hcl", body: "y = 2\n"},
			},
		},
		{
			name: "tilde fence holds backticks",
			in:   "~~~tf\n# ```not a fence```\n~~~\n",
			want: []fencedBlock{{line: 1, lang: "tf", body: "# ```not a fence```\n"}},
		},
		{
			name: "indented fence and empty block",
			in:   "  ```terraform\n  ```\n",
			want: []fencedBlock{{line: 1, lang: "terraform", body: ""}},
		},
		{
			name: "unterminated block runs to the end",
			in:   "```hcl\na = 1\n",
			want: []fencedBlock{{line: 1, lang: "hcl", body: "a = 1\n\n"}},
		},
	})
}

func TestForeignProviders(t *testing.T) {
	checkTextCases(t, "foreignProviders", foreignProviders, []textCase[[]string]{
		{
			name: "netmaker only",
			in:   "resource \"netmaker_enrollment_key\" \"a\" {}\ndata \"netmaker_enrollment_keys\" \"all\" {}\n",
			want: []string{},
		},
		{
			name: "built-in terraform_data",
			in:   "resource \"terraform_data\" \"t\" {}\n",
			want: []string{},
		},
		{
			name: "time provider by resource type",
			in:   "resource \"time_rotating\" \"monthly\" {\n  rotation_days = 30\n}\n",
			want: []string{"time"},
		},
		{
			name: "netmaker source in required_providers",
			in:   "terraform {\n  required_providers {\n    netmaker = {\n      source = \"netmaker-terraform/netmaker\"\n    }\n  }\n}\n",
			want: []string{},
		},
		{
			name: "other source in required_providers",
			in:   "terraform {\n  required_providers {\n    time = {\n      source = \"hashicorp/time\"\n    }\n  }\n}\n",
			want: []string{"hashicorp/time"},
		},
		{
			name: "ephemeral of another provider",
			in:   "ephemeral \"random_password\" \"p\" {\n  length = 16\n}\n",
			want: []string{"random"},
		},
	})
}

func TestMinimumTerraform(t *testing.T) {
	checkTextCases(t, "minimumTerraform", minimumTerraform, []textCase[string]{
		{"plain resource", "resource \"netmaker_enrollment_key\" \"k\" {}\n# ephemeral values are not stored\n", ""},
		{"ephemeral resource", "ephemeral \"netmaker_enrollment_key_token\" \"t\" {\n  name = \"x\"\n}\n", "1.10"},
		{"removed block", "removed {\n  from = netmaker_enrollment_key.k\n}\n", "1.7"},
		{"import block", "import {\n  to = netmaker_enrollment_key.k\n  id = \"k\"\n}\n", ""},
		{"import with for_each", "import {\n  for_each = local.n\n  to       = netmaker_enrollment_key.k[each.key]\n  id       = each.key\n}\n", "1.7"},
		{"import by identity", "import {\n  to       = netmaker_enrollment_key.k\n  identity = { name = \"k\" }\n}\n", "1.12"},
		{"list block", "list \"netmaker_enrollment_key\" \"all\" {\n  provider = netmaker\n}\n", "1.14"},
		{"action block", "action \"netmaker_enrollment_key_rotate\" \"r\" {\n  config {\n    name = \"k\"\n  }\n}\n", "1.14"},
		{"action trigger", "resource \"terraform_data\" \"t\" {\n  lifecycle {\n    action_trigger {\n      events = [after_update]\n    }\n  }\n}\n", "1.14"},
		{"the word list in prose", "# list the keys\nresource \"netmaker_enrollment_key\" \"k\" {}\n", ""},
	})
}

func TestUnique(t *testing.T) {
	in := []snippet{{where: "a", body: "x = 1\n"}, {where: "b", body: "y = 2\n"}, {where: "c", body: "x = 1\n"}}
	got := unique(in)
	if len(got) != 2 || got[0].where != "a" || got[1].where != "b" {
		t.Errorf("unique() = %v, want the snippets from a and b", got)
	}
}

// TestEveryTypeHasExamples checks the tfplugindocs layout: every resource has
// examples/resources/<type>/resource.tf and import.sh (and import-by-identity.tf
// with an identity), every list resource
// examples/list-resources/<type>/list-resource.tfquery.hcl, every action
// examples/actions/<type>/action.tf, every data source
// examples/data-sources/<type>/data-source.tf, every ephemeral resource
// examples/ephemeral-resources/<type>/ephemeral-resource.tf, and the provider
// examples/provider/provider.tf.
func TestEveryTypeHasExamples(t *testing.T) {
	ctx := context.Background()
	p := provider.New("test")()
	var meta fwprovider.MetadataResponse
	p.Metadata(ctx, fwprovider.MetadataRequest{}, &meta)

	want := []string{"examples/provider/provider.tf"}
	for _, f := range p.Resources(ctx) {
		var resp resource.MetadataResponse
		r := f()
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: meta.TypeName}, &resp)
		want = append(want,
			"examples/resources/"+resp.TypeName+"/resource.tf",
			"examples/resources/"+resp.TypeName+"/import.sh")
		if _, ok := r.(resource.ResourceWithIdentity); ok {
			want = append(want, "examples/resources/"+resp.TypeName+"/import-by-identity.tf")
		}
	}
	if pl, ok := p.(fwprovider.ProviderWithListResources); ok {
		for _, f := range pl.ListResources(ctx) {
			var resp resource.MetadataResponse
			f().Metadata(ctx, resource.MetadataRequest{ProviderTypeName: meta.TypeName}, &resp)
			want = append(want, "examples/list-resources/"+resp.TypeName+"/list-resource.tfquery.hcl")
		}
	}
	if pa, ok := p.(fwprovider.ProviderWithActions); ok {
		for _, f := range pa.Actions(ctx) {
			var resp action.MetadataResponse
			f().Metadata(ctx, action.MetadataRequest{ProviderTypeName: meta.TypeName}, &resp)
			want = append(want, "examples/actions/"+resp.TypeName+"/action.tf")
		}
	}
	for _, f := range p.DataSources(ctx) {
		var resp datasource.MetadataResponse
		f().Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: meta.TypeName}, &resp)
		want = append(want, "examples/data-sources/"+resp.TypeName+"/data-source.tf")
	}
	if pe, ok := p.(fwprovider.ProviderWithEphemeralResources); ok {
		for _, f := range pe.EphemeralResources(ctx) {
			var resp ephemeral.MetadataResponse
			f().Metadata(ctx, ephemeral.MetadataRequest{ProviderTypeName: meta.TypeName}, &resp)
			want = append(want, "examples/ephemeral-resources/"+resp.TypeName+"/ephemeral-resource.tf")
		}
	}
	for _, path := range want {
		info, err := os.Stat(filepath.Join(repoRoot, path))
		if err != nil {
			t.Errorf("missing example %s: %v", path, err)
			continue
		}
		if info.Size() == 0 {
			t.Errorf("example %s is empty", path)
		}
	}
}

// TestSnippetsFormattedAndValid runs every documentation snippet through
// `terraform fmt` and `terraform validate` with the provider built from this
// tree (dev_overrides, so no init and no registry).
//
// Two kinds of snippet are only fmt-checked, and the test log says so:
//   - snippets that use another provider (such as hashicorp/time in the
//     scheduled-rotation guide): that provider cannot be installed offline;
//   - snippets using constructs the terraform under test is too old for
//     (ephemeral resources need 1.10; removed blocks and import for_each 1.7).
func TestSnippetsFormattedAndValid(t *testing.T) {
	snippets, err := collectSnippets(repoRoot)
	if err != nil {
		t.Fatalf("collecting snippets: %v", err)
	}
	snippets = unique(snippets)
	if len(snippets) == 0 {
		t.Fatal("found no HCL snippets in examples/, templates/, docs/ or README.md")
	}
	if os.Getenv("TF_ACC") == "" {
		t.Skipf("set TF_ACC=1 to check %d snippets with terraform (make test does)", len(snippets))
	}
	terraform := terraformBinary(t)
	tfVersion := terraformVersion(t, terraform)
	latest, latestVersion := latestTerraform(t)

	rc := devOverridesConfig(t)
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")

	for _, s := range snippets {
		t.Run(s.where, func(t *testing.T) {
			t.Parallel()
			checkFormatted(t, terraform, env, s)
			if foreign := foreignProviders(s.body); len(foreign) > 0 {
				t.Logf("%s: fmt-checked only: it uses %v, which cannot be installed offline", s.where, foreign)
				return
			}
			validator := terraform
			if minimum := minimumTerraform(s.body); minimum != "" && !versionAtLeast(tfVersion, minimum) {
				if latest == "" || !versionAtLeast(latestVersion, minimum) {
					t.Logf("%s: fmt-checked only: it needs terraform >= %s, this is %s, and there is no %s "+
						"(make terraform-latest builds it; make testacc-latest validates every snippet)", s.where, minimum, tfVersion, latestTerraformPath)
					return
				}
				validator = latest
			}
			checkValid(t, validator, env, s)
		})
	}
}

// latestTerraformPath is where make terraform-latest leaves Terraform 1.15.
const latestTerraformPath = "bin/terraform-latest"

// latestTerraform answers bin/terraform-latest and its version when it has
// been built, else "": it validates snippets that the terraform under test
// is too old for (list and action blocks, import by identity).
func latestTerraform(t *testing.T) (string, string) {
	t.Helper()
	path, err := filepath.Abs(filepath.Join(repoRoot, latestTerraformPath))
	if err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(path); err != nil || info.IsDir() || info.Mode()&0o111 == 0 {
		return "", ""
	}
	return path, terraformVersion(t, path)
}

func terraformBinary(t *testing.T) string {
	t.Helper()
	if path := os.Getenv("TF_ACC_TERRAFORM_PATH"); path != "" {
		return path
	}
	path, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatal("no terraform: set TF_ACC_TERRAFORM_PATH or put terraform on PATH (make test does)")
	}
	return path
}

// terraformVersion answers the version of the terraform binary, from
// `terraform version -json` (which OpenTofu answers in the same shape).
func terraformVersion(t *testing.T, terraform string) string {
	t.Helper()
	out, err := exec.Command(terraform, "version", "-json").Output()
	if err != nil {
		t.Fatalf("%s version -json: %v", terraform, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("parsing %s version -json: %v", terraform, err)
	}
	return v.Version
}

// majorMinor parses the major and minor numbers of a version such as
// "1.11.4", "v1.12.6" or "1.10.0-beta1".
func majorMinor(version string) (int, int, bool) {
	parts := strings.SplitN(strings.TrimPrefix(version, "v"), ".", 3)
	if len(parts) < 2 {
		return 0, 0, false
	}
	minorDigits := strings.TrimRightFunc(parts[1], func(r rune) bool { return r < '0' || r > '9' })
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(minorDigits)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return major, minor, true
}

// versionAtLeast tells whether version is at least minimum ("1.10"),
// comparing major and minor numbers. An unparsable version is not.
func versionAtLeast(version, minimum string) bool {
	ma, mi, ok := majorMinor(version)
	wantMa, wantMi, wantOK := majorMinor(minimum)
	if !ok || !wantOK {
		return false
	}
	return ma > wantMa || (ma == wantMa && mi >= wantMi)
}

func TestVersionAtLeast(t *testing.T) {
	tests := []struct {
		version string
		minimum string
		want    bool
	}{
		{"1.5.7", "1.10", false},
		{"1.9.8", "1.10", false},
		{"1.10.0", "1.10", true},
		{"1.10.0-beta1", "1.10", true},
		{"1.11.4", "1.10", true},
		{"v1.12.6", "1.10", true},
		{"2.0.0", "1.10", true},
		{"0.15.5", "1.10", false},
		{"1.5.7", "1.7", false},
		{"1.7.0", "1.7", true},
		{"garbage", "1.7", false},
		{"1.7.0", "bad", false},
	}
	for _, tt := range tests {
		if got := versionAtLeast(tt.version, tt.minimum); got != tt.want {
			t.Errorf("versionAtLeast(%q, %q) = %v, want %v", tt.version, tt.minimum, got, tt.want)
		}
	}
}

// checkFormatted fails when `terraform fmt` would change the snippet.
func checkFormatted(t *testing.T, terraform string, env []string, s snippet) {
	t.Helper()
	cmd := exec.Command(terraform, "fmt", "-no-color", "-")
	cmd.Env = env
	cmd.Stdin = strings.NewReader(s.body)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Errorf("%s: terraform fmt failed: %v\n%s", s.where, err, stderr.String())
		return
	}
	if stdout.String() != s.body {
		t.Errorf("%s is not terraform fmt clean; formatted it reads:\n%s", s.where, stdout.String())
	}
}

// checkValid fails when `terraform validate` reports an error or a warning
// (other than the one about dev_overrides that this check itself causes).
func checkValid(t *testing.T, terraform string, env []string, s snippet) {
	t.Helper()
	dir := t.TempDir()
	file, args := "main.tf", []string{"validate", "-json", "-no-color"}
	if s.query {
		file, args = "main.tfquery.hcl", append(args, "-query")
	}
	if err := os.WriteFile(filepath.Join(dir, file), []byte(s.body), 0o600); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s.body, "netmaker-terraform/netmaker") {
		// Registry examples leave out the terraform block; users have it once per
		// configuration. Without it, netmaker_* would mean hashicorp/netmaker.
		providers := "terraform {\n  required_providers {\n    netmaker = {\n      source = \"netmaker-terraform/netmaker\"\n    }\n  }\n}\n"
		if err := os.WriteFile(filepath.Join(dir, "providers.tf"), []byte(providers), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(terraform, args...)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()

	var result struct {
		Valid       bool `json:"valid"`
		Diagnostics []struct {
			Severity string `json:"severity"`
			Summary  string `json:"summary"`
			Detail   string `json:"detail"`
			Range    *struct {
				Filename string `json:"filename"`
				Start    struct {
					Line int `json:"line"`
				} `json:"start"`
			} `json:"range"`
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &result); err != nil {
		t.Fatalf("%s: terraform validate answered no JSON (%v): %v\nstdout: %s\nstderr: %s", s.where, runErr, err, stdout.String(), stderr.String())
	}
	for _, d := range result.Diagnostics {
		if d.Severity == "warning" && strings.Contains(d.Summary, "Provider development overrides") {
			continue
		}
		at := ""
		if d.Range != nil {
			at = fmt.Sprintf(" (%s line %d)", d.Range.Filename, d.Range.Start.Line)
		}
		t.Errorf("%s: terraform validate %s%s: %s: %s", s.where, d.Severity, at, d.Summary, d.Detail)
	}
	if !result.Valid {
		t.Errorf("%s: terraform validate says the snippet is not valid", s.where)
	}
}
