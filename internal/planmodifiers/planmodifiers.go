// Package planmodifiers holds the provider's small plan modifiers. Each one
// decides only whether a change forces replacement; none changes a value.
package planmodifiers

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
)

// RequiresReplaceIfInstantChanges is RequiresReplace for an RFC 3339
// timestamp: a new spelling of the same instant (another zone offset, or a
// fraction of a second that the server does not keep) is an in-place change
// that only records the spelling; a different instant replaces. An unknown
// value replaces, as it may be any instant.
func RequiresReplaceIfInstantChanges() planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(
		func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
			if req.StateValue.IsNull() || req.PlanValue.IsNull() {
				resp.RequiresReplace = !req.StateValue.IsNull() || !req.PlanValue.IsNull()
				return
			}
			if req.PlanValue.IsUnknown() {
				resp.RequiresReplace = true
				return
			}
			resp.RequiresReplace = !SameInstant(req.StateValue.ValueString(), req.PlanValue.ValueString())
		},
		"Changing the instant replaces the resource; another spelling of the same instant does not.",
		"Changing the instant replaces the resource; another spelling of the same instant does not.",
	)
}

// SameInstant reports whether two RFC 3339 timestamps name the same second.
// Netmaker keeps expirations in whole seconds. Unparsable values are
// compared as strings.
func SameInstant(a, b string) bool {
	ta, errA := time.Parse(time.RFC3339, a)
	tb, errB := time.Parse(time.RFC3339, b)
	if errA != nil || errB != nil {
		return a == b
	}
	return ta.Truncate(time.Second).Equal(tb.Truncate(time.Second))
}

// RequiresReplaceIfDurationChanges is for a duration that was applied once,
// at create: changing it to another duration replaces, but setting it where
// state has none (an imported key) or removing it only records the change,
// and another spelling of the same duration ("720h" and "720h0m0s") is no
// change at all. An unknown value where state has one replaces.
func RequiresReplaceIfDurationChanges() planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(
		func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
			if req.StateValue.IsNull() || req.PlanValue.IsNull() {
				return
			}
			if req.PlanValue.IsUnknown() {
				resp.RequiresReplace = true
				return
			}
			resp.RequiresReplace = !SameDuration(req.StateValue.ValueString(), req.PlanValue.ValueString())
		},
		"Changing the duration replaces the resource; setting it where none was recorded (after an import) or removing it does not.",
		"Changing the duration replaces the resource; setting it where none was recorded (after an import) or removing it does not.",
	)
}

// SameDuration reports whether two Go duration strings are equal.
// Unparsable values are compared as strings.
func SameDuration(a, b string) bool {
	da, errA := time.ParseDuration(a)
	db, errB := time.ParseDuration(b)
	if errA != nil || errB != nil {
		return a == b
	}
	return da == db
}
