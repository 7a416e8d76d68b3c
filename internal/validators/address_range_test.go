package validators

import (
	"net"
	"strings"
	"testing"
)

func TestAddressRangeProblem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cidr    string
		wantErr string // substring of the problem; "" for none
	}{
		{"10.101.0.0/16", ""},
		{"10.101.0.0/30", ""},
		{"0.0.0.0/0", ""},
		{"fd00::/64", ""},
		{"fd00:abcd::/64", ""},

		// Netmaker stores the network's first address, in Go's spelling.
		{"10.21.5.7/16", "Netmaker stores this range as 10.21.0.0/16; write that."},
		{"10.0.0.1/8", "Netmaker stores this range as 10.0.0.0/8; write that."},
		{"FD00:ABCD::/64", "Netmaker stores this range as fd00:abcd::/64; write that."},
		{"fd00:abcd::1/64", "Netmaker stores this range as fd00:abcd::/64; write that."},
		{"fd00:0:0:0::/64", "Netmaker stores this range as fd00::/64; write that."},
		{"fd00::/064", "Netmaker stores this range as fd00::/64; write that."},
		{"10.0.0.0/016", "Netmaker stores this range as 10.0.0.0/16; write that."},
		{"::ffff:10.1.2.3/112", "Netmaker stores this range as 10.1.0.0/16; write that."},

		{"10.101.0.0/31", "is a /31: Netmaker needs room"},
		{"10.101.0.1/32", "is a /32: Netmaker needs room"},
		{"fd00::/127", "is a /127: Netmaker needs room"},
		{"fd00::1/128", "is a /128: Netmaker needs room"},
		{"10.101.0.0", "not a CIDR range"},
		{"010.101.0.0/16", "not a CIDR range"},
		{"fe80::/64%eth0", "not a CIDR range"},
		{"10.101.0.0/33", "not a CIDR range"},
		{"not-a-range", "not a CIDR range"},
		{"", "not a CIDR range"},
	}
	for _, tt := range tests {
		t.Run(tt.cidr, func(t *testing.T) {
			got := AddressRangeProblem(tt.cidr)
			switch {
			case tt.wantErr == "" && got != "":
				t.Errorf("AddressRangeProblem(%q) = %q, want none", tt.cidr, got)
			case tt.wantErr != "" && !strings.Contains(got, tt.wantErr):
				t.Errorf("AddressRangeProblem(%q) = %q, want it to contain %q", tt.cidr, got, tt.wantErr)
			}
			if got != "" {
				return
			}
			// What is accepted comes back from the server unchanged.
			if _, n, err := net.ParseCIDR(tt.cidr); err != nil || n.String() != tt.cidr {
				t.Errorf("accepted %q, which Netmaker stores otherwise", tt.cidr)
			}
		})
	}
}
