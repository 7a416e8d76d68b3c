package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
)

// The attributes with which the data sources describe a key, and their
// conversion from the client's model. Finding the keys is the client's
// (internal/netmaker/lookup.go); key_lookup.go turns its answers into
// diagnostics.

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
		"networks": computedStringSet("Networks a device enrolling with the key joins (may be empty)."),
		"type": computedString("How the key limits its use: `unlimited`, `uses` (a number of enrollments) or `time_bound` " +
			"(until `expires_at`). Null for a key the server reports with an undefined type."),
		"uses_remaining": schema.Int64Attribute{
			MarkdownDescription: "Enrollments left on a `uses` key; the server counts it down as devices join. " +
				"Meaningless for other types.",
			Computed: true,
		},
		"expires_at":          computedString("When a `time_bound` key expires, in RFC 3339 (UTC); null for a key without expiry."),
		"tags":                computedStringSet("Device tags applied to devices that enroll with the key."),
		"gateway_id":          computedString("ID of the gateway (relay) node enrolled devices use; null when none."),
		"auto_select_gateway": computedBool("Whether the server picks a gateway for enrolled devices (acts on Netmaker Pro servers only)."),
		"auto_egress":         computedBool("Whether enrolled devices are set up for egress automatically."),
		"status": computedString("The key's health at read time: `active`, `expired` (past `expires_at`) or `exhausted` " +
			"(a `uses` key with no uses left). Netmaker never cleans up invalid keys."),
		"valid": computedBool("Whether a device could enroll with the key at read time (`status` is `active`)."),
		"token": computedSecret("The enrollment token, what `netclient join -t` takes. Secret."),
	}
}

// keyValueDescription describes a key's value wherever it is shown by that name.
const keyValueDescription = "The key's server-assigned value (its ID on the API). Secret: the token embeds it."

// keyAttributes answers the attributes of keyModel, all computed.
func keyAttributes() map[string]schema.Attribute {
	attrs := keyDetailsAttributes()
	attrs["name"] = computedString("The key's name, unique on the server. A network's auto-generated key is named after the network.")
	attrs["value"] = computedSecret(keyValueDescription)
	attrs["default"] = computedBool("Whether the key is the default key of its networks.")
	return attrs
}

// The data sources' computed attributes: only their descriptions differ.

func computedString(description string) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: description, Computed: true}
}

// computedSecret is a computed string kept out of logs and plan output.
func computedSecret(description string) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: description, Computed: true, Sensitive: true}
}

func computedBool(description string) schema.BoolAttribute {
	return schema.BoolAttribute{MarkdownDescription: description, Computed: true}
}

func computedStringSet(description string) schema.SetAttribute {
	return schema.SetAttribute{MarkdownDescription: description, ElementType: types.StringType, Computed: true}
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
	networks, d := types.SetValueFrom(ctx, types.StringType, emptyIfNil(k.Networks))
	diags.Append(d...)
	tags, d := types.SetValueFrom(ctx, types.StringType, emptyIfNil(k.Tags))
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

// lookUpDetails finds the key l means and describes it at the provider's
// clock (which must be configured); it answers nil, with an error in diags,
// when there is not exactly one such key.
func lookUpDetails(ctx context.Context, data *providerData, l keyLookup, diags *diag.Diagnostics) (*netmaker.EnrollmentKey, keyDetailsModel) {
	key, problem := l.find(ctx, data.client)
	if problem != nil {
		diags.Append(problem)
		return nil, keyDetailsModel{}
	}
	details, problems := newKeyDetails(ctx, *key, data.clock().Now())
	diags.Append(problems...)
	if problems.HasError() {
		return nil, keyDetailsModel{}
	}
	return key, details
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

// emptyIfNil makes a nil list an empty set rather than a null one.
func emptyIfNil(s []string) []string {
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
