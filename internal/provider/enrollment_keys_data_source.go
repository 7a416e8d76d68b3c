package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
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
	dataSourceData
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
		Attributes: enrollmentKeysAttributes(),
	}
}

// enrollmentKeysAttributes answers the filters and the found keys.
func enrollmentKeysAttributes() map[string]schema.Attribute {
	attrs := keyFilterDataSourceAttributes()
	attrs["id"] = schema.StringAttribute{
		MarkdownDescription: "A fixed placeholder (`enrollment-keys`); the data source has no natural ID.",
		Computed:            true,
	}
	attrs["keys"] = schema.ListNestedAttribute{
		MarkdownDescription: "The matching keys, sorted by name.",
		Computed:            true,
		NestedObject:        schema.NestedAttributeObject{Attributes: keyAttributes()},
	}
	return attrs
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
	now := d.data.clock().Now()
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
