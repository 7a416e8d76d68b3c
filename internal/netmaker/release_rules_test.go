package netmaker_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

// TestReleaseDefaultOfMissingNetwork: giving back the default of a network
// that does not exist creates no key, at plan (PlanReleaseDefault) and at
// apply (DeleteKeyAnyway, RestoreDefault) alike. v1.7 takes the flag off the
// released key; current cannot, so the key is kept rather than a stray key
// created to take the flag.
func TestReleaseDefaultOfMissingNetwork(t *testing.T) {
	for _, tc := range []struct {
		gen         netmakertest.Generation
		wantCleared bool
		wantKept    bool // the released key stays on the server
	}{
		{gen: netmakertest.GenerationCurrent, wantKept: true},
		{gen: netmakertest.GenerationV17, wantCleared: true},
	} {
		t.Run(string(tc.gen), func(t *testing.T) {
			// net1 exists so that the client can tell v1.7 from current.
			srv, c := newGenerationServer(t, tc.gen)
			ctx := context.Background()
			k := createKey(t, c, netmaker.CreateKeyRequest{Name: "e-defghost", Networks: []string{"ghostnet"},
				Type: netmaker.KeyTypeUnlimited, Default: true})

			planned, err := c.PlanReleaseDefault(ctx, k.Name, k.Networks)
			if err != nil || len(planned) != 1 {
				t.Fatalf("PlanReleaseDefault = %+v, %v", planned, err)
			}
			p := planned[0]
			if !p.NetworkMissing || p.Created || p.Recreated || p.Cleared != tc.wantCleared {
				t.Fatalf("planned %+v; want network missing, nothing created, cleared %v", p, tc.wantCleared)
			}
			if got := netmaker.DefaultStaysAfterRelease(planned); got != tc.wantKept {
				t.Fatalf("DefaultStaysAfterRelease = %v, want %v", got, tc.wantKept)
			}

			done, err := c.DeleteKeyAnyway(ctx, k.Value)
			if err != nil || done.KeptForMissingNetworks != tc.wantKept || len(done.Restored) != 1 || done.Restored[0] != p {
				t.Fatalf("DeleteKeyAnyway = %+v, %v; want the plan %+v carried out", done, err, p)
			}
			if _, ok := srv.KeyByName("ghostnet"); ok {
				t.Fatal("a key named like the missing network was created")
			}
			if _, ok := srv.KeyByName("e-defghost"); ok != tc.wantKept {
				t.Fatalf("e-defghost on the server: %v, want %v", ok, tc.wantKept)
			}

			r, err := c.RestoreDefault(ctx, "nosuchnet")
			if err != nil || !r.NetworkMissing || r.Created || r.Key != nil {
				t.Fatalf("RestoreDefault(nosuchnet) = %+v, %v; want nothing done", r, err)
			}
			if _, ok := srv.KeyByName("nosuchnet"); ok {
				t.Fatal("RestoreDefault created a key for a missing network")
			}
		})
	}
}

// TestReleaseDefaultWithoutNetworkList: without a network list nothing is
// created; the error is reported.
func TestReleaseDefaultWithoutNetworkList(t *testing.T) {
	srv, c := newIntegration(t, netmakertest.GenerationCurrent, nil)
	ctx := context.Background()
	if err := srv.CreateNetwork("net1", "10.20.0.0/16"); err != nil {
		t.Fatal(err)
	}
	k := createKey(t, c, netmaker.CreateKeyRequest{Name: "custom", Networks: []string{"net1"}, Type: netmaker.KeyTypeUnlimited, Default: true})
	if err := srv.DeleteKeyByName("net1"); err != nil {
		t.Fatal(err)
	}
	srv.SetIntercept(func(w http.ResponseWriter, r *http.Request, _ http.Handler) bool {
		if r.Method == http.MethodGet && r.URL.Path == "/api/networks" {
			w.WriteHeader(http.StatusInternalServerError)
			return true
		}
		return false
	})
	if _, err := c.DeleteKeyAnyway(ctx, k.Value); err == nil {
		t.Fatal("DeleteKeyAnyway without a network list succeeded")
	}
	if _, ok := srv.KeyByName("net1"); ok {
		t.Fatal("a key was created without knowing that its network exists")
	}
}

// TestRecreateRefusesSharedName: re-creating a key (v1.5's rotation,
// current's make-default) while another key has its name would delete it
// and then fail to create it; CheckRotate refuses, and RotateKey refuses
// before deleting anything.
func TestRecreateRefusesSharedName(t *testing.T) {
	for _, tc := range []struct {
		gen     netmakertest.Generation
		refused bool
	}{
		{gen: netmakertest.GenerationV15, refused: true},
		{gen: netmakertest.GenerationCurrent},
		{gen: netmakertest.GenerationV17},
	} {
		t.Run(string(tc.gen), func(t *testing.T) {
			srv, c := newGenerationServer(t, tc.gen)
			ctx := context.Background()
			k := createKey(t, c, netmaker.CreateKeyRequest{Name: "dupname", Networks: []string{"net1"}, Type: netmaker.KeyTypeUnlimited})
			if err := c.CheckRotate(ctx, k); err != nil {
				t.Fatalf("CheckRotate before the network = %v", err)
			}
			if err := c.CreateNetwork(ctx, netmaker.Network{Name: "dupname", AddressRange: "10.30.0.0/16"}); err != nil {
				t.Fatal(err)
			}
			err := c.CheckRotate(ctx, k)
			if tc.refused != (errors.Is(err, netmaker.ErrCannotRecreate) && errors.Is(err, netmaker.ErrNameTaken)) {
				t.Fatalf("CheckRotate = %v, want refused %v", err, tc.refused)
			}
			rotated, err := c.RotateKey(ctx, k.Value)
			if tc.refused {
				if !errors.Is(err, netmaker.ErrNameTaken) {
					t.Fatalf("RotateKey = %v, want ErrNameTaken", err)
				}
				if n := srv.Stats()["DELETE /api/v1/enrollment-keys/{value}"]; n != 0 {
					t.Fatalf("the refused rotation sent %d deletes", n)
				}
				if ours := keyWithValue(srv, k.Value); ours == nil || ours.Name != "dupname" {
					t.Fatal("the refused rotation lost the key")
				}
				return
			}
			if err != nil || rotated.Value == k.Value || rotated.Name != "dupname" {
				t.Fatalf("RotateKey = %+v, %v; want rotated in place", rotated, err)
			}
		})
	}
}

func keyWithValue(srv *netmakertest.Server, value string) *netmakertest.Key {
	for _, k := range srv.Keys() {
		if k.Value == value {
			return &k
		}
	}
	return nil
}
