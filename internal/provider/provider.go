package provider

import (
	"context"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/benchhooks"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/clock"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
)

var (
	_ provider.Provider                       = (*NetmakerProvider)(nil)
	_ provider.ProviderWithValidateConfig     = (*NetmakerProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*NetmakerProvider)(nil)
	_ provider.ProviderWithListResources      = (*NetmakerProvider)(nil)
	_ provider.ProviderWithActions            = (*NetmakerProvider)(nil)
)

// NetmakerProvider manages Netmaker enrollment keys.
type NetmakerProvider struct {
	version string
	// clock gives key health and ttl expiries their "now"; tests set a
	// clock.Manual.
	clock clock.Clock
	// listCacheDisabled makes every read list the keys (the naive mode the
	// list cache is measured against): set only by the bench's build tag
	// (internal/benchhooks) and by tests that need a read to reach the server.
	listCacheDisabled bool
}

// New answers a provider factory for providerserver.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &NetmakerProvider{version: version, clock: clock.System{}, listCacheDisabled: benchhooks.ListCacheDisabled}
	}
}

func (p *NetmakerProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "netmaker"
	resp.Version = p.version
}

func (p *NetmakerProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = providerSchema()
}

func (p *NetmakerProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg, diags := clientConfig(config, os.Getenv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg.UserAgent = fmt.Sprintf("terraform-provider-netmaker/%s (terraform %s)", p.version, req.TerraformVersion)
	cfg.DisableListCache = p.listCacheDisabled
	cfg.Clock = p.clock // the client decides whether a key has expired (v1.5 rotation re-creates it)
	client, err := netmaker.New(cfg)
	if err != nil {
		// clientConfig applied the rule; New adds a CA that holds no certificate.
		resp.Diagnostics.Append(configDiagnostics(err, config)...)
		return
	}
	if err := client.CheckAuth(ctx); err != nil {
		resp.Diagnostics.Append(authDiagnostic(client.Host(), cfg, err))
		return
	}
	data := &providerData{client: client, now: p.clock}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.EphemeralResourceData = data
	resp.ListResourceData = data
	resp.ActionData = data
}

func (p *NetmakerProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewNetworkResource,
		NewEnrollmentKeyResource,
		NewNetworkDefaultKeyResource,
	}
}

func (p *NetmakerProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewEnrollmentKeyDataSource,
		NewEnrollmentKeysDataSource,
		NewNetworkDefaultKeyDataSource,
	}
}

func (p *NetmakerProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewEnrollmentKeyTokenEphemeralResource,
	}
}

func (p *NetmakerProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewEnrollmentKeyListResource,
	}
}

func (p *NetmakerProvider) Actions(_ context.Context) []func() action.Action {
	return []func() action.Action{
		NewEnrollmentKeyRotateAction,
	}
}
