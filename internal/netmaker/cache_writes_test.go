package netmaker_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

const listRoute = "GET /api/v1/enrollment-keys"

// cacheMismatch compares the client's cached list with the keys the server
// holds, every field (the token as whether it is the server's); "" when
// they agree.
func cacheMismatch(ctx context.Context, c *netmaker.Client, srv *netmakertest.Server) string {
	cached, err := c.ListKeys(ctx)
	if err != nil {
		return err.Error()
	}
	describe := func(k netmaker.EnrollmentKey) string {
		nets, tags := slices.Clone(k.Networks), slices.Clone(k.Tags)
		slices.Sort(nets)
		slices.Sort(tags)
		return fmt.Sprintf("%s %s token-ok=%v nets=%v tags=%v type=%d unlimited=%v uses=%d exp=%d gw=%q auto=%v egress=%v default=%v",
			k.Name, k.Value, k.Token == srv.Token(k.Value), nets, tags, k.Type, k.Unlimited, k.UsesRemaining, k.Expiration.Unix(),
			strings.ToLower(k.GatewayID), k.AutoAssignGateway, k.AutoEgress, k.Default)
	}
	var got, want []string
	for _, k := range cached {
		got = append(got, describe(k))
	}
	for _, k := range srv.Keys() {
		gw := k.Relay
		if gw == netmakertest.NilUUID {
			gw = ""
		}
		want = append(want, describe(netmaker.EnrollmentKey{
			Name: k.Name, Value: k.Value, Token: srv.Token(k.Value), Networks: k.Networks, Tags: k.Groups,
			Type: netmaker.KeyType(k.Type), Unlimited: k.Unlimited, UsesRemaining: int64(k.UsesRemaining),
			Expiration: k.Expiration, GatewayID: gw, AutoAssignGateway: k.AutoAssignGW, AutoEgress: k.AutoEgress,
			Default: k.Default,
		}))
	}
	slices.Sort(got)
	slices.Sort(want)
	if slices.Equal(got, want) {
		return ""
	}
	return fmt.Sprintf("cached list:\n  %s\nserver:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
}

// newClient is another client of srv, with its own list cache.
func newClient(t *testing.T, srv *netmakertest.Server) *netmaker.Client {
	t.Helper()
	c, err := netmaker.New(netmaker.Config{Host: srv.URL(), APIToken: "pat-secret-token", RequestTimeout: 5 * time.Second, MaxRetries: 5})
	if err != nil {
		t.Fatal(err)
	}
	netmaker.SetRetryWaitForTest(c, time.Millisecond, 5*time.Millisecond)
	return c
}

// TestIntegrationCacheKeptThroughWrites: on every generation, the client's
// own writes (creates, updates, rotations, default changes, re-creations,
// deletes) keep its cached list equal to the server's keys, without
// listing again after the first list.
func TestIntegrationCacheKeptThroughWrites(t *testing.T) {
	for _, gen := range generations {
		t.Run(string(gen), func(t *testing.T) {
			srv, c := newIntegration(t, gen, nil)
			for i, n := range []string{"net1", "net2"} {
				if err := srv.CreateNetwork(n, fmt.Sprintf("10.%d.0.0/16", 40+i)); err != nil {
					t.Fatal(err)
				}
			}
			gw := srv.AddGateway("net1")
			ctx := context.Background()
			if err := c.CheckAuth(ctx); err != nil {
				t.Fatal(err)
			}
			caps, err := c.Capabilities(ctx)
			if err != nil {
				t.Fatal(err)
			}
			lists := func() int { return srv.Stats()[listRoute] }
			want := lists()
			step := func(what string, do func() error) {
				t.Helper()
				if err := do(); err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				if diff := cacheMismatch(ctx, c, srv); diff != "" {
					t.Fatalf("after %s:\n%s", what, diff)
				}
				if got := lists(); got != want {
					t.Fatalf("after %s: %d lists in all, want %d (the first)", what, got, want)
				}
			}
			valueOf := func(name string) string {
				t.Helper()
				k, ok := srv.KeyByName(name)
				if !ok {
					t.Fatalf("no key %q on the server", name)
				}
				return k.Value
			}
			exp := time.Now().Add(24 * time.Hour).Truncate(time.Second)
			step("creates", func() error {
				for _, req := range []netmaker.CreateKeyRequest{
					{Name: "k-unlimited", Networks: []string{"net1"}, Type: netmaker.KeyTypeUnlimited, Tags: []string{"net1.a"}},
					{Name: "k-uses", Networks: []string{"net1", "net2"}, Type: netmaker.KeyTypeUses, Uses: 5},
					{Name: "k-time", Type: netmaker.KeyTypeTimeBound, Expiration: exp, AutoEgress: true},
				} {
					if _, err := c.CreateKey(ctx, req); err != nil {
						return err
					}
				}
				return nil
			})
			step("updates", func() error {
				if _, err := c.UpdateKey(ctx, valueOf("k-unlimited"), netmaker.UpdateKeyRequest{Tags: []string{"net1.b"}, GatewayID: gw}); err != nil {
					return err
				}
				_, err := c.UpdateKey(ctx, valueOf("k-uses"), netmaker.UpdateKeyRequest{Tags: []string{"net2.c"}, AutoAssignGateway: true})
				return err
			})
			step("rotations", func() error {
				for _, name := range []string{"k-unlimited", "k-time"} {
					old := valueOf(name)
					k, err := c.RotateKey(ctx, old)
					if err != nil {
						return err
					}
					if k.Value == old || k.Value != valueOf(name) {
						return fmt.Errorf("rotating %s answered value %s", name, k.Value)
					}
				}
				return nil
			})
			if !caps.NetworkDefault {
				step("delete", func() error { return c.DeleteKey(ctx, valueOf("k-time")) })
				return
			}
			step("making a key the default of two networks", func() error {
				k, err := c.MakeDefault(ctx, valueOf("k-uses"), netmaker.MakeDefaultOptions{AllowRecreate: true})
				if err == nil && !k.Default {
					err = fmt.Errorf("MakeDefault answered %+v", k)
				}
				return err
			})
			step("updating a default key", func() error {
				_, err := c.UpdateKey(ctx, valueOf("k-uses"), netmaker.UpdateKeyRequest{Tags: []string{"net1.d"}})
				return err
			})
			step("rotating a default key", func() error {
				_, err := c.RotateKey(ctx, valueOf("k-uses"))
				return err
			})
			step("releasing the default", func() error {
				restored, err := c.ReleaseDefault(ctx, valueOf("k-uses"))
				if err == nil && len(restored) != 2 {
					err = fmt.Errorf("ReleaseDefault restored %+v, want both networks", restored)
				}
				return err
			})
			step("creating a default key", func() error {
				_, err := c.CreateKey(ctx, netmaker.CreateKeyRequest{Name: "k-default", Networks: []string{"net2"}, Type: netmaker.KeyTypeUnlimited, Default: true})
				return err
			})
			step("deleting a default key", func() error {
				_, err := c.DeleteKeyAnyway(ctx, valueOf("k-default"))
				return err
			})
			step("delete", func() error { return c.DeleteKey(ctx, valueOf("k-time")) })
			for _, n := range []string{"net1", "net2"} {
				if d := srv.DefaultKeys(n); len(d) != 1 || d[0].Name != n {
					t.Errorf("default keys of %s = %+v, want its own", n, d)
				}
			}
		})
	}
}

// TestIntegrationCacheUncertainWrites: what the cached list cannot know
// goes to the server: a write whose answer was lost, an answer that is not
// the whole key, a default flag that may have moved. Afterwards the cached
// list is the server's again.
func TestIntegrationCacheUncertainWrites(t *testing.T) {
	loseFirst := func(route string) netmakertest.Interceptor {
		var lost atomic.Bool
		return func(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
			if r.Method+" "+r.URL.Path != route || lost.Swap(true) {
				return false
			}
			next.ServeHTTP(httptest.NewRecorder(), r)
			_ = netmakertest.HangUp(w)
			return true
		}
	}
	tests := []struct {
		name string
		gens []netmakertest.Generation
		// setup prepares the server (before the client lists) and answers
		// the write to make.
		setup func(t *testing.T, srv *netmakertest.Server, c *netmaker.Client, value string) func() error
	}{
		{"update answer lost", generations, func(_ *testing.T, srv *netmakertest.Server, c *netmaker.Client, value string) func() error {
			srv.SetIntercept(loseFirst("PUT /api/v1/enrollment-keys/" + value))
			return func() error {
				_, err := c.UpdateKey(context.Background(), value, netmaker.UpdateKeyRequest{Tags: []string{"net1.x"}})
				return err
			}
		}},
		{"regenerate answer lost", []netmakertest.Generation{netmakertest.GenerationCurrent, netmakertest.GenerationV17},
			func(_ *testing.T, srv *netmakertest.Server, c *netmaker.Client, value string) func() error {
				srv.SetIntercept(loseFirst("POST /api/v1/enrollment-keys/" + value + "/regenerate-token"))
				return func() error { _, err := c.RegenerateToken(context.Background(), value); return err }
			}},
		{"update answered in part", generations, func(_ *testing.T, srv *netmakertest.Server, c *netmaker.Client, value string) func() error {
			srv.SetIntercept(func(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
				if r.Method != http.MethodPut {
					return false
				}
				next.ServeHTTP(httptest.NewRecorder(), r)
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"value":"` + value + `","tags":["key-k"]}`))
				return true
			})
			return func() error {
				_, err := c.UpdateKey(context.Background(), value, netmaker.UpdateKeyRequest{Tags: []string{"net1.x"}})
				return err
			}
		}},
		{"v1.7: a second default of the network told again to be one", []netmakertest.Generation{netmakertest.GenerationV17},
			func(t *testing.T, srv *netmakertest.Server, c *netmaker.Client, value string) func() error {
				// Two defaults of net1 (the server lists both).
				if err := srv.UpdateKeyByName("key-k", func(k *netmakertest.Key) { k.Default = true }); err != nil {
					t.Fatal(err)
				}
				return func() error {
					_, err := c.UpdateKey(context.Background(), value, netmaker.UpdateKeyRequest{Tags: []string{"net1.x"}})
					return err
				}
			}},
	}
	for _, tt := range tests {
		for _, gen := range tt.gens {
			t.Run(tt.name+"/"+string(gen), func(t *testing.T) {
				srv, setupClient := newIntegration(t, gen, nil)
				if err := srv.CreateNetwork("net1", "10.50.0.0/16"); err != nil {
					t.Fatal(err)
				}
				ctx := context.Background()
				k, err := setupClient.CreateKey(ctx, netmaker.CreateKeyRequest{Name: "key-k", Networks: []string{"net1"}, Type: netmaker.KeyTypeUnlimited})
				if err != nil {
					t.Fatal(err)
				}
				c := newClient(t, srv)
				write := tt.setup(t, srv, c, k.Value)
				if err := c.CheckAuth(ctx); err != nil { // the list as setup left it
					t.Fatal(err)
				}
				before := srv.Stats()[listRoute]
				if err := write(); err != nil {
					t.Fatal(err)
				}
				srv.SetIntercept(nil)
				if diff := cacheMismatch(ctx, c, srv); diff != "" {
					t.Fatalf("after the write:\n%s", diff)
				}
				if srv.Stats()[listRoute] == before {
					t.Fatal("no list after a write whose outcome the cache cannot know")
				}
			})
		}
	}
}
