package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
)

// Every operation asks requireConfigured and every plan-time check asks
// planClient, with one answer for a provider that has no client yet.
func TestProviderDataGuards(t *testing.T) {
	client, err := netmaker.New(netmaker.Config{Host: "https://nm.example.com", APIToken: "t"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data *providerData
		want bool
	}{
		{"not configured yet", nil, false},
		{"configured without a client", &providerData{}, false},
		{"configured", &providerData{client: client}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, ok := tt.data.planClient(); ok != tt.want || (got != nil) != tt.want {
				t.Errorf("planClient() = %v, %v; want a client: %v", got, ok, tt.want)
			}
			var diags diag.Diagnostics
			if got := requireConfigured(tt.data, &diags); got != tt.want || diags.HasError() == tt.want {
				t.Errorf("requireConfigured = %v with %v, want %v", got, diags, tt.want)
			}
		})
	}
}
