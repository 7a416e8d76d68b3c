// Command docgen renders the generated regions of README.md and of the
// templates under templates/ (see package docgen). Run from the repository
// root, as `make docs` does:
//
//	go run ./internal/docgen/cmd/docgen          # rewrite stale regions
//	go run ./internal/docgen/cmd/docgen -check   # exit 1 naming stale files
package main

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/docgen"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "docgen:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("docgen", flag.ContinueOnError)
	check := fs.Bool("check", false, "change nothing; fail when a generated region is stale")
	root := fs.String("root", ".", "repository root")
	if err := fs.Parse(args); err != nil {
		return err
	}
	files, err := markdownFiles(*root)
	if err != nil {
		return err
	}
	var stale []string
	regions := 0
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		filled, found, err := docgen.Fill(string(data), docgen.Renderers())
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if found {
			regions++
		}
		if filled == string(data) {
			continue
		}
		stale = append(stale, path)
		if !*check {
			if err := os.WriteFile(path, []byte(filled), 0o644); err != nil {
				return err
			}
			fmt.Println("docgen: rendered", path)
		}
	}
	if regions == 0 {
		return fmt.Errorf("no generated regions under %s: README.md and templates/ should have some", *root)
	}
	if *check && len(stale) > 0 {
		return fmt.Errorf("stale generated regions in %s: run 'make docs' and commit the result", strings.Join(stale, ", "))
	}
	return nil
}

// markdownFiles answers README.md and every template under templates/.
func markdownFiles(root string) ([]string, error) {
	files := []string{filepath.Join(root, "README.md")}
	err := filepath.WalkDir(filepath.Join(root, "templates"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".tmpl") {
			files = append(files, path)
		}
		return err
	})
	return files, err
}
