package provider

import "github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"

// Key type names as users write them in configuration.
const (
	keyTypeUnlimited = "unlimited"
	keyTypeUses      = "uses"
	keyTypeTimeBound = "time_bound"
)

// keyTypeNames lists the names accepted in configuration, for validators and docs.
var keyTypeNames = []string{keyTypeUnlimited, keyTypeUses, keyTypeTimeBound}

// keyTypeName names a server key type; "" for the undefined type.
func keyTypeName(t netmaker.KeyType) string {
	switch t {
	case netmaker.KeyTypeUnlimited:
		return keyTypeUnlimited
	case netmaker.KeyTypeUses:
		return keyTypeUses
	case netmaker.KeyTypeTimeBound:
		return keyTypeTimeBound
	default:
		return ""
	}
}

// keyTypeFromName is keyTypeName's inverse; KeyTypeUndefined for unknown names.
func keyTypeFromName(name string) netmaker.KeyType {
	switch name {
	case keyTypeUnlimited:
		return netmaker.KeyTypeUnlimited
	case keyTypeUses:
		return netmaker.KeyTypeUses
	case keyTypeTimeBound:
		return netmaker.KeyTypeTimeBound
	default:
		return netmaker.KeyTypeUndefined
	}
}
