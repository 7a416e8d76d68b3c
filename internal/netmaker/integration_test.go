package netmaker_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

// These tests run the client against the in-repo test server, which
// reproduces real servers quirk for quirk, for every generation.

var generations = netmakertest.Generations()

func newIntegration(t *testing.T, gen netmakertest.Generation, mutate func(*netmakertest.Options, *netmaker.Config)) (*netmakertest.Server, *netmaker.Client) {
	t.Helper()
	opts := netmakertest.Options{Generation: gen, AccessTokens: []string{"pat-secret-token"}, Users: map[string]string{"admin": "hunter2-password"}}
	cfg := netmaker.Config{APIToken: "pat-secret-token", RequestTimeout: 5 * time.Second, UserAgent: "test", MaxRetries: 5}
	if mutate != nil {
		mutate(&opts, &cfg)
	}
	srv := netmakertest.NewServer(opts)
	t.Cleanup(srv.Close)
	cfg.Host = srv.URL()
	c, err := netmaker.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	netmaker.SetRetryWaitForTest(c, time.Millisecond, 5*time.Millisecond)
	return srv, c
}

func TestIntegrationLifecycle(t *testing.T) {
	for _, gen := range generations {
		t.Run(string(gen), func(t *testing.T) {
			srv, c := newIntegration(t, gen, nil)
			ctx := context.Background()
			if err := c.CheckAuth(ctx); err != nil {
				t.Fatalf("CheckAuth: %v", err)
			}
			if err := c.CreateNetwork(ctx, netmaker.Network{Name: "net1", AddressRange: "10.10.0.0/16"}); err != nil {
				t.Fatalf("CreateNetwork: %v", err)
			}
			nets, err := c.Networks(ctx)
			if err != nil || len(nets) != 1 || nets[0].Name != "net1" || nets[0].AddressRange != "10.10.0.0/16" {
				t.Fatalf("Networks = %+v, %v", nets, err)
			}
			def, err := c.NetworkDefaultKey(ctx, "net1")
			if err != nil {
				t.Fatalf("NetworkDefaultKey: %v", err)
			}
			if def.Name != "net1" || !def.Default || def.Type != netmaker.KeyTypeUnlimited || def.Tags == nil {
				t.Fatalf("default key = %+v", def)
			}

			caps, err := c.Capabilities(ctx)
			if err != nil {
				t.Fatal(err)
			}
			wantCaps := gen != netmakertest.GenerationV15
			if caps.NetworkDefault != wantCaps || caps.RegenerateToken != wantCaps {
				t.Fatalf("Capabilities = %+v, want %v", caps, wantCaps)
			}

			gw := srv.AddGateway("net1")
			exp := time.Now().Add(48 * time.Hour).Truncate(time.Second).UTC()
			reqs := []netmaker.CreateKeyRequest{
				{Name: "unlimited-key", Networks: []string{"net1"}, Type: netmaker.KeyTypeUnlimited, Tags: []string{"net1.a"}},
				{Name: "uses-key", Networks: []string{"net1"}, Type: netmaker.KeyTypeUses, Uses: 3, GatewayID: gw},
				{Name: "time-key", Networks: []string{"net1"}, Type: netmaker.KeyTypeTimeBound, Expiration: exp, AutoAssignGateway: true},
				{Name: "no-net-key", Type: netmaker.KeyTypeUnlimited},
			}
			for _, r := range reqs {
				k, err := c.CreateKey(ctx, r)
				if err != nil {
					t.Fatalf("CreateKey(%s): %v", r.Name, err)
				}
				if k.Name != r.Name || k.Type != r.Type || len(k.Value) != 32 || k.Token == "" ||
					!slices.Equal(k.Networks, nonNilSlice(r.Networks)) || !slices.Equal(k.Tags, nonNilSlice(r.Tags)) ||
					k.GatewayID != r.GatewayID || k.Unlimited != (r.Type == netmaker.KeyTypeUnlimited) {
					t.Fatalf("CreateKey(%s) = %+v", r.Name, k)
				}
				if r.Type == netmaker.KeyTypeUses && k.UsesRemaining != r.Uses {
					t.Fatalf("uses = %d", k.UsesRemaining)
				}
				if r.Type == netmaker.KeyTypeTimeBound && !k.Expiration.Equal(exp) {
					t.Fatalf("expiration = %v, want %v", k.Expiration, exp)
				}
				if r.Type != netmaker.KeyTypeTimeBound && !k.Expiration.IsZero() {
					t.Fatalf("expiration = %v, want zero", k.Expiration)
				}
			}
			// Genuine conflict: a network's name.
			_, err = c.CreateKey(ctx, netmaker.CreateKeyRequest{Name: "net1", Type: netmaker.KeyTypeUnlimited})
			if !errors.Is(err, netmaker.ErrNameTaken) {
				t.Fatalf("create net1: %v", err)
			}

			uses, err := c.KeyByName(ctx, "uses-key")
			if err != nil {
				t.Fatal(err)
			}
			up, err := c.UpdateKey(ctx, uses.Value, netmaker.UpdateKeyRequest{Tags: []string{"net1.x", "net1.y"}})
			if err != nil {
				t.Fatalf("UpdateKey: %v", err)
			}
			if up.GatewayID != "" || !slices.Equal(up.Tags, []string{"net1.x", "net1.y"}) || up.AutoAssignGateway || up.Value != uses.Value {
				t.Fatalf("UpdateKey = %+v", up)
			}
			up, err = c.UpdateKey(ctx, uses.Value, netmaker.UpdateKeyRequest{GatewayID: gw})
			if err != nil || up.GatewayID != gw || len(up.Tags) != 0 || up.Tags == nil {
				t.Fatalf("UpdateKey gw = %+v, %v", up, err)
			}
			if _, err := c.UpdateKey(ctx, "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", netmaker.UpdateKeyRequest{}); !errors.Is(err, netmaker.ErrNotFound) {
				t.Fatalf("UpdateKey unknown: %v", err)
			}

			rg, err := c.RegenerateToken(ctx, uses.Value)
			if gen == netmakertest.GenerationV15 {
				if !errors.Is(err, netmaker.ErrUnsupported) {
					t.Fatalf("RegenerateToken on v1.5: %v", err)
				}
			} else {
				if err != nil {
					t.Fatalf("RegenerateToken: %v", err)
				}
				if rg.Value == uses.Value || rg.Token == uses.Token || rg.Name != "uses-key" || rg.GatewayID != gw {
					t.Fatalf("RegenerateToken = %+v", rg)
				}
				uses = rg
			}

			sd, err := c.MakeDefault(ctx, uses.Value, netmaker.MakeDefaultOptions{AllowRecreate: true})
			if gen == netmakertest.GenerationV15 {
				if !errors.Is(err, netmaker.ErrUnsupported) {
					t.Fatalf("MakeDefault on v1.5: %v", err)
				}
			} else {
				if err != nil || !sd.Default {
					t.Fatalf("MakeDefault = %+v, %v", sd, err)
				}
				uses = sd // re-created where the server makes only new keys defaults
				d, err := c.NetworkDefaultKey(ctx, "net1")
				if err != nil || d.Name != "uses-key" {
					t.Fatalf("NetworkDefaultKey after move = %+v, %v", d, err)
				}
			}

			def, err = c.NetworkDefaultKey(ctx, "net1")
			if err != nil {
				t.Fatal(err)
			}
			if err := c.DeleteKey(ctx, def.Value); !errors.Is(err, netmaker.ErrDefaultKey) {
				t.Fatalf("DeleteKey(default) = %v", err)
			}
			tk, err := c.KeyByName(ctx, "time-key")
			if err != nil {
				t.Fatal(err)
			}
			if err := c.DeleteKey(ctx, tk.Value); err != nil {
				t.Fatalf("DeleteKey: %v", err)
			}
			if err := c.DeleteKey(ctx, tk.Value); !errors.Is(err, netmaker.ErrNotFound) {
				t.Fatalf("DeleteKey twice: %v", err)
			}
			if _, err := c.KeyByName(ctx, "time-key"); !errors.Is(err, netmaker.ErrNotFound) {
				t.Fatalf("KeyByName after delete: %v", err)
			}
			if err := c.DeleteNetwork(ctx, "net1"); err != nil {
				t.Fatalf("DeleteNetwork: %v", err)
			}
			srv.WaitIdle()
			keys, err := c.ListKeys(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, k := range keys {
				names = append(names, k.Name)
			}
			if !slices.Equal(names, []string{"no-net-key"}) {
				t.Fatalf("keys after network deletion = %v", names)
			}
		})
	}
}

func nonNilSlice(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func TestIntegrationLogin(t *testing.T) {
	for _, gen := range generations {
		t.Run(string(gen), func(t *testing.T) {
			_, c := newIntegration(t, gen, func(o *netmakertest.Options, cfg *netmaker.Config) {
				cfg.APIToken, cfg.Username, cfg.Password = "", "admin", "hunter2-password"
				o.JWTLifetime = 50 * time.Millisecond
			})
			ctx := context.Background()
			if err := c.CheckAuth(ctx); err != nil {
				t.Fatalf("CheckAuth: %v", err)
			}
			time.Sleep(100 * time.Millisecond) // the JWT expires: the client logs in again
			if _, err := c.CreateKey(ctx, netmaker.CreateKeyRequest{Name: "after-expiry", Type: netmaker.KeyTypeUnlimited}); err != nil {
				t.Fatalf("CreateKey after JWT expiry: %v", err)
			}

			_, bad := newIntegration(t, gen, func(_ *netmakertest.Options, cfg *netmaker.Config) {
				cfg.APIToken, cfg.Username, cfg.Password = "", "admin", "wrong-password"
			})
			err := bad.CheckAuth(ctx)
			if !errors.Is(err, netmaker.ErrUnauthorized) {
				t.Fatalf("wrong password: %v", err)
			}
			_, badTok := newIntegration(t, gen, func(_ *netmakertest.Options, cfg *netmaker.Config) { cfg.APIToken = "not-the-token" })
			err = badTok.CheckAuth(ctx)
			if !errors.Is(err, netmaker.ErrUnauthorized) {
				t.Fatalf("bad token: %v", err)
			}
		})
	}
}

// TestIntegrationFaults creates, updates, regenerates and deletes keys while
// the server drops connections, loses answers after applying requests and
// answers 429/502/503/504. No key may be lost or duplicated.
func TestIntegrationFaults(t *testing.T) {
	for _, gen := range generations {
		t.Run(string(gen), func(t *testing.T) {
			srv, c := newIntegration(t, gen, func(o *netmakertest.Options, cfg *netmaker.Config) {
				o.Seed = 42
				o.Faults = netmakertest.Faults{RetryAfter: "0"}
				cfg.MaxRetries = 12
			})
			ctx := context.Background()
			if err := srv.CreateNetwork("net1", "10.20.0.0/16"); err != nil {
				t.Fatal(err)
			}
			srv.SetFaults(netmakertest.Faults{Rate: 0.4, RetryAfter: "0"})
			const n = 12
			for i := range n {
				name := "fault-key-" + string(rune('a'+i))
				k, err := c.CreateKey(ctx, netmaker.CreateKeyRequest{Name: name, Networks: []string{"net1"}, Type: netmaker.KeyTypeUses, Uses: 2})
				if err != nil {
					t.Fatalf("CreateKey(%s): %v", name, err)
				}
				if k.Name != name {
					t.Fatalf("got %q", k.Name)
				}
				if _, err := c.UpdateKey(ctx, k.Value, netmaker.UpdateKeyRequest{Tags: []string{"net1.t"}}); err != nil {
					t.Fatalf("UpdateKey(%s): %v", name, err)
				}
				if gen == netmakertest.GenerationCurrent {
					if k, err = c.RegenerateToken(ctx, k.Value); err != nil {
						t.Fatalf("RegenerateToken(%s): %v", name, err)
					}
				}
				if i%2 == 0 {
					if err := c.DeleteKey(ctx, k.Value); err != nil {
						t.Fatalf("DeleteKey(%s): %v", name, err)
					}
				}
			}
			srv.SetFaults(netmakertest.Faults{})
			got := map[string]int{}
			for _, k := range srv.Keys() {
				got[k.Name]++
			}
			for i := range n {
				name := "fault-key-" + string(rune('a'+i))
				want := 1
				if i%2 == 0 {
					want = 0
				}
				if got[name] != want {
					t.Errorf("%s: %d keys on the server, want %d", name, got[name], want)
				}
			}
			if s := srv.Stats(); s["POST /api/v1/enrollment-keys"] <= n {
				t.Errorf("expected faults to force create retries; stats %v", s)
			}
		})
	}
}

// TestIntegrationListCache counts list requests on the test server: many
// concurrent reads share one list; this client's own writes are recorded in
// it; DisableListCache lists for every read.
func TestIntegrationListCache(t *testing.T) {
	for _, disabled := range []bool{false, true} {
		name := "cached"
		if disabled {
			name = "naive"
		}
		t.Run(name, func(t *testing.T) {
			srv, c := newIntegration(t, netmakertest.GenerationCurrent, func(_ *netmakertest.Options, cfg *netmaker.Config) {
				cfg.DisableListCache = disabled
			})
			if err := srv.CreateNetwork("net1", "10.30.0.0/16"); err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			const readers = 16
			errs := make(chan error, readers)
			for range readers {
				go func() {
					_, err := c.NetworkDefaultKey(ctx, "net1")
					errs <- err
				}()
			}
			for range readers {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
			lists := func() int { return srv.Stats()["GET /api/v1/enrollment-keys"] }
			want := 1
			if disabled {
				want = readers
			}
			if got := lists(); got != want {
				t.Fatalf("%d lists for %d concurrent reads, want %d", got, readers, want)
			}
			created, err := c.CreateKey(ctx, netmaker.CreateKeyRequest{Name: "key-one", Type: netmaker.KeyTypeUnlimited})
			if err != nil {
				t.Fatal(err)
			}
			// The create is recorded in the cached list: reads after it list
			// again only when the cache is disabled.
			perRead := map[bool]int{false: 0, true: 1}[disabled]
			for i := range 2 {
				before := lists()
				if _, err := c.KeyByName(ctx, "key-one"); err != nil {
					t.Fatal(err)
				}
				if got := lists() - before; got != perRead {
					t.Fatalf("read %d after the create: %d lists, want %d", i+1, got, perRead)
				}
			}
			// An update answered with the whole key is recorded in the
			// cached list too: reads after it list again only when the cache
			// is disabled.
			before := lists()
			if _, err := c.UpdateKey(ctx, created.Value, netmaker.UpdateKeyRequest{Tags: []string{"net1.x"}}); err != nil {
				t.Fatal(err)
			}
			for range 2 {
				if k, err := c.KeyByName(ctx, "key-one"); err != nil || len(k.Tags) != 1 {
					t.Fatalf("KeyByName after the update = %+v, %v", k, err)
				}
			}
			// Uncached: the update's lookup of the key, then one per read.
			if got, want := lists()-before, 3*perRead; got != want {
				t.Fatalf("%d lists for an update and two reads, want %d", got, want)
			}
		})
	}
}

// BenchmarkKeyByName measures what the list cache saves when a plan reads
// many keys from a server holding many.
func BenchmarkKeyByName(b *testing.B) {
	for _, disabled := range []bool{false, true} {
		name := "cached"
		if disabled {
			name = "naive"
		}
		b.Run(name, func(b *testing.B) {
			srv := netmakertest.NewServer(netmakertest.Options{AccessTokens: []string{"t"}, Seed: 1})
			defer srv.Close()
			c, err := netmaker.New(netmaker.Config{Host: srv.URL(), APIToken: "t", DisableListCache: disabled})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			const keys = 200
			for i := range keys {
				if _, err := c.CreateKey(ctx, netmaker.CreateKeyRequest{Name: "bench-key-" + strconv.Itoa(i), Type: netmaker.KeyTypeUnlimited}); err != nil {
					b.Fatal(err)
				}
			}
			srv.ResetStats()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if _, err := c.KeyByName(ctx, "bench-key-"+strconv.Itoa(i%keys)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(srv.Stats()["GET /api/v1/enrollment-keys"])/float64(b.N), "lists/op")
		})
	}
}
