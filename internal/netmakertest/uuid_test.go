package netmakertest

import "testing"

func TestParseUUID(t *testing.T) {
	const canon = "6b6f3c1e-0a57-4d36-9f1c-2b1f6f0c9a11"
	tests := []struct {
		in, want, err string
	}{
		{canon, canon, ""},
		{"6B6F3C1E-0A57-4D36-9F1C-2B1F6F0C9A11", canon, ""},
		{"{" + canon + "}", canon, ""},
		{"urn:uuid:" + canon, canon, ""},
		{"6b6f3c1e0a574d369f1c2b1f6f0c9a11", canon, ""},
		{NilUUID, NilUUID, ""},
		{"gw-1", "", "invalid UUID length: 4"},
		{canon + "0", "", "invalid UUID length: 37"},
		{"6b6f3c1e+0a57-4d36-9f1c-2b1f6f0c9a11", "", "invalid UUID format"},
		{"6b6f3c1e-0a57-4d36-9f1c-2b1f6f0c9a1g", "", "invalid UUID format"},
		{"[" + canon + "]", "", "invalid UUID format"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseUUID(tt.in)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("want error %q, got %q, %v", tt.err, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v", got, err)
			}
		})
	}
}
