package netmakertest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// apiError is an error answer: status code and message, as the server sends them.
type apiError struct {
	code int
	msg  string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s", e.code, e.msg) }

func errf(code int, format string, args ...any) *apiError {
	return &apiError{code: code, msg: fmt.Sprintf(format, args...)}
}

const (
	msgNoKey       = "no enrollmentkey found"
	msgNotUnique   = "key names must be unique"
	msgNoResult    = "no result found"
	msgNoRecord    = "record not found" // gorm's, where the servers read through it
	msgDefaultNets = "default enrollment keys require at least one network or tag"
)

// APIEnrollmentKey is the create and update body. The Go type name matches the real
// server's so that decoder errors read the same
// ("json: cannot unmarshal string into Go struct field APIEnrollmentKey.expiration of type int64").
type APIEnrollmentKey struct {
	Expiration    int64    `json:"expiration"`
	UsesRemaining int      `json:"uses_remaining"`
	Networks      []string `json:"networks"`
	Unlimited     bool     `json:"unlimited"`
	Tags          []string `json:"tags"`
	Type          int      `json:"type"` // decoded (a wrong JSON type is a 400) and ignored
	Relay         string   `json:"relay"`
	Groups        []string `json:"groups"`
	Default       bool     `json:"default"`
	AutoEgress    bool     `json:"auto_egress"`
	AutoAssignGw  bool     `json:"auto_assign_gw"`
}

// validateTags imitates go-playground/validator on `validate:"required,dive,min=3,max=32"`.
// A nil slice fails "required"; an empty non-nil slice passes (and later
// crashes the request, as on real servers).
func validateTags(tags []string) *apiError {
	const prefix = "validation error: name length must be between 3 and 32: "
	if tags == nil {
		return errf(400, "%sKey: 'APIEnrollmentKey.Tags' Error:Field validation for 'Tags' failed on the 'required' tag", prefix)
	}
	for i, t := range tags {
		n := utf8.RuneCountInString(t)
		tag := ""
		switch {
		case n < 3:
			tag = "min"
		case n > 32:
			tag = "max"
		default:
			continue
		}
		return errf(400, "%sKey: 'APIEnrollmentKey.Tags[%d]' Error:Field validation for 'Tags[%d]' failed on the '%s' tag", prefix, i, i, tag)
	}
	return nil
}

// createKeyLocked applies a create body. crash reports the `"tags":[]` case:
// the key is stored and the caller must then drop the connection.
func (s *Server) createKeyLocked(b APIEnrollmentKey, user string) (k *storedKey, crash bool, e *apiError) {
	if e := validateTags(b.Tags); e != nil {
		return nil, false, e
	}
	if len(b.Tags) > 0 {
		// Real servers compare the new name with every stored key's name (the
		// first tag). A network's name is taken because its auto-generated
		// key carries it; on v1.5 and current nothing else checks network
		// names. v1.7 (its source) also refuses any name that is a network
		// of a stored key.
		for _, other := range s.keys {
			if other.Name != "" && other.Name == b.Tags[0] ||
				s.namesExcludeKeyNetworks() && slices.Contains(other.Networks, b.Tags[0]) {
				return nil, false, errf(400, msgNotUnique)
			}
		}
	}
	def := false
	if s.hasDefaultRoutes() && b.Default { // v1.5 ignores it
		if len(b.Networks) == 0 {
			return nil, false, errf(400, msgDefaultNets)
		}
		def = true
	}
	relay := NilUUID
	if b.Relay != "" {
		u, err := parseUUID(b.Relay)
		if err != nil {
			return nil, false, errf(400, "%s", err.Error())
		}
		relay = u
	}
	// Type is derived; the type sent is ignored.
	now := s.now()
	var exp time.Time
	if b.Expiration > 0 {
		exp = time.Unix(b.Expiration, 0).UTC()
	}
	key := Key{
		Networks:     []string{},
		Unlimited:    b.Unlimited, // stored as sent, whatever the type
		Relay:        relay,
		AutoAssignGW: b.AutoAssignGw, // decision: create keeps it even with a relay (the doc states the reset for PUT only)
		AutoEgress:   b.AutoEgress,
	}
	switch {
	case b.UsesRemaining > 0:
		key.Type, key.UsesRemaining = TypeUses, b.UsesRemaining // expiration dropped
	case !exp.IsZero():
		key.Type, key.Expiration = TypeTimeBound, exp
	case b.Unlimited:
		key.Type = TypeUnlimited
	}
	if !key.usable(now) {
		return nil, false, errNotValid(&key)
	}
	if len(b.Networks) > 0 {
		key.Networks = slices.Clone(b.Networks)
	}
	key.Groups = slices.Clone(b.Groups) // as sent: [] stays [], absent or null is null (recorded)
	if e := s.relayError(relay, key.Networks); e != nil {
		return nil, false, e
	}
	if len(b.Tags) > 0 {
		key.Name = b.Tags[0]
	}
	key.Value = s.newValueLocked()
	k = &storedKey{Key: key, id: s.newUUIDLocked(), createdBy: user, createdAt: now, updatedAt: now}
	s.keys[k.Value] = k
	if def {
		s.makeDefaultLocked(k, k.Networks)
	}
	return k, len(b.Tags) == 0, nil
}

// relayError answers why relay cannot serve a key of networks, or nil
// when it can (or is the nil UUID): the node must exist and sit in one of
// the key's networks. An unknown node is the server's failed node lookup
// (recorded: v1.5 `no result found`, current `record not found`); a node
// of another network is `relay node not in key's networks` (the server
// source of both: a recording would need a netclient to make a node).
func (s *Server) relayError(relay string, networks []string) *apiError {
	if relay == NilUUID {
		return nil
	}
	net, ok := s.gateways[relay]
	if !ok {
		return errf(500, "%s", s.noNodeMessage())
	}
	if !slices.Contains(networks, net) {
		return errf(500, "relay node not in key's networks")
	}
	return nil
}

// makeDefaultLocked makes k the default key of nets: any other key of those
// networks that carried the flag loses it. The flag is one per key, so a
// key that joins other networks too stops being their default as well (as
// in the server source): such a network is left with no default key.
func (s *Server) makeDefaultLocked(k *storedKey, nets []string) {
	now := s.now()
	for _, other := range s.keys {
		if other == k || !other.Default {
			continue
		}
		for _, n := range nets {
			if slices.Contains(other.Networks, n) {
				other.Default = false
				other.updatedAt = now
				break
			}
		}
	}
	if !k.Default {
		k.Default = true
		k.updatedAt = now
	}
}

// updateKeyLocked applies a PUT body. What it does with "default" depends
// on the generation: v1.5 and current ignore it (current: measured on a real
// server); v1.7 sets it with true and clears it when false or absent.
func (s *Server) updateKeyLocked(value string, b APIEnrollmentKey) (*storedKey, *apiError) {
	relay := NilUUID
	if b.Relay != "" {
		u, err := parseUUID(b.Relay)
		if err != nil {
			return nil, errf(400, "%s", err.Error())
		}
		relay = u
	}
	k := s.keys[value]
	if k == nil {
		return nil, errf(500, msgNoKey)
	}
	if e := s.relayError(relay, k.Networks); e != nil {
		return nil, e
	}
	if s.putSetsDefault() && b.Default && !k.Default && len(k.Networks) == 0 && len(b.Groups) == 0 {
		// Decision (v1.7's source): the create rule, checked against the
		// new device tags too, and reported as an internal error.
		return nil, errf(500, msgDefaultNets)
	}
	// The three updatable fields are set from the body; missing ones reset.
	now := s.now()
	k.Relay = relay
	k.Groups = slices.Clone(b.Groups) // nil when missing: null
	k.AutoAssignGW = b.AutoAssignGw && relay == NilUUID
	k.updatedAt = now
	if s.putSetsDefault() {
		if b.Default && !k.Default {
			s.makeDefaultLocked(k, k.Networks)
		} else if !b.Default {
			// v1.7: an absent or false "default" clears the flag, even
			// when that leaves a network with no default key.
			k.Default = false
		}
	}
	return k, nil
}

func (s *Server) deleteKeyLocked(value string) *apiError {
	k := s.keys[value]
	if k == nil {
		return errf(400, msgNoKey)
	}
	if k.Default {
		return errf(500, "cannot delete default network key")
	}
	delete(s.keys, value)
	return nil
}

func (s *Server) regenerateLocked(value string) (*storedKey, *apiError) {
	k := s.keys[value]
	if k == nil {
		return nil, errf(400, msgNoKey)
	}
	if !k.usable(s.now()) {
		// The route validates the key it writes back as a create does
		// (EnrollmentKey.Validate), and changes nothing when it fails.
		return nil, errNotValid(&k.Key)
	}
	delete(s.keys, value)
	k.Value = s.newValueLocked()
	k.updatedAt = s.now()
	s.keys[k.Value] = k
	return k, nil
}

func (s *Server) networkDefaultLocked(network string) (*storedKey, *apiError) {
	if _, ok := s.networks[network]; !ok {
		return nil, errf(400, "network not found")
	}
	var found *storedKey
	for _, k := range s.keys {
		if k.Default && slices.Contains(k.Networks, network) && (found == nil || k.Value < found.Value) {
			found = k
		}
	}
	if found == nil {
		// Decision: a network whose default key was removed out of band.
		// Real servers look the key up and report the failed lookup as a 400.
		return nil, errf(400, msgNoKey)
	}
	return found, nil
}

// ---- Tokens and registration ------------------------------------------------

type enrollmentToken struct {
	Server string `json:"server"`
	Value  string `json:"value"`
}

func tokenFor(host, value string) string {
	b, _ := json.Marshal(enrollmentToken{Server: host, Value: value})
	return base64.StdEncoding.EncodeToString(b)
}

func (s *Server) registerLocked(token string) *apiError {
	raw, err := base64.StdEncoding.DecodeString(token)
	if err != nil {
		return errf(400, "%s", err.Error())
	}
	var t enrollmentToken
	if err := json.Unmarshal(raw, &t); err != nil {
		return errf(400, "%s", err.Error())
	}
	k := s.keys[t.Value]
	if k == nil {
		return errf(400, msgNoKey)
	}
	// As real servers do (TryToUseEnrollmentKey): a key with uses left
	// counts down; any other key admits the device while it is usable.
	now := s.now()
	if k.UsesRemaining > 0 {
		k.UsesRemaining--
		k.updatedAt = now
		return nil
	}
	if !k.usable(now) {
		return errf(400, "invalid enrollment key")
	}
	return nil
}

// usable is the server's validity rule (EnrollmentKey.IsValid), on create
// and on registration: uses left, or an expiration still ahead, or any
// type with the unlimited flag, even a time-bound key past its expiration
// (recorded: create answers 200 for such a key, and a uses_remaining of -1
// with unlimited makes an unlimited key).
// errNotValid is Netmaker's answer to writing a key that admits no device,
// with the key's own fields as Go prints them (recorded): negative uses show
// as 0, an expiration as "2001-09-09 01:46:40 +0000 UTC".
func errNotValid(k *Key) *apiError {
	return errf(500, "enrollment key is not valid: uses remaining: %d, expiration: %s, unlimited: %t",
		k.UsesRemaining, k.Expiration, k.Unlimited)
}

func (k *Key) usable(now time.Time) bool {
	switch {
	case k.UsesRemaining > 0:
		return true
	case !k.Expiration.IsZero() && now.Before(k.Expiration):
		return true
	case k.Type == TypeUndefined:
		return false
	}
	return k.Unlimited
}

// ---- Networks ---------------------------------------------------------------

// netNameChars are the characters a network name may hold.
const netNameChars = "abcdefghijklmnopqrstuvwxyz1234567890-_"

// createNetworkLocked checks a new network as real servers do (their
// createNetwork, CreateNetwork and ValidateNetwork), in their order and
// with their texts (recorded): first refusal wins, except that the name
// checks are reported together, one per line.
func (s *Server) createNetworkLocked(name, addressRange, addressRange6, user string) *apiError {
	if len(name) > 32 {
		return errf(400, "network name shouldn't exceed 32 characters")
	}
	if addressRange == "" && addressRange6 == "" {
		return errf(400, "IPv4 or IPv6 CIDR required")
	}
	var ranges [2]*net.IPNet
	for i, r := range []struct{ cidr, tooSmall string }{
		{addressRange, "cannot create network with /31 or /32 cidr"},
		{addressRange6, "cannot create network with /127 or /128 cidr"},
	} {
		if r.cidr == "" {
			continue
		}
		_, n, err := net.ParseCIDR(r.cidr)
		if err != nil {
			return errf(400, "%s", err.Error())
		}
		if ones, bits := n.Mask.Size(); bits-ones <= 1 {
			return errf(400, "%s", r.tooSmall)
		}
		ranges[i] = n
	}
	for _, other := range s.networks {
		for i, n := range ranges {
			if o := other.ranges()[i]; n != nil && o != nil && (n.Contains(o.IP) || o.Contains(n.IP)) {
				return errf(400, "network cidr already in use")
			}
		}
	}
	var invalid []string
	if name == "" {
		invalid = append(invalid, "network name cannot be empty")
	}
	if strings.IndexFunc(name, func(r rune) bool { return !strings.ContainsRune(netNameChars, r) }) >= 0 {
		invalid = append(invalid, "invalid character(s) in network name")
	}
	// An empty name is never unique: the server's lookup refuses it.
	if _, taken := s.networks[name]; taken || name == "" {
		invalid = append(invalid, "invalid network name")
	}
	if invalid != nil {
		return errf(400, "%s", strings.Join(invalid, "\n"))
	}
	now := s.now()
	nw := &network{name: name, id: s.newUUIDLocked(), created: now}
	if ranges[0] != nil {
		nw.addressRange = ranges[0].String()
	}
	if ranges[1] != nil {
		nw.addressRange6 = ranges[1].String()
	}
	s.networks[name] = nw
	// The auto-generated default key. Real servers do not check its name
	// against existing keys.
	k := &storedKey{
		Key: Key{
			Value:     s.newValueLocked(),
			Name:      name,
			Networks:  []string{name},
			Groups:    []string{},
			Type:      TypeUnlimited,
			Unlimited: true,
			Relay:     NilUUID,
			Default:   true,
		},
		id: s.newUUIDLocked(), createdBy: user, createdAt: now, updatedAt: now,
	}
	s.keys[k.Value] = k
	return nil
}

// deleteNetworkLocked deletes the network, if there is one: real servers
// run the whole deletion, cascade included, for any name (recorded:
// deleting an unknown network answers 200 and deletes the keys that join
// only it).
func (s *Server) deleteNetworkLocked(name string) {
	delete(s.networks, name)
	for v, k := range s.keys {
		if k.Default && slices.Contains(k.Networks, name) {
			delete(s.keys, v)
		}
	}
	s.pending++
	go func() {
		time.Sleep(s.opts.CascadeDelay)
		s.mu.Lock()
		defer s.mu.Unlock()
		s.cascadeLocked(name)
		s.pending--
		if s.pending == 0 {
			s.idle.Broadcast()
		}
	}()
}

// cascadeLocked is the asynchronous part of a network deletion, as real
// servers run it (UnlinkNetworkAndTagsFromEnrollmentKeys, recorded in
// testdata/conformance): every key that joins the network or carries one
// of its device tags ("<network>.<tag>") loses both; such a key left with
// no network is deleted, even one that never had a network. The device
// tags of a key it touches become [] rather than null. Decision: the
// network's nodes go with it, so keys relaying through one of its gateways
// get the nil UUID.
func (s *Server) cascadeLocked(name string) {
	if _, back := s.networks[name]; back {
		return // recreated meanwhile: leave its keys alone
	}
	for id, n := range s.gateways {
		if n == name {
			s.removeGatewayLocked(id)
		}
	}
	now := s.now()
	for v, k := range s.keys {
		nets := slices.DeleteFunc(slices.Clone(k.Networks), func(n string) bool { return n == name })
		groups := slices.DeleteFunc(slices.Clone(k.Groups), func(g string) bool {
			network, _, _ := strings.Cut(g, ".")
			return network == name
		})
		if len(nets) == len(k.Networks) && len(groups) == len(k.Groups) {
			continue
		}
		if len(nets) == 0 {
			delete(s.keys, v)
			continue
		}
		k.Networks = nets
		k.Groups = append([]string{}, groups...)
		k.updatedAt = now
	}
}

// ---- Random identifiers -----------------------------------------------------

const valueAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func (s *Server) newValueLocked() string {
	for {
		b := make([]byte, 32)
		for i := range b {
			b[i] = valueAlphabet[s.rng.IntN(len(valueAlphabet))]
		}
		if _, taken := s.keys[string(b)]; !taken {
			return string(b)
		}
	}
}

func validValue(v string) bool {
	if len(v) != 32 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if !strings.ContainsRune(valueAlphabet, rune(v[i])) {
			return false
		}
	}
	return true
}

func (s *Server) newUUIDLocked() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(s.rng.Uint32())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (s *Server) randomString(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[s.rng.IntN(len(alphabet))]
	}
	return string(b)
}

// parseUUID imitates github.com/google/uuid.Parse and answers the canonical form.
func parseUUID(in string) (string, error) {
	str := in
	switch len(str) {
	case 36:
	case 36 + 9: // urn:uuid:
		if len(str) < 9 || !equalFoldASCII(str[:9], "urn:uuid:") {
			return "", fmt.Errorf("invalid urn prefix: %q", str[:9])
		}
		str = str[9:]
	case 36 + 2: // {...}
		if str[0] != '{' || str[len(str)-1] != '}' {
			return "", fmt.Errorf("invalid UUID format")
		}
		str = str[1 : len(str)-1]
	case 32:
		if !isHex(str) {
			return "", fmt.Errorf("invalid UUID format")
		}
		str = str[0:8] + "-" + str[8:12] + "-" + str[12:16] + "-" + str[16:20] + "-" + str[20:]
	default:
		return "", fmt.Errorf("invalid UUID length: %d", len(in))
	}
	if str[8] != '-' || str[13] != '-' || str[18] != '-' || str[23] != '-' {
		return "", fmt.Errorf("invalid UUID format")
	}
	if !isHex(str[0:8] + str[9:13] + str[14:18] + str[19:23] + str[24:]) {
		return "", fmt.Errorf("invalid UUID format")
	}
	return toLowerASCII(str), nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune("0123456789abcdefABCDEF", rune(s[i])) {
			return false
		}
	}
	return true
}

func toLowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func equalFoldASCII(a, b string) bool { return toLowerASCII(a) == toLowerASCII(b) }

// sortedKeys answers the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
