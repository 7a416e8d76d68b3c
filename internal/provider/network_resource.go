package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/validators"
)

var (
	_ resource.Resource                = (*networkResource)(nil)
	_ resource.ResourceWithConfigure   = (*networkResource)(nil)
	_ resource.ResourceWithImportState = (*networkResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*networkResource)(nil)
)

// NewNetworkResource manages a Netmaker network: the minimum needed so that
// keys can be declared together with the networks they join.
func NewNetworkResource() resource.Resource {
	return &networkResource{}
}

type networkResource struct {
	resourceData
}

type networkModel struct {
	ID             types.String `tfsdk:"id"`
	Name           types.String `tfsdk:"name"`
	AddressRange   types.String `tfsdk:"address_range"`
	DefaultKeyName types.String `tfsdk:"default_key_name"`
}

func (r *networkResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_network"
}

func (r *networkResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Netmaker network. Creating a network makes Netmaker generate the network's default " +
			"enrollment key, named after the network (see `default_key_name`). Deleting a network deletes its default " +
			"key at once and, shortly after, removes the network from every other key, deleting keys left with no network.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The network's name.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The network's name (Netmaker's `netid`): 1–32 characters of `a-z`, `0-9`, `_` and `-`; " +
					"it also names the network's auto-generated key. The plan refuses the name of an existing network (import " +
					"it instead) or enrollment key (Netmaker would accept it, and two keys would share the name). Changing it " +
					"replaces the network.",
				Required:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators: []validator.String{
					validators.NetworkName(),
				},
			},
			"address_range": schema.StringAttribute{
				MarkdownDescription: "The network's IPv4 or IPv6 range in CIDR notation, written as Netmaker stores it: the range's " +
					"first address, IPv6 in lower case and shortest form (`10.101.0.0/16`, `fd00:abcd::/64`; the plan gives the " +
					"spelling to write). Not a /31, /32, /127 or /128, and not equal to, inside or containing another network's " +
					"range. Changing it replaces the network.",
				Required:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{validators.AddressRange()},
			},
			"default_key_name": schema.StringAttribute{
				MarkdownDescription: "The name of the enrollment key Netmaker generated for this network (the network's name); " +
					"import it as a `netmaker_enrollment_key` to manage it.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

// ModifyPlan refuses, on create, a name that a network or an enrollment key
// already has (Netmaker would create a network named like a key, and its
// auto-generated key would then share the name with the other key), and,
// on create or replacement, an address range that overlaps another
// network's (Netmaker refuses it at apply). For an existing network it says
// when the network on the server is another one (re-created by someone
// else), and, for a destroy, which keys made outside this configuration go
// with the network.
func (r *networkResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	client, ok := r.data.planClient()
	if !ok {
		return
	}
	var name types.String
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("name"), &name)...)
		foreign, isForeign := foreignNetwork(ctx, req.Private)
		switch {
		case isForeign && req.Plan.Raw.IsNull():
			resp.Diagnostics.AddWarning("Network left to its new owner",
				fmt.Sprintf("Network %q on %s is not the one this resource created (its address range is %s): destroying "+
					"this resource only removes it from the state.", name.ValueString(), client.Host(), foreign.AddressRange))
		case isForeign:
			r.planForeign(ctx, req, name.ValueString(), foreign, resp)
		case req.Plan.Raw.IsNull():
			r.warnKeysGoWithNetwork(ctx, client, name.ValueString(), &resp.Diagnostics)
		default:
			markReplacing(ctx, resp, name)
		}
		return
	}
	if req.Plan.Raw.IsNull() {
		return
	}
	var addressRange types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("name"), &name)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("address_range"), &addressRange)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A replacement (Terraform plans its create again, with the replaced
	// network's name recorded by markReplacing) may reuse that network's
	// name and range.
	replaced, _ := replacedName(ctx, req)
	if !name.IsNull() && !name.IsUnknown() {
		// A key of this configuration that names the network is planned after it.
		r.data.plans().noteNetworkCreate(name.ValueString())
		if name.ValueString() != replaced && r.refuseTakenName(ctx, client, name.ValueString(), &resp.Diagnostics) {
			return // that network's own range is no news
		}
	}
	refuseRangeInUse(ctx, client, addressRange, replaced, &resp.Diagnostics)
}

// refuseTakenName refuses a new network's name that an existing network or
// an enrollment key already has, and tells whether a network has it.
func (r *networkResource) refuseTakenName(ctx context.Context, client *netmaker.Client, name string, diags *diag.Diagnostics) (networkExists bool) {
	existing, networkExists, err := client.NetworkNamed(ctx, name)
	switch {
	case err != nil:
		tflog.Debug(ctx, "network name check skipped: listing networks failed", map[string]any{"error": err.Error()})
	case networkExists:
		// Its auto-generated key has the name too: the key check below would
		// talk about keys, when the network itself is what is there.
		diags.AddAttributeError(path.Root("name"), "Network already exists",
			fmt.Sprintf("%s already has a network named %q (address range %s). To manage it with this resource, import "+
				"it: terraform import netmaker_network.<label> %s (or an import block with id = %q), and make address_range "+
				"match. To create a network of your own, choose another name.",
				client.Host(), name, existing.AddressRange, name, name))
		return true
	}
	keys, err := client.KeysNamed(ctx, name)
	if err != nil {
		tflog.Debug(ctx, "name check skipped: listing keys failed", map[string]any{"error": err.Error()})
		return false
	}
	if len(keys) > 0 {
		diags.AddAttributeError(path.Root("name"), "Name already used by an enrollment key",
			fmt.Sprintf("%s already has an enrollment key named %q. Netmaker would create the network anyway, and the "+
				"network's auto-generated key, which takes the network's name, would then share that name with the "+
				"existing key, so neither could be looked up by name. Choose another network name, or rename (replace) or "+
				"delete the key %q first.", client.Host(), name, name))
	}
	return false
}

// refuseRangeInUse refuses, at plan time, a range that Netmaker would refuse
// because a network other than except holds a range that overlaps it.
func refuseRangeInUse(ctx context.Context, client *netmaker.Client, addressRange types.String, except string, diags *diag.Diagnostics) {
	if addressRange.IsNull() || addressRange.IsUnknown() {
		return
	}
	holder, inUse, err := client.NetworkHoldingRange(ctx, addressRange.ValueString(), except)
	if err != nil {
		tflog.Debug(ctx, "address range check skipped: listing networks failed", map[string]any{"error": err.Error()})
		return
	}
	if inUse {
		diags.Append(refusalRangeInUse.at(path.Root("address_range"),
			fmt.Sprintf("Network %q on %s has address range %s, which overlaps %s.",
				holder.Name, client.Host(), holder.AddressRange, addressRange.ValueString())))
	}
}

// planForeign plans a network that is someone else's now (see Read): no
// change reaches it, and a replacement, which would delete it, is refused.
func (r *networkResource) planForeign(ctx context.Context, req resource.ModifyPlanRequest, name string, foreign netmaker.Network, resp *resource.ModifyPlanResponse) {
	var planned, prior types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("address_range"), &planned)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("address_range"), &prior)...)
	detail := fmt.Sprintf("Network %q on %s has address range %s, not %s as this resource created it: it was deleted "+
		"and created again outside Terraform, by someone else or with other keys. It is left alone: this resource "+
		"changes and deletes nothing of it. To manage it here, remove this resource from the state and import it; to "+
		"have a network of your own, give this resource another name.", name, r.data.client.Host(), foreign.AddressRange, prior.ValueString())
	if !planned.Equal(prior) {
		resp.Diagnostics.AddAttributeError(path.Root("address_range"), "Network belongs to someone else now",
			detail+" A replacement would delete it, so it is refused.")
		return
	}
	resp.Diagnostics.AddWarning("Network belongs to someone else now", detail)
}

// warnKeysGoWithNetwork names, at plan time, the keys that deleting network
// takes with it (Netmaker deletes the keys left with no network and removes
// the network from the others), but those this run knows to be this
// configuration's.
func (r *networkResource) warnKeysGoWithNetwork(ctx context.Context, client *netmaker.Client, network string, diags *diag.Diagnostics) {
	keys, err := client.Keys(ctx, netmaker.KeyFilter{Network: network})
	if err != nil {
		tflog.Debug(ctx, "network destroy check skipped: listing keys failed", map[string]any{"error": err.Error()})
		return
	}
	ledger := r.data.plans()
	var deleted, stripped []string
	for _, k := range keys {
		if k.AutoGenerated() || ledger.manages(k.Name) {
			continue
		}
		if len(k.Networks) == 1 {
			deleted = append(deleted, fmt.Sprintf("%q", k.Name))
		} else {
			stripped = append(stripped, fmt.Sprintf("%q", k.Name))
		}
	}
	if len(deleted) == 0 && len(stripped) == 0 {
		return
	}
	var parts []string
	if len(deleted) > 0 {
		parts = append(parts, "deletes the keys that join only this network: "+strings.Join(deleted, ", "))
	}
	if len(stripped) > 0 {
		parts = append(parts, "removes the network from the keys "+strings.Join(stripped, ", "))
	}
	diags.AddWarning("Deleting the network takes keys with it",
		fmt.Sprintf("Deleting network %q makes Netmaker delete its auto-generated key, and %s. Keys this configuration "+
			"manages are destroyed or changed by their own resources; any other of these is made outside this "+
			"configuration and goes with the network.", network, strings.Join(parts, "; and ")))
}
func (r *networkResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, ok := operationModel[networkModel](ctx, req.Plan, r.data, &resp.Diagnostics)
	if !ok {
		return
	}
	network := netmaker.Network{Name: plan.Name.ValueString(), AddressRange: plan.AddressRange.ValueString()}
	if err := r.data.client.CreateNetwork(ctx, network); err != nil {
		if errors.Is(err, netmaker.ErrRangeInUse) {
			resp.Diagnostics.Append(refusalRangeInUse.at(path.Root("address_range"),
				fmt.Sprintf("Creating network %q failed: %s.", network.Name, err)))
			return
		}
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Could not create network",
			fmt.Sprintf("Creating network %q failed: %s", network.Name, err))
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, networkState(network))...)
}

func (r *networkResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, ok := operationModel[networkModel](ctx, req.State, r.data, &resp.Diagnostics)
	if !ok {
		return
	}
	networks, err := r.data.client.Networks(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Could not read networks", err.Error())
		return
	}
	for _, n := range networks {
		if n.Name != state.Name.ValueString() && n.Name != state.ID.ValueString() {
			continue
		}
		if !state.AddressRange.IsNull() && !sameRange(n.AddressRange, state.AddressRange.ValueString()) {
			// Another network of the name: the one this resource created was
			// deleted, and someone created this one. Keep the state as it was
			// (ModifyPlan says so); never change or delete theirs.
			resp.Diagnostics.Append(setForeignNetwork(ctx, resp.Private, &n)...)
			return
		}
		resp.Diagnostics.Append(setForeignNetwork(ctx, resp.Private, nil)...)
		resp.Diagnostics.Append(resp.State.Set(ctx, networkState(n))...)
		return
	}
	// The list succeeded and lacks the network: it was deleted out of band.
	resp.State.RemoveResource(ctx)
}

// privateForeignNetwork holds the network of this resource's name that the
// last refresh found to be another one (its address range differs).
const privateForeignNetwork = "foreign_network"

func setForeignNetwork(ctx context.Context, private privateSetter, n *netmaker.Network) diag.Diagnostics {
	return setKeyRecord(ctx, private, privateForeignNetwork, n)
}

func foreignNetwork(ctx context.Context, private privateGetter) (netmaker.Network, bool) {
	var n netmaker.Network
	if private == nil {
		return n, false
	}
	raw, diags := private.GetKey(ctx, privateForeignNetwork)
	return n, !diags.HasError() && len(raw) > 0 && json.Unmarshal(raw, &n) == nil && n.Name != ""
}

// sameRange tells whether two CIDR ranges are the same network.
func sameRange(a, b string) bool {
	pa, errA := netip.ParsePrefix(a)
	pb, errB := netip.ParsePrefix(b)
	if errA != nil || errB != nil {
		return a == b
	}
	return pa.Masked() == pb.Masked()
}

// Update is never called: every argument forces replacement.
func (r *networkResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.Diagnostics.AddError("Unexpected update", "netmaker_network has no in-place changes; this is a bug in the provider.")
}

func (r *networkResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, ok := operationModel[networkModel](ctx, req.State, r.data, &resp.Diagnostics)
	if !ok {
		return
	}
	if _, isForeign := foreignNetwork(ctx, req.Private); isForeign {
		return // someone else's network: only the state goes
	}
	err := r.data.client.DeleteNetwork(ctx, state.Name.ValueString())
	if err != nil && !errors.Is(err, netmaker.ErrNotFound) {
		resp.Diagnostics.AddError("Could not delete network",
			fmt.Sprintf("Deleting network %q failed: %s", state.Name.ValueString(), err))
	}
}

func (r *networkResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("name"), req, resp)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}

func networkState(n netmaker.Network) networkModel {
	return networkModel{
		ID:             types.StringValue(n.Name),
		Name:           types.StringValue(n.Name),
		AddressRange:   types.StringValue(n.AddressRange),
		DefaultKeyName: types.StringValue(n.Name),
	}
}
