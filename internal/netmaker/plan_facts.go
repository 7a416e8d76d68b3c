package netmaker

import (
	"context"
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
