package netmaker

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func seedKeys(f *fakeNM, names ...string) {
	for i, n := range names {
		f.addKey(map[string]any{"value": "VALUE" + string(rune('A'+i)) + "00000000000000000000000000", "token": "t", "tags": []any{n},
			"groups": nil, "networks": []any{"net1"}, "type": 3, "unlimited": true, "relay": nilUUID, "expiration": "0001-01-01T00:00:00Z"})
	}
}

// wantLists fails t unless the fake served the key list want times; what
// names the lists counted (and why that many).
func wantLists(t *testing.T, f *fakeNM, want int, what string) {
	t.Helper()
	if got := f.count("GET " + routeKeys); got != want {
		t.Fatalf("%d %s, want %d", got, what, want)
	}
}

// readThrice reads three times in a row, failing t on an error.
func readThrice(t *testing.T, read func() error) {
	t.Helper()
	for range 3 {
		if err := read(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestListCacheSharesOneRequest(t *testing.T) {
	f := newFake(t)
	seedKeys(f, "a", "b")
	release := make(chan struct{})
	f.intercept = func(w http.ResponseWriter, r *http.Request, route string, n int, body []byte) bool {
		if route == "GET "+routeKeys {
			<-release
		}
		return false
	}
	c := f.client(t, nil)
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			keys, err := c.ListKeys(context.Background())
			if err == nil && len(keys) != 2 {
				err = errors.New("wrong number of keys")
			}
			errs <- err
		})
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	// Later reads are served from the cache, too.
	if _, err := c.KeyByName(context.Background(), "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.NetworkDefaultKey(context.Background(), "net1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("NetworkDefaultKey = %v", err)
	}
	wantLists(t, f, 1, "list requests")
}

func TestListCacheInvalidation(t *testing.T) {
	ctx := context.Background()
	writes := []struct {
		name  string
		write func(c *Client, f *fakeNM, value string) error
	}{
		// A create, a delete and a regenerate answered with the whole key
		// are recorded in the cached list instead (TestListCacheRecordsOwnWrites).
		// The fake answers a PUT with a few fields only: not the key as the
		// list shows it.
		{"update answered in part", func(c *Client, _ *fakeNM, v string) error {
			_, err := c.UpdateKey(ctx, v, UpdateKeyRequest{})
			return err
		}},
		{"regenerate answered in part", func(c *Client, f *fakeNM, v string) error {
			f.intercept = func(w http.ResponseWriter, r *http.Request, route string, n int, body []byte) bool {
				if route == "POST "+routeRegenerate {
					rec := httptest.NewRecorder()
					f.apply(rec, r, route, body)
					var k map[string]any
					_ = json.Unmarshal(rec.Body.Bytes(), &k)
					writeJSON(w, map[string]any{"value": k["value"], "tags": k["tags"]}) // no token, networks, type
					return true
				}
				return false
			}
			_, err := c.RegenerateToken(ctx, v)
			return err
		}},
		{"failed delete", func(c *Client, _ *fakeNM, _ string) error {
			if err := c.DeleteKey(ctx, "NOPE"); !errors.Is(err, ErrNotFound) {
				return err
			}
			return nil
		}},
		{"network create", func(c *Client, _ *fakeNM, _ string) error {
			_ = c.CreateNetwork(ctx, Network{Name: "n2", AddressRange: "10.0.0.0/24"})
			return nil
		}},
	}
	for _, tt := range writes {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			seedKeys(f, "a")
			c := f.client(t, nil)
			a, err := c.KeyByName(ctx, "a")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.ListKeys(ctx); err != nil {
				t.Fatal(err)
			}
			wantLists(t, f, 1, "lists before the write")
			if err := tt.write(c, f, a.Value); err != nil {
				t.Fatal(err)
			}
			for range 2 {
				if _, err := c.ListKeys(ctx); err != nil {
					t.Fatal(err)
				}
			}
			// Exactly one fresh list follows the write (the write's own
			// read-back, or the first read after it); then the cache serves.
			wantLists(t, f, 2, "lists in all")
		})
	}
}

// TestListCacheRecordsOwnWrites: a key this client creates, regenerates
// or deletes (the server answering the whole key) changes the cached list
// without listing again, and the cached list then matches the server's.
// (TestIntegrationCacheKeptThroughWrites covers every generation's rules.)
func TestListCacheRecordsOwnWrites(t *testing.T) {
	ctx := context.Background()
	f := newFake(t)
	seedKeys(f, "a", "b", "c")
	c := f.client(t, nil)
	b, err := c.KeyByName(ctx, "b")
	if err != nil {
		t.Fatal(err)
	}
	cKey, err := c.KeyByName(ctx, "c")
	if err != nil {
		t.Fatal(err)
	}
	created, err := c.CreateKey(ctx, CreateKeyRequest{Name: "new", Type: KeyTypeUnlimited})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteKey(ctx, b.Value); err != nil {
		t.Fatal(err)
	}
	regenerated, err := c.RegenerateToken(ctx, cKey.Value)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.KeyByName(ctx, "new")
	if err != nil || got.Value != created.Value || got.Token != created.Token {
		t.Fatalf("KeyByName(new) = %+v, %v; want the created key", got, err)
	}
	if _, err := c.KeyByName(ctx, "b"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("KeyByName(b) after its delete = %v, want ErrNotFound", err)
	}
	if got, err := c.KeyByName(ctx, "c"); err != nil || got.Value != regenerated.Value || got.Value == cKey.Value {
		t.Fatalf("KeyByName(c) after its regenerate = %+v, %v; want the new value", got, err)
	}
	if _, err := c.KeyByValue(ctx, cKey.Value); !errors.Is(err, ErrNotFound) {
		t.Fatalf("KeyByValue(c's old value) = %v, want ErrNotFound", err)
	}

	// A key created as a default is recorded as one.
	if _, err := c.CreateKey(ctx, CreateKeyRequest{Name: "dflt", Type: KeyTypeUnlimited, Networks: []string{"net1"}, Default: true}); err != nil {
		t.Fatal(err)
	}
	if got, err := c.KeyByName(ctx, "dflt"); err != nil || !got.Default {
		t.Fatalf("KeyByName(dflt) = %+v, %v; want a default key", got, err)
	}
	wantLists(t, f, 1, "lists (own writes are recorded in the cached list)")
	cached, err := c.ListKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := New(Config{Host: c.cfg.Host, APIToken: c.cfg.APIToken, HTTPClient: c.cfg.HTTPClient, DisableListCache: true})
	if err != nil {
		t.Fatal(err)
	}
	server, err := fresh.ListKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sortedJoin(cached, keyName) != sortedJoin(server, keyName) || sortedJoin(cached, keyValue) != sortedJoin(server, keyValue) {
		t.Fatalf("cached list %s, server's %s", sortedJoin(cached, keyName), sortedJoin(server, keyName))
	}
}

// sortedJoin answers field of every key, sorted, comma-separated.
func sortedJoin(keys []EnrollmentKey, field func(EnrollmentKey) string) string {
	var out []string
	for _, k := range keys {
		out = append(out, field(k))
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}

func keyName(k EnrollmentKey) string  { return k.Name }
func keyValue(k EnrollmentKey) string { return k.Value }

// TestListStartedBeforeWriteNotServedAfter: a list in flight when a write
// completes must not answer reads that begin after the write.
func TestListStartedBeforeWriteNotServedAfter(t *testing.T) {
	f := newFake(t)
	seedKeys(f, "a", "b")
	release := make(chan struct{})
	entered := make(chan struct{})
	f.intercept = func(w http.ResponseWriter, r *http.Request, route string, n int, body []byte) bool {
		if route == "GET "+routeKeys && n == 1 {
			// Answer the state before the write, late.
			f.mu.Lock()
			snapshot := append([]map[string]any(nil), f.keys...)
			f.mu.Unlock()
			close(entered)
			<-release
			writeJSON(w, snapshot)
			return true
		}
		return false
	}
	c := f.client(t, nil)
	ctx := context.Background()
	slow := make(chan []EnrollmentKey)
	go func() {
		keys, _ := c.ListKeys(ctx)
		slow <- keys
	}()
	<-entered
	f.mu.Lock()
	bValue := str(f.keys[1]["value"])
	f.mu.Unlock()
	if err := c.DeleteKey(ctx, bValue); err != nil {
		t.Fatal(err)
	}
	keys, err := c.ListKeys(ctx) // must not join the stale list
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0].Name != "a" {
		t.Fatalf("after the write: %v", keys)
	}
	close(release)
	if old := <-slow; len(old) != 2 {
		t.Fatalf("the early reader got %d keys", len(old))
	}
	// The stale answer must not have replaced the fresh one in the cache.
	keys, err = c.ListKeys(ctx)
	if err != nil || len(keys) != 1 {
		t.Fatalf("cache after the stale list finished: %v, %v", keys, err)
	}
	wantLists(t, f, 2, "lists")
}

func TestListCacheDisabled(t *testing.T) {
	f := newFake(t)
	seedKeys(f, "a")
	c := f.client(t, func(cfg *Config) { cfg.DisableListCache = true })
	ctx := context.Background()
	readThrice(t, func() error { _, err := c.KeyByName(ctx, "a"); return err })
	wantLists(t, f, 3, "lists")
}

func TestListCacheAnswersCopies(t *testing.T) {
	f := newFake(t)
	seedKeys(f, "a")
	c := f.client(t, nil)
	ctx := context.Background()
	keys, err := c.ListKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	keys[0].Name = "changed"
	keys[0].Networks[0] = "changed"
	keys[0].Tags = append(keys[0].Tags, "changed")
	k, err := c.KeyByName(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	k.Networks[0] = "changed too"
	again, err := c.ListKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again[0].Name != "a" || again[0].Networks[0] != "net1" || len(again[0].Tags) != 0 {
		t.Fatalf("cache was modified through an answer: %+v", again[0])
	}
}

func TestListCacheErrorsNotCached(t *testing.T) {
	f := newFake(t)
	seedKeys(f, "a")
	f.intercept = func(w http.ResponseWriter, r *http.Request, route string, n int, body []byte) bool {
		if n == 1 {
			writeErr(w, 500, "boom")
			return true
		}
		return false
	}
	c := f.client(t, nil)
	if _, err := c.ListKeys(context.Background()); !errors.Is(err, ErrServer) {
		t.Fatalf("first list = %v", err)
	}
	if _, err := c.ListKeys(context.Background()); err != nil {
		t.Fatalf("second list = %v", err)
	}
}

// TestListCacheLeaderCancelled: when the caller whose request is in flight
// gives up, callers waiting for it try again instead of failing.
func TestListCacheLeaderCancelled(t *testing.T) {
	f := newFake(t)
	seedKeys(f, "a")
	entered := make(chan struct{})
	f.intercept = func(w http.ResponseWriter, r *http.Request, route string, n int, body []byte) bool {
		if n == 1 {
			close(entered)
			<-r.Context().Done()
			return true
		}
		return false
	}
	c := f.client(t, nil)
	leaderCtx, cancel := context.WithCancel(context.Background())
	leaderErr := make(chan error)
	go func() { _, err := c.ListKeys(leaderCtx); leaderErr <- err }()
	<-entered
	follower := make(chan error)
	go func() { _, err := c.ListKeys(context.Background()); follower <- err }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-leaderErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("leader = %v", err)
	}
	if err := <-follower; err != nil {
		t.Fatalf("follower = %v", err)
	}
}

// TestListCacheAfterNetworkDeletion: while the server's cascade after a
// network deletion may still change keys, every read lists afresh.
func TestListCacheAfterNetworkDeletion(t *testing.T) {
	f := newFake(t)
	seedKeys(f, "a")
	c := f.client(t, nil)
	ctx := context.Background()
	if _, err := c.ListKeys(ctx); err != nil {
		t.Fatal(err)
	}
	_ = c.DeleteNetwork(ctx, "net1")
	readThrice(t, func() error { _, err := c.ListKeys(ctx); return err })
	wantLists(t, f, 4, "lists")
	// Once the window has passed, lists are kept again.
	c.cache.lock()
	c.cache.volatileUntil = time.Now().Add(-time.Second)
	c.cache.unlock()
	readThrice(t, func() error { _, err := c.ListKeys(ctx); return err })
	wantLists(t, f, 5, "lists")
}
