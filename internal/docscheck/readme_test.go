package docscheck

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
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

// twoGenerations is wording from when the provider knew two server
// generations; it knows three (netmaker.Generations).
var twoGenerations = regexp.MustCompile(`(?i)\bboth (server )?generations\b|\btwo (server )?generations\b`)

// TestNoTwoGenerationWording: no document or description speaks of two
// server generations.
func TestNoTwoGenerationWording(t *testing.T) {
	var files []string
	for _, dir := range []string{"docs", "templates", "examples", "internal", ".changes"} {
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
	for _, f := range []string{"README.md", "CHANGELOG.md", "DEVELOPERS.md", "ARCHITECTURE.md"} {
		files = append(files, filepath.Join(repoRoot, f))
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(data), "\n") {
			if m := twoGenerations.FindString(line); m != "" {
				t.Errorf("%s:%d says %q: the provider supports three server generations", relative(repoRoot, path), i+1, m)
			}
		}
	}
}
