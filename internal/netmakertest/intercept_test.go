package netmakertest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const createRoute = "POST /api/v1/enrollment-keys"

const createBody = `{"tags":["icpt-key"],"unlimited":true}`

// TestInterceptThrough: an interceptor that answers false sees the request
// and lets it through untouched, or with its body changed.
func TestInterceptThrough(t *testing.T) {
	var (
		mu   sync.Mutex
		seen []string
	)
	s := newTest(t, Options{Intercept: func(_ http.ResponseWriter, r *http.Request, _ http.Handler) bool {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, r.Method+" "+r.URL.Path)
		return false
	}})
	call(t, s, "POST", "/api/v1/enrollment-keys", createBody).mustOK(t)
	call(t, s, "GET", "/api/v1/enrollment-keys", "").mustOK(t)
	callAuth(t, s, "GET", "/sandbox/stats", "", "").mustOK(t)
	mu.Lock()
	got := strings.Join(seen, ", ")
	mu.Unlock()
	if want := "POST /api/v1/enrollment-keys, GET /api/v1/enrollment-keys, GET /sandbox/stats"; got != want {
		t.Errorf("the interceptor saw %q, want %q", got, want)
	}
	if _, ok := s.KeyByName("icpt-key"); !ok {
		t.Error("the create let through was not applied")
	}
	if n := s.Stats()[createRoute]; n != 1 {
		t.Errorf("%d creates counted, want 1", n)
	}

	t.Run("body changed", func(t *testing.T) {
		s := newTest(t, Options{Intercept: func(_ http.ResponseWriter, r *http.Request, _ http.Handler) bool {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				t.Errorf("reading the body: %v", err)
			}
			body = bytes.ReplaceAll(body, []byte("icpt-key"), []byte("icpt-other"))
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
			return false
		}})
		call(t, s, "POST", "/api/v1/enrollment-keys", createBody).mustOK(t)
		if _, ok := s.KeyByName("icpt-other"); !ok {
			t.Errorf("the changed body was not applied: %+v", s.Keys())
		}
		if _, ok := s.KeyByName("icpt-key"); ok {
			t.Error("the original body was applied")
		}
	})

	t.Run("held until released", func(t *testing.T) {
		held, release := make(chan struct{}), make(chan struct{})
		s := newTest(t, Options{Intercept: func(_ http.ResponseWriter, _ *http.Request, _ http.Handler) bool {
			close(held)
			<-release
			return false
		}})
		done := make(chan answer, 1)
		go func() { done <- callAuth(t, s, "POST", "/api/v1/enrollment-keys", createBody, "Bearer "+testMaster) }()
		<-held
		if n := s.Stats()[createRoute]; n != 0 {
			t.Errorf("the server counted %d creates while the request was held", n)
		}
		if _, ok := s.KeyByName("icpt-key"); ok {
			t.Error("the held create was applied")
		}
		close(release)
		(<-done).mustOK(t)
		if _, ok := s.KeyByName("icpt-key"); !ok {
			t.Error("the released create was not applied")
		}
	})
}

// TestInterceptReplaced: an interceptor that answers true answers in the
// server's place; the server neither counts nor applies the request.
func TestInterceptReplaced(t *testing.T) {
	s := newTest(t, Options{Intercept: func(w http.ResponseWriter, r *http.Request, _ http.Handler) bool {
		if r.Method != http.MethodPost {
			return false
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "<h1>502 from the interceptor</h1>")
		return true
	}})
	a := call(t, s, "POST", "/api/v1/enrollment-keys", createBody)
	if a.err != nil || a.status != http.StatusBadGateway || a.body != "<h1>502 from the interceptor</h1>" {
		t.Fatalf("got %d %q (err %v), want the interceptor's 502", a.status, a.body, a.err)
	}
	if _, ok := s.KeyByName("icpt-key"); ok {
		t.Error("a replaced create was applied")
	}
	if n, ok := s.Stats()[createRoute]; ok {
		t.Errorf("the server counted %d replaced creates", n)
	}
	call(t, s, "GET", "/api/v1/enrollment-keys", "").mustOK(t)

	t.Run("hang up", func(t *testing.T) {
		s := newTest(t, Options{Intercept: func(w http.ResponseWriter, _ *http.Request, _ http.Handler) bool {
			if err := HangUp(w); err != nil {
				t.Errorf("HangUp: %v", err)
			}
			return true
		}})
		if a := call(t, s, "POST", "/api/v1/enrollment-keys", createBody); a.err == nil {
			t.Fatalf("want no answer, got %d %q", a.status, a.body)
		}
		if _, ok := s.KeyByName("icpt-key"); ok {
			t.Error("a create hung up on was applied")
		}
	})

	t.Run("applied, answer lost", func(t *testing.T) {
		s := newTest(t, Options{Intercept: func(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
			applied := httptest.NewRecorder()
			next.ServeHTTP(applied, r)
			if applied.Code != http.StatusOK {
				t.Errorf("the create behind the lost answer: %d %s", applied.Code, applied.Body)
			}
			if err := HangUp(w); err != nil {
				t.Errorf("HangUp: %v", err)
			}
			return true
		}})
		if a := call(t, s, "POST", "/api/v1/enrollment-keys", createBody); a.err == nil {
			t.Fatalf("want no answer, got %d %q", a.status, a.body)
		}
		if _, ok := s.KeyByName("icpt-key"); !ok {
			t.Error("the create whose answer was lost was not applied")
		}
	})

	t.Run("HangUp needs a connection", func(t *testing.T) {
		if err := HangUp(httptest.NewRecorder()); err == nil {
			t.Error("HangUp on a recorder succeeded")
		}
	})
}

// TestInterceptObserved: PassThrough lets the answer reach the client and
// tells the interceptor its status, 0 for a fault that hung up.
func TestInterceptObserved(t *testing.T) {
	// The interceptor hands each status over after the client may already
	// have its answer (a hang-up reaches the client first): wait for it.
	statuses := make(chan int, 8)
	s := newTest(t, Options{Intercept: func(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
		statuses <- PassThrough(w, r, next)
		return true
	}})
	last := func() int {
		select {
		case status := <-statuses:
			return status
		case <-time.After(5 * time.Second):
			t.Fatal("the interceptor reported no status")
			return -1
		}
	}
	a := call(t, s, "POST", "/api/v1/enrollment-keys", createBody).mustOK(t)
	if !strings.Contains(a.body, "icpt-key") {
		t.Errorf("the answer passed through lost its body: %q", a.body)
	}
	if got := last(); got != http.StatusOK {
		t.Errorf("observed %d for a create, want 200", got)
	}
	callAuth(t, s, "GET", "/api/v1/enrollment-keys", "", "Bearer wrong").wantError(t, http.StatusUnauthorized, "unauthorized")
	if got := last(); got != http.StatusUnauthorized {
		t.Errorf("observed %d for a wrong credential, want 401", got)
	}
	call(t, s, "GET", "/api/v1/nowhere", "")
	if got := last(); got != http.StatusNotFound {
		t.Errorf("observed %d for no route, want 404", got)
	}
	// The server's own hang-ups still work through PassThrough.
	s.SetFaults(Faults{Rate: 1, ConnectionReset: true})
	if a := call(t, s, "GET", "/api/v1/enrollment-keys", ""); a.err == nil {
		t.Fatalf("want no answer, got %d %q", a.status, a.body)
	}
	if got := last(); got != 0 {
		t.Errorf("observed %d for a reset, want 0", got)
	}
}

// TestSetIntercept: the interceptor can be set and removed while the
// server runs.
func TestSetIntercept(t *testing.T) {
	s := newTest(t, Options{})
	call(t, s, "GET", "/api/v1/enrollment-keys", "").mustOK(t)
	s.SetIntercept(func(w http.ResponseWriter, _ *http.Request, _ http.Handler) bool {
		w.WriteHeader(http.StatusTeapot)
		return true
	})
	if a := call(t, s, "GET", "/api/v1/enrollment-keys", ""); a.status != http.StatusTeapot {
		t.Errorf("with an interceptor set: %d (err %v), want 418", a.status, a.err)
	}
	s.SetIntercept(nil)
	call(t, s, "GET", "/api/v1/enrollment-keys", "").mustOK(t)
}
