package netmaker

import "time"

// KeyType is how an enrollment key limits its use. The server derives it
// from the other fields; the numbers are the server's own.
type KeyType int

const (
	KeyTypeUndefined KeyType = 0
	KeyTypeTimeBound KeyType = 1
	KeyTypeUses      KeyType = 2
	KeyTypeUnlimited KeyType = 3
)

// EnrollmentKey is one key as the provider sees it, whichever JSON shape the
// server answered with. Empty slices are never nil; "no gateway" is "".
type EnrollmentKey struct {
	Name              string // the key's name (first element of the wire "tags" in the list shape)
	Value             string // server-assigned ID; secret (the token embeds it)
	Token             string // what `netclient join -t` takes; secret
	Networks          []string
	Tags              []string // device tags applied on enrollment (wire "groups" in the list shape)
	Type              KeyType
	Unlimited         bool
	UsesRemaining     int64
	Expiration        time.Time // zero: no expiry
	GatewayID         string    // "" when the wire carries the nil UUID or null
	AutoAssignGateway bool
	AutoEgress        bool
	Default           bool
}

// KeyStatus is a key's health, derived from server data and the clock.
type KeyStatus string

const (
	KeyStatusActive    KeyStatus = "active"
	KeyStatusExpired   KeyStatus = "expired"
	KeyStatusExhausted KeyStatus = "exhausted"
)

// Status tells whether a device could still enroll with the key at now.
// An unlimited flag admits devices whatever the counter says (server quirk).
func (k EnrollmentKey) Status(now time.Time) KeyStatus {
	if !k.Expiration.IsZero() && !now.Before(k.Expiration) {
		return KeyStatusExpired
	}
	if k.Type == KeyTypeUses && !k.Unlimited && k.UsesRemaining <= 0 {
		return KeyStatusExhausted
	}
	return KeyStatusActive
}

// HasNetwork reports whether the key joins network.
func (k EnrollmentKey) HasNetwork(network string) bool {
	for _, n := range k.Networks {
		if n == network {
			return true
		}
	}
	return false
}

// CreateKeyRequest is what the provider asks for. The client turns it into
// the wire body (unix-seconds expiration, one-element tags, unlimited only
// for unlimited keys, ...).
type CreateKeyRequest struct {
	Name              string
	Networks          []string
	Type              KeyType   // KeyTypeUnlimited, KeyTypeUses or KeyTypeTimeBound
	Uses              int64     // for KeyTypeUses
	Expiration        time.Time // for KeyTypeTimeBound
	Tags              []string
	GatewayID         string
	AutoAssignGateway bool
	AutoEgress        bool
	Default           bool // current generation only
}

// UpdateKeyRequest carries the only fields a server changes in place. All
// three are always sent: the server resets any that are missing.
type UpdateKeyRequest struct {
	Tags              []string
	GatewayID         string
	AutoAssignGateway bool
}

// Network is the part of a Netmaker network the provider needs.
type Network struct {
	Name         string
	AddressRange string
}

// Capabilities lists what the connected server generation supports.
type Capabilities struct {
	// RegenerateToken: POST /api/v1/enrollment-keys/{value}/regenerate-token.
	RegenerateToken bool
	// NetworkDefault: GET .../network/{network}/default, "default": true on
	// create, and moving a network's default to another existing key.
	NetworkDefault bool
}
