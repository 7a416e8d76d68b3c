package netmakertest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Recorded exchanges hold no volatile value: key values, tokens,
// credentials, the token's server host and instants are placeholders
// named by role ("{{value:cf-uses}}", "{{time:+720h}}"). roles makes them,
// the same way when recording from a real server and when replaying on
// the test server, so that a recorded answer and a replayed one are equal
// exactly when the two servers agree.
//
// Roles:
//   - {{value:NAME}}: the first value of the key named NAME (from an
//     answer's "value" with "tags" or "name"), {{value:NAME#2}} its second
//     (after a regeneration), {{value:}} a key with no name.
//   - {{id:NAME}}: the UUID "id" of the network, user or key called NAME.
//   - {{token-host}}: the "server" of the first token decoded; a token is
//     {{base64:JSON}} with JSON normalized in turn.
//   - {{credential:N}}: the Nth "AuthToken" answered (a login JWT, an access
//     token); {{master-key}} and {{password}} are the run's own secrets.
//   - {{unix:+D}} / {{time:+D}}: the instant D after the run's start, as
//     unix seconds or as an RFC 3339 string; {{unix:recent}} and
//     {{time:recent}} any other instant within two days of the start.
type roles struct {
	start    time.Time
	actual   map[string]string // placeholder -> actual
	role     map[string]string // actual -> placeholder
	inline   []string          // actuals replaced inside longer strings (secrets, values), longest first
	perName  map[string]int    // values seen per kind and object name ("value:cf-uses")
	creds    int
	instants map[int64]string // unix seconds -> offset ("+720h")
}

func newRoles(start time.Time) *roles {
	return &roles{
		start:    start.Truncate(time.Second),
		actual:   map[string]string{},
		role:     map[string]string{},
		perName:  map[string]int{},
		instants: map[int64]string{},
	}
}

// bind gives actual the placeholder p; inline ones are replaced inside
// longer strings too (paths, headers, messages).
func (r *roles) bind(p, actual string, inline bool) {
	r.actual[p] = actual
	r.role[actual] = p
	if inline {
		r.inline = append(r.inline, actual)
		sort.SliceStable(r.inline, func(i, j int) bool { return len(r.inline[i]) > len(r.inline[j]) })
	}
}

// secret binds one of the run's own secrets (master key, password).
func (r *roles) secret(p, actual string) { r.bind(p, actual, true) }

// secrets answers every actual value that must never reach a recording.
func (r *roles) secrets() []string {
	out := make([]string, 0, len(r.inline))
	for _, a := range r.inline {
		if len(a) >= 4 {
			out = append(out, a)
		}
	}
	return out
}

var (
	keyValueRE    = regexp.MustCompile(`^[A-Z0-9]{32}$`)
	uuidRE        = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	placeholderRE = regexp.MustCompile(`\{\{([a-z-]+)(?::([^{}]*))?\}\}`)
)

// learn binds the volatile values an answer introduces: key values (named
// after their key), credentials and the token host.
func (r *roles) learn(v any) {
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			r.learn(e)
		}
	case map[string]any:
		if val, ok := v["value"].(string); ok && keyValueRE.MatchString(val) && r.role[val] == "" {
			r.bind(r.named("value", keyName(v)), val, true)
		}
		if id, ok := v["id"].(string); ok && uuidRE.MatchString(id) && r.role[id] == "" {
			r.bind(r.named("id", objectName(v)), id, true)
		}
		if tok, ok := v["AuthToken"].(string); ok && tok != "" && r.role[tok] == "" {
			r.creds++
			r.bind("{{credential:"+strconv.Itoa(r.creds)+"}}", tok, true)
		}
		if tok, ok := v["token"].(string); ok {
			if d, ok := decodeToken(tok); ok {
				if host, ok := d["server"].(string); ok && r.actual["{{token-host}}"] == "" {
					r.bind("{{token-host}}", host, false)
				}
			}
		}
		for _, e := range v {
			r.learn(e)
		}
	}
}

// named answers the placeholder of the next value of kind for the object
// called name: {{kind:name}}, then {{kind:name#2}}, ...
func (r *roles) named(kind, name string) string {
	r.perName[kind+":"+name]++
	p := "{{" + kind + ":" + name
	if n := r.perName[kind+":"+name]; n > 1 {
		p += "#" + strconv.Itoa(n)
	}
	return p + "}}"
}

// objectName names an object with an id: a network, a user or a key.
func objectName(obj map[string]any) string {
	for _, f := range []string{"netid", "username"} {
		if s, ok := obj[f].(string); ok {
			return s
		}
	}
	return keyName(obj)
}

// keyName is a key's name in either shape: the first tag, or "name".
func keyName(obj map[string]any) string {
	if tags, ok := obj["tags"].([]any); ok && len(tags) > 0 {
		if s, ok := tags[0].(string); ok {
			return s
		}
	}
	if s, ok := obj["name"].(string); ok {
		return s
	}
	return ""
}

func decodeToken(tok string) (map[string]any, bool) {
	raw, err := base64.StdEncoding.DecodeString(tok)
	if err != nil || len(raw) == 0 || raw[0] != '{' {
		return nil, false
	}
	var m map[string]any
	if decodeJSON(raw, &m) != nil {
		return nil, false
	}
	return m, true
}

// normalize answers v with every volatile value replaced by its
// placeholder, and its lists of objects in a stable order: real servers
// list from a Go map, and a new recording of the same server must be the
// same file.
func (r *roles) normalize(v any) any {
	out, _ := walkJSON("", v, true, func(field string, leaf any) (any, error) {
		return r.normalizeLeaf(field, leaf), nil
	})
	return out
}

func (r *roles) normalizeLeaf(field string, v any) any {
	switch v := v.(type) {
	case json.Number:
		if n, err := v.Int64(); err == nil {
			if off, ok := r.instants[n]; ok {
				return "{{unix:" + off + "}}"
			}
			if r.recent(time.Unix(n, 0)) {
				return "{{unix:recent}}"
			}
		}
	case string:
		return r.normalizeString(field, v)
	}
	return v
}

// walkJSON answers a copy of v (decoded JSON) with every leaf replaced by
// leaf(field, value), field naming the object member that holds it (a
// list's members take the list's). sortObjects orders lists of objects
// by content.
func walkJSON(field string, v any, sortObjects bool, leaf func(field string, v any) (any, error)) (any, error) {
	var err error
	switch v := v.(type) {
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			if out[i], err = walkJSON(field, e, sortObjects, leaf); err != nil {
				return nil, err
			}
		}
		if sortObjects {
			out = sortedByContent(out)
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			if out[k], err = walkJSON(k, e, sortObjects, leaf); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return leaf(field, v)
}

func (r *roles) normalizeString(field, s string) string {
	if p, ok := r.role[s]; ok {
		return p
	}
	if field == "token" {
		if d, ok := decodeToken(s); ok {
			b, _ := json.Marshal(r.normalize(d))
			return "{{base64:" + string(b) + "}}"
		}
	}
	if len(s) >= 20 {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil && !t.IsZero() {
			if off, ok := r.instants[t.Unix()]; ok && t.Nanosecond() == 0 {
				return "{{time:" + off + "}}"
			}
			if r.recent(t) {
				return "{{time:recent}}"
			}
		}
	}
	return r.inlineReplace(s)
}

func (r *roles) inlineReplace(s string) string {
	for _, a := range r.inline {
		if a != "" && strings.Contains(s, a) {
			s = strings.ReplaceAll(s, a, r.role[a])
		}
	}
	return s
}

// recent: within two days of the run's start (timestamps the server makes).
func (r *roles) recent(t time.Time) bool {
	d := t.Sub(r.start)
	return d > -48*time.Hour && d < 48*time.Hour
}

// substitute answers a recorded request value with its placeholders
// replaced by this run's actual values. {{unix:+D}} and {{time:+D}} make
// the instant D after the start (a number, an RFC 3339 string).
func (r *roles) substitute(v any) (any, error) {
	return walkJSON("", v, false, func(_ string, leaf any) (any, error) {
		s, ok := leaf.(string)
		if !ok {
			return leaf, nil
		}
		if m := placeholderRE.FindStringSubmatch(s); m != nil && m[0] == s && (m[1] == "unix" || m[1] == "time") {
			t, err := r.instant(m[2])
			if err != nil {
				return nil, err
			}
			if m[1] == "unix" {
				return json.Number(strconv.FormatInt(t.Unix(), 10)), nil
			}
			return t.Format(time.RFC3339), nil
		}
		return r.substituteString(s)
	})
}

// substituteString replaces every placeholder inside s (a path, a header).
func (r *roles) substituteString(s string) (string, error) {
	var missing []string
	out := placeholderRE.ReplaceAllStringFunc(s, func(p string) string {
		if a, ok := r.actual[p]; ok {
			return a
		}
		missing = append(missing, p)
		return p
	})
	if missing != nil {
		return "", fmt.Errorf("no value has the role %s yet", strings.Join(missing, ", "))
	}
	return out, nil
}

// instant answers start+offset and remembers it, so that answers carrying
// it are normalized to the same role.
func (r *roles) instant(offset string) (time.Time, error) {
	d, err := time.ParseDuration(offset)
	if err != nil || !strings.HasPrefix(offset, "+") {
		return time.Time{}, fmt.Errorf("bad instant offset %q (want +DURATION)", offset)
	}
	t := r.start.Add(d)
	r.instants[t.Unix()] = offset
	return t, nil
}

// decodeJSON decodes keeping numbers exact (json.Number), refusing trailing data.
func decodeJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("trailing data after JSON")
	}
	return nil
}
