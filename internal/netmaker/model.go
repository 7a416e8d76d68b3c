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
	Default           bool // current and v1.7 only: the new key becomes the default of its networks
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

// Generation is a line of Netmaker servers that behave alike for keys
// (../shared/netmaker-api.md).
type Generation string

const (
	// GenerationV15: the v1.0–v1.5 release line. No regenerate route, no
	// network-default route; "default" is ignored everywhere.
	GenerationV15 Generation = "v1.5"
	// GenerationCurrent: the development line. Both routes; "default": true
	// works on create only, PUT ignores "default".
	GenerationCurrent Generation = "current"
	// GenerationV17: PUT "default": true makes a key the default, and a PUT
	// without it (or false) clears the flag. Detail-shaped answers.
	GenerationV17 Generation = "v1.7"
)

// Capabilities lists what the connected server generation supports.
type Capabilities struct {
	Generation Generation
	// RegenerateToken: POST /api/v1/enrollment-keys/{value}/regenerate-token.
	RegenerateToken bool
	// NetworkDefault: GET .../network/{network}/default, and "default": true
	// on create makes the new key the default of its networks.
	NetworkDefault bool
	// CanSetDefaultInPlace: an existing key can be made a network's default
	// (or stop being one) by an update. Where it cannot but NetworkDefault
	// holds, making a key the default means creating it again.
	CanSetDefaultInPlace bool
}
