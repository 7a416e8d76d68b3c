package netmaker

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

const (
	defaultRequestTimeout = 30 * time.Second
	retryWaitMin          = 250 * time.Millisecond
	retryWaitMax          = 5 * time.Second
	maxRetryAfter         = 30 * time.Second
	maxAnswerBytes        = 64 << 20
)

// Route patterns: what logs and errors show instead of the real path.
const (
	routeKeys           = "/api/v1/enrollment-keys"
	routeKey            = "/api/v1/enrollment-keys/{value}"
	routeRegenerate     = "/api/v1/enrollment-keys/{value}/regenerate-token"
	routeNetworkDefault = "/api/v1/enrollment-keys/network/{network}/default"
	routeAuthenticate   = "/api/users/adm/authenticate"
	routeNetworks       = "/api/networks"
	routeNetwork        = "/api/networks/{netid}"
)

// call is one logical request (all its attempts). Hooks of the retrying
// client find it in the request's context.
type call struct {
	method string
	route  string
	// attempts made so far and when the current one started.
	attempts int
	start    time.Time
	// uncertain lists, per attempt, whether the server may have applied it
	// although no answer came (connection error, 502, 504).
	uncertain []bool
}

type callKey struct{}

// answer is a completed exchange.
type answer struct {
	status int
	body   []byte
	header http.Header
	// notJSON: a success status whose Content-Type says the body is
	// neither JSON nor Go's sniffed text/plain (what Netmaker's handlers
	// send): a proxy's or login page's answer, never Netmaker's.
	notJSON bool
	// priorUncertain: an attempt before the last one may have been applied
	// by the server without its answer reaching us.
	priorUncertain bool
	attempts       int
}

func (a *answer) ok() bool { return a.status >= 200 && a.status < 300 && !a.notJSON }

// jsonContentType tells whether a success answer of this Content-Type can be
// Netmaker's: JSON, or text/plain (Netmaker sets no type on most successes,
// and Go's server sniffs JSON as text/plain), or none at all (an empty body).
func jsonContentType(ct string) bool {
	if ct == "" {
		return true
	}
	media, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return media == "application/json" || strings.HasSuffix(media, "+json") || media == "text/plain"
}

func newHTTPClient(cfg Config, timeout time.Duration) (*http.Client, error) {
	if cfg.HTTPClient != nil {
		hc := *cfg.HTTPClient
		if hc.Timeout == 0 {
			hc.Timeout = timeout
		}
		hc.CheckRedirect = refuseRedirect
		return &hc, nil
	}
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.InsecureSkipVerify {
		tlsCfg.InsecureSkipVerify = true // #nosec G402 -- explicitly requested by the user
	}
	if strings.TrimSpace(cfg.CACertPEM) != "" {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM([]byte(cfg.CACertPEM)) {
			return nil, configError(FieldCACertPEM, ProblemInvalid, "ca_cert_pem holds no PEM certificate")
		}
		tlsCfg.RootCAs = pool
	}
	var tr *http.Transport
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		tr = dt.Clone()
	} else {
		tr = &http.Transport{Proxy: http.ProxyFromEnvironment}
	}
	tr.TLSClientConfig = tlsCfg
	return &http.Client{Transport: tr, Timeout: timeout, CheckRedirect: refuseRedirect}, nil
}

func newRetryClient(hc *http.Client, maxRetries int) *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:   hc,
		Logger:       nil, // its own logs carry real URLs; we log in the hooks
		RetryWaitMin: retryWaitMin,
		RetryWaitMax: retryWaitMax,
		RetryMax:     maxRetries,
		CheckRetry:   checkRetry,
		Backoff:      backoff,
		ErrorHandler: func(resp *http.Response, err error, _ int) (*http.Response, error) {
			return resp, err
		},
		RequestLogHook: func(_ retryablehttp.Logger, req *http.Request, _ int) {
			if c, ok := req.Context().Value(callKey{}).(*call); ok {
				c.attempts++
				c.start = time.Now()
			}
		},
	}
}

// checkRetry retries connection errors, timeouts and resets, and 429, 502,
// 503 and 504. It never retries other statuses (Netmaker reports validation
// failures as 500), TLS failures, or anything once ctx is done. It also
// logs the attempt.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	c, _ := ctx.Value(callKey{}).(*call)
	retry, uncertain := classify(ctx, resp, err)
	if c != nil {
		c.uncertain = append(c.uncertain, uncertain)
		fields := map[string]any{
			"method":      c.method,
			"route":       c.route,
			"attempt":     c.attempts,
			"duration_ms": time.Since(c.start).Milliseconds(),
			"will_retry":  retry,
		}
		if resp != nil {
			fields["status"] = resp.StatusCode
		} else if err != nil {
			fields["error"] = transportError(err).Error()
		}
		tflog.Debug(ctx, "Netmaker API attempt", fields)
	}
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	return retry, nil
}

func classify(ctx context.Context, resp *http.Response, err error) (retry, uncertain bool) {
	if err != nil {
		if ctx.Err() != nil {
			return false, true
		}
		if isTLSError(err) || isPlainHTTPAnswer(err) {
			return false, false
		}
		var re *redirectError
		if errors.As(err, &re) {
			return false, false // nothing was applied: the redirect answered
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			msg := ue.Error()
			if strings.Contains(msg, "unsupported protocol scheme") ||
				strings.Contains(msg, "stopped after") || // too many redirects
				strings.Contains(msg, "invalid header") {
				return false, false
			}
		}
		return true, true
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		return ctx.Err() == nil, false
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		// A proxy may answer any of these after forwarding the request
		// (503 included: an upstream that died mid-request), so the server
		// may have applied it.
		return ctx.Err() == nil, true
	}
	return false, false
}

// isPlainHTTPAnswer tells an https:// request answered in plain HTTP: the
// server (or its port) has no TLS; retrying cannot help.
func isPlainHTTPAnswer(err error) bool {
	return strings.Contains(err.Error(), "server gave HTTP response to HTTPS client")
}

func isTLSError(err error) bool {
	var (
		unknownAuth x509.UnknownAuthorityError
		hostname    x509.HostnameError
		invalid     x509.CertificateInvalidError
		verify      *tls.CertificateVerificationError
		recordHdr   tls.RecordHeaderError
		alert       tls.AlertError
		sysRoots    x509.SystemRootsError
	)
	return errors.As(err, &unknownAuth) || errors.As(err, &hostname) || errors.As(err, &invalid) ||
		errors.As(err, &verify) || errors.As(err, &recordHdr) || errors.As(err, &alert) ||
		errors.As(err, &sysRoots) || strings.Contains(err.Error(), "x509: ") ||
		strings.Contains(err.Error(), "tls: ")
}

// backoff is exponential with jitter between retryWaitMin and retryWaitMax;
// a Retry-After on 429 or 503 is honoured up to maxRetryAfter.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := retryAfter(resp.Header.Get("Retry-After")); ok {
			return min(d, maxRetryAfter)
		}
	}
	if attempt > 30 {
		attempt = 30
	}
	d := minWait << attempt
	if d <= 0 || d > maxWait {
		d = maxWait
	}
	// Full jitter in the upper half: [d/2, d].
	half := d / 2
	if half > 0 {
		d = half + time.Duration(rand.Int64N(int64(half)+1))
	}
	return max(d, minWait)
}

func retryAfter(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s < 0 {
			return 0, false
		}
		if s > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true
		}
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}

// transportError strips the URL (it holds key values) from a transport
// error, keeping the cause (and errors.Is for context errors).
func transportError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// roundTrip sends one logical request with retries, using credential.
// It answers every completed exchange (any status); err is a transport
// failure or a done context.
func (c *Client) roundTrip(ctx context.Context, method, route, path string, body []byte, credential string) (*answer, error) {
	cl := &call{method: method, route: method + " " + route}
	ctx = context.WithValue(c.logContext(ctx), callKey{}, cl)
	var raw any
	if body != nil {
		raw = body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, method, c.base+path, raw)
	if err != nil {
		return nil, fmt.Errorf("%s %s on %s: building the request failed", method, route, c.host)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", c.cfg.UserAgent)
	}
	if credential != "" {
		req.Header.Set("Authorization", "Bearer "+credential)
	}
	resp, err := c.http.Do(req)
	priorUncertain := false
	if n := len(cl.uncertain); n > 1 {
		for _, u := range cl.uncertain[:n-1] {
			priorUncertain = priorUncertain || u
		}
	}
	if err != nil {
		if resp != nil && resp.Body != nil {
			_ = resp.Body.Close()
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s %s on %s: %w", method, route, c.host, ctx.Err())
		}
		if isPlainHTTPAnswer(err) {
			return nil, fmt.Errorf("%s %s on %s: the server answers plain HTTP, not HTTPS: use http:// in host if it has "+
				"no TLS (or the port of its TLS listener): %w", method, route, c.host, transportError(err))
		}
		return nil, fmt.Errorf("%s %s on %s failed after %d attempt(s): %w",
			method, route, c.host, max(cl.attempts, 1), transportError(err))
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes+1))
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s %s on %s: %w", method, route, c.host, ctx.Err())
		}
		return nil, fmt.Errorf("%s %s on %s: reading the answer failed: %w", method, route, c.host, transportError(err))
	}
	if len(data) > maxAnswerBytes {
		return nil, &APIError{
			Method: method, Route: method + " " + route, Host: c.host, StatusCode: resp.StatusCode, Kind: ErrServer,
			Message: fmt.Sprintf("answer too large: more than %d MiB", maxAnswerBytes>>20),
			Hint:    "the provider reads at most that much; is host the Netmaker API?",
		}
	}
	tflog.Debug(ctx, "Netmaker API response", map[string]any{
		"method":   method,
		"route":    method + " " + route,
		"status":   resp.StatusCode,
		"attempts": cl.attempts,
		"bytes":    len(data),
	})
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	return &answer{
		status:         resp.StatusCode,
		body:           data,
		header:         resp.Header,
		notJSON:        ok && !jsonContentType(resp.Header.Get("Content-Type")),
		priorUncertain: priorUncertain,
		attempts:       cl.attempts,
	}, nil
}

// do sends an authenticated request. With username and password, a 401
// makes it log in again once and repeat the request.
func (c *Client) do(ctx context.Context, method, route, path string, in any) (*answer, error) {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return nil, fmt.Errorf("%s %s: encoding the request: %w", method, route, err)
		}
	}
	uncertain := false
	for relogged := false; ; relogged = true {
		cred, err := c.credential(ctx)
		if err != nil {
			return nil, err
		}
		a, err := c.roundTrip(ctx, method, route, path, body, cred)
		if err != nil {
			return nil, err
		}
		a.priorUncertain = a.priorUncertain || uncertain
		if a.status == http.StatusUnauthorized && c.usesLogin() && !relogged {
			uncertain = a.priorUncertain
			if _, err := c.relogin(ctx, cred); err != nil {
				return nil, err
			}
			continue
		}
		return a, nil
	}
}

// apiError maps a non-success answer to an *APIError.
func (c *Client) apiError(method, route string, a *answer, redact ...string) *APIError {
	msg := serverMessage(a.body)
	msg = c.redact(msg, redact...)
	e := &APIError{
		Method:     method,
		Route:      method + " " + route,
		Host:       c.host,
		StatusCode: a.status,
		Message:    msg,
	}
	lower := strings.ToLower(msg)
	has := func(s string) bool { return strings.Contains(lower, s) }
	// A key's create or update refuses a relay that is no node of the key's
	// networks: "no result found" (v1.5), "record not found" (current), or
	// "relay node ..." (a node that is no relay, or of another network).
	keyWrite := (method == http.MethodPost && route == routeKeys) || (method == http.MethodPut && route == routeKey)
	unknownRelay := keyWrite && (has("no result found") || has("record not found") || has("relay node"))
	if a.notJSON {
		e.Kind = ErrServer
		e.Message = fmt.Sprintf("the answer is not JSON (Content-Type %s)", a.header.Get("Content-Type"))
		e.Hint = "Netmaker answers JSON: a proxy, login page or WAF in front of it answered instead; check host"
		return e
	}
	switch s := a.status; {
	case s == http.StatusUnauthorized:
		e.Kind = ErrUnauthorized
		if c.usesLogin() {
			e.Hint = "check username and password (and the user's permissions)"
		} else {
			e.Hint = "check api_token"
		}
	case s == http.StatusForbidden:
		// Netmaker answers 401 to a bad credential; 403 means the credential's
		// user may not do this, or something in front of Netmaker refused.
		e.Kind = ErrUnauthorized
		e.Hint = "the request was refused, not the credential: the user it belongs to lacks the permission (Netmaker " +
			"needs an admin for enrollment keys), or a proxy, WAF or access policy in front of Netmaker refused it"
		if !isNetmakerJSON(a) {
			e.Hint = "this 403 is not Netmaker's own answer: a proxy, WAF or access policy in front of Netmaker refused " +
				"the request; check what guards host"
		}
	case s == http.StatusNotFound && isMissingRoute(a) && routeOfEveryGeneration(route):
		e.Kind = ErrWrongBaseURL
		e.Hint = c.wrongBaseURLHint(method, route)
	case s == http.StatusNotFound && isMissingRoute(a):
		e.Kind = ErrUnsupported
		e.Hint = fmt.Sprintf("this Netmaker server does not have %s %s; it needs a current-generation server", method, route)
	case s == http.StatusNotFound:
		// Netmaker never answers 404 for a missing key: this comes from a
		// proxy, load balancer or WAF, and proves nothing about the key.
		e.Kind = ErrServer
		e.Hint = "this 404 is not Netmaker's own answer (a proxy, load balancer or WAF in front of it?); check host"
	case s == http.StatusMethodNotAllowed:
		e.Kind = ErrUnsupported
		e.Hint = fmt.Sprintf("this Netmaker server does not allow %s %s", method, route)
	case has("key names must be unique"):
		e.Kind = ErrNameTaken
	case isNetmakerNotFound(a, "no enrollmentkey found") || isNetmakerNotFound(a, "network not found"):
		e.Kind = ErrNotFound
	case has("cannot delete default network key"):
		e.Kind = ErrDefaultKey
	case s >= 400 && s < 500 && s != http.StatusTooManyRequests && s != http.StatusRequestTimeout:
		e.Kind = ErrValidation
	case s == http.StatusInternalServerError && (has("enrollment key is not valid") || has("no result found") ||
		has("invalid uuid") || has("default enrollment keys require") || has("validation error") || unknownRelay):
		e.Kind = ErrValidation
	default:
		e.Kind = ErrServer
	}
	if unknownRelay && e.Kind == ErrValidation {
		e.Detail = ErrGatewayNotFound
	}
	if route == routeNetworks && e.Kind == ErrValidation && has("network cidr already in use") {
		e.Detail = ErrRangeInUse
	}
	return e
}

// routeOfEveryGeneration tells whether every Netmaker server generation
// has route: then a plain 404 from it means a wrong base URL, not an old server.
func routeOfEveryGeneration(route string) bool {
	switch route {
	case routeKeys, routeKey, routeNetworks, routeNetwork, routeAuthenticate:
		return true
	}
	return false
}

// wrongBaseURLHint explains a 404 from a route every server has.
func (c *Client) wrongBaseURLHint(method, route string) string {
	hint := fmt.Sprintf("every Netmaker server has %s %s, so %s is not the base URL of a Netmaker API", method, route, c.base)
	if u, err := url.Parse(c.base); err == nil && u.Path != "" {
		return hint + fmt.Sprintf(": remove the path prefix %q from host (e.g. https://%s)", u.Path, c.host)
	}
	return hint + ": check host (it is the API's base URL, e.g. https://api.netmaker.example.com, without /api)"
}

// serverMessage extracts the message of an error answer: the Message of
// {"Code","Message","Response"}, else the plain text.
func serverMessage(body []byte) string {
	var ea errorAnswer
	if err := json.Unmarshal(body, &ea); err == nil && ea.Message != nil {
		return truncate(strings.TrimSpace(*ea.Message))
	}
	return truncate(strings.TrimSpace(string(bytes.ToValidUTF8(body, []byte("?")))))
}

// truncate shortens s to about 500 bytes, never inside a UTF-8 character.
func truncate(s string) string {
	const limit = 500
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// redact removes from s the client's credentials, the given values, and
// anything shaped like a key's value or token: an error body may echo any
// key (Netmaker's values are 32 characters of A-Z and 0-9; a token is
// base64 of JSON naming a value).
func (c *Client) redact(s string, values ...string) string {
	secrets := append([]string{c.cfg.APIToken, c.cfg.Password}, values...)
	c.authMu.Lock()
	secrets = append(secrets, c.jwt)
	c.authMu.Unlock()
	for _, v := range secrets {
		if len(v) >= 4 {
			s = strings.ReplaceAll(s, v, "[redacted]")
		}
	}
	s = base64Run.ReplaceAllStringFunc(s, func(run string) string {
		if isToken(run) {
			return "[redacted]"
		}
		return run
	})
	return keyValueShape.ReplaceAllString(s, "[redacted]")
}

var (
	// keyValueShape matches a key's value: 32 characters of A-Z and 0-9.
	keyValueShape = regexp.MustCompile(`\b[A-Z0-9]{32}\b`)
	// base64Run matches a run long enough to be a token.
	base64Run = regexp.MustCompile(`[A-Za-z0-9+/_-]{40,}={0,2}`)
)

// isToken tells whether run decodes (standard or URL base64, padded or not)
// to a token's JSON: it names a "value".
func isToken(run string) bool {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(run); err == nil && bytes.Contains(b, []byte(`"value"`)) {
			return true
		}
	}
	return false
}

// decodeError reports a success answer that does not decode.
func (c *Client) decodeError(method, route string, a *answer, err error) *APIError {
	return &APIError{
		Method:     method,
		Route:      method + " " + route,
		Host:       c.host,
		StatusCode: a.status,
		Message:    "the answer does not decode: " + err.Error(),
		Kind:       ErrServer,
	}
}

func statusText(code int) string { return http.StatusText(code) }

func pathValue(v string) string { return url.PathEscape(v) }
