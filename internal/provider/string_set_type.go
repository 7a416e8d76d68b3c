package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// maxSetElements caps the networks and device tags of a key. Netmaker sets
// no limit; past a thousand, a set is a mistake (a generated list gone
// wrong), and it is refused before it costs anything.
const maxSetElements = 1000

// boundedStringSetType is a set of strings (values are types.Set) that the
// framework validates in linear time, with at most maxSetElements elements.
// The framework's own set type compares every element with every other for
// duplicates, every time it reads the attribute: a key with 4,000 tags took
// seconds to plan and one with 20,000 minutes, although Terraform never
// sends a set with duplicates.
type boundedStringSetType struct {
	basetypes.SetType
}

func newBoundedStringSetType() boundedStringSetType {
	return boundedStringSetType{SetType: basetypes.SetType{ElemType: types.StringType}}
}

func (t boundedStringSetType) Equal(o attr.Type) bool {
	other, ok := o.(boundedStringSetType)
	return ok && t.SetType.Equal(other.SetType)
}

func (t boundedStringSetType) String() string { return "boundedStringSetType" }

// Validate refuses a set of more than maxSetElements elements, and
// duplicates, counting each element once.
func (t boundedStringSetType) Validate(_ context.Context, in tftypes.Value, p path.Path) diag.Diagnostics {
	var diags diag.Diagnostics
	if !in.IsKnown() || in.IsNull() {
		return diags
	}
	var elems []tftypes.Value
	if err := in.As(&elems); err != nil {
		diags.AddAttributeError(p, "Set Type Validation Error", "The value is not a set of strings: "+err.Error())
		return diags
	}
	if len(elems) > maxSetElements {
		diags.AddAttributeError(p, "Too many elements",
			fmt.Sprintf("%s has %d elements; a key takes at most %d.", p, len(elems), maxSetElements))
		return diags
	}
	seen := make(map[string]bool, len(elems))
	for _, e := range elems {
		if !e.IsFullyKnown() || e.IsNull() {
			continue
		}
		var s string
		if err := e.As(&s); err != nil {
			diags.AddAttributeError(p, "Set Type Validation Error", "An element is not a string: "+err.Error())
			return diags
		}
		if seen[s] {
			diags.AddAttributeError(p, "Duplicate Set Element", fmt.Sprintf("%s holds %q twice.", p, s))
			return diags
		}
		seen[s] = true
	}
	return diags
}

func (t boundedStringSetType) ValueType(context.Context) attr.Value { return boundedStringSet{} }

func (t boundedStringSetType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.SetType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	set, ok := v.(basetypes.SetValue)
	if !ok {
		return nil, fmt.Errorf("unexpected set value %T", v)
	}
	return boundedStringSet{SetValue: set}, nil
}

func (t boundedStringSetType) ValueFromSet(_ context.Context, in basetypes.SetValue) (basetypes.SetValuable, diag.Diagnostics) {
	return boundedStringSet{SetValue: in}, nil
}

// boundedStringSet is a value of boundedStringSetType: a set of strings.
type boundedStringSet struct {
	basetypes.SetValue
}

// stringSet answers s as a boundedStringSet.
func stringSet(s types.Set) boundedStringSet { return boundedStringSet{SetValue: s} }

func (v boundedStringSet) Type(context.Context) attr.Type { return newBoundedStringSetType() }

func (v boundedStringSet) Equal(o attr.Value) bool {
	other, ok := o.(boundedStringSet)
	return ok && v.SetValue.Equal(other.SetValue)
}

func (v boundedStringSet) ToSetValue(context.Context) (basetypes.SetValue, diag.Diagnostics) {
	return v.SetValue, nil
}

// knownStrings is the strings of a set of strings and whether all of them
// are known: a plan's set may be unknown, or hold unknown elements, until
// the apply.
func knownStrings(s types.Set) ([]string, bool) {
	if s.IsUnknown() {
		return nil, false
	}
	var out []string
	for _, e := range s.Elements() {
		str, ok := e.(types.String)
		if !ok || str.IsUnknown() {
			return nil, false
		}
		out = append(out, str.ValueString())
	}
	return out, true
}
