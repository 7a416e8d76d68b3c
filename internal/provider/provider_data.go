package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
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

// requireConfigured reports an error when data is nil: the provider was
// not configured before an operation that talks to Netmaker.
func requireConfigured(data *providerData, diags *diag.Diagnostics) bool {
	if data == nil {
		diags.AddError("Provider not configured",
			"The netmaker provider was not configured before this operation; this is a bug in the provider or its configuration.")
		return false
	}
	return true
}
