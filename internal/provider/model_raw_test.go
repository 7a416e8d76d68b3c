package provider

import (
	"context"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestModelRawMatchesFramework: getModel and setModel convert exactly as
// the framework's Get and Set do, for models with known, null and unknown
// values, and fail (rather than guess) on what they cannot convert.
func TestModelRawMatchesFramework(t *testing.T) {
	ctx := context.Background()
	var schemaResp resource.SchemaResponse
	NewEnrollmentKeyResource().Schema(ctx, resource.SchemaRequest{}, &schemaResp)
	sch := schemaResp.Schema
	strs := func(s ...string) types.Set {
		vals := make([]attr.Value, len(s))
		for i, v := range s {
			vals[i] = types.StringValue(v)
		}
		return types.SetValueMust(types.StringType, vals)
	}
	full := enrollmentKeyModel{
		ID: types.StringValue("k"), Name: types.StringValue("k"), Networks: stringSet(strs("a", "b")), Type: types.StringValue("uses"),
		Uses: types.Int64Value(3), UsesRemaining: types.Int64Value(2), ExpiresAt: types.StringNull(), TTL: types.StringNull(),
		Tags: stringSet(strs()), GatewayID: types.StringValue("5b1f4c0e-8c7e-4c43-9f53-9d6f1f0b2a11"), AutoSelectGateway: types.BoolValue(false),
		AutoEgress: types.BoolValue(true), Value: types.StringValue("v"), Token: types.StringValue("t"), Default: types.BoolValue(false),
		RegenerateTrigger: types.StringValue("1"), Status: types.StringValue("active"), Valid: types.BoolValue(true),
		RecreateWhenInvalid: types.BoolValue(false),
	}
	planned := full
	planned.ID, planned.Value, planned.Token = types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
	planned.UsesRemaining, planned.Default, planned.Valid = types.Int64Unknown(), types.BoolUnknown(), types.BoolUnknown()
	planned.Networks, planned.GatewayID, planned.RegenerateTrigger = stringSet(types.SetUnknown(types.StringType)), types.StringNull(), types.StringNull()
	nulls := enrollmentKeyModel{}
	for _, f := range modelFields(reflect.TypeFor[enrollmentKeyModel]()) {
		fv := reflect.ValueOf(&nulls).Elem().Field(f.index)
		at, err := attrType(fv.Type(), tftypes.Set{ElementType: tftypes.String})
		if err != nil {
			at, _ = attrType(fv.Type(), tftypes.String)
		}
		nv, err := at.ValueFromTerraform(ctx, tftypes.NewValue(at.TerraformType(ctx), nil))
		if err != nil {
			t.Fatal(err)
		}
		fv.Set(reflect.ValueOf(nv))
	}

	for name, m := range map[string]enrollmentKeyModel{"known": full, "with unknowns": planned, "all null": nulls} {
		t.Run(name, func(t *testing.T) {
			fw := tfsdk.State{Schema: sch, Raw: tftypes.NewValue(sch.Type().TerraformType(ctx), nil)}
			if d := fw.Set(ctx, m); d.HasError() {
				t.Fatalf("framework Set: %v", d)
			}
			ours := tfsdk.State{Schema: sch, Raw: tftypes.NewValue(sch.Type().TerraformType(ctx), nil)}
			if d := setModel(ctx, &ours.Raw, m); d.HasError() {
				t.Fatalf("setModel: %v", d)
			}
			if !ours.Raw.Equal(fw.Raw) {
				t.Fatalf("setModel wrote %s, the framework %s", ours.Raw, fw.Raw)
			}
			viaPointer := tftypes.NewValue(sch.Type().TerraformType(ctx), nil)
			if d := setModel(ctx, &viaPointer, &m); d.HasError() || !viaPointer.Equal(fw.Raw) {
				t.Fatalf("setModel of a pointer: %v, wrote %s", d, viaPointer)
			}
			var fromFw, fromOurs enrollmentKeyModel
			if d := fw.Get(ctx, &fromFw); d.HasError() {
				t.Fatalf("framework Get: %v", d)
			}
			if d := getModel(ctx, fw.Raw, &fromOurs); d.HasError() {
				t.Fatalf("getModel: %v", d)
			}
			if !reflect.DeepEqual(fromOurs, fromFw) || !reflect.DeepEqual(fromOurs, m) {
				t.Fatalf("getModel read %+v, the framework %+v, want %+v", fromOurs, fromFw, m)
			}
		})
	}

	t.Run("errors", func(t *testing.T) {
		objType := sch.Type().TerraformType(ctx)
		var m enrollmentKeyModel
		if d := getModel(ctx, tftypes.NewValue(objType, nil), &m); !d.HasError() {
			t.Error("getModel of a null object: no error")
		}
		if d := getModel(ctx, tftypes.NewValue(objType, tftypes.UnknownValue), &m); !d.HasError() {
			t.Error("getModel of an unknown object: no error")
		}
		var other struct {
			Name types.String `tfsdk:"name"`
		}
		raw := tftypes.NewValue(objType, nil)
		if d := setModel(ctx, &raw, other); !d.HasError() {
			t.Error("setModel of a model with other attributes: no error")
		}
		zeroSet := full
		zeroSet.Tags = boundedStringSet{}
		if d := setModel(ctx, &raw, zeroSet); !d.HasError() {
			t.Error("setModel of a set without element type: no error")
		}
		if d := setModel(ctx, &raw, "not a model"); !d.HasError() {
			t.Error("setModel of a string: no error")
		}
		if !raw.IsNull() {
			t.Errorf("a failed setModel changed the value to %s", raw)
		}
	})
}
