package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
)

// Plan-time checks of netmaker_enrollment_key: mistakes that the server
// would report only at apply (a taken name), or never (a misspelt network,
// a device tag that cannot apply), or that would make the apply fail
// half-way (replacing a default key). What a network's auto-generated key
// is and what a device tag looks like comes from the client package.
//
// Checks that need the server are skipped, with a log line, when it cannot
// be asked (provider configured with unknown values, a failed list): the
// apply still reports the mistake, and a plan must not fail for a check
// that is only advice.

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

// checkNewKey checks a key about to be created: its name must not be
// taken (an imported or adopted key has a state, so it is never checked
// here), and its networks should exist.
func (r *enrollmentKeyResource) checkNewKey(ctx context.Context, req resource.ModifyPlanRequest, config, plan enrollmentKeyModel, resp *resource.ModifyPlanResponse) {
	client := r.data.planClient()
	if client == nil {
		return
	}
	if !config.Name.IsNull() && !config.Name.IsUnknown() && !replacesOwnName(ctx, req, config.Name.ValueString()) {
		name := config.Name.ValueString()
		taken, err := client.KeysNamed(ctx, name)
		if err != nil {
			tflog.Debug(ctx, "name check skipped: listing keys failed", map[string]any{"error": err.Error()})
		} else if len(taken) > 0 && !r.mayBeOwnLostCreate(ctx, taken, plan) {
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Key name already taken", nameTakenDetail(name, client.Host(), taken[0]))
		}
	}
	r.warnMissingNetworks(ctx, config.Networks, resp)
}

// mayBeOwnLostCreate tells whether the only key of the name has exactly the
// planned settings: then it may be this resource's own key, created by an
// apply whose answer was lost (a tainted resource is planned as a create,
// without its state); the apply recovers it, or reports the name taken.
func (r *enrollmentKeyResource) mayBeOwnLostCreate(ctx context.Context, taken []netmaker.EnrollmentKey, plan enrollmentKeyModel) bool {
	if len(taken) != 1 {
		return false
	}
	createReq, diags := r.createRequest(ctx, plan)
	return !diags.HasError() && taken[0].WouldCreate(createReq)
}

// nameTakenDetail explains that name is taken by key, with the fix.
func nameTakenDetail(name, host string, key netmaker.EnrollmentKey) string {
	holder := fmt.Sprintf("an enrollment key named %q", name)
	if network, ok := key.AutoGeneratedNetwork(); ok && key.Default {
		holder = fmt.Sprintf("the key %q, which Netmaker generated for network %q (each network's auto-generated key "+
			"is named after the network)", name, network)
	}
	return fmt.Sprintf("%s already has %s. Key names are unique among keys; a network's name is taken only through its "+
		"auto-generated key. Choose another name, or adopt the existing key instead of creating one: add\n\n"+
		"  import {\n    to = netmaker_enrollment_key.<label>\n    id = %q\n  }\n\n"+
		"(or run terraform import netmaker_enrollment_key.<label> %s) and make the configuration match it.",
		host, holder, name, name)
}

// warnMissingNetworks warns about networks the server does not have:
// Netmaker accepts a key for a network that does not exist, and devices
// enrolling with it then fail to join.
func (r *enrollmentKeyResource) warnMissingNetworks(ctx context.Context, networks types.Set, resp *resource.ModifyPlanResponse) {
	client := r.data.planClient()
	if client == nil || networks.IsNull() || networks.IsUnknown() {
		return
	}
	var names []types.String
	resp.Diagnostics.Append(networks.ElementsAs(ctx, &names, false)...)
	var known []string
	for _, n := range names {
		if n.IsUnknown() {
			return
		}
		known = append(known, n.ValueString())
	}
	if len(known) == 0 {
		return
	}
	missing, err := client.MissingNetworks(ctx, known)
	if err != nil {
		tflog.Debug(ctx, "network check skipped: listing networks failed", map[string]any{"error": err.Error()})
		return
	}
	for _, n := range missing {
		resp.Diagnostics.AddAttributeWarning(path.Root("networks"), "Network not found",
			fmt.Sprintf("%s has no network %q. Netmaker accepts keys for networks that do not exist, but devices "+
				"enrolling with this key cannot join it. Check the spelling. If this configuration creates the network, "+
				"reference it (networks = [netmaker_network.<label>.id]) so that the key is planned after it and this "+
				"warning goes away.", client.Host(), n))
	}
}

// checkChange checks a planned change of an existing key: a replacement
// of a network's default key can only fail (Netmaker refuses to delete it),
// changed networks should exist, and a rotation on a server without the
// regenerate-token route deletes the key before creating it again.
func (r *enrollmentKeyResource) checkChange(ctx context.Context, state, config, plan enrollmentKeyModel, resp *resource.ModifyPlanResponse) {
	markReplacing(ctx, resp, state.Name)
	if !plan.Networks.IsUnknown() && !plan.Networks.Equal(state.Networks) {
		if state.Default.ValueBool() {
			resp.Diagnostics.AddAttributeError(path.Root("networks"), "Cannot change the networks of a default key",
				fmt.Sprintf("Key %q is the default key of its network(s). Changing networks replaces a key (Netmaker "+
					"cannot change them in place), and Netmaker refuses to delete a network's default key, so the "+
					"replacement could only fail half-way. Keep networks as they are (%s) and create another key for "+
					"the other networks; or first make another key the network's default (netmaker_network_default_key, "+
					"on a current-generation server) and apply, then change this one.",
					state.Name.ValueString(), setText(ctx, state.Networks)))
			return
		}
		r.warnMissingNetworks(ctx, config.Networks, resp)
	}
	rotating := !state.RegenerateTrigger.IsNull() && !config.RegenerateTrigger.IsNull() &&
		(config.RegenerateTrigger.IsUnknown() || config.RegenerateTrigger.ValueString() != state.RegenerateTrigger.ValueString())
	client := r.data.planClient()
	if !rotating || state.Default.ValueBool() || client == nil {
		return // a default key's rotation on v1.5 is refused by ModifyPlan itself
	}
	caps, err := client.Capabilities(ctx)
	if err != nil {
		tflog.Debug(ctx, "rotation check skipped: probing the server failed", map[string]any{"error": err.Error()})
		return
	}
	if caps.RotationRecreatesKey() {
		resp.Diagnostics.AddAttributeWarning(path.Root("regenerate_trigger"), "Rotation deletes and re-creates the key",
			fmt.Sprintf("%s has no regenerate-token route (a Netmaker v1.5-line server), so rotating the token of key %q "+
				"deletes the key and creates it again with the same name and settings: the old token stops working a "+
				"moment before the new one exists, and a device enrolling in between fails and must retry. Apply when "+
				"no device is enrolling, or use a current-generation server, which rotates in place.",
				client.Host(), state.Name.ValueString()))
	}
}

// setText renders a set of strings as "a, b" for messages.
func setText(ctx context.Context, s types.Set) string {
	var items []string
	s.ElementsAs(ctx, &items, false)
	sort.Strings(items)
	if len(items) == 0 {
		return "none"
	}
	return strings.Join(items, ", ")
}

// replacingKey is the private-state key under which a plan of an existing
// object records its name. When the object must be replaced, Terraform
// plans the new one again with no prior state but with this private data:
// the name is then the replaced object's own, not one taken by another.
const replacingKey = "replacing_name"

// markReplacing records name as the planned object's own name. (A tainted
// object is planned as a create without this record: see
// mayBeOwnLostCreate.)
func markReplacing(ctx context.Context, resp *resource.ModifyPlanResponse, name types.String) {
	if resp.Private == nil || name.IsNull() || name.IsUnknown() {
		return
	}
	raw, _ := json.Marshal(name.ValueString())
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, replacingKey, raw)...)
}

// replacesOwnName tells whether a create plan is the replacement of an
// object that already has name (see replacingKey).
func replacesOwnName(ctx context.Context, req resource.ModifyPlanRequest, name string) bool {
	if req.Private == nil {
		return false
	}
	raw, diags := req.Private.GetKey(ctx, replacingKey)
	var own string
	return !diags.HasError() && len(raw) > 0 && json.Unmarshal(raw, &own) == nil && own == name
}
