package validators

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// ConfigValidator validates the configuration of a resource or of an
// ephemeral resource (netmaker_enrollment_key has both kinds).
type ConfigValidator interface {
	resource.ConfigValidator
	ephemeral.ConfigValidator
}

// configCheck adapts a check of a whole configuration into a
// ConfigValidator (as stringCheck does for one string).
type configCheck struct {
	description string
	check       func(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics)
}

func (v configCheck) Description(context.Context) string { return v.description }

func (v configCheck) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v configCheck) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	v.check(ctx, req.Config, &resp.Diagnostics)
}

func (v configCheck) ValidateEphemeralResource(ctx context.Context, req ephemeral.ValidateConfigRequest, resp *ephemeral.ValidateConfigResponse) {
	v.check(ctx, req.Config, &resp.Diagnostics)
}

// OnlyWhenStringIs is a config validator: the attributes in attrs
// may be set only when the string attribute at discriminator is one of
// values. valid lists every value the discriminator may take: for any other
// (a typo) it says nothing, because the discriminator's own validator
// reports that, and a second error about attrs would only confuse. It says
// nothing while the discriminator is null or unknown, and ignores unknown
// attributes (they are checked once known).
func OnlyWhenStringIs(discriminator path.Path, valid, values []string, attrs ...path.Path) ConfigValidator {
	return configCheck{
		description: fmt.Sprintf("%s may only be set when %s is %s", joinPaths(attrs), discriminator, quoteAll(values)),
		check: func(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) {
			var disc types.String
			if d := config.GetAttribute(ctx, discriminator, &disc); d.HasError() {
				diags.Append(d...)
				return
			}
			if disc.IsNull() || disc.IsUnknown() || !slices.Contains(valid, disc.ValueString()) ||
				slices.Contains(values, disc.ValueString()) {
				return
			}
			for _, p := range attrs {
				if isSet(ctx, config, p) {
					diags.AddAttributeError(p, fmt.Sprintf("Attribute not allowed for this %s", discriminator),
						fmt.Sprintf("%s can only be set when %s is %s; here %s is %q. Remove %s or change %s.",
							p, discriminator, quoteAll(values), discriminator, disc.ValueString(), p, discriminator))
				}
			}
		},
	}
}

// ConflictsWhenTrue is a config validator: attr must not be set while the
// bool attribute flag is true. advice, when not empty, ends the error with
// what to do instead.
func ConflictsWhenTrue(attr, flag path.Path, advice string) ConfigValidator {
	description := fmt.Sprintf("%s cannot be set while %s is true", attr, flag)
	return configCheck{
		description: description,
		check: func(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) {
			var on types.Bool
			if d := config.GetAttribute(ctx, flag, &on); d.HasError() {
				diags.Append(d...)
				return
			}
			if !on.ValueBool() || on.IsUnknown() || !isSet(ctx, config, attr) {
				return
			}
			detail := description
			if advice != "" {
				detail += ": " + advice
			}
			diags.AddAttributeError(attr, "Conflicting attributes", detail+".")
		},
	}
}

// isSet reports whether the attribute at p is known and not null in config.
func isSet(ctx context.Context, config tfsdk.Config, p path.Path) bool {
	var value attr.Value
	if diags := config.GetAttribute(ctx, p, &value); diags.HasError() || value == nil {
		return false
	}
	return !value.IsNull() && !value.IsUnknown()
}

func joinPaths(ps []path.Path) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}

func quoteAll(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, " or ")
}
