package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/ephemeralvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ ephemeral.EphemeralResource                     = (*enrollmentKeyTokenEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithConfigure        = (*enrollmentKeyTokenEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithConfigValidators = (*enrollmentKeyTokenEphemeralResource)(nil)
)

// NewEnrollmentKeyTokenEphemeralResource reads a key's token without
// storing it in plan or state.
func NewEnrollmentKeyTokenEphemeralResource() ephemeral.EphemeralResource {
	return &enrollmentKeyTokenEphemeralResource{}
}

type enrollmentKeyTokenEphemeralResource struct {
	ephemeralData
}

type enrollmentKeyTokenModel struct {
	Name    types.String `tfsdk:"name"`
	Network types.String `tfsdk:"network"`
	Token   types.String `tfsdk:"token"`
	Value   types.String `tfsdk:"value"`
}

func (e *enrollmentKeyTokenEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_enrollment_key_token"
}

func (e *enrollmentKeyTokenEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the token of an existing enrollment key, by `name` or as the default key of a " +
			"`network`, without storing it in the Terraform plan or state (requires Terraform 1.10 or later). Use it " +
			"to hand a token to another provider's configuration or to a write-only argument. It only reads: it " +
			"never creates a key or rotates a token, and Terraform opens it during plan as well as apply.\n\n" +
			"When the same configuration manages the key, set `name = netmaker_enrollment_key.<label>.id` rather than " +
			"the key's name as a literal string: only the reference makes Terraform open this after the key is created " +
			"and after a rotation. With a literal name the first plan fails (the key does not exist yet) and, on a " +
			"rotation, consumers get the old token, which the rotation revokes. The provider cannot detect the literal " +
			"form (an ephemeral resource does not see the rest of the configuration), so there is no warning.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the key whose token to read. Exactly one of `name` and `network` must be " +
					"set. When reading by `network`, the name of the network's default key.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"network": schema.StringAttribute{
				MarkdownDescription: "Read the token of this network's default key instead of a key by name. " +
					"Exactly one of `name` and `network` must be set.",
				Optional: true,
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "The enrollment token, what `netclient join -t` takes. Secret.",
				Computed:            true,
				Sensitive:           true,
			},
			"value": schema.StringAttribute{
				MarkdownDescription: "The key's server-assigned value (its ID on the API). Secret: the token embeds it.",
				Computed:            true,
				Sensitive:           true,
			},
		},
	}
}

func (e *enrollmentKeyTokenEphemeralResource) ConfigValidators(context.Context) []ephemeral.ConfigValidator {
	return []ephemeral.ConfigValidator{
		ephemeralvalidator.ExactlyOneOf(path.MatchRoot("name"), path.MatchRoot("network")),
	}
}

// Open only reads the key list: Terraform opens ephemeral resources during
// plan, so this must never change anything on the server.
func (e *enrollmentKeyTokenEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var config enrollmentKeyTokenModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !requireConfigured(e.data, &resp.Diagnostics) {
		return
	}
	lookup := keyLookup{Network: config.Network.ValueString()}
	if config.Network.IsNull() {
		lookup.Name = config.Name.ValueString()
	}
	key, problem := lookup.find(ctx, e.data.client)
	if problem != nil {
		resp.Diagnostics.Append(problem)
		return
	}
	result := enrollmentKeyTokenModel{
		Name:    types.StringValue(key.Name),
		Network: config.Network,
		Token:   types.StringValue(key.Token),
		Value:   types.StringValue(key.Value),
	}
	resp.Diagnostics.Append(resp.Result.Set(ctx, &result)...)
}
