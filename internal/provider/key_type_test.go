package provider

import (
	"testing"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
)

func TestKeyTypeNames(t *testing.T) {
	tests := []struct {
		name string
		typ  netmaker.KeyType
	}{
		{keyTypeUnlimited, netmaker.KeyTypeUnlimited},
		{keyTypeUses, netmaker.KeyTypeUses},
		{keyTypeTimeBound, netmaker.KeyTypeTimeBound},
	}
	for _, tt := range tests {
		if got := keyTypeName(tt.typ); got != tt.name {
			t.Errorf("keyTypeName(%d) = %q, want %q", tt.typ, got, tt.name)
		}
		if got := keyTypeFromName(tt.name); got != tt.typ {
			t.Errorf("keyTypeFromName(%q) = %d, want %d", tt.name, got, tt.typ)
		}
	}
	if got := keyTypeName(netmaker.KeyTypeUndefined); got != "" {
		t.Errorf("keyTypeName(undefined) = %q, want empty", got)
	}
	if got := keyTypeFromName("forever"); got != netmaker.KeyTypeUndefined {
		t.Errorf("keyTypeFromName(forever) = %d, want undefined", got)
	}
}
