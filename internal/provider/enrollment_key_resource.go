package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// netmaker_enrollment_key, in files that follow its life cycle:
//
//   - enrollment_key_resource_schema.go: the attribute table (each
//     attribute's schema, how a change reaches the server, where its state
//     comes from, what it puts in a create request), config validation.
//   - enrollment_key_resource_plan.go: ModifyPlan (create, replace or
//     change in place); enrollment_key_resource_plan_checks.go: the plan-time
//     checks that ask the server.
//   - enrollment_key_resource_apply.go: Create, Update, Delete.
//   - enrollment_key_resource_read.go: Read, which key is this resource's,
//     and the state of a key.
//
// Server strategies (how a token is rotated, how a key becomes a default)
// are the client's; this resource asks for outcomes and words the answers.

var (
	_ resource.Resource                     = (*enrollmentKeyResource)(nil)
	_ resource.ResourceWithConfigure        = (*enrollmentKeyResource)(nil)
	_ resource.ResourceWithImportState      = (*enrollmentKeyResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*enrollmentKeyResource)(nil)
	_ resource.ResourceWithConfigValidators = (*enrollmentKeyResource)(nil)
)

// NewEnrollmentKeyResource manages one Netmaker enrollment key.
func NewEnrollmentKeyResource() resource.Resource {
	return &enrollmentKeyResource{}
}

type enrollmentKeyResource struct {
	resourceData
}

func (r *enrollmentKeyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_enrollment_key"
}

func (r *enrollmentKeyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByIDOrIdentity(ctx, enrollmentKeyIdentityAttr, req, resp)
}

// now is the provider's clock (a test may set it).
func (r *enrollmentKeyResource) now() time.Time { return r.data.clock().Now() }
