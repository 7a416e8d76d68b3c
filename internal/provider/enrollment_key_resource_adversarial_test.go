package provider

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/clock"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

// Adversarial cases of netmaker_enrollment_key: a server that goes away in
// the middle of a create, a proxy answering 404, another user's key of the
// same name. `make test-adversarial` runs them with the client's.

// goneAfterCreate commits the first create of a key named name (when commit
// is set) and then stops answering every request, as a server killed right
// after its database write, until back is set.
func goneAfterCreate(t *testing.T, name string, commit bool, gone *atomic.Bool) netmakertest.Interceptor {
	var done atomic.Bool
	return func(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
		if gone.Load() {
			hangUp(t, w)
			return true
		}
		if r.Method != http.MethodPost || r.URL.Path != "/api/v1/enrollment-keys" || done.Load() {
			return false
		}
		body, err := io.ReadAll(r.Body)
		if err != nil || !strings.Contains(string(body), `"tags":["`+name+`"]`) {
			r.Body = io.NopCloser(strings.NewReader(string(body)))
			return false
		}
		done.Store(true)
		if commit {
			r2 := r.Clone(r.Context())
			r2.Body = io.NopCloser(strings.NewReader(string(body)))
			applied := httptest.NewRecorder()
			next.ServeHTTP(applied, r2)
			if applied.Code != http.StatusOK {
				t.Errorf("the create before the server went away failed: %d %s", applied.Code, applied.Body)
			}
		}
		gone.Store(true)
		hangUp(t, w)
		return true
	}
}

func goneConfig(url string) string {
	return providerBlock(url, `max_retries = 1`, `request_timeout = "2s"`) +
		keyHCL("gone", `name = "tf-gone"`, `type = "uses"`, `uses = 4`, `networks = ["tf-net-a"]`, `tags = ["tf-net-a.web"]`)
}

// TestAccEnrollmentKeyResource_AdversarialServerGoneAfterCreate: the server
// commits a create and stops answering before the provider can learn the
// outcome, even by a lookup. The apply fails with the resource saved as
// tainted; once the server is back, the next apply finds the key by name
// and replaces it: one key, no "name already taken", no import.
func TestAccEnrollmentKeyResource_AdversarialServerGoneAfterCreate(t *testing.T) {
	for _, commit := range []bool{true, false} {
		t.Run(fmt.Sprintf("committed=%v", commit), func(t *testing.T) {
			var gone atomic.Bool
			srv := newTestServerWithOptions(t, netmakertest.Options{Generation: netmakertest.GenerationCurrent, Intercept: goneAfterCreate(t, "tf-gone", commit, &gone)})
			const addr = "netmaker_enrollment_key.gone"
			var firstValue string
			secondAction := plancheck.ResourceActionCreate
			if commit {
				secondAction = plancheck.ResourceActionReplace
			}
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             checkServerEmpty(srv),
				Steps: []resource.TestStep{
					{
						Config:      goneConfig(srv.URL()),
						ExpectError: regexp.MustCompile(`(?s)Enrollment key may have been created.*saved\s+as\s+tainted`),
					},
					{
						PreConfig: func() {
							if n := countKeys(srv, "tf-gone"); n != map[bool]int{true: 1, false: 0}[commit] {
								t.Errorf("%d keys named tf-gone after the interrupted apply", n)
							}
							if k, ok := srv.KeyByName("tf-gone"); ok {
								firstValue = k.Value
							}
							gone.Store(false)
						},
						Config: goneConfig(srv.URL()),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, secondAction)},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: resource.ComposeAggregateTestCheckFunc(
							checkStateMatchesServer(srv, addr, "tf-gone"),
							checkServerKey(srv, "tf-gone", func(k netmakertest.Key) error {
								if k.Value == firstValue || k.UsesRemaining != 4 || len(k.Groups) != 1 {
									return fmt.Errorf("the key is not a fresh replacement with the configured settings: %+v", k)
								}
								return nil
							}),
						),
					},
				},
			})
		})
	}
}

// foreignKey creates, out of band, another user's key of the given name.
func foreignKey(t *testing.T, url, name string, networks ...string) {
	t.Helper()
	c, err := netmaker.New(netmaker.Config{Host: url, APIToken: testMasterKey})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateKey(context.Background(), netmaker.CreateKeyRequest{Name: name, Type: netmaker.KeyTypeUnlimited, Networks: networks}); err != nil {
		t.Fatal(err)
	}
}

// proxyNotFound answers an HTML 404, as a proxy or WAF would, to requests
// matching method and path prefix while on is set.
func proxyNotFound(on *atomic.Bool, method, prefix string) netmakertest.Interceptor {
	return func(w http.ResponseWriter, r *http.Request, _ http.Handler) bool {
		if !on.Load() || r.Method != method || !strings.HasPrefix(r.URL.Path, prefix) {
			return false
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, "<html><body><h1>404 Not Found</h1><hr>nginx</body></html>")
		return true
	}
}

var proxyKey = keyHCL("proxied", `name = "tf-proxied"`, `type = "unlimited"`)

// TestAccEnrollmentKeyResource_AdversarialProxyNotFound: a proxy's 404 on
// the list is a failed refresh (state kept), and on DELETE a failed destroy
// (the key stays in state and on the server), never "already gone".
func TestAccEnrollmentKeyResource_AdversarialProxyNotFound(t *testing.T) {
	const addr = "netmaker_enrollment_key.proxied"
	for _, tt := range []struct {
		name, method, path string
		// failing is the step that meets the proxy's 404.
		failing resource.TestStep
	}{
		{"list", http.MethodGet, "/api/v1/enrollment-keys",
			resource.TestStep{PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)404.*not\s+Netmaker's\s+own\s+answer`)}},
		{"delete", http.MethodDelete, "/api/v1/enrollment-keys/",
			resource.TestStep{Destroy: true, ExpectError: regexp.MustCompile(`(?s)Could not delete enrollment key.*404`)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var on atomic.Bool
			srv := newTestServerWithOptions(t, netmakertest.Options{Intercept: proxyNotFound(&on, tt.method, tt.path)})
			config := providerConfig(srv) + proxyKey
			failing := tt.failing
			failing.PreConfig = func() { on.Store(true) }
			failing.Config = config
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             checkServerEmpty(srv),
				Steps: []resource.TestStep{
					{Config: config},
					failing,
					{
						PreConfig: func() {
							on.Store(false)
							if n := countKeys(srv, "tf-proxied"); n != 1 {
								t.Errorf("%d keys named tf-proxied after the failed %s, want 1", n, tt.name)
							}
						},
						Config:           config,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
						Check:            checkStateMatchesServer(srv, addr, "tf-proxied"),
					},
				},
			})
		})
	}
}

// TestAdversarial_DeleteNeverFallsBackToName: a destroy without refresh
// (-refresh=false) whose recorded value is gone deletes a key of the name
// only when it has the recorded settings (a rotation whose answer was
// lost); another user's key of the name is left alone.
func TestAdversarial_DeleteNeverFallsBackToName(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name        string
		networks    []string // of the key now on the server
		wantDeleted bool
	}{
		{"foreign key", []string{"someone-else"}, false},
		{"our key with a new value", []string{"tf-net-a"}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := newTestServer(t, netmakertest.GenerationCurrent)
			foreignKey(t, srv.URL(), "tf-del", tt.networks...)
			client := testClient(t, srv)
			r := &enrollmentKeyResource{resourceData{data: &providerData{client: client, now: clock.System{}}}}
			var schemaResp fwresource.SchemaResponse
			r.Schema(ctx, fwresource.SchemaRequest{}, &schemaResp)
			state := tfsdk.State{Schema: schemaResp.Schema}
			model := enrollmentKeyModel{
				ID: types.StringValue("tf-del"), Name: types.StringValue("tf-del"),
				Networks: stringSet(types.SetValueMust(types.StringType, []attr.Value{types.StringValue("tf-net-a")})),
				Type:     types.StringValue(keyTypeUnlimited), Uses: types.Int64Null(), UsesRemaining: types.Int64Null(),
				ExpiresAt: types.StringNull(), TTL: types.StringNull(), Tags: stringSet(types.SetValueMust(types.StringType, nil)),
				GatewayID: types.StringNull(), AutoSelectGateway: types.BoolValue(false), AutoEgress: types.BoolValue(false),
				Value: types.StringValue("GONEVALUE00000000000000000000000"), Token: types.StringValue("t"),
				Default: types.BoolValue(false), RegenerateTrigger: types.StringNull(), Status: types.StringValue("active"),
				Valid: types.BoolValue(true), RecreateWhenInvalid: types.BoolValue(false),
			}
			if diags := state.Set(ctx, model); diags.HasError() {
				t.Fatal(diags)
			}
			resp := fwresource.DeleteResponse{State: state}
			r.Delete(ctx, fwresource.DeleteRequest{State: state}, &resp)
			if resp.Diagnostics.HasError() {
				t.Fatalf("Delete: %v", resp.Diagnostics)
			}
			if deleted := countKeys(srv, "tf-del") == 0; deleted != tt.wantDeleted {
				t.Fatalf("key of the name deleted: %v, want %v", deleted, tt.wantDeleted)
			}
		})
	}
}

// goneAfterRegenerate applies the first token regeneration, then stops
// answering every request until gone is cleared.
func goneAfterRegenerate(t *testing.T, gone *atomic.Bool) netmakertest.Interceptor {
	var done atomic.Bool
	return func(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
		if gone.Load() {
			hangUp(t, w)
			return true
		}
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/regenerate-token") || !done.CompareAndSwap(false, true) {
			return false
		}
		next.ServeHTTP(httptest.NewRecorder(), r)
		gone.Store(true)
		hangUp(t, w)
		return true
	}
}

// TestAccEnrollmentKeyResource_AdversarialRotationAnswerLost: a rotation of
// ours is applied and the server goes away before anyone learns the new
// value. The key's value changed, but its settings are the recorded ones:
// it is still ours (no "replaced by another key" warning, no removal), and
// the next apply converges on one key.
func TestAccEnrollmentKeyResource_AdversarialRotationAnswerLost(t *testing.T) {
	var gone atomic.Bool
	srv := newTestServerWithOptions(t, netmakertest.Options{Generation: netmakertest.GenerationCurrent, Intercept: goneAfterRegenerate(t, &gone)})
	config := func(trigger string) string {
		return fmt.Sprintf(`%s

resource "netmaker_enrollment_key" "rot" {
  name               = "tf-rot"
  type               = "unlimited"
  networks           = ["tf-net-a"]
  regenerate_trigger = %q
}
`, providerBlock(srv.URL(), `max_retries = 1`, `request_timeout = "2s"`), trigger)
	}
	const addr = "netmaker_enrollment_key.rot"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkServerEmpty(srv),
		Steps: []resource.TestStep{
			{Config: config("one")},
			{Config: config("two"), ExpectError: regexp.MustCompile(`Could not rotate enrollment key`)},
			{
				PreConfig: func() { gone.Store(false) },
				Config:    config("two"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					// Still ours, and the rotation it sent is recorded as done:
					// neither created anew nor rotated a second time.
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkStateMatchesServer(srv, addr, "tf-rot"),
			},
		},
	})
}
