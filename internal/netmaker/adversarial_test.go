package netmaker

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// Adversarial cases: what a proxy, a dying server or another user can do
// to the client. `make test-adversarial` runs them (and the provider's).

const proxyHTML404 = "<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center><hr><center>nginx</center></body></html>\n"

func writeHTML(w http.ResponseWriter, code int, body string) {
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(code)
	_, _ = io.WriteString(w, body)
}

// A 404 that is not Netmaker's own words proves nothing about the key: a
// delete is not done, a list is not empty, a key is not gone.
func TestAdversarial_ProxyNotFoundIsNoVerdict(t *testing.T) {
	const value = "KKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKB"
	tests := []struct {
		name string
		call func(context.Context, *Client) error
	}{
		{"delete", func(ctx context.Context, c *Client) error { return c.DeleteKey(ctx, value) }},
		{"list", func(ctx context.Context, c *Client) error { _, err := c.ListKeys(ctx); return err }},
		{"lookup", func(ctx context.Context, c *Client) error { _, err := c.ManagedKey(ctx, "office", value); return err }},
		{"update", func(ctx context.Context, c *Client) error {
			_, err := c.UpdateKey(ctx, value, UpdateKeyRequest{})
			return err
		}},
	}
	bodies := map[string]func(http.ResponseWriter){
		"html":       func(w http.ResponseWriter) { writeHTML(w, 404, proxyHTML404) },
		"empty":      func(w http.ResponseWriter) { w.WriteHeader(404) },
		"json":       func(w http.ResponseWriter) { writeErr(w, 404, "no enrollmentkey found") },
		"html route": func(w http.ResponseWriter) { writeHTML(w, 404, "404 page not found") },
	}
	for _, tt := range tests {
		for bodyName, answer := range bodies {
			t.Run(tt.name+"/"+bodyName, func(t *testing.T) {
				f := newFake(t)
				seedKeys(f, "office")
				f.intercept = func(w http.ResponseWriter, r *http.Request, route string, n int, body []byte) bool {
					answer(w)
					return true
				}
				err := tt.call(context.Background(), f.client(t, nil))
				if err == nil || errors.Is(err, ErrNotFound) || errors.Is(err, ErrForeignKey) {
					t.Fatalf("got %v; want an error that is not \"not found\"", err)
				}
			})
		}
	}
	// Netmaker's own "not found" still is one.
	f := newFake(t)
	if err := f.client(t, nil).DeleteKey(context.Background(), value); !errors.Is(err, ErrNotFound) {
		t.Fatalf("DeleteKey of an unknown key = %v, want ErrNotFound", err)
	}
}

// The capability probe tells generations apart by Netmaker's own answers
// only: a proxy's 404 is neither a v1.5 nor a current server.
func TestAdversarial_ProbeIgnoresProxyAnswers(t *testing.T) {
	tests := []struct {
		name    string
		answer  func(http.ResponseWriter)
		want    *Capabilities
		wantErr bool
	}{
		{"v1.5 router", func(w http.ResponseWriter) { http.Error(w, "404 page not found", 404) }, &Capabilities{Generation: GenerationV15}, false},
		{"current", func(w http.ResponseWriter) { writeErr(w, 400, "network not found") },
			&Capabilities{Generation: GenerationCurrent, RegenerateToken: true, NetworkDefault: true}, false},
		{"proxy 404", func(w http.ResponseWriter) { writeHTML(w, 404, proxyHTML404) }, nil, true},
		{"proxy 400", func(w http.ResponseWriter) { writeHTML(w, 400, "<html>400 Bad Request</html>") }, nil, true},
		{"proxy 403", func(w http.ResponseWriter) { writeHTML(w, 403, "<html>Forbidden by WAF</html>") }, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.intercept = func(w http.ResponseWriter, r *http.Request, route string, n int, body []byte) bool {
				if route != "GET "+routeNetworkDefault {
					return false
				}
				tt.answer(w)
				return true
			}
			caps, err := f.client(t, nil).Capabilities(context.Background())
			if tt.wantErr {
				if err == nil {
					t.Fatalf("Capabilities = %+v; want an error", caps)
				}
				return
			}
			if err != nil || caps != *tt.want {
				t.Fatalf("Capabilities = %+v, %v; want %+v", caps, err, *tt.want)
			}
		})
	}
}

// A hung list is one outcome for every reader waiting for it: 5 parallel
// reads with a 200 ms timeout and 1 retry make 2 attempts, not 10.
func TestAdversarial_HungListSharedByWaiters(t *testing.T) {
	f := newFake(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	f.intercept = func(w http.ResponseWriter, r *http.Request, route string, n int, body []byte) bool {
		if route != "GET "+routeKeys {
			return false
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
		return true
	}
	c := f.client(t, func(cfg *Config) { cfg.RequestTimeout = 200 * time.Millisecond; cfg.MaxRetries = 1 })
	var wg sync.WaitGroup
	errs := make([]error, 5)
	for i := range errs {
		wg.Go(func() { _, errs[i] = c.ListKeys(context.Background()) })
	}
	wg.Wait()
	for i, err := range errs {
		if err == nil {
			t.Fatalf("reader %d: the hung list succeeded", i)
		}
	}
	if n := f.count("GET " + routeKeys); n != 2 {
		t.Fatalf("%d list attempts; want 2 (one list and its retry, shared by all five readers)", n)
	}
}

// A waiter whose own context is alive asks again when the leader's caller
// went away; its own outcome is then the server's.
func TestAdversarial_ListLeaderCancelledWaiterRetries(t *testing.T) {
	f := newFake(t)
	seedKeys(f, "a")
	firstStarted := make(chan struct{})
	var once sync.Once
	f.intercept = func(w http.ResponseWriter, r *http.Request, route string, n int, body []byte) bool {
		if route == "GET "+routeKeys && n == 1 {
			once.Do(func() { close(firstStarted) })
			<-r.Context().Done()
			return true
		}
		return false
	}
	c := f.client(t, nil)
	leaderCtx, cancel := context.WithCancel(context.Background())
	leaderDone := make(chan error, 1)
	go func() { _, err := c.ListKeys(leaderCtx); leaderDone <- err }()
	<-firstStarted
	waiterDone := make(chan error, 1)
	go func() { _, err := c.ListKeys(context.Background()); waiterDone <- err }()
	time.Sleep(50 * time.Millisecond) // the waiter joins the leader's list
	cancel()
	if err := <-leaderDone; !errors.Is(err, context.Canceled) {
		t.Fatalf("leader: %v", err)
	}
	if err := <-waiterDone; err != nil {
		t.Fatalf("waiter: %v; want its own list to succeed", err)
	}
}

// The API never redirects. A redirect from https to http on the same host
// must not carry the Authorization header (Go's default would), and a
// 307/308 on login must not re-send the password body.
func TestAdversarial_RedirectsRefused(t *testing.T) {
	var leaked atomic.Int32
	var leakedMu sync.Mutex
	var leakedWhat []string
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		leaked.Add(1)
		leakedMu.Lock()
		leakedWhat = append(leakedWhat, r.Header.Get("Authorization")+" "+string(body))
		leakedMu.Unlock()
		w.WriteHeader(200)
		_, _ = io.WriteString(w, "[]")
	}))
	t.Cleanup(plain.Close)
	// Same host (127.0.0.1), other port, plain http.
	target := plain.URL + "/api/v1/enrollment-keys?api_token=SECRET-IN-QUERY"

	for _, code := range []int{http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run("token "+http.StatusText(code), func(t *testing.T) {
			tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, target, code)
			}))
			t.Cleanup(tlsSrv.Close)
			c, err := New(Config{Host: tlsSrv.URL, APIToken: "tok-secret-1234", HTTPClient: tlsSrv.Client(), MaxRetries: 3})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.ListKeys(context.Background())
			checkRedirectError(t, err, plain.URL)
		})
		t.Run("login "+http.StatusText(code), func(t *testing.T) {
			f := newFake(t)
			f.intercept = func(w http.ResponseWriter, r *http.Request, route string, n int, body []byte) bool {
				http.Redirect(w, r, target, code)
				return true
			}
			c := f.client(t, asAdmin("PASSWORD-SECRET"))
			_, err := c.ListKeys(context.Background())
			checkRedirectError(t, err, plain.URL)
			if n := f.count("POST " + routeAuthenticate); n != 1 {
				t.Fatalf("%d login attempts; a refused redirect is not retried", n)
			}
		})
	}
	if n := leaked.Load(); n != 0 {
		t.Fatalf("%d requests followed a redirect: %q", n, leakedWhat)
	}
}

func checkRedirectError(t *testing.T, err error, target string) {
	t.Helper()
	if err == nil {
		t.Fatal("a redirect was followed")
	}
	msg := err.Error()
	if !strings.Contains(msg, "redirect to "+target) || !strings.Contains(msg, "never redirects") {
		t.Fatalf("error %q does not name the redirect's host %s", msg, target)
	}
	for _, leak := range []string{"SECRET-IN-QUERY", "/api/v1/enrollment-keys?"} {
		if strings.Contains(msg, leak) {
			t.Fatalf("error %q quotes the location (%s)", msg, leak)
		}
	}
}

// Any create whose outcome is uncertain ends with a lookup by name and
// adoption when the settings match, whatever the last status was.
func TestAdversarial_UncertainCreateAdopted(t *testing.T) {
	req := CreateKeyRequest{Name: "office", Networks: []string{"net1"}, Type: KeyTypeUses, Uses: 5}
	tests := []struct {
		name  string
		after func(http.ResponseWriter) // how the answer of the applied create is lost
	}{
		{"reset after sending", hangUp},
		{"proxy 503", func(w http.ResponseWriter) { writeHTML(w, 503, "<html>503 Service Unavailable</html>") }},
		{"proxy 502", func(w http.ResponseWriter) { writeHTML(w, 502, "<html>502 Bad Gateway</html>") }},
		{"proxy 500", func(w http.ResponseWriter) { writeHTML(w, 500, "<html>500 Internal Server Error</html>") }},
		{"proxy 504", func(w http.ResponseWriter) { writeHTML(w, 504, "<html>504 Gateway Timeout</html>") }},
	}
	for _, tt := range tests {
		for _, retries := range []int{0, 3} {
			t.Run(tt.name+"/retries "+itoa(retries), func(t *testing.T) {
				f := newFake(t)
				f.intercept = func(w http.ResponseWriter, r *http.Request, route string, n int, body []byte) bool {
					if route != "POST "+routeKeys || n != 1 {
						return false
					}
					r.Body = io.NopCloser(bytes.NewReader(body))
					f.apply(httptest.NewRecorder(), r, route, body)
					tt.after(w)
					return true
				}
				k, err := f.client(t, func(cfg *Config) { cfg.MaxRetries = retries }).CreateKey(context.Background(), req)
				if err != nil || k.Name != "office" || k.UsesRemaining != 5 {
					t.Fatalf("CreateKey = %+v, %v; want the created key adopted", k, err)
				}
				if f.count("POST "+routeKeys) > 2 {
					t.Fatalf("%d creates", f.count("POST "+routeKeys))
				}
				f.mu.Lock()
				defer f.mu.Unlock()
				if len(f.keys) != 1 {
					t.Fatalf("%d keys on the server, want 1", len(f.keys))
				}
			})
		}
	}
}

// When the server goes away after committing a create, even the lookup
// fails: the error says the outcome is unknown (the provider then saves
// the resource tainted). Netmaker's own validation 500 is certain.
func TestAdversarial_UncertainCreateServerGone(t *testing.T) {
	req := CreateKeyRequest{Name: "office", Networks: []string{"net1"}, Type: KeyTypeUnlimited}
	f := newFake(t)
	var gone atomic.Bool
	f.intercept = func(w http.ResponseWriter, r *http.Request, route string, n int, body []byte) bool {
		if gone.Load() {
			hangUp(w)
			return true
		}
		if route == "POST "+routeKeys {
			f.apply(httptest.NewRecorder(), r, route, body)
			gone.Store(true)
			hangUp(w)
			return true
		}
		return false
	}
	_, err := f.client(t, func(cfg *Config) { cfg.MaxRetries = 2 }).CreateKey(context.Background(), req)
	if !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("CreateKey = %v; want ErrOutcomeUnknown", err)
	}

	f2 := newFake(t)
	f2.intercept = func(w http.ResponseWriter, r *http.Request, route string, n int, body []byte) bool {
		if route == "POST "+routeKeys {
			writeErr(w, 500, "enrollment key is not valid: uses remaining: 0, expiration: 0, unlimited: false")
			return true
		}
		return false
	}
	_, err = f2.client(t, nil).CreateKey(context.Background(), req)
	if !errors.Is(err, ErrValidation) || errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("CreateKey = %v; want Netmaker's validation error", err)
	}
	if n := f2.count("GET " + routeKeys); n != 0 {
		t.Fatalf("%d lookups after a certain failure", n)
	}
}

// A key of the managed name that is not the managed key: another value and
// other settings. It is never answered as ours.
func TestAdversarial_ForeignSameNameKey(t *testing.T) {
	f := newFake(t)
	seedKeys(f, "office") // unlimited, networks [net1]
	c := f.client(t, nil)
	ours := CreateKeyRequest{Name: "office", Type: KeyTypeUses, Uses: 3, Networks: []string{"net2"}}
	for _, claim := range []KeyClaim{
		{Name: "office", Value: "OURVALUE000000000000000000000000"},
		{Name: "office", Value: "OURVALUE000000000000000000000000", Settings: &ours},
		{Name: "office", Settings: &ours},
	} {
		if k, err := c.ClaimedKey(context.Background(), claim); !errors.Is(err, ErrForeignKey) {
			t.Fatalf("ClaimedKey(%+v) = %+v, %v; want ErrForeignKey", claim, k, err)
		}
	}
	same := CreateKeyRequest{Name: "office", Type: KeyTypeUnlimited, Networks: []string{"net1"}}
	if k, err := c.ClaimedKey(context.Background(), KeyClaim{Name: "office", Value: "OLD", Settings: &same}); err != nil || k.Name != "office" {
		t.Fatalf("same settings, new value (a rotation): %+v, %v", k, err)
	}
}

func TestAdversarial_AnswerTooLarge(t *testing.T) {
	f := newFake(t)
	f.intercept = func(w http.ResponseWriter, r *http.Request, route string, n int, body []byte) bool {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, "[")
		chunk := []byte(strings.Repeat(" ", 1<<20))
		for range (maxAnswerBytes >> 20) + 1 {
			if _, err := w.Write(chunk); err != nil {
				return true
			}
		}
		_, _ = io.WriteString(w, "]")
		return true
	}
	// Reading 64 MiB takes longer than the fake's 5 s per attempt on a busy machine.
	_, err := f.client(t, func(cfg *Config) { cfg.RequestTimeout = time.Minute }).ListKeys(context.Background())
	if err == nil || !strings.Contains(err.Error(), "answer too large") || strings.Contains(err.Error(), "decode") {
		t.Fatalf("ListKeys = %v; want \"answer too large\"", err)
	}
}

// uses_remaining beyond 32 bits decodes exactly on every platform.
func TestAdversarial_LargeUsesNotTruncated(t *testing.T) {
	k, err := decodeKey([]byte(`{"value":"V","tags":["big"],"type":2,"uses_remaining":5000000000}`))
	if err != nil || k.UsesRemaining != 5000000000 {
		t.Fatalf("decodeKey = %+v, %v", k, err)
	}
	if k, err := decodeKey([]byte(`{"value":"V","tags":["odd"],"type":4294967298}`)); err != nil || k.Type != KeyTypeUndefined {
		t.Fatalf("a type number no server sends must not wrap into a known type: %+v, %v", k, err)
	}
	body, err := newCreateBody(CreateKeyRequest{Name: "big", Type: KeyTypeUses, Uses: 5000000000})
	if err != nil || *body.UsesRemaining != 5000000000 {
		t.Fatalf("newCreateBody = %+v, %v", body, err)
	}
}

// Host errors never quote the host: its user-info or query may hold a
// credential.
func TestAdversarial_HostErrorsHideCredentials(t *testing.T) {
	for _, host := range []string{
		"ftp://admin:SECRET@api.example.com",
		"https://api.example.com/?api_token=SECRET",
		"https://api.example.com/#SECRET",
		"api.example.com?token=SECRET",
		"https://admin:SECRET@/",
		"https://api.example.com/%zzSECRET",
		"https://\x7fSECRET",
	} {
		_, err := New(Config{Host: host, APIToken: "t"})
		if err == nil {
			t.Fatalf("New(%q) accepted the host", host)
		}
		if strings.Contains(err.Error(), "SECRET") {
			t.Fatalf("New(%q) = %v: the error quotes the credential", host, err)
		}
	}
}

func TestAdversarial_InsecureSkipVerifyWithCA(t *testing.T) {
	_, err := New(Config{Host: "https://api.example.com", APIToken: "t", InsecureSkipVerify: true, CACertPEM: "-----BEGIN CERTIFICATE-----"})
	if err == nil || !strings.Contains(err.Error(), "conflict") {
		t.Fatalf("New = %v; want insecure_skip_verify with ca_cert_pem refused", err)
	}
}

// One login at a time, its failure shared by those waiting for it; a
// waiter stops waiting when its own context ends.
func TestAdversarial_LoginShared(t *testing.T) {
	f := newFake(t)
	f.intercept = func(w http.ResponseWriter, r *http.Request, route string, n int, body []byte) bool {
		if route == "POST "+routeAuthenticate {
			time.Sleep(150 * time.Millisecond)
			writeErr(w, 400, "incorrect credentials")
			return true
		}
		return false
	}
	c := f.client(t, asAdmin("wrong-password"))
	var wg sync.WaitGroup
	errs := make([]error, 5)
	for i := range errs {
		wg.Go(func() { _, errs[i] = c.UpdateKey(context.Background(), "V"+itoa(i), UpdateKeyRequest{}) })
	}
	wg.Wait()
	for _, err := range errs {
		if !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("got %v; want the failed login", err)
		}
	}
	if n := f.count("POST " + routeAuthenticate); n != 1 {
		t.Fatalf("%d logins; want 1 shared by the five callers", n)
	}

	hung := newFake(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	hung.intercept = func(w http.ResponseWriter, r *http.Request, route string, n int, body []byte) bool {
		if route == "POST "+routeAuthenticate {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return true
		}
		return false
	}
	hc := hung.client(t, func(cfg *Config) {
		cfg.APIToken, cfg.Username, cfg.Password = "", "admin", "pw"
		cfg.RequestTimeout = time.Minute
	})
	go func() { _, _ = hc.ListKeys(context.Background()) }() // the leader, stuck in the login
	time.Sleep(50 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := hc.UpdateKey(ctx, "V", UpdateKeyRequest{})
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("waiter behind a hung login: %v after %s; want its own deadline", err, time.Since(start))
	}
}

func TestAdversarial_TruncateKeepsUTF8(t *testing.T) {
	for _, s := range []string{strings.Repeat("é", 400), "a" + strings.Repeat("€", 300), strings.Repeat("😀", 200)} {
		got := truncate(s)
		if !utf8.ValidString(got) || len(got) > 500+len("…") || !strings.HasSuffix(got, "…") {
			t.Fatalf("truncate = %q (%d bytes)", got, len(got))
		}
	}
}

// The client's log context masks secret fields and its credentials, in
// whatever log line they would appear.
func TestAdversarial_LogsMasked(t *testing.T) {
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	c, err := New(Config{Host: "https://api.example.com", Username: "admin", Password: "PASSWORD-SECRET"})
	if err != nil {
		t.Fatal(err)
	}
	c.jwt = "JWT-SECRET-VALUE"
	ctx = c.logContext(ctx)
	tflog.Debug(ctx, "server said PASSWORD-SECRET and JWT-SECRET-VALUE", map[string]any{
		"token": "TOKEN-SECRET", "value": "VALUE-SECRET", "api_token": "API-SECRET", "password": "PW-SECRET",
		"detail": "Bearer JWT-SECRET-VALUE",
	})
	out := buf.String()
	if !strings.Contains(out, "server said") {
		t.Fatalf("nothing logged: %q", out)
	}
	for _, secret := range []string{"PASSWORD-SECRET", "JWT-SECRET-VALUE", "TOKEN-SECRET", "VALUE-SECRET", "API-SECRET", "PW-SECRET"} {
		if strings.Contains(out, secret) {
			t.Fatalf("the log shows %s: %s", secret, out)
		}
	}
}

// A success status with a body that is not Netmaker's JSON (a proxy's or a
// login page's answer) is an error, never an empty list: taking it for one
// would drop every managed key from state while the keys live.
func TestAdversarial_SuccessThatIsNotJSON(t *testing.T) {
	answers := map[string]func(http.ResponseWriter){
		"html null":       func(w http.ResponseWriter) { writeHTML(w, 200, "null") },
		"html empty list": func(w http.ResponseWriter) { writeHTML(w, 200, "[]") },
		"json null": func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, "null")
		},
		"empty body": func(w http.ResponseWriter) { w.WriteHeader(200) },
	}
	for name, answer := range answers {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			seedKeys(f, "office")
			f.intercept = func(w http.ResponseWriter, r *http.Request, route string, n int, body []byte) bool {
				if route != "GET "+routeKeys {
					return false
				}
				answer(w)
				return true
			}
			keys, err := f.client(t, nil).ListKeys(context.Background())
			if err == nil || !errors.Is(err, ErrServer) {
				t.Fatalf("ListKeys = %d keys, %v; want an ErrServer error", len(keys), err)
			}
			if _, err := f.client(t, nil).ManagedKey(context.Background(), "office", "X"); errors.Is(err, ErrNotFound) {
				t.Fatalf("ManagedKey = %v; a non-answer must not mean the key is gone", err)
			}
		})
	}
	// Netmaker's own list answer carries no Content-Type of its own: Go
	// sniffs it as text/plain. That is an answer.
	f := newFake(t)
	seedKeys(f, "office")
	f.intercept = func(w http.ResponseWriter, r *http.Request, route string, n int, body []byte) bool {
		if route != "GET "+routeKeys {
			return false
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, `[{"value":"V","tags":["office"],"type":3,"unlimited":true}]`)
		return true
	}
	if keys, err := f.client(t, nil).ListKeys(context.Background()); err != nil || len(keys) != 1 {
		t.Fatalf("ListKeys of a text/plain JSON answer = %v, %v", keys, err)
	}
}

// An error body that echoes a key is redacted: its value and its token,
// whichever key they belong to.
func TestAdversarial_ErrorBodiesRedactKeys(t *testing.T) {
	const value = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
	const other = "ZYXWVUTSRQPONMLKJIHGFEDCBA543210"
	token := base64.StdEncoding.EncodeToString([]byte(`{"server":"api.example.com","value":"` + other + `"}`))
	f := newFake(t)
	f.intercept = func(w http.ResponseWriter, r *http.Request, route string, n int, body []byte) bool {
		if r.Method != http.MethodDelete {
			return false
		}
		writeErr(w, 400, "cannot delete "+value+": conflicts with "+other+" (token "+token+")")
		return true
	}
	err := f.client(t, nil).DeleteKey(context.Background(), value)
	if err == nil {
		t.Fatal("DeleteKey: want an error")
	}
	for _, secret := range []string{value, other, token, token[:40]} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("the error shows a secret %q: %v", secret, err)
		}
	}
	if !strings.Contains(err.Error(), "conflicts with [redacted]") {
		t.Errorf("the error lost the server's words: %v", err)
	}
}

// A create answered with another key (a proxy or cache answering for the
// server) while the list has no key of the name asked for: the list is the
// truth, so the outcome is unknown, never the answer's key.
func TestAdversarial_CreateAnsweredWithAnotherKey(t *testing.T) {
	f := newFake(t)
	f.intercept = func(w http.ResponseWriter, r *http.Request, route string, n int, body []byte) bool {
		if route != "POST "+routeKeys {
			return false
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"value":"OTHERKEYVALUEOFSOMEONEELSE000000","token":"dG9rZW4=","tags":["someone"],`+
			`"networks":["net1"],"type":2,"unlimited":true}`)
		return true
	}
	k, err := f.client(t, nil).CreateKey(context.Background(), CreateKeyRequest{Name: "office", Networks: []string{"net1"}, Type: KeyTypeUnlimited})
	if !errors.Is(err, ErrOutcomeUnknown) || k != nil {
		t.Fatalf("CreateKey = %+v, %v; want ErrOutcomeUnknown and no key", k, err)
	}
	if strings.Contains(err.Error(), "OTHERKEYVALUE") {
		t.Errorf("the error names a key value: %v", err)
	}
}
