package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/planmodifiers"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/validators"
)

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
	data *providerData
}

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

func (r *enrollmentKeyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_enrollment_key"
}

func (r *enrollmentKeyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	emptySet := types.SetValueMust(types.StringType, nil)
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Netmaker enrollment key: what devices present (`netclient join -t <token>`) to join networks. " +
			"The key is identified by its `name`. Netmaker changes only `tags`, `gateway_id` and `auto_select_gateway` in place; " +
			"changing any other setting replaces the key (a new token). `regenerate_trigger` rotates the token without replacing the key.\n\n" +
			"Netmaker creates a key for every network, named after it; adopt it with `terraform import netmaker_enrollment_key.<label> <network>`.\n\n" +
			"**Which key is this resource's.** A key of the name is this resource's only if its `value` is the one in state, or if " +
			"its value changed but every setting is the recorded one (a rotation, inside or outside Terraform, keeps them all). " +
			"When the managed key was deleted outside Terraform and someone created another key of the same name with other " +
			"settings, that key is never changed or deleted: the refresh warns and removes the resource from state, so the next " +
			"apply plans a create, which fails because the name is taken (rename the key, or `terraform import` the other one " +
			"deliberately).\n\n" +
			"**A create whose outcome is unknown** (the server stopped answering after receiving it) ends with an error and the " +
			"resource saved as tainted, without a value: the next apply looks the key up by name and settings and replaces it, " +
			"or creates it if it never came to exist. No import is needed and no duplicate is made.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The key's name (stable and not secret).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The key's name: 3–32 characters for a new key (a network's auto-generated key is " +
					"named after the network, so an imported one may have 1 or 2), not only whitespace. Names are unique " +
					"among **keys**: a network's name is taken only while its auto-generated key exists. A name another key " +
					"already has is an error at plan time (except for a key being imported). Netmaker does not stop a network " +
					"from being created with an existing key's name, and two keys then share it (`netmaker_network` refuses " +
					"such a name). Changing it replaces the key.",
				Required:      true,
				Validators:    []validator.String{validators.KeyName()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"networks": schema.SetAttribute{
				MarkdownDescription: "Networks a device enrolling with the key joins; names of 1–32 characters of `a-z`, `0-9`, " +
					"`_` and `-`. Defaults to none (a key that only registers the host). Netmaker does not check that the networks " +
					"exist; the plan warns about any it does not have (refer to a `netmaker_network` created in the same " +
					"configuration by its `id`). Changing it replaces the key, which for a network's default key is an error " +
					"at plan time (Netmaker refuses to delete a default key). Deleting a network removes it from the key, and " +
					"Netmaker deletes keys left with no network.",
				ElementType:   types.StringType,
				Optional:      true,
				Computed:      true,
				Default:       setdefault.StaticValue(emptySet),
				Validators:    []validator.Set{setvalidator.ValueStringsAre(validators.NetworkName())},
				PlanModifiers: []planmodifier.Set{setplanmodifier.RequiresReplace()},
			},
			"type": schema.StringAttribute{
				MarkdownDescription: "How the key limits its use: `unlimited`; `uses` (a number of enrollments, see `uses`); or " +
					"`time_bound` (until `expires_at`, or for `ttl` after creation). Changing it replaces the key.",
				Required:      true,
				Validators:    []validator.String{stringvalidator.OneOf(keyTypeNames...)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"uses": schema.Int64Attribute{
				MarkdownDescription: "How many devices may enroll with a `uses` key (at least 1). Required to create a key of " +
					"type `uses` and not allowed for other types. It is the initial number: the live counter is `uses_remaining`. " +
					"After an import it is the key's `uses_remaining` at that time; leave it out of the configuration or set it to " +
					"that number. Changing it replaces the key.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers: []planmodifier.Int64{
					int64planmodifier.UseStateForUnknown(),
					int64planmodifier.RequiresReplace(),
				},
			},
			"uses_remaining": schema.Int64Attribute{
				MarkdownDescription: "Enrollments left on a `uses` key. Netmaker counts it down as devices join; it never causes a change.",
				Computed:            true,
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"expires_at": schema.StringAttribute{
				MarkdownDescription: "When a `time_bound` key expires, as an RFC 3339 timestamp such as `2030-01-02T15:04:05Z` " +
					"(Netmaker keeps whole seconds). To create a `time_bound` key set this or `ttl`; not allowed for other types. " +
					"Must be in the future when the key is created. With `ttl`, it is computed once at creation. Changing the " +
					"instant replaces the key; writing the same instant differently does not.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{validators.RFC3339()},
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
					planmodifiers.RequiresReplaceIfInstantChanges(),
				},
			},
			"ttl": schema.StringAttribute{
				MarkdownDescription: "For `time_bound` keys: how long the key lives from its creation, as a Go duration such as " +
					"`\"720h\"` (30 days; there is no unit for days). The expiry is computed once, when the key is created, and " +
					"stored in `expires_at`; later plans do not drift as time passes. Conflicts with `expires_at`. Changing it " +
					"replaces the key; setting it on an imported key, or removing it, does not.",
				Optional: true,
				Validators: []validator.String{
					validators.PositiveDuration(),
					stringvalidator.ConflictsWith(path.MatchRoot("expires_at")),
				},
				PlanModifiers: []planmodifier.String{planmodifiers.RequiresReplaceIfDurationChanges()},
			},
			"tags": schema.SetAttribute{
				MarkdownDescription: "Device tags that Netmaker applies to devices enrolling with the key, in Netmaker's " +
					"`<network>.<tag>` form (e.g. `prod.contractors`). The plan warns about a tag without the network prefix, " +
					"or for a network the key does not join: it can never apply. Defaults to none. Changed in place.",
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     setdefault.StaticValue(emptySet),
				Validators:  []validator.Set{setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
			"gateway_id": schema.StringAttribute{
				MarkdownDescription: "ID (a UUID) of a gateway (relay) node in one of the key's networks that enrolled devices " +
					"use. Leave unset for none. Conflicts with `auto_select_gateway = true`. Changed in place. If the gateway " +
					"node is deleted, Netmaker clears this and the next plan shows the change.",
				Optional:   true,
				Validators: []validator.String{validators.UUID(noGatewayProblem)},
			},
			"auto_select_gateway": schema.BoolAttribute{
				MarkdownDescription: "Let Netmaker pick a gateway for enrolled devices (acts on Netmaker Pro servers only). " +
					"Defaults to `false`. Conflicts with `gateway_id`. Changed in place.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"auto_egress": schema.BoolAttribute{
				MarkdownDescription: "Netmaker's auto-egress flag for devices enrolling with the key. Defaults to `false`. " +
					"Changing it replaces the key.",
				Optional:      true,
				Computed:      true,
				Default:       booldefault.StaticBool(false),
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"value": schema.StringAttribute{
				MarkdownDescription: "The key's server-assigned value (its ID on the server). Secret: the token embeds it. " +
					"Changes when the key is replaced or rotated.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "The enrollment token devices use: `netclient join -t <token>`. Secret. Changes when the " +
					"key is replaced or rotated.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"default": schema.BoolAttribute{
				MarkdownDescription: "Whether the key is the default key of its networks. Set `true` to create the key as the " +
					"default of all its networks (each network's previous default loses the flag; the key needs at least " +
					"one network). Unset, it records what the server says (e.g. for an adopted auto-generated key, or a key " +
					"chosen by `netmaker_network_default_key`; do not set it on such a key). Changing it on an existing key " +
					"is an in-place update on v1.7 servers and replaces the key on current-generation servers (the plan " +
					"shows which); v1.5 servers have no default keys but the auto-generated ones, and setting it there is an " +
					"error. Turning it off gives the key's networks their default back to their auto-generated keys. The " +
					"auto-generated key itself stays its network's default until another key becomes the default. " +
					"Destroying a default key first gives its networks their default back; destroying an adopted " +
					"auto-generated default key only removes it from the state (it goes with its network).",
				Optional:      true,
				Computed:      true,
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"regenerate_trigger": schema.StringAttribute{
				MarkdownDescription: "Any string; when it changes from one value to another, the key's token is rotated **in " +
					"place**: the plan shows an update, `value` and `token` become new, and the name and every other setting " +
					"stay. Setting it where it was unset (for example after an import) or removing it only records the change. " +
					"Pair it with `time_rotating` for scheduled rotation. A change of settings in the same apply is made first.\n\n" +
					"On current-generation and v1.7 Netmaker servers the server's regenerate-token route is used. On v1.5 " +
					"servers the key is deleted and created again with the same name and settings (its remaining uses and " +
					"expiry carry over): **the old token stops working a moment before the new one exists**, and the plan warns about it. A network's " +
					"default key, a used-up key and an expired key cannot be rotated on v1.5 (Netmaker refuses to delete a " +
					"default key; the others cannot be created again); that is an error before anything changes.",
				Optional: true,
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "The key's health when last read: `active`, `expired` (past `expires_at`) or `exhausted` " +
					"(no uses left). Netmaker keeps invalid keys; they are not recreated unless `recreate_when_invalid` is set.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"valid": schema.BoolAttribute{
				MarkdownDescription: "Whether a device could enroll with the key when it was last read (`status` is `active`).",
				Computed:            true,
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"recreate_when_invalid": schema.BoolAttribute{
				MarkdownDescription: "When `true`, a key found expired or exhausted is replaced by a new one with the same " +
					"settings (a new token; with `ttl`, a new expiry). An expired key with a fixed `expires_at` is not replaced " +
					"(a new key cannot have a past expiry): each plan warns until `expires_at` is set later or `ttl` is used. " +
					"When `false` (the default), an invalid key is kept and each plan warns about it.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
		},
	}
}

func (r *enrollmentKeyResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		validators.OnlyWhenStringIs(path.Root("type"), keyTypeNames, []string{keyTypeUses}, path.Root("uses")),
		validators.OnlyWhenStringIs(path.Root("type"), keyTypeNames, []string{keyTypeTimeBound}, path.Root("expires_at"), path.Root("ttl")),
		validators.ConflictsWhenTrue(path.Root("gateway_id"), path.Root("auto_select_gateway")),
	}
}

func (r *enrollmentKeyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (r *enrollmentKeyResource) now() time.Time {
	if r.data != nil && r.data.now != nil {
		return r.data.now()
	}
	return time.Now()
}

func (r *enrollmentKeyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan, config enrollmentKeyModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Raw, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.Config.Raw, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if req.State.Raw.IsNull() {
		r.modifyCreatePlan(ctx, config, &plan, resp)
		if !resp.Diagnostics.HasError() {
			r.checkNewKey(ctx, req, config, plan, resp)
		}
		return
	}
	var state enrollmentKeyModel
	resp.Diagnostics.Append(getModel(ctx, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.checkChange(ctx, state, config, plan, resp)
	if resp.Diagnostics.HasError() {
		return
	}

	// Rotation: value and token become unknown when the trigger changes, or
	// may change (unknown trigger).
	if !state.RegenerateTrigger.IsNull() && !config.RegenerateTrigger.IsNull() &&
		(config.RegenerateTrigger.IsUnknown() || config.RegenerateTrigger.ValueString() != state.RegenerateTrigger.ValueString()) {
		plan.Value = types.StringUnknown()
		plan.Token = types.StringUnknown()
		defer func() {
			// A replacement needs no rotation (the apply checks again anyway).
			if !config.RegenerateTrigger.IsUnknown() && !resp.Diagnostics.HasError() && len(resp.RequiresReplace) == 0 &&
				!replaceOnlyChanged(plan, state) {
				r.checkRotation(ctx, state, &resp.Diagnostics)
			}
		}()
	}
	r.planDefaultChange(ctx, config, state, resp)
	if resp.Diagnostics.HasError() {
		return
	}

	// Health: an invalid key is kept (with a warning) unless the user opted in.
	if status, invalid := stateHealth(state, r.now()); invalid {
		switch {
		case plan.RecreateWhenInvalid.IsUnknown():
		case plan.RecreateWhenInvalid.ValueBool() && status == netmaker.KeyStatusExpired && expiryBlocksReplacement(config, r.now()):
			// A replacement would be created with the same past expiry, and
			// its plan would fail: keep the key until the expiry moves.
			resp.Diagnostics.AddAttributeWarning(path.Root("expires_at"), "Expired key cannot be replaced yet",
				fmt.Sprintf("Enrollment key %q expired (expires_at %s): devices can no longer enroll with it. "+
					"recreate_when_invalid is set, but a replacement would get the configured expiry, which is not in the "+
					"future, so the key is kept. To replace it, set a later expires_at, or use ttl.",
					state.Name.ValueString(), state.ExpiresAt.ValueString()))
		case plan.RecreateWhenInvalid.ValueBool():
			plan.Status = types.StringUnknown()
			plan.Valid = types.BoolUnknown()
			resp.RequiresReplace.Append(path.Root("status"))
		default:
			resp.Diagnostics.AddAttributeWarning(path.Root("status"), "Enrollment key is no longer valid",
				fmt.Sprintf("Enrollment key %q is %s: devices can no longer enroll with it. Netmaker keeps such keys and this "+
					"provider does not recreate them on its own. Set recreate_when_invalid = true to replace it with a new key, "+
					"or change its settings.", state.Name.ValueString(), status))
		}
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.Plan.Raw, plan)...)
}

// replaceOnlyChanged: an attribute that only changes by replacement may
// change (conservative: unknown or differently spelled counts).
func replaceOnlyChanged(plan, state enrollmentKeyModel) bool {
	return !plan.Name.Equal(state.Name) || !plan.Networks.Equal(state.Networks) || !plan.Type.Equal(state.Type) ||
		!plan.Uses.Equal(state.Uses) || !plan.ExpiresAt.Equal(state.ExpiresAt) || !plan.TTL.Equal(state.TTL) ||
		!plan.AutoEgress.Equal(state.AutoEgress)
}

// checkRotation refuses at plan time a rotation the server cannot make.
func (r *enrollmentKeyResource) checkRotation(ctx context.Context, state enrollmentKeyModel, diags *diag.Diagnostics) {
	if r.data.planClient() == nil {
		return
	}
	key, err := r.data.client.ManagedKey(ctx, state.Name.ValueString(), state.Value.ValueString())
	if err != nil {
		return // the apply reports it
	}
	if err := r.data.client.CheckRotate(ctx, key); err != nil {
		diags.Append(rotationDiagnostic(key, err))
	}
}

// planDefaultChange decides how a change of default is made: in place where
// the server can change a key's default flag, by replacement where it
// cannot, and not at all on servers without custom default keys.
func (r *enrollmentKeyResource) planDefaultChange(ctx context.Context, config, state enrollmentKeyModel, resp *resource.ModifyPlanResponse) {
	if config.Default.IsNull() || config.Default.IsUnknown() || config.Default.Equal(state.Default) || r.data.planClient() == nil {
		return
	}
	at := path.Root("default")
	name := state.Name.ValueString()
	var networks []string
	resp.Diagnostics.Append(state.Networks.ElementsAs(ctx, &networks, false)...)
	if !config.Default.ValueBool() && slices.Contains(networks, name) {
		resp.Diagnostics.AddAttributeError(at, "The auto-generated key stays the default",
			fmt.Sprintf("Enrollment key %q is the key Netmaker generated with network %q: it stays the network's default "+
				"until another key becomes the default, and cannot just stop being one. %s", name, name, defaultHowTo(ctx, r.data.client)))
		return
	}
	caps, err := r.data.client.Capabilities(ctx)
	switch {
	case err != nil:
		resp.Diagnostics.AddAttributeError(at, "Could not plan the change of default",
			fmt.Sprintf("Finding out what %s supports failed: %s", r.data.client.Host(), err))
	case !caps.NetworkDefault:
		resp.Diagnostics.AddAttributeError(at, unsupportedDefaultSummary,
			fmt.Sprintf("%s is a Netmaker v1.5-line server: there only the key Netmaker generates with a network is its "+
				"default, so enrollment key %q cannot become or stop being a default key. Remove default from its "+
				"configuration.", r.data.client.Host(), name))
	case !caps.CanSetDefaultInPlace:
		// Current generation: only a new key becomes a default.
		resp.RequiresReplace.Append(at)
	}
}

// defaultHowTo says how a network gets another default key on this server.
func defaultHowTo(ctx context.Context, client *netmaker.Client) string {
	caps, err := client.Capabilities(ctx)
	switch {
	case err != nil:
		return ""
	case !caps.NetworkDefault:
		return "On this server (v1.5 line) no other key can become a network's default."
	case caps.CanSetDefaultInPlace:
		return "Set default = true on another key of the network, or use netmaker_network_default_key."
	default:
		return "Create another key of the network with default = true, or use netmaker_network_default_key with allow_recreate = true."
	}
}

// modifyCreatePlan checks what only a create needs and nulls the attributes
// that the key's type does not use.
func (r *enrollmentKeyResource) modifyCreatePlan(ctx context.Context, config enrollmentKeyModel, plan *enrollmentKeyModel, resp *resource.ModifyPlanResponse) {
	if config.Default.IsNull() {
		plan.Default = types.BoolValue(false) // a new key is a default only when asked
	} else if config.Default.ValueBool() {
		r.checkNewDefault(ctx, config, resp)
	}
	// The static validator lets through the short names of networks'
	// auto-generated keys (to import them); a new key needs 3–32 characters.
	if !config.Name.IsNull() && !config.Name.IsUnknown() {
		if msg := validators.NewKeyNameProblem(config.Name.ValueString()); msg != "" {
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Invalid name for a new key", msg)
		}
	}
	if config.Type.IsUnknown() {
		return
	}
	keyType := config.Type.ValueString()
	if keyType != keyTypeUses {
		plan.Uses = types.Int64Null()
	}
	if keyType != keyTypeTimeBound {
		plan.ExpiresAt = types.StringNull()
	}
	switch keyType {
	case keyTypeUses:
		if config.Uses.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root("uses"), "Missing uses",
				`A key of type "uses" needs uses: how many devices may enroll with it (at least 1).`)
		}
	case keyTypeTimeBound:
		if config.ExpiresAt.IsNull() && config.TTL.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root("expires_at"), "Missing expiry",
				`A key of type "time_bound" needs expires_at (an RFC 3339 timestamp) or ttl (a duration such as "720h").`)
		}
		if !config.ExpiresAt.IsNull() && !config.ExpiresAt.IsUnknown() {
			if t, err := time.Parse(time.RFC3339, config.ExpiresAt.ValueString()); err == nil {
				if now := r.now(); !now.Before(t) {
					resp.Diagnostics.AddAttributeError(path.Root("expires_at"), "Expiry in the past",
						fmt.Sprintf("expires_at %s is not in the future (it is now %s): Netmaker refuses to create a key that has "+
							"already expired. Set a later expires_at, or use ttl.", config.ExpiresAt.ValueString(), now.UTC().Format(time.RFC3339)))
				}
			}
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.Plan.Raw, plan)...)
}

// checkNewDefault refuses at plan time a default key the server cannot create.
func (r *enrollmentKeyResource) checkNewDefault(ctx context.Context, config enrollmentKeyModel, resp *resource.ModifyPlanResponse) {
	at := path.Root("default")
	if !config.Networks.IsUnknown() && len(config.Networks.Elements()) == 0 {
		resp.Diagnostics.AddAttributeError(at, "A default key needs a network",
			"default = true makes the key the default key of its networks, and it has none: set networks.")
		return
	}
	if r.data.planClient() == nil {
		return
	}
	if caps, err := r.data.client.Capabilities(ctx); err == nil && !caps.NetworkDefault {
		resp.Diagnostics.AddAttributeError(at, unsupportedDefaultSummary,
			fmt.Sprintf("%s is a Netmaker v1.5-line server: there only the key Netmaker generates with a network is its "+
				"default, and a new key cannot be created as one. Remove default = true.", r.data.client.Host()))
	}
}

// expiryBlocksReplacement tells whether replacing an expired time_bound key
// would fail its create plan: the expiry comes from config's expires_at (not
// ttl) and is not in the future, or there is none at all (an imported key).
func expiryBlocksReplacement(config enrollmentKeyModel, now time.Time) bool {
	if config.Type.IsUnknown() || config.Type.ValueString() != keyTypeTimeBound || !config.TTL.IsNull() || config.ExpiresAt.IsUnknown() {
		return false
	}
	if config.ExpiresAt.IsNull() {
		return true
	}
	t, err := time.Parse(time.RFC3339, config.ExpiresAt.ValueString())
	return err == nil && !now.Before(t)
}

// stateHealth tells whether the key in state is no longer valid, looking
// again at the clock for the expiry.
func stateHealth(state enrollmentKeyModel, now time.Time) (netmaker.KeyStatus, bool) {
	if !state.ExpiresAt.IsNull() && !state.ExpiresAt.IsUnknown() {
		if t, err := time.Parse(time.RFC3339, state.ExpiresAt.ValueString()); err == nil && !now.Before(t) {
			return netmaker.KeyStatusExpired, true
		}
	}
	if !state.Valid.IsNull() && !state.Valid.IsUnknown() && !state.Valid.ValueBool() {
		return netmaker.KeyStatus(state.Status.ValueString()), true
	}
	return netmaker.KeyStatusActive, false
}

func (r *enrollmentKeyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan enrollmentKeyModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Raw, &plan)...)
	if resp.Diagnostics.HasError() || !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	createReq, diags := r.createRequest(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	key, err := r.data.client.CreateKey(ctx, createReq)
	if errors.Is(err, netmaker.ErrOutcomeUnknown) {
		// The key may exist. Saved with an error, the resource is tainted:
		// the next apply finds the key by name (and these settings) and
		// replaces it, or creates it if it never came to exist.
		mark, merr := json.Marshal(createReq)
		if merr == nil {
			resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateUncertainCreate, mark)...)
			resp.Diagnostics.Append(resp.State.Set(ctx, uncertainCreateState(plan, createReq))...)
		}
		resp.Diagnostics.AddError("Enrollment key may have been created",
			fmt.Sprintf("Creating key %q on %s may have succeeded, but the server stopped answering before the provider "+
				"could find out. The resource is saved as tainted: the next apply looks the key up by name and replaces it, "+
				"or creates it if it never came to exist. No import is needed. Cause: %s", createReq.Name, r.data.client.Host(), err))
		return
	}
	if err != nil {
		resp.Diagnostics.Append(r.createError(createReq, err))
		return
	}
	if plan.ExpiresAt.IsUnknown() && !key.Expiration.IsZero() {
		plan.ExpiresAt = types.StringValue(key.Expiration.UTC().Format(time.RFC3339))
	}
	state, diags := keyState(ctx, key, plan, r.now())
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State.Raw, state)...)
	setIdentity(ctx, resp.Identity, enrollmentKeyIdentityAttr, key.Name, &resp.Diagnostics)
}

// createRequest turns a plan into what the client creates.
func (r *enrollmentKeyResource) createRequest(ctx context.Context, plan enrollmentKeyModel) (netmaker.CreateKeyRequest, diag.Diagnostics) {
	var diags diag.Diagnostics
	req := netmaker.CreateKeyRequest{
		Name:              plan.Name.ValueString(),
		Type:              keyTypeFromName(plan.Type.ValueString()),
		GatewayID:         plan.GatewayID.ValueString(),
		AutoAssignGateway: plan.AutoSelectGateway.ValueBool(),
		AutoEgress:        plan.AutoEgress.ValueBool(),
		Default:           plan.Default.ValueBool(),
	}
	diags.Append(plan.Networks.ElementsAs(ctx, &req.Networks, false)...)
	diags.Append(plan.Tags.ElementsAs(ctx, &req.Tags, false)...)
	switch req.Type {
	case netmaker.KeyTypeUses:
		req.Uses = plan.Uses.ValueInt64()
	case netmaker.KeyTypeTimeBound:
		switch {
		case !plan.ExpiresAt.IsNull() && !plan.ExpiresAt.IsUnknown():
			t, err := time.Parse(time.RFC3339, plan.ExpiresAt.ValueString())
			if err != nil {
				diags.AddAttributeError(path.Root("expires_at"), "Invalid timestamp", validators.RFC3339Problem(plan.ExpiresAt.ValueString()))
			}
			req.Expiration = t
		case !plan.TTL.IsNull():
			ttl, err := time.ParseDuration(plan.TTL.ValueString())
			if err != nil {
				diags.AddAttributeError(path.Root("ttl"), "Invalid duration", validators.PositiveDurationProblem(plan.TTL.ValueString()))
			}
			req.Expiration = r.now().Add(ttl).UTC().Truncate(time.Second)
		default:
			diags.AddAttributeError(path.Root("expires_at"), "Missing expiry",
				`A key of type "time_bound" needs expires_at or ttl.`)
		}
	}
	return req, diags
}

// createError explains a failed create.
func (r *enrollmentKeyResource) createError(req netmaker.CreateKeyRequest, err error) diag.Diagnostic {
	name := req.Name
	if d := gatewayError(name, r.data.client.Host(), req.GatewayID, err); d != nil {
		return d
	}
	switch {
	case errors.Is(err, netmaker.ErrNameTaken):
		detail := fmt.Sprintf("Netmaker at %s already has an enrollment key named %q. Key names are unique among keys; a "+
			"network's name is taken only through its auto-generated key, which is named after the network. Choose another "+
			"name, or adopt the existing key with `terraform import netmaker_enrollment_key.<label> %s` (or an import block).",
			r.data.client.Host(), name, name)
		var apiErr *netmaker.APIError
		if errors.As(err, &apiErr) && apiErr.Hint != "" {
			detail += " Details: " + apiErr.Hint + "."
		}
		return diag.NewAttributeErrorDiagnostic(path.Root("name"), "Key name already taken", detail)
	case errors.Is(err, netmaker.ErrValidation):
		return diag.NewErrorDiagnostic("Netmaker rejected the key",
			fmt.Sprintf("Netmaker at %s refused to create key %q: %s", r.data.client.Host(), name, apiErrorMessage(err)))
	default:
		return diag.NewErrorDiagnostic("Could not create enrollment key",
			fmt.Sprintf("Creating key %q failed: %s", name, err))
	}
}

// noGatewayProblem refuses, as a gateway_id, the value the client reads as
// "no gateway" (netmaker.IsNoGateway): no gateway is gateway_id left unset.
func noGatewayProblem(id string) string {
	if netmaker.IsNoGateway(id) {
		return "The nil UUID means \"no gateway\" to Netmaker: leave the attribute unset instead."
	}
	return ""
}

// gatewayError explains a refusal for an unknown gateway
// (netmaker.ErrGatewayNotFound), or answers nil for any other error.
func gatewayError(name, host, gatewayID string, err error) diag.Diagnostic {
	if gatewayID == "" || !errors.Is(err, netmaker.ErrGatewayNotFound) {
		return nil
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("gateway_id"), "Gateway not found",
		fmt.Sprintf("Netmaker at %s refused key %q: gateway %s was not found (%s). gateway_id must be the ID of "+
			"an existing gateway (relay) node in one of the key's networks.", host, name, gatewayID, apiErrorMessage(err)))
}

// apiErrorMessage answers the message of an API error as the server worded it, or the error itself.
func apiErrorMessage(err error) string {
	var apiErr *netmaker.APIError
	if errors.As(err, &apiErr) && apiErr.Message != "" {
		return apiErr.Message
	}
	return err.Error()
}

func (r *enrollmentKeyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state enrollmentKeyModel
	resp.Diagnostics.Append(getModel(ctx, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() || !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	claim, diags := r.keyClaim(ctx, state, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := claim.Name
	setIdentity(ctx, resp.Identity, enrollmentKeyIdentityAttr, name, &resp.Diagnostics)
	key, err := r.data.client.ClaimedKey(ctx, claim)
	if errors.Is(err, netmaker.ErrNotFound) {
		// A successful list lacks the key: it was deleted outside Terraform
		// (or an uncertain create never happened).
		resp.State.RemoveResource(ctx)
		return
	}
	if errors.Is(err, netmaker.ErrForeignKey) {
		// Our key is gone; another of the same name is someone else's.
		// Never adopt it (a plan would change it, a destroy delete it).
		resp.Diagnostics.AddWarning("Enrollment key replaced by another one of the same name",
			fmt.Sprintf("The enrollment key %q that this resource managed no longer exists on %s, and the key now named %q "+
				"is not it: its value is not the recorded one and its settings differ. It is left alone, and the resource is "+
				"removed from state, so the next apply plans to create the key and fails because the name is taken. Rename "+
				"this resource's key, or adopt the other key with `terraform import` if it should be managed here.",
				name, r.data.client.Host(), name))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Could not read enrollment key",
			fmt.Sprintf("Reading key %q failed; the state is kept as it was: %s", name, err))
		return
	}
	newState, diags := keyState(ctx, key, state, r.now())
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State.Raw, newState)...)
	// The uncertain create is settled: the key exists and is recorded.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateUncertainCreate, nil)...)
}

func (r *enrollmentKeyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state enrollmentKeyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	client := r.data.client
	name := state.Name.ValueString()
	rotate := !state.RegenerateTrigger.IsNull() && !plan.RegenerateTrigger.IsNull() &&
		plan.RegenerateTrigger.ValueString() != state.RegenerateTrigger.ValueString()

	changeSettings := settingsChanged(plan, state)
	changeDefault := !plan.Default.IsUnknown() && !plan.Default.Equal(state.Default)
	var key *netmaker.EnrollmentKey
	if rotate || changeSettings || changeDefault {
		// The key as it is now (its value may have changed since the refresh).
		current, err := client.ManagedKey(ctx, name, state.Value.ValueString())
		if err != nil {
			detail := fmt.Sprintf("Reading key %q failed; nothing was changed: %s", name, err)
			if errors.Is(err, netmaker.ErrNotFound) {
				detail = fmt.Sprintf("Key %q no longer exists on %s (deleted outside Terraform?); nothing was changed. "+
					"The next plan creates it again.", name, client.Host())
			}
			resp.Diagnostics.AddError("Could not update enrollment key", detail)
			return
		}
		if rotate {
			// Whatever could refuse the rotation refuses it before any change.
			if err := client.CheckRotate(ctx, current); err != nil {
				resp.Diagnostics.Append(rotationDiagnostic(current, err))
				return
			}
		}
		key = current
	}

	if changeSettings {
		update := netmaker.UpdateKeyRequest{
			GatewayID:         plan.GatewayID.ValueString(),
			AutoAssignGateway: plan.AutoSelectGateway.ValueBool(),
		}
		resp.Diagnostics.Append(plan.Tags.ElementsAs(ctx, &update.Tags, false)...)
		if resp.Diagnostics.HasError() {
			return
		}
		updated, err := client.UpdateKey(ctx, key.Value, update)
		if err != nil {
			resp.Diagnostics.Append(updateError(name, client.Host(), update.GatewayID, err))
			return
		}
		key = updated
	}

	if changeDefault {
		updated, diags := r.changeDefault(ctx, key, plan.Default.ValueBool())
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		key = updated
	}

	if rotate {
		rotated, err := client.RotateKey(ctx, key.Value)
		if err != nil {
			resp.Diagnostics.Append(rotationDiagnostic(key, err))
			return
		}
		key = rotated
	}

	var newState enrollmentKeyModel
	if key != nil {
		var diags diag.Diagnostics
		newState, diags = keyState(ctx, key, plan, r.now())
		resp.Diagnostics.Append(diags...)
		// Live counters keep their planned values so that a device enrolling
		// during the apply is no inconsistency; the next refresh records it.
		keepPlanned(&newState.UsesRemaining, plan.UsesRemaining)
		keepPlanned(&newState.Default, plan.Default)
		if !plan.Status.IsUnknown() && !plan.Valid.IsUnknown() {
			newState.Status, newState.Valid = plan.Status, plan.Valid
		}
		keepPlannedReplaceOnly(&newState, plan)
	} else {
		// Only Terraform-side attributes changed (trigger set, ttl recorded,
		// another spelling of the expiry, ...): nothing to do on the server.
		newState = plan
		if newState.Value.IsUnknown() || newState.Token.IsUnknown() {
			newState.Value, newState.Token = state.Value, state.Token
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, newState)...)
	setIdentity(ctx, resp.Identity, enrollmentKeyIdentityAttr, name, &resp.Diagnostics)
}

// settingsChanged reports whether anything Netmaker changes in place differs.
func settingsChanged(plan, state enrollmentKeyModel) bool {
	return !plan.Tags.Equal(state.Tags) ||
		!strings.EqualFold(plan.GatewayID.ValueString(), state.GatewayID.ValueString()) ||
		plan.AutoSelectGateway.ValueBool() != state.AutoSelectGateway.ValueBool()
}

// keepPlannedReplaceOnly gives s the planned values of the attributes that
// only change by replacement (an update plans them unchanged). Netmaker may
// change them between plan and apply, e.g. the cascade of a network deletion
// removes the network from keys; writing the server's value would be an
// inconsistent result, and the next refresh shows the drift instead.
func keepPlannedReplaceOnly(s *enrollmentKeyModel, plan enrollmentKeyModel) {
	keepPlanned(&s.ID, plan.ID)
	keepPlanned(&s.Name, plan.Name)
	keepPlanned(&s.Networks, plan.Networks)
	keepPlanned(&s.Type, plan.Type)
	keepPlanned(&s.Uses, plan.Uses)
	keepPlanned(&s.ExpiresAt, plan.ExpiresAt)
	keepPlanned(&s.TTL, plan.TTL)
	keepPlanned(&s.AutoEgress, plan.AutoEgress)
}

// keepPlanned sets *dst to planned unless planned is unknown.
func keepPlanned[T attr.Value](dst *T, planned T) {
	if !planned.IsUnknown() {
		*dst = planned
	}
}

// changeDefault makes the key a default key or stops it being one, in
// place (the plan chose an update because the server can).
func (r *enrollmentKeyResource) changeDefault(ctx context.Context, key *netmaker.EnrollmentKey, isDefault bool) (*netmaker.EnrollmentKey, diag.Diagnostics) {
	var diags diag.Diagnostics
	client := r.data.client
	at := path.Root("default")
	if isDefault {
		made, err := client.MakeDefault(ctx, key.Value, netmaker.MakeDefaultOptions{})
		if err != nil {
			diags.AddAttributeError(at, "Could not make the key a default key",
				fmt.Sprintf("Making enrollment key %q the default of its networks failed: %s. %s", key.Name, err, planAgainHint(err)))
			return nil, diags
		}
		return made, diags
	}
	restored, err := client.ReleaseDefault(ctx, key.Value)
	for _, rd := range restored {
		addRestoredWarning(rd, &diags)
	}
	if err != nil {
		diags.AddAttributeError(at, "Could not stop the key being a default key",
			fmt.Sprintf("Giving the networks of enrollment key %q their default back failed: %s", key.Name, err))
		return nil, diags
	}
	k, err := client.KeyByValue(ctx, key.Value)
	if err != nil {
		diags.AddError("Could not read enrollment key", fmt.Sprintf("Reading key %q back failed: %s", key.Name, err))
		return nil, diags
	}
	return k, diags
}

// planAgainHint: a refusal that the plan would have shown, had it known.
func planAgainHint(err error) string {
	if errors.Is(err, netmaker.ErrNeedsRecreate) {
		return "Nothing was changed; run terraform plan again: on this server the change replaces the key."
	}
	return ""
}

// rotationDiagnostic explains a rotation the server at hand cannot make.
func rotationDiagnostic(key *netmaker.EnrollmentKey, err error) diag.Diagnostic {
	at := path.Root("regenerate_trigger")
	if !errors.Is(err, netmaker.ErrUnsupported) && !errors.Is(err, netmaker.ErrCannotRecreate) {
		return diag.NewAttributeErrorDiagnostic(at, "Could not rotate enrollment key",
			fmt.Sprintf("Rotating the token of key %q failed (the next refresh records the key's current token, and the "+
				"next apply retries the rotation): %s", key.Name, err))
	}
	summary := "Cannot rotate this key on this server"
	switch {
	case key.Default:
		summary = "Cannot rotate a default key on this server"
	case key.Type == netmaker.KeyTypeUses && key.UsesRemaining <= 0:
		summary = "Cannot rotate a used-up key on this server"
	case key.Type == netmaker.KeyTypeTimeBound:
		summary = "Cannot rotate an expired key on this server"
	}
	detail := err.Error() + ". Nothing was changed."
	if errors.Is(err, netmaker.ErrCannotRecreate) {
		detail += " Replace the key instead (change uses, expires_at or ttl, or set recreate_when_invalid = true)."
	}
	return diag.NewAttributeErrorDiagnostic(at, summary, detail)
}

func updateError(name, host, gatewayID string, err error) diag.Diagnostic {
	if d := gatewayError(name, host, gatewayID, err); d != nil {
		return d
	}
	if errors.Is(err, netmaker.ErrValidation) {
		return diag.NewErrorDiagnostic("Netmaker rejected the change",
			fmt.Sprintf("Netmaker at %s refused to update key %q: %s", host, name, apiErrorMessage(err)))
	}
	return diag.NewErrorDiagnostic("Could not update enrollment key",
		fmt.Sprintf("Updating key %q failed: %s", name, err))
}

func (r *enrollmentKeyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state enrollmentKeyModel
	resp.Diagnostics.Append(getModel(ctx, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() || !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	client := r.data.client
	claim, diags := r.keyClaim(ctx, state, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := claim.Name
	var err error
	value := claim.Value
	if value != "" {
		err = client.DeleteKey(ctx, value)
	}
	if claim.Settings != nil && (claim.Value == "" || errors.Is(err, netmaker.ErrNotFound)) {
		// The value may have changed since the refresh (a rotation whose
		// answer was lost), or was never known (an uncertain create): the
		// key of the name with our settings is ours. Never any other key of
		// the name: that one is someone else's.
		current, lookupErr := client.ClaimedKey(ctx, netmaker.KeyClaim{Name: name, Settings: claim.Settings})
		switch {
		case lookupErr == nil:
			value = current.Value
			err = client.DeleteKey(ctx, value)
		case errors.Is(lookupErr, netmaker.ErrNotFound), errors.Is(lookupErr, netmaker.ErrForeignKey):
			err = nil // nothing of ours is left
		default:
			err = lookupErr
		}
	}
	if errors.Is(err, netmaker.ErrDefaultKey) {
		err = r.deleteDefaultKey(ctx, name, value, &resp.Diagnostics)
	}
	switch {
	case err == nil, errors.Is(err, netmaker.ErrNotFound):
	default:
		resp.Diagnostics.AddError("Could not delete enrollment key", fmt.Sprintf("Deleting key %q failed: %s", name, err))
	}
}

// deleteDefaultKey deletes the key with value, which Netmaker refused to
// delete because it is a network's default: an adopted auto-generated key is only forgotten
// (it goes with its network); another default key first gives its networks
// their default back.
func (r *enrollmentKeyResource) deleteDefaultKey(ctx context.Context, name, value string, diags *diag.Diagnostics) error {
	client := r.data.client
	done, err := client.DeleteKeyAnyway(ctx, value)
	for _, rd := range done.Restored {
		addRestoredWarning(rd, diags)
	}
	if done.Kept {
		diags.AddWarning("Auto-generated default key left on the server",
			fmt.Sprintf("Enrollment key %q is the key Netmaker generated with network %q and is its default key; Netmaker "+
				"deletes it only with its network. It was removed from the Terraform state and stays on %s, where it goes "+
				"when the network is deleted.", name, name, client.Host()))
	}
	return err
}

func (r *enrollmentKeyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByIDOrIdentity(ctx, enrollmentKeyIdentityAttr, req, resp)
}

// keyState is the state for key. prior supplies what only Terraform knows
// (uses as configured, ttl, trigger, recreate flag) and the user's spelling
// of values the server spells its own way; a prior without type is an import.
func keyState(ctx context.Context, key *netmaker.EnrollmentKey, prior enrollmentKeyModel, now time.Time) (enrollmentKeyModel, diag.Diagnostics) {
	details, diags := newKeyDetails(ctx, *key, now)
	s := enrollmentKeyModel{
		ID:                  types.StringValue(key.Name),
		Name:                types.StringValue(key.Name),
		Networks:            details.Networks,
		Type:                details.Type,
		Uses:                prior.Uses,
		UsesRemaining:       details.UsesRemaining,
		ExpiresAt:           details.ExpiresAt,
		TTL:                 prior.TTL,
		Tags:                details.Tags,
		GatewayID:           details.GatewayID,
		AutoSelectGateway:   details.AutoSelectGateway,
		AutoEgress:          details.AutoEgress,
		Value:               types.StringValue(key.Value),
		Token:               details.Token,
		Default:             types.BoolValue(key.Default),
		RegenerateTrigger:   prior.RegenerateTrigger,
		Status:              details.Status,
		Valid:               details.Valid,
		RecreateWhenInvalid: prior.RecreateWhenInvalid,
	}
	if prior.Type.IsNull() || prior.Uses.IsUnknown() {
		// Import (or a type unknown at plan time): infer uses from the server.
		s.Uses = types.Int64Null()
		if key.Type == netmaker.KeyTypeUses {
			s.Uses = types.Int64Value(key.UsesRemaining)
		}
	}
	if s.TTL.IsUnknown() {
		s.TTL = types.StringNull()
	}
	if s.RegenerateTrigger.IsUnknown() {
		s.RegenerateTrigger = types.StringNull()
	}
	if s.RecreateWhenInvalid.IsNull() || s.RecreateWhenInvalid.IsUnknown() {
		s.RecreateWhenInvalid = types.BoolValue(false)
	}
	// Keep the user's spelling of values the server spells its own way.
	if !s.ExpiresAt.IsNull() && !prior.ExpiresAt.IsNull() && !prior.ExpiresAt.IsUnknown() &&
		planmodifiers.SameInstant(prior.ExpiresAt.ValueString(), s.ExpiresAt.ValueString()) {
		s.ExpiresAt = prior.ExpiresAt
	}
	if !s.GatewayID.IsNull() && strings.EqualFold(prior.GatewayID.ValueString(), key.GatewayID) {
		s.GatewayID = prior.GatewayID
	}
	return s, diags
}
