package netmaker

// The feature × generation table: what each server generation is, what the
// client detects it can do, and how the client carries out each outcome whose
// way depends on the generation. The documentation's generations table is
// rendered from it by `make docs` (internal/docgen), and
// TestGenerationStrategies checks every entry against what the client does on
// each generation of the test server, so the two cannot drift apart.

// Generations answers the server generations the client tells apart, oldest
// first.
func Generations() []Generation {
	return []Generation{GenerationV15, GenerationCurrent, GenerationV17}
}

// About says in a phrase what line of Netmaker servers g is ("" for an
// unknown generation).
func (g Generation) About() string {
	switch g {
	case GenerationV15:
		return "the latest release line (v1.0 to v1.5 behave alike for enrollment keys)"
	case GenerationCurrent:
		return "the development line"
	case GenerationV17:
		return "the line the official Netmaker provider targets"
	}
	return ""
}

// GenerationCapabilities answers the Capabilities that Client.Capabilities
// reports for a server of generation g once it has told it apart (the zero
// value for an unknown generation).
func GenerationCapabilities(g Generation) Capabilities {
	switch g {
	case GenerationV15:
		return Capabilities{Generation: g}
	case GenerationCurrent:
		return Capabilities{Generation: g, RegenerateToken: true, NetworkDefault: true}
	case GenerationV17:
		return Capabilities{Generation: g, RegenerateToken: true, NetworkDefault: true, CanSetDefaultInPlace: true,
			RefusesNetworkNamedKeys: true}
	}
	return Capabilities{}
}

// Outcome is something the provider asks of the client whose way depends on
// the server generation.
type Outcome string

const (
	// OutcomeRotate: RotateKey on a key that is no network's default.
	OutcomeRotate Outcome = "rotate a key's token"
	// OutcomeRotateDefault: RotateKey on a network's default key.
	OutcomeRotateDefault Outcome = "rotate a network's default key's token"
	// OutcomeCreateDefault: CreateKey with Default.
	OutcomeCreateDefault Outcome = "create a key as its networks' default"
	// OutcomeMakeDefault: MakeDefault on an existing key (AllowRecreate where
	// it takes a re-creation).
	OutcomeMakeDefault Outcome = "make an existing key its networks' default"
	// OutcomeRestoreDefault: RestoreDefault, which ReleaseDefault and
	// DeleteKeyAnyway use when a key that is a network's default goes.
	OutcomeRestoreDefault Outcome = "give a network's default back to its auto-generated key"
)

// Outcomes answers every Outcome, in the order the documentation lists them.
func Outcomes() []Outcome {
	return []Outcome{OutcomeRotate, OutcomeRotateDefault, OutcomeCreateDefault, OutcomeMakeDefault, OutcomeRestoreDefault}
}

// Strategy is how the client carries out an outcome on a server.
type Strategy string

const (
	// StrategyDirect: the server does it in one request (an update, the
	// regenerate-token route, the create itself); the key is not re-created.
	StrategyDirect Strategy = "direct"
	// StrategyRecreate: the key is deleted and created again with the same
	// name and settings, which gives it a new value and token.
	StrategyRecreate Strategy = "recreate"
	// StrategyUnsupported: the server cannot do it; the client refuses
	// (ErrUnsupported) before changing anything.
	StrategyUnsupported Strategy = "unsupported"
	// StrategyNothingToDo: the situation cannot arise on this server (on
	// v1.5 a network's default never moves, so it never has to go back).
	StrategyNothingToDo Strategy = "nothing to do"
)

// StrategyFor answers how the client carries out o on a server with caps.
func StrategyFor(o Outcome, caps Capabilities) Strategy {
	switch o {
	case OutcomeRotate:
		if caps.RegenerateToken {
			return StrategyDirect
		}
		return StrategyRecreate
	case OutcomeRotateDefault:
		// Re-creating means deleting, which Netmaker refuses for a default key.
		if caps.RegenerateToken {
			return StrategyDirect
		}
		return StrategyUnsupported
	case OutcomeCreateDefault:
		if caps.NetworkDefault {
			return StrategyDirect
		}
		return StrategyUnsupported
	case OutcomeMakeDefault:
		switch {
		case !caps.NetworkDefault:
			return StrategyUnsupported
		case caps.CanSetDefaultInPlace:
			return StrategyDirect
		}
		return StrategyRecreate
	case OutcomeRestoreDefault:
		switch {
		case !caps.NetworkDefault:
			return StrategyNothingToDo
		case caps.CanSetDefaultInPlace:
			return StrategyDirect
		}
		return StrategyRecreate
	}
	return StrategyUnsupported
}
