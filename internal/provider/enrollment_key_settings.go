package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/validators"
)

// The settings a new key is created with, said and checked once for the
// two types that create keys: netmaker_enrollment_key (its attribute table,
// enrollment_key_resource_attributes.go) and the ephemeral
// netmaker_enrollment_key (enrollment_key_ephemeral_resource.go). Each
// description here opens the attribute's; each type adds how it treats a
// change (replaced, in place) and its defaults.

const (
	networksAbout = "Networks a device enrolling with the key joins (default none): names of 1–32 characters of " +
		"`a-z`, `0-9`, `_` and `-`. The plan warns about networks the server does not have."
	usesAbout       = "For `uses` keys: how many devices may enroll (at least 1)."
	deviceTagsAbout = "Device tags Netmaker applies to devices enrolling with the key, as `<network>.<tag>` (e.g. " +
		"`prod.contractors`; default none). The plan warns about a tag that can never apply."
	gatewayIDAbout = "ID (a UUID) of a gateway (relay) node in one of the key's networks that enrolled devices use; " +
		"unset for none. Conflicts with `auto_select_gateway = true`."
	autoSelectGatewayAbout = "Let Netmaker pick a gateway for enrolled devices (acts on Netmaker Pro servers only; " +
		"default `false`). Conflicts with `gateway_id`."
	autoEgressAbout = "Netmaker's auto-egress flag for devices enrolling with the key. Defaults to `false`."
	valueAbout      = "The key's server-assigned value, its ID on the API. Secret: the token embeds it."
	tokenAbout      = "The enrollment token devices use: `netclient join -t <token>`. Secret."
)

func networksValidators() []validator.Set {
	return []validator.Set{setvalidator.ValueStringsAre(validators.NetworkName())}
}

func deviceTagsValidators() []validator.Set {
	return []validator.Set{setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))}
}

func usesValidators() []validator.Int64 { return []validator.Int64{int64validator.AtLeast(1)} }

func gatewayIDValidators() []validator.String {
	return []validator.String{validators.UUID(noGatewayProblem)}
}

// ttlValidators: a duration, at least the shortest lifetime a new key may
// be asked for; and more.
func ttlValidators(more ...validator.String) []validator.String {
	return append([]validator.String{validators.DurationAtLeast(netmaker.MinKeyLifetime)}, more...)
}

// mintedNamePrefixValidators: the start of a minted key's name, leaving room
// for the marker the client adds.
func mintedNamePrefixValidators() []validator.String {
	return []validator.String{validators.KeyNamePrefix(netmaker.MintedNamePrefixProblem)}
}

// gatewayConflict refuses a gateway of one's own choice beside Netmaker's.
func gatewayConflict() validators.ConfigValidator {
	return validators.ConflictsWhenTrue(path.Root("gateway_id"), path.Root("auto_select_gateway"),
		"choose a gateway with gateway_id, or let Netmaker choose one with auto_select_gateway = true")
}

// usesOnlyForUsesKeys refuses uses on a key of another type; types lists
// the type names the configuration may give.
func usesOnlyForUsesKeys(types []string) validators.ConfigValidator {
	return validators.OnlyWhenStringIs(path.Root("type"), types, []string{keyTypeUses}, path.Root("uses"))
}

// warnDeviceTags warns about device tags that cannot apply to devices
// enrolling with the key (config's tags and networks). A warning, not an
// error: Netmaker stores any tag it is given, and a key adopted with such
// tags must stay manageable as it is.
func warnDeviceTags(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) {
	var tags, networks boundedStringSet
	diags.Append(config.GetAttribute(ctx, path.Root("tags"), &tags)...)
	diags.Append(config.GetAttribute(ctx, path.Root("networks"), &networks)...)
	if diags.HasError() || tags.IsNull() || tags.IsUnknown() {
		return
	}
	var tagList []types.String
	diags.Append(tags.ElementsAs(ctx, &tagList, false)...)
	var networkList []types.String
	networksKnown := !networks.IsUnknown()
	if networksKnown && !networks.IsNull() {
		diags.Append(networks.ElementsAs(ctx, &networkList, false)...)
	}
	if diags.HasError() {
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
			diags.AddAttributeWarning(path.Root("tags"), "Device tag without a network",
				fmt.Sprintf("Device tag %q has no network: Netmaker's device tags are \"<network>.<tag>\", and a tag "+
					"without the network prefix applies to no device. Write it as %q.", tag, example))
		case networksKnown && !joins[network]:
			joined := "none"
			if len(joinNames) > 0 {
				joined = strings.Join(joinNames, ", ")
			}
			diags.AddAttributeWarning(path.Root("tags"), "Device tag for a network the key does not join",
				fmt.Sprintf("Device tag %q belongs to network %q, but this key's networks are %s: devices enrolling with "+
					"it never join %q, so the tag never applies. Add %q to networks, or tag the devices in a network "+
					"the key joins.", tag, network, joined, network, network))
		}
	}
}

// warnMissingNetworks warns about networks the server does not have:
// Netmaker accepts a key for a network that does not exist, and devices
// enrolling with it then fail to join. It asks nothing while data has no
// client (see planClient).
func warnMissingNetworks(ctx context.Context, data *providerData, networks types.Set, diags *diag.Diagnostics) {
	client, ok := data.planClient()
	if !ok || networks.IsNull() {
		return
	}
	names, allKnown := knownStrings(networks)
	if !allKnown {
		return
	}
	var known []string
	for _, n := range names {
		if !data.plans().createsNetwork(n) {
			known = append(known, n)
		}
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
		diags.AddAttributeWarning(path.Root("networks"), "Network not found",
			fmt.Sprintf("%s has no network %q. Netmaker accepts keys for networks that do not exist, but devices "+
				"enrolling with this key cannot join it. Check the spelling. If this configuration creates the network, "+
				"reference it (networks = [netmaker_network.<label>.id]) so that the key is planned after it and this "+
				"warning goes away.", client.Host(), n))
	}
}
