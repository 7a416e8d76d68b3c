// Package validators holds the provider's small attribute and configuration
// validators. Each validator skips null and unknown values: requiredness is
// the schema's business, and unknown values are checked once they are known.
package validators

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// networkNamePattern is what Netmaker accepts as a network name (netid).
var networkNamePattern = regexp.MustCompile(`^[a-z0-9_-]{1,32}$`)

// uuidPattern is the canonical 8-4-4-4-12 hexadecimal UUID spelling.
var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// stringCheck adapts a function that explains why a value is bad ("" when
// it is fine) into a validator.String.
type stringCheck struct {
	summary     string
	description string
	problem     func(string) string
}

func (v stringCheck) Description(context.Context) string { return v.description }

func (v stringCheck) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := v.problem(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, msg)
	}
}

// RFC3339 accepts timestamps such as "2030-01-02T15:04:05Z" or
// "2030-01-02T17:04:05+02:00".
func RFC3339() validator.String {
	return stringCheck{
		summary:     "Invalid timestamp",
		description: `must be an RFC 3339 timestamp such as "2030-01-02T15:04:05Z"`,
		problem:     RFC3339Problem,
	}
}

// rfc3339Shape is RFC 3339's date-time production; time.Parse checks ranges.
var rfc3339Shape = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$`)

// RFC3339Problem explains why s is not an RFC 3339 timestamp, or answers "".
func RFC3339Problem(s string) string {
	// time.Parse alone is laxer than RFC 3339 (go.dev/issue/54580): it takes
	// one-digit hours, a comma before the fraction and offsets like +99:99.
	if !rfc3339Shape.MatchString(s) {
		return fmt.Sprintf("%q is not an RFC 3339 timestamp such as \"2030-01-02T15:04:05Z\".", s)
	}
	if _, err := time.Parse(time.RFC3339, s); err != nil {
		return fmt.Sprintf("%q is not an RFC 3339 timestamp such as \"2030-01-02T15:04:05Z\".", s)
	}
	return ""
}

// PositiveDuration accepts Go duration strings greater than zero, such as
// "720h" or "1h30m".
func PositiveDuration() validator.String { return DurationAtLeast(time.Nanosecond) }

// DurationAtLeast accepts Go duration strings of at least minimum.
func DurationAtLeast(minimum time.Duration) validator.String {
	description := `must be a positive Go duration such as "720h" or "1h30m"`
	if minimum > time.Nanosecond {
		description = fmt.Sprintf(`must be a Go duration of at least %s, such as "720h" or "1h30m"`, minimum)
	}
	return stringCheck{
		summary:     "Invalid duration",
		description: description,
		problem:     func(s string) string { return DurationAtLeastProblem(s, minimum) },
	}
}

// PositiveDurationProblem explains why s is not a positive Go duration, or answers "".
func PositiveDurationProblem(s string) string { return DurationAtLeastProblem(s, time.Nanosecond) }

// DurationAtLeastProblem explains why s is not a Go duration of at least
// minimum, or answers "".
func DurationAtLeastProblem(s string, minimum time.Duration) string {
	d, err := time.ParseDuration(s)
	switch {
	case err == nil && d <= 0:
		return fmt.Sprintf("%q is not greater than zero.", s)
	case err == nil && d < minimum:
		return fmt.Sprintf("%q is shorter than the least allowed here, %s.", s, minimum)
	case err == nil:
		return ""
	}
	trimmed := strings.TrimSpace(s)
	if _, numErr := strconv.ParseFloat(trimmed, 64); numErr == nil {
		return fmt.Sprintf("%q has no unit: write %q for %s seconds (units: h, m, s, ms, us, ns).", s, trimmed+"s", trimmed)
	}
	if days, ok := strings.CutSuffix(trimmed, "d"); ok {
		if n, numErr := strconv.ParseFloat(days, 64); numErr == nil {
			return fmt.Sprintf("%q: Go durations have no unit for days; write %q.", s, strconv.FormatFloat(n*24, 'f', -1, 64)+"h")
		}
	}
	return fmt.Sprintf("%q is not a duration: use a number with a unit of h, m, s, ms, us or ns, such as \"720h\" or \"1h30m\".", s)
}

// UUID accepts a UUID for which reserved, when not nil, answers "".
// reserved explains why a UUID that the API reads as a sentinel cannot be set
// (the caller has that knowledge from the client, e.g. the nil UUID for "no
// gateway"), or answers "".
func UUID(reserved func(string) string) validator.String {
	return stringCheck{
		summary:     "Invalid UUID",
		description: "must be a UUID such as 3f2b8c1e-6a47-4d2e-9d6b-1c2f3a4b5c6d",
		problem: func(s string) string {
			if msg := UUIDProblem(s); msg != "" || reserved == nil {
				return msg
			}
			return reserved(s)
		},
	}
}

// UUIDProblem explains why s is not a UUID, or answers "".
func UUIDProblem(s string) string {
	if !uuidPattern.MatchString(s) {
		return fmt.Sprintf("%q is not a UUID such as 3f2b8c1e-6a47-4d2e-9d6b-1c2f3a4b5c6d.", s)
	}
	return ""
}

// NetworkName accepts what Netmaker accepts as a network name.
func NetworkName() validator.String {
	return stringCheck{
		summary:     "Invalid network name",
		description: "must be 1–32 characters of a-z, 0-9, _ and -",
		problem:     NetworkNameProblem,
	}
}

// NetworkNameProblem explains why s is not a Netmaker network name, or answers "".
func NetworkNameProblem(s string) string {
	if !networkNamePattern.MatchString(s) {
		return fmt.Sprintf("%q is not a Netmaker network name: use 1–32 characters of a-z, 0-9, _ and -.", s)
	}
	return ""
}

// KeyName accepts what any existing enrollment key's name satisfies: not
// empty, not only whitespace, at most 32 characters (counted as characters,
// not bytes). A network's auto-generated key is named after the network (1–32
// characters), so the 3-character minimum Netmaker enforces when creating a
// key is checked by NewKeyNameProblem when a key is planned for creation.
func KeyName() validator.String {
	return stringCheck{
		summary:     "Invalid key name",
		description: "must be 1–32 characters long, not only whitespace",
		problem:     KeyNameProblem,
	}
}

// KeyNameProblem explains why s cannot be the name of any key, or answers "".
func KeyNameProblem(s string) string {
	n := len([]rune(s))
	switch {
	case strings.TrimSpace(s) == "":
		return fmt.Sprintf("A key name must not be empty or only whitespace; %q is.", s)
	case n > 32:
		return fmt.Sprintf("Netmaker allows key names of at most 32 characters; %q has %d.", s, n)
	}
	return invisibleProblem("A key name", s)
}

// invisibleProblem explains why s, what a name (or its start), holds a
// character that is not visible, or answers "".
func invisibleProblem(what, s string) string {
	for _, r := range s {
		if !unicode.IsGraphic(r) {
			// A name is shown in plans, logs and Netmaker's UI: a control or
			// formatting character (a bidirectional override among them)
			// moves or hides text there and makes one key look like another.
			return fmt.Sprintf("%s must hold only visible characters and spaces; %q has %U, a control or "+
				"formatting character.", what, s, r)
		}
	}
	return ""
}

// KeyNamePrefix accepts the start of the names the provider generates:
// visible characters and spaces, not only whitespace. room, when not nil,
// explains why the prefix leaves no room for the rest of the name (the
// caller has that rule from the client), or answers "".
func KeyNamePrefix(room func(string) string) validator.String {
	return stringCheck{
		summary:     "Invalid name prefix",
		description: "must start a key name: visible characters and spaces, not only whitespace",
		problem: func(s string) string {
			if strings.TrimSpace(s) == "" {
				return fmt.Sprintf("A name prefix must not be empty or only whitespace; %q is.", s)
			}
			if msg := invisibleProblem("A name prefix", s); msg != "" || room == nil {
				return msg
			}
			return room(s)
		},
	}
}

// NewKeyNameProblem explains why Netmaker would refuse to create a key named
// s (names of 3 to 32 characters, not only whitespace), or answers "".
func NewKeyNameProblem(s string) string {
	if msg := KeyNameProblem(s); msg != "" {
		return msg
	}
	if n := len([]rune(s)); n < 3 {
		return fmt.Sprintf("Netmaker requires the name of a new key to have 3 to 32 characters; %q has %d. (Shorter "+
			"names exist only for the keys Netmaker generates for networks, which can be imported but not created.)", s, n)
	}
	return ""
}
