package planmodifiers

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Fuzz targets for the comparisons behind the plan modifiers: any pair of
// strings, never a panic; an equivalence relation; agreement with an oracle
// on values that parse; and the plan modifier replaces exactly when the
// comparison says the values differ. Seed corpora: testdata/fuzz/<FuzzName>/.

func planReplaces(t *testing.T, m planmodifier.String, state, plan string) bool {
	t.Helper()
	var resp planmodifier.StringResponse
	p := types.StringValue(plan)
	resp.PlanValue = p
	m.PlanModifyString(context.Background(), stringReq(types.StringValue(state), p), &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("diagnostics for %q -> %q: %v", state, plan, resp.Diagnostics)
	}
	if !resp.PlanValue.Equal(p) {
		t.Fatalf("the plan value changed from %q to %v", plan, resp.PlanValue)
	}
	return resp.RequiresReplace
}

func FuzzSameInstant(f *testing.F) {
	for _, p := range [][2]string{
		{"2030-01-01T00:00:00Z", "2030-01-01T02:00:00+02:00"},
		{"2030-01-01T00:00:00Z", "2030-01-01T00:00:00.999999999Z"},
		{"2030-01-01T00:00:00Z", "2030-01-01T00:00:01Z"},
		{"1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59Z"},
		{"0001-01-01T00:00:00Z", "0001-01-01T00:00:00+00:00"},
		{"9999-12-31T23:59:59-23:59", "9999-12-31T23:59:59Z"},
		{"not a time", "not a time"},
		{"", "2030-01-01T00:00:00Z"},
	} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		same := SameInstant(a, b)
		if !SameInstant(a, a) || !SameInstant(b, b) {
			t.Fatalf("not reflexive for %q or %q", a, b)
		}
		if same != SameInstant(b, a) {
			t.Fatalf("not symmetric for %q, %q", a, b)
		}
		ta, errA := time.Parse(time.RFC3339, a)
		tb, errB := time.Parse(time.RFC3339, b)
		var want bool
		if errA == nil && errB == nil {
			// The same whole second since the Unix epoch (floored).
			want = ta.Unix() == tb.Unix()
		} else {
			want = a == b
		}
		if same != want {
			t.Fatalf("SameInstant(%q, %q) = %v, want %v", a, b, same, want)
		}
		if got := planReplaces(t, RequiresReplaceIfInstantChanges(), a, b); got != !same {
			t.Fatalf("%q -> %q: RequiresReplace %v, but SameInstant %v", a, b, got, same)
		}
	})
}

func FuzzSameDuration(f *testing.F) {
	for _, p := range [][2]string{
		{"720h", "720h0m0s"}, {"1h", "60m"}, {"1h", "3600s"}, {"720h", "1440h"}, {"1.5h", "90m"},
		{"0", "0s"}, {"-1h", "-60m"}, {"1d", "1d"}, {"1d", "24h"}, {"", ""},
		{"9223372036854775807ns", "2562047h47m16.854775807s"},
	} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		same := SameDuration(a, b)
		if !SameDuration(a, a) || same != SameDuration(b, a) {
			t.Fatalf("not reflexive or not symmetric for %q, %q", a, b)
		}
		da, errA := time.ParseDuration(a)
		db, errB := time.ParseDuration(b)
		switch {
		case errA == nil && errB == nil:
			if same != (da == db) {
				t.Fatalf("SameDuration(%q, %q) = %v, but %v and %v", a, b, same, da, db)
			}
			// The canonical spelling names the same duration.
			if !SameDuration(a, da.String()) {
				t.Fatalf("%q and its canonical spelling %q differ", a, da.String())
			}
		case same != (a == b):
			t.Fatalf("SameDuration(%q, %q) = %v for unparsable values", a, b, same)
		}
		if got := planReplaces(t, RequiresReplaceIfDurationChanges(), a, b); got != !same {
			t.Fatalf("%q -> %q: RequiresReplace %v, but SameDuration %v", a, b, got, same)
		}
	})
}
