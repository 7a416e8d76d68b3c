package docscheck

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/docgen"
)

// TestReadmeListsEveryType: the README's table of kinds names every type the
// provider serves, in the row of its kind.
func TestReadmeListsEveryType(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{} // kind -> its rows, joined
	for _, line := range strings.Split(string(data), "\n") {
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if strings.HasPrefix(line, "| ") && len(cells) >= 2 {
			rows[cells[0]] += cells[1] + "\n"
		}
	}
	for _, typ := range providerTypes(t) {
		kind, name, _ := strings.Cut(typ.name, " netmaker")
		if kind == "provider" || kind == "resource identity" {
			continue
		}
		name = "netmaker" + name
		if !strings.Contains(rows[kind], "`"+name+"`") {
			t.Errorf("README.md's table of kinds has no row %q naming `%s`", kind, name)
		}
	}
}

// TestGenerationsTableNamesEveryEphemeralResource: the generations table's
// last row names each ephemeral resource (they work on every generation and
// are in no row of their own).
func TestGenerationsTableNamesEveryEphemeralResource(t *testing.T) {
	table, err := docgen.GenerationsTable()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(table), "\n")
	everythingElse := lines[len(lines)-1]
	for _, typ := range providerTypes(t) {
		if name, ok := strings.CutPrefix(typ.name, "ephemeral resource "); ok && !strings.Contains(everythingElse, "`"+name+"`") {
			t.Errorf("the generations table's last row (internal/docgen) does not name the ephemeral resource `%s`: %s", name, everythingElse)
		}
	}
}

// twoGenerations is wording from when the provider knew two server
// generations; it knows three (netmaker.Generations).
var twoGenerations = regexp.MustCompile(`(?i)\bboth (server )?generations\b|\btwo (server )?generations\b`)

// TestNoTwoGenerationWording: no document or description speaks of two
// server generations.
func TestNoTwoGenerationWording(t *testing.T) {
	files := wordingFiles(t, "docs", "templates", "examples", "internal", ".changes")
	files = append(files, filepath.Join(repoRoot, "CHANGELOG.md"), filepath.Join(repoRoot, "DEVELOPERS.md"),
		filepath.Join(repoRoot, "ARCHITECTURE.md"))
	forbidWording(t, files, twoGenerations.FindString, "the provider supports three server generations")
}

// destroyFailsOnDefaultKey is wording that says a destroy fails on a default
// key: destroying an adopted auto-generated default key removes it from the
// state with a warning (enrollmentKeyResource.deleteDefaultKey), and any other
// default key first gives its networks their default back. Matched within a
// line; saysDestroyFailsOnDefaultKey lets "never fails" through.
var (
	destroyFailsOnDefaultKey = regexp.MustCompile(`(?i)\bdestroy[^.]*(\bfail(s|ed)?\b[^.]*\bdefault|\bdefault[^.]*\bfail(s|ed)?\b)`)
	neverFails               = regexp.MustCompile(`(?i)\b(never|not|cannot) fail`)
)

func saysDestroyFailsOnDefaultKey(line string) string {
	m := destroyFailsOnDefaultKey.FindString(line)
	if neverFails.MatchString(m) {
		return ""
	}
	return m
}

func TestSaysDestroyFailsOnDefaultKey(t *testing.T) {
	for line, says := range map[string]bool{
		"(a `terraform destroy` would fail on the default keys).":                        true,
		"Destroying an adopted default key fails.":                                       true,
		"Destroying an adopted auto-generated key never fails: it goes with the default": false,
		"A destroy removes the default key from the state with a warning.":               false,
		"The apply fails before changing anything; the default stays.":                   false,
	} {
		if got := saysDestroyFailsOnDefaultKey(line) != ""; got != says {
			t.Errorf("saysDestroyFailsOnDefaultKey(%q) = %v, want %v", line, got, says)
		}
	}
}

// TestNoDestroyFailsOnDefaultKeyWording: no user document says a destroy
// fails on a default key (issue 22: a guide did, against the code).
func TestNoDestroyFailsOnDefaultKeyWording(t *testing.T) {
	files := wordingFiles(t, "docs", "templates", "examples")
	forbidWording(t, files, saysDestroyFailsOnDefaultKey,
		"a destroy of an adopted auto-generated default key leaves it on the server with a warning; it does not fail")
}

// wordingFiles answers the files under dirs of the repository, and README.md;
// never this file, which names the wording it forbids.
func wordingFiles(t *testing.T, dirs ...string) []string {
	t.Helper()
	files := []string{filepath.Join(repoRoot, "README.md")}
	for _, dir := range dirs {
		err := filepath.WalkDir(filepath.Join(repoRoot, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if os.IsNotExist(err) {
					return nil
				}
				return err
			}
			if !d.IsDir() && path != filepath.Join(repoRoot, "internal", "docscheck", "readme_test.go") {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// forbidWording fails for every line of files in which says finds wording.
func forbidWording(t *testing.T, files []string, says func(line string) string, why string) {
	t.Helper()
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(data), "\n") {
			if m := says(line); m != "" {
				t.Errorf("%s:%d says %q: %s", relative(repoRoot, path), i+1, m, why)
			}
		}
	}
}
