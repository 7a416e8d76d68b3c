package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Resource identity (Terraform 1.12+): a typed, non-secret handle that
// import blocks (`identity = { name = "prod" }`) and `terraform query`
// results use instead of an opaque ID. Each resource's identity is one
// string attribute that also names the resource in state, and never changes
// for an instance (changing it replaces the resource).

var (
	_ resource.ResourceWithIdentity = (*enrollmentKeyResource)(nil)
	_ resource.ResourceWithIdentity = (*networkDefaultKeyResource)(nil)
)

// Identity attribute names; each is also the state attribute it mirrors.
const (
	enrollmentKeyIdentityAttr     = "name"
	networkDefaultKeyIdentityAttr = "network"
)

// enrollmentKeyIdentityModel is netmaker_enrollment_key's identity (list
// results set it whole).
type enrollmentKeyIdentityModel struct {
	Name types.String `tfsdk:"name"`
}

func (r *enrollmentKeyResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = enrollmentKeyIdentitySchema()
}

func enrollmentKeyIdentitySchema() identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			enrollmentKeyIdentityAttr: identityschema.StringAttribute{
				Description:       "The key's name (unique among a server's keys; not secret).",
				RequiredForImport: true,
			},
		},
	}
}

func (r *networkDefaultKeyResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			networkDefaultKeyIdentityAttr: identityschema.StringAttribute{
				Description:       "The network's name.",
				RequiredForImport: true,
			},
		},
	}
}

// setIdentity records value as the resource's identity attribute attr.
// Every Create, Read and Update sets it: the framework refuses a response
// without identity, also from a Read that removes the resource and from
// Terraform versions that do not store identities (they ignore it).
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, attr, value string, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(identity.SetAttribute(ctx, path.Root(attr), types.StringValue(value))...)
}

// importByIDOrIdentity starts an import from the import ID (`terraform
// import`, an import block's `id`) or from the identity (an import block's
// `identity`): both give the attribute attr, which is also the state's id.
func importByIDOrIdentity(ctx context.Context, attr string, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root(attr), path.Root(attr), req, resp)
	if resp.Diagnostics.HasError() {
		return
	}
	var value types.String
	resp.Diagnostics.Append(resp.State.GetAttribute(ctx, path.Root(attr), &value)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if strings.TrimSpace(value.ValueString()) == "" {
		resp.Diagnostics.AddError("Missing import "+attr, fmt.Sprintf("Importing needs the %s: give it as the import ID or as identity = { %s = \"...\" }.", attr, attr))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), value)...)
}
