package netmaker

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeNM is a small programmable Netmaker for unit tests: it stores keys
// in the list shape, counts requests by route pattern, and lets a test
// intercept any request (the n-th of its route) to misbehave.
type fakeNM struct {
	t   *testing.T
	srv *httptest.Server

	mu     sync.Mutex
	keys   []map[string]any
	counts map[string]int
	bodies map[string][]string
	// intercept, when it returns true, has answered the request itself.
	intercept func(w http.ResponseWriter, r *http.Request, route string, n int, body []byte) bool
	token     string
	next      int
}

func newFake(t *testing.T) *fakeNM {
	f := &fakeNM{t: t, counts: map[string]int{}, bodies: map[string][]string{}, token: "tok-secret-1234"}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeNM) client(t *testing.T, mutate func(*Config)) *Client {
	t.Helper()
	cfg := Config{Host: f.srv.URL + "/", APIToken: f.token, UserAgent: "terraform-provider-netmaker/test", RequestTimeout: 5 * time.Second, MaxRetries: 5}
	if mutate != nil {
		mutate(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	SetRetryWaitForTest(c, time.Millisecond, 5*time.Millisecond)
	return c
}

func (f *fakeNM) count(route string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.counts[route]
}

func (f *fakeNM) lastBody(route string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	b := f.bodies[route]
	if len(b) == 0 {
		return ""
	}
	return b[len(b)-1]
}

func (f *fakeNM) addKey(k map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.keys = append(f.keys, k)
}

func routeOf(r *http.Request) string {
	p := r.URL.Path
	switch {
	case p == "/api/v1/enrollment-keys":
		return r.Method + " " + routeKeys
	case strings.HasPrefix(p, "/api/v1/enrollment-keys/network/"):
		return r.Method + " " + routeNetworkDefault
	case strings.HasSuffix(p, "/regenerate-token"):
		return r.Method + " " + routeRegenerate
	case strings.HasPrefix(p, "/api/v1/enrollment-keys/"):
		return r.Method + " " + routeKey
	case p == routeAuthenticate:
		return r.Method + " " + routeAuthenticate
	case p == "/api/networks":
		return r.Method + " " + routeNetworks
	case strings.HasPrefix(p, "/api/networks/"):
		return r.Method + " " + routeNetwork
	}
	return r.Method + " " + p
}

func writeErr(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"Code": code, "Message": msg, "Response": nil})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// hangUp closes the connection without an answer.
func hangUp(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("response writer cannot hijack")
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

func (f *fakeNM) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	route := routeOf(r)
	f.mu.Lock()
	f.counts[route]++
	n := f.counts[route]
	f.bodies[route] = append(f.bodies[route], string(body))
	intercept := f.intercept
	f.mu.Unlock()
	if intercept != nil && intercept(w, r, route, n, body) {
		return
	}
	if route != "POST "+routeAuthenticate && r.Header.Get("Authorization") != "Bearer "+f.token {
		writeErr(w, 401, "unauthorized")
		return
	}
	f.apply(w, r, route, body)
}

// apply performs the request on the stored keys, like a current server.
func (f *fakeNM) apply(w http.ResponseWriter, r *http.Request, route string, body []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	value := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/v1/enrollment-keys/"), "/regenerate-token")
	find := func() int {
		for i, k := range f.keys {
			if str(k["value"]) == value {
				return i
			}
		}
		return -1
	}
	switch route {
	case "GET " + routeKeys:
		list := append([]map[string]any{}, f.keys...) // as Netmaker: an array, never null
		writeJSON(w, list)
	case "POST " + routeKeys:
		var in map[string]any
		if err := json.Unmarshal(body, &in); err != nil {
			writeErr(w, 400, err.Error())
			return
		}
		name := nameOf(in)
		for _, k := range f.keys {
			if nameOf(k) == name {
				writeErr(w, 400, "key names must be unique")
				return
			}
		}
		f.next++
		k := map[string]any{"value": strings.Repeat("K", 31) + string(rune('A'+f.next)), "token": "tok" + string(rune('A'+f.next)),
			"tags": in["tags"], "groups": in["groups"], "networks": in["networks"], "unlimited": in["unlimited"],
			"uses_remaining": in["uses_remaining"], "expiration": "0001-01-01T00:00:00Z", "relay": in["relay"],
			"auto_assign_gw": in["auto_assign_gw"], "auto_egress": in["auto_egress"], "default": in["default"] == true, "type": 3}
		if u, _ := in["uses_remaining"].(float64); u > 0 {
			k["type"] = 2
		} else if e, _ := in["expiration"].(float64); e > 0 {
			k["type"] = 1
			k["expiration"] = time.Unix(int64(e), 0).UTC().Format(time.RFC3339)
		}
		f.keys = append(f.keys, k)
		writeJSON(w, k)
	case "PUT " + routeKey:
		i := find()
		if i < 0 {
			writeErr(w, 500, "no enrollmentkey found")
			return
		}
		var in map[string]any
		_ = json.Unmarshal(body, &in)
		k := f.keys[i]
		k["relay"], k["groups"], k["auto_assign_gw"] = in["relay"], in["groups"], in["auto_assign_gw"]
		if in["default"] == true {
			k["default"] = true
		}
		// Detail shape, as current servers answer.
		writeJSON(w, map[string]any{"name": nameOf(k), "value": k["value"], "tags": k["groups"], "gateway_id": nil})
	case "DELETE " + routeKey:
		i := find()
		if i < 0 {
			writeErr(w, 400, "no enrollmentkey found")
			return
		}
		f.keys = append(f.keys[:i], f.keys[i+1:]...)
	case "POST " + routeRegenerate:
		i := find()
		if i < 0 {
			writeErr(w, 400, "no enrollmentkey found")
			return
		}
		f.next++
		f.keys[i]["value"] = strings.Repeat("R", 31) + string(rune('A'+f.next))
		writeJSON(w, f.keys[i])
	case "GET " + routeNetworkDefault:
		writeErr(w, 400, "network not found")
	default:
		http.NotFound(w, r)
	}
}

// nameOf answers the name of a stored (list-shape) key or create body.
func nameOf(k map[string]any) string {
	tags, _ := k["tags"].([]any)
	if len(tags) == 0 {
		return ""
	}
	return str(tags[0])
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
