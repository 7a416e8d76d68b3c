// Package docgen renders the parts of the documentation that come from the
// code: the server-generations table, from the API client's table
// (internal/netmaker/generation_features.go). `make docs` writes them into
// the marked regions of README.md and templates/ (cmd/docgen) before
// tfplugindocs renders docs/, and `make docs-check` fails when a region is
// stale.
package docgen

import (
	"fmt"
	"strings"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
)

// outcomeWords names each outcome as a user meets it in a configuration.
var outcomeWords = map[netmaker.Outcome]string{
	netmaker.OutcomeRotate:         "rotate a key's token (`regenerate_trigger`, the `netmaker_enrollment_key_rotate` action)",
	netmaker.OutcomeRotateDefault:  "rotate the token of a network's default key",
	netmaker.OutcomeCreateDefault:  "`default = true` on a new `netmaker_enrollment_key`",
	netmaker.OutcomeMakeDefault:    "make an existing key the default (`default`, `netmaker_network_default_key`)",
	netmaker.OutcomeRestoreDefault: "give the default back to the auto-generated key when a custom default key goes",
}

// strategyWords says what a strategy means for the user; an outcome may word
// a strategy its own way (cellWords).
var strategyWords = map[netmaker.Strategy]string{
	netmaker.StrategyDirect:      "yes, in place",
	netmaker.StrategyRecreate:    "yes, by re-creating the key (new token)",
	netmaker.StrategyUnsupported: "**no**: an error at plan time",
	netmaker.StrategyNothingToDo: "— (the default never moves)",
}

var cellWords = map[netmaker.Outcome]map[netmaker.Strategy]string{
	netmaker.OutcomeRotate: {
		netmaker.StrategyRecreate: "yes, by re-creating the key with the same name and settings (the old token stops working a moment before the new one exists)",
	},
	netmaker.OutcomeCreateDefault: {
		netmaker.StrategyDirect: "yes",
	},
	netmaker.OutcomeMakeDefault: {
		netmaker.StrategyRecreate: "yes, by re-creating the key (new token; `default` replaces the key, `netmaker_network_default_key` needs `allow_recreate = true`)",
	},
	netmaker.OutcomeRestoreDefault: {
		netmaker.StrategyRecreate: "yes, by re-creating the auto-generated key (new token, with a warning)",
	},
}

// sameEverywhere is the last row: what does not depend on the generation.
const sameEverywhere = "everything else: keys of every type, `ttl`, tag and gateway updates, import, `status` and `valid`, " +
	"data sources, the ephemeral resources (`netmaker_enrollment_key`, `netmaker_enrollment_key_token`), the list resource"

// cell answers the words for outcome o done by strategy s.
func cell(o netmaker.Outcome, s netmaker.Strategy) (string, error) {
	if w, ok := cellWords[o][s]; ok {
		return w, nil
	}
	if w, ok := strategyWords[s]; ok {
		return w, nil
	}
	return "", fmt.Errorf("docgen has no words for %q done by %q", o, s)
}

// GenerationsTable renders the feature × generation table in Markdown: what
// each generation is, then each outcome's strategy on it, as the client's
// table (netmaker.StrategyFor) says.
func GenerationsTable() (string, error) {
	gens := netmaker.Generations()
	var b strings.Builder
	row := func(cells ...string) {
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	header := []string{"feature"}
	what := []string{"what it is"}
	rule := []string{"---"}
	same := []string{sameEverywhere}
	for _, g := range gens {
		header = append(header, "**"+string(g)+"**")
		what = append(what, g.About())
		rule = append(rule, "---")
		same = append(same, "yes")
	}
	row(header...)
	row(rule...)
	row(what...)
	for _, o := range netmaker.Outcomes() {
		words, ok := outcomeWords[o]
		if !ok {
			return "", fmt.Errorf("docgen has no words for the outcome %q", o)
		}
		cells := []string{words}
		for _, g := range gens {
			c, err := cell(o, netmaker.StrategyFor(o, netmaker.GenerationCapabilities(g)))
			if err != nil {
				return "", err
			}
			cells = append(cells, c)
		}
		row(cells...)
	}
	row(same...)
	return b.String(), nil
}
