package validators

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// zeroUUID is what reservedZero refuses, as the provider refuses the value
// its client reads as "no gateway".
const zeroUUID = "00000000-0000-0000-0000-000000000000"

func reservedZero(s string) string {
	if s == zeroUUID {
		return "That UUID means something else to the API: leave the attribute unset instead."
	}
	return ""
}

func TestStringValidators(t *testing.T) {
	tests := []struct {
		name      string
		validator validator.String
		value     types.String
		wantErr   string // substring of the error detail; "" for no error
	}{
		{"rfc3339 utc", RFC3339(), types.StringValue("2030-01-02T15:04:05Z"), ""},
		{"rfc3339 offset", RFC3339(), types.StringValue("2030-01-02T17:04:05+02:00"), ""},
		{"rfc3339 fraction", RFC3339(), types.StringValue("2030-01-02T15:04:05.5Z"), ""},
		{"rfc3339 date only", RFC3339(), types.StringValue("2030-01-02"), "not an RFC 3339 timestamp"},
		{"rfc3339 no zone", RFC3339(), types.StringValue("2030-01-02T15:04:05"), "not an RFC 3339 timestamp"},
		{"rfc3339 unix", RFC3339(), types.StringValue("1893456000"), "not an RFC 3339 timestamp"},
		{"rfc3339 null", RFC3339(), types.StringNull(), ""},
		{"rfc3339 unknown", RFC3339(), types.StringUnknown(), ""},

		{"duration hours", PositiveDuration(), types.StringValue("720h"), ""},
		{"duration mixed", PositiveDuration(), types.StringValue("1h30m"), ""},
		{"duration days", PositiveDuration(), types.StringValue("30d"), "no unit for days"},
		{"duration zero", PositiveDuration(), types.StringValue("0s"), "not greater than zero"},
		{"duration negative", PositiveDuration(), types.StringValue("-1h"), "not greater than zero"},
		{"duration bare number", PositiveDuration(), types.StringValue("30"), `"30" has no unit: write "30s" for 30 seconds`},
		{"duration in days", PositiveDuration(), types.StringValue("7d"), `Go durations have no unit for days; write "168h"`},
		{"duration not a number", PositiveDuration(), types.StringValue("soon"), "not a duration"},
		{"duration below a minimum", DurationAtLeast(time.Minute), types.StringValue("500ms"), "shorter than the least allowed here, 1m0s"},
		{"duration at a minimum", DurationAtLeast(time.Minute), types.StringValue("60s"), ""},
		{"key name with a bidi override", KeyName(), types.StringValue("key\u202Eyek"), "U+202E, a control or formatting character"},
		{"key name with a newline", KeyName(), types.StringValue("two\nlines"), "U+000A"},
		{"duration empty", PositiveDuration(), types.StringValue(""), "not a duration"},
		{"duration null", PositiveDuration(), types.StringNull(), ""},

		{"uuid lower", UUID(nil), types.StringValue("3f2b8c1e-6a47-4d2e-9d6b-1c2f3a4b5c6d"), ""},
		{"uuid upper", UUID(nil), types.StringValue("3F2B8C1E-6A47-4D2E-9D6B-1C2F3A4B5C6D"), ""},
		{"uuid nil: a UUID to the syntax", UUID(nil), types.StringValue(zeroUUID), ""},
		{"uuid reserved", UUID(reservedZero), types.StringValue(zeroUUID), "leave the attribute unset"},
		{"uuid reserved spares others", UUID(reservedZero), types.StringValue("3f2b8c1e-6a47-4d2e-9d6b-1c2f3a4b5c6d"), ""},
		{"uuid syntax before reserved", UUID(func(string) string { return "reserved" }), types.StringValue("3f2b8c1e"), "not a UUID"},
		{"uuid short", UUID(nil), types.StringValue("3f2b8c1e"), "not a UUID"},
		{"uuid no dashes", UUID(nil), types.StringValue("3f2b8c1e6a474d2e9d6b1c2f3a4b5c6d"), "not a UUID"},
		{"uuid garbage", UUID(nil), types.StringValue("not-a-uuid"), "not a UUID"},
		{"uuid unknown", UUID(nil), types.StringUnknown(), ""},

		{"network simple", NetworkName(), types.StringValue("iot-network"), ""},
		{"network underscore digits", NetworkName(), types.StringValue("net_01"), ""},
		{"network 32", NetworkName(), types.StringValue(strings.Repeat("a", 32)), ""},
		{"network 33", NetworkName(), types.StringValue(strings.Repeat("a", 33)), "not a Netmaker network name"},
		{"network upper", NetworkName(), types.StringValue("Prod"), "not a Netmaker network name"},
		{"network dot", NetworkName(), types.StringValue("a.b"), "not a Netmaker network name"},
		{"network empty", NetworkName(), types.StringValue(""), "not a Netmaker network name"},

		{"name 3", KeyName(), types.StringValue("abc"), ""},
		{"name 32", KeyName(), types.StringValue(strings.Repeat("k", 32)), ""},
		{"name any characters", KeyName(), types.StringValue("Key #1 ü"), ""},
		{"name 2 (a network's auto key)", KeyName(), types.StringValue("ab"), ""},
		{"name 1 (a network's auto key)", KeyName(), types.StringValue("n"), ""},
		{"name empty", KeyName(), types.StringValue(""), "must not be empty or only whitespace"},
		{"name spaces", KeyName(), types.StringValue("   "), "must not be empty or only whitespace"},
		{"name tab newline", KeyName(), types.StringValue("\t\n"), "must not be empty or only whitespace"},
		{"name padded", KeyName(), types.StringValue(" k "), ""},
		{"name 33", KeyName(), types.StringValue(strings.Repeat("k", 33)), "at most 32 characters"},
		{"name runes not bytes", KeyName(), types.StringValue(strings.Repeat("ü", 32)), ""},
		{"name null", KeyName(), types.StringNull(), ""},

		{"prefix", KeyNamePrefix(nil), types.StringValue("ci-"), ""},
		{"prefix one character", KeyNamePrefix(nil), types.StringValue("c"), ""},
		{"prefix empty", KeyNamePrefix(nil), types.StringValue(""), "A name prefix must not be empty or only whitespace"},
		{"prefix spaces", KeyNamePrefix(nil), types.StringValue("  "), "must not be empty or only whitespace"},
		{"prefix with a bidi override", KeyNamePrefix(nil), types.StringValue("ci\u202E-"), "A name prefix must hold only visible characters"},
		{"prefix room", KeyNamePrefix(func(s string) string { return "no room after " + s }), types.StringValue("long"), "no room after long"},
		{"prefix visibility before room", KeyNamePrefix(func(string) string { return "no room" }), types.StringValue("a\tb"), "U+0009"},
		{"prefix null", KeyNamePrefix(func(string) string { return "no room" }), types.StringNull(), ""},
		{"prefix unknown", KeyNamePrefix(func(string) string { return "no room" }), types.StringUnknown(), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := validator.StringRequest{Path: path.Root("attr"), ConfigValue: tt.value}
			var resp validator.StringResponse
			tt.validator.ValidateString(context.Background(), req, &resp)
			if tt.wantErr == "" {
				if resp.Diagnostics.HasError() {
					t.Fatalf("unexpected error: %v", resp.Diagnostics)
				}
				return
			}
			if !resp.Diagnostics.HasError() {
				t.Fatalf("want error containing %q, got none", tt.wantErr)
			}
			d := resp.Diagnostics.Errors()[0]
			if !strings.Contains(d.Detail(), tt.wantErr) {
				t.Errorf("error detail %q does not contain %q", d.Detail(), tt.wantErr)
			}
			if tt.validator.Description(context.Background()) == "" {
				t.Error("empty description")
			}
		})
	}
}

func TestNewKeyNameProblem(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		wantErr string // substring of the problem; "" for none
	}{
		{"3", "abc", ""},
		{"32", strings.Repeat("k", 32), ""},
		{"32 runes", strings.Repeat("ü", 32), ""},
		{"any characters", "Key #1 ü", ""},
		{"2", "ab", `3 to 32 characters; "ab" has 2`},
		{"1", "n", `"n" has 1`},
		{"2 runes, 4 bytes", "üü", "has 2"},
		{"33", strings.Repeat("k", 33), "at most 32 characters"},
		{"empty", "", "must not be empty or only whitespace"},
		{"three spaces", "   ", "must not be empty or only whitespace"},
		{"whitespace mix", " \t\n ", "must not be empty or only whitespace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NewKeyNameProblem(tt.value)
			if tt.wantErr == "" {
				if got != "" {
					t.Fatalf("NewKeyNameProblem(%q) = %q, want none", tt.value, got)
				}
				return
			}
			if !strings.Contains(got, tt.wantErr) {
				t.Errorf("NewKeyNameProblem(%q) = %q, want it to contain %q", tt.value, got, tt.wantErr)
			}
		})
	}
}
