package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
)

// configuredData unwraps what Configure handed over. It answers nil without
// a diagnostic while the provider is not configured yet (validation runs
// before Configure); resources then do nothing until it is.
func configuredData(raw any, diags *diag.Diagnostics) *providerData {
	if raw == nil {
		return nil
	}
	data, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", raw))
		return nil
	}
	return data
}

// planClient answers the client for plan-time checks, or nil while the
// provider has none (validation runs before Configure, and a provider
// configured with unknown values is not configured during plan): every
// plan-time check then leaves its question to the apply.
func (data *providerData) planClient() *netmaker.Client {
	if data == nil {
		return nil
	}
	return data.client
}

// requireConfigured reports an error when there is no client: the provider
// was not configured before an operation that talks to Netmaker. Every
// operation (create, read, update, delete, open, list, invoke) starts with
// it; plan-time checks use planClient instead.
func requireConfigured(data *providerData, diags *diag.Diagnostics) bool {
	if data.planClient() == nil {
		diags.AddError("Provider not configured",
			"The netmaker provider was not configured before this operation; this is a bug in the provider or its configuration.")
		return false
	}
	return true
}
