package docgen

import (
	"errors"
	"strings"
	"testing"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
)

func TestFill(t *testing.T) {
	render := map[string]func() (string, error){
		"x":   func() (string, error) { return "new\n", nil },
		"bad": func() (string, error) { return "", errors.New("boom") },
	}
	tests := []struct {
		name, in, want string
		found          bool
		err            string
	}{
		{name: "no region", in: "# t\ntext\n", want: "# t\ntext\n"},
		{
			name:  "stale region",
			in:    "a\n<!-- generated: x (make docs) -->\nold\nold\n<!-- end generated: x -->\nb\n",
			want:  "a\n<!-- generated: x (make docs) -->\nnew\n<!-- end generated: x -->\nb\n",
			found: true,
		},
		{
			name:  "two regions",
			in:    "<!-- generated: x -->\n<!-- end generated: x -->\nmid\n<!-- generated: x -->\n1\n<!-- end generated: x -->\n",
			want:  "<!-- generated: x -->\nnew\n<!-- end generated: x -->\nmid\n<!-- generated: x -->\nnew\n<!-- end generated: x -->\n",
			found: true,
		},
		{name: "unknown region", in: "<!-- generated: y -->\n<!-- end generated: y -->\n", err: `unknown generated region "y"`},
		{name: "no end", in: "<!-- generated: x -->\nold\n", err: "has no"},
		{name: "renderer fails", in: "<!-- generated: bad -->\n<!-- end generated: bad -->\n", err: "boom"},
		{name: "marker not at a line start", in: "say <!-- generated: x -->\n", want: "say <!-- generated: x -->\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, found, err := Fill(tt.in, render)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Fill() error = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want || found != tt.found {
				t.Fatalf("Fill() = %q, %v, %v; want %q, %v", got, found, err, tt.want, tt.found)
			}
			if again, _, _ := Fill(got, render); again != got {
				t.Fatalf("Fill is not idempotent: %q", again)
			}
		})
	}
}

// TestGenerationsTable: one column per generation of the client's table,
// one row per outcome, each cell the words for the client's strategy.
func TestGenerationsTable(t *testing.T) {
	table, err := GenerationsTable()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(table, "\n"), "\n")
	gens := netmaker.Generations()
	outcomes := netmaker.Outcomes()
	if want := 3 + len(outcomes) + 1; len(lines) != want {
		t.Fatalf("%d lines, want %d (header, rule, what it is, outcomes, the rest):\n%s", len(lines), want, table)
	}
	cellsOf := func(line string) []string {
		parts := strings.Split(strings.Trim(line, "| "), " | ")
		if len(parts) != 1+len(gens) {
			t.Fatalf("line %q has %d cells, want %d", line, len(parts), 1+len(gens))
		}
		return parts
	}
	for i, g := range gens {
		if h := cellsOf(lines[0])[1+i]; h != "**"+string(g)+"**" {
			t.Errorf("column %d is %q, want %s", i+1, h, g)
		}
		if w := cellsOf(lines[2])[1+i]; w != g.About() {
			t.Errorf("what %s is: %q, want %q", g, w, g.About())
		}
	}
	for r, o := range outcomes {
		cells := cellsOf(lines[3+r])
		if cells[0] != outcomeWords[o] {
			t.Errorf("row %d is %q, want the outcome %q", 3+r, cells[0], o)
		}
		for i, g := range gens {
			want, _ := cell(o, netmaker.StrategyFor(o, netmaker.GenerationCapabilities(g)))
			if cells[1+i] != want {
				t.Errorf("%s on %s: %q, want %q", o, g, cells[1+i], want)
			}
		}
	}
	// The two lines the client's table decides most visibly.
	if !strings.Contains(lines[3], "re-creating the key") || strings.Count(lines[3], "yes, in place") != 2 {
		t.Errorf("rotation row %q: want re-creation on v1.5 and in place on the others", lines[3])
	}
}

func TestCellWordsEveryStrategy(t *testing.T) {
	for _, o := range netmaker.Outcomes() {
		for _, s := range []netmaker.Strategy{netmaker.StrategyDirect, netmaker.StrategyRecreate, netmaker.StrategyUnsupported, netmaker.StrategyNothingToDo} {
			if w, err := cell(o, s); err != nil || w == "" || strings.Contains(w, "|") || strings.Contains(w, "\n") {
				t.Errorf("cell(%q, %q) = %q, %v; want words fit for a table cell", o, s, w, err)
			}
		}
	}
	if _, err := cell("fly", "teleport"); err == nil {
		t.Error("cell of an unknown strategy: want an error")
	}
}
