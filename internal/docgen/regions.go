package docgen

import (
	"fmt"
	"regexp"
	"strings"
)

// A generated region of a Markdown file or template sits between
//
//	<!-- generated: NAME (...) -->
//	<!-- end generated: NAME -->
//
// Both markers are HTML comments, which Markdown renders as nothing.
var regionStart = regexp.MustCompile(`(?m)^<!-- generated: ([a-z-]+)\b.*-->\n`)

func regionEnd(name string) string { return "<!-- end generated: " + name + " -->" }

// Renderers answers each region's content by its name.
func Renderers() map[string]func() (string, error) {
	return map[string]func() (string, error){
		"generations": GenerationsTable,
	}
}

// Fill answers text with the content of every generated region rendered
// afresh, and whether it has any region. An unknown region name or a region
// without its end marker is an error.
func Fill(text string, renderers map[string]func() (string, error)) (string, bool, error) {
	var out strings.Builder
	found := false
	rest := text
	for {
		loc := regionStart.FindStringSubmatchIndex(rest)
		if loc == nil {
			out.WriteString(rest)
			return out.String(), found, nil
		}
		found = true
		name := rest[loc[2]:loc[3]]
		render, ok := renderers[name]
		if !ok {
			return "", true, fmt.Errorf("unknown generated region %q", name)
		}
		out.WriteString(rest[:loc[1]])
		rest = rest[loc[1]:]
		end := strings.Index(rest, regionEnd(name))
		if end < 0 {
			return "", true, fmt.Errorf("generated region %q has no %q", name, regionEnd(name))
		}
		content, err := render()
		if err != nil {
			return "", true, err
		}
		out.WriteString(content)
		rest = rest[end:]
	}
}
