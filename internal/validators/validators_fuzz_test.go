package validators

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Fuzz targets for the attribute validators. Each checks, for any input,
// that the validator does not panic, that its diagnostic agrees with its
// Problem function, and that both agree with an oracle written
// independently of the implementation. Seed corpora live in
// testdata/fuzz/<FuzzName>/ and run with every `go test`.

// checkValidator runs v on s and answers whether it reported an error, after
// checking that the error (if any) sits on the attribute and that it agrees
// with problem.
func checkValidator(t *testing.T, v validator.String, s, problem string) {
	t.Helper()
	at := path.Root("attr")
	var resp validator.StringResponse
	v.ValidateString(context.Background(), validator.StringRequest{Path: at, ConfigValue: types.StringValue(s)}, &resp)
	if got := resp.Diagnostics.HasError(); got != (problem != "") {
		t.Fatalf("validator error %v, but problem %q for %q", got, problem, s)
	}
	for _, d := range resp.Diagnostics.Errors() {
		if d.Detail() != problem || d.Summary() == "" {
			t.Fatalf("diagnostic %q / %q, want detail %q", d.Summary(), d.Detail(), problem)
		}
	}
	// Null and unknown values are never errors.
	for _, cv := range []types.String{types.StringNull(), types.StringUnknown()} {
		var r validator.StringResponse
		v.ValidateString(context.Background(), validator.StringRequest{Path: at, ConfigValue: cv}, &r)
		if r.Diagnostics.HasError() {
			t.Fatalf("error for %v", cv)
		}
	}
	if v.Description(context.Background()) == "" {
		t.Fatal("empty description")
	}
}

func digits(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// rfc3339Oracle accepts YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM) with
// fields in range (days per month and leap years included, no leap second).
func rfc3339Oracle(s string) bool {
	if len(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return false
	}
	year, ok1 := digits(s[0:4])
	month, ok2 := digits(s[5:7])
	day, ok3 := digits(s[8:10])
	hour, ok4 := digits(s[11:13])
	minute, ok5 := digits(s[14:16])
	sec, ok6 := digits(s[17:19])
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 {
		return false
	}
	rest := s[19:]
	if rest[0] == '.' {
		i := 1
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 1 {
			return false
		}
		rest = rest[i:]
	}
	switch {
	case rest == "Z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, okh := digits(rest[1:3])
		om, okm := digits(rest[4:6])
		if !okh || !okm || oh > 23 || om > 59 {
			return false
		}
	default:
		return false
	}
	leap := year%4 == 0 && (year%100 != 0 || year%400 == 0)
	days := []int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	if month < 1 || month > 12 {
		return false
	}
	maxDay := days[month-1]
	if month == 2 && leap {
		maxDay = 29
	}
	return day >= 1 && day <= maxDay && hour <= 23 && minute <= 59 && sec <= 59
}

func FuzzRFC3339(f *testing.F) {
	for _, s := range []string{"2030-01-02T15:04:05Z", "2030-01-02T17:04:05+02:00", "2030-01-02T15:04:05.123456789Z",
		"2030-02-29T00:00:00Z", "2028-02-29T00:00:00Z", "2030-01-02 15:04:05Z", "2030-01-02T15:04:05", "2030-01-02T15:04:60Z",
		"2030-01-02T15:04:05+24:00", "2030-01-02t15:04:05z", "", "tomorrow", "2030-01-02T15:04:05,5Z", "0000-01-01T00:00:00Z",
		"2030-01-02T5:04:05Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		problem := RFC3339Problem(s)
		// Exactly RFC 3339 timestamps are accepted, none of Go's leniency.
		if want := rfc3339Oracle(s); want != (problem == "") {
			t.Fatalf("RFC3339Problem(%q) = %q, want accepted: %v", s, problem, want)
		}
		if problem != "" && !strings.Contains(problem, "2030-01-02T15:04:05Z") {
			t.Fatalf("the message gives no example: %q", problem)
		}
		checkValidator(t, RFC3339(), s, problem)
	})
}

// durationOracle accepts a sequence of <decimal number><unit> with units
// ns, us, µs (two spellings), ms, s, m, h and an optional leading sign,
// whose total is greater than zero and fits in a time.Duration. Totals
// near zero or near the int64 limit are left to time.ParseDuration (sure is
// false): rounding and overflow decide there.
func durationOracle(s string) (accept, sure bool) {
	units := []struct {
		name string
		ns   float64
	}{{"ns", 1}, {"us", 1e3}, {"µs", 1e3}, {"μs", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}}
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return false, true
	}
	if s == "0" {
		return false, true // zero is a valid duration, and not positive
	}
	total := 0.0
	for s != "" {
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
			i++
		}
		num := s[:i]
		if num == "" || num == "." || strings.Count(num, ".") > 1 {
			return false, true
		}
		s = s[i:]
		j := 0
		for j < len(s) && s[j] != '.' && (s[j] < '0' || s[j] > '9') {
			j++
		}
		unit := s[:j]
		s = s[j:]
		scale := -1.0
		for _, u := range units {
			if u.name == unit {
				scale = u.ns
			}
		}
		if scale < 0 {
			return false, true
		}
		var v float64
		intPart, frac, _ := strings.Cut(num, ".")
		for _, c := range intPart {
			v = v*10 + float64(c-'0')
		}
		div := 10.0
		for _, c := range frac {
			v += float64(c-'0') / div
			div *= 10
		}
		total += v * scale
	}
	switch {
	case total > 9.2e18 || (total > 0 && total < 2):
		return false, false
	case neg:
		return false, true
	default:
		return total >= 1, true
	}
}

func FuzzPositiveDuration(f *testing.F) {
	for _, s := range []string{"720h", "1h30m", "0", "0s", "-1h", "+5m", "1.5h", ".5s", "5.s", "1d", "720", "",
		"9223372036854775807ns", "9223372036854775808ns", "2562047h47m16.854775807s", "1µs", "1μs", "1e3s", "h", "3h-2m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		problem := PositiveDurationProblem(s)
		if problem == "" {
			// What the provider does with an accepted ttl: a future expiry.
			d, err := time.ParseDuration(s)
			if err != nil || d <= 0 {
				t.Fatalf("accepted %q, but ParseDuration gives %v, %v", s, d, err)
			}
		}
		if want, sure := durationOracle(s); sure && (problem == "") != want {
			t.Fatalf("PositiveDurationProblem(%q) = %q, oracle accepts: %v", s, problem, want)
		}
		checkValidator(t, PositiveDuration(), s, problem)
	})
}

// uuidOracle accepts 8-4-4-4-12 hexadecimal digits; reserved: all of them
// zeros.
func uuidOracle(s string) (ok, reserved bool) {
	if len(s) != 36 {
		return false, false
	}
	zero := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false, false
			}
			continue
		}
		isHex := c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
		if !isHex {
			return false, false
		}
		zero = zero && c == '0'
	}
	return true, zero
}

func FuzzUUID(f *testing.F) {
	for _, s := range []string{"3f2b8c1e-6a47-4d2e-9d6b-1c2f3a4b5c6d", "3F2B8C1E-6A47-4D2E-9D6B-1C2F3A4B5C6D", zeroUUID,
		"3f2b8c1e6a474d2e9d6b1c2f3a4b5c6d", "{3f2b8c1e-6a47-4d2e-9d6b-1c2f3a4b5c6d}", "3f2b8c1e-6a47-4d2e-9d6b-1c2f3a4b5c6g",
		"3f2b8c1e-6a47-4d2e-9d6b-1c2f3a4b5c6d\n", "", "00000000-0000-0000-0000-000000000001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		problem := UUIDProblem(s)
		want, reserved := uuidOracle(s)
		if (problem == "") != want {
			t.Fatalf("UUIDProblem(%q) = %q, oracle accepts: %v", s, problem, want)
		}
		checkValidator(t, UUID(nil), s, problem)
		// reserved is asked only about a UUID, and its answer is the detail.
		if (reservedZero(s) != "") != reserved {
			t.Fatalf("reservedZero(%q) = %q, oracle reserved: %v", s, reservedZero(s), reserved)
		}
		if problem == "" {
			problem = reservedZero(s)
		}
		checkValidator(t, UUID(reservedZero), s, problem)
	})
}

// networkNameOracle accepts 1 to 32 bytes of a-z, 0-9, _ and -.
func networkNameOracle(s string) bool {
	if len(s) < 1 || len(s) > 32 {
		return false
	}
	for _, c := range []byte(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

func FuzzNetworkName(f *testing.F) {
	for _, s := range []string{"netmaker", "tf-net_1", "", "a", "UPPER", "net.work", "net\n", "é", "-",
		strings.Repeat("a", 32), strings.Repeat("a", 33)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		problem := NetworkNameProblem(s)
		if want := networkNameOracle(s); (problem == "") != want {
			t.Fatalf("NetworkNameProblem(%q) = %q, oracle accepts: %v", s, problem, want)
		}
		checkValidator(t, NetworkName(), s, problem)
	})
}

func FuzzKeyName(f *testing.F) {
	for _, s := range []string{"abc", "ab", "a", "", "   ", "\t\n ", "key with spaces", "ключ", "日本語", "🔑🔑🔑", strings.Repeat("x", 32),
		strings.Repeat("x", 33), strings.Repeat("é", 32), "\xff\xfe\xfd", "a\x00b", "key\u202Eyek", "tab\tkey", "zero\u200Bwidth",
		"no\u00A0break"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		problem := KeyNameProblem(s)
		// Netmaker counts characters; bytes that are not UTF-8 count one each.
		n := utf8.RuneCountInString(s)
		blank := strings.TrimSpace(s) == ""
		// Letters, marks, numbers, punctuation, symbols and spaces only.
		visible := !strings.ContainsFunc(s, func(r rune) bool {
			return !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Zs)
		})
		if want := !blank && n <= 32 && visible; (problem == "") != want {
			t.Fatalf("KeyNameProblem(%q) = %q, want accepted %v (%d characters)", s, problem, want, n)
		}
		checkValidator(t, KeyName(), s, problem)
		if want, got := !blank && n >= 3 && n <= 32 && visible, NewKeyNameProblem(s); (got == "") != want {
			t.Fatalf("NewKeyNameProblem(%q) = %q, want accepted %v (%d characters)", s, got, want, n)
		}
	})
}
