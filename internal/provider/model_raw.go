package provider

import (
	"context"
	"fmt"
	"reflect"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// getModel and setModel convert between a plan, state or config value and
// a model struct of attr.Value fields (types.String, Int64, Bool, and Set
// of strings) tagged `tfsdk:"name"`, as tfsdk's Get and Set do, for the
// resources' per-instance hot paths. The framework's reflection compiles a
// regular expression for every field of every conversion (internal/reflect
// isValidFieldName): at N = 1000 that was a tenth of the provider's CPU in
// an apply, plus the garbage collection it caused (bench/notes.md). The
// fields of each model type are read once and cached. Anything these do
// not handle is an error, so that a model change cannot go unnoticed
// (TestModelRawMatchesFramework compares them with the framework).

type modelField struct {
	name  string
	index int
}

var modelFieldsCache sync.Map // reflect.Type -> []modelField

func modelFields(t reflect.Type) []modelField {
	if cached, ok := modelFieldsCache.Load(t); ok {
		if fields, ok := cached.([]modelField); ok {
			return fields
		}
	}
	var fields []modelField
	for i := range t.NumField() {
		if tag := t.Field(i).Tag.Get("tfsdk"); tag != "" && tag != "-" {
			fields = append(fields, modelField{name: tag, index: i})
		}
	}
	modelFieldsCache.Store(t, fields)
	return fields
}

var (
	stringValueType = reflect.TypeFor[types.String]()
	int64ValueType  = reflect.TypeFor[types.Int64]()
	boolValueType   = reflect.TypeFor[types.Bool]()
	setValueType    = reflect.TypeFor[types.Set]()
	boundedSetType  = reflect.TypeFor[boundedStringSet]()
)

// attrType is the framework type of a model field of Go type t whose
// Terraform type is tf.
func attrType(t reflect.Type, tf tftypes.Type) (attr.Type, error) {
	switch t {
	case stringValueType:
		return types.StringType, nil
	case int64ValueType:
		return types.Int64Type, nil
	case boolValueType:
		return types.BoolType, nil
	case setValueType:
		if s, ok := tf.(tftypes.Set); ok && s.ElementType.Is(tftypes.String) {
			return types.SetType{ElemType: types.StringType}, nil
		}
	case boundedSetType:
		if s, ok := tf.(tftypes.Set); ok && s.ElementType.Is(tftypes.String) {
			return newBoundedStringSetType(), nil
		}
	}
	return nil, fmt.Errorf("unsupported model field type %s for %s", t, tf)
}

// getModel fills *target from raw, a known object.
func getModel[T any](ctx context.Context, raw tftypes.Value, target *T) diag.Diagnostics {
	var diags diag.Diagnostics
	if err := fillModel(ctx, raw, reflect.ValueOf(target).Elem()); err != nil {
		diags.AddError("Value Conversion Error",
			"An unexpected error was encountered converting Terraform data. This is always an error in the provider; please report it: "+err.Error())
	}
	return diags
}

func fillModel(ctx context.Context, raw tftypes.Value, dst reflect.Value) error {
	if !raw.IsKnown() || raw.IsNull() {
		return fmt.Errorf("the value is null or unknown")
	}
	objType, ok := raw.Type().(tftypes.Object)
	if !ok {
		return fmt.Errorf("%s is not an object", raw.Type())
	}
	var attrs map[string]tftypes.Value
	if err := raw.As(&attrs); err != nil {
		return err
	}
	fields := modelFields(dst.Type())
	if len(fields) != len(objType.AttributeTypes) {
		return fmt.Errorf("the model has %d attributes, the value %d", len(fields), len(objType.AttributeTypes))
	}
	for _, f := range fields {
		v, ok := attrs[f.name]
		if !ok {
			return fmt.Errorf("the value has no attribute %q", f.name)
		}
		field := dst.Field(f.index)
		t, err := attrType(field.Type(), v.Type())
		if err != nil {
			return err
		}
		av, err := t.ValueFromTerraform(ctx, v)
		if err != nil {
			return fmt.Errorf("attribute %q: %w", f.name, err)
		}
		rv := reflect.ValueOf(av)
		if rv.Type() != field.Type() {
			return fmt.Errorf("attribute %q: got %s, want %s", f.name, rv.Type(), field.Type())
		}
		field.Set(rv)
	}
	return nil
}

// setModel sets *dst to m (a model or a pointer to one), as an object of
// dst's type.
func setModel[T any](ctx context.Context, dst *tftypes.Value, m T) diag.Diagnostics {
	var diags diag.Diagnostics
	src := reflect.ValueOf(m)
	if src.Kind() == reflect.Pointer {
		src = src.Elem()
	}
	if src.Kind() != reflect.Struct {
		diags.AddError("Value Conversion Error", fmt.Sprintf("setModel of a %T; this is always an error in the provider", m))
		return diags
	}
	v, err := modelValue(ctx, dst.Type(), src)
	if err != nil {
		diags.AddError("Value Conversion Error",
			"An unexpected error was encountered writing Terraform data. This is always an error in the provider; please report it: "+err.Error())
		return diags
	}
	*dst = v
	return diags
}

func modelValue(ctx context.Context, typ tftypes.Type, src reflect.Value) (tftypes.Value, error) {
	objType, ok := typ.(tftypes.Object)
	if !ok {
		return tftypes.Value{}, fmt.Errorf("%s is not an object type", typ)
	}
	fields := modelFields(src.Type())
	if len(fields) != len(objType.AttributeTypes) {
		return tftypes.Value{}, fmt.Errorf("the model has %d attributes, the type %d", len(fields), len(objType.AttributeTypes))
	}
	attrs := make(map[string]tftypes.Value, len(fields))
	for _, f := range fields {
		want, ok := objType.AttributeTypes[f.name]
		if !ok {
			return tftypes.Value{}, fmt.Errorf("the type has no attribute %q", f.name)
		}
		av, ok := src.Field(f.index).Interface().(attr.Value)
		if !ok {
			return tftypes.Value{}, fmt.Errorf("attribute %q is no attr.Value", f.name)
		}
		if s, ok := asSet(av); ok && s.ElementType(ctx) == nil {
			return tftypes.Value{}, fmt.Errorf("attribute %q: a set without element type (a zero types.Set)", f.name)
		}
		v, err := av.ToTerraformValue(ctx)
		if err != nil {
			return tftypes.Value{}, fmt.Errorf("attribute %q: %w", f.name, err)
		}
		if !v.Type().Equal(want) {
			return tftypes.Value{}, fmt.Errorf("attribute %q: got %s, want %s", f.name, v.Type(), want)
		}
		attrs[f.name] = v
	}
	if err := tftypes.ValidateValue(objType, attrs); err != nil {
		return tftypes.Value{}, err
	}
	return tftypes.NewValue(objType, attrs), nil
}
