package netmaker

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// nilUUID is what servers store and send for "no gateway".
const nilUUID = "00000000-0000-0000-0000-000000000000"

// wireKey holds every field of both JSON shapes of a key. The list shape
// carries the name as tags[0], device tags as groups, the gateway as relay
// and auto_assign_gw; the detail shape (v1.7's update, regenerate and
// network-default answers) carries name,
// device tags as tags, gateway_id (string or null) and auto_assign_gateway.
// The presence of "name" tells them apart.
type wireKey struct {
	Name              json.RawMessage `json:"name"`
	Value             flexString      `json:"value"`
	Token             flexString      `json:"token"`
	Tags              flexStrings     `json:"tags"`
	Groups            flexStrings     `json:"groups"`
	Networks          flexStrings     `json:"networks"`
	Type              flexInt         `json:"type"`
	Unlimited         flexBool        `json:"unlimited"`
	UsesRemaining     flexInt         `json:"uses_remaining"`
	Expiration        flexTime        `json:"expiration"`
	Relay             flexString      `json:"relay"`
	GatewayID         flexString      `json:"gateway_id"`
	AutoAssignGW      flexBool        `json:"auto_assign_gw"`
	AutoAssignGateway flexBool        `json:"auto_assign_gateway"`
	AutoEgress        flexBool        `json:"auto_egress"`
	Default           flexBool        `json:"default"`
}

func (w *wireKey) model() (EnrollmentKey, error) {
	k := EnrollmentKey{
		Value:         string(w.Value),
		Token:         string(w.Token),
		Networks:      nonNil(w.Networks),
		Type:          keyTypeFromWire(w.Type),
		Unlimited:     bool(w.Unlimited),
		UsesRemaining: int64(w.UsesRemaining),
		Expiration:    time.Time(w.Expiration),
		AutoEgress:    bool(w.AutoEgress),
		Default:       bool(w.Default),
	}
	if w.Name != nil {
		// Detail shape.
		var name flexString
		if err := json.Unmarshal(w.Name, &name); err != nil {
			return EnrollmentKey{}, fmt.Errorf("field name: %w", err)
		}
		k.Name = string(name)
		k.Tags = nonNil(w.Tags)
		k.GatewayID = gatewayFromWire(string(w.GatewayID))
		if k.GatewayID == "" {
			// Tolerate a detail answer that still says relay.
			k.GatewayID = gatewayFromWire(string(w.Relay))
		}
		k.AutoAssignGateway = bool(w.AutoAssignGateway) || bool(w.AutoAssignGW)
	} else {
		if len(w.Tags) > 0 {
			k.Name = w.Tags[0]
		}
		k.Tags = nonNil(w.Groups)
		k.GatewayID = gatewayFromWire(string(w.Relay))
		k.AutoAssignGateway = bool(w.AutoAssignGW)
	}
	return k, nil
}

// IsNoGateway reports whether id is the value servers store and send for
// "no gateway": the nil UUID. The client speaks of no gateway as "" (a key's
// GatewayID, a request's) and maps it to and from the nil UUID on the wire,
// so a caller never needs the sentinel; IsNoGateway lets it refuse one that
// a user spelled out.
func IsNoGateway(id string) bool { return strings.TrimSpace(id) == nilUUID }

func gatewayFromWire(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || IsNoGateway(s) {
		return ""
	}
	return s
}

func gatewayToWire(s string) string {
	if s == "" {
		return nilUUID
	}
	return s
}

func nonNil(s []string) []string {
	out := make([]string, 0, len(s))
	return append(out, s...)
}

// decodeKey decodes one key in either shape.
func decodeKey(body []byte) (EnrollmentKey, error) {
	if isNull(body) {
		return EnrollmentKey{}, errors.New("empty answer where a key was expected")
	}
	var w wireKey
	if err := json.Unmarshal(body, &w); err != nil {
		return EnrollmentKey{}, cleanJSONError(err)
	}
	return w.model()
}

// decodeKeys decodes a list answer: a JSON array. Netmaker answers an array
// even for no keys, so null (or nothing) is no list: taking it for "no
// keys" would drop every managed key from state. Null elements are skipped.
func decodeKeys(body []byte) ([]EnrollmentKey, error) {
	if isNull(body) {
		return nil, errors.New("no key list in the answer (null or empty, where Netmaker always answers an array)")
	}
	var ws []*wireKey
	if err := json.Unmarshal(body, &ws); err != nil {
		return nil, cleanJSONError(err)
	}
	out := make([]EnrollmentKey, 0, len(ws))
	for _, w := range ws {
		if w == nil {
			continue
		}
		k, err := w.model()
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, nil
}

func isNull(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) == 0 || string(b) == "null"
}

// cleanJSONError keeps a decoding error's kind and position but never the
// text of the answer.
func cleanJSONError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("malformed JSON at offset %d", syn.Offset)
	case errors.As(err, &typ):
		return fmt.Errorf("field %s: unexpected JSON %s", typ.Field, typ.Value)
	default:
		return errors.New("malformed JSON answer")
	}
}

// ---- tolerant scalar types ------------------------------------------------

// flexString accepts a string or null.
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	if isNull(b) {
		*s = ""
		return nil
	}
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return errors.New("expected a string")
	}
	*s = flexString(v)
	return nil
}

// flexStrings accepts an array of strings (null elements dropped) or null.
type flexStrings []string

func (s *flexStrings) UnmarshalJSON(b []byte) error {
	if isNull(b) {
		*s = nil
		return nil
	}
	var v []*string
	if err := json.Unmarshal(b, &v); err != nil {
		return errors.New("expected a list of strings")
	}
	out := make([]string, 0, len(v))
	for _, e := range v {
		if e != nil {
			out = append(out, *e)
		}
	}
	*s = out
	return nil
}

// flexBool accepts a bool, null, or a string "true"/"false".
type flexBool bool

func (f *flexBool) UnmarshalJSON(b []byte) error {
	if isNull(b) {
		*f = false
		return nil
	}
	var v bool
	if err := json.Unmarshal(b, &v); err == nil {
		*f = flexBool(v)
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		if p, err := strconv.ParseBool(strings.TrimSpace(s)); err == nil {
			*f = flexBool(p)
			return nil
		}
	}
	return errors.New("expected a boolean")
}

// keyTypeFromWire keeps a type number the server never sends (nor one
// that would wrap in a 32-bit int) from passing for a known type.
func keyTypeFromWire(t flexInt) KeyType {
	if t < flexInt(KeyTypeUndefined) || t > flexInt(KeyTypeUnlimited) {
		return KeyTypeUndefined
	}
	return KeyType(t)
}

// flexInt accepts an integral number (also written as 2.0), null, or a
// numeric string. It is 64 bits wide on every platform: release builds
// include 32-bit targets, where int would silently wrap large counters.
type flexInt int64

func (f *flexInt) UnmarshalJSON(b []byte) error {
	if isNull(b) {
		*f = 0
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		b = []byte(strings.TrimSpace(s))
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return errors.New("expected an integer")
	}
	if i, err := n.Int64(); err == nil {
		*f = flexInt(i)
		return nil
	}
	fl, err := n.Float64()
	if err != nil || fl != float64(int64(fl)) || fl > 1<<53 || fl < -(1<<53) {
		return errors.New("expected an integer")
	}
	*f = flexInt(int64(fl))
	return nil
}

// flexTime accepts an RFC 3339 string (with or without fractional seconds,
// any offset, or no offset meaning UTC), a few other layouts servers have
// been seen to use, unix seconds as a number, "" or null. The zero time
// ("0001-01-01T00:00:00Z") and the unix epoch mean "none" (time.Time{}).
// Times are answered in UTC.
type flexTime time.Time

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999 -0700 MST",
	"2006-01-02 15:04:05.999999999 -0700",
	"2006-01-02 15:04:05.999999999",
}

func (f *flexTime) UnmarshalJSON(b []byte) error {
	if isNull(b) {
		*f = flexTime{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return errors.New("expected a timestamp")
		}
		sec, err := n.Int64()
		if err != nil {
			fl, ferr := n.Float64()
			if ferr != nil || fl > 1e15 || fl < -1e15 {
				return errors.New("expected a timestamp")
			}
			sec = int64(fl)
		}
		if sec > 1e15 || sec < -1e15 {
			return errors.New("timestamp out of range")
		}
		*f = flexTime(normalTime(time.Unix(sec, 0)))
		return nil
	}
	t, err := parseTime(s)
	if err != nil {
		return err
	}
	*f = flexTime(t)
	return nil
}

func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	// Go's time.String appends a monotonic clock reading ("m=+1.2").
	if i := strings.Index(s, " m="); i >= 0 {
		s = s[:i]
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return normalTime(t), nil
		}
	}
	return time.Time{}, errors.New("expiration is not a recognised timestamp")
}

func normalTime(t time.Time) time.Time {
	if t.IsZero() || t.Unix() == 0 || t.Year() <= 1 {
		return time.Time{}
	}
	return t.UTC()
}

// ---- request bodies ---------------------------------------------------------

// createBody is the create request. Pointer fields are left out when nil.
type createBody struct {
	Tags          []string `json:"tags"`
	Networks      []string `json:"networks"`
	Type          int      `json:"type"`
	Unlimited     bool     `json:"unlimited"`
	UsesRemaining *int64   `json:"uses_remaining,omitempty"`
	Expiration    *int64   `json:"expiration,omitempty"`
	Groups        []string `json:"groups"`
	Relay         string   `json:"relay"`
	AutoAssignGW  bool     `json:"auto_assign_gw"`
	AutoEgress    bool     `json:"auto_egress"`
	Default       *bool    `json:"default,omitempty"`
}

func newCreateBody(req CreateKeyRequest) (*createBody, error) {
	if strings.TrimSpace(req.Name) == "" {
		return nil, fmt.Errorf("%w: an enrollment key needs a name", ErrValidation)
	}
	b := &createBody{
		Tags:         []string{req.Name},
		Networks:     nonNil(req.Networks),
		Type:         int(req.Type),
		Groups:       nonNil(req.Tags),
		Relay:        gatewayToWire(req.GatewayID),
		AutoAssignGW: req.AutoAssignGateway,
		AutoEgress:   req.AutoEgress,
	}
	switch req.Type {
	case KeyTypeUnlimited:
		b.Unlimited = true
	case KeyTypeUses:
		if req.Uses <= 0 {
			return nil, fmt.Errorf("%w: a key limited by uses needs at least one use (got %d)", ErrValidation, req.Uses)
		}
		uses := req.Uses
		b.UsesRemaining = &uses
	case KeyTypeTimeBound:
		if req.Expiration.IsZero() || req.Expiration.Unix() <= 0 {
			return nil, fmt.Errorf("%w: a time-bound key needs an expiration", ErrValidation)
		}
		exp := req.Expiration.Unix()
		b.Expiration = &exp
	default:
		return nil, fmt.Errorf("%w: unknown key type %d", ErrValidation, req.Type)
	}
	if req.Default {
		t := true
		b.Default = &t
	}
	return b, nil
}

// updateBody is the PUT request: always all three fields the server
// changes (it resets any that are missing), and always "default": v1.7
// clears the flag of a default key when it is absent or false.
type updateBody struct {
	Relay        string   `json:"relay"`
	Groups       []string `json:"groups"`
	AutoAssignGW bool     `json:"auto_assign_gw"`
	Default      bool     `json:"default"`
}

func newUpdateBody(req UpdateKeyRequest, isDefault bool) *updateBody {
	return &updateBody{
		Relay:        gatewayToWire(req.GatewayID),
		Groups:       nonNil(req.Tags),
		AutoAssignGW: req.AutoAssignGateway,
		Default:      isDefault,
	}
}

// isDetailShape tells a key answered in the detail shape (it has "name").
func isDetailShape(body []byte) bool {
	var probe struct {
		Name json.RawMessage `json:"name"`
	}
	return json.Unmarshal(body, &probe) == nil && probe.Name != nil
}

// ---- networks -----------------------------------------------------------------

type wireNetwork struct {
	NetID        flexString `json:"netid"`
	AddressRange flexString `json:"addressrange"`
}

type authBody struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type authAnswer struct {
	Response *struct {
		AuthToken string `json:"AuthToken"`
	} `json:"Response"`
}

type errorAnswer struct {
	Code    json.RawMessage `json:"Code"`
	Message *string         `json:"Message"`
}
