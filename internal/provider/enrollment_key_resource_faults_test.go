package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/clock"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

// Acceptance tests of netmaker_enrollment_key against a misbehaving server:
// random faults, lost create answers, failing refreshes and reads, and a
// rotation that fails midway. A session that expires in the middle of an
// apply is the provider's (provider_test.go).

const (
	faultKeys   = 50
	faultPrefix = "fault-"
	routeCreate = "POST /api/v1/enrollment-keys"
)

// faultKeysConfig declares faultKeys keys of mixed types (time-bound ones
// by expires_at and by ttl, whose expiry only the create's record knows)
// that all rotate, and change their device tag, when trigger changes. The
// provider retries far more than the default.
func faultKeysConfig(url, trigger, expires string) string {
	return fmt.Sprintf(`%s

locals {
  types = ["unlimited", "uses", "time_bound", "time_bound"]
}

resource "netmaker_enrollment_key" "k" {
  count              = %d
  name               = format("%s%%02d", count.index)
  type               = local.types[count.index %% 4]
  uses               = count.index %% 4 == 1 ? 3 : null
  expires_at         = count.index %% 4 == 2 ? %q : null
  ttl                = count.index %% 4 == 3 ? "720h" : null
  networks           = ["fault-net-${count.index %% 2}"]
  tags               = [%s]
  regenerate_trigger = %q
}
`, providerBlock(url, `max_retries = 20`), faultKeys, faultPrefix, expires, faultTag("${count.index % 2}", trigger), trigger)
}

// faultTag is the device tag a fault key of network fault-net-<net> has
// for trigger, quoted for HCL.
func faultTag(net, trigger string) string {
	return fmt.Sprintf(`"fault-net-%s.%s"`, net, trigger)
}

// checkExactlyDeclared asserts that the server holds exactly the declared
// keys (each name once, no other key), of the declared types and with the
// device tag of trigger, and that state records each key's current value.
// It records the values in seen.
func checkExactlyDeclared(srv *netmakertest.Server, trigger string, seen map[string]string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		byName := map[string][]netmakertest.Key{}
		for _, k := range srv.Keys() {
			byName[k.Name] = append(byName[k.Name], k)
		}
		for name, ks := range byName {
			var i int
			if _, err := fmt.Sscanf(name, faultPrefix+"%02d", &i); err != nil || i < 0 || i >= faultKeys {
				return fmt.Errorf("orphan key %q on the server (%d of them)", name, len(ks))
			}
			if len(ks) != 1 {
				return fmt.Errorf("%d keys named %q on the server", len(ks), name)
			}
		}
		if len(byName) != faultKeys {
			return fmt.Errorf("the server holds %d of the %d declared keys", len(byName), faultKeys)
		}
		wantType := []int{netmakertest.TypeUnlimited, netmakertest.TypeUses, netmakertest.TypeTimeBound, netmakertest.TypeTimeBound}
		for i := range faultKeys {
			name := fmt.Sprintf("%s%02d", faultPrefix, i)
			k := byName[name][0]
			if k.Type != wantType[i%4] {
				return fmt.Errorf("%s has type %d, want %d", name, k.Type, wantType[i%4])
			}
			if tag := strings.Trim(faultTag(fmt.Sprint(i%2), trigger), `"`); len(k.Groups) != 1 || k.Groups[0] != tag {
				return fmt.Errorf("%s has tags %q, want [%q]", name, k.Groups, tag)
			}
			rs, ok := s.RootModule().Resources[fmt.Sprintf("netmaker_enrollment_key.k.%d", i)]
			if !ok {
				return fmt.Errorf("%s is not in state", name)
			}
			if rs.Primary.Attributes["value"] != k.Value {
				return fmt.Errorf("state does not hold the server's value of %s", name)
			}
			seen[name] = k.Value
		}
		return nil
	}
}

// checkAllRotated asserts that no key kept a value recorded in before.
func checkAllRotated(srv *netmakertest.Server, before map[string]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if len(before) != faultKeys {
			return fmt.Errorf("only %d values recorded before the rotation", len(before))
		}
		for _, k := range srv.Keys() {
			if before[k.Name] == k.Value {
				return fmt.Errorf("%s was not rotated", k.Name)
			}
		}
		return nil
	}
}

// checkRetried asserts that faults forced the provider to send more
// creates than there are keys, so that the test exercised the retries.
func checkRetried(srv *netmakertest.Server) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if n := srv.Stats()[routeCreate]; n <= faultKeys {
			return fmt.Errorf("%d create requests for %d keys: the faults did not hit any create", n, faultKeys)
		}
		return nil
	}
}

// TestAccEnrollmentKeyResource_faultsManyKeys applies, rotates (with a tag
// change in the same apply) and destroys 50 keys while the server fails 20%
// of all requests (429, 502-504, resets, applied requests whose answer is
// lost), from the first refresh to the last destroy.
func TestAccEnrollmentKeyResource_faultsManyKeys(t *testing.T) {
	for _, gen := range generations {
		t.Run(string(gen), func(t *testing.T) {
			srv := newTestServerWithOptions(t, netmakertest.Options{
				Generation: gen,
				Seed:       20261126,
				Faults:     netmakertest.Faults{Rate: 0.2, RetryAfter: "0"},
			})
			expires := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
			created, rotated := map[string]string{}, map[string]string{}
			empty := resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             checkServerEmpty(srv),
				Steps: []resource.TestStep{
					{
						Config:           faultKeysConfig(srv.URL(), "one", expires),
						ConfigPlanChecks: empty,
						Check:            resource.ComposeAggregateTestCheckFunc(checkExactlyDeclared(srv, "one", created), checkRetried(srv)),
					},
					{
						Config:   faultKeysConfig(srv.URL(), "one", expires),
						PlanOnly: true,
					},
					{
						Config: faultKeysConfig(srv.URL(), "two", expires),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("netmaker_enrollment_key.k[7]", plancheck.ResourceActionUpdate)},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: resource.ComposeAggregateTestCheckFunc(checkExactlyDeclared(srv, "two", rotated), checkAllRotated(srv, created)),
					},
					{
						Config:   faultKeysConfig(srv.URL(), "two", expires),
						PlanOnly: true,
					},
				},
			})
		})
	}
}

// hangUp resets the connection without an answer.
func hangUp(t *testing.T, w http.ResponseWriter) {
	if err := netmakertest.HangUp(w); err != nil {
		t.Error(err)
	}
}

// loseFirstCreate applies the first create of a key named name (after
// letting mutate change its body), then hangs up as if the answer were
// lost on the way back. Later requests pass untouched.
func loseFirstCreate(t *testing.T, name string, mutate func(map[string]any)) netmakertest.Interceptor {
	var mu sync.Mutex
	done := false
	return func(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
		if r.Method != http.MethodPost || r.URL.Path != "/api/v1/enrollment-keys" {
			return false
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("reading a create: %v", err)
			return false
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		var req map[string]any
		if err := json.Unmarshal(body, &req); err != nil {
			t.Errorf("create body: %v", err)
			return false
		}
		mu.Lock()
		defer mu.Unlock()
		if done || fmt.Sprint(req["tags"]) != "["+name+"]" {
			return false
		}
		done = true
		if mutate != nil {
			mutate(req)
			body, _ = json.Marshal(req)
		}
		r2 := r.Clone(r.Context())
		r2.Body = io.NopCloser(bytes.NewReader(body))
		r2.ContentLength = int64(len(body))
		applied := httptest.NewRecorder()
		next.ServeHTTP(applied, r2)
		if applied.Code != http.StatusOK {
			t.Errorf("the create behind the lost answer failed: %d %s", applied.Code, applied.Body)
		}
		hangUp(t, w)
		return true
	}
}

var lostCreateKey = keyHCL("lost", `name = "tf-lost"`, `type = "uses"`, `uses = 4`, `networks = ["tf-net-a"]`)

// TestAccEnrollmentKeyResource_faultsLostCreateAdopted: the server applies a create and the
// answer is lost; the retry meets "key names must be unique", and the
// provider adopts the key because it is what was asked for.
func TestAccEnrollmentKeyResource_faultsLostCreateAdopted(t *testing.T) {
	for _, gen := range generations {
		t.Run(string(gen), func(t *testing.T) {
			srv := newTestServerWithOptions(t, netmakertest.Options{Generation: gen, Intercept: loseFirstCreate(t, "tf-lost", nil)})
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             checkServerEmpty(srv),
				Steps: []resource.TestStep{{
					Config: providerConfig(srv) + lostCreateKey,
					Check: resource.ComposeAggregateTestCheckFunc(
						func(s *terraform.State) error {
							if n := srv.Stats()[routeCreate]; n != 2 {
								return fmt.Errorf("%d create requests, want the lost one and its retry", n)
							}
							return nil
						},
						checkStateMatchesServer(srv, "netmaker_enrollment_key.lost", "tf-lost"),
						checkServerKey(srv, "tf-lost", func(k netmakertest.Key) error {
							if k.Type != netmakertest.TypeUses || k.UsesRemaining != 4 {
								return fmt.Errorf("adopted key is %+v", k)
							}
							return nil
						}),
					),
				}},
			})
		})
	}
}

// TestAccEnrollmentKeyResource_faultsLostCreateOtherKey: the create is lost and, meanwhile, a
// key of the same name but other settings exists. The provider must not
// adopt it, must not create a second one, and must name the key.
func TestAccEnrollmentKeyResource_faultsLostCreateOtherKey(t *testing.T) {
	for _, gen := range generations {
		t.Run(string(gen), func(t *testing.T) {
			srv := newTestServerWithOptions(t, netmakertest.Options{Generation: gen, Intercept: loseFirstCreate(t, "tf-lost", func(req map[string]any) {
				req["networks"] = []string{"someone-elses-net"}
			})})
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy: func(*terraform.State) error {
					// Nothing was adopted, so nothing was destroyed: the other
					// key is still there, alone and unchanged.
					if n := countKeys(srv, "tf-lost"); n != 1 {
						return fmt.Errorf("%d keys named tf-lost, want the other one only", n)
					}
					k, _ := srv.KeyByName("tf-lost")
					if len(k.Networks) != 1 || k.Networks[0] != "someone-elses-net" {
						return fmt.Errorf("the other key changed: %+v", k)
					}
					return nil
				},
				Steps: []resource.TestStep{{
					Config:      providerConfig(srv) + lostCreateKey,
					ExpectError: regexp.MustCompile(`(?s)Key name already taken.*"tf-lost".*exists with other settings`),
				}},
			})
		})
	}
}

// TestAccEnrollmentKeyResource_faultsFailedRefreshKeepsState: while every request answers 502,
// a refresh is an error; the state survives it, and once the server is
// back the plan is clean.
func TestAccEnrollmentKeyResource_faultsFailedRefreshKeepsState(t *testing.T) {
	srv := newTestServerWithOptions(t, netmakertest.Options{Generation: netmakertest.GenerationCurrent})
	config := fmt.Sprintf(`%s

resource "netmaker_enrollment_key" "a" {
  name = "tf-keep-a"
  type = "unlimited"
}

resource "netmaker_enrollment_key" "b" {
  name = "tf-keep-b"
  type = "uses"
  uses = 2
}
`, providerBlock(srv.URL(), `max_retries = 2`))
	var valueA string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkServerEmpty(srv),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					valueA = s.RootModule().Resources["netmaker_enrollment_key.a"].Primary.Attributes["value"]
					return nil
				},
			},
			{
				PreConfig: func() {
					srv.ResetStats()
					srv.SetFaults(netmakertest.Faults{Rate: 1, BadGateway: true})
				},
				Config:      config,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`50[234]`),
			},
			{
				PreConfig: func() {
					srv.SetFaults(netmakertest.Faults{})
					if n := srv.Stats()["GET /api/v1/enrollment-keys"]; n < 3 {
						t.Errorf("the failed refresh listed %d times, want the first attempt and 2 retries at least", n)
					}
				},
				Config:   config,
				PlanOnly: true,
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrWith("netmaker_enrollment_key.a", "value", func(v string) error {
						if v != valueA {
							return fmt.Errorf("the key's value changed across the failed refresh")
						}
						return nil
					}),
					checkStateMatchesServer(srv, "netmaker_enrollment_key.a", "tf-keep-a"),
					checkStateMatchesServer(srv, "netmaker_enrollment_key.b", "tf-keep-b"),
				),
			},
		},
	})
}

// TestAccEnrollmentKeyResource_faultsFailedReadKeepsState reaches the resource's own read error:
// with the list cache on, a refresh lists once (at configure), so the
// provider runs in its naive mode (one list per read, as the benchmark
// builds it). While failing, the first request on each connection (the
// configure-time credential check of a provider process) passes, and every
// later list on it (the read and its retries) answers 502.
func TestAccEnrollmentKeyResource_faultsFailedReadKeepsState(t *testing.T) {
	var (
		mu      sync.Mutex
		failing bool
		failed  int
		seen    = map[string]bool{}
	)
	srv := newTestServerWithOptions(t, netmakertest.Options{
		Generation: netmakertest.GenerationCurrent,
		Intercept: func(w http.ResponseWriter, r *http.Request, _ http.Handler) bool {
			if r.Method != http.MethodGet || r.URL.Path != "/api/v1/enrollment-keys" {
				return false
			}
			mu.Lock()
			defer mu.Unlock()
			first := !seen[r.RemoteAddr]
			seen[r.RemoteAddr] = true
			if !failing || first {
				return false
			}
			failed++
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = io.WriteString(w, "<html><body><h1>502 Bad Gateway</h1></body></html>\n")
			return true
		},
	})
	setFailing := func(on bool) {
		mu.Lock()
		defer mu.Unlock()
		failing = on
		if !on && failed < 2 {
			t.Errorf("%d lists failed, want a read and its retry at least", failed)
		}
	}
	config := fmt.Sprintf(`%s

resource "netmaker_enrollment_key" "a" {
  name = "tf-read-a"
  type = "unlimited"
}
`, providerBlock(srv.URL(), `max_retries = 1`))
	var value string
	resource.Test(t, resource.TestCase{
		PreCheck: func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"netmaker": providerserver.NewProtocol6WithError(&NetmakerProvider{version: "test", clock: clock.System{}, listCacheDisabled: true}),
		},
		CheckDestroy: checkServerEmpty(srv),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					value = s.RootModule().Resources["netmaker_enrollment_key.a"].Primary.Attributes["value"]
					return nil
				},
			},
			{
				PreConfig:   func() { setFailing(true) },
				Config:      config,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Could not read enrollment key.*"tf-read-a".*state is kept.*502`),
			},
			{
				PreConfig:        func() { setFailing(false) },
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrWith("netmaker_enrollment_key.a", "value", func(v string) error {
						if v == "" || v != value {
							return fmt.Errorf("the key's value changed across the failed read")
						}
						return nil
					}),
					checkStateMatchesServer(srv, "netmaker_enrollment_key.a", "tf-read-a"),
				),
			},
		},
	})
}

// failOnce, while armed, answers the next request matching method and path
// with a 500, and disarms — after passing the request on to the server when
// applyFirst is set (the change happens, its answer is an error). Netmaker
// answers 500 for validation errors, so the client does not retry it.
func failOnce(armed *atomic.Bool, method string, path *regexp.Regexp, applyFirst bool) netmakertest.Interceptor {
	return func(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
		if r.Method != method || !path.MatchString(r.URL.Path) || !armed.CompareAndSwap(true, false) {
			return false
		}
		if applyFirst {
			next.ServeHTTP(httptest.NewRecorder(), r)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"Code":500,"Message":"simulated failure","Response":null}`))
		return true
	}
}

// TestAccEnrollmentKeyResource_faultsRotationFailsMidway makes the second half of a
// rotation fail and checks that state still follows the server and that the
// next apply converges.
func TestAccEnrollmentKeyResource_faultsRotationFailsMidway(t *testing.T) {
	for _, gen := range generations {
		t.Run(string(gen), func(t *testing.T) {
			// v1.5 rotates by delete + create: fail the create. Current
			// servers regenerate: let it happen and lose its answer.
			var armed atomic.Bool
			fail := failOnce(&armed, http.MethodPost, regexp.MustCompile(`^/api/v1/enrollment-keys$`), false)
			if gen != netmakertest.GenerationV15 {
				fail = failOnce(&armed, http.MethodPost, regexp.MustCompile(`/regenerate-token$`), true)
			}
			srv := newTestServerWithOptions(t, netmakertest.Options{Generation: gen, Intercept: fail})
			config := func(trigger string) string {
				return providerBlock(srv.URL(), `max_retries = 0`) + keyHCL("test",
					`name = "tf-midway"`, `type = "uses"`, `uses = 5`, `tags = ["tf-net-a.web"]`, fmt.Sprintf("regenerate_trigger = %q", trigger))
			}
			var before netmakertest.Key
			wantErr := `(?s)"tf-midway"\s+was\s+deleted\s+to\s+be\s+created\s+again,\s+but\s+creating\s+it\s+failed.*old\s+token.*simulated\s+failure`
			if gen != netmakertest.GenerationV15 {
				wantErr = `(?s)Rotating\s+the\s+token\s+of\s+key\s+"tf-midway"\s+failed.*simulated\s+failure`
			}
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             checkNoKey(srv, "tf-midway"),
				Steps: []resource.TestStep{
					{
						Config: config("a"),
						Check:  rememberServerKey(srv, "tf-midway", &before),
					},
					{
						PreConfig:   func() { armed.Store(true) },
						Config:      config("b"),
						ExpectError: regexp.MustCompile(wantErr),
					},
					{
						// The next plan sees the server as it is, and the apply converges.
						PreConfig: func() {
							if armed.Load() {
								t.Fatal("the failure was not triggered")
							}
							k, exists := srv.KeyByName("tf-midway")
							switch gen {
							case netmakertest.GenerationV15:
								if exists {
									t.Fatalf("v1.5: the key should be gone after the failed recreate: %+v", k)
								}
							default:
								if !exists || k.Value == before.Value {
									t.Fatalf("current: the regeneration should have happened: %+v", k)
								}
							}
						},
						Config: config("b"),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(keyAddr, map[bool]plancheck.ResourceActionType{
								true: plancheck.ResourceActionCreate, // v1.5: the failed re-create left no key
								// The regeneration happened, its answer an error: the record
								// of it makes the refresh take the new token, with no second rotation.
								false: plancheck.ResourceActionNoop,
							}[gen == netmakertest.GenerationV15]),
						}},
						Check: resource.ComposeAggregateTestCheckFunc(
							checkStateMatchesServer(srv, keyAddr, "tf-midway"),
							checkServerKey(srv, "tf-midway", func(k netmakertest.Key) error {
								if k.Value == before.Value || len(k.Groups) != 1 {
									return fmt.Errorf("key after recovery: %+v", k)
								}
								return nil
							}),
						),
					},
					{
						Config:           config("b"),
						ConfigPlanChecks: emptyPlan(),
					},
				},
			})
		})
	}
}
