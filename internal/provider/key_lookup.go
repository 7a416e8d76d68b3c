package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
)

// keyLookup is what a configuration asks for: the key called Name, or,
// when Network is set, the network's default key. Which key that is (and
// when there is none, or several) is the client's rule
// (internal/netmaker/lookup.go); this only words the answer.
type keyLookup struct {
	Name    string
	Network string
}

// find answers the key l means, or a diagnostic saying why there is not
// exactly one.
func (l keyLookup) find(ctx context.Context, client *netmaker.Client) (*netmaker.EnrollmentKey, diag.Diagnostic) {
	var key *netmaker.EnrollmentKey
	var err error
	if l.Network != "" {
		key, err = client.NetworkDefaultKey(ctx, l.Network)
	} else {
		key, err = client.KeyByName(ctx, l.Name)
	}
	if err != nil {
		return nil, l.diagnostic(err)
	}
	return key, nil
}

// diagnostic explains a failed lookup. Its text names keys and networks
// only, never a secret.
func (l keyLookup) diagnostic(err error) diag.Diagnostic {
	var ambiguous *netmaker.AmbiguousError
	isAmbiguous := errors.As(err, &ambiguous)
	notFound := errors.Is(err, netmaker.ErrNotFound)
	if l.Network != "" {
		switch {
		case notFound:
			return diag.NewErrorDiagnostic("Network has no default enrollment key",
				fmt.Sprintf("No enrollment key on the Netmaker server is the default key of network %q. "+
					"Check that the network exists: Netmaker creates a default key with every network.", l.Network))
		case isAmbiguous:
			return diag.NewErrorDiagnostic("Network has several default enrollment keys",
				fmt.Sprintf("Network %q should have exactly one default enrollment key, but the server lists %d: %s. "+
					"Make one of them the network's default again (netmaker_network_default_key or the Netmaker UI).",
					l.Network, len(ambiguous.Keys), ambiguous.KeyList()))
		default:
			return diag.NewErrorDiagnostic("Could not read the network's default enrollment key",
				fmt.Sprintf("Reading the default key of network %q failed: %s", l.Network, err))
		}
	}
	switch {
	case notFound:
		return diag.NewErrorDiagnostic("Enrollment key not found",
			fmt.Sprintf("The Netmaker server has no enrollment key named %q. If this configuration creates "+
				"the key, refer to it instead of writing its name (name = netmaker_enrollment_key.<label>.id): "+
				"Terraform then reads it after the key is created, and after each rotation.", l.Name))
	case isAmbiguous:
		return diag.NewErrorDiagnostic("Several enrollment keys match",
			fmt.Sprintf("The Netmaker server lists %d enrollment keys named %q (a network created with an existing "+
				"key's name gets an auto-generated key of the same name). Rename or delete the extra keys in Netmaker.",
				len(ambiguous.Keys), l.Name))
	default:
		return diag.NewErrorDiagnostic("Could not look up enrollment key", err.Error())
	}
}

// keyFilterModel holds the filters netmaker_enrollment_keys and the
// enrollment key list resource share.
type keyFilterModel struct {
	Network types.String `tfsdk:"network"`
	Type    types.String `tfsdk:"type"`
	Tag     types.String `tfsdk:"tag"`
	Default types.Bool   `tfsdk:"default"`
	Valid   types.Bool   `tfsdk:"valid"`
}

// filter asks the client for the keys m selects, valid meaning valid at now.
func (m keyFilterModel) filter(now time.Time) netmaker.KeyFilter {
	return netmaker.KeyFilter{
		Network: m.Network.ValueString(),
		Type:    keyTypeFilter(m.Type.ValueString()),
		Tag:     m.Tag.ValueString(),
		Default: m.Default.ValueBoolPointer(),
		Valid:   m.Valid.ValueBoolPointer(),
		Now:     now,
	}
}

// keyTypeFilter selects keys of the type named name; nil (any type) for "".
func keyTypeFilter(name string) *netmaker.KeyType {
	if name == "" {
		return nil
	}
	t := keyTypeFromName(name)
	return &t
}
