package provider

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

// newLookupTestClient answers a client of a test server holding the
// networks net-a and net-b (their auto-generated keys), a key "batch" of
// both, a network created with batch's name (so two keys are named batch)
// and, when twoDefaults, a second default key "rogue" of net-a.
func newLookupTestClient(t *testing.T, twoDefaults bool) (*netmakertest.Server, *netmaker.Client) {
	t.Helper()
	srv := newTestServer(t, netmakertest.GenerationCurrent)
	testAccCreateNetworks(t, srv, "net-a", "net-b")
	c, err := netmaker.New(netmaker.Config{Host: srv.URL(), APIToken: testMasterKey, RequestTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, req := range []netmaker.CreateKeyRequest{
		{Name: "batch", Networks: []string{"net-a", "net-b"}, Type: netmaker.KeyTypeUses, Uses: 3},
		{Name: "rogue", Networks: []string{"net-a"}, Type: netmaker.KeyTypeUnlimited},
	} {
		if _, err := c.CreateKey(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.CreateNetwork("batch", "10.77.0.0/16"); err != nil {
		t.Fatal(err)
	}
	if twoDefaults {
		if err := srv.UpdateKeyByName("rogue", func(k *netmakertest.Key) { k.Default = true }); err != nil {
			t.Fatal(err)
		}
	}
	return srv, c
}

// The data sources and the ephemeral resource word the client's one
// answer to each lookup; these are the words.
func TestKeyLookupDiagnostics(t *testing.T) {
	tests := []struct {
		name         string
		twoDefaults  bool
		lookup       keyLookup
		wantKey      string
		wantSummary  string
		wantInDetail []string
	}{
		{name: "by name", lookup: keyLookup{Name: "rogue"}, wantKey: "rogue"},
		{name: "by name, auto-generated key", lookup: keyLookup{Name: "net-a"}, wantKey: "net-a"},
		{name: "by name, missing", lookup: keyLookup{Name: "ghost"},
			wantSummary: "Enrollment key not found", wantInDetail: []string{`"ghost"`, "netmaker_enrollment_key.<label>.id"}},
		{name: "by name, duplicate", lookup: keyLookup{Name: "batch"},
			wantSummary: "Several enrollment keys match", wantInDetail: []string{`2 enrollment keys named "batch"`}},
		{name: "network default", lookup: keyLookup{Network: "net-b"}, wantKey: "net-b"},
		{name: "network default, multi-network key is not default", lookup: keyLookup{Network: "net-a"}, wantKey: "net-a"},
		{name: "network without default", lookup: keyLookup{Network: "nope"},
			wantSummary: "Network has no default enrollment key", wantInDetail: []string{`network "nope"`}},
		{name: "network with two defaults", twoDefaults: true, lookup: keyLookup{Network: "net-a"},
			wantSummary:  "Network has several default enrollment keys",
			wantInDetail: []string{`Network "net-a"`, `"net-a", "rogue"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c := newLookupTestClient(t, tt.twoDefaults)
			key, problem := tt.lookup.find(context.Background(), c)
			if tt.wantSummary == "" {
				if problem != nil {
					t.Fatalf("find: %s: %s", problem.Summary(), problem.Detail())
				}
				if key.Name != tt.wantKey {
					t.Fatalf("find = %q, want %q", key.Name, tt.wantKey)
				}
				return
			}
			if problem == nil {
				t.Fatalf("find = %q, want error %q", key.Name, tt.wantSummary)
			}
			if problem.Summary() != tt.wantSummary {
				t.Errorf("summary = %q, want %q", problem.Summary(), tt.wantSummary)
			}
			for _, want := range tt.wantInDetail {
				if !strings.Contains(problem.Detail(), want) {
					t.Errorf("detail %q lacks %q", problem.Detail(), want)
				}
			}
			for _, k := range srv.Keys() {
				if strings.Contains(problem.Detail(), k.Value) {
					t.Errorf("detail %q reveals key value of %q", problem.Detail(), k.Name)
				}
			}
		})
	}
}

func TestKeyLookupDiagnosticOtherErrors(t *testing.T) {
	d := keyLookup{Name: "k"}.diagnostic(errors.New("boom"))
	if d.Summary() != "Could not look up enrollment key" || d.Detail() != "boom" {
		t.Errorf("diagnostic = %q, %q", d.Summary(), d.Detail())
	}
	d = keyLookup{Network: "n"}.diagnostic(errors.New("boom"))
	if d.Summary() != "Could not read the network's default enrollment key" || !strings.HasSuffix(d.Detail(), ": boom") {
		t.Errorf("diagnostic = %q, %q", d.Summary(), d.Detail())
	}
}

func TestKeyTypeFilter(t *testing.T) {
	if keyTypeFilter("") != nil {
		t.Error(`keyTypeFilter("") must select every type`)
	}
	for _, name := range keyTypeNames {
		if f := keyTypeFilter(name); f == nil || keyTypeName(*f) != name {
			t.Errorf("keyTypeFilter(%q) = %v", name, f)
		}
	}
}
