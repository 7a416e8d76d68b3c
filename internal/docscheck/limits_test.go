package docscheck

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/provider"
)

// Registry readers skim: a page's summary says what the type is in a few
// sentences, an attribute's description what it is, in place or replace, and
// its default. Anything longer belongs in a section of the page's template
// (templates/resources/<name>.md.tmpl) or a guide, linked from the attribute.
const (
	maxSummaryWords         = 80
	maxDescriptionWords     = 60
	maxDescriptionSentences = 3
)

// describedType is one type of the provider (or the provider block) with
// its schema, as Terraform receives it.
type describedType struct {
	name   string // "<kind> <type>", e.g. "resource netmaker_enrollment_key"
	schema *tfprotov6.Schema
}

// providerTypes answers every schema the provider serves: the provider
// block, resources (and their identities), data sources, ephemeral
// resources, list resources and actions.
func providerTypes(t *testing.T) []describedType {
	t.Helper()
	ctx := context.Background()
	server := providerserver.NewProtocol6(provider.New("test")())()
	resp, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatalf("GetProviderSchema: %v", err)
	}
	for _, d := range resp.Diagnostics {
		t.Errorf("GetProviderSchema: %s: %s", d.Summary, d.Detail)
	}
	out := []describedType{{name: "provider netmaker", schema: resp.Provider}}
	add := func(kind string, schemas map[string]*tfprotov6.Schema) {
		for name, s := range schemas {
			out = append(out, describedType{name: kind + " " + name, schema: s})
		}
	}
	add("resource", resp.ResourceSchemas)
	add("data source", resp.DataSourceSchemas)
	add("ephemeral resource", resp.EphemeralResourceSchemas)
	add("list resource", resp.ListResourceSchemas)
	for name, a := range resp.ActionSchemas {
		out = append(out, describedType{name: "action " + name, schema: a.Schema})
	}
	ids, err := server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatalf("GetResourceIdentitySchemas: %v", err)
	}
	for name, id := range ids.IdentitySchemas {
		attrs := make([]*tfprotov6.SchemaAttribute, 0, len(id.IdentityAttributes))
		for _, a := range id.IdentityAttributes {
			attrs = append(attrs, &tfprotov6.SchemaAttribute{Name: a.Name, Description: a.Description})
		}
		out = append(out, describedType{name: "resource identity " + name,
			schema: &tfprotov6.Schema{Block: &tfprotov6.SchemaBlock{Attributes: attrs}}})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// describedText is one description of a schema: the type's own (its
// summary, path "") or an attribute's or block's (path "a.b").
type describedText struct {
	path string
	text string
}

// schemaTexts answers every description of a block, the block's own first.
func schemaTexts(path string, b *tfprotov6.SchemaBlock) []describedText {
	if b == nil {
		return nil
	}
	out := []describedText{{path: path, text: b.Description}}
	join := func(name string) string {
		if path == "" {
			return name
		}
		return path + "." + name
	}
	var attrs func(prefix string, as []*tfprotov6.SchemaAttribute)
	attrs = func(prefix string, as []*tfprotov6.SchemaAttribute) {
		for _, a := range as {
			p := prefix + a.Name
			out = append(out, describedText{path: join(p), text: a.Description})
			if a.NestedType != nil {
				attrs(p+".", a.NestedType.Attributes)
			}
		}
	}
	attrs("", b.Attributes)
	for _, nb := range b.BlockTypes {
		out = append(out, schemaTexts(join(nb.TypeName), nb.Block)...)
	}
	return out
}

func words(text string) int { return len(strings.Fields(text)) }

var (
	codeSpan = regexp.MustCompile("`[^`]*`")
	// sentenceEnd is a full stop, question or exclamation mark that ends a
	// sentence: followed by a space or the end of the text (so "v1.5" and
	// "0.5" are none), after closing brackets or quotes if any.
	sentenceEnd = regexp.MustCompile(`([.!?])[)\]"']*(\s|$)`)
	// abbreviation ends with a full stop that ends no sentence.
	abbreviation = regexp.MustCompile(`(?i)(^|[\s(])(e\.g|i\.e|etc|vs|cf|approx)\.$`)
)

// sentences counts the sentences of a description: the sentence ends, and
// a last sentence without one. Code spans are left out (a dot in one ends
// nothing), and so are the full stops of "e.g.", "i.e." and the like.
func sentences(text string) int {
	text = strings.TrimSpace(codeSpan.ReplaceAllString(text, "code"))
	n, last := 0, 0
	for _, m := range sentenceEnd.FindAllStringIndex(text, -1) {
		if abbreviation.MatchString(text[:m[0]+1]) {
			continue
		}
		n++
		last = m[1]
	}
	if strings.TrimSpace(text[last:]) != "" {
		n++
	}
	return n
}

// descriptionProblems answers what is wrong with one description: too many
// words, an attribute's of more than three sentences, or a blank line, which ends the attribute's bullet in the generated
// page and renders the rest outside it.
func descriptionProblems(d describedText) []string {
	var problems []string
	limit, what := maxDescriptionWords, "description of "+d.path
	if d.path == "" {
		limit, what = maxSummaryWords, "summary"
	}
	if n := words(d.text); n > limit {
		problems = append(problems, fmt.Sprintf("%s has %d words (at most %d): move the details into a section of "+
			"the page's template or a guide and link to it", what, n, limit))
	}
	if n := sentences(d.text); d.path != "" && n > maxDescriptionSentences {
		problems = append(problems, fmt.Sprintf("%s has %d sentences (at most %d): move the details into a section of "+
			"the page's template or a guide and link to it", what, n, maxDescriptionSentences))
	}
	if d.path != "" && strings.Contains(strings.TrimSpace(d.text), "\n\n") {
		problems = append(problems, fmt.Sprintf("%s has a blank line, which renders outside the attribute's bullet", what))
	}
	return problems
}

// TestDescriptionsAreSkimmable: every type's summary has at most 80 words and
// every attribute's description at most 60 in at most three sentences, in one
// paragraph.
func TestDescriptionsAreSkimmable(t *testing.T) {
	types := providerTypes(t)
	if len(types) < 10 {
		t.Fatalf("found %d schemas, expected every type of the provider", len(types))
	}
	for _, typ := range types {
		var problems []string
		for _, d := range schemaTexts("", typ.schema.Block) {
			problems = append(problems, descriptionProblems(d)...)
		}
		for _, p := range problems {
			t.Errorf("%s: %s", typ.name, p)
		}
	}
}

// TestPageSummariesAreShort: the description in each generated page's front
// matter (a type's summary, or a guide's) has at most 80 words.
func TestPageSummariesAreShort(t *testing.T) {
	pages, err := filepath.Glob(filepath.Join(repoRoot, "docs", "*", "*.md"))
	if err != nil || len(pages) == 0 {
		t.Fatalf("no generated pages under docs/: %v", err)
	}
	pages = append(pages, filepath.Join(repoRoot, "docs", "index.md"))
	for _, page := range pages {
		data, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		rel := relative(repoRoot, page)
		summary, ok := frontMatterDescription(string(data))
		if !ok {
			t.Errorf("%s: no description in its front matter", rel)
			continue
		}
		if n := words(summary); n > maxSummaryWords {
			t.Errorf("%s: its summary has %d words (at most %d)", rel, n, maxSummaryWords)
		}
	}
}

// frontMatterDescription answers the description of a page's YAML front
// matter, a plain or a block scalar ("description: |-" and indented lines).
func frontMatterDescription(page string) (string, bool) {
	lines := strings.Split(page, "\n")
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != "---" {
		return "", false
	}
	for i := 1; i < len(lines) && strings.TrimSpace(lines[i]) != "---"; i++ {
		value, ok := strings.CutPrefix(lines[i], "description:")
		if !ok {
			continue
		}
		value = strings.TrimSpace(value)
		if !strings.HasPrefix(value, "|") && !strings.HasPrefix(value, ">") {
			return strings.Trim(value, `"'`), true
		}
		var body []string
		for i++; i < len(lines) && (strings.HasPrefix(lines[i], " ") || strings.TrimSpace(lines[i]) == ""); i++ {
			body = append(body, strings.TrimSpace(lines[i]))
		}
		return strings.Join(body, "\n"), true
	}
	return "", false
}

func TestFrontMatterDescription(t *testing.T) {
	tests := []struct {
		name, page, want string
		ok               bool
	}{
		{"block scalar", "---\npage_title: x\ndescription: |-\n  One two\n  three.\nsubcategory: \"\"\n---\n# x\n", "One two\nthree.", true},
		{"plain", "---\ndescription: \"Short one.\"\n---\n", "Short one.", true},
		{"none", "---\npage_title: x\n---\ndescription: not front matter\n", "", false},
		{"no front matter", "# title\n", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := frontMatterDescription(tt.page)
			if got != tt.want || ok != tt.ok {
				t.Errorf("frontMatterDescription() = %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestDescriptionProblems(t *testing.T) {
	long := strings.Repeat("word ", 61)
	tests := []struct {
		name string
		d    describedText
		want int
	}{
		{"short attribute", describedText{path: "name", text: "The key's name."}, 0},
		{"attribute of 61 words", describedText{path: "name", text: long}, 1},
		{"summary of 61 words", describedText{path: "", text: long}, 0},
		{"summary of 81 words", describedText{path: "", text: long + strings.Repeat("more ", 20)}, 1},
		{"attribute with a paragraph break", describedText{path: "a", text: "One.\n\nTwo."}, 1},
		{"attribute with a trailing newline", describedText{path: "a", text: "One.\n\n"}, 0},
		{"long attribute with a break", describedText{path: "a", text: long + "\n\nTwo."}, 2},
		{"attribute of three sentences", describedText{path: "a", text: "One. Two? Three!"}, 0},
		{"attribute of four sentences", describedText{path: "a", text: "One. Two. Three. Four"}, 1},
		{"summary of four sentences", describedText{path: "", text: "One. Two. Three. Four."}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := descriptionProblems(tt.d); len(got) != tt.want {
				t.Errorf("descriptionProblems() = %q, want %d problems", got, tt.want)
			}
		})
	}
}

func TestSentences(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"", 0},
		{"The key's name.", 1},
		{"The key's name", 1},
		{"One. Two.", 2},
		{"One.  Two\nthree. Four", 3},
		{"Is it? Yes! No.", 3},
		{"Works on v1.5 and v1.7. Defaults to 0.5.", 2},
		{"Tags, e.g. `prod.servers`, i.e. device tags. Replaces the key.", 2},
		{"Tags, names, etc. are kept (e.g. x). Then more.", 2},
		{"Ends in brackets (see [Rotation](#rotation)). Next.", 2},
		{"He said \"stop.\" Then left.", 2},
		{"A code span `a. b. c.` ends nothing. Two.", 2},
		{"Netmaker 1.5.1 and netmaker.example.com. Two.", 2},
	}
	for _, tt := range tests {
		if got := sentences(tt.text); got != tt.want {
			t.Errorf("sentences(%q) = %d, want %d", tt.text, got, tt.want)
		}
	}
}

var (
	markdownHeading = regexp.MustCompile(`(?m)^#{1,6}\s+(.+?)\s*$`)
	anchorLink      = regexp.MustCompile(`\]\((?:([^)\s#]*\.md))?#([^)\s]+)\)`)
	slugDropped     = regexp.MustCompile(`[^\p{L}\p{N} _-]`)
	htmlAnchor      = regexp.MustCompile(`<a id="([^"]+)">`) // tfplugindocs' anchors of nested attributes
)

// headingAnchor answers the anchor code hosts and the registry give a
// heading: lower case, punctuation dropped, spaces as hyphens.
func headingAnchor(heading string) string {
	return strings.ReplaceAll(slugDropped.ReplaceAllString(strings.ToLower(heading), ""), " ", "-")
}

// pageAnchors answers the anchors of a Markdown page's headings, outside
// fenced blocks, and its HTML anchors.
func pageAnchors(text string) map[string]bool {
	for _, b := range fencedBlocks(text) {
		text = strings.Replace(text, b.body, "", 1)
	}
	anchors := map[string]bool{}
	for _, m := range markdownHeading.FindAllStringSubmatch(text, -1) {
		anchors[headingAnchor(m[1])] = true
	}
	for _, m := range htmlAnchor.FindAllStringSubmatch(text, -1) {
		anchors[m[1]] = true
	}
	return anchors
}

// TestAnchorLinksResolve: every link to a section (#anchor, or page.md#anchor
// of another page) in the generated docs and the README names a heading of
// that page, so that an attribute's "see Rotation" reaches its section.
func TestAnchorLinksResolve(t *testing.T) {
	pages, err := filepath.Glob(filepath.Join(repoRoot, "docs", "*", "*.md"))
	if err != nil || len(pages) == 0 {
		t.Fatalf("no generated pages under docs/: %v", err)
	}
	pages = append(pages, filepath.Join(repoRoot, "docs", "index.md"), filepath.Join(repoRoot, "README.md"))
	links := 0
	for _, page := range pages {
		data, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range anchorLink.FindAllStringSubmatch(string(data), -1) {
			target := page
			if m[1] != "" {
				if strings.Contains(m[1], "://") {
					continue
				}
				target = filepath.Join(filepath.Dir(page), m[1])
			}
			text, err := os.ReadFile(target)
			if err != nil {
				t.Errorf("%s: link to %s#%s: %v", relative(repoRoot, page), m[1], m[2], err)
				continue
			}
			links++
			if !pageAnchors(string(text))[m[2]] {
				t.Errorf("%s: link to %s#%s names no heading of %s", relative(repoRoot, page), m[1], m[2], relative(repoRoot, target))
			}
		}
	}
	if links == 0 {
		t.Fatal("found no links to sections: the check would pass for nothing")
	}
}

func TestHeadingAnchor(t *testing.T) {
	for heading, want := range map[string]string{
		"Server generations":                      "server-generations",
		"Adopting a network's auto-generated key": "adopting-a-networks-auto-generated-key",
		"Handing out the new token":               "handing-out-the-new-token",
		"`regenerate_trigger` and v1.5":           "regenerate_trigger-and-v15",
	} {
		if got := headingAnchor(heading); got != want {
			t.Errorf("headingAnchor(%q) = %q, want %q", heading, got, want)
		}
	}
}
