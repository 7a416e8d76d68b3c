package netmaker

import (
	"context"
	"net"
	"slices"
	"strings"
	"sync"
)

// What the provider needs to know at plan time to catch, before any change,
// mistakes the server would only report (or not even report) at apply.

// MissingNetworks answers which of names are not networks on the server,
// in the order given. Netmaker accepts keys for networks that do not exist.
// The network list is read once per client (a plan of many keys makes one
// call) and read again after this client creates or deletes a network.
func (c *Client) MissingNetworks(ctx context.Context, names []string) ([]string, error) {
	networks, err := c.networks.get(ctx, c.Networks)
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, name := range names {
		if !slices.ContainsFunc(networks, func(n Network) bool { return n.Name == name }) {
			missing = append(missing, name)
		}
	}
	return missing, nil
}

// NetworkNamed answers the network called name, if the server has one.
func (c *Client) NetworkNamed(ctx context.Context, name string) (Network, bool, error) {
	networks, err := c.networks.get(ctx, c.Networks)
	if err != nil {
		return Network{}, false, err
	}
	i := slices.IndexFunc(networks, func(n Network) bool { return n.Name == name })
	if i < 0 {
		return Network{}, false, nil
	}
	return networks[i], true, nil
}

// NetworkHoldingRange answers a network, other than the one called except,
// whose address range Netmaker finds in conflict with cidr (RangesConflict):
// creating a network of cidr would be refused with ErrRangeInUse. Of
// several, the first by name.
func (c *Client) NetworkHoldingRange(ctx context.Context, cidr, except string) (Network, bool, error) {
	networks, err := c.networks.get(ctx, c.Networks)
	if err != nil {
		return Network{}, false, err
	}
	var holder *Network
	for i, n := range networks {
		if n.Name != except && RangesConflict(n.AddressRange, cidr) && (holder == nil || n.Name < holder.Name) {
			holder = &networks[i]
		}
	}
	if holder == nil {
		return Network{}, false, nil
	}
	return *holder, true, nil
}

// RangesConflict is Netmaker's rule for two networks' address ranges
// (IsNetworkCIDRUnique and intersect in logic/networks.go, v1.5 and develop
// alike): they conflict when either range contains the other's first
// address, that is when one lies inside the other (equal included).
// Adjacent or disjoint ranges, an IPv4 and an IPv6 range, and a range that
// does not parse never conflict. Netmaker compares addressrange with
// addressrange (and addressrange6 with addressrange6); the provider sends
// and reads addressrange only.
func RangesConflict(a, b string) bool {
	_, na, errA := net.ParseCIDR(a)
	_, nb, errB := net.ParseCIDR(b)
	if errA != nil || errB != nil {
		return false
	}
	return na.Contains(nb.IP) || nb.Contains(na.IP)
}

// DeviceTagNetwork answers the network of a device tag in Netmaker's
// `<network>.<tag>` form; ok is false when tag is not in that form, and then
// Netmaker stores it but it names no tag of any network.
func DeviceTagNetwork(tag string) (network string, ok bool) {
	network, name, found := strings.Cut(tag, ".")
	if !found || network == "" || name == "" {
		return "", false
	}
	return network, true
}

// RotationRecreatesKey tells whether rotating a token on this server means
// deleting the key and creating it again (no regenerate-token route): the
// old token then stops working a moment before the new one exists, and a
// network's default key cannot be rotated at all.
func (c Capabilities) RotationRecreatesKey() bool { return !c.RegenerateToken }

// networkCache remembers one successful network list.
type networkCache struct {
	mu    sync.Mutex
	known bool
	list  []Network
}

func (nc *networkCache) get(ctx context.Context, fetch func(context.Context) ([]Network, error)) ([]Network, error) {
	nc.mu.Lock()
	defer nc.mu.Unlock()
	if nc.known {
		return nc.list, nil
	}
	list, err := fetch(ctx)
	if err != nil {
		return nil, err
	}
	nc.list, nc.known = list, true
	return list, nil
}

func (nc *networkCache) invalidate() {
	nc.mu.Lock()
	nc.known, nc.list = false, nil
	nc.mu.Unlock()
}
