package validators

import (
	"fmt"
	"net"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// AddressRange accepts what Netmaker accepts as a network's address range,
// written as Netmaker stores it.
func AddressRange() validator.String {
	return stringCheck{
		summary:     "Invalid address range",
		description: "must be a CIDR range, written as Netmaker stores it (such as 10.101.0.0/16), that is not a /31, /32, /127 or /128",
		problem:     AddressRangeProblem,
	}
}

// AddressRangeProblem explains why Netmaker would refuse cidr as a
// network's range, or would store it spelt otherwise, or answers "".
//
// Netmaker stores NormalizeCIDR(cidr) (logic/util.go, v1.5 and develop
// alike): net.ParseCIDR, then the network's first address with the mask,
// which is exactly IPNet.String(). A range written another way would come
// back from the server different from the configuration, and every plan
// would replace the network to "fix" it; so it is refused, with the
// spelling to write.
func AddressRangeProblem(cidr string) string {
	_, ipNet, err := net.ParseCIDR(cidr)
	if err != nil {
		return fmt.Sprintf("%q is not a CIDR range such as 10.101.0.0/16.", cidr)
	}
	if ones, bits := ipNet.Mask.Size(); bits-ones <= 1 {
		return fmt.Sprintf("%q is a /%d: Netmaker needs room for more than two addresses.", cidr, ones)
	}
	if stored := ipNet.String(); stored != cidr {
		return fmt.Sprintf("Netmaker stores this range as %s; write that. (Written as %q, it would differ from what "+
			"the server holds after every apply, and each plan would replace the network.)", stored, cidr)
	}
	return ""
}
