package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ datasource.DataSource              = (*enrollmentKeysDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*enrollmentKeysDataSource)(nil)
)

// NewEnrollmentKeysDataSource lists enrollment keys, optionally filtered.
func NewEnrollmentKeysDataSource() datasource.DataSource {
	return &enrollmentKeysDataSource{}
}

type enrollmentKeysDataSource struct {
	data *providerData
}

type enrollmentKeysDataSourceModel struct {
	ID   types.String `tfsdk:"id"`
	Keys types.List   `tfsdk:"keys"`
	keyFilterModel
}

func (d *enrollmentKeysDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_enrollment_keys"
}

func (d *enrollmentKeysDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the server's enrollment keys, optionally filtered; all filters that are set " +
			"must match. The keys come sorted by name, so plans stay stable whatever order the server lists them in. " +
			"Each key's `token` and `value` are secret and end up in the Terraform state.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "A fixed placeholder (`enrollment-keys`); the data source has no natural ID.",
				Computed:            true,
			},
			"network": schema.StringAttribute{
				MarkdownDescription: "Only keys that join this network.",
				Optional:            true,
			},
			"type": schema.StringAttribute{
				MarkdownDescription: "Only keys of this type: `unlimited`, `uses` or `time_bound`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(keyTypeNames...)},
			},
			"tag": schema.StringAttribute{
				MarkdownDescription: "Only keys that apply this device tag to enrolling devices.",
				Optional:            true,
			},
			"default": schema.BoolAttribute{
				MarkdownDescription: "Only default keys (`true`) or only keys that are no network's default (`false`).",
				Optional:            true,
			},
			"valid": schema.BoolAttribute{
				MarkdownDescription: "Only keys a device could enroll with now (`true`), or only expired and " +
					"exhausted ones (`false`).",
				Optional: true,
			},
			"keys": schema.ListNestedAttribute{
				MarkdownDescription: "The matching keys, sorted by name.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: keyAttributes()},
			},
		},
	}
}

func (d *enrollmentKeysDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *enrollmentKeysDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config enrollmentKeysDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !requireConfigured(d.data, &resp.Diagnostics) {
		return
	}
	now := d.data.now()
	matches, err := d.data.client.Keys(ctx, config.filter(now))
	if err != nil {
		resp.Diagnostics.AddError("Could not list enrollment keys", err.Error())
		return
	}
	elems := make([]attr.Value, 0, len(matches))
	objType := keyObjectType()
	for _, k := range matches {
		m, diags := newKeyModel(ctx, k, now)
		resp.Diagnostics.Append(diags...)
		obj, diags := types.ObjectValueFrom(ctx, objType.AttrTypes, m)
		resp.Diagnostics.Append(diags...)
		elems = append(elems, obj)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	list, diags := types.ListValue(objType, elems)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	config.ID = types.StringValue("enrollment-keys")
	config.Keys = list
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}
