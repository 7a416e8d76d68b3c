package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

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

// TestAccEnrollmentKeyRotationFailsMidway makes the second half of a
// rotation fail and checks that state still follows the server and that the
// next apply converges.
func TestAccEnrollmentKeyRotationFailsMidway(t *testing.T) {
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
				return fmt.Sprintf(`
provider "netmaker" {
  host        = %q
  api_token   = %q
  max_retries = 0
}

resource "netmaker_enrollment_key" "test" {
  name               = "tf-midway"
  type               = "uses"
  uses               = 5
  tags               = ["tf-net-a.web"]
  regenerate_trigger = %q
}
`, srv.URL(), testMasterKey, trigger)
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
						Check: func(*terraform.State) error {
							before, _ = srv.KeyByName("tf-midway")
							return nil
						},
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
								true:  plancheck.ResourceActionCreate, // v1.5: the failed re-create left no key
								false: plancheck.ResourceActionUpdate,
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
						Config: config("b"),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectEmptyPlan(),
						}},
					},
				},
			})
		})
	}
}
