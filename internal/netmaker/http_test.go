package netmaker

import (
	"bytes"
	"context"
	"encoding/pem"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

func TestNewConfig(t *testing.T) {
	tests := []struct {
		name     string
		cfg      Config
		wantErr  string
		wantHost string
		wantBase string
	}{
		{"https with slash", Config{Host: "https://api.example.com/", APIToken: "t"}, "", "api.example.com", "https://api.example.com"},
		{"http with port and path", Config{Host: "http://10.0.0.1:8081/nm//", APIToken: "t"}, "", "10.0.0.1:8081", "http://10.0.0.1:8081/nm"},
		{"login", Config{Host: "https://h", Username: "u", Password: "p"}, "", "h", "https://h"},
		{"no scheme", Config{Host: "api.example.com", APIToken: "t"}, "host has no scheme: add https://", "", ""},
		{"ftp", Config{Host: "ftp://api.example.com", APIToken: "t"}, "must start with https://", "", ""},
		{"empty", Config{APIToken: "t"}, "host is empty", "", ""},
		{"no host", Config{Host: "https://", APIToken: "t"}, "no host name", "", ""},
		{"user info", Config{Host: "https://a:b@h", APIToken: "t"}, "must not contain credentials", "", ""},
		{"query", Config{Host: "https://h/?x=1", APIToken: "t"}, "query", "", ""},
		{"no credential", Config{Host: "https://h"}, "no credential", "", ""},
		{"both credentials", Config{Host: "https://h", APIToken: "t", Username: "u", Password: "p"}, "not both", "", ""},
		{"user without password", Config{Host: "https://h", Username: "u"}, "together", "", ""},
		{"bad CA", Config{Host: "https://h", APIToken: "t", CACertPEM: "not pem"}, "no PEM certificate", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.cfg)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("New = %v, want error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Host() != tt.wantHost || c.base != tt.wantBase {
				t.Fatalf("Host() = %q base %q, want %q %q", c.Host(), c.base, tt.wantHost, tt.wantBase)
			}
		})
	}
}

// TestGatewayNotFoundDetail: "no result found" names an unknown gateway
// only on a key's create or update; the kind stays ErrValidation.
func TestGatewayNotFoundDetail(t *testing.T) {
	c, err := New(Config{Host: "https://api.example.com", APIToken: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	// v1.5 words an unknown relay "no result found", current "record not
	// found" (both recorded); a node that is no relay, or of another network,
	// "relay node ..." (server source).
	for _, msg := range []string{"no result found", "record not found", "relay node not in key's networks"} {
		body := []byte(`{"Code":500,"Message":"` + msg + `","Response":null}`)
		tests := []struct {
			method, route string
			want          bool
		}{
			{http.MethodPost, routeKeys, true},
			{http.MethodPut, routeKey, true},
			{http.MethodGet, routeNetwork, false},
			{http.MethodDelete, routeKey, false},
		}
		for _, tt := range tests {
			t.Run(msg+"/"+tt.method+" "+tt.route, func(t *testing.T) {
				e := c.apiError(tt.method, tt.route, &answer{status: 500, body: body})
				if got := errors.Is(e, ErrGatewayNotFound); got != tt.want {
					t.Errorf("errors.Is(ErrGatewayNotFound) = %v, want %v", got, tt.want)
				}
				if tt.want && !errors.Is(e, ErrValidation) {
					t.Errorf("kind %v, want ErrValidation", e.Kind)
				}
			})
		}
	}
}

func TestErrorMapping(t *testing.T) {
	c, err := New(Config{Host: "https://api.example.com", APIToken: "tok-secret-1234"})
	if err != nil {
		t.Fatal(err)
	}
	js := func(code int, msg string) []byte {
		return []byte(`{"Code":` + itoa(code) + `,"Message":"` + msg + `","Response":null}`)
	}
	tests := []struct {
		status int
		body   []byte
		kind   error
		text   string
	}{
		{401, js(401, "unauthorized"), ErrUnauthorized, "401 unauthorized from api.example.com (GET /api/v1/enrollment-keys): check api_token"},
		{403, js(403, "forbidden"), ErrUnauthorized, "the user it belongs to lacks the permission"},
		{403, []byte("<html><body>Request blocked</body></html>"), ErrUnauthorized, "this 403 is not Netmaker's own answer: a proxy, WAF"},
		{404, []byte("404 page not found\n"), ErrWrongBaseURL, "every Netmaker server has GET /api/v1/enrollment-keys, so https://api.example.com is not the base URL of a Netmaker API"},
		{404, js(404, "network not found"), ErrServer, "not Netmaker's own answer"},
		{405, nil, ErrUnsupported, "405 method not allowed"},
		{400, js(400, "key names must be unique"), ErrNameTaken, "key names must be unique"},
		{400, js(400, "no enrollmentkey found"), ErrNotFound, "no enrollmentkey found"},
		{500, js(500, "no enrollmentkey found"), ErrNotFound, "500 no enrollmentkey found"},
		{500, js(500, "cannot delete default network key"), ErrDefaultKey, "cannot delete default network key"},
		{400, js(400, "validation error: name length must be between 3 and 32: x"), ErrValidation, "name length"},
		{400, js(400, "invalid character 'x' looking for beginning of value"), ErrValidation, "invalid character"},
		{400, js(400, "invalid UUID length: 3"), ErrValidation, "invalid UUID length: 3"},
		{500, js(500, "invalid UUID length: 3"), ErrValidation, "invalid UUID"},
		{500, js(500, "enrollment key is not valid: uses remaining: 0, expiration: 0, unlimited: false"), ErrValidation, "enrollment key is not valid"},
		{500, js(500, "no result found"), ErrValidation, "no result found"},
		{400, js(400, "default enrollment keys require at least one network or tag"), ErrValidation, "default enrollment keys require"},
		{500, js(500, "default enrollment keys require at least one network or tag"), ErrValidation, "default enrollment keys require"},
		{400, js(400, "network not found"), ErrNotFound, "network not found"},
		{500, js(500, "database is locked"), ErrServer, "500 database is locked"},
		{502, []byte("<html><body><h1>Bad Gateway</h1></body></html>"), ErrServer, "502"},
		{503, nil, ErrServer, "503 service unavailable"},
		{429, nil, ErrServer, "429"},
		{400, js(400, "bad thing tok-secret-1234"), ErrValidation, "bad thing [redacted]"},
	}
	kinds := []error{ErrNotFound, ErrNameTaken, ErrUnauthorized, ErrUnsupported, ErrValidation, ErrDefaultKey, ErrServer, ErrWrongBaseURL}
	for _, tt := range tests {
		t.Run(itoa(tt.status)+" "+string(tt.body), func(t *testing.T) {
			e := c.apiError("GET", routeKeys, &answer{status: tt.status, body: tt.body})
			var err error = e
			for _, k := range kinds {
				if errors.Is(err, k) != (k == tt.kind) {
					t.Fatalf("errors.Is(%v, %v) = %v; kind %v", err, k, errors.Is(err, k), e.Kind)
				}
			}
			if !strings.Contains(err.Error(), tt.text) {
				t.Fatalf("Error() = %q, want it to contain %q", err.Error(), tt.text)
			}
			if strings.Contains(err.Error(), "tok-secret-1234") {
				t.Fatalf("credential in error: %q", err)
			}
			if e.StatusCode != tt.status || e.Route != "GET "+routeKeys || e.Host != "api.example.com" {
				t.Fatalf("fields: %+v", e)
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestRetries(t *testing.T) {
	tests := []struct {
		name      string
		fail      func(w http.ResponseWriter)
		failures  int
		wantCalls int
		wantErr   error
	}{
		{"429 retried", func(w http.ResponseWriter) { w.Header().Set("Retry-After", "0"); w.WriteHeader(429) }, 2, 3, nil},
		{"502 retried", func(w http.ResponseWriter) { w.WriteHeader(502) }, 2, 3, nil},
		{"503 retried", func(w http.ResponseWriter) { w.WriteHeader(503) }, 2, 3, nil},
		{"504 retried", func(w http.ResponseWriter) { w.WriteHeader(504) }, 2, 3, nil},
		{"reset retried", hangUp, 2, 3, nil},
		{"500 not retried", func(w http.ResponseWriter) { writeErr(w, 500, "enrollment key is not valid") }, 5, 1, ErrValidation},
		{"500 server not retried", func(w http.ResponseWriter) { writeErr(w, 500, "oops") }, 5, 1, ErrServer},
		{"400 not retried", func(w http.ResponseWriter) { writeErr(w, 400, "bad") }, 5, 1, ErrValidation},
		{"401 not retried", func(w http.ResponseWriter) { writeErr(w, 401, "unauthorized") }, 5, 1, ErrUnauthorized},
		{"404 not retried", func(w http.ResponseWriter) { http.NotFound(w, nil) }, 5, 1, ErrWrongBaseURL},
		{"exhausted 503", func(w http.ResponseWriter) { w.WriteHeader(503) }, 100, 4, ErrServer},
		{"200 that does not decode", func(w http.ResponseWriter) { _, _ = w.Write([]byte(`{"not":"a list"}`)) }, 100, 1, ErrServer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.intercept = func(w http.ResponseWriter, r *http.Request, route string, n int, _ []byte) bool {
				if n <= tt.failures {
					tt.fail(w)
					return true
				}
				return false
			}
			c := f.client(t, func(cfg *Config) { cfg.MaxRetries = 3 })
			_, err := c.ListKeys(context.Background())
			if tt.wantErr == nil && err != nil {
				t.Fatalf("ListKeys: %v", err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("ListKeys = %v, want %v", err, tt.wantErr)
			}
			if got := f.count("GET " + routeKeys); got != tt.wantCalls {
				t.Fatalf("%d requests, want %d", got, tt.wantCalls)
			}
		})
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	f := newFake(t)
	f.intercept = func(w http.ResponseWriter, r *http.Request, route string, n int, _ []byte) bool {
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(429)
			return true
		}
		return false
	}
	c := f.client(t, nil)
	start := time.Now()
	if _, err := c.ListKeys(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 950*time.Millisecond {
		t.Fatalf("retried after %v, want at least the 1s Retry-After", d)
	}
}

func TestBackoff(t *testing.T) {
	resp := func(code int, ra string) *http.Response {
		h := http.Header{}
		if ra != "" {
			h.Set("Retry-After", ra)
		}
		return &http.Response{StatusCode: code, Header: h}
	}
	tests := []struct {
		name     string
		attempt  int
		resp     *http.Response
		min, max time.Duration
	}{
		{"first", 0, nil, 125 * time.Millisecond, 250 * time.Millisecond},
		{"grows", 3, nil, time.Second, 2 * time.Second},
		{"capped", 20, resp(502, ""), 2500 * time.Millisecond, 5 * time.Second},
		{"retry-after seconds", 0, resp(429, "7"), 7 * time.Second, 7 * time.Second},
		{"retry-after on 503", 0, resp(503, "2"), 2 * time.Second, 2 * time.Second},
		{"retry-after capped", 0, resp(429, "3600"), 30 * time.Second, 30 * time.Second},
		{"retry-after date capped", 0, resp(429, time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)), 30 * time.Second, 30 * time.Second},
		{"retry-after garbage", 0, resp(429, "soon"), 125 * time.Millisecond, 250 * time.Millisecond},
		{"retry-after ignored on 502", 0, resp(502, "9"), 125 * time.Millisecond, 250 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 20 {
				d := backoff(retryWaitMin, retryWaitMax, tt.attempt, tt.resp)
				if d < tt.min || d > tt.max {
					t.Fatalf("backoff = %v, want within [%v, %v]", d, tt.min, tt.max)
				}
			}
		})
	}
}

func TestContextCancelStopsRetries(t *testing.T) {
	// A cancellation ends the call soon after it comes and starts no
	// further attempt, whether the client is waiting to retry or waiting
	// for an answer.
	tests := []struct {
		name    string
		handler http.HandlerFunc
		ctx     func() (context.Context, context.CancelFunc)
		want    error
	}{
		{
			name: "during backoff",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "20")
				w.WriteHeader(429)
			},
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 200*time.Millisecond)
			},
			want: context.DeadlineExceeded,
		},
		{
			name:    "during a request",
			handler: func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() },
			ctx: func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				time.AfterFunc(100*time.Millisecond, cancel)
				return ctx, cancel
			},
			want: context.Canceled,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				tt.handler(w, r)
			}))
			defer srv.Close()
			c, err := New(Config{Host: srv.URL, APIToken: "t", MaxRetries: 10})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := tt.ctx()
			defer cancel()
			start := time.Now()
			_, err = c.ListKeys(ctx)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("took %v after cancellation", d)
			}
			time.Sleep(100 * time.Millisecond)
			if n := calls.Load(); n != 1 {
				t.Fatalf("%d attempts, want 1", n)
			}
		})
	}
	t.Run("attempt timeout is retried", func(t *testing.T) {
		var calls atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if calls.Add(1) == 1 {
				<-r.Context().Done()
				return
			}
			_, _ = w.Write([]byte(`[]`))
		}))
		defer srv.Close()
		c, err := New(Config{Host: srv.URL, APIToken: "t", RequestTimeout: 100 * time.Millisecond, MaxRetries: 3})
		if err != nil {
			t.Fatal(err)
		}
		SetRetryWaitForTest(c, time.Millisecond, time.Millisecond)
		if _, err := c.ListKeys(context.Background()); err != nil {
			t.Fatalf("ListKeys: %v", err)
		}
		if n := calls.Load(); n != 2 {
			t.Fatalf("%d attempts, want 2", n)
		}
	})
}

// connCountingServer is an unstarted server that answers an empty key
// list and counts the connections opened to it.
func connCountingServer() (*httptest.Server, *atomic.Int32) {
	conns := new(atomic.Int32)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`[]`))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	return srv, conns
}

func TestTLS(t *testing.T) {
	srv, conns := connCountingServer()
	srv.StartTLS()
	defer srv.Close()
	caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
	tests := []struct {
		name    string
		cfg     Config
		wantErr bool
	}{
		{"untrusted: no retry", Config{}, true},
		{"CA PEM", Config{CACertPEM: caPEM}, false},
		{"insecure", Config{InsecureSkipVerify: true}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conns.Store(0)
			cfg := tt.cfg
			cfg.Host, cfg.APIToken, cfg.MaxRetries = srv.URL, "t", 3
			c, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			SetRetryWaitForTest(c, time.Millisecond, time.Millisecond)
			_, err = c.ListKeys(context.Background())
			if (err != nil) != tt.wantErr {
				t.Fatalf("ListKeys = %v", err)
			}
			if tt.wantErr {
				if !strings.Contains(err.Error(), "certificate") || strings.Contains(err.Error(), srv.URL+"/api") {
					t.Fatalf("error = %v", err)
				}
				time.Sleep(50 * time.Millisecond)
				if n := conns.Load(); n != 1 {
					t.Fatalf("%d connections, want 1 (TLS failures are not retried)", n)
				}
			}
		})
	}
}

func TestAuthHeaders(t *testing.T) {
	f := newFake(t)
	var ua, auth atomic.Value
	f.intercept = func(w http.ResponseWriter, r *http.Request, route string, n int, _ []byte) bool {
		ua.Store(r.Header.Get("User-Agent"))
		auth.Store(r.Header.Get("Authorization"))
		return false
	}
	c := f.client(t, nil)
	if err := c.CheckAuth(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ua.Load() != "terraform-provider-netmaker/test" || auth.Load() != "Bearer tok-secret-1234" {
		t.Fatalf("User-Agent %q, Authorization %q", ua.Load(), auth.Load())
	}
}

func TestAPITokenUnauthorized(t *testing.T) {
	f := newFake(t)
	c := f.client(t, func(cfg *Config) { cfg.APIToken = "wrong-token-5678" })
	err := c.CheckAuth(context.Background())
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("CheckAuth = %v", err)
	}
	want := "401 unauthorized from " + c.Host()
	if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "check api_token") || strings.Contains(err.Error(), "wrong-token-5678") {
		t.Fatalf("error %q", err)
	}
	if n := f.count("GET " + routeKeys); n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}
}

// loginFake issues jwt-1, jwt-2, ... and accepts only the newest one
// (unless stuck, when it accepts none).
func loginFake(t *testing.T, password string, stuck bool) (*fakeNM, *atomic.Int32, func()) {
	f := newFake(t)
	var logins atomic.Int32
	var current atomic.Value
	current.Store("")
	f.intercept = func(w http.ResponseWriter, r *http.Request, route string, n int, body []byte) bool {
		if route == "POST "+routeAuthenticate {
			if !bytes.Contains(body, []byte(`"password":"`+password+`"`)) || !bytes.Contains(body, []byte(`"username":"admin"`)) {
				writeErr(w, 400, "incorrect credentials")
				return true
			}
			jwt := "jwt-" + itoa(int(logins.Add(1)))
			current.Store(jwt)
			writeJSON(w, map[string]any{"Code": 200, "Message": "W1R3: Device admin Authorized", "Response": map[string]any{"UserName": "admin", "AuthToken": jwt}})
			return true
		}
		if stuck || r.Header.Get("Authorization") != "Bearer "+str(current.Load()) {
			writeErr(w, 401, "unauthorized")
			return true
		}
		f.apply(w, r, route, body)
		return true
	}
	expire := func() { current.Store("expired") }
	return f, &logins, expire
}

// asAdmin configures a client that logs in as admin with password instead
// of using an API token.
func asAdmin(password string) func(*Config) {
	return func(cfg *Config) { cfg.APIToken, cfg.Username, cfg.Password = "", "admin", password }
}

// wantLoginsAndCalls fails t unless the fake saw wantLogins logins and
// served route wantCalls times.
func wantLoginsAndCalls(t *testing.T, f *fakeNM, logins *atomic.Int32, wantLogins int32, route string, wantCalls int) {
	t.Helper()
	if n := logins.Load(); n != wantLogins {
		t.Fatalf("%d logins, want %d", n, wantLogins)
	}
	if n := f.count(route); n != wantCalls {
		t.Fatalf("%d calls of %s, want %d", n, route, wantCalls)
	}
}

func TestLogin(t *testing.T) {
	t.Run("re-login once after expiry", func(t *testing.T) {
		f, logins, expire := loginFake(t, "pw-secret-9876", false)
		c := f.client(t, asAdmin("pw-secret-9876"))
		ctx := context.Background()
		if err := c.CheckAuth(ctx); err != nil {
			t.Fatal(err)
		}
		expire()
		if _, err := c.CreateKey(ctx, CreateKeyRequest{Name: "k1", Type: KeyTypeUnlimited}); err != nil {
			t.Fatalf("CreateKey: %v", err)
		}
		// Two creates: one 401, one repeat.
		wantLoginsAndCalls(t, f, logins, 2, "POST "+routeKeys, 2)
	})
	t.Run("still 401 after re-login", func(t *testing.T) {
		f, logins, _ := loginFake(t, "pw-secret-9876", true)
		err := f.client(t, asAdmin("pw-secret-9876")).CheckAuth(context.Background())
		if !errors.Is(err, ErrUnauthorized) || !strings.Contains(err.Error(), "username and password") {
			t.Fatalf("CheckAuth = %v", err)
		}
		wantLoginsAndCalls(t, f, logins, 2, "GET "+routeKeys, 2)
	})
	t.Run("wrong password", func(t *testing.T) {
		f, logins, _ := loginFake(t, "pw-secret-9876", false)
		c := f.client(t, asAdmin("wrong-pw-1111"))
		err := c.CheckAuth(context.Background())
		if !errors.Is(err, ErrUnauthorized) || !strings.Contains(err.Error(), "incorrect credentials") ||
			!strings.Contains(err.Error(), "check username and password") || strings.Contains(err.Error(), "wrong-pw-1111") {
			t.Fatalf("CheckAuth = %v", err)
		}
		if logins.Load() != 0 || f.count("GET "+routeKeys) != 0 || f.count("POST "+routeAuthenticate) != 1 {
			t.Fatalf("requests: %v", f.counts)
		}
	})
	t.Run("concurrent callers share one login", func(t *testing.T) {
		f, logins, _ := loginFake(t, "pw", false)
		c := f.client(t, func(cfg *Config) {
			cfg.APIToken, cfg.Username, cfg.Password = "", "admin", "pw"
			cfg.DisableListCache = true
		})
		done := make(chan error)
		for range 8 {
			go func() { _, err := c.ListKeys(context.Background()); done <- err }()
		}
		for range 8 {
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		}
		if n := logins.Load(); n != 1 {
			t.Fatalf("%d logins, want 1", n)
		}
	})
}

// TestNoSecretsInLogsOrErrors runs a session and checks that neither the
// logs nor the errors show a credential or a key value, and that logs name
// route patterns.
func TestNoSecretsInLogsOrErrors(t *testing.T) {
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	f, _, expire := loginFake(t, "pw-secret-9876", false)
	c := f.client(t, asAdmin("pw-secret-9876"))
	k, err := c.CreateKey(ctx, CreateKeyRequest{Name: "k1", Type: KeyTypeUnlimited})
	if err != nil {
		t.Fatal(err)
	}
	expire()
	if _, err := c.UpdateKey(ctx, k.Value, UpdateKeyRequest{Tags: []string{"n.t"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RegenerateToken(ctx, k.Value); err != nil {
		t.Fatal(err)
	}
	var errs []error
	_, err = c.UpdateKey(ctx, k.Value, UpdateKeyRequest{}) // old value: gone
	errs = append(errs, err)
	errs = append(errs, c.DeleteKey(ctx, k.Value))
	_, err = c.KeyByValue(ctx, k.Value)
	errs = append(errs, err)
	secrets := []string{k.Value, k.Token, "pw-secret-9876", "jwt-1", "jwt-2"}
	for _, err := range errs {
		if err == nil {
			t.Fatal("want errors for the old value")
		}
		for _, s := range secrets {
			if strings.Contains(err.Error(), s) {
				t.Fatalf("error %q contains a secret", err)
			}
		}
	}
	out := logs.String()
	if !strings.Contains(out, `"route":"PUT /api/v1/enrollment-keys/{value}"`) || !strings.Contains(out, `"status":401`) {
		t.Fatalf("logs lack route patterns or statuses:\n%s", out)
	}
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Fatalf("logs contain secret %q:\n%s", s, out)
		}
	}
	entries, err := tflogtest.MultilineJSONDecode(&logs)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, ok := e["route"]; !ok {
			t.Fatalf("log entry without route: %v", e)
		}
	}
}

func TestMaxRetriesZeroDisablesRetries(t *testing.T) {
	for _, n := range []int{0, -1} {
		f := newFake(t)
		f.intercept = func(w http.ResponseWriter, r *http.Request, route string, _ int, _ []byte) bool {
			w.WriteHeader(503)
			return true
		}
		c := f.client(t, func(cfg *Config) { cfg.MaxRetries = n })
		if _, err := c.ListKeys(context.Background()); !errors.Is(err, ErrServer) {
			t.Fatalf("MaxRetries %d: %v", n, err)
		}
		if got := f.count("GET " + routeKeys); got != 1 {
			t.Fatalf("MaxRetries %d: %d attempts, want 1", n, got)
		}
	}
}

// TestNotFoundRouteHints: a plain 404 from a route every generation has is a
// wrong base URL (a path prefix such as /api), not an old server; from a
// route only newer servers have, it is an old server.
func TestNotFoundRouteHints(t *testing.T) {
	notFound := &answer{status: 404, body: []byte("404 page not found\n")}
	tests := []struct {
		host  string
		route string
		kind  error
		text  string
	}{
		{"https://nm.example.com/api", routeKeys, ErrWrongBaseURL, `remove the path prefix "/api" from host (e.g. https://nm.example.com)`},
		{"https://nm.example.com/netmaker/", routeNetworks, ErrWrongBaseURL, `remove the path prefix "/netmaker"`},
		{"https://nm.example.com", routeKey, ErrWrongBaseURL, "is not the base URL of a Netmaker API: check host"},
		{"https://nm.example.com/api", routeRegenerate, ErrUnsupported, "it needs a current-generation server"},
		{"https://nm.example.com", routeNetworkDefault, ErrUnsupported, "it needs a current-generation server"},
	}
	for _, tt := range tests {
		t.Run(tt.host+" "+tt.route, func(t *testing.T) {
			c, err := New(Config{Host: tt.host, APIToken: "tok"})
			if err != nil {
				t.Fatal(err)
			}
			e := c.apiError("GET", tt.route, notFound)
			if !errors.Is(e, tt.kind) {
				t.Errorf("kind = %v, want %v", e.Kind, tt.kind)
			}
			if !strings.Contains(e.Error(), tt.text) {
				t.Errorf("Error() = %q, want it to contain %q", e.Error(), tt.text)
			}
			if tt.kind == ErrWrongBaseURL && strings.Contains(e.Error(), "current-generation") {
				t.Errorf("Error() = %q blames the server generation", e.Error())
			}
		})
	}
}

// TestDefaultRequestTimeout backs the documented default of request_timeout.
func TestDefaultRequestTimeout(t *testing.T) {
	for _, configured := range []time.Duration{0, -time.Second} {
		c, err := New(Config{Host: "https://nm.example.com", APIToken: "tok", RequestTimeout: configured})
		if err != nil {
			t.Fatal(err)
		}
		if got := c.http.HTTPClient.Timeout; got != 30*time.Second {
			t.Errorf("RequestTimeout %v: per-attempt timeout %v, want 30s (the documented default)", configured, got)
		}
	}
}

// https:// pointed at a server without TLS is said as such, once: no
// retry can help, and "timeout" or "reset" would mislead.
func TestHTTPSToPlainHTTP(t *testing.T) {
	srv, conns := connCountingServer()
	srv.Start()
	defer srv.Close()
	c, err := New(Config{Host: strings.Replace(srv.URL, "http://", "https://", 1), APIToken: "t", MaxRetries: 5})
	if err != nil {
		t.Fatal(err)
	}
	SetRetryWaitForTest(c, time.Millisecond, time.Millisecond)
	_, err = c.ListKeys(context.Background())
	if err == nil || !strings.Contains(err.Error(), "the server answers plain HTTP, not HTTPS: use http:// in host") {
		t.Fatalf("ListKeys = %v", err)
	}
	time.Sleep(50 * time.Millisecond)
	if n := conns.Load(); n != 1 {
		t.Fatalf("%d connections, want 1 (no retry)", n)
	}
}
