package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/clock"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

// Which key is netmaker_enrollment_key's is decided from the record of what
// it sent: a create or a rotation whose answer (and every list after it) is
// lost settles on the next apply, a key that only looks like the managed one
// is adopted with a warning, and another's key of the same name is never
// touched and never blocks a destroy.

// outcomeLost is an interceptor that, once armed, lets the first request
// matching method and path through to the server and hangs up on its
// answer, then hangs up on every key list until disarmed: the provider
// cannot learn whether the write happened.
type outcomeLost struct {
	t      *testing.T
	method string
	path   *regexp.Regexp

	mu      sync.Mutex
	armed   bool
	lost    bool // the write was applied and its answer lost
	lists   int  // key lists lost since
	applied int
}

func (o *outcomeLost) arm() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.armed, o.lost, o.lists = true, false, 0
}

// disarm ends the blackout and checks that it happened.
func (o *outcomeLost) disarm() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.armed && !o.lost {
		o.t.Error("the write to lose never came")
	}
	o.armed, o.lost = false, false
}

func (o *outcomeLost) intercept(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	switch {
	case !o.armed:
		return false
	case o.lost && r.Method == http.MethodGet && r.URL.Path == "/api/v1/enrollment-keys":
		o.lists++
		hangUp(o.t, w)
		return true
	case !o.lost && r.Method == o.method && o.path.MatchString(r.URL.Path):
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		if rec.Code != http.StatusOK {
			o.t.Errorf("the write behind the lost answer failed: %d %s", rec.Code, rec.Body)
		}
		o.lost = true
		o.applied++
		hangUp(o.t, w)
		return true
	}
	return false
}

// lostOutcomeConfig is a provider that retries once, and one key.
func lostOutcomeConfig(srv *netmakertest.Server, body string) string {
	return fmt.Sprintf(`%s

resource "netmaker_enrollment_key" "test" {
%s
}
`, providerBlock(srv.URL(), `max_retries = 1`), body)
}

var createRoute = regexp.MustCompile(`^/api/v1/enrollment-keys$`)

// TestAccEnrollmentKeyResource_ownershipLostCreateSettles: a ttl key's create
// is applied, its answer and every list after it lost. The apply fails with
// the resource tainted; the next apply finds the key by the record of what
// was sent (an absolute expiry, not now + ttl) and replaces it: one key,
// whose value the state holds, and destroy works. The same when the tags
// change between the two applies, and when the next command is a destroy.
func TestAccEnrollmentKeyResource_ownershipLostCreateSettles(t *testing.T) {
	const key = `  name     = "tf-lost-ttl"
  type     = "time_bound"
  ttl      = "720h"
  networks = ["tf-net-a"]
  tags     = [%s]`
	for _, gen := range generations {
		for _, tc := range []struct {
			name          string
			tagsAfter     string
			destroyAtOnce bool
		}{
			{name: "same config", tagsAfter: `"tf-net-a.web"`},
			{name: "tags changed", tagsAfter: `"tf-net-a.db"`},
			{name: "destroy next", tagsAfter: `"tf-net-a.web"`, destroyAtOnce: true},
		} {
			t.Run(string(gen)+"/"+tc.name, func(t *testing.T) {
				lose := &outcomeLost{t: t, method: http.MethodPost, path: createRoute}
				srv := newTestServerWithOptions(t, netmakertest.Options{Generation: gen, Intercept: lose.intercept})
				second := resource.TestStep{
					PreConfig: lose.disarm,
					Config:    lostOutcomeConfig(srv, fmt.Sprintf(key, tc.tagsAfter)),
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionDestroyBeforeCreate)},
						PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
					Check: resource.ComposeAggregateTestCheckFunc(
						func(*terraform.State) error {
							if n := countKeys(srv, "tf-lost-ttl"); n != 1 {
								return fmt.Errorf("%d keys named tf-lost-ttl, want 1", n)
							}
							return nil
						},
						checkStateMatchesServer(srv, keyAddr, "tf-lost-ttl"),
					),
				}
				if tc.destroyAtOnce {
					second = resource.TestStep{PreConfig: lose.disarm, Config: lostOutcomeConfig(srv, fmt.Sprintf(key, tc.tagsAfter)), Destroy: true}
				}
				resource.Test(t, resource.TestCase{
					PreCheck:                 func() { testAccPreCheck(t) },
					ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
					CheckDestroy:             checkNoKey(srv, "tf-lost-ttl"),
					Steps: []resource.TestStep{
						{
							PreConfig:   lose.arm,
							Config:      lostOutcomeConfig(srv, fmt.Sprintf(key, `"tf-net-a.web"`)),
							ExpectError: regexp.MustCompile(`Enrollment key may have been created`),
						},
						second,
					},
				})
			})
		}
	}
}

// TestAccEnrollmentKeyResource_ownershipLostRotationWithTagChange: tags and
// regenerate_trigger change in one apply; the tag update succeeds, the
// rotation is applied and its answer (and the lists after it) lost. The
// state saved after the update and the record of the rotation keep the
// rotated key this resource's: the next plan is empty, the state holds the
// new value, and destroy deletes it.
func TestAccEnrollmentKeyResource_ownershipLostRotationWithTagChange(t *testing.T) {
	for _, gen := range generations {
		t.Run(string(gen), func(t *testing.T) {
			// Current servers regenerate; v1.5 deletes and creates the key again.
			rotation := &outcomeLost{t: t, method: http.MethodPost, path: regexp.MustCompile(`/regenerate-token$`)}
			if gen == netmakertest.GenerationV15 {
				rotation.path = createRoute
			}
			srv := newTestServerWithOptions(t, netmakertest.Options{Generation: gen, Intercept: rotation.intercept})
			config := func(tag, trigger string) string {
				return lostOutcomeConfig(srv, fmt.Sprintf(`  name               = "tf-lost-rot"
  type               = "uses"
  uses               = 5
  networks           = ["tf-net-a"]
  tags               = [%q]
  regenerate_trigger = %q`, tag, trigger))
			}
			var before netmakertest.Key
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             checkNoKey(srv, "tf-lost-rot"),
				Steps: []resource.TestStep{
					{
						Config: config("tf-net-a.a", "one"),
						Check:  func(*terraform.State) error { before, _ = srv.KeyByName("tf-lost-rot"); return nil },
					},
					{
						PreConfig:   rotation.arm,
						Config:      config("tf-net-a.b", "two"),
						ExpectError: regexp.MustCompile(`rotate|Rotat|created again`),
					},
					{
						PreConfig: rotation.disarm,
						Config:    config("tf-net-a.b", "two"),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: resource.ComposeAggregateTestCheckFunc(
							checkStateMatchesServer(srv, keyAddr, "tf-lost-rot"),
							checkServerKey(srv, "tf-lost-rot", func(k netmakertest.Key) error {
								if k.Value == before.Value {
									return fmt.Errorf("the key was not rotated")
								}
								if len(k.Groups) != 1 || k.Groups[0] != "tf-net-a.b" {
									return fmt.Errorf("tags %v, want [tf-net-a.b]", k.Groups)
								}
								return nil
							}),
							resource.TestCheckResourceAttr(keyAddr, "regenerate_trigger", "two"),
						),
					},
				},
			})
		})
	}
}

// TestAccEnrollmentKeyResource_ownershipForeignKeyDetaches: the managed key
// is deleted outside Terraform and someone else creates a key of the same
// name with other settings. It is never adopted, changed or deleted; the
// resource stays in state, detached, so that no plan fails on the taken
// name, and terraform destroy succeeds, leaving the other key alone.
func TestAccEnrollmentKeyResource_ownershipForeignKeyDetaches(t *testing.T) {
	for _, gen := range generations {
		t.Run(string(gen), func(t *testing.T) {
			srv := newTestServer(t, gen)
			config := keyConfig(srv, `  name     = "tf-foreign"
  type     = "uses"
  uses     = 3
  networks = ["tf-net-a"]
  tags     = ["tf-net-a.web"]`)
			var foreignValue string
			checkForeignUntouched := func() error {
				if n := countKeys(srv, "tf-foreign"); n != 1 {
					return fmt.Errorf("%d keys named tf-foreign, want the other user's only", n)
				}
				k, _ := srv.KeyByName("tf-foreign")
				if k.Value != foreignValue || k.Type != netmakertest.TypeUnlimited || len(k.Groups) != 0 ||
					len(k.Networks) != 1 || k.Networks[0] != "someone-else" {
					return fmt.Errorf("the other user's key changed: %+v", k)
				}
				return nil
			}
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             func(*terraform.State) error { return checkForeignUntouched() },
				Steps: []resource.TestStep{
					{Config: config},
					{
						PreConfig: func() {
							if err := srv.DeleteKeyByName("tf-foreign"); err != nil {
								t.Fatal(err)
							}
							foreignKey(t, srv.URL(), "tf-foreign", "someone-else")
							k, _ := srv.KeyByName("tf-foreign")
							foreignValue = k.Value
						},
						Config: config,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionNoop)},
						},
						Check: resource.ComposeAggregateTestCheckFunc(
							resource.TestCheckResourceAttr(keyAddr, "status", keyStatusDetached),
							resource.TestCheckNoResourceAttr(keyAddr, "value"),
							func(*terraform.State) error { return checkForeignUntouched() },
						),
					},
					{
						// A change is recorded, never sent to the other key.
						Config: strings.Replace(config, `"tf-net-a.web"`, `"tf-net-a.db"`, 1),
						Check:  func(*terraform.State) error { return checkForeignUntouched() },
					},
				},
			})
		})
	}
}

// readKey drives the refresh of state with records against srv.
func readKey(t *testing.T, srv *netmakertest.Server, state enrollmentKeyModel, records keyRecords) (enrollmentKeyModel, bool, diag.Diagnostics) {
	t.Helper()
	client, err := netmaker.New(netmaker.Config{Host: srv.URL(), APIToken: testMasterKey})
	if err != nil {
		t.Fatal(err)
	}
	r := &enrollmentKeyResource{resourceData{data: &providerData{client: client, now: clock.System{}, ledger: newPlanLedger()}}}
	return r.readKey(context.Background(), state, records)
}

// TestEnrollmentKeyReadOwnership: what a refresh makes of the key of the
// name, by what the state and the records say.
func TestEnrollmentKeyReadOwnership(t *testing.T) {
	for _, gen := range generations {
		t.Run(string(gen), func(t *testing.T) {
			srv := newTestServer(t, gen)
			testAccCreateKey(t, srv, netmaker.CreateKeyRequest{Name: "fleet", Networks: []string{"prod"}, Type: netmaker.KeyTypeUnlimited, Tags: []string{"prod.ci"}})
			k, _ := srv.KeyByName("fleet")
			state := planCheckState(planCheckKey("fleet", []string{"prod"}, []string{"prod.ci"}), false)
			state.Value = types.StringValue(k.Value)
			state.RegenerateTrigger = types.StringValue("one")
			elsewhere := state
			elsewhere.Value = types.StringValue("RECORDEDVALUEOFADELETEDKEY000000")
			foreign := elsewhere
			foreign.Tags = planCheckKey("x", nil, []string{"prod.other"}).Tags

			tests := []struct {
				name        string
				state       enrollmentKeyModel
				records     keyRecords
				wantWarning string
				check       func(t *testing.T, s enrollmentKeyModel)
			}{
				{"the recorded value", state, keyRecords{}, "", func(t *testing.T, s enrollmentKeyModel) {
					if s.Value.ValueString() != k.Value {
						t.Errorf("value not kept")
					}
				}},
				{"another value, the recorded settings: adopted with a warning", elsewhere, keyRecords{},
					"its token was regenerated outside Terraform", func(t *testing.T, s enrollmentKeyModel) {
						if s.Value.ValueString() != k.Value || s.RegenerateTrigger.ValueString() != "one" {
							t.Errorf("value %s trigger %s", s.Value, s.RegenerateTrigger)
						}
					}},
				{"another value, a rotation recorded: ours, rotated, silently", elsewhere,
					keyRecords{rotation: &rotationRecord{Trigger: "two"}}, "", func(t *testing.T, s enrollmentKeyModel) {
						if s.Value.ValueString() != k.Value || s.RegenerateTrigger.ValueString() != "two" {
							t.Errorf("value %s trigger %s, want the server's value and trigger two", s.Value, s.RegenerateTrigger)
						}
					}},
				{"another value and other settings: detached", foreign, keyRecords{}, "", func(t *testing.T, s enrollmentKeyModel) {
					if !isDetached(s) || !s.Value.IsNull() || !s.Token.IsNull() {
						t.Errorf("status %s value null %v: want detached, no value", s.Status, s.Value.IsNull())
					}
				}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					got, found, diags := readKey(t, srv, tt.state, tt.records)
					if diags.HasError() || !found {
						t.Fatalf("found %v, %v", found, diags)
					}
					warnings := diags.Warnings()
					switch {
					case tt.wantWarning == "" && len(warnings) > 0:
						t.Errorf("unexpected warnings %v", warnings)
					case tt.wantWarning != "" && (len(warnings) != 1 || !strings.Contains(warnings[0].Detail(), tt.wantWarning)):
						t.Errorf("warnings %v, want one containing %q", warnings, tt.wantWarning)
					}
					tt.check(t, got)
				})
			}
		})
	}
}
