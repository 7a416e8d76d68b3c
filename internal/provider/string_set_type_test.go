package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func stringSetValue(elems ...string) tftypes.Value {
	vals := make([]tftypes.Value, len(elems))
	for i, e := range elems {
		vals[i] = tftypes.NewValue(tftypes.String, e)
	}
	return tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, vals)
}

func manyStrings(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("prod.tag-%05d", i)
	}
	return out
}

func TestBoundedStringSetTypeValidate(t *testing.T) {
	tests := []struct {
		name    string
		in      tftypes.Value
		wantErr string
	}{
		{"empty", stringSetValue(), ""},
		{"a few", stringSetValue("a", "b"), ""},
		{"at the cap", stringSetValue(manyStrings(maxSetElements)...), ""},
		{"over the cap", stringSetValue(manyStrings(maxSetElements + 1)...), "has 1001 elements; a key takes at most 1000"},
		{"null", tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, nil), ""},
		{"unknown", tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, tftypes.UnknownValue), ""},
		{"unknown element", tftypes.NewValue(tftypes.Set{ElementType: tftypes.String},
			[]tftypes.Value{tftypes.NewValue(tftypes.String, tftypes.UnknownValue), tftypes.NewValue(tftypes.String, "a")}), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			diags := newBoundedStringSetType().Validate(context.Background(), tt.in, path.Root("tags"))
			switch {
			case tt.wantErr == "" && diags.HasError():
				t.Errorf("unexpected %v", diags)
			case tt.wantErr != "" && (!diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), tt.wantErr)):
				t.Errorf("diagnostics %v, want an error containing %q", diags, tt.wantErr)
			}
		})
	}
}

// TestBoundedStringSetRoundTrip: values of the type are the type's, and
// compare as sets.
func TestBoundedStringSetRoundTrip(t *testing.T) {
	ctx := context.Background()
	typ := newBoundedStringSetType()
	v, err := typ.ValueFromTerraform(ctx, stringSetValue("b", "a"))
	if err != nil {
		t.Fatal(err)
	}
	if !v.Type(ctx).Equal(typ) {
		t.Errorf("a value's type is %s, want %s", v.Type(ctx), typ)
	}
	same := stringSet(types.SetValueMust(types.StringType, toValues([]string{"a", "b"})))
	if !v.Equal(same) || v.Equal(stringSet(types.SetValueMust(types.StringType, toValues([]string{"a"})))) {
		t.Error("set equality does not hold")
	}
	tf, err := v.ToTerraformValue(ctx)
	if err != nil || !tf.Equal(stringSetValue("a", "b")) {
		t.Errorf("ToTerraformValue = %v, %v", tf, err)
	}
}

// BenchmarkSetValidate compares the framework's set validation with the
// bounded one, at the cap: the framework compares every pair.
func BenchmarkSetValidate(b *testing.B) {
	in := stringSetValue(manyStrings(maxSetElements)...)
	ctx := context.Background()
	b.Run("framework", func(b *testing.B) {
		for range b.N {
			types.SetType{ElemType: types.StringType}.Validate(ctx, in, path.Root("tags"))
		}
	})
	b.Run("bounded", func(b *testing.B) {
		for range b.N {
			newBoundedStringSetType().Validate(ctx, in, path.Root("tags"))
		}
	})
}
