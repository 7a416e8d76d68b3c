package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
)

// This file holds what the data sources and the ephemeral resource share:
// the attributes that describe a key, their conversion from the client's
// model, and the pure selection logic (filters, lookups, sorting).

// keyDetailsModel is what every data source tells about a key besides its
// name, value and default flag (whose attribute names differ per source).
type keyDetailsModel struct {
	Networks          types.Set    `tfsdk:"networks"`
	Type              types.String `tfsdk:"type"`
	UsesRemaining     types.Int64  `tfsdk:"uses_remaining"`
	ExpiresAt         types.String `tfsdk:"expires_at"`
	Tags              types.Set    `tfsdk:"tags"`
	GatewayID         types.String `tfsdk:"gateway_id"`
	AutoSelectGateway types.Bool   `tfsdk:"auto_select_gateway"`
	AutoEgress        types.Bool   `tfsdk:"auto_egress"`
	Status            types.String `tfsdk:"status"`
	Valid             types.Bool   `tfsdk:"valid"`
	Token             types.String `tfsdk:"token"`
}

// keyModel is one element of netmaker_enrollment_keys.keys.
type keyModel struct {
	Name    types.String `tfsdk:"name"`
	Value   types.String `tfsdk:"value"`
	Default types.Bool   `tfsdk:"default"`
	keyDetailsModel
}

// keyDetailsAttributes answers the computed attributes of keyDetailsModel.
func keyDetailsAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"networks": schema.SetAttribute{
			MarkdownDescription: "Networks a device enrolling with the key joins (may be empty).",
			ElementType:         types.StringType,
			Computed:            true,
		},
		"type": schema.StringAttribute{
			MarkdownDescription: "How the key limits its use: `unlimited`, `uses` (a number of enrollments) or `time_bound` " +
				"(until `expires_at`). Null for a key the server reports with an undefined type.",
			Computed: true,
		},
		"uses_remaining": schema.Int64Attribute{
			MarkdownDescription: "Enrollments left on a `uses` key; the server counts it down as devices join. " +
				"Meaningless for other types.",
			Computed: true,
		},
		"expires_at": schema.StringAttribute{
			MarkdownDescription: "When a `time_bound` key expires, in RFC 3339 (UTC); null for a key without expiry.",
			Computed:            true,
		},
		"tags": schema.SetAttribute{
			MarkdownDescription: "Device tags applied to devices that enroll with the key.",
			ElementType:         types.StringType,
			Computed:            true,
		},
		"gateway_id": schema.StringAttribute{
			MarkdownDescription: "ID of the gateway (relay) node enrolled devices use; null when none.",
			Computed:            true,
		},
		"auto_select_gateway": schema.BoolAttribute{
			MarkdownDescription: "Whether the server picks a gateway for enrolled devices (acts on Netmaker Pro servers only).",
			Computed:            true,
		},
		"auto_egress": schema.BoolAttribute{
			MarkdownDescription: "Whether enrolled devices are set up for egress automatically.",
			Computed:            true,
		},
		"status": schema.StringAttribute{
			MarkdownDescription: "The key's health at read time: `active`, `expired` (past `expires_at`) or `exhausted` " +
				"(a `uses` key with no uses left). Netmaker never cleans up invalid keys.",
			Computed: true,
		},
		"valid": schema.BoolAttribute{
			MarkdownDescription: "Whether a device could enroll with the key at read time (`status` is `active`).",
			Computed:            true,
		},
		"token": schema.StringAttribute{
			MarkdownDescription: "The enrollment token, what `netclient join -t` takes. Secret.",
			Computed:            true,
			Sensitive:           true,
		},
	}
}

// keyAttributes answers the attributes of keyModel, all computed.
func keyAttributes() map[string]schema.Attribute {
	attrs := keyDetailsAttributes()
	attrs["name"] = schema.StringAttribute{
		MarkdownDescription: "The key's name, unique on the server. A network's auto-generated key is named after the network.",
		Computed:            true,
	}
	attrs["value"] = schema.StringAttribute{
		MarkdownDescription: "The key's server-assigned value (its ID on the API). Secret: the token embeds it.",
		Computed:            true,
		Sensitive:           true,
	}
	attrs["default"] = schema.BoolAttribute{
		MarkdownDescription: "Whether the key is the default key of its networks.",
		Computed:            true,
	}
	return attrs
}

// keyObjectType is the object type of keyModel, for lists of keys.
func keyObjectType() types.ObjectType {
	attrTypes := make(map[string]attr.Type)
	for name, a := range keyAttributes() {
		attrTypes[name] = a.GetType()
	}
	return types.ObjectType{AttrTypes: attrTypes}
}

// newKeyDetails describes k as seen at now.
func newKeyDetails(ctx context.Context, k netmaker.EnrollmentKey, now time.Time) (keyDetailsModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	networks, d := types.SetValueFrom(ctx, types.StringType, nonNil(k.Networks))
	diags.Append(d...)
	tags, d := types.SetValueFrom(ctx, types.StringType, nonNil(k.Tags))
	diags.Append(d...)
	status := k.Status(now)
	return keyDetailsModel{
		Networks:          networks,
		Type:              stringOrNull(keyTypeName(k.Type)),
		UsesRemaining:     types.Int64Value(k.UsesRemaining),
		ExpiresAt:         timeOrNull(k.Expiration),
		Tags:              tags,
		GatewayID:         stringOrNull(k.GatewayID),
		AutoSelectGateway: types.BoolValue(k.AutoAssignGateway),
		AutoEgress:        types.BoolValue(k.AutoEgress),
		Status:            types.StringValue(string(status)),
		Valid:             types.BoolValue(status == netmaker.KeyStatusActive),
		Token:             types.StringValue(k.Token),
	}, diags
}

// newKeyModel describes k as seen at now, as an element of a list of keys.
func newKeyModel(ctx context.Context, k netmaker.EnrollmentKey, now time.Time) (keyModel, diag.Diagnostics) {
	details, diags := newKeyDetails(ctx, k, now)
	return keyModel{
		Name:            types.StringValue(k.Name),
		Value:           types.StringValue(k.Value),
		Default:         types.BoolValue(k.Default),
		keyDetailsModel: details,
	}, diags
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func timeOrNull(t time.Time) types.String {
	if t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}

// keyFilter selects keys of a list; zero fields match everything.
type keyFilter struct {
	Network string // the key joins this network
	Type    string // key type name (keyTypeNames)
	Tag     string // the key applies this device tag
	Default *bool  // the key's default flag
	Valid   *bool  // whether a device could enroll with the key at now
	// AutoGenerated: the key is (or is not) one Netmaker generated with its network.
	AutoGenerated *bool
	NamePrefix    string // the key's name starts with this
}

func (f keyFilter) matches(k netmaker.EnrollmentKey, now time.Time) bool {
	switch {
	case f.Network != "" && !k.HasNetwork(f.Network):
		return false
	case f.Type != "" && keyTypeName(k.Type) != f.Type:
		return false
	case f.Tag != "" && !slices.Contains(k.Tags, f.Tag):
		return false
	case f.Default != nil && k.Default != *f.Default:
		return false
	case f.Valid != nil && (k.Status(now) == netmaker.KeyStatusActive) != *f.Valid:
		return false
	case f.AutoGenerated != nil && k.AutoGenerated() != *f.AutoGenerated:
		return false
	case !strings.HasPrefix(k.Name, f.NamePrefix):
		return false
	}
	return true
}

// filterKeys answers the keys f matches, sorted by name so that plans are
// stable whatever order the server listed them in.
func filterKeys(keys []netmaker.EnrollmentKey, f keyFilter, now time.Time) []netmaker.EnrollmentKey {
	out := make([]netmaker.EnrollmentKey, 0, len(keys))
	for _, k := range keys {
		if f.matches(k, now) {
			out = append(out, k)
		}
	}
	sortKeys(out)
	return out
}

// sortKeys sorts keys by name (unique on a server), then by value so that
// the order is total even on inconsistent input.
func sortKeys(keys []netmaker.EnrollmentKey) {
	slices.SortFunc(keys, func(a, b netmaker.EnrollmentKey) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.Value, b.Value)
	})
}

// keyLookupError explains why a lookup of exactly one key failed. Its text
// names keys and networks only, never a secret.
type keyLookupError struct {
	Summary string
	Detail  string
}

func (e *keyLookupError) Error() string { return e.Summary + ": " + e.Detail }

// findKey picks the one key a lookup means: the key called name, or, when
// name is "", the default key of network.
func findKey(keys []netmaker.EnrollmentKey, name, network string) (netmaker.EnrollmentKey, error) {
	// By name unless a network is given: an empty name matches no key (it
	// must never fall through to "the only default key there is").
	if network == "" {
		matches := filterKeys(keys, keyFilter{}, time.Time{})
		matches = slices.DeleteFunc(matches, func(k netmaker.EnrollmentKey) bool { return k.Name != name })
		switch len(matches) {
		case 1:
			return matches[0], nil
		case 0:
			return netmaker.EnrollmentKey{}, &keyLookupError{
				Summary: "Enrollment key not found",
				Detail: fmt.Sprintf("The Netmaker server has no enrollment key named %q. If this configuration creates "+
					"the key, refer to it instead of writing its name (name = netmaker_enrollment_key.<label>.id): "+
					"Terraform then reads it after the key is created, and after each rotation.", name),
			}
		default:
			return netmaker.EnrollmentKey{}, &keyLookupError{
				Summary: "Several enrollment keys match",
				Detail: fmt.Sprintf("The Netmaker server lists %d enrollment keys named %q; names should be unique, "+
					"so this is a server inconsistency. Rename or delete the extra keys.", len(matches), name),
			}
		}
	}
	isDefault := true
	matches := filterKeys(keys, keyFilter{Network: network, Default: &isDefault}, time.Time{})
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		return netmaker.EnrollmentKey{}, &keyLookupError{
			Summary: "Network has no default enrollment key",
			Detail: fmt.Sprintf("No enrollment key on the Netmaker server is the default key of network %q. "+
				"Check that the network exists: Netmaker creates a default key with every network.", network),
		}
	default:
		return netmaker.EnrollmentKey{}, &keyLookupError{
			Summary: "Network has several default enrollment keys",
			Detail: fmt.Sprintf("Network %q should have exactly one default enrollment key, but the server lists %d: %s. "+
				"Make one of them the network's default again (netmaker_network_default_key or the Netmaker UI).",
				network, len(matches), keyNames(matches)),
		}
	}
}

// lookupDiagnostic turns a findKey error into a diagnostic's summary and detail.
func lookupDiagnostic(err error) (summary, detail string) {
	var lookupErr *keyLookupError
	if errors.As(err, &lookupErr) {
		return lookupErr.Summary, lookupErr.Detail
	}
	return "Could not look up enrollment key", err.Error()
}

// keyNames lists the names of keys for messages.
func keyNames(keys []netmaker.EnrollmentKey) string {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = fmt.Sprintf("%q", k.Name)
	}
	return strings.Join(names, ", ")
}
