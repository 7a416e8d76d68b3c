package netmakertest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// route is one API route, matched by hand the way gorilla/mux does: a path
// that matches with another method is a 405 with an empty body; a path
// that matches nothing is a 404 `404 page not found`.
type route struct {
	method        string
	pattern       string
	segs          []string
	defaultRoutes bool // exists only where hasDefaultRoutes (current, v1.7)
	noAuth        bool
	handle        func(s *Server, w http.ResponseWriter, r *http.Request, vars map[string]string, user string)
}

var routes = buildRoutes()

func buildRoutes() []route {
	rs := []route{
		{method: "GET", pattern: "/api/v1/enrollment-keys", handle: (*Server).handleList},
		{method: "POST", pattern: "/api/v1/enrollment-keys", handle: (*Server).handleCreate},
		{method: "PUT", pattern: "/api/v1/enrollment-keys/{value}", handle: (*Server).handleUpdate},
		{method: "DELETE", pattern: "/api/v1/enrollment-keys/{value}", handle: (*Server).handleDelete},
		{method: "POST", pattern: "/api/v1/enrollment-keys/{value}/regenerate-token", defaultRoutes: true, handle: (*Server).handleRegenerate},
		{method: "GET", pattern: "/api/v1/enrollment-keys/network/{network}/default", defaultRoutes: true, handle: (*Server).handleNetworkDefault},
		{method: "POST", pattern: "/api/v1/host/register/{token}", noAuth: true, handle: (*Server).handleRegister},
		{method: "POST", pattern: "/api/users/adm/createsuperadmin", noAuth: true, handle: (*Server).handleCreateSuperAdmin},
		{method: "POST", pattern: "/api/users/adm/authenticate", noAuth: true, handle: (*Server).handleAuthenticate},
		{method: "POST", pattern: "/api/v1/users/access_token", handle: (*Server).handleCreateAccessToken},
		{method: "POST", pattern: "/api/networks", handle: (*Server).handleCreateNetwork},
		{method: "GET", pattern: "/api/networks", handle: (*Server).handleListNetworks},
		{method: "GET", pattern: "/api/networks/{netid}", handle: (*Server).handleGetNetwork},
		{method: "DELETE", pattern: "/api/networks/{netid}", handle: (*Server).handleDeleteNetwork},
	}
	for i := range rs {
		rs[i].segs = strings.Split(strings.TrimPrefix(rs[i].pattern, "/"), "/")
	}
	return rs
}

func (rt *route) match(segs []string) (map[string]string, bool) {
	if len(segs) != len(rt.segs) {
		return nil, false
	}
	var vars map[string]string
	for i, p := range rt.segs {
		if strings.HasPrefix(p, "{") {
			if segs[i] == "" {
				return nil, false
			}
			if vars == nil {
				vars = map[string]string{}
			}
			vars[strings.Trim(p, "{}")] = segs[i]
			continue
		}
		if p != segs[i] {
			return nil, false
		}
	}
	return vars, true
}

// resolve answers the route for the request (nil if none), its variables,
// the stats key and, when no route handles it, the status (404 or 405).
func (s *Server) resolve(r *http.Request) (rt *route, vars map[string]string, statKey string, status int) {
	segs := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	var pathMatch *route
	for i := range routes {
		cand := &routes[i]
		if cand.defaultRoutes && !s.hasDefaultRoutes() {
			continue
		}
		v, ok := cand.match(segs)
		if !ok {
			continue
		}
		if cand.method == r.Method {
			return cand, v, r.Method + " " + cand.pattern, 0
		}
		if pathMatch == nil {
			pathMatch = cand
		}
	}
	if pathMatch != nil {
		return nil, nil, r.Method + " " + pathMatch.pattern, http.StatusMethodNotAllowed
	}
	return nil, nil, r.Method + " (unrouted)", http.StatusNotFound
}

// serveHTTP lets the interceptor, if any, see the request first.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	intercept := s.intercept
	s.mu.Unlock()
	next := http.HandlerFunc(s.serveRequest)
	if intercept == nil || !intercept(w, r, next) {
		next(w, r)
	}
}

func (s *Server) serveRequest(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/sandbox/") {
		s.serveSandbox(w, r)
		return
	}
	rt, vars, statKey, status := s.resolve(r)
	// Kept for LastRequestBody; the handlers read the copy.
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRecordedBody))
	if err != nil {
		hangUp(w, true)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))

	s.mu.Lock()
	s.stats[statKey]++
	s.lastBodies[statKey] = string(body)
	fault := s.drawFaultLocked()
	retryAfter := s.faults.RetryAfter
	s.mu.Unlock()

	lost := false
	switch fault {
	case faultTooMany:
		if retryAfter == "" {
			retryAfter = "1"
		}
		w.Header().Set("Retry-After", retryAfter)
		http.Error(w, "429 Too Many Requests", http.StatusTooManyRequests)
		return
	case fault502, fault503, fault504:
		code := map[int]int{fault502: 502, fault503: 503, fault504: 504}[fault]
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(code)
		_, _ = io.WriteString(w, "<html><body><h1>"+http.StatusText(code)+"</h1></body></html>\n")
		return
	case faultReset:
		hangUp(w, true)
		return
	case faultLost:
		lost = true
	}

	s.takeTime(rt != nil && rt.method == http.MethodGet && rt.pattern == "/api/v1/enrollment-keys")

	out := w
	var sink *discardWriter
	if lost {
		sink = &discardWriter{h: http.Header{}}
		out = sink
	}
	switch status {
	case http.StatusNotFound:
		http.NotFound(out, r)
	case http.StatusMethodNotAllowed:
		out.WriteHeader(http.StatusMethodNotAllowed)
	default:
		user, ok := "", true
		if !rt.noAuth {
			user, ok = s.authenticate(r)
		}
		if !ok {
			writeError(out, errf(http.StatusUnauthorized, "unauthorized"))
		} else {
			rt.handle(s, out, r, vars, user)
		}
	}
	if lost {
		hangUp(w, true)
	}
}

// maxRecordedBody bounds what a request body may be (and what
// LastRequestBody keeps); real bodies are a few hundred bytes.
const maxRecordedBody = 1 << 20

// ---- Faults -----------------------------------------------------------------

const (
	faultNone = iota
	faultTooMany
	fault502
	fault503
	fault504
	faultReset
	faultLost
)

func (s *Server) drawFaultLocked() int {
	f := s.faults
	if f.Rate <= 0 || s.rng.Float64() >= f.Rate {
		return faultNone
	}
	all := !f.TooManyRequests && !f.BadGateway && !f.ConnectionReset && !f.ResponseLost
	var kinds []int
	if all || f.TooManyRequests {
		kinds = append(kinds, faultTooMany)
	}
	if all || f.BadGateway {
		kinds = append(kinds, fault502+s.rng.IntN(3))
	}
	if all || f.ConnectionReset {
		kinds = append(kinds, faultReset)
	}
	if all || f.ResponseLost {
		kinds = append(kinds, faultLost)
	}
	return kinds[s.rng.IntN(len(kinds))]
}

// hangUp closes the client connection without an answer. reset sends a TCP
// RST (a proxy dropping the connection); otherwise a plain close (a server
// goroutine that panicked). A discarding writer cannot hang up: the real
// connection is closed by the caller.
func hangUp(w http.ResponseWriter, reset bool) {
	_ = closeConn(w, reset)
}

// HangUp closes the connection of w with a TCP reset and no answer, as a
// proxy dropping it does (for an Interceptor). It fails when w cannot be
// hijacked.
func HangUp(w http.ResponseWriter) error { return closeConn(w, true) }

func closeConn(w http.ResponseWriter, reset bool) error {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return fmt.Errorf("netmakertest: %T cannot hang up", w)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return fmt.Errorf("netmakertest: hijack: %w", err)
	}
	if tc, ok := conn.(*net.TCPConn); ok && reset {
		_ = tc.SetLinger(0)
	}
	return conn.Close()
}

// PassThrough serves r with next, the answer going to w, and answers the
// status code sent: 0 when there was no answer (a hang-up). For an
// Interceptor that watches answers.
func PassThrough(w http.ResponseWriter, r *http.Request, next http.Handler) int {
	sw := &statusWriter{ResponseWriter: w}
	next.ServeHTTP(sw, r)
	return sw.status
}

// statusWriter remembers the status of the answer it passes on, and lets
// the server hang up through it.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, fmt.Errorf("netmakertest: %T cannot hang up", w.ResponseWriter)
	}
	return hj.Hijack()
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}

// ---- Answers ----------------------------------------------------------------

type errorBody struct {
	Code     int    `json:"Code"`
	Message  string `json:"Message"`
	Response any    `json:"Response"`
}

func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.code, errorBody{Code: e.code, Message: e.msg})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	writeEncoded(w, code, "application/json", v)
}

// writeBare answers v as the key routes and the network list do: their
// handlers set no Content-Type, so Go's server sniffs the JSON as text
// (both recordings in testdata/conformance).
func writeBare(w http.ResponseWriter, v any) {
	writeEncoded(w, http.StatusOK, "text/plain; charset=utf-8", v)
}

func writeEncoded(w http.ResponseWriter, code int, contentType string, v any) {
	var buf bytes.Buffer
	_ = json.NewEncoder(&buf).Encode(v)
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// listShape is a key as list and create answer it (every answer but on v1.7).
type listShape struct {
	Value         string    `json:"value"`
	Token         string    `json:"token"`
	Tags          []string  `json:"tags"`
	Groups        []string  `json:"groups"`
	Networks      []string  `json:"networks"`
	Type          int       `json:"type"`
	Unlimited     bool      `json:"unlimited"`
	UsesRemaining int       `json:"uses_remaining"`
	Expiration    time.Time `json:"expiration"`
	Relay         string    `json:"relay"`
	AutoAssignGW  bool      `json:"auto_assign_gw"`
	AutoEgress    bool      `json:"auto_egress"`
	Default       bool      `json:"default"`
}

// detailShape is a key as v1.7's update, regenerate and network-default
// answer it.
type detailShape struct {
	ID                string    `json:"id"`
	Name              string    `json:"name"`
	Value             string    `json:"value"`
	Token             string    `json:"token"`
	Default           bool      `json:"default"`
	Unlimited         bool      `json:"unlimited"`
	UsesRemaining     int       `json:"uses_remaining"`
	Expiration        time.Time `json:"expiration"`
	Networks          []string  `json:"networks"`
	Tags              []string  `json:"tags"`       // the device tags (groups)
	GatewayID         *string   `json:"gateway_id"` // decision: null when there is no relay
	AutoAssignGateway bool      `json:"auto_assign_gateway"`
	AutoEgress        bool      `json:"auto_egress"`
	Type              int       `json:"type"`
	CreatedBy         string    `json:"created_by"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
	TenantID          string    `json:"tenant_id"` // decision: one UUID per server
}

func toList(k *storedKey, host string) listShape {
	tags := []string{}
	if k.Name != "" {
		tags = []string{k.Name}
	}
	nets := k.Networks
	if nets == nil {
		nets = []string{}
	}
	return listShape{
		Value: k.Value, Token: tokenFor(host, k.Value), Tags: tags,
		Groups: cloneOrNil(k.Groups), Networks: append([]string{}, nets...),
		Type: k.Type, Unlimited: k.Unlimited, UsesRemaining: k.UsesRemaining,
		Expiration: k.Expiration.UTC(), Relay: k.Relay, AutoAssignGW: k.AutoAssignGW,
		AutoEgress: k.AutoEgress, Default: k.Default,
	}
}

func (s *Server) toDetail(k *storedKey, host string) detailShape {
	var gw *string
	if k.Relay != NilUUID && k.Relay != "" {
		r := k.Relay
		gw = &r
	}
	nets := k.Networks
	if nets == nil {
		nets = []string{}
	}
	return detailShape{
		ID: k.id, Name: k.Name, Value: k.Value, Token: tokenFor(host, k.Value),
		Default: k.Default, Unlimited: k.Unlimited, UsesRemaining: k.UsesRemaining,
		Expiration: k.Expiration.UTC(), Networks: append([]string{}, nets...),
		Tags: cloneOrNil(k.Groups), GatewayID: gw, AutoAssignGateway: k.AutoAssignGW,
		AutoEgress: k.AutoEgress, Type: k.Type, CreatedBy: k.createdBy,
		CreatedAt: k.createdAt.UTC(), UpdatedAt: k.updatedAt.UTC(), TenantID: s.tenantID,
	}
}

func cloneOrNil(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string{}, s...)
}

// ---- Auth -------------------------------------------------------------------

// masterUser is the user name real servers record for master-key requests;
// accessTokenUser is the one recorded here for Options.AccessTokens.
const (
	masterUser      = "masteradministrator"
	accessTokenUser = "access-token-user"
)

func (s *Server) authenticate(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	_, cred, ok := strings.Cut(h, " ")
	if !ok || cred == "" {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.opts.MasterKey != "" && cred == s.opts.MasterKey {
		return masterUser, true
	}
	if t, ok := s.tokens[cred]; ok && (t.expires.IsZero() || s.now().Before(t.expires)) {
		return t.user, true
	}
	if sess, ok := s.jwts[cred]; ok {
		if s.now().Before(sess.expires) {
			return sess.user, true
		}
		delete(s.jwts, cred)
	}
	return "", false
}

// loginAnswer is the {"Code","Message","Response":{"UserName","AuthToken"}}
// answer of login and access-token creation.
func loginAnswer(msg, user, token string) map[string]any {
	return map[string]any{
		"Code":    200,
		"Message": msg,
		"Response": map[string]string{
			"UserName":  user,
			"AuthToken": token,
		},
	}
}

// userBody is the {"username","password"} body of login and super-admin creation.
type userBody struct {
	UserName string `json:"username"`
	Password string `json:"password"`
}

// decodeUserBody reads a userBody, answering the decoder's error as a real
// server does when it cannot.
func decodeUserBody(w http.ResponseWriter, r *http.Request) (userBody, bool) {
	var body userBody
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeError(w, errf(400, "%s", err.Error()))
		return body, false
	}
	return body, true
}

func (s *Server) handleAuthenticate(w http.ResponseWriter, r *http.Request, _ map[string]string, _ string) {
	body, ok := decodeUserBody(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	pw, ok := s.users[body.UserName]
	if !ok || body.UserName == "" || pw != body.Password {
		s.mu.Unlock()
		writeError(w, errf(400, "incorrect credentials"))
		return
	}
	jwt := "eyJ" + s.randomString(60)
	s.jwts[jwt] = session{user: body.UserName, expires: s.now().Add(s.opts.JWTLifetime)}
	s.mu.Unlock()
	writeJSON(w, 200, loginAnswer("W1R3: Device "+body.UserName+" Authorized", body.UserName, jwt))
}

// userCharsetRE is the server's in_charset check on user names; an e-mail
// address passes instead.
var (
	userCharsetRE = regexp.MustCompile(`^[a-zA-Z0-9.-]+$`)
	emailRE       = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

// validateUser imitates go-playground/validator on the server's User
// (`username: min=3,max=40,in_charset|email`, `password: required,min=5`).
func validateUser(name, password string) *apiError {
	field := func(f, tag string) *apiError {
		return errf(400, "Key: 'User.%s' Error:Field validation for '%s' failed on the '%s' tag", f, f, tag)
	}
	n := utf8.RuneCountInString(name)
	switch {
	case n < 3:
		return field("UserName", "min")
	case n > 40:
		return field("UserName", "max")
	case !userCharsetRE.MatchString(name) && !emailRE.MatchString(name):
		return field("UserName", "in_charset|email")
	case password == "":
		return field("Password", "required")
	case utf8.RuneCountInString(password) < 5:
		return field("Password", "min")
	}
	return nil
}

// handleCreateSuperAdmin is POST /api/users/adm/createsuperadmin (no auth):
// the first user of a fresh server.
func (s *Server) handleCreateSuperAdmin(w http.ResponseWriter, r *http.Request, _ map[string]string, _ string) {
	body, ok := decodeUserBody(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	var e *apiError
	if len(s.users) > 0 {
		e = errf(400, "superadmin user already exists")
	} else if e = validateUser(body.UserName, body.Password); e == nil {
		s.users[body.UserName] = body.Password
	}
	s.mu.Unlock()
	if e != nil {
		writeError(w, e)
		return
	}
	// The server answers the user as it returns users, no password
	// (recorded on v1.5 and current).
	now := s.now()
	writeJSON(w, 200, map[string]any{
		"username":                      body.UserName,
		"display_name":                  "",
		"account_disabled":              false,
		"isadmin":                       true,
		"issuperadmin":                  true,
		"is_mfa_enabled":                false,
		"auth_type":                     "basic_auth",
		"external_identity_provider_id": "",
		"remote_gw_ids":                 nil,
		"user_group_ids":                map[string]any{},
		"platform_role_id":              "super-admin",
		"network_roles":                 nil,
		"num_access_tokens":             0,
		"last_login_time":               time.Time{},
		"created_by":                    "",
		"created_at":                    now,
		"updated_at":                    now,
	})
}

// handleCreateAccessToken is POST /api/v1/users/access_token: a logged-in
// user issues a personal access token for user_name, valid until expires_at.
func (s *Server) handleCreateAccessToken(w http.ResponseWriter, r *http.Request, _ map[string]string, caller string) {
	var body struct {
		Name      string    `json:"name"`
		UserName  string    `json:"user_name"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeError(w, errf(400, "%s", err.Error()))
		return
	}
	switch {
	case body.Name == "":
		writeError(w, errf(400, "name is required"))
		return
	case body.UserName == "":
		writeError(w, errf(400, "username is required"))
		return
	}
	s.mu.Lock()
	_, callerOK := s.users[caller]
	_, userOK := s.users[body.UserName]
	var token string
	if callerOK && userOK {
		token = "eyJ" + s.randomString(80)
		exp := body.ExpiresAt
		if exp.IsZero() {
			exp = time.Unix(0, 0) // a JWT that expired at the epoch: never usable
		}
		s.tokens[token] = session{user: body.UserName, expires: exp}
	}
	s.mu.Unlock()
	if token == "" {
		// The caller (master key, Options.AccessTokens) or the user is no
		// stored user: the server's user lookup fails.
		writeError(w, errf(401, msgNoRecord))
		return
	}
	writeJSON(w, 200, loginAnswer("api access token has generated for user "+body.UserName, body.UserName, token))
}

// ---- Key handlers -----------------------------------------------------------

func (s *Server) handleList(w http.ResponseWriter, r *http.Request, _ map[string]string, _ string) {
	s.mu.Lock()
	out := make([]listShape, 0, len(s.keys))
	for _, k := range s.keys {
		out = append(out, toList(k, r.Host))
	}
	// A Go map on real servers: the order changes from call to call.
	// Sort first so that a non-zero Seed gives a reproducible order.
	sortByValue(out)
	s.rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	s.mu.Unlock()
	writeBare(w, out)
}

func sortByValue(ks []listShape) {
	sort.Slice(ks, func(i, j int) bool { return ks[i].Value < ks[j].Value })
}

func decodeKeyBody(r *http.Request) (APIEnrollmentKey, *apiError) {
	var b APIEnrollmentKey
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		return b, errf(400, "%s", serverTypeNames(err))
	}
	return b, nil
}

// serverTypeNames words a decoder error as the server's does: "type" and
// the device tags are named types of its package models there (recorded:
// `... APIEnrollmentKey.type of type models.KeyType`).
func serverTypeNames(err error) string {
	msg := err.Error()
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) || te.Type == nil {
		return msg
	}
	name, ok := map[string]string{"type": "models.KeyType", "groups": "models.TagID"}[te.Field]
	if !ok {
		return msg
	}
	return strings.TrimSuffix(msg, te.Type.String()) + name
}

func (s *Server) handleCreate(w http.ResponseWriter, r *http.Request, _ map[string]string, user string) {
	b, e := decodeKeyBody(r)
	if e != nil {
		writeError(w, e)
		return
	}
	s.mu.Lock()
	k, crash, e := s.createKeyLocked(b, user)
	var ans listShape
	if e == nil {
		ans = toList(k, r.Host)
	}
	s.mu.Unlock()
	switch {
	case e != nil:
		writeError(w, e)
	case crash:
		// `"tags":[]`: the key is stored, then the request panics on the
		// missing name; the client gets no answer.
		hangUp(w, false)
	default:
		writeBare(w, ans)
	}
}

func (s *Server) handleUpdate(w http.ResponseWriter, r *http.Request, vars map[string]string, _ string) {
	b, e := decodeKeyBody(r)
	if e != nil {
		writeError(w, e)
		return
	}
	s.answerKey(w, r, func() (*storedKey, *apiError) { return s.updateKeyLocked(vars["value"], b) })
}

func (s *Server) handleDelete(w http.ResponseWriter, _ *http.Request, vars map[string]string, _ string) {
	s.mu.Lock()
	e := s.deleteKeyLocked(vars["value"])
	s.mu.Unlock()
	if e != nil {
		writeError(w, e)
		return
	}
	w.WriteHeader(http.StatusOK) // empty body
}

func (s *Server) handleRegenerate(w http.ResponseWriter, r *http.Request, vars map[string]string, _ string) {
	s.answerKey(w, r, func() (*storedKey, *apiError) { return s.regenerateLocked(vars["value"]) })
}

func (s *Server) handleNetworkDefault(w http.ResponseWriter, r *http.Request, vars map[string]string, _ string) {
	s.answerKey(w, r, func() (*storedKey, *apiError) { return s.networkDefaultLocked(vars["network"]) })
}

// answerKey runs op under the lock and answers its key as update,
// regenerate and network default do on this generation.
func (s *Server) answerKey(w http.ResponseWriter, r *http.Request, op func() (*storedKey, *apiError)) {
	s.mu.Lock()
	k, e := op()
	var ans any
	if e == nil {
		ans = s.answerShape(k, r.Host)
	}
	s.mu.Unlock()
	if e != nil {
		writeError(w, e)
		return
	}
	writeBare(w, ans)
}

// answerShape is how update, regenerate and network-default answer a key:
// the detail shape on v1.7, the list shape elsewhere.
func (s *Server) answerShape(k *storedKey, host string) any {
	if s.detailAnswers() {
		return s.toDetail(k, host)
	}
	return toList(k, host)
}

func (s *Server) handleRegister(w http.ResponseWriter, _ *http.Request, vars map[string]string, _ string) {
	s.mu.Lock()
	e := s.registerLocked(vars["token"])
	s.mu.Unlock()
	if e != nil {
		writeError(w, e)
		return
	}
	// Real servers answer the host's configuration; nothing here reads it.
	writeJSON(w, 200, map[string]any{"ServerConf": map[string]any{}, "RequestedHost": map[string]any{}})
}

// ---- Network handlers -------------------------------------------------------

// networkShape is a network as v1.5 answers it (recorded). Only netid
// and addressrange are the caller's; the rest are the defaults a network
// created with just those two gets.
type networkShape struct {
	NetID                       string    `json:"netid"`
	ID                          string    `json:"id"`
	AddressRange                string    `json:"addressrange"`
	AddressRange6               string    `json:"addressrange6"`
	DefaultKeepAlive            int       `json:"defaultkeepalive"`
	DefaultMTU                  int       `json:"defaultmtu"`
	AutoJoin                    bool      `json:"auto_join"`
	AutoRemove                  bool      `json:"auto_remove"`
	AutoRemoveTags              []string  `json:"auto_remove_tags"`
	AutoRemoveThreshold         int       `json:"auto_remove_threshold"`
	JITEnabled                  bool      `json:"jit_enabled"`
	VirtualNATPoolIPv4          string    `json:"virtual_nat_pool_ipv4"`
	VirtualNATSitePrefixLenIPv4 int       `json:"virtual_nat_site_prefixlen_ipv4"`
	NodesUpdatedAt              time.Time `json:"nodes_updated_at"`
	CreatedBy                   string    `json:"created_by"` // always "": the server never sets it
	CreatedAt                   time.Time `json:"created_at"`
	UpdatedAt                   time.Time `json:"updated_at"`
}

// networkShapeJIT is a network as current answers it (recorded), and
// v1.7 (decision: as current).
type networkShapeJIT struct {
	networkShape
	JITUserGroupIDs []string `json:"jit_user_group_ids"` // null
}

func (s *Server) toNetwork(n *network) any {
	ns := networkShape{
		NetID: n.name, ID: n.id, AddressRange: n.addressRange, AddressRange6: n.addressRange6,
		DefaultKeepAlive: 20, DefaultMTU: 1280, AutoJoin: true, AutoRemoveTags: []string{},
		NodesUpdatedAt: n.created.UTC(), CreatedAt: n.created, UpdatedAt: n.created,
	}
	if !s.networksHaveJIT() {
		return ns
	}
	return networkShapeJIT{networkShape: ns}
}

func (s *Server) handleCreateNetwork(w http.ResponseWriter, r *http.Request, _ map[string]string, user string) {
	var body struct {
		NetID         string `json:"netid"`
		AddressRange  string `json:"addressrange"`
		AddressRange6 string `json:"addressrange6"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeError(w, errf(400, "%s", err.Error()))
		return
	}
	s.mu.Lock()
	e := s.createNetworkLocked(body.NetID, body.AddressRange, body.AddressRange6, user)
	var ans any
	if e == nil {
		ans = s.toNetwork(s.networks[body.NetID])
	}
	s.mu.Unlock()
	if e != nil {
		writeError(w, e)
		return
	}
	writeJSON(w, 200, ans)
}

func (s *Server) handleListNetworks(w http.ResponseWriter, _ *http.Request, _ map[string]string, _ string) {
	s.mu.Lock()
	names := sortedKeys(s.networks)
	out := make([]any, 0, len(names))
	for _, name := range names {
		out = append(out, s.toNetwork(s.networks[name]))
	}
	s.mu.Unlock()
	writeBare(w, out)
}

func (s *Server) handleGetNetwork(w http.ResponseWriter, _ *http.Request, vars map[string]string, _ string) {
	s.mu.Lock()
	n, ok := s.networks[vars["netid"]]
	var ans any
	if ok {
		ans = s.toNetwork(n)
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, errf(404, msgNoRecord)) // recorded
		return
	}
	writeJSON(w, 200, ans)
}

func (s *Server) handleDeleteNetwork(w http.ResponseWriter, _ *http.Request, vars map[string]string, _ string) {
	s.mu.Lock()
	s.deleteNetworkLocked(vars["netid"])
	s.mu.Unlock()
	writeJSON(w, 200, errorBody{Code: 200, Message: "success"})
}

// ---- Sandbox ----------------------------------------------------------------

// serveSandbox answers /sandbox/* (no auth, no faults, not counted):
// GET /sandbox/stats, POST /sandbox/stats/reset, and GET or POST
// /sandbox/latency (the body as ParseLatency reads it: off, real, or
// PER_REQUEST,PER_KEY_LISTED), which answers the latency in force.
func (s *Server) serveSandbox(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/sandbox/stats" && r.Method == http.MethodGet:
		writeJSON(w, 200, s.Stats())
	case r.URL.Path == "/sandbox/stats/reset" && r.Method == http.MethodPost:
		s.ResetStats()
		w.WriteHeader(http.StatusNoContent)
	case r.URL.Path == "/sandbox/latency" && (r.Method == http.MethodGet || r.Method == http.MethodPost):
		if r.Method == http.MethodPost {
			body, _ := io.ReadAll(io.LimitReader(r.Body, 256))
			l, err := ParseLatency(string(body))
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			s.SetLatency(l)
		}
		s.mu.Lock()
		l := s.latency
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, l.String()+"\n")
	default:
		http.NotFound(w, r)
	}
}
