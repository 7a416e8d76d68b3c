// Package netmakertest is an in-memory Netmaker API that behaves like real
// servers, quirks included (../shared/netmaker-api.md). It never imports the
// provider's client, so that it can catch the client's mistakes.
//
// Three server generations (Options.Generation):
//   - GenerationV15: list, create, update, delete; no regenerate or
//     network-default route; "default" ignored on create and update; every
//     answer in the list shape.
//   - GenerationCurrent (the development line, measured on a real server):
//     the regenerate and network-default routes; "default": true on create
//     makes the new key the default of its networks; PUT ignores "default"
//     entirely (neither sets nor clears it); every answer in the list shape.
//   - GenerationV17 (as the official provider's client describes it): the
//     routes of current; update, regenerate and network-default answers in
//     the detail shape; PUT with "default": true makes the key the default of
//     its networks, and a PUT without "default" or with false clears the flag.
//
// Where the API document is silent, the server does what a real server most
// plausibly does, choosing the least kind behaviour. Those decisions:
//   - `"tags":[]` on create: the key is stored with no name (listed with
//     "tags": []) and the connection is closed with no answer.
//   - A relay on create is stored with auto_assign_gw as sent (the reset to
//     false is documented for update only).
//   - "default" on update: current ignores it (a default key stays one, a
//     non-default key cannot become one, and no networks is no error). v1.7
//     follows its server source: true on a non-default key with neither
//     networks nor device tags (groups) is 500 `default enrollment keys
//     require at least one network or tag`; absent or false clears the
//     flag, leaving the network with no default key (the key can then be
//     deleted, and the network-default GET fails as below).
//   - A key that becomes a default takes the flag from every default key
//     sharing one of its networks; the flag is one per key, so such a key
//     stops being the default of its other networks too, which are then left
//     with no default key (as in the server source).
//   - v1.5 ignores "default" on create and update.
//   - Name uniqueness on v1.5 and current compares stored key names only; a
//     network's name is taken through its auto-generated key (measured on
//     current). v1.7 (its source) also refuses a new key named like a
//     network that any stored key joins (400 `key names must be unique`).
//   - Register: a key with uses left counts down; any other key admits a
//     device while it is valid by the rule create applies (Key.usable, the
//     server's IsValid: an expiration ahead, or the unlimited flag on any
//     type). Otherwise 400 `invalid enrollment key`; an unknown key is 400
//     `no enrollmentkey found`.
//   - Network default GET for a network with no default key (removed out of
//     band, or cleared by a v1.7 PUT): 400 `no enrollmentkey found`.
//   - Deleting a network also removes its gateways (keys relaying through
//     them get the nil UUID) when the asynchronous cascade runs.
//   - gateway_id in the detail shape is null when there is no relay; the
//     detail "tags" (device tags) is null when groups are null; tenant_id is
//     one random UUID per server.
//   - created_by is the logged-in user (or the user an access token was
//     issued to), "masteradministrator" for the master key,
//     "access-token-user" for Options.AccessTokens.
//   - Users: Options.Users are super admins (so createsuperadmin refuses
//     once there is one); createsuperadmin checks the username (3–40 of
//     [a-z0-9.-], any case, or an e-mail address) and the password (at least
//     5 characters) with the validator's texts (400), and a second super
//     admin is 400 `superadmin user already exists`, as the server source has it.
//   - Access tokens (POST /api/v1/users/access_token) need a logged-in
//     user's credential (a JWT or a token issued here): the master key and
//     Options.AccessTokens name no user and get 401 `record not found` (recorded), as
//     an unknown user_name does; name or user_name missing is 400
//     `name is required` / `username is required`. A token for another user
//     is allowed (every user here is a super admin). The token works until
//     expires_at on the server clock; a missing or past expires_at makes a
//     token that never works (the server signs what it is given).
//   - /sandbox/* routes need no auth, are never faulted, never delayed
//     (Options.Latency) and are not counted.
package netmakertest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"sync"
	"time"
)

// Generation selects which server line to imitate.
type Generation string

const (
	GenerationV15     Generation = "v1.5"
	GenerationCurrent Generation = "current"
	GenerationV17     Generation = "v1.7"
)

// Generations answers every generation the server imitates, oldest line first.
func Generations() []Generation {
	return []Generation{GenerationV15, GenerationCurrent, GenerationV17}
}

// Valid reports whether g is one of Generations().
func (g Generation) Valid() bool { return slices.Contains(Generations(), g) }

// Options configures a Server. Zero values are usable defaults.
type Options struct {
	Generation   Generation        // default GenerationCurrent; NewServer panics on an unknown one
	MasterKey    string            // accepted as a credential when non-empty
	AccessTokens []string          // personal access tokens accepted as credentials (never expire)
	Users        map[string]string // super admins, username -> password, for POST /api/users/adm/authenticate
	JWTLifetime  time.Duration     // how long a login JWT is valid; default 1h (on the server's clock)
	Now          func() time.Time  // the server's clock; default time.Now
	Seed         int64             // seeds list order, values and faults; 0: random
	Faults       Faults
	// CascadeDelay is how long after a network deletion the asynchronous
	// cascade (removing the network from keys) runs; default 50ms.
	CascadeDelay time.Duration
	// Intercept sees every request first (see Interceptor); SetIntercept
	// replaces it while the server runs.
	Intercept Interceptor
	// Latency makes requests take a real server's time (see Latency,
	// RealServerLatency); zero (the default): no delay.
	Latency Latency
}

// Interceptor sees a request before the server does, as a proxy in front
// of it would. It answers false to let the request through to the server
// (after a delay, say, or with its body changed), or true when it dealt
// with the request itself: answered it, hung up (HangUp), or passed it on
// with next and watched or replaced the answer (PassThrough, or an
// httptest.ResponseRecorder to apply a request and answer something else).
// next serves a request as the server would, faults, counting and auth
// included. An interceptor that reads r.Body must put it back before it
// answers false or calls next. It may be called from several goroutines at
// once.
type Interceptor func(w http.ResponseWriter, r *http.Request, next http.Handler) bool

// Faults makes the server misbehave like a real network and proxy.
type Faults struct {
	Rate float64 // probability, per request, of one fault chosen among those enabled below
	// Kinds to draw from; all false with Rate > 0 means all of them.
	TooManyRequests bool // 429 with Retry-After: 1 (nothing applied)
	BadGateway      bool // 502/503/504 (nothing applied)
	ConnectionReset bool // connection closed without answer (nothing applied)
	ResponseLost    bool // request applied, then connection closed without answer
	// RetryAfter is the Retry-After header value sent with 429; "" means "1".
	RetryAfter string
}

// Key is a key as stored, in list-shape terms (for out-of-band test changes).
type Key struct {
	Value         string
	Name          string
	Networks      []string
	Groups        []string
	Type          int
	Unlimited     bool
	UsesRemaining int
	Expiration    time.Time
	Relay         string // UUID; the nil UUID for none
	AutoAssignGW  bool
	AutoEgress    bool
	Default       bool
}

// Key types as servers number them.
const (
	TypeUndefined = 0
	TypeTimeBound = 1
	TypeUses      = 2
	TypeUnlimited = 3
)

// NilUUID is the relay value meaning "no relay".
const NilUUID = "00000000-0000-0000-0000-000000000000"

// storedKey is a key with the fields only the detail shape shows.
type storedKey struct {
	Key
	id        string
	createdBy string
	createdAt time.Time
	updatedAt time.Time
}

// session is a credential issued by the server: a login JWT or a personal
// access token. A zero expires never ends (Options.AccessTokens).
type session struct {
	user    string
	expires time.Time
}

type network struct {
	name          string
	id            string // a UUID
	addressRange  string // normalized CIDRs; "" for none
	addressRange6 string
	created       time.Time
}

// ranges answers the network's IPv4 and IPv6 ranges (nil for none).
func (n *network) ranges() [2]*net.IPNet {
	var out [2]*net.IPNet
	for i, r := range []string{n.addressRange, n.addressRange6} {
		if r != "" {
			_, out[i], _ = net.ParseCIDR(r)
		}
	}
	return out
}

// Server is a running test server (an httptest.Server underneath).
type Server struct {
	opts     Options
	now      func() time.Time
	handler  http.Handler
	ts       *httptest.Server
	apiHost  string // host embedded in tokens made out of band (Register needs none)
	tenantID string // the detail shape's tenant_id

	mu         sync.Mutex
	idle       *sync.Cond // signaled when pending reaches 0
	pending    int        // network-deletion cascades not yet run
	rng        *rand.Rand
	keys       map[string]*storedKey // by value
	networks   map[string]*network
	gateways   map[string]string  // node UUID -> network
	users      map[string]string  // super admins: username -> password
	jwts       map[string]session // JWT -> user and expiry
	tokens     map[string]session // personal access tokens -> user and expiry
	stats      map[string]int
	lastBodies map[string]string // by stats key
	faults     Faults
	intercept  Interceptor
	latency    Latency
	busyUntil  time.Time // when the requests taking their Latency are done
}

// NewServer starts a server on 127.0.0.1 with a random port.
func NewServer(opts Options) *Server {
	s, h := NewHandler(opts)
	s.ts = httptest.NewServer(h)
	if u, err := url.Parse(s.ts.URL); err == nil {
		s.apiHost = u.Host
	}
	return s
}

// NewHandler builds the API without listening (for the sandbox command).
// Tokens embed the Host header of the request they answer.
func NewHandler(opts Options) (*Server, http.Handler) {
	if opts.Generation == "" {
		opts.Generation = GenerationCurrent
	}
	if !opts.Generation.Valid() {
		panic(fmt.Sprintf("netmakertest: unknown generation %q (want one of %v)", opts.Generation, Generations()))
	}
	if opts.JWTLifetime == 0 {
		opts.JWTLifetime = time.Hour
	}
	if opts.CascadeDelay == 0 {
		opts.CascadeDelay = 50 * time.Millisecond
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	seed := uint64(opts.Seed)
	if seed == 0 {
		seed = rand.Uint64()
	}
	s := &Server{
		opts:       opts,
		now:        now,
		rng:        rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		keys:       map[string]*storedKey{},
		networks:   map[string]*network{},
		gateways:   map[string]string{},
		users:      map[string]string{},
		jwts:       map[string]session{},
		tokens:     map[string]session{},
		stats:      map[string]int{},
		lastBodies: map[string]string{},
		faults:     opts.Faults,
		intercept:  opts.Intercept,
		latency:    opts.Latency,
	}
	s.idle = sync.NewCond(&s.mu)
	s.tenantID = s.newUUIDLocked()
	for _, t := range opts.AccessTokens {
		if t != "" {
			s.tokens[t] = session{user: accessTokenUser}
		}
	}
	for u, pw := range opts.Users {
		s.users[u] = pw
	}
	s.handler = http.HandlerFunc(s.serveHTTP)
	return s, s.handler
}

// URL is the base URL, e.g. http://127.0.0.1:4321 ("" for NewHandler servers).
func (s *Server) URL() string {
	if s.ts == nil {
		return ""
	}
	return s.ts.URL
}

// Close waits for pending cascades and stops the server.
func (s *Server) Close() {
	s.WaitIdle()
	if s.ts != nil {
		s.ts.CloseClientConnections()
		s.ts.Close()
	}
}

// Generation answers the imitated server line.
func (s *Server) Generation() Generation { return s.opts.Generation }

// What each generation does (see the package doc).

// hasDefaultRoutes: the regenerate and network-default routes exist, and
// create honours "default": true (current and v1.7).
func (s *Server) hasDefaultRoutes() bool { return s.opts.Generation != GenerationV15 }

// putSetsDefault: PUT sets "default": true and clears an absent or false
// one (v1.7 only; current ignores it).
func (s *Server) putSetsDefault() bool { return s.opts.Generation == GenerationV17 }

// namesExcludeKeyNetworks: a new key's name may not be a network any
// stored key joins (v1.7 only; elsewhere names are unique among key names).
func (s *Server) namesExcludeKeyNetworks() bool { return s.opts.Generation == GenerationV17 }

// detailAnswers: update, regenerate and network-default answer the detail
// shape (v1.7 only; every other answer is in the list shape).
func (s *Server) detailAnswers() bool { return s.opts.Generation == GenerationV17 }

// networksHaveJIT: networks answer jit_user_group_ids (current, and v1.7
// as current; v1.5 has no such field).
func (s *Server) networksHaveJIT() bool { return s.opts.Generation != GenerationV15 }

// noNodeMessage is how a failed node lookup reads: v1.5's own database
// layer says `no result found`; current reads nodes through gorm, `record
// not found` (both recorded). v1.7: decision, as current.
func (s *Server) noNodeMessage() string {
	if s.opts.Generation == GenerationV15 {
		return msgNoResult
	}
	return msgNoRecord
}

// ---- Out-of-band operations -------------------------------------------------

// Out-of-band operations: what an administrator or a device does outside
// Terraform. They bypass HTTP, faults and auth, and apply the same rules
// (auto-generated default key, cascades) as the HTTP routes.
func (s *Server) CreateNetwork(name, addressRange string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.createNetworkLocked(name, addressRange, "", "masteradministrator"); e != nil {
		return e
	}
	return nil
}

// DeleteNetwork deletes the network and its default key at once; the rest
// of the cascade (removing the network and its device tags from keys,
// deleting keys left with no network) runs asynchronously, as on real
// servers. WaitIdle waits for it.
func (s *Server) DeleteNetwork(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.networks[name]; !ok {
		return fmt.Errorf("no network named %q", name)
	}
	s.deleteNetworkLocked(name)
	return nil
}

// WaitIdle waits until every pending network-deletion cascade has run.
func (s *Server) WaitIdle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.pending > 0 {
		s.idle.Wait()
	}
}

// AddGateway registers a relay/gateway node in network and answers its UUID.
func (s *Server) AddGateway(network string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.newUUIDLocked()
	s.gateways[id] = network
	return id
}

// RemoveGateway deletes the node; keys that pointed at it get the nil UUID.
func (s *Server) RemoveGateway(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.removeGatewayLocked(id)
}

func (s *Server) removeGatewayLocked(id string) {
	delete(s.gateways, id)
	for _, k := range s.keys {
		if k.Relay == id {
			k.Relay = NilUUID
			k.updatedAt = s.now()
		}
	}
}

// Keys answers a snapshot of every key, sorted by name (then value).
func (s *Server) Keys() []Key {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Key, 0, len(s.keys))
	for _, k := range s.keys {
		out = append(out, cloneKey(k.Key))
	}
	sortKeys(out)
	return out
}

func sortKeys(ks []Key) {
	sort.Slice(ks, func(i, j int) bool {
		if ks[i].Name != ks[j].Name {
			return ks[i].Name < ks[j].Name
		}
		return ks[i].Value < ks[j].Value
	})
}

// KeyByName answers the key named name.
func (s *Server) KeyByName(name string) (Key, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.keyByNameLocked(name)
	if k == nil {
		return Key{}, false
	}
	return cloneKey(k.Key), true
}

// UpdateKeyByName changes a key as an administrator or the database would:
// no validation beyond the value staying unique and well-formed.
func (s *Server) UpdateKeyByName(name string, f func(*Key)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.keyByNameLocked(name)
	if k == nil {
		return fmt.Errorf("no key named %q", name)
	}
	nk := cloneKey(k.Key)
	f(&nk)
	if nk.Value != k.Value {
		if _, taken := s.keys[nk.Value]; taken || !validValue(nk.Value) {
			return errors.New("new value is taken or malformed")
		}
		delete(s.keys, k.Value)
		s.keys[nk.Value] = k
	}
	if nk.Relay == "" {
		nk.Relay = NilUUID
	}
	k.Key = nk
	k.updatedAt = s.now()
	return nil
}

// DeleteKeyByName deletes a key, default keys included.
func (s *Server) DeleteKeyByName(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.keyByNameLocked(name)
	if k == nil {
		return fmt.Errorf("no key named %q", name)
	}
	delete(s.keys, k.Value)
	return nil
}

// SetDefault makes the key named name the default key of network, as the
// UI does: the previous default key of that network loses the flag. The
// key must already join network.
func (s *Server) SetDefault(network, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.keyByNameLocked(name)
	if k == nil {
		return fmt.Errorf("no key named %q", name)
	}
	if !slices.Contains(k.Networks, network) {
		return fmt.Errorf("key %q does not join network %q", name, network)
	}
	s.makeDefaultLocked(k, []string{network})
	return nil
}

// DefaultKeys answers every key carrying the default flag that joins
// network, sorted by name (then value). A network has exactly one default
// key unless something went wrong (or a v1.7 PUT cleared it: then none).
func (s *Server) DefaultKeys(network string) []Key {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Key
	for _, k := range s.keys {
		if k.Default && slices.Contains(k.Networks, network) {
			out = append(out, cloneKey(k.Key))
		}
	}
	sortKeys(out)
	return out
}

// Register is a device joining with token: uses_remaining counts down.
func (s *Server) Register(token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.registerLocked(token); e != nil {
		return e
	}
	return nil
}

// AddAccessToken accepts t as a personal access token from now on.
func (s *Server) AddAccessToken(t string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[t] = session{user: accessTokenUser}
}

// RevokeAccessToken stops accepting t.
func (s *Server) RevokeAccessToken(t string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tokens, t)
}

// Stats answers request counts keyed by "METHOD /route/{pattern}".
// Requests to no route count as "METHOD (unrouted)"; /sandbox/* is not counted.
func (s *Server) Stats() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.stats))
	for k, v := range s.stats {
		out[k] = v
	}
	return out
}

// LastRequestBody answers the body of the last request counted under
// route, a Stats key such as "PUT /api/v1/enrollment-keys/{value}" (so a
// test can check what a client sent, e.g. that a PUT carried "default").
// ok is false when no such request came since the start or ResetStats.
func (s *Server) LastRequestBody(route string) (body string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	body, ok = s.lastBodies[route]
	return body, ok
}

// ResetStats zeroes the request counts and forgets the last bodies.
func (s *Server) ResetStats() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats = map[string]int{}
	s.lastBodies = map[string]string{}
}

// SetFaults replaces the fault settings.
func (s *Server) SetFaults(f Faults) { setLocked(s, &s.faults, f) }

// SetIntercept replaces the interceptor (Options.Intercept) for the
// requests that follow; nil lets every request through. Requests already
// being intercepted finish with the interceptor they started with.
func (s *Server) SetIntercept(f Interceptor) { setLocked(s, &s.intercept, f) }

// setLocked replaces the server setting at field with v under the
// server's lock: the setters' one way to change what requests read.
func setLocked[T any](s *Server, field *T, v T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	*field = v
}

// Token computes the token of a key value for this server's API host.
func (s *Server) Token(value string) string { return tokenFor(s.apiHost, value) }

func cloneKey(k Key) Key {
	k.Networks = slices.Clone(k.Networks)
	k.Groups = slices.Clone(k.Groups)
	return k
}

func (s *Server) keyByNameLocked(name string) *storedKey {
	var found *storedKey
	for _, k := range s.keys {
		if k.Name == name && (found == nil || k.Value < found.Value) {
			found = k
		}
	}
	return found
}
