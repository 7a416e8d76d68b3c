package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
)

// The ephemeral netmaker_enrollment_key mints a key for one Terraform run:
// Open creates it (and first deletes the keys of its name prefix that have
// served their time), Close revokes it. Nothing of it reaches the plan or
// the state. Which names mark a minted key, which minted keys are stale and
// how one is revoked are the client's rules (internal/netmaker/minted.go).

var (
	_ ephemeral.EphemeralResource                     = (*enrollmentKeyEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithConfigure        = (*enrollmentKeyEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithClose            = (*enrollmentKeyEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithConfigValidators = (*enrollmentKeyEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithValidateConfig   = (*enrollmentKeyEphemeralResource)(nil)
)

// NewEnrollmentKeyEphemeralResource mints an enrollment key for a run.
func NewEnrollmentKeyEphemeralResource() ephemeral.EphemeralResource {
	return &enrollmentKeyEphemeralResource{}
}

type enrollmentKeyEphemeralResource struct {
	ephemeralData
}

// enrollmentKeyEphemeralModel is the configuration, and what an open
// answers, in three parts.
type enrollmentKeyEphemeralModel struct {
	NamePrefix types.String `tfsdk:"name_prefix"`
	mintedKeyLife
	mintedKeyEnrollment
	mintedKey
}

// mintedKeyLife: how long the key lives.
type mintedKeyLife struct {
	Type          types.String `tfsdk:"type"`
	Uses          types.Int64  `tfsdk:"uses"`
	TTL           types.String `tfsdk:"ttl"`
	RevokeOnClose types.Bool   `tfsdk:"revoke_on_close"`
}

// mintedKeyEnrollment: what a device enrolling with the key gets.
type mintedKeyEnrollment struct {
	Networks          boundedStringSet `tfsdk:"networks"`
	GatewayID         types.String     `tfsdk:"gateway_id"`
	AutoSelectGateway types.Bool       `tfsdk:"auto_select_gateway"`
	AutoEgress        types.Bool       `tfsdk:"auto_egress"`
	Tags              boundedStringSet `tfsdk:"tags"`
}

// mintedKey: the key minted (computed).
type mintedKey struct {
	Name      types.String `tfsdk:"name"`
	Value     types.String `tfsdk:"value"`
	Token     types.String `tfsdk:"token"`
	ExpiresAt types.String `tfsdk:"expires_at"`
}

// mintableKeyTypes: a minted key must end, so never unlimited (time_bound
// admits any number of devices until its ttl ends).
var mintableKeyTypes = []string{keyTypeUses, keyTypeTimeBound}

// lostCreateCleanupTime bounds the revocation of a key whose create lost
// its answer, which runs even when the run's own context has ended.
const lostCreateCleanupTime = 30 * time.Second

// lostCreateRetryWaits are the pauses between lookups of such a key: a
// server that has just stopped answering (and failed the client's own
// recovery, retries included) often answers again within seconds.
var lostCreateRetryWaits = []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}

func (e *enrollmentKeyEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_enrollment_key"
}

// stringSetAttribute is an optional set of strings of a minted key.
func stringSetAttribute(description string, checks []validator.Set) schema.SetAttribute {
	return schema.SetAttribute{MarkdownDescription: description, ElementType: types.StringType,
		CustomType: newBoundedStringSetType(), Optional: true, Validators: checks}
}

func (e *enrollmentKeyEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Mints a new enrollment key for this Terraform run and hands out its token without storing " +
			"it in the plan or the state (Terraform 1.10 or later). Terraform opens ephemeral resources in plan and in " +
			"apply, and each open mints a key; when Terraform closes it, the key is deleted (`revoke_on_close`). Each " +
			"open first deletes the keys of its `name_prefix` that have outlived their `ttl`.",
		Attributes: map[string]schema.Attribute{
			"name_prefix": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Start of the key's name: 1–%d visible characters, followed by a "+
					"%d-character marker (the `ttl`'s end, a random part, a check). Filter on it to find minted keys "+
					"(`netmaker_enrollment_keys`, the list resource).",
					netmaker.MaxMintedNamePrefixLen, netmaker.MintedNameSuffixLen),
				Required:   true,
				Validators: mintedNamePrefixValidators(),
			},
			"networks": stringSetAttribute(networksAbout, networksValidators()),
			"type": schema.StringAttribute{
				MarkdownDescription: "`time_bound` (any number of devices until `ttl` ends) or `uses` (see `uses`). Not " +
					"`unlimited`: a minted key must end. A `uses` key needs `revoke_on_close = true`, as Netmaker " +
					"keeps no expiry on `uses` keys.",
				Required: true,
			},
			"uses": schema.Int64Attribute{
				MarkdownDescription: usesAbout + " Required for them.",
				Optional:            true,
				Validators:          usesValidators(),
			},
			"ttl": schema.StringAttribute{
				MarkdownDescription: "How long the key may live, as a Go duration such as `\"30m\"` (at least `1m`). A " +
					"`time_bound` key expires then. The end is also in the key's name: an open deletes a key of its " +
					"prefix whose `ttl` has passed, if its close never came.",
				Required:   true,
				Validators: ttlValidators(),
			},
			"tags":                stringSetAttribute(deviceTagsAbout, deviceTagsValidators()),
			"gateway_id":          schema.StringAttribute{MarkdownDescription: gatewayIDAbout, Optional: true, Validators: gatewayIDValidators()},
			"auto_select_gateway": schema.BoolAttribute{MarkdownDescription: autoSelectGatewayAbout, Optional: true},
			"auto_egress":         schema.BoolAttribute{MarkdownDescription: autoEgressAbout, Optional: true},
			"revoke_on_close": schema.BoolAttribute{
				MarkdownDescription: "Whether Terraform's close deletes the key, so that it serves this run only " +
					"(default `true`). With `false`, a `time_bound` key lives until its `ttl` ends, for a consumer that " +
					"outlives the run (a secret store's write-only argument); so does the key each plan mints.",
				Optional: true,
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The key's generated name: `name_prefix`, then the marker. Not secret.",
				Computed:            true,
			},
			"value": schema.StringAttribute{MarkdownDescription: valueAbout, Computed: true, Sensitive: true},
			"token": schema.StringAttribute{MarkdownDescription: tokenAbout, Computed: true, Sensitive: true},
			"expires_at": schema.StringAttribute{
				MarkdownDescription: "When a `time_bound` key expires, in RFC 3339 (the end of `ttl`, in whole seconds). " +
					"Null for a `uses` key: Netmaker never expires those, and Terraform's close revokes it.",
				Computed: true,
			},
		},
	}
}

func (e *enrollmentKeyEphemeralResource) ConfigValidators(context.Context) []ephemeral.ConfigValidator {
	return []ephemeral.ConfigValidator{usesOnlyForUsesKeys(mintableKeyTypes), gatewayConflict()}
}

// ValidateConfig refuses what a minted key cannot be: unlimited, a uses key
// without uses, or a uses key that outlives the run (Netmaker would never
// expire it). It warns about device tags that cannot apply, in Terraform's
// validate walk only (as netmaker_enrollment_key does).
func (e *enrollmentKeyEphemeralResource) ValidateConfig(ctx context.Context, req ephemeral.ValidateConfigRequest, resp *ephemeral.ValidateConfigResponse) {
	var config enrollmentKeyEphemeralModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if _, configured := e.data.planClient(); !configured {
		warnDeviceTags(ctx, req.Config, &resp.Diagnostics)
	}
	checkMintable(config, &resp.Diagnostics)
}

// checkMintable refuses what a minted key cannot be. Open asks it again:
// values unknown at validation are known there.
func checkMintable(config enrollmentKeyEphemeralModel, diags *diag.Diagnostics) {
	if config.Type.IsNull() || config.Type.IsUnknown() {
		return
	}
	switch keyType := config.Type.ValueString(); keyType {
	case keyTypeTimeBound:
	case keyTypeUses:
		if config.Uses.IsNull() {
			diags.AddAttributeError(path.Root("uses"), "Missing uses",
				`A key of type "uses" needs uses: how many devices may enroll with it (at least 1).`)
		}
		if !config.RevokeOnClose.IsUnknown() && !config.RevokeOnClose.IsNull() && !config.RevokeOnClose.ValueBool() {
			diags.AddAttributeError(path.Root("revoke_on_close"), "A uses key must be revoked on close",
				"Netmaker keeps no expiry on a key of type \"uses\" (it drops the one sent), so with revoke_on_close = "+
					"false the key would outlive its ttl until its uses run out. For a key that outlives the run, use "+
					"type = \"time_bound\": it expires when its ttl ends.")
		}
	case keyTypeUnlimited:
		diags.AddAttributeError(path.Root("type"), "A minted key cannot be unlimited",
			"An unlimited key never ends, and a minted key must. Use type = \"time_bound\": any number of devices may "+
				"enroll with it until its ttl ends.")
	default:
		diags.AddAttributeError(path.Root("type"), "Invalid key type",
			fmt.Sprintf("type must be %q or %q; %q is neither.", keyTypeTimeBound, keyTypeUses, keyType))
	}
}

// privateMintedKey is the private-data key under which Open records, for
// Close, the key to revoke (mintedKeyRecord). Only its name: no secret.
const privateMintedKey = "minted_key"

type mintedKeyRecord struct {
	Name    string `json:"name"`
	Expires bool   `json:"expires"` // Netmaker expires the key (time_bound)
}

// Open deletes the stale minted keys of the prefix, then mints the key.
func (e *enrollmentKeyEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var config enrollmentKeyEphemeralModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	checkMintable(config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || !requireConfigured(e.data, &resp.Diagnostics) {
		return
	}
	client := e.data.client
	prefix := config.NamePrefix.ValueString()
	e.deleteStaleKeys(ctx, prefix, &resp.Diagnostics)
	warnMissingNetworks(ctx, e.data, config.Networks.SetValue, &resp.Diagnostics)

	createReq, diags := mintRequest(ctx, config, e.data.clock().Now())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	key, err := client.CreateKey(ctx, createReq)
	if errors.Is(err, netmaker.ErrOutcomeUnknown) {
		resp.Diagnostics.Append(e.revokeLostCreate(ctx, createReq, err))
		return
	}
	if err != nil {
		resp.Diagnostics.Append(e.mintError(createReq, err))
		return
	}

	result := config
	result.mintedKey = mintedKey{Name: types.StringValue(key.Name), Value: types.StringValue(key.Value),
		Token: types.StringValue(key.Token), ExpiresAt: types.StringNull()}
	if key.Type.Expires() && !key.Expiration.IsZero() {
		result.ExpiresAt = types.StringValue(key.Expiration.UTC().Format(time.RFC3339))
	}
	if config.RevokeOnClose.IsNull() || config.RevokeOnClose.ValueBool() {
		record, _ := json.Marshal(mintedKeyRecord{Name: key.Name, Expires: key.Type.Expires()})
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateMintedKey, record)...)
	}
	resp.Diagnostics.Append(resp.Result.Set(ctx, &result)...)
	if resp.Diagnostics.HasError() {
		// Terraform closes only what opened: revoke the key now.
		cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), lostCreateCleanupTime)
		defer cancel()
		if _, err := client.RevokeMintedKey(cleanup, key.Name); err != nil {
			resp.Diagnostics.AddError("Minted key left on the server", fmt.Sprintf("Enrollment key %q was minted, but "+
				"the provider could not hand it over, and revoking it failed: %s. %s", key.Name, err, leftKeyAdvice(key.Name, key.Type.Expires())))
		}
	}
}

// mintRequest turns the configuration into the key to create, named from
// the prefix and the ttl's end at now.
func mintRequest(ctx context.Context, config enrollmentKeyEphemeralModel, now time.Time) (netmaker.CreateKeyRequest, diag.Diagnostics) {
	var diags diag.Diagnostics
	ttl, err := time.ParseDuration(config.TTL.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("ttl"), "Invalid duration", err.Error()) // the attribute's validator said why
		return netmaker.CreateKeyRequest{}, diags
	}
	req := netmaker.CreateKeyRequest{
		Type:              keyTypeFromName(config.Type.ValueString()),
		GatewayID:         config.GatewayID.ValueString(),
		AutoAssignGateway: config.AutoSelectGateway.ValueBool(),
		AutoEgress:        config.AutoEgress.ValueBool(),
		Networks:          []string{},
		Tags:              []string{},
	}
	deadline := now.Add(ttl)
	switch req.Type {
	case netmaker.KeyTypeUses:
		req.Uses = config.Uses.ValueInt64()
	case netmaker.KeyTypeTimeBound:
		req.Expiration = deadline.UTC().Truncate(time.Second) // the server keeps whole seconds
		deadline = req.Expiration
	}
	if !config.Networks.IsNull() {
		diags.Append(config.Networks.ElementsAs(ctx, &req.Networks, false)...)
	}
	if !config.Tags.IsNull() {
		diags.Append(config.Tags.ElementsAs(ctx, &req.Tags, false)...)
	}
	if req.Name, err = netmaker.NewMintedKeyName(config.NamePrefix.ValueString(), deadline); err != nil {
		diags.AddAttributeError(path.Root("name_prefix"), "Invalid name prefix", err.Error())
	}
	return req, diags
}

// deleteStaleKeys deletes the keys minted with prefix that have served
// their time (netmaker.Client.StaleMintedKeys), so that keys whose close
// never came, or that outlived the run on purpose, do not pile up.
// Failures only warn: the key to mint does not depend on them.
func (e *enrollmentKeyEphemeralResource) deleteStaleKeys(ctx context.Context, prefix string, diags *diag.Diagnostics) {
	client := e.data.client
	stale, err := client.StaleMintedKeys(ctx, prefix)
	if err != nil {
		tflog.Debug(ctx, "looking for stale minted keys failed", map[string]any{"error": err.Error()})
		return
	}
	for _, k := range stale {
		if err := client.DeleteKey(ctx, k.Value); err != nil && !errors.Is(err, netmaker.ErrNotFound) {
			diags.AddWarning("Could not delete a stale minted key",
				fmt.Sprintf("Enrollment key %q, minted by an earlier run with name_prefix %q, has outlived its ttl or its "+
					"uses, and deleting it failed: %s. The next open tries again.", k.Name, prefix, err))
			continue
		}
		tflog.Info(ctx, "deleted a minted enrollment key that outlived its ttl or its uses", map[string]any{"name": k.Name})
	}
}

// revokeLostCreate settles a create whose outcome the client could not
// learn: the key may exist, and nothing would ever revoke it (Terraform
// closes only what opened). It looks the generated name up and revokes what
// it finds, a few times over some seconds, with a context of its own (the
// run's may be what ended).
func (e *enrollmentKeyEphemeralResource) revokeLostCreate(ctx context.Context, req netmaker.CreateKeyRequest, cause error) diag.Diagnostic {
	host := e.data.client.Host()
	cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), lostCreateCleanupTime)
	defer cancel()
	found, err := e.data.client.RevokeMintedKey(cleanup, req.Name)
	for _, wait := range lostCreateRetryWaits {
		if err == nil {
			break
		}
		select {
		case <-time.After(wait):
		case <-cleanup.Done():
		}
		if cleanup.Err() != nil {
			break
		}
		found, err = e.data.client.RevokeMintedKey(cleanup, req.Name)
	}
	switch {
	case err != nil:
		return diag.NewErrorDiagnostic("Minted key may be left on the server",
			fmt.Sprintf("Creating enrollment key %q on %s may have succeeded, but the server stopped answering before the "+
				"provider could find out, and looking the key up to revoke it failed too (%s). %s Cause: %s",
				req.Name, host, err, leftKeyAdvice(req.Name, req.Type.Expires()), cause))
	case found:
		return diag.NewErrorDiagnostic("Could not mint enrollment key",
			fmt.Sprintf("Creating enrollment key %q on %s lost its answer; the key was found afterwards and revoked, so "+
				"nothing is left behind. Run Terraform again. Cause: %s", req.Name, host, cause))
	default:
		return diag.NewErrorDiagnostic("Could not mint enrollment key",
			fmt.Sprintf("Creating enrollment key %q on %s lost its answer, and no key of that name exists: the create was "+
				"not applied. Run Terraform again. Cause: %s", req.Name, host, cause))
	}
}

// mintError explains a create that failed.
func (e *enrollmentKeyEphemeralResource) mintError(req netmaker.CreateKeyRequest, err error) diag.Diagnostic {
	host := e.data.client.Host()
	if d := gatewayError(req.Name, host, req.GatewayID, err); d != nil {
		return d
	}
	switch {
	case errors.Is(err, netmaker.ErrNameTaken):
		return diag.NewErrorDiagnostic("Generated key name already taken",
			fmt.Sprintf("Netmaker at %s already has an enrollment key named %q, the name generated for this key (its "+
				"random part repeated one of another key of this prefix, a rare chance). Nothing was created; run "+
				"Terraform again.", host, req.Name))
	case errors.Is(err, netmaker.ErrValidation):
		return refusalRejected.at(path.Empty(),
			fmt.Sprintf("Netmaker at %s refused to create key %q: %s", host, req.Name, apiErrorMessage(err)))
	default:
		return diag.NewErrorDiagnostic("Could not mint enrollment key",
			fmt.Sprintf("Creating key %q failed: %s", req.Name, err))
	}
}

// Close revokes the key Open minted, unless revoke_on_close is false.
func (e *enrollmentKeyEphemeralResource) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	raw, diags := req.Private.GetKey(ctx, privateMintedKey)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || len(raw) == 0 {
		return
	}
	var record mintedKeyRecord
	if err := json.Unmarshal(raw, &record); err != nil {
		resp.Diagnostics.AddError("Unreadable record of a minted key",
			fmt.Sprintf("The record of the key to revoke could not be read (%s); this is a bug in the provider.", err))
		return
	}
	if !requireConfigured(e.data, &resp.Diagnostics) {
		return
	}
	found, err := e.data.client.RevokeMintedKey(ctx, record.Name)
	switch {
	case err != nil:
		resp.Diagnostics.AddError("Could not revoke minted enrollment key",
			fmt.Sprintf("Deleting enrollment key %q on %s failed: %s. %s", record.Name, e.data.client.Host(), err,
				leftKeyAdvice(record.Name, record.Expires)))
	case !found:
		tflog.Debug(ctx, "the minted key was already gone when it was to be revoked", map[string]any{"name": record.Name})
	}
}

// leftKeyAdvice says how long a minted key left on the server stays usable,
// and how it goes.
func leftKeyAdvice(name string, expires bool) string {
	m, _ := netmaker.ParseMintedKeyName(name)
	end := m.Deadline.Format(time.RFC3339)
	if expires {
		return fmt.Sprintf("It expires at %s at the latest; delete it in Netmaker to end it sooner. An open of an "+
			"ephemeral netmaker_enrollment_key with name_prefix %q after then deletes it.", end, m.Prefix)
	}
	return fmt.Sprintf("Netmaker never expires a key of type \"uses\": delete it in Netmaker. An open of an ephemeral "+
		"netmaker_enrollment_key with name_prefix %q after %s (the end of its ttl) deletes it.", m.Prefix, end)
}
