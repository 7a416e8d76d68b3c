package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/clock"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

// What netmaker_enrollment_key refuses or warns about before it changes
// anything: ValidateConfig and ModifyPlan driven directly (warnings
// included), then bad input of every kind and a duplicate name through
// Terraform.

// planCheckKey is a key model as a configuration gives it (computed
// attributes unknown).
func planCheckKey(name string, networks, tags []string) enrollmentKeyModel {
	set := func(items []string) types.Set {
		vals := make([]attr.Value, 0, len(items))
		for _, s := range items {
			vals = append(vals, types.StringValue(s))
		}
		return types.SetValueMust(types.StringType, vals)
	}
	return enrollmentKeyModel{
		ID: types.StringUnknown(), Name: types.StringValue(name), Networks: stringSet(set(networks)), Type: types.StringValue(keyTypeUnlimited),
		Uses: types.Int64Null(), UsesRemaining: types.Int64Unknown(), ExpiresAt: types.StringNull(), TTL: types.StringNull(),
		Tags: stringSet(set(tags)), GatewayID: types.StringNull(), AutoSelectGateway: types.BoolValue(false), AutoEgress: types.BoolValue(false),
		Value: types.StringUnknown(), Token: types.StringUnknown(), Default: types.BoolUnknown(),
		RegenerateTrigger: types.StringNull(), Status: types.StringUnknown(), Valid: types.BoolUnknown(),
		RecreateWhenInvalid: types.BoolValue(false),
	}
}

// planCheckState is key as the state holds it after a refresh.
func planCheckState(m enrollmentKeyModel, isDefault bool) enrollmentKeyModel {
	m.ID, m.Value, m.Token = m.Name, types.StringValue("V"), types.StringValue("T")
	m.UsesRemaining, m.Default = types.Int64Value(0), types.BoolValue(isDefault)
	m.Status, m.Valid = types.StringValue("active"), types.BoolValue(true)
	return m
}

// runPlanChecks drives ValidateConfig, then ModifyPlan, as Terraform does
// for one resource: state nil is a create.
func runPlanChecks(t *testing.T, r *enrollmentKeyResource, state *enrollmentKeyModel, config enrollmentKeyModel) diag.Diagnostics {
	t.Helper()
	ctx := context.Background()
	sch := resourceSchema(r)
	cfg := stateOf(t, sch, config)
	st := stateOf(t, sch, nil)
	if state != nil {
		st = stateOf(t, sch, *state)
	}
	// As Terraform's validate walk does: before the provider is configured.
	var vresp fwresource.ValidateConfigResponse
	unconfigured := &enrollmentKeyResource{}
	unconfigured.ValidateConfig(ctx, fwresource.ValidateConfigRequest{Config: tfsdk.Config{Schema: sch, Raw: cfg.Raw}}, &vresp)
	resp := modifyPlan(ctx, r, st, cfg.Raw)
	return append(vresp.Diagnostics, resp.Diagnostics...)
}

// TestEnrollmentKeyPlanChecks: the plan-time checks that need the server,
// against the test server of each generation, warnings included (which
// acceptance tests cannot see).
func TestEnrollmentKeyPlanChecks(t *testing.T) {
	eachGenerationParallel(t, func(t *testing.T, srv *netmakertest.Server) {
		testAccCreateNetworks(t, srv, "prod", "lab")
		testAccCreateKey(t, srv, netmaker.CreateKeyRequest{Name: "fleet", Networks: []string{"prod"}, Type: netmaker.KeyTypeUnlimited})
		client := testClient(t, srv)
		r := &enrollmentKeyResource{resourceData{data: &providerData{client: client, now: clock.System{}}}}
		with := func(m enrollmentKeyModel, f func(*enrollmentKeyModel)) enrollmentKeyModel { f(&m); return m }
		ptr := func(m enrollmentKeyModel) *enrollmentKeyModel { return &m }
		fleet := planCheckKey("fleet", []string{"prod"}, nil)
		prodDefault := planCheckKey("prod", []string{"prod"}, nil)
		rotated := with(fleet, func(m *enrollmentKeyModel) { m.RegenerateTrigger = types.StringValue("two") })
		rotatingState := planCheckState(with(fleet, func(m *enrollmentKeyModel) { m.RegenerateTrigger = types.StringValue("one") }), false)

		tests := []struct {
			name        string
			state       *enrollmentKeyModel
			config      enrollmentKeyModel
			wantError   string   // substring of the one error; "" for none
			wantWarning []string // substrings, one per warning, in order
		}{
			{"new key, free name, existing network", nil, planCheckKey("tf-new", []string{"prod"}, []string{"prod.ci"}), "", nil},
			{"new key named like another key", nil, planCheckKey("fleet", []string{"lab"}, nil),
				`already has an enrollment key named "fleet"`, nil},
			// Exactly the settings of the key of that name: still someone
			// else's (a lost create of this resource is known by its record).
			{"new key exactly like the key of its name", nil, planCheckKey("fleet", []string{"prod"}, nil),
				`already has an enrollment key named "fleet", which is not this resource's`, nil},
			{"new key named like a network's auto-generated key", nil, planCheckKey("lab", nil, nil),
				`the key "lab", which Netmaker generated for network "lab"`, nil},
			{"adopted (imported) key keeps its name", ptr(planCheckState(prodDefault, true)), prodDefault, "", nil},
			{"misspelt network", nil, planCheckKey("tf-new", []string{"prdo", "prod"}, nil), "", []string{`has no network "prdo"`}},
			{"tag without a network", nil, planCheckKey("tf-new", []string{"prod"}, []string{"contractors"}), "",
				[]string{`Write it as "prod.contractors"`}},
			{"tag of a network the key does not join", nil, planCheckKey("tf-new", []string{"prod"}, []string{"lab.x"}), "",
				[]string{`belongs to network "lab", but this key's networks are prod`}},
			{"networks of a custom default key changed", ptr(planCheckState(fleet, true)),
				with(fleet, func(m *enrollmentKeyModel) { m.Networks = planCheckKey("x", []string{"prod", "lab"}, nil).Networks }),
				"Netmaker refuses to delete a network's default key", nil},
			{"networks of an auto-generated key changed", ptr(planCheckState(prodDefault, true)),
				with(prodDefault, func(m *enrollmentKeyModel) { m.Networks = planCheckKey("x", []string{"prod", "lab"}, nil).Networks }),
				`is the key Netmaker generated with network "prod", and the change of networks replaces the key`, nil},
			{"networks of an ordinary key changed to a missing one", ptr(planCheckState(fleet, false)),
				with(fleet, func(m *enrollmentKeyModel) { m.Networks = planCheckKey("x", []string{"prdo"}, nil).Networks }),
				"", []string{`has no network "prdo"`}},
		}
		rotation := struct {
			name        string
			state       *enrollmentKeyModel
			config      enrollmentKeyModel
			wantError   string
			wantWarning []string
		}{"rotation", &rotatingState, rotated, "", nil}
		if srv.Generation() == netmakertest.GenerationV15 {
			rotation.wantWarning = []string{"the old token stops working a moment before the new one exists"}
		}
		tests = append(tests, rotation)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				srv.ResetStats()
				diags := runPlanChecks(t, r, tt.state, tt.config)
				errs := diags.Errors()
				switch {
				case tt.wantError == "" && len(errs) > 0:
					t.Errorf("unexpected errors: %v", errs)
				case tt.wantError != "" && (len(errs) != 1 || !strings.Contains(errs[0].Detail(), tt.wantError)):
					t.Errorf("errors %v, want one containing %q", errs, tt.wantError)
				}
				warnings := diags.Warnings()
				if len(warnings) != len(tt.wantWarning) {
					t.Fatalf("warnings %v, want %d", warnings, len(tt.wantWarning))
				}
				for i, want := range tt.wantWarning {
					if !strings.Contains(warnings[i].Detail(), want) {
						t.Errorf("warning %q does not contain %q", warnings[i].Detail(), want)
					}
				}
				for route, n := range srv.Stats() {
					if !strings.HasPrefix(route, "GET ") && n > 0 {
						t.Errorf("a plan check wrote to the server: %d × %s", n, route)
					}
				}
			})
		}
	})
}

// TestAccEnrollmentKeyResource_planChecksDefaultKeyNetworks: changing the networks
// of an adopted auto-generated key (a replacement) fails at plan, and the
// key survives.
func TestAccEnrollmentKeyResource_planChecksDefaultKeyNetworks(t *testing.T) {
	eachGenerationParallel(t, func(t *testing.T, srv *netmakertest.Server) {
		testAccCreateNetworks(t, srv, "tf-pc-net", "tf-pc-other")
		before, _ := srv.KeyByName("tf-pc-net")
		adopt := func(networks string) string {
			return providerConfig(srv) + fmt.Sprintf(`
import {
  to = netmaker_enrollment_key.adopted
  id = "tf-pc-net"
}

resource "netmaker_enrollment_key" "adopted" {
  name     = "tf-pc-net"
  networks = %s
  type     = "unlimited"
}
`, networks)
		}
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			TerraformVersionChecks:   skipWithoutRemovedBlocks,
			Steps: []resource.TestStep{
				{Config: adopt(`["tf-pc-net"]`)},
				{
					Config:      adopt(`["tf-pc-net", "tf-pc-other"]`),
					ExpectError: regexp.MustCompile(`(?s)A network's auto-generated key cannot be replaced.*the\s+change\s+of\s+networks\s+replaces\s+the\s+key`),
				},
				{
					// Forget the adopted key instead of destroying it.
					Config: providerConfig(srv) + forgetHCL("netmaker_enrollment_key.adopted"),
					Check: func(*terraform.State) error {
						after, ok := srv.KeyByName("tf-pc-net")
						if !ok || after.Value != before.Value || len(after.Networks) != 1 {
							return fmt.Errorf("the default key changed: %+v", after)
						}
						return nil
					},
				},
			},
		})
	})
}

// TestEnrollmentKeyModifyPlan drives ModifyPlan directly, for what
// acceptance tests cannot see (warnings) and for the trigger rules.
func TestEnrollmentKeyModifyPlan(t *testing.T) {
	ctx := context.Background()
	r := &enrollmentKeyResource{resourceData{data: &providerData{now: clock.NewManual(time.Date(2030, 6, 1, 0, 0, 0, 0, time.UTC))}}}
	sch := resourceSchema(r)

	empty := types.SetValueMust(types.StringType, nil)
	state := enrollmentKeyModel{
		ID: types.StringValue("k1"), Name: types.StringValue("k1"), Networks: stringSet(empty), Type: types.StringValue(keyTypeUses),
		Uses: types.Int64Value(3), UsesRemaining: types.Int64Value(3), ExpiresAt: types.StringNull(), TTL: types.StringNull(),
		Tags: stringSet(empty), GatewayID: types.StringNull(), AutoSelectGateway: types.BoolValue(false), AutoEgress: types.BoolValue(false),
		Value: types.StringValue("V"), Token: types.StringValue("T"), Default: types.BoolValue(false),
		RegenerateTrigger: types.StringValue("one"), Status: types.StringValue("active"), Valid: types.BoolValue(true),
		RecreateWhenInvalid: types.BoolValue(false),
	}
	type result struct {
		plan    enrollmentKeyModel
		replace bool
		diags   diag.Diagnostics
	}
	run := func(t *testing.T, state enrollmentKeyModel, config enrollmentKeyModel) result {
		t.Helper()
		resp := modifyPlan(ctx, r, stateOf(t, sch, state), stateOf(t, sch, config).Raw)
		var plan enrollmentKeyModel
		if d := resp.Plan.Get(ctx, &plan); d.HasError() {
			t.Fatal(d)
		}
		return result{plan: plan, replace: resp.RequiresReplace.Contains(path.Root("status")), diags: resp.Diagnostics}
	}
	with := func(m enrollmentKeyModel, f func(*enrollmentKeyModel)) enrollmentKeyModel { f(&m); return m }
	// A time_bound key with a fixed expiry that has passed (the clock says 2030-06-01).
	expired := with(state, func(m *enrollmentKeyModel) {
		m.Type, m.Uses, m.UsesRemaining = types.StringValue(keyTypeTimeBound), types.Int64Null(), types.Int64Value(0)
		m.ExpiresAt, m.Status, m.Valid = types.StringValue("2030-05-31T00:00:00Z"), types.StringValue("expired"), types.BoolValue(false)
	})

	tests := []struct {
		name        string
		state       enrollmentKeyModel
		config      enrollmentKeyModel
		wantUnknown bool   // value and token unknown
		wantReplace bool   // replacement through status
		wantWarning string // substring of a warning
	}{
		{"no change", state, state, false, false, ""},
		{"trigger changes", state, with(state, func(m *enrollmentKeyModel) { m.RegenerateTrigger = types.StringValue("two") }), true, false, ""},
		{"trigger unknown", state, with(state, func(m *enrollmentKeyModel) { m.RegenerateTrigger = types.StringUnknown() }), true, false, ""},
		{"trigger set where unset", with(state, func(m *enrollmentKeyModel) { m.RegenerateTrigger = types.StringNull() }),
			state, false, false, ""},
		{"unknown trigger where unset", with(state, func(m *enrollmentKeyModel) { m.RegenerateTrigger = types.StringNull() }),
			with(state, func(m *enrollmentKeyModel) { m.RegenerateTrigger = types.StringUnknown() }), false, false, ""},
		{"trigger removed", state, with(state, func(m *enrollmentKeyModel) { m.RegenerateTrigger = types.StringNull() }), false, false, ""},
		{"exhausted, kept", with(state, func(m *enrollmentKeyModel) {
			m.UsesRemaining, m.Status, m.Valid = types.Int64Value(0), types.StringValue("exhausted"), types.BoolValue(false)
		}), with(state, func(m *enrollmentKeyModel) {
			m.UsesRemaining, m.Status, m.Valid = types.Int64Value(0), types.StringValue("exhausted"), types.BoolValue(false)
		}), false, false, `"k1" is exhausted`},
		{"exhausted, recreated", with(state, func(m *enrollmentKeyModel) {
			m.Status, m.Valid = types.StringValue("exhausted"), types.BoolValue(false)
		}), with(state, func(m *enrollmentKeyModel) {
			m.Status, m.Valid, m.RecreateWhenInvalid = types.StringValue("exhausted"), types.BoolValue(false), types.BoolValue(true)
		}), false, true, ""},
		{"expired by the clock since the refresh", with(state, func(m *enrollmentKeyModel) {
			m.Type, m.Uses, m.ExpiresAt = types.StringValue(keyTypeTimeBound), types.Int64Null(), types.StringValue("2030-05-31T00:00:00Z")
		}), with(state, func(m *enrollmentKeyModel) {
			m.Type, m.Uses, m.ExpiresAt = types.StringValue(keyTypeTimeBound), types.Int64Null(), types.StringValue("2030-05-31T00:00:00Z")
		}), false, false, `"k1" is expired`},
		{"expired, recreate, fixed expires_at passed: kept with a warning", expired,
			with(expired, func(m *enrollmentKeyModel) { m.RecreateWhenInvalid = types.BoolValue(true) }),
			false, false, "set a later expires_at, or use ttl"},
		{"expired, recreate, expires_at spelled differently but passed", expired,
			with(expired, func(m *enrollmentKeyModel) {
				m.RecreateWhenInvalid, m.ExpiresAt = types.BoolValue(true), types.StringValue("2030-05-31T02:00:00+02:00")
			}), false, false, "set a later expires_at, or use ttl"},
		{"expired, recreate, imported without an expiry configured", expired,
			with(expired, func(m *enrollmentKeyModel) {
				m.RecreateWhenInvalid, m.ExpiresAt = types.BoolValue(true), types.StringNull()
			}),
			false, false, "set a later expires_at, or use ttl"},
		{"expired, recreate, later expires_at configured", expired,
			with(expired, func(m *enrollmentKeyModel) {
				m.RecreateWhenInvalid, m.ExpiresAt = types.BoolValue(true), types.StringValue("2030-07-01T00:00:00Z")
			}), false, true, ""},
		{"expired, recreate, ttl", with(expired, func(m *enrollmentKeyModel) { m.TTL = types.StringValue("24h") }),
			with(expired, func(m *enrollmentKeyModel) {
				m.RecreateWhenInvalid, m.ExpiresAt, m.TTL = types.BoolValue(true), types.StringNull(), types.StringValue("24h")
			}), false, true, ""},
		{"expired, recreate, expires_at unknown", expired,
			with(expired, func(m *enrollmentKeyModel) {
				m.RecreateWhenInvalid, m.ExpiresAt = types.BoolValue(true), types.StringUnknown()
			}),
			false, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := run(t, tt.state, tt.config)
			if got.diags.HasError() {
				t.Fatalf("errors: %v", got.diags)
			}
			if u := got.plan.Value.IsUnknown() && got.plan.Token.IsUnknown(); u != tt.wantUnknown {
				t.Errorf("value/token unknown = %v, want %v", u, tt.wantUnknown)
			}
			if got.replace != tt.wantReplace {
				t.Errorf("replace = %v, want %v", got.replace, tt.wantReplace)
			}
			if tt.wantReplace && !got.plan.Status.IsUnknown() {
				t.Error("a replacement must leave status unknown")
			}
			warnings := got.diags.Warnings()
			if tt.wantWarning == "" {
				if len(warnings) != 0 {
					t.Errorf("unexpected warnings: %v", warnings)
				}
				return
			}
			if len(warnings) != 1 || !strings.Contains(warnings[0].Detail(), tt.wantWarning) ||
				!strings.Contains(warnings[0].Detail(), "recreate_when_invalid") {
				t.Errorf("warnings %v, want one containing %q", warnings, tt.wantWarning)
			}
		})
	}
}

// TestAccEnrollmentKeyResource_badInput feeds every bad input of the API document's
// error table and checks that each one is caught with a clear message,
// before the server is asked where possible.
func TestAccEnrollmentKeyResource_badInput(t *testing.T) {
	eachGenerationParallel(t, func(t *testing.T, srv *netmakertest.Server) {
		testAccCreateNetworks(t, srv, "tf-taken-net")
		unknownGateway := "3f2b8c1e-6a47-4d2e-9d6b-1c2f3a4b5c6d"
		past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
		tests := []struct {
			name string
			body string
			want string
		}{
			{"short name", `name = "ab"
type = "unlimited"`, `(?s)Invalid name for a new key.*3 to 32\s+characters;\s+"ab"\s+has\s+2`},
			{"blank name", `name = "   "
type = "unlimited"`, `(?s)Invalid key name.*must not be empty or only\s+whitespace`},
			{"long name", `name = "abcdefghijklmnopqrstuvwxyz0123456"
type = "unlimited"`, `(?s)at most 32\s+characters`},
			{"long name", fmt.Sprintf(`name = %q
type = "unlimited"`, strings.Repeat("k", 33)), `has 33`},
			{"name of a network", `name = "tf-taken-net"
type = "unlimited"`, `(?s)Key name already taken.*the\s+key\s+"tf-taken-net",\s+which\s+Netmaker\s+generated\s+for\s+network\s+"tf-taken-net".*id\s+=\s+"tf-taken-net"`},
			{"no uses", `name = "tf-bad"
type = "uses"`, `type "uses" needs uses`},
			{"zero uses", `name = "tf-bad"
type = "uses"
uses = 0`, `at least 1`},
			{"negative uses", `name = "tf-bad"
type = "uses"
uses = -3`, `at least 1`},
			{"uses on another type", `name = "tf-bad"
type = "unlimited"
uses = 3`, `uses can only be set when type is "uses"`},
			{"no expiry", `name = "tf-bad"
type = "time_bound"`, `needs expires_at .* or ttl`},
			{"past expiry", fmt.Sprintf(`name = "tf-bad"
type = "time_bound"
expires_at = %q`, past), `is not in the future`},
			{"expiry not RFC 3339", `name = "tf-bad"
type = "time_bound"
expires_at = "2030-01-01 00:00"`, `not an RFC 3339 timestamp`},
			{"expiry and ttl", fmt.Sprintf(`name = "tf-bad"
type = "time_bound"
ttl = "24h"
expires_at = %q`, time.Now().Add(time.Hour).UTC().Format(time.RFC3339)), `(?s)Invalid Attribute Combination.*ttl|expires_at`},
			{"ttl in days", `name = "tf-bad"
type = "time_bound"
ttl = "30d"`, `no unit for days; write "720h"`},
			{"ttl of a nanosecond", `name = "tf-bad"
type = "time_bound"
ttl = "1ns"`, `(?s)"1ns" is shorter than the least allowed here, 1m0s`},
			{"ttl under a second", `name = "tf-bad"
type = "time_bound"
ttl = "500ms"`, `(?s)"500ms" is shorter than the least allowed here, 1m0s`},
			{"name with a bidirectional override", "name = \"tf-\u202Edab\"\ntype = \"unlimited\"",
				`(?s)U\+202E, a control or\s+formatting character`},
			{"name with a newline", "name = \"tf-\\nbad\"\ntype = \"unlimited\"", `U\+000A`},
			{"too many tags", fmt.Sprintf(`name = "tf-bad"
type = "unlimited"
tags = [%s]`, `"a.t`+strings.Join(manyStrings(maxSetElements+1), `", "a.t`)+`"`), `has 1001 elements; a key takes at\s+most 1000`},
			{"ttl on another type", `name = "tf-bad"
type = "uses"
uses = 1
ttl = "1h"`, `ttl can only be set when type is "time_bound"`},
			{"bad type", `name = "tf-bad"
type = "forever"`, `value must be one of`},
			{"bad network name", `name = "tf-bad"
type = "unlimited"
networks = ["Prod Net"]`, `not a Netmaker network name`},
			{"bad gateway UUID", `name = "tf-bad"
type = "unlimited"
gateway_id = "gw-1"`, `"gw-1" is not a UUID`},
			{"nil gateway UUID", `name = "tf-bad"
type = "unlimited"
gateway_id = "00000000-0000-0000-0000-000000000000"`, `leave the attribute unset`},
			{"unknown gateway", fmt.Sprintf(`name = "tf-bad"
type = "unlimited"
networks = ["tf-taken-net"]
gateway_id = %q`, unknownGateway), `(?s)Gateway not found.*` + unknownGateway + `\s+was not found`},
			{"gateway and auto select", fmt.Sprintf(`name = "tf-bad"
type = "unlimited"
auto_select_gateway = true
gateway_id = %q`, unknownGateway), `gateway_id cannot be set while auto_select_gateway is true`},
		}
		steps := make([]resource.TestStep, 0, len(tests))
		for _, tt := range tests {
			steps = append(steps, resource.TestStep{
				Config:      keyConfig(srv, tt.body),
				ExpectError: regexp.MustCompile(tt.want),
			})
		}
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps:                    steps,
		})
		if k, ok := srv.KeyByName("tf-bad"); ok {
			t.Errorf("a rejected configuration left a key on the server: %+v", k)
		}
	})
}

// TestAccEnrollmentKeyResource_duplicateName declares two keys with one name.
func TestAccEnrollmentKeyResource_duplicateName(t *testing.T) {
	eachGenerationParallel(t, func(t *testing.T, srv *netmakertest.Server) {
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy:             checkNoKey(srv, "tf-dup"),
			Steps: []resource.TestStep{
				{Config: keyConfig(srv, `name = "tf-dup"
type = "unlimited"
tags = ["a.first"]`)},
				{
					Config: keyConfig(srv, `name = "tf-dup"
type = "unlimited"
tags = ["a.first"]`) + keyHCL("second", `name = "tf-dup"`, `type = "uses"`, `uses = 2`),
					// Whichever the plan meets first: the create of a taken name,
					// or the existing key's plan after a create claimed its name.
					ExpectError: regexp.MustCompile(`(?s)Key name already taken.*already\s+has\s+an\s+enrollment\s+key\s+named\s+"tf-dup".*terraform\s+import|Two resources create one key.*"tf-dup"`),
				},
			},
		})
		n := 0
		for _, k := range srv.Keys() {
			if k.Name == "tf-dup" {
				n++
			}
		}
		if n != 0 {
			t.Errorf("%d keys named tf-dup left after destroy", n)
		}
	})
}
