package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/validators"
)

var (
	_ action.Action               = (*enrollmentKeyRotateAction)(nil)
	_ action.ActionWithConfigure  = (*enrollmentKeyRotateAction)(nil)
	_ action.ActionWithModifyPlan = (*enrollmentKeyRotateAction)(nil)
)

// NewEnrollmentKeyRotateAction rotates a key's token on demand (Terraform 1.14+).
func NewEnrollmentKeyRotateAction() action.Action {
	return &enrollmentKeyRotateAction{}
}

type enrollmentKeyRotateAction struct {
	actionData
}

type enrollmentKeyRotateModel struct {
	Name types.String `tfsdk:"name"`
}

func (a *enrollmentKeyRotateAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_enrollment_key_rotate"
}

func (a *enrollmentKeyRotateAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Rotates an enrollment key's token: the key gets a new `value` and `token` and keeps its name " +
			"and settings; the old token stops working. Run it with " +
			"`terraform apply -invoke=action.netmaker_enrollment_key_rotate.<label>` or from a resource's " +
			"`action_trigger` (Terraform 1.14+). A `netmaker_enrollment_key` managing the key records the new token at " +
			"its next refresh. How the token is rotated depends on the [server generation](#server-generations).",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the enrollment key to rotate.",
				Required:            true,
				Validators:          []validator.String{validators.KeyName()},
			},
		},
	}
}

// ModifyPlan refuses, at plan time, a rotation this server cannot make.
// Lookup failures are left to the invocation, which reports them in full.
func (a *enrollmentKeyRotateAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	var config enrollmentKeyRotateModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	client, ok := a.data.planClient()
	if resp.Diagnostics.HasError() || !ok || config.Name.IsUnknown() || config.Name.IsNull() {
		return
	}
	key, err := client.KeyByName(ctx, config.Name.ValueString())
	if err != nil {
		return
	}
	if err := client.CheckRotate(ctx, key); err != nil {
		resp.Diagnostics.Append(rotateActionDiagnostic(key, err))
	}
}

func (a *enrollmentKeyRotateAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	config, ok := operationModel[enrollmentKeyRotateModel](ctx, req.Config, a.data, &resp.Diagnostics)
	if !ok {
		return
	}
	client := a.data.client
	name := config.Name.ValueString()
	key, err := client.KeyByName(ctx, name)
	switch {
	case errors.Is(err, netmaker.ErrNotFound):
		resp.Diagnostics.Append(refusalKeyNotFound.at(path.Root("name"),
			fmt.Sprintf("%s has no enrollment key named %q, so there is no token to rotate.", client.Host(), name)))
		return
	case err != nil:
		resp.Diagnostics.AddError("Could not rotate enrollment key",
			fmt.Sprintf("Looking up key %q failed; nothing was changed: %s", name, err))
		return
	}
	if err := client.CheckRotate(ctx, key); err != nil {
		resp.Diagnostics.Append(rotateActionDiagnostic(key, err))
		return
	}
	if _, err := client.RotateKey(ctx, key.Value); warnAnswerDisagreement(err, &resp.Diagnostics) != nil {
		resp.Diagnostics.Append(rotateActionDiagnostic(key, err))
		return
	}
	resp.SendProgress(action.InvokeProgressEvent{
		Message: fmt.Sprintf("Rotated the token of enrollment key %q; the old token no longer works.", name),
	})
}

// rotateActionDiagnostic explains a failed or refused rotation on the
// action's name, in the words the resource's regenerate_trigger uses.
func rotateActionDiagnostic(key *netmaker.EnrollmentKey, err error) diag.Diagnostic {
	if !errors.Is(err, netmaker.ErrUnsupported) && !errors.Is(err, netmaker.ErrCannotRecreate) {
		return diag.NewAttributeErrorDiagnostic(path.Root("name"), "Could not rotate enrollment key",
			fmt.Sprintf("Rotating the token of key %q failed (a netmaker_enrollment_key managing it records its current "+
				"token at the next refresh): %s", key.Name, err))
	}
	d := rotationDiagnostic(key, err)
	return diag.NewAttributeErrorDiagnostic(path.Root("name"), d.Summary(), d.Detail())
}
