package provider

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/planmodifiers"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/validators"
)

// Derived from the attribute table (enrollment_key_resource_attributes.go):
// the schema, the in-place and replace-only decisions, the create request.
// Also the resource's config validation.

// enrollmentKeySchemaAttributes derives the schema's attributes from the
// table: a replaces attribute gets its RequiresReplace modifier here.
func enrollmentKeySchemaAttributes() map[string]schema.Attribute {
	out := make(map[string]schema.Attribute, len(enrollmentKeyAttributes))
	for _, a := range enrollmentKeyAttributes {
		out[a.name] = a.withChangeModifiers()
	}
	return out
}

func (a keyAttribute) withChangeModifiers() schema.Attribute {
	if a.change != replaces {
		return a.schema
	}
	switch s := a.schema.(type) {
	case schema.StringAttribute:
		replace := a.replaceIf
		if replace == nil {
			replace = stringplanmodifier.RequiresReplace()
		}
		s.PlanModifiers = append(append([]planmodifier.String(nil), s.PlanModifiers...), replace)
		return s
	case schema.Int64Attribute:
		s.PlanModifiers = append(append([]planmodifier.Int64(nil), s.PlanModifiers...), int64planmodifier.RequiresReplace())
		return s
	case schema.BoolAttribute:
		s.PlanModifiers = append(append([]planmodifier.Bool(nil), s.PlanModifiers...), boolplanmodifier.RequiresReplace())
		return s
	case schema.SetAttribute:
		s.PlanModifiers = append(append([]planmodifier.Set(nil), s.PlanModifiers...), setplanmodifier.RequiresReplace())
		return s
	}
	panic(fmt.Sprintf("enrollment key attribute %q: replaces is not implemented for %T", a.name, a.schema))
}

// field answers the model's field for the attribute (by its tfsdk name).
func (a keyAttribute) field(m *enrollmentKeyModel) reflect.Value {
	for _, f := range modelFields(reflect.TypeFor[enrollmentKeyModel]()) {
		if f.name == a.name {
			return reflect.ValueOf(m).Elem().Field(f.index)
		}
	}
	panic(fmt.Sprintf("enrollment key attribute %q has no model field", a.name))
}

func (a keyAttribute) value(m *enrollmentKeyModel) attr.Value {
	v, _ := a.field(m).Interface().(attr.Value)
	return v
}

func (a keyAttribute) setValue(m *enrollmentKeyModel, v attr.Value) {
	a.field(m).Set(reflect.ValueOf(v))
}

// differs tells whether the planned value may differ from the state's on
// the server (an unknown planned value may).
func (a keyAttribute) differs(plan, state *enrollmentKeyModel) bool {
	p, s := a.value(plan), a.value(state)
	if p.IsUnknown() {
		return true
	}
	if a.same != nil {
		return !a.same(p, s)
	}
	return !p.Equal(s)
}

// inPlaceSettingsChanged reports whether anything Netmaker changes in place
// differs between plan and state.
func inPlaceSettingsChanged(plan, state enrollmentKeyModel) bool {
	for _, a := range enrollmentKeyAttributes {
		if a.change == inPlace && a.differs(&plan, &state) {
			return true
		}
	}
	return false
}

// keepPlannedReplaceOnly gives s the planned values of the attributes that
// only change by replacement (an update plans them unchanged). Netmaker may
// change them between plan and apply, e.g. the cascade of a network deletion
// removes the network from keys; writing the server's value would be an
// inconsistent result, and the next refresh shows the drift instead.
func keepPlannedReplaceOnly(s *enrollmentKeyModel, plan enrollmentKeyModel) {
	for _, a := range enrollmentKeyAttributes {
		if a.change != replaces {
			continue
		}
		if v := a.value(&plan); !v.IsUnknown() {
			a.setValue(s, v)
		}
	}
	s.ID = s.Name // the id is the name
}

// createRequest turns a plan into what the client creates; the clock gives
// a ttl its expiry.
func createRequest(ctx context.Context, plan enrollmentKeyModel, now time.Time) (netmaker.CreateKeyRequest, diag.Diagnostics) {
	var diags diag.Diagnostics
	var req netmaker.CreateKeyRequest
	p := &keyRequestPlan{ctx: ctx, plan: &plan, req: &req, now: now, diags: &diags}
	for _, a := range enrollmentKeyAttributes {
		if a.request != nil {
			a.request(p)
		}
	}
	return req, diags
}

// requestExpiry gives a time_bound key its expiry: expires_at as planned,
// else now + ttl, in whole seconds as the server keeps them.
func requestExpiry(p *keyRequestPlan) {
	if p.req.Type != netmaker.KeyTypeTimeBound {
		return
	}
	switch plan := p.plan; {
	case !plan.ExpiresAt.IsNull() && !plan.ExpiresAt.IsUnknown():
		t, err := time.Parse(time.RFC3339, plan.ExpiresAt.ValueString())
		if err != nil {
			p.diags.AddAttributeError(path.Root("expires_at"), "Invalid timestamp", validators.RFC3339Problem(plan.ExpiresAt.ValueString()))
		}
		p.req.Expiration = t
	case !plan.TTL.IsNull():
		ttl, err := time.ParseDuration(plan.TTL.ValueString())
		if err != nil {
			p.diags.AddAttributeError(path.Root("ttl"), "Invalid duration", validators.PositiveDurationProblem(plan.TTL.ValueString()))
		}
		p.req.Expiration = p.now.Add(ttl).UTC().Truncate(time.Second)
	default:
		p.diags.AddAttributeError(path.Root("expires_at"), "Missing expiry", `A key of type "time_bound" needs expires_at or ttl.`)
	}
}

func sameInstant(a, b attr.Value) bool {
	x, xok := a.(types.String)
	y, yok := b.(types.String)
	if !xok || !yok || x.IsNull() || y.IsNull() || x.IsUnknown() || y.IsUnknown() {
		return a.Equal(b)
	}
	return planmodifiers.SameInstant(x.ValueString(), y.ValueString())
}

func sameUUID(a, b attr.Value) bool {
	x, xok := a.(types.String)
	y, yok := b.(types.String)
	if !xok || !yok || x.IsUnknown() || y.IsUnknown() {
		return a.Equal(b)
	}
	return strings.EqualFold(x.ValueString(), y.ValueString())
}

func (r *enrollmentKeyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Netmaker enrollment key: the credential devices present (`netclient join -t <token>`) " +
			"to join networks. Netmaker changes `tags`, `gateway_id` and `auto_select_gateway` in place; changing any " +
			"other setting replaces the key. `regenerate_trigger` rotates the token in place. Adopt a network's " +
			"auto-generated key with `terraform import`. The sections below say which key is this resource's, and " +
			"how default keys, rotation and lost answers work on each server generation.",
		Attributes: enrollmentKeySchemaAttributes(),
	}
}

func (r *enrollmentKeyResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		validators.OnlyWhenStringIs(path.Root("type"), keyTypeNames, []string{keyTypeUses}, path.Root("uses")),
		validators.OnlyWhenStringIs(path.Root("type"), keyTypeNames, []string{keyTypeTimeBound}, path.Root("expires_at"), path.Root("ttl")),
		validators.ConflictsWhenTrue(path.Root("gateway_id"), path.Root("auto_select_gateway"),
			"choose a gateway with gateway_id, or let Netmaker choose one with auto_select_gateway = true"),
	}
}

var _ resource.ResourceWithValidateConfig = (*enrollmentKeyResource)(nil)

// ValidateConfig warns about device tags that cannot apply to devices
// enrolling with the key. A warning, not an error: Netmaker stores any tag
// it is given, and a key adopted with such tags must stay manageable as it is.
func (r *enrollmentKeyResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var tags, networks types.Set
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("tags"), &tags)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("networks"), &networks)...)
	if resp.Diagnostics.HasError() || tags.IsNull() || tags.IsUnknown() {
		return
	}
	var tagList []types.String
	resp.Diagnostics.Append(tags.ElementsAs(ctx, &tagList, false)...)
	var networkList []types.String
	networksKnown := !networks.IsUnknown()
	if networksKnown && !networks.IsNull() {
		resp.Diagnostics.Append(networks.ElementsAs(ctx, &networkList, false)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	joins := map[string]bool{}
	var joinNames []string
	for _, n := range networkList {
		if n.IsUnknown() {
			networksKnown = false
		}
		joins[n.ValueString()] = true
		joinNames = append(joinNames, n.ValueString())
	}
	sort.Strings(joinNames)
	for _, t := range tagList {
		if t.IsNull() || t.IsUnknown() {
			continue
		}
		tag := t.ValueString()
		network, ok := netmaker.DeviceTagNetwork(tag)
		switch {
		case !ok:
			example := "<network>." + tag
			if len(joinNames) > 0 {
				example = joinNames[0] + "." + tag
			}
			resp.Diagnostics.AddAttributeWarning(path.Root("tags"), "Device tag without a network",
				fmt.Sprintf("Device tag %q has no network: Netmaker's device tags are \"<network>.<tag>\", and a tag "+
					"without the network prefix applies to no device. Write it as %q.", tag, example))
		case networksKnown && !joins[network]:
			joined := "none"
			if len(joinNames) > 0 {
				joined = strings.Join(joinNames, ", ")
			}
			resp.Diagnostics.AddAttributeWarning(path.Root("tags"), "Device tag for a network the key does not join",
				fmt.Sprintf("Device tag %q belongs to network %q, but this key's networks are %s: devices enrolling with "+
					"it never join %q, so the tag never applies. Add %q to networks, or tag the devices in a network "+
					"the key joins.", tag, network, joined, network, network))
		}
	}
}
