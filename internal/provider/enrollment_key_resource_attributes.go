package provider

// The attributes of netmaker_enrollment_key, each declared once: its schema,
// how a change reaches the server, where its state comes from, and what it
// puts in a create request. The schema's plan modifiers, the in-place and
// replace-only decisions, the create request and the state are derived from
// this table (enrollment_key_resource_schema.go). Which settings identify a
// key on the server is the client's list (netmaker.EnrollmentKey.Matches),
// fed by the create request.

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/planmodifiers"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/validators"
)

type enrollmentKeyModel struct {
	ID                  types.String `tfsdk:"id"`
	Name                types.String `tfsdk:"name"`
	Networks            types.Set    `tfsdk:"networks"`
	Type                types.String `tfsdk:"type"`
	Uses                types.Int64  `tfsdk:"uses"`
	UsesRemaining       types.Int64  `tfsdk:"uses_remaining"`
	ExpiresAt           types.String `tfsdk:"expires_at"`
	TTL                 types.String `tfsdk:"ttl"`
	Tags                types.Set    `tfsdk:"tags"`
	GatewayID           types.String `tfsdk:"gateway_id"`
	AutoSelectGateway   types.Bool   `tfsdk:"auto_select_gateway"`
	AutoEgress          types.Bool   `tfsdk:"auto_egress"`
	Value               types.String `tfsdk:"value"`
	Token               types.String `tfsdk:"token"`
	Default             types.Bool   `tfsdk:"default"`
	RegenerateTrigger   types.String `tfsdk:"regenerate_trigger"`
	Status              types.String `tfsdk:"status"`
	Valid               types.Bool   `tfsdk:"valid"`
	RecreateWhenInvalid types.Bool   `tfsdk:"recreate_when_invalid"`
}

// keyChange is how a change of an attribute reaches the server.
type keyChange int

const (
	// observed: set by the server (or the provider), never by configuration.
	observed keyChange = iota
	// inPlace: an update changes it on the server.
	inPlace
	// replaces: the server cannot change it; a change replaces the key.
	replaces
	// recorded: only Terraform knows it; a change is recorded in state
	// (regenerate_trigger's change also asks for a rotation).
	recorded
	// serverDecides: the client answers how (netmaker.Client.PlanDefaultChange).
	serverDecides
)

// keyAttribute is one row of the table.
type keyAttribute struct {
	name   string
	change keyChange
	schema schema.Attribute
	// replaceIf, for a replaces attribute whose value has several spellings,
	// replaces only when the value itself changes (default: any change).
	replaceIf planmodifier.String
	// same tells two values apart that the server would not (another
	// spelling of an instant or of a UUID); nil: attr.Value.Equal. State
	// keeps the user's spelling of what the server answers the same.
	same func(a, b attr.Value) bool
	// fromServer: the state records what the server answers; otherwise what
	// configuration said (prior state) or, where the state records nothing
	// (an import), whenUnrecorded's answer (nil: null).
	fromServer     bool
	whenUnrecorded func(k *netmaker.EnrollmentKey) attr.Value
	// request puts the planned value into a create request.
	request func(p *keyRequestPlan)
}

// keyRequestPlan is what a row's request func works on.
type keyRequestPlan struct {
	ctx   context.Context
	plan  *enrollmentKeyModel
	req   *netmaker.CreateKeyRequest
	now   time.Time
	diags *diag.Diagnostics
}

var emptyStringSet = types.SetValueMust(types.StringType, nil)

// enrollmentKeyAttributes is the table.
var enrollmentKeyAttributes = []keyAttribute{
	{name: "id", change: observed, fromServer: true, schema: schema.StringAttribute{
		MarkdownDescription: "The key's name (stable and not secret).",
		Computed:            true,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}},
	{name: "name", change: replaces, fromServer: true, schema: schema.StringAttribute{
		MarkdownDescription: "The key's name, unique among keys: 3–32 characters for a new key (an imported " +
			"auto-generated key is named after its network). A name another key has is an error at plan time. " +
			"Changing it replaces the key.",
		Required:   true,
		Validators: []validator.String{validators.KeyName()},
	}, request: func(p *keyRequestPlan) { p.req.Name = p.plan.Name.ValueString() }},
	{name: "networks", change: replaces, fromServer: true, schema: schema.SetAttribute{
		MarkdownDescription: "Networks a device enrolling with the key joins: names of 1–32 characters of `a-z`, " +
			"`0-9`, `_` and `-`. Defaults to none. The plan warns about networks the server does not have. Changing " +
			"it replaces the key.",
		ElementType: types.StringType,
		Optional:    true,
		Computed:    true,
		Default:     setdefault.StaticValue(emptyStringSet),
		Validators:  []validator.Set{setvalidator.ValueStringsAre(validators.NetworkName())},
	}, request: func(p *keyRequestPlan) {
		p.diags.Append(p.plan.Networks.ElementsAs(p.ctx, &p.req.Networks, false)...)
	}},
	{name: "type", change: replaces, fromServer: true, schema: schema.StringAttribute{
		MarkdownDescription: "How the key limits its use: `unlimited`, `uses` (see `uses`) or `time_bound` (see " +
			"`expires_at` and `ttl`). Changing it replaces the key.",
		Required:   true,
		Validators: []validator.String{stringvalidator.OneOf(keyTypeNames...)},
	}, request: func(p *keyRequestPlan) { p.req.Type = keyTypeFromName(p.plan.Type.ValueString()) }},
	{name: "uses", change: replaces, schema: schema.Int64Attribute{
		MarkdownDescription: "For `uses` keys: how many devices may enroll (at least 1). The live counter is " +
			"`uses_remaining`; after an import this is the key's remaining uses then. Changing it replaces the key.",
		Optional:      true,
		Computed:      true,
		Validators:    []validator.Int64{int64validator.AtLeast(1)},
		PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
	}, whenUnrecorded: func(k *netmaker.EnrollmentKey) attr.Value {
		if k.Type != netmaker.KeyTypeUses {
			return types.Int64Null()
		}
		return types.Int64Value(k.UsesRemaining)
	}, request: func(p *keyRequestPlan) {
		if p.req.Type == netmaker.KeyTypeUses {
			p.req.Uses = p.plan.Uses.ValueInt64()
		}
	}},
	{name: "uses_remaining", change: observed, fromServer: true, schema: schema.Int64Attribute{
		MarkdownDescription: "Enrollments left on a `uses` key. Netmaker counts it down as devices join; it never " +
			"causes a change.",
		Computed:      true,
		PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
	}},
	{name: "expires_at", change: replaces, fromServer: true, same: sameInstant, schema: schema.StringAttribute{
		MarkdownDescription: "For `time_bound` keys: when the key expires, in RFC 3339 such as " +
			"`2030-01-02T15:04:05Z` (Netmaker keeps whole seconds); in the future when the key is created. Set this " +
			"or `ttl`. Changing the instant replaces the key; another spelling of it does not.",
		Optional:      true,
		Computed:      true,
		Validators:    []validator.String{validators.RFC3339()},
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}, replaceIf: planmodifiers.RequiresReplaceIfInstantChanges(), request: requestExpiry},
	{name: "ttl", change: replaces, schema: schema.StringAttribute{
		MarkdownDescription: "For `time_bound` keys: how long the key lives from its creation, as a Go duration " +
			"such as `\"720h\"`, fixed in `expires_at` at creation so that plans do not drift. Conflicts with " +
			"`expires_at`. Changing it replaces the key; setting it on an imported key, or removing it, does not.",
		Optional: true,
		Validators: []validator.String{
			validators.PositiveDuration(),
			stringvalidator.ConflictsWith(path.MatchRoot("expires_at")),
		},
	}, replaceIf: planmodifiers.RequiresReplaceIfDurationChanges()},
	{name: "tags", change: inPlace, fromServer: true, schema: schema.SetAttribute{
		MarkdownDescription: "Device tags Netmaker applies to devices enrolling with the key, as `<network>.<tag>` " +
			"(e.g. `prod.contractors`). The plan warns about a tag that can never apply. Defaults to none. Changed " +
			"in place.",
		ElementType: types.StringType,
		Optional:    true,
		Computed:    true,
		Default:     setdefault.StaticValue(emptyStringSet),
		Validators:  []validator.Set{setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
	}, request: func(p *keyRequestPlan) {
		p.diags.Append(p.plan.Tags.ElementsAs(p.ctx, &p.req.Tags, false)...)
	}},
	{name: "gateway_id", change: inPlace, fromServer: true, same: sameUUID, schema: schema.StringAttribute{
		MarkdownDescription: "ID (a UUID) of a gateway (relay) node in one of the key's networks that enrolled " +
			"devices use. Unset: none. Conflicts with `auto_select_gateway = true`. Changed in place; if the node " +
			"is deleted, Netmaker clears it and the next plan shows the change.",
		Optional:   true,
		Validators: []validator.String{validators.UUID(noGatewayProblem)},
	}, request: func(p *keyRequestPlan) { p.req.GatewayID = p.plan.GatewayID.ValueString() }},
	{name: "auto_select_gateway", change: inPlace, fromServer: true, schema: schema.BoolAttribute{
		MarkdownDescription: "Let Netmaker pick a gateway for enrolled devices (acts on Netmaker Pro servers only). " +
			"Defaults to `false`. Conflicts with `gateway_id`. Changed in place.",
		Optional: true,
		Computed: true,
		Default:  booldefault.StaticBool(false),
	}, request: func(p *keyRequestPlan) { p.req.AutoAssignGateway = p.plan.AutoSelectGateway.ValueBool() }},
	{name: "auto_egress", change: replaces, fromServer: true, schema: schema.BoolAttribute{
		MarkdownDescription: "Netmaker's auto-egress flag for devices enrolling with the key. Defaults to `false`. " +
			"Changing it replaces the key.",
		Optional: true,
		Computed: true,
		Default:  booldefault.StaticBool(false),
	}, request: func(p *keyRequestPlan) { p.req.AutoEgress = p.plan.AutoEgress.ValueBool() }},
	{name: "value", change: observed, fromServer: true, schema: schema.StringAttribute{
		MarkdownDescription: "The key's server-assigned value, its ID on the API. Secret: the token embeds it. " +
			"Changes when the key is replaced or rotated.",
		Computed:      true,
		Sensitive:     true,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}},
	{name: "token", change: observed, fromServer: true, schema: schema.StringAttribute{
		MarkdownDescription: "The enrollment token devices use: `netclient join -t <token>`. Secret. Changes when " +
			"the key is replaced or rotated.",
		Computed:      true,
		Sensitive:     true,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}},
	{name: "default", change: serverDecides, fromServer: true, schema: schema.BoolAttribute{
		MarkdownDescription: "Whether the key is the default key of its networks. `true` makes it the default of " +
			"all of them (it needs a network); unset, it records the server's flag. How a change is made depends on " +
			"the server generation: see [Default keys](#default-keys).",
		Optional:      true,
		Computed:      true,
		PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
	}, request: func(p *keyRequestPlan) { p.req.Default = p.plan.Default.ValueBool() }},
	{name: "regenerate_trigger", change: recorded, schema: schema.StringAttribute{
		MarkdownDescription: "Any string; when it changes from one value to another, the token is rotated **in " +
			"place**: `value` and `token` become new, the name and settings stay. Setting it where it was unset, or " +
			"removing it, only records the change. Pair it with `time_rotating`; see [Rotation](#rotation).",
		Optional: true,
	}},
	{name: "status", change: observed, fromServer: true, schema: schema.StringAttribute{
		MarkdownDescription: "The key's health when last read: `active`, `expired` (past `expires_at`) or " +
			"`exhausted` (no uses left). Netmaker keeps invalid keys; see `recreate_when_invalid`.",
		Computed:      true,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}},
	{name: "valid", change: observed, fromServer: true, schema: schema.BoolAttribute{
		MarkdownDescription: "Whether a device could enroll with the key when it was last read (`status` is `active`).",
		Computed:            true,
		PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
	}},
	{name: "recreate_when_invalid", change: recorded, schema: schema.BoolAttribute{
		MarkdownDescription: "When `true`, a key found expired or exhausted is replaced by a new one with the same " +
			"settings (with `ttl`, a new expiry). When `false` (the default), it is kept and each plan warns.",
		Optional: true,
		Computed: true,
		Default:  booldefault.StaticBool(false),
	}, whenUnrecorded: func(*netmaker.EnrollmentKey) attr.Value { return types.BoolValue(false) }},
}
