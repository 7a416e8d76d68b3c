package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ datasource.DataSource                     = (*enrollmentKeyDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*enrollmentKeyDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*enrollmentKeyDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig   = (*enrollmentKeyDataSource)(nil)
)

// NewEnrollmentKeyDataSource looks up one enrollment key by name, or a
// network's default key.
func NewEnrollmentKeyDataSource() datasource.DataSource {
	return &enrollmentKeyDataSource{}
}

type enrollmentKeyDataSource struct {
	dataSourceData
}

type enrollmentKeyDataSourceModel struct {
	ID      types.String `tfsdk:"id"`
	Name    types.String `tfsdk:"name"`
	Network types.String `tfsdk:"network"`
	Default types.Bool   `tfsdk:"default"`
	Value   types.String `tfsdk:"value"`
	keyDetailsModel
}

func (d *enrollmentKeyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_enrollment_key"
}

func (d *enrollmentKeyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := keyDetailsAttributes()
	attrs["id"] = schema.StringAttribute{
		MarkdownDescription: "The key's name.",
		Computed:            true,
	}
	attrs["name"] = schema.StringAttribute{
		MarkdownDescription: "Name of the key to look up. Exactly one of `name` and `network` must be set. " +
			"When looking up by `network`, the name of the network's default key.",
		Optional:   true,
		Computed:   true,
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	attrs["network"] = schema.StringAttribute{
		MarkdownDescription: "Look up the default key of this network instead of a key by name (as the " +
			"`netmaker_enrollment_key_token` ephemeral resource does). Exactly one of `name` and `network` must be set.",
		Optional: true,
	}
	attrs["default"] = schema.BoolAttribute{
		MarkdownDescription: "Whether the key is the default key of its networks. With `network` it may be left out " +
			"or set to `true` (a lookup by network always finds the default key); `false` is an error. It cannot be set with `name`.",
		Optional: true,
		Computed: true,
	}
	attrs["value"] = schema.StringAttribute{
		MarkdownDescription: "The key's server-assigned value (its ID on the API). Secret: the token embeds it.",
		Computed:            true,
		Sensitive:           true,
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up one enrollment key, by `name` or as the default key of a `network`, and " +
			"answers all its attributes, including its secret `token` (which then sits in the Terraform state: " +
			"prefer the `netmaker_enrollment_key_token` ephemeral resource to hand a token to another provider). " +
			"Looking up a key that does not exist, or a network with no or several default keys, is an error.",
		Attributes: attrs,
	}
}

func (d *enrollmentKeyDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("name"), path.MatchRoot("network")),
		datasourcevalidator.Conflicting(path.MatchRoot("name"), path.MatchRoot("default")),
	}
}

// ValidateConfig refuses `default = false` with `network`: a network has
// one default key but may have many others, so a lookup by network finds the
// default (with `default` left out or true, as the ephemeral resource does).
func (d *enrollmentKeyDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var config enrollmentKeyDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if config.Network.IsNull() || config.Default.IsNull() || config.Default.IsUnknown() {
		return
	}
	if !config.Default.ValueBool() {
		resp.Diagnostics.AddAttributeError(path.Root("default"), "Lookup by network finds the default key",
			"A network has exactly one default key but may have many others, so looking a key up by `network` "+
				"finds the network's default key: remove `default = false` (or set it to true). To list a network's keys, use the "+
				"netmaker_enrollment_keys data source with its `network` filter.")
	}
}

func (d *enrollmentKeyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config enrollmentKeyDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !requireConfigured(d.data, &resp.Diagnostics) {
		return
	}
	lookup := keyLookup{Network: config.Network.ValueString()}
	if config.Network.IsNull() {
		lookup.Name = config.Name.ValueString()
	}
	key, problem := lookup.find(ctx, d.data.client)
	if problem != nil {
		resp.Diagnostics.Append(problem)
		return
	}
	details, diags := newKeyDetails(ctx, *key, d.data.clock().Now())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	state := enrollmentKeyDataSourceModel{
		ID:              types.StringValue(key.Name),
		Name:            types.StringValue(key.Name),
		Network:         config.Network,
		Default:         types.BoolValue(key.Default),
		Value:           types.StringValue(key.Value),
		keyDetailsModel: details,
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}
