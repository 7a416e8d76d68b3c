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
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

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
		ID: types.StringUnknown(), Name: types.StringValue(name), Networks: set(networks), Type: types.StringValue(keyTypeUnlimited),
		Uses: types.Int64Null(), UsesRemaining: types.Int64Unknown(), ExpiresAt: types.StringNull(), TTL: types.StringNull(),
		Tags: set(tags), GatewayID: types.StringNull(), AutoSelectGateway: types.BoolValue(false), AutoEgress: types.BoolValue(false),
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
	var schemaResp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &schemaResp)
	sch := schemaResp.Schema
	typ := sch.Type().TerraformType(ctx)
	cfg := tfsdk.State{Schema: sch, Raw: tftypes.NewValue(typ, nil)}
	if d := cfg.Set(ctx, config); d.HasError() {
		t.Fatal(d)
	}
	st := tfsdk.State{Schema: sch, Raw: tftypes.NewValue(typ, nil)}
	if state != nil {
		if d := st.Set(ctx, *state); d.HasError() {
			t.Fatal(d)
		}
	}
	var vresp resource.ValidateConfigResponse
	r.ValidateConfig(ctx, resource.ValidateConfigRequest{Config: tfsdk.Config{Schema: sch, Raw: cfg.Raw}}, &vresp)
	req := resource.ModifyPlanRequest{
		State:  st,
		Config: tfsdk.Config{Schema: sch, Raw: cfg.Raw},
		Plan:   tfsdk.Plan{Schema: sch, Raw: cfg.Raw},
	}
	resp := resource.ModifyPlanResponse{Plan: req.Plan}
	r.ModifyPlan(ctx, req, &resp)
	return append(vresp.Diagnostics, resp.Diagnostics...)
}

// TestEnrollmentKeyPlanChecks: the plan-time checks that need the server,
// against the test server of each generation, warnings included (which
// acceptance tests cannot see).
func TestEnrollmentKeyPlanChecks(t *testing.T) {
	t.Parallel()
	for _, gen := range generations {
		t.Run(string(gen), func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t, gen)
			testAccCreateNetworks(t, srv, "prod", "lab")
			testAccCreateKey(t, srv, netmaker.CreateKeyRequest{Name: "fleet", Networks: []string{"prod"}, Type: netmaker.KeyTypeUnlimited})
			client, err := netmaker.New(netmaker.Config{Host: srv.URL(), APIToken: testMasterKey})
			if err != nil {
				t.Fatal(err)
			}
			r := &enrollmentKeyResource{data: &providerData{client: client, now: time.Now}}
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
				// Exactly the settings of the key of that name: possibly this
				// resource's own lost create (the apply recovers or refuses it).
				{"new key exactly like the key of its name", nil, planCheckKey("fleet", []string{"prod"}, nil), "", nil},
				{"new key named like a network's auto-generated key", nil, planCheckKey("lab", nil, nil),
					`the key "lab", which Netmaker generated for network "lab"`, nil},
				{"adopted (imported) key keeps its name", ptr(planCheckState(prodDefault, true)), prodDefault, "", nil},
				{"misspelt network", nil, planCheckKey("tf-new", []string{"prdo", "prod"}, nil), "", []string{`has no network "prdo"`}},
				{"tag without a network", nil, planCheckKey("tf-new", []string{"prod"}, []string{"contractors"}), "",
					[]string{`Write it as "prod.contractors"`}},
				{"tag of a network the key does not join", nil, planCheckKey("tf-new", []string{"prod"}, []string{"lab.x"}), "",
					[]string{`belongs to network "lab", but this key's networks are prod`}},
				{"networks of a default key changed", ptr(planCheckState(prodDefault, true)),
					with(prodDefault, func(m *enrollmentKeyModel) { m.Networks = planCheckKey("x", []string{"prod", "lab"}, nil).Networks }),
					"Netmaker refuses to delete a network's default key", nil},
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
			if gen == netmakertest.GenerationV15 {
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
}

// TestAccEnrollmentKeyPlanChecks_defaultKeyNetworks: changing the networks
// of an adopted default key fails at plan, and the key survives.
func TestAccEnrollmentKeyPlanChecks_defaultKeyNetworks(t *testing.T) {
	t.Parallel()
	for _, gen := range generations {
		t.Run(string(gen), func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t, gen)
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
			tfresource.Test(t, tfresource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				TerraformVersionChecks:   skipWithoutRemovedBlocks,
				Steps: []tfresource.TestStep{
					{Config: adopt(`["tf-pc-net"]`)},
					{
						Config:      adopt(`["tf-pc-net", "tf-pc-other"]`),
						ExpectError: regexp.MustCompile(`(?s)Cannot change the networks of a default key.*refuses\s+to\s+delete\s+a\s+network's\s+default\s+key`),
					},
					{
						// Forget the adopted key instead of destroying it.
						Config: providerConfig(srv) + "removed {\n  from = netmaker_enrollment_key.adopted\n  lifecycle {\n    destroy = false\n  }\n}\n",
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
}
