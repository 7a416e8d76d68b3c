package validators

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// OnlyWhenStringIs is a resource config validator: the attributes in attrs
// may be set only when the string attribute at discriminator is one of
// values. valid lists every value the discriminator may take: for any other
// (a typo) it says nothing, because the discriminator's own validator
// reports that, and a second error about attrs would only confuse. It says
// nothing while the discriminator is null or unknown, and ignores unknown
// attributes (they are checked once known).
func OnlyWhenStringIs(discriminator path.Path, valid, values []string, attrs ...path.Path) resource.ConfigValidator {
	return onlyWhenStringIs{discriminator: discriminator, valid: valid, values: values, attrs: attrs}
}

type onlyWhenStringIs struct {
	discriminator path.Path
	valid         []string
	values        []string
	attrs         []path.Path
}

func (v onlyWhenStringIs) Description(context.Context) string {
	return fmt.Sprintf("%s may only be set when %s is %s", joinPaths(v.attrs), v.discriminator, quoteAll(v.values))
}

func (v onlyWhenStringIs) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v onlyWhenStringIs) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var disc types.String
	if diags := req.Config.GetAttribute(ctx, v.discriminator, &disc); diags.HasError() {
		resp.Diagnostics.Append(diags...)
		return
	}
	if disc.IsNull() || disc.IsUnknown() || !slices.Contains(v.valid, disc.ValueString()) {
		return
	}
	for _, want := range v.values {
		if disc.ValueString() == want {
			return
		}
	}
	for _, p := range v.attrs {
		if isSet(ctx, req.Config, p) {
			resp.Diagnostics.AddAttributeError(p, fmt.Sprintf("Attribute not allowed for this %s", v.discriminator),
				fmt.Sprintf("%s can only be set when %s is %s; here %s is %q. Remove %s or change %s.",
					p, v.discriminator, quoteAll(v.values), v.discriminator, disc.ValueString(), p, v.discriminator))
		}
	}
}

// ConflictsWhenTrue is a resource config validator: attr must not be set
// while the bool attribute flag is true. advice, when not empty, ends the
// error with what to do instead.
func ConflictsWhenTrue(attr, flag path.Path, advice string) resource.ConfigValidator {
	return conflictsWhenTrue{attr: attr, flag: flag, advice: advice}
}

type conflictsWhenTrue struct {
	attr, flag path.Path
	advice     string
}

func (v conflictsWhenTrue) Description(context.Context) string {
	return fmt.Sprintf("%s cannot be set while %s is true", v.attr, v.flag)
}

func (v conflictsWhenTrue) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v conflictsWhenTrue) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var flag types.Bool
	if diags := req.Config.GetAttribute(ctx, v.flag, &flag); diags.HasError() {
		resp.Diagnostics.Append(diags...)
		return
	}
	if !flag.ValueBool() || flag.IsUnknown() {
		return
	}
	if isSet(ctx, req.Config, v.attr) {
		detail := v.Description(ctx)
		if v.advice != "" {
			detail += ": " + v.advice
		}
		resp.Diagnostics.AddAttributeError(v.attr, "Conflicting attributes", detail+".")
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
