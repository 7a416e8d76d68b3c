package netmaker

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// lostFirst applies the first request of route, then hangs up (response
// lost); later requests behave normally.
func lostFirst(f *fakeNM, route string) {
	f.intercept = func(w http.ResponseWriter, r *http.Request, rt string, n int, body []byte) bool {
		if rt == route && n == 1 {
			f.apply(&discard{h: http.Header{}}, r, rt, body)
			hangUp(w)
			return true
		}
		return false
	}
}

type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

func TestCreateKey(t *testing.T) {
	exp := time.Now().Add(time.Hour).Truncate(time.Second).UTC()
	req := CreateKeyRequest{Name: "office", Networks: []string{"net1"}, Type: KeyTypeUses, Uses: 5, Tags: []string{"net1.a"}}
	tests := []struct {
		name string
		// setup may seed keys and install an intercept.
		setup     func(f *fakeNM)
		req       CreateKeyRequest
		wantErr   error
		wantText  string
		wantPosts int
	}{
		{"plain", nil, req, nil, "", 1},
		{"time-bound", nil, CreateKeyRequest{Name: "tb", Type: KeyTypeTimeBound, Expiration: exp}, nil, "", 1},
		{"lost answer, retry meets name taken: adopted", func(f *fakeNM) { lostFirst(f, "POST "+routeKeys) }, req, nil, "", 2},
		{"lost answer, but the key differs: name taken", func(f *fakeNM) {
			f.intercept = func(w http.ResponseWriter, r *http.Request, rt string, n int, body []byte) bool {
				if rt == "POST "+routeKeys && n == 1 {
					// Someone else's key of that name appears meanwhile.
					seedKeys(f, "office")
					hangUp(w)
					return true
				}
				return false
			}
		}, req, ErrNameTaken, `an enrollment key named "office" exists with other settings`, 2},
		{"genuine conflict on the first attempt", func(f *fakeNM) { seedKeys(f, "office") }, req, ErrNameTaken,
			`an enrollment key named "office" already exists (key names are unique among keys)`, 1},
		{"429 then name taken is a genuine conflict", func(f *fakeNM) {
			f.intercept = func(w http.ResponseWriter, r *http.Request, rt string, n int, body []byte) bool {
				if rt == "POST "+routeKeys && n == 1 {
					f.apply(&discard{h: http.Header{}}, r, rt, body) // identical key, made by someone else
					w.Header().Set("Retry-After", "0")
					w.WriteHeader(429)
					return true
				}
				return false
			}
		}, req, ErrNameTaken, "already exists", 2},
		{"empty name rejected before sending", nil, CreateKeyRequest{Type: KeyTypeUnlimited}, ErrValidation, "needs a name", 0},
		{"server validation", func(f *fakeNM) {
			f.intercept = func(w http.ResponseWriter, r *http.Request, rt string, n int, body []byte) bool {
				if rt == "POST "+routeKeys {
					writeErr(w, 500, "enrollment key is not valid: uses remaining: 0")
					return true
				}
				return false
			}
		}, req, ErrValidation, "enrollment key is not valid", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			if tt.setup != nil {
				tt.setup(f)
			}
			c := f.client(t, nil)
			k, err := c.CreateKey(context.Background(), tt.req)
			if got := f.count("POST " + routeKeys); got != tt.wantPosts {
				t.Errorf("%d POSTs, want %d", got, tt.wantPosts)
			}
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.wantText) {
					t.Fatalf("CreateKey = %v, want %v containing %q", err, tt.wantErr, tt.wantText)
				}
				return
			}
			if err != nil {
				t.Fatalf("CreateKey: %v", err)
			}
			if k.Name != tt.req.Name || k.Type != tt.req.Type || k.Value == "" || k.Tags == nil || k.Networks == nil {
				t.Fatalf("CreateKey = %+v", k)
			}
			if tt.req.Type == KeyTypeTimeBound && !k.Expiration.Equal(exp) {
				t.Fatalf("expiration %v, want %v", k.Expiration, exp)
			}
			// One key of that name on the server. A create answered at the
			// first attempt is used as answered (list shape, complete), with
			// no list call; a recovered one is looked up by name.
			n := 0
			f.mu.Lock()
			for _, sk := range f.keys {
				if nameOf(sk) == tt.req.Name {
					n++
				}
			}
			f.mu.Unlock()
			if n != 1 {
				t.Fatalf("%d keys named %q", n, tt.req.Name)
			}
			if got := f.count("GET " + routeKeys); tt.wantPosts == 1 && got != 0 {
				t.Fatalf("%d list calls after a create that answered the key, want 0", got)
			}
			var body map[string]any
			_ = json.Unmarshal([]byte(f.lastBody("POST "+routeKeys)), &body)
			if tags, _ := body["tags"].([]any); len(tags) != 1 || tags[0] != tt.req.Name {
				t.Fatalf("wire tags = %v", body["tags"])
			}
		})
	}
}

func TestCreateDefaultKeyNeedsCurrentServer(t *testing.T) {
	f := newFake(t)
	f.intercept = func(w http.ResponseWriter, r *http.Request, rt string, n int, body []byte) bool {
		if rt == "GET "+routeNetworkDefault {
			http.NotFound(w, r)
			return true
		}
		return false
	}
	c := f.client(t, nil)
	_, err := c.CreateKey(context.Background(), CreateKeyRequest{Name: "k", Networks: []string{"n"}, Type: KeyTypeUnlimited, Default: true})
	if !errors.Is(err, ErrUnsupported) {
		t.Fatalf("CreateKey = %v", err)
	}
	if f.count("POST "+routeKeys) != 0 {
		t.Fatal("sent a create the server cannot honour")
	}
}

func TestUpdateKey(t *testing.T) {
	f := newFake(t)
	seedKeys(f, "a")
	c := f.client(t, nil)
	ctx := context.Background()
	a, err := c.KeyByName(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.UpdateKey(ctx, a.Value, UpdateKeyRequest{Tags: []string{"net1.x"}, GatewayID: testGW})
	if err != nil {
		t.Fatal(err)
	}
	// The fake answers the detail shape without gateway: the client reads
	// the key back through the list instead of trusting the answer.
	if got.GatewayID != testGW || len(got.Tags) != 1 || got.Tags[0] != "net1.x" || got.Name != "a" || got.Type != KeyTypeUnlimited {
		t.Fatalf("UpdateKey = %+v", got)
	}
	if body := f.lastBody("PUT " + routeKey); body != `{"relay":"`+testGW+`","groups":["net1.x"],"auto_assign_gw":false,"default":false}` {
		t.Fatalf("PUT body %s", body)
	}
	if _, err := c.UpdateKey(ctx, "MISSING", UpdateKeyRequest{}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("UpdateKey(missing) = %v", err)
	}
	if _, err := c.UpdateKey(ctx, a.Value, UpdateKeyRequest{}); err != nil {
		t.Fatal(err)
	}
	if body := f.lastBody("PUT " + routeKey); body != `{"relay":"`+nilUUID+`","groups":[],"auto_assign_gw":false,"default":false}` {
		t.Fatalf("PUT body %s", body)
	}
}

func TestDeleteKey(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(f *fakeNM)
		value   string
		wantErr error
	}{
		{"deleted", nil, "", nil},
		{"already gone", nil, "MISSING", ErrNotFound},
		{"lost answer, retry meets not found: success", func(f *fakeNM) { lostFirst(f, "DELETE "+routeKey) }, "", nil},
		{"default key", func(f *fakeNM) {
			f.intercept = func(w http.ResponseWriter, r *http.Request, rt string, n int, body []byte) bool {
				if rt == "DELETE "+routeKey {
					writeErr(w, 500, "cannot delete default network key")
					return true
				}
				return false
			}
		}, "", ErrDefaultKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			seedKeys(f, "a")
			if tt.setup != nil {
				tt.setup(f)
			}
			c := f.client(t, nil)
			value := tt.value
			if value == "" {
				f.mu.Lock()
				value = str(f.keys[0]["value"])
				f.mu.Unlock()
			}
			err := c.DeleteKey(context.Background(), value)
			if tt.wantErr == nil && err != nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("DeleteKey = %v, want %v", err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), value) {
				t.Fatalf("error shows the value: %v", err)
			}
		})
	}
}

func TestRegenerateToken(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(f *fakeNM)
		wantErr error
	}{
		{"regenerated", nil, nil},
		{"lost answer, retry meets not found: found by name", func(f *fakeNM) { lostFirst(f, "POST "+routeRegenerate) }, nil},
		{"no route", func(f *fakeNM) {
			f.intercept = func(w http.ResponseWriter, r *http.Request, rt string, n int, body []byte) bool {
				if rt == "POST "+routeRegenerate {
					http.NotFound(w, r)
					return true
				}
				return false
			}
		}, ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			seedKeys(f, "a", "b")
			if tt.setup != nil {
				tt.setup(f)
			}
			c := f.client(t, nil)
			ctx := context.Background()
			a, err := c.KeyByName(ctx, "a")
			if err != nil {
				t.Fatal(err)
			}
			k, err := c.RegenerateToken(ctx, a.Value)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), "current-generation") {
					t.Fatalf("RegenerateToken = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("RegenerateToken: %v", err)
			}
			if k.Name != "a" || k.Value == a.Value || !strings.HasPrefix(k.Value, "RRR") {
				t.Fatalf("RegenerateToken = %+v", k)
			}
		})
	}
	t.Run("unknown value", func(t *testing.T) {
		f := newFake(t)
		c := f.client(t, nil)
		if _, err := c.RegenerateToken(context.Background(), "MISSING"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("RegenerateToken = %v", err)
		}
		if f.count("POST "+routeRegenerate) != 0 {
			t.Fatal("regenerated an unknown key")
		}
	})
}

func TestCapabilities(t *testing.T) {
	tests := []struct {
		name    string
		answer  func(w http.ResponseWriter, r *http.Request)
		want    Capabilities
		wantErr error
	}{
		{"v1.5: no route", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, Capabilities{Generation: GenerationV15}, nil},
		{"current: network not found", func(w http.ResponseWriter, r *http.Request) { writeErr(w, 400, "network not found") },
			Capabilities{Generation: GenerationCurrent, RegenerateToken: true, NetworkDefault: true}, nil},
		{"current: 200", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, map[string]any{"name": "x"}) },
			Capabilities{Generation: GenerationCurrent, RegenerateToken: true, NetworkDefault: true}, nil},
		{"unauthorized", func(w http.ResponseWriter, r *http.Request) { writeErr(w, 401, "unauthorized") }, Capabilities{}, ErrUnauthorized},
		{"server error", func(w http.ResponseWriter, r *http.Request) { writeErr(w, 500, "boom") }, Capabilities{}, ErrServer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.intercept = func(w http.ResponseWriter, r *http.Request, rt string, n int, body []byte) bool {
				if rt == "GET "+routeNetworkDefault {
					if strings.Contains(r.URL.Path, "/network/"+probeNetwork+"/") {
						tt.answer(w, r)
					} else {
						w.WriteHeader(418)
					}
					return true
				}
				return false
			}
			c := f.client(t, nil)
			var wg sync.WaitGroup
			for range 5 {
				wg.Go(func() {
					got, err := c.Capabilities(context.Background())
					if tt.wantErr != nil {
						if !errors.Is(err, tt.wantErr) {
							t.Errorf("Capabilities = %v, want %v", err, tt.wantErr)
						}
						return
					}
					if err != nil || got != tt.want {
						t.Errorf("Capabilities = %+v, %v; want %+v", got, err, tt.want)
					}
				})
			}
			wg.Wait()
			want := 1
			if tt.wantErr != nil {
				want = 5 // failures are not cached
			}
			if got := f.count("GET " + routeNetworkDefault); got != want {
				t.Fatalf("%d probes, want %d", got, want)
			}
		})
	}
}

// genFake answers the network-default route as gen does ("v1.5": no
// route; "current": list shape; "v1.7": detail shape); ignorePut makes a
// PUT answer success and change nothing.
func genFake(t *testing.T, gen string, ignorePut bool) *fakeNM {
	f := newFake(t)
	f.addKey(map[string]any{"value": "AUTO" + strings.Repeat("0", 28), "tags": []any{"net1"}, "networks": []any{"net1"},
		"type": 3, "unlimited": true, "default": true})
	f.intercept = func(w http.ResponseWriter, r *http.Request, rt string, n int, body []byte) bool {
		switch {
		case rt == "GET "+routeNetworkDefault && gen == "v1.5":
			http.NotFound(w, r)
			return true
		case rt == "GET "+routeNetworkDefault && strings.Contains(r.URL.Path, "/network/net1/"):
			ans := map[string]any{"value": "AUTO" + strings.Repeat("0", 28), "tags": []any{"net1"}, "networks": []any{"net1"}, "default": true}
			if gen == "v1.7" {
				ans = map[string]any{"name": "net1", "value": "AUTO" + strings.Repeat("0", 28), "tags": nil, "networks": []any{"net1"}, "default": true}
			}
			writeJSON(w, ans)
			return true
		case rt == "PUT "+routeKey && ignorePut:
			writeJSON(w, map[string]any{"name": "a"})
			return true
		}
		return false
	}
	return f
}

func TestMakeDefault(t *testing.T) {
	tests := []struct {
		name          string
		gen           string
		ignore        bool // the server accepts but ignores "default"
		networks      []any
		allowRecreate bool
		wantErr       error
		wantPuts      int
		wantRecreate  bool
	}{
		{"v1.7: in place", "v1.7", false, []any{"net1"}, false, nil, 1, false},
		{"current: re-created", "current", false, []any{"net1"}, true, nil, 0, true},
		{"current without opt-in: refused", "current", false, []any{"net1"}, false, ErrNeedsRecreate, 0, false},
		{"v1.5", "v1.5", false, []any{"net1"}, true, ErrUnsupported, 0, false},
		{"v1.7 ignoring the request", "v1.7", true, []any{"net1"}, false, ErrUnsupported, 1, false},
		{"no networks", "v1.7", false, []any{}, true, ErrValidation, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := genFake(t, tt.gen, tt.ignore)
			f.addKey(map[string]any{"value": testValue, "tags": []any{"a"}, "groups": []any{"net1.t"}, "networks": tt.networks,
				"type": 3, "unlimited": true, "relay": testGW, "auto_assign_gw": false, "default": false})
			c := f.client(t, nil)
			k, err := c.MakeDefault(context.Background(), testValue, MakeDefaultOptions{AllowRecreate: tt.allowRecreate})
			if got := f.count("PUT " + routeKey); got != tt.wantPuts {
				t.Errorf("%d PUTs, want %d", got, tt.wantPuts)
			}
			recreated := f.count("DELETE "+routeKey) == 1 && f.count("POST "+routeKeys) == 1
			if recreated != tt.wantRecreate || !tt.wantRecreate && (f.count("DELETE "+routeKey) != 0 || f.count("POST "+routeKeys) != 0) {
				t.Errorf("deletes %d, creates %d; want re-created %v", f.count("DELETE "+routeKey), f.count("POST "+routeKeys), tt.wantRecreate)
			}
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("MakeDefault = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil || !k.Default || k.GatewayID != testGW || len(k.Tags) != 1 || k.Name != "a" {
				t.Fatalf("MakeDefault = %+v, %v", k, err)
			}
			if tt.wantRecreate {
				want := `{"tags":["a"],"networks":["net1"],"type":3,"unlimited":true,"groups":["net1.t"],"relay":"` + testGW +
					`","auto_assign_gw":false,"auto_egress":false,"default":true}`
				if body := f.lastBody("POST " + routeKeys); body != want {
					t.Fatalf("create body %s, want %s", body, want)
				}
				if k.Value == testValue {
					t.Fatal("re-created key kept its value")
				}
				return
			}
			want := `{"relay":"` + testGW + `","groups":["net1.t"],"auto_assign_gw":false,"default":true}`
			if body := f.lastBody("PUT " + routeKey); body != want {
				t.Fatalf("PUT body %s, want %s", body, want)
			}
		})
	}
}

func TestNetworkDefaultKey(t *testing.T) {
	f := newFake(t)
	f.addKey(map[string]any{"value": "V1", "tags": []any{"net1"}, "networks": []any{"net1"}, "default": false})
	f.addKey(map[string]any{"value": "V2", "tags": []any{"chosen"}, "networks": []any{"net2", "net1"}, "default": true})
	f.addKey(map[string]any{"value": "V3", "tags": []any{"net3"}, "networks": []any{"net3"}, "default": true})
	c := f.client(t, nil)
	ctx := context.Background()
	for net, want := range map[string]string{"net1": "chosen", "net2": "chosen", "net3": "net3"} {
		k, err := c.NetworkDefaultKey(ctx, net)
		if err != nil || k.Name != want {
			t.Fatalf("NetworkDefaultKey(%s) = %+v, %v; want %s", net, k, err, want)
		}
	}
	if _, err := c.NetworkDefaultKey(ctx, "net9"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("NetworkDefaultKey(net9) = %v", err)
	}
	if _, err := c.KeyByValue(ctx, "NOPE"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("KeyByValue = %v", err)
	}
	if _, err := c.KeyByName(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("KeyByName = %v", err)
	}
	if f.count("GET "+routeKeys) != 1 || f.count("GET "+routeNetworkDefault) != 0 {
		t.Fatalf("requests %v", f.counts)
	}
}

func TestKeyMatches(t *testing.T) {
	exp := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	base := EnrollmentKey{Name: "k", Networks: []string{"b", "a"}, Tags: []string{"t"}, Type: KeyTypeUses, UsesRemaining: 2}
	req := CreateKeyRequest{Name: "k", Networks: []string{"a", "b"}, Tags: []string{"t"}, Type: KeyTypeUses, Uses: 2}
	tests := []struct {
		name string
		mod  func(k *EnrollmentKey, r *CreateKeyRequest)
		want bool
	}{
		{"same (network order ignored)", func(*EnrollmentKey, *CreateKeyRequest) {}, true},
		{"uses differ", func(k *EnrollmentKey, _ *CreateKeyRequest) { k.UsesRemaining = 1 }, false},
		{"networks differ", func(k *EnrollmentKey, _ *CreateKeyRequest) { k.Networks = []string{"a"} }, false},
		{"tags differ", func(k *EnrollmentKey, _ *CreateKeyRequest) { k.Tags = nil }, false},
		{"type differs", func(k *EnrollmentKey, _ *CreateKeyRequest) { k.Type = KeyTypeUnlimited }, false},
		{"unlimited flag on a uses key", func(k *EnrollmentKey, _ *CreateKeyRequest) { k.Unlimited = true }, false},
		{"gateway differs", func(k *EnrollmentKey, _ *CreateKeyRequest) { k.GatewayID = testGW }, false},
		{"auto-assign differs", func(k *EnrollmentKey, _ *CreateKeyRequest) { k.AutoAssignGateway = true }, false},
		{"auto-egress differs", func(k *EnrollmentKey, _ *CreateKeyRequest) { k.AutoEgress = true }, false},
		{"expiry matches", func(k *EnrollmentKey, r *CreateKeyRequest) {
			k.Type, r.Type, k.Expiration, r.Expiration = KeyTypeTimeBound, KeyTypeTimeBound, exp, exp.Add(300*time.Millisecond)
		}, true},
		{"expiry differs", func(k *EnrollmentKey, r *CreateKeyRequest) {
			k.Type, r.Type, k.Expiration, r.Expiration = KeyTypeTimeBound, KeyTypeTimeBound, exp, exp.Add(time.Hour)
		}, false},
		{"default asked for, key is none", func(_ *EnrollmentKey, r *CreateKeyRequest) { r.Default = true }, false},
		{"default not asked for, key is one", func(k *EnrollmentKey, _ *CreateKeyRequest) { k.Default = true }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, r := copyKey(base), req
			tt.mod(&k, &r)
			if got := k.Matches(r); got != tt.want {
				t.Fatalf("Matches = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestCreateKeyAllAttemptsLost: every answer is lost (the first attempt
// applied); the key is found by name and adopted instead of reporting an
// error that would leave it behind unmanaged.
func TestCreateKeyAllAttemptsLost(t *testing.T) {
	f := newFake(t)
	f.intercept = func(w http.ResponseWriter, r *http.Request, rt string, n int, body []byte) bool {
		if rt == "POST "+routeKeys {
			if n == 1 {
				f.apply(&discard{h: http.Header{}}, r, rt, body)
			}
			hangUp(w)
			return true
		}
		return false
	}
	c := f.client(t, func(cfg *Config) { cfg.MaxRetries = 2 })
	k, err := c.CreateKey(context.Background(), CreateKeyRequest{Name: "k", Type: KeyTypeUnlimited})
	if err != nil || k.Name != "k" {
		t.Fatalf("CreateKey = %+v, %v", k, err)
	}
	if got := f.count("POST " + routeKeys); got != 3 {
		t.Fatalf("%d POSTs, want 3", got)
	}
	// Nothing applied at all: the transport error is reported.
	_, err = c.CreateKey(context.Background(), CreateKeyRequest{Name: "other", Type: KeyTypeUnlimited})
	if err == nil || !strings.Contains(err.Error(), "POST /api/v1/enrollment-keys") || !strings.Contains(err.Error(), "3 attempt") {
		t.Fatalf("CreateKey = %v", err)
	}
}
