package netmaker

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/clock"
)

var mintedTestNow = time.Date(2026, 6, 1, 12, 0, 30, 0, time.UTC)

func mustMintedName(t *testing.T, prefix string, deadline time.Time) string {
	t.Helper()
	name, err := NewMintedKeyName(prefix, deadline)
	if err != nil {
		t.Fatalf("NewMintedKeyName(%q): %v", prefix, err)
	}
	return name
}

func TestNewMintedKeyName(t *testing.T) {
	longest := strings.Repeat("p", MaxMintedNamePrefixLen)
	for _, prefix := range []string{"c", "ci-", "bâtiment-é-", longest, strings.Repeat("é", MaxMintedNamePrefixLen)} {
		t.Run(prefix, func(t *testing.T) {
			deadline := mintedTestNow.Add(90 * time.Minute)
			name := mustMintedName(t, prefix, deadline)
			if n := utf8.RuneCountInString(name); n < 3 || n > 32 {
				t.Errorf("%q has %d characters; Netmaker takes 3 to 32", name, n)
			}
			if !strings.HasPrefix(name, prefix) {
				t.Errorf("%q does not start with %q", name, prefix)
			}
			got, ok := ParseMintedKeyName(name)
			if !ok {
				t.Fatalf("ParseMintedKeyName(%q) does not recognise the name it made", name)
			}
			// The deadline is kept in whole minutes, rounded up: never earlier.
			if want := time.Date(2026, 6, 1, 13, 31, 0, 0, time.UTC); got.Prefix != prefix || !got.Deadline.Equal(want) {
				t.Errorf("ParseMintedKeyName(%q) = %+v, want prefix %q and deadline %s", name, got, prefix, want)
			}
			if again := mustMintedName(t, prefix, deadline); again == name {
				t.Errorf("two names for the same prefix and deadline are both %q", name)
			}
		})
	}
}

func TestMintedNamePrefixProblem(t *testing.T) {
	tests := []struct {
		prefix  string
		problem string // "" when accepted; else a part of the explanation
	}{
		{"ci-", ""},
		{"x", ""},
		{strings.Repeat("a", MaxMintedNamePrefixLen), ""},
		{strings.Repeat("é", MaxMintedNamePrefixLen), ""}, // characters, not bytes
		{"", "must not be empty"},
		{strings.Repeat("a", MaxMintedNamePrefixLen+1), "at most 19; \"aaaaaaaaaaaaaaaaaaaa\" has 20"},
	}
	for _, tt := range tests {
		got := MintedNamePrefixProblem(tt.prefix)
		if (got == "") != (tt.problem == "") || !strings.Contains(got, tt.problem) {
			t.Errorf("MintedNamePrefixProblem(%q) = %q, want %q", tt.prefix, got, tt.problem)
		}
		if _, err := NewMintedKeyName(tt.prefix, mintedTestNow); (err != nil) != (tt.problem != "") || (err != nil && !errors.Is(err, ErrValidation)) {
			t.Errorf("NewMintedKeyName(%q) error = %v", tt.prefix, err)
		}
	}
}

// Only a name this client made carries the marker: look-alikes, and a
// minted name with any character changed, do not. (The name is built from
// fixed parts, so that no random part makes this test pass by chance.)
func TestParseMintedKeyNameRefusesLookAlikes(t *testing.T) {
	body := "0hq2k1" + "wxyz"
	suffix := body + mintedCheck("ci-", body)
	name := "ci-" + suffix
	if got, ok := ParseMintedKeyName(name); !ok || got.Prefix != "ci-" {
		t.Fatalf("ParseMintedKeyName(%q) = %+v, %v; want a key minted with ci-", name, got, ok)
	}
	flip := func(i int) string {
		b := []byte(name)
		if b[i] == 'z' {
			b[i] = 'y'
		} else {
			b[i] = 'z'
		}
		return string(b)
	}
	for what, n := range map[string]string{
		"hand-made look-alike": "ci-0abcdefghijkl",
		"deadline changed":     flip(len("ci-")),
		"random part changed":  flip(len("ci-") + mintedDeadlineLen),
		"check changed":        flip(len(name) - 1),
		"prefix changed":       "cd-" + suffix,
		"upper case":           "ci-" + strings.ToUpper(suffix),
		"marker alone":         suffix,
		"one character less":   name[:len(name)-1],
		"one character more":   name + "0",
		"network's key":        "net-a",
		"invalid UTF-8 prefix": "\xff" + suffix,
		"separator in suffix":  "ci-" + suffix[:5] + "-" + suffix[6:],
		"empty":                "",
	} {
		if got, ok := ParseMintedKeyName(n); ok {
			t.Errorf("%s: ParseMintedKeyName(%q) = %+v, want no minted key", what, n, got)
		}
	}
}

func TestKeyTypeExpires(t *testing.T) {
	for typ, want := range map[KeyType]bool{KeyTypeTimeBound: true, KeyTypeUses: false, KeyTypeUnlimited: false, KeyTypeUndefined: false} {
		if got := typ.Expires(); got != want {
			t.Errorf("KeyType(%d).Expires() = %v, want %v", typ, got, want)
		}
	}
}

// Stale minted keys are the caller's prefix's, marked, past their deadline
// or unusable, and never a default key; nothing else, however alike.
func TestStaleMintedKeys(t *testing.T) {
	past, future := mintedTestNow.Add(-2*time.Minute), mintedTestNow.Add(time.Hour)
	key := func(name string, typ KeyType, uses int64, expires time.Time, isDefault bool) map[string]any {
		k := map[string]any{"value": strings.ToUpper(strings.ReplaceAll(name, "-", "X")), "tags": []any{name}, "networks": []any{"net-a"},
			"type": int(typ), "uses_remaining": uses, "default": isDefault, "expiration": "0001-01-01T00:00:00Z"}
		if !expires.IsZero() {
			k["expiration"] = expires.Format(time.RFC3339)
		}
		return k
	}
	pastUses := mustMintedName(t, "ci-", past)                    // server keeps no expiry: the name's deadline counts
	pastTimed := mustMintedName(t, "ci-", past)                   // expired on the server too
	liveTimed := mustMintedName(t, "ci-", future)                 // in use by a run
	liveUses := mustMintedName(t, "ci-", future)                  // in use by a run
	usedUp := mustMintedName(t, "ci-", future)                    // no use left before its deadline
	expiredEarly := mustMintedName(t, "ci-", future)              // its expiry was shortened out of band
	madeDefault := mustMintedName(t, "ci-", past)                 // made a default out of band: Netmaker would refuse
	otherPrefix := mustMintedName(t, "cd-", past)                 // another configuration's
	longerPrefix := mustMintedName(t, "ci-x", past)               // starts with ci- but is ci-x's
	lookAlike := "ci-" + strings.Repeat("0", MintedNameSuffixLen) // hand-made, shaped like a marker
	f := newFake(t)
	for _, k := range []map[string]any{
		key(pastUses, KeyTypeUses, 1, time.Time{}, false),
		key(pastTimed, KeyTypeTimeBound, 0, past, false),
		key(liveTimed, KeyTypeTimeBound, 0, future, false),
		key(liveUses, KeyTypeUses, 2, time.Time{}, false),
		key(usedUp, KeyTypeUses, 0, time.Time{}, false),
		key(expiredEarly, KeyTypeTimeBound, 0, past, false),
		key(madeDefault, KeyTypeUses, 1, time.Time{}, true),
		key(otherPrefix, KeyTypeTimeBound, 0, past, false),
		key(longerPrefix, KeyTypeTimeBound, 0, past, false),
		key(lookAlike, KeyTypeTimeBound, 0, past, false),
		key("ci-manual", KeyTypeTimeBound, 0, past, false),
	} {
		f.addKey(k)
	}
	c := f.client(t, func(cfg *Config) { cfg.Clock = clock.NewManual(mintedTestNow) })
	stale, err := c.StaleMintedKeys(context.Background(), "ci-")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{pastUses, pastTimed, usedUp, expiredEarly}
	slices.Sort(want)
	if got := keyNames(stale); !slices.Equal(got, want) {
		t.Errorf("StaleMintedKeys(ci-) = %q, want %q", got, want)
	}
}

func TestRevokeMintedKey(t *testing.T) {
	name := mustMintedName(t, "ci-", mintedTestNow.Add(time.Hour))
	f := newFake(t)
	f.addKey(map[string]any{"value": strings.Repeat("M", 32), "tags": []any{name}, "networks": []any{}, "type": 1,
		"expiration": mintedTestNow.Add(time.Hour).Format(time.RFC3339)})
	f.addKey(map[string]any{"value": strings.Repeat("H", 32), "tags": []any{"ci-manual"}, "networks": []any{}, "type": 3, "unlimited": true})
	c := f.client(t, nil)
	ctx := context.Background()

	if found, err := c.RevokeMintedKey(ctx, "ci-manual"); found || !errors.Is(err, ErrValidation) {
		t.Fatalf("RevokeMintedKey(ci-manual) = %v, %v; want ErrValidation: it is no minted key", found, err)
	}
	if n := f.count("DELETE " + routeKey); n != 0 {
		t.Fatalf("refusing a hand-made key's name still sent %d deletes", n)
	}
	if found, err := c.RevokeMintedKey(ctx, name); !found || err != nil {
		t.Fatalf("RevokeMintedKey(%s) = %v, %v; want it found and deleted", name, found, err)
	}
	if _, err := c.KeyByName(ctx, name); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the minted key is still there: %v", err)
	}
	if found, err := c.RevokeMintedKey(ctx, name); found || err != nil {
		t.Fatalf("revoking it again = %v, %v; want nothing found and no error", found, err)
	}
	if _, err := c.KeyByName(ctx, "ci-manual"); err != nil {
		t.Fatalf("the hand-made key was touched: %v", err)
	}
}
