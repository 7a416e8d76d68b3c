package provider

import (
	"context"
	"encoding/json"
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
						Check:  rememberServerKey(srv, "tf-lost-rot", &before),
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
	eachGeneration(t, func(t *testing.T, srv *netmakertest.Server) {
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

// TestAccEnrollmentKeyResource_ownershipLookAlikeWarns: the managed key is
// deleted outside Terraform and a key of the same name and settings is made
// in its place. It is adopted, never in silence: the plan warns that the key
// has another value and what to do if it is not yours, and changes nothing.
func TestAccEnrollmentKeyResource_ownershipLookAlikeWarns(t *testing.T) {
	eachGenerationWithCLI(t, generations, "reads the plan's warnings", func(t *testing.T, cli *terraformCLI, srv *netmakertest.Server) {
		testAccCreateNetworks(t, srv, "tf-net-a")
		cli.write("main.tf", cliProviderConfig(srv.URL())+`
resource "netmaker_enrollment_key" "k" {
  name     = "tf-look"
  type     = "uses"
  uses     = 3
  networks = ["tf-net-a"]
  tags     = ["tf-net-a.web"]
}
`)
		cli.init()
		cli.mustRun("apply", "-no-color", "-input=false", "-auto-approve")
		if err := srv.DeleteKeyByName("tf-look"); err != nil {
			t.Fatal(err)
		}
		testAccCreateKey(t, srv, netmaker.CreateKeyRequest{Name: "tf-look", Type: netmaker.KeyTypeUses, Uses: 3,
			Networks: []string{"tf-net-a"}, Tags: []string{"tf-net-a.web"}})
		lookAlike, _ := srv.KeyByName("tf-look")

		out := strings.Join(strings.Fields(cli.mustRun("plan", "-no-color", "-input=false", "-detailed-exitcode")), " ")
		for _, want := range []string{"Warning: Enrollment key found with another value", "If it is not yours, remove this resource from the state", "No changes."} {
			if !strings.Contains(out, want) {
				t.Fatalf("the plan does not say %q:\n%s", want, out)
			}
		}
		cli.mustRun("apply", "-refresh-only", "-no-color", "-input=false", "-auto-approve")
		if v := stateString(t, cli, "netmaker_enrollment_key.k", "value"); v != lookAlike.Value {
			t.Fatal("the state does not hold the adopted key's value")
		}
		if countKeys(srv, "tf-look") != 1 {
			t.Fatalf("%d keys named tf-look, want 1", countKeys(srv, "tf-look"))
		}
	})
}

// readKey drives the refresh of state with records against srv.
func readKey(t *testing.T, srv *netmakertest.Server, state enrollmentKeyModel, records keyRecords) (enrollmentKeyModel, bool, diag.Diagnostics) {
	t.Helper()
	client := testClient(t, srv)
	r := &enrollmentKeyResource{resourceData{data: &providerData{client: client, now: clock.System{}, ledger: newPlanLedger()}}}
	return r.readKey(context.Background(), state, records)
}

// TestEnrollmentKeyReadOwnership: what a refresh makes of the key of the
// name, by what the state and the records say.
func TestEnrollmentKeyReadOwnership(t *testing.T) {
	eachGeneration(t, func(t *testing.T, srv *netmakertest.Server) {
		testAccCreateKey(t, srv, netmaker.CreateKeyRequest{Name: "fleet", Networks: []string{"prod"}, Type: netmaker.KeyTypeUnlimited, Tags: []string{"prod.ci"}})
		k, _ := srv.KeyByName("fleet")
		state := planCheckState(planCheckKey("fleet", []string{"prod"}, []string{"prod.ci"}), false)
		state.Value = types.StringValue(k.Value)
		state.RegenerateTrigger = types.StringValue("one")
		elsewhere := state
		elsewhere.Value = types.StringValue("RECORDEDVALUEOFADELETEDKEY000000")
		foreign := elsewhere
		foreign.Tags = planCheckKey("x", nil, []string{"prod.other"}).Tags
		// A rotation from trigger one to two, of the key that had oldValue,
		// answered (the state holds the answer's value).
		answered := func(oldValue string) *rotationRecord {
			r := newRotationRecord(types.StringValue("two"), types.StringValue("one"), oldValue)
			r.Answered = true
			return r
		}

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
				"its token was regenerated by the netmaker_enrollment_key_rotate action or outside Terraform", func(t *testing.T, s enrollmentKeyModel) {
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
			{"another value, a rotation answered with a value the list lacks: the list's key, with a warning", elsewhere,
				keyRecords{rotation: answered("OLDVALUEBEFORETHEROTATION0000000")},
				"answered with a value that its list of keys does not have", func(t *testing.T, s enrollmentKeyModel) {
					if s.Value.ValueString() != k.Value || s.RegenerateTrigger.ValueString() != "two" {
						t.Errorf("value %s trigger %s, want the server's value and trigger two", s.Value, s.RegenerateTrigger)
					}
				}},
			{"a rotation answered as done, the old value still listed: not rotated, the plan rotates again", elsewhere,
				keyRecords{rotation: answered(k.Value)},
				"still has the key with the value from before the rotation", func(t *testing.T, s enrollmentKeyModel) {
					if s.Value.ValueString() != k.Value || s.RegenerateTrigger.ValueString() != "one" {
						t.Errorf("value %s trigger %s, want the server's value and the trigger from before (one)", s.Value, s.RegenerateTrigger)
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

// forgedRotation is an interceptor that, once armed, answers the first
// request of a rotation (method and path) with a body of its making, as a
// proxy or cache between Terraform and Netmaker might: the request reaches
// the server first when apply is set, and the key lists stay the server's.
type forgedRotation struct {
	t      *testing.T
	method string
	path   *regexp.Regexp
	apply  bool
	forge  func(answer map[string]any)

	mu            sync.Mutex
	armed, forged bool
}

func (f *forgedRotation) arm() { f.mu.Lock(); f.armed, f.forged = true, false; f.mu.Unlock() }

// disarm ends the forging and checks that it happened.
func (f *forgedRotation) disarm() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.armed && !f.forged {
		f.t.Error("the rotation to answer never came")
	}
	f.armed = false
}

func (f *forgedRotation) intercept(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.armed || f.forged || r.Method != f.method || !f.path.MatchString(r.URL.Path) {
		return false
	}
	var answer map[string]any
	if f.apply {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &answer) != nil {
			f.t.Errorf("the rotation behind the forged answer failed: %d %s", rec.Code, rec.Body)
			return false
		}
	} else {
		// Answered without reaching the server: the key as listed.
		answer = listedKey(f.t, r, next, strings.Split(r.URL.Path, "/")[4])
	}
	f.forge(answer)
	f.forged = true
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(answer); err != nil {
		f.t.Error(err)
	}
	return true
}

// listedKey answers the key with value as the server lists it, with the
// credentials of r.
func listedKey(t *testing.T, r *http.Request, next http.Handler, value string) map[string]any {
	list := httptest.NewRequest(http.MethodGet, "/api/v1/enrollment-keys", nil)
	list.Header = r.Header.Clone()
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, list)
	var keys []map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &keys); err != nil {
		t.Errorf("listing keys: %d %v", rec.Code, err)
	}
	for _, k := range keys {
		if k["value"] == value {
			return k
		}
	}
	t.Errorf("no key listed with the value rotated")
	return map[string]any{}
}

// TestAccEnrollmentKeyResource_ownershipForgedRotationAnswer: a rotation's
// answer disagrees with the server's list; the list is trusted, never the
// answer. An answer naming a value the list lacks (whole key otherwise) is
// taken in the apply, and the next refresh finds the list's key (with a
// warning): the next plan is empty and the state holds the server's value.
// An answer that is another key's is checked against the list in the apply
// itself: the state holds the server's value, no "inconsistent result". An
// answer of a rotation that never reached the server leaves the list's old
// value: the next refresh says so and the next plan rotates again.
func TestAccEnrollmentKeyResource_ownershipForgedRotationAnswer(t *testing.T) {
	forgedValue := func(srv **netmakertest.Server) func(map[string]any) {
		return func(answer map[string]any) {
			const v = "FORGEDVALUEOFAPROXYINBETWEEN0000"
			answer["value"], answer["token"] = v, (*srv).Token(v)
		}
	}
	anotherKeys := func(srv **netmakertest.Server) func(map[string]any) {
		return func(answer map[string]any) {
			other, _ := (*srv).KeyByName("tf-bystander")
			answer["value"], answer["token"] = other.Value, (*srv).Token(other.Value)
			if _, detail := answer["name"]; detail {
				answer["name"] = "tf-bystander"
			} else {
				answer["tags"] = []any{"tf-bystander"} // the list shape's name
			}
		}
	}
	tests := []struct {
		name    string
		apply   bool
		forge   func(srv **netmakertest.Server) func(map[string]any)
		onlyGen netmakertest.Generation
	}{
		{"a value the list lacks", true, forgedValue, ""},
		{"another key's answer", true, anotherKeys, ""},
		{"answered, never sent", false, forgedValue, netmakertest.GenerationCurrent},
	}
	for _, tt := range tests {
		for _, gen := range generations {
			if tt.onlyGen != "" && gen != tt.onlyGen {
				continue
			}
			t.Run(tt.name+"/"+string(gen), func(t *testing.T) {
				var srv *netmakertest.Server
				// Current servers regenerate; v1.5 deletes and creates the key again.
				forged := &forgedRotation{t: t, method: http.MethodPost, path: regexp.MustCompile(`/regenerate-token$`), apply: tt.apply, forge: tt.forge(&srv)}
				if gen == netmakertest.GenerationV15 {
					forged.path = createRoute
				}
				srv = newTestServerWithOptions(t, netmakertest.Options{Generation: gen, Intercept: forged.intercept})
				testAccCreateKey(t, srv, netmaker.CreateKeyRequest{Name: "tf-bystander", Networks: []string{"tf-net-a"}, Type: netmaker.KeyTypeUnlimited})
				bystander, _ := srv.KeyByName("tf-bystander")
				config := lostOutcomeConfig(srv, `  name               = "tf-forged"
  type               = "uses"
  uses               = 5
  networks           = ["tf-net-a"]
  tags               = ["tf-net-a.a"]
  regenerate_trigger = "two"`)
				var before netmakertest.Key
				rotated := func(want bool) resource.TestCheckFunc {
					return checkServerKey(srv, "tf-forged", func(k netmakertest.Key) error {
						if (k.Value != before.Value) != want {
							return fmt.Errorf("rotated on the server: %v, want %v", !want, want)
						}
						if other, _ := srv.KeyByName("tf-bystander"); other.Value != bystander.Value {
							return fmt.Errorf("the bystander key changed")
						}
						return nil
					})
				}
				next := resource.TestStep{
					PreConfig: forged.disarm,
					Config:    config,
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
					Check: checkStateMatchesServer(srv, keyAddr, "tf-forged"),
				}
				applyCheck := rotated(true)
				apply := resource.TestStep{PreConfig: forged.arm, Config: config}
				switch {
				case !tt.apply:
					applyCheck = rotated(false)
					apply.ExpectNonEmptyPlan = true // the refresh after it finds the rotation undone
					next.ConfigPlanChecks = plannedAction(keyAddr, plancheck.ResourceActionUpdate)
					next.Check = resource.ComposeAggregateTestCheckFunc(rotated(true), checkStateMatchesServer(srv, keyAddr, "tf-forged"))
				case gen != netmakertest.GenerationV15 && tt.name == "another key's answer":
					// Checked against the list in the apply itself.
					applyCheck = resource.ComposeAggregateTestCheckFunc(applyCheck, checkStateMatchesServer(srv, keyAddr, "tf-forged"))
				}
				apply.Check = applyCheck
				resource.Test(t, resource.TestCase{
					PreCheck:                 func() { testAccPreCheck(t) },
					ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
					CheckDestroy:             checkNoKey(srv, "tf-forged"),
					Steps: []resource.TestStep{
						{
							Config: strings.Replace(config, `"two"`, `"one"`, 1),
							Check:  rememberServerKey(srv, "tf-forged", &before),
						},
						apply,
						next,
					},
				})
			})
		}
	}
}
