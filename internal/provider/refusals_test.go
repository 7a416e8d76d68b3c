package provider

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// notRefusals are the error titles an apply can report that are not
// refusals: failures of the transport or of Terraform's data, which no plan
// can foretell and which say so in their detail. Each says why it is not in
// refusals; a title here that the code no longer reports fails the test.
var notRefusals = map[string]string{
	"Could not create enrollment key":                                      "the create failed for a reason other than a refusal (network, server error)",
	"Could not update enrollment key":                                      "the update failed for a reason other than a refusal (network, server error, key deleted meanwhile)",
	"Could not delete enrollment key":                                      "the delete failed (network, server error)",
	"Could not read enrollment key":                                        "reading a key back or looking it up failed (network, server error)",
	"Could not rotate enrollment key":                                      "the rotation failed for a reason other than a refusal (network, server error)",
	"Could not read the network's default enrollment key":                  "reading the network's default failed (network, server error)",
	"Could not verify the network's default enrollment key":                "listing keys after the change failed (network, server error)",
	"Could not give the default back to the auto-generated enrollment key": "the restore failed for a reason other than a refusal (network, server error)",
	"Could not create network":                                             "the create failed (network, server error)",
	"Could not delete network":                                             "the delete failed (network, server error)",
	"Could not record the operation":                                       "the private state could not be written: a bug in the provider",
	"Unreadable private state":                                             "the private state does not decode: a bug in the provider",
	"Unexpected update":                                                    "netmaker_network has no in-place changes: a bug in the provider",
	"Value Conversion Error":                                               "Terraform's data did not convert: a bug in the provider",
	"Provider not configured":                                              "the provider was not configured: a bug in the provider or Terraform",
}

// diagnosticCalls are the calls that make an error, and the position of the
// title among their arguments.
var diagnosticCalls = map[string]int{
	"AddError":                    0,
	"AddAttributeError":           1,
	"NewErrorDiagnostic":          0,
	"NewAttributeErrorDiagnostic": 1,
}

// passThrough are the functions allowed to report an error whose title is
// not written where it is reported: it comes from a refusal or a diagnostic
// made elsewhere (and checked there).
var passThrough = map[string]string{
	"at":                     "refusal.at reports the refusal's own title",
	"rotateActionDiagnostic": "re-reports rotationDiagnostic's refusal on the action's attribute",
}

// TestRefusalsHoldEveryApplyError reads the provider's source and finds
// every error title that Create, Update, Delete (of resources) and Invoke
// (of actions) can report, through every function of this package they may
// call: each must be a refusal (refusals.go) or a failure listed in
// notRefusals. Calls are followed by name, so a function is counted when
// any function of that name is reachable; more is checked, never less.
func TestRefusalsHoldEveryApplyError(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	funcs := map[string][]*ast.FuncDecl{}
	consts := map[string]string{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				funcs[d.Name.Name] = append(funcs[d.Name.Name], d)
			case *ast.GenDecl:
				if d.Tok != token.CONST {
					continue
				}
				for _, spec := range d.Specs {
					vs, ok := spec.(*ast.ValueSpec)
					if !ok {
						continue
					}
					for i, v := range vs.Values {
						if s, ok := stringLiteral(v, nil); ok {
							consts[vs.Names[i].Name] = s
						}
					}
				}
			}
		}
	}

	// Every function reachable from an apply, by name.
	reached := map[*ast.FuncDecl]bool{}
	var queue []*ast.FuncDecl
	for _, root := range []string{"Create", "Update", "Delete", "Invoke"} {
		for _, fd := range funcs[root] {
			if fd.Recv != nil {
				reached[fd] = true
				queue = append(queue, fd)
			}
		}
	}
	if len(queue) == 0 {
		t.Fatal("found no Create, Update, Delete or Invoke method")
	}
	for len(queue) > 0 {
		fd := queue[0]
		queue = queue[1:]
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				for _, callee := range funcs[id.Name] {
					if !reached[callee] {
						reached[callee] = true
						queue = append(queue, callee)
					}
				}
			}
			return true
		})
	}

	registered := map[string]bool{}
	for _, r := range refusals {
		registered[r.title] = true
	}
	for title := range notRefusals {
		if registered[title] {
			t.Errorf("%q is a refusal and in notRefusals: keep it in one place", title)
		}
	}
	seen := map[string]bool{}
	var found int
	for fd := range reached {
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			at, ok := diagnosticCalls[sel.Sel.Name]
			if !ok || len(call.Args) <= at {
				return true
			}
			found++
			pos := fset.Position(call.Pos())
			title, ok := stringLiteral(call.Args[at], consts)
			switch {
			case !ok && passThrough[fd.Name.Name] == "":
				t.Errorf("%s (%s): an error whose title is not a string: report it through a refusal", pos, fd.Name.Name)
			case !ok:
			case registered[title]:
				t.Errorf("%s (%s): refusal %q reported by its title: use its value (.at) so title and advice stay one", pos, fd.Name.Name, title)
			case notRefusals[title] == "":
				t.Errorf("%s (%s): the apply can report %q, which is neither in refusals (refusals.go) nor in notRefusals", pos, fd.Name.Name, title)
			default:
				seen[title] = true
			}
			return true
		})
	}
	if found == 0 {
		t.Fatal("found no error reported by an apply: the scan is broken")
	}
	var stale []string
	for title := range notRefusals {
		if !seen[title] {
			stale = append(stale, title)
		}
	}
	sort.Strings(stale)
	for _, title := range stale {
		t.Errorf("notRefusals lists %q, which no apply reports: remove it", title)
	}
}

// stringLiteral answers the string an expression spells: a literal, a
// constant of consts, or their concatenation.
func stringLiteral(e ast.Expr, consts map[string]string) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.Ident:
		s, ok := consts[e.Name]
		return s, ok
	case *ast.ParenExpr:
		return stringLiteral(e.X, consts)
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		x, ok := stringLiteral(e.X, consts)
		if !ok {
			return "", false
		}
		y, ok := stringLiteral(e.Y, consts)
		return x + y, ok
	}
	return "", false
}
