package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/clock"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
)

// providerData is what Configure hands to every resource, data source,
// ephemeral resource, list resource and action.
type providerData struct {
	client *netmaker.Client
	// now is the provider's clock: key health and ttl expiries.
	now clock.Clock
}

// clock answers the provider's clock, the system's while the provider is not
// configured yet (validation runs before Configure).
func (data *providerData) clock() clock.Clock {
	if data == nil {
		return clock.System{}
	}
	return clock.OrSystem(data.now)
}

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

// planClient answers the client for plan-time checks, and false while the
// provider has none (validation runs before Configure, and a provider
// configured with unknown values is not configured during plan): every
// plan-time check then leaves its question to the apply.
func (data *providerData) planClient() (*netmaker.Client, bool) {
	if data == nil || data.client == nil {
		return nil, false
	}
	return data.client, true
}

// requireConfigured reports an error when there is no client: the provider
// was not configured before an operation that talks to Netmaker. Every
// operation (create, read, update, delete, open, list, invoke) starts with
// it; plan-time checks use planClient instead.
func requireConfigured(data *providerData, diags *diag.Diagnostics) bool {
	if _, ok := data.planClient(); !ok {
		diags.AddError("Provider not configured",
			"The netmaker provider was not configured before this operation; this is a bug in the provider or its configuration.")
		return false
	}
	return true
}

// The Configure of each kind of type, embedded: it keeps what the provider
// handed over. Resources and list resources share one signature.

type resourceData struct{ data *providerData }

func (b *resourceData) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	b.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

type dataSourceData struct{ data *providerData }

func (b *dataSourceData) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	b.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

type ephemeralData struct{ data *providerData }

func (b *ephemeralData) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	b.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

type actionData struct{ data *providerData }

func (b *actionData) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	b.data = configuredData(req.ProviderData, &resp.Diagnostics)
}
