package netmaker

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

var lookupTestNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// lookupTestKeys is a server's list in no particular order.
func lookupTestKeys() []EnrollmentKey {
	return []EnrollmentKey{
		{Name: "net-b", Value: "V2", Networks: []string{"net-b"}, Type: KeyTypeUnlimited, Unlimited: true, Default: true},
		{Name: "contractor", Value: "V4", Networks: []string{"net-a"}, Type: KeyTypeTimeBound,
			Expiration: lookupTestNow.Add(24 * time.Hour), Tags: []string{"laptop"}},
		{Name: "net-a", Value: "V1", Networks: []string{"net-a"}, Type: KeyTypeUnlimited, Unlimited: true, Default: true},
		{Name: "expired", Value: "V5", Networks: []string{"net-a", "net-b"}, Type: KeyTypeTimeBound,
			Expiration: lookupTestNow.Add(-time.Hour), Tags: []string{"laptop", "ci"}},
		{Name: "batch", Value: "V3", Networks: []string{"net-a", "net-b"}, Type: KeyTypeUses, UsesRemaining: 3,
			Tags: []string{"ci"}},
		{Name: "used-up", Value: "V6", Networks: []string{}, Type: KeyTypeUses, UsesRemaining: 0},
	}
}

// wireKeys turns keys into the list shape the fake server answers.
func wireKeys(f *fakeNM, keys []EnrollmentKey) {
	for _, k := range keys {
		f.addKey(map[string]any{
			"value": k.Value, "tags": []any{k.Name}, "networks": anySlice(k.Networks), "groups": anySlice(k.Tags),
			"type": int(k.Type), "unlimited": k.Unlimited, "uses_remaining": k.UsesRemaining, "default": k.Default,
		})
	}
}

func anySlice(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// One meaning per lookup: by name, a network's default; several matches
// are an *AmbiguousError naming the keys, none is ErrNotFound.
func TestKeyLookups(t *testing.T) {
	twoDefaults := append(lookupTestKeys(), EnrollmentKey{Name: "rogue", Value: "V7", Networks: []string{"net-a"}, Default: true})
	duplicateName := append(lookupTestKeys(), EnrollmentKey{Name: "batch", Value: "V8"})
	byName := func(name string) func(context.Context, *Client) (*EnrollmentKey, error) {
		return func(ctx context.Context, c *Client) (*EnrollmentKey, error) { return c.KeyByName(ctx, name) }
	}
	defaultOf := func(network string) func(context.Context, *Client) (*EnrollmentKey, error) {
		return func(ctx context.Context, c *Client) (*EnrollmentKey, error) { return c.NetworkDefaultKey(ctx, network) }
	}
	tests := []struct {
		name          string
		keys          []EnrollmentKey
		lookup        func(context.Context, *Client) (*EnrollmentKey, error)
		wantKey       string
		wantErr       error
		wantAmbiguous *AmbiguousError // Host is not compared
	}{
		{name: "by name", keys: lookupTestKeys(), lookup: byName("contractor"), wantKey: "contractor"},
		{name: "by name, auto-generated key", keys: lookupTestKeys(), lookup: byName("net-a"), wantKey: "net-a"},
		{name: "by name, missing", keys: lookupTestKeys(), lookup: byName("ghost"), wantErr: ErrNotFound},
		{name: "by name, empty name matches nothing", keys: lookupTestKeys(), lookup: byName(""), wantErr: ErrNotFound},
		{name: "by name, duplicate", keys: duplicateName, lookup: byName("batch"), wantErr: ErrAmbiguous,
			wantAmbiguous: &AmbiguousError{Name: "batch", Keys: []string{"batch", "batch"}}},
		{name: "network default", keys: lookupTestKeys(), lookup: defaultOf("net-b"), wantKey: "net-b"},
		{name: "network default, multi-network key is not default", keys: lookupTestKeys(), lookup: defaultOf("net-a"), wantKey: "net-a"},
		{name: "network without default", keys: lookupTestKeys(), lookup: defaultOf("nope"), wantErr: ErrNotFound},
		{name: "network with two defaults", keys: twoDefaults, lookup: defaultOf("net-a"), wantErr: ErrAmbiguous,
			wantAmbiguous: &AmbiguousError{Network: "net-a", Keys: []string{"net-a", "rogue"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			wireKeys(f, tt.keys)
			c := f.client(t, nil)
			key, err := tt.lookup(context.Background(), c)
			if tt.wantErr == nil {
				if err != nil || key.Name != tt.wantKey {
					t.Fatalf("lookup = %+v, %v; want %q", key, err, tt.wantKey)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("lookup = %+v, %v; want %v", key, err, tt.wantErr)
			}
			for _, k := range tt.keys {
				if strings.Contains(err.Error(), k.Value) {
					t.Errorf("error %q reveals key value %q", err, k.Value)
				}
			}
			if tt.wantAmbiguous == nil {
				return
			}
			var amb *AmbiguousError
			if !errors.As(err, &amb) {
				t.Fatalf("error %v is not an *AmbiguousError", err)
			}
			if amb.Name != tt.wantAmbiguous.Name || amb.Network != tt.wantAmbiguous.Network || !slices.Equal(amb.Keys, tt.wantAmbiguous.Keys) {
				t.Errorf("AmbiguousError = %+v, want %+v", amb, tt.wantAmbiguous)
			}
		})
	}
}

// ReleaseDefault, the data sources and the default-key resource all read
// "the network's default" through NetworkDefaultKey: a network listing two
// defaults is ambiguous to each of them, and ReleaseDefault still gives
// back the networks that need it.
func TestReleaseDefaultSkipsNetworkWhoseAutoKeyIsDefault(t *testing.T) {
	f := newFake(t)
	wireKeys(f, []EnrollmentKey{
		{Name: "net-a", Value: "V1", Networks: []string{"net-a"}, Type: KeyTypeUnlimited, Unlimited: true, Default: true},
		{Name: "custom", Value: "V9", Networks: []string{"net-a"}, Type: KeyTypeUnlimited, Unlimited: true, Default: true},
	})
	c := f.client(t, nil)
	restored, err := c.ReleaseDefault(context.Background(), "V9")
	if err != nil || len(restored) != 0 {
		t.Fatalf("ReleaseDefault = %+v, %v; want nothing to give back (net-a's own key is its default)", restored, err)
	}
}

func TestAutoGeneratedKeyNeverPicks(t *testing.T) {
	f := newFake(t)
	wireKeys(f, []EnrollmentKey{
		{Name: "n1", Value: "V1", Networks: []string{"n1"}, Type: KeyTypeUnlimited, Default: true},
		{Name: "n1", Value: "V2", Networks: []string{"n1"}, Type: KeyTypeUses, UsesRemaining: 1},
	})
	c := f.client(t, nil)
	if k, err := c.AutoGeneratedKey(context.Background(), "n1"); !errors.Is(err, ErrAmbiguous) {
		t.Fatalf("AutoGeneratedKey(n1) = %+v, %v; want ErrAmbiguous", k, err)
	}
}

func TestFilterKeys(t *testing.T) {
	yes, no := true, false
	typ := func(t KeyType) *KeyType { return &t }
	tests := []struct {
		name   string
		filter KeyFilter
		want   []string
	}{
		{"no filter, sorted by name", KeyFilter{}, []string{"batch", "contractor", "expired", "net-a", "net-b", "used-up"}},
		{"network", KeyFilter{Network: "net-b"}, []string{"batch", "expired", "net-b"}},
		{"unknown network", KeyFilter{Network: "nope"}, []string{}},
		{"type uses", KeyFilter{Type: typ(KeyTypeUses)}, []string{"batch", "used-up"}},
		{"type time_bound", KeyFilter{Type: typ(KeyTypeTimeBound)}, []string{"contractor", "expired"}},
		{"type unlimited", KeyFilter{Type: typ(KeyTypeUnlimited)}, []string{"net-a", "net-b"}},
		{"tag", KeyFilter{Tag: "ci"}, []string{"batch", "expired"}},
		{"default", KeyFilter{Default: &yes}, []string{"net-a", "net-b"}},
		{"not default", KeyFilter{Default: &no}, []string{"batch", "contractor", "expired", "used-up"}},
		{"valid", KeyFilter{Valid: &yes, Now: lookupTestNow}, []string{"batch", "contractor", "net-a", "net-b"}},
		{"invalid", KeyFilter{Valid: &no, Now: lookupTestNow}, []string{"expired", "used-up"}},
		{"all combined", KeyFilter{Network: "net-a", Type: typ(KeyTypeTimeBound), Tag: "laptop", Default: &no, Valid: &yes, Now: lookupTestNow},
			[]string{"contractor"}},
		{"combined, nothing left", KeyFilter{Network: "net-b", Default: &yes, Type: typ(KeyTypeUses)}, []string{}},
		{"auto-generated", KeyFilter{AutoGenerated: &yes}, []string{"net-a", "net-b"}},
		{"not auto-generated", KeyFilter{AutoGenerated: &no}, []string{"batch", "contractor", "expired", "used-up"}},
		{"name prefix", KeyFilter{NamePrefix: "net-"}, []string{"net-a", "net-b"}},
		{"name prefix is case-sensitive", KeyFilter{NamePrefix: "NET-"}, []string{}},
		{"name prefix and network", KeyFilter{NamePrefix: "e", Network: "net-b"}, []string{"expired"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := keyNames(FilterKeys(lookupTestKeys(), tt.filter)); !slices.Equal(got, tt.want) {
				t.Errorf("FilterKeys = %v, want %v", got, tt.want)
			}
		})
	}
}

// Keys answers through the list what FilterKeys answers on it.
func TestKeysFiltersTheList(t *testing.T) {
	f := newFake(t)
	wireKeys(f, lookupTestKeys())
	c := f.client(t, nil)
	got, err := c.Keys(context.Background(), KeyFilter{Network: "net-b"})
	if err != nil || !slices.Equal(keyNames(got), []string{"batch", "expired", "net-b"}) {
		t.Fatalf("Keys(net-b) = %v, %v", keyNames(got), err)
	}
}

func TestFilterKeysIsStableAcrossListOrders(t *testing.T) {
	keys := lookupTestKeys()
	want := keyNames(FilterKeys(keys, KeyFilter{}))
	for i := 0; i < len(keys); i++ {
		rotated := append(slices.Clone(keys[i:]), keys[:i]...)
		slices.Reverse(rotated)
		if got := keyNames(FilterKeys(rotated, KeyFilter{})); !slices.Equal(got, want) {
			t.Fatalf("order depends on input order: %v, want %v", got, want)
		}
	}
}

func TestFilterKeysBreaksNameTiesByValue(t *testing.T) {
	keys := FilterKeys([]EnrollmentKey{{Name: "b", Value: "2"}, {Name: "a", Value: "9"}, {Name: "b", Value: "1"}}, KeyFilter{})
	got := []string{keys[0].Name + keys[0].Value, keys[1].Name + keys[1].Value, keys[2].Name + keys[2].Value}
	if want := []string{"a9", "b1", "b2"}; !slices.Equal(got, want) {
		t.Errorf("FilterKeys order = %v, want %v", got, want)
	}
}

// TestAmbiguousErrorWording: a network's several defaults are not a shared
// name, so that message does not carry ErrAmbiguous's "has this name".
func TestAmbiguousErrorWording(t *testing.T) {
	byNetwork := (&AmbiguousError{Network: "net-a", Keys: []string{"net-a", "rogue"}, Host: "h"}).Error()
	if strings.Contains(byNetwork, "name") || !strings.Contains(byNetwork, `network "net-a" has 2 default enrollment keys`) {
		t.Errorf("network default: %q", byNetwork)
	}
	byName := (&AmbiguousError{Name: "batch", Keys: []string{"batch", "batch"}, Host: "h"}).Error()
	if !strings.HasPrefix(byName, ErrAmbiguous.Error()+": ") || !strings.Contains(byName, `2 enrollment keys are named "batch"`) {
		t.Errorf("by name: %q", byName)
	}
}
