package provider

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/clock"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

const testMasterKey = "test-master-key"

// testAccProtoV6ProviderFactories starts the provider in-process with the real clock.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"netmaker": providerserver.NewProtocol6WithError(New("test")()),
}

// testAccFactoriesWithClock starts the provider with an injected clock.
func testAccFactoriesWithClock(clk clock.Clock) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"netmaker": providerserver.NewProtocol6WithError(&NetmakerProvider{version: "test", clock: clk}),
	}
}

// generations lists the server lines every acceptance test runs against.
var generations = netmakertest.Generations()

// newTestServer starts a test server that the test closes at its end.
func newTestServer(t *testing.T, gen netmakertest.Generation) *netmakertest.Server {
	t.Helper()
	srv := netmakertest.NewServer(netmakertest.Options{Generation: gen, MasterKey: testMasterKey})
	t.Cleanup(srv.Close)
	return srv
}

// providerConfig is the HCL provider block pointing at srv.
func providerConfig(srv *netmakertest.Server) string { return providerBlock(srv.URL()) }

// providerBlock is the HCL provider block pointing at url, with settings
// (HCL lines such as `max_retries = 1`) added.
func providerBlock(url string, settings ...string) string {
	var extra strings.Builder
	for _, s := range settings {
		extra.WriteString("  " + s + "\n")
	}
	return fmt.Sprintf(`
provider "netmaker" {
  host      = %q
  api_token = %q
%s}
`, url, testMasterKey, extra.String())
}

// resourceHCL is the HCL block of resource typ labelled label, with args:
// one argument (or nested block) a line, such as `type = "unlimited"`.
func resourceHCL(typ, label string, args ...string) string {
	return fmt.Sprintf("\nresource %q %q {\n  %s\n}\n", typ, label, strings.Join(args, "\n  "))
}

// dataHCL is the HCL block of data source typ labelled label, with args as
// in resourceHCL.
func dataHCL(typ, label string, args ...string) string {
	return fmt.Sprintf("\ndata %q %q {\n  %s\n}\n", typ, label, strings.Join(args, "\n  "))
}

// keyHCL is a netmaker_enrollment_key block; defaultKeyHCL a
// netmaker_network_default_key block.
func keyHCL(label string, args ...string) string {
	return resourceHCL("netmaker_enrollment_key", label, args...)
}

func defaultKeyHCL(label string, args ...string) string {
	return resourceHCL("netmaker_network_default_key", label, args...)
}

// unlimitedKeyHCL is an unlimited netmaker_enrollment_key called name that
// joins network, with more args.
func unlimitedKeyHCL(label, name, network string, more ...string) string {
	args := []string{fmt.Sprintf("name = %q", name), `type = "unlimited"`, fmt.Sprintf("networks = [%q]", network)}
	return keyHCL(label, append(args, more...)...)
}

// importHCL is an import block of id into the resource at address.
func importHCL(address, id string) string {
	return fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", address, id)
}

// importByIdentityHCL is an import block of the key named name into the
// resource at address, by identity (Terraform 1.12+).
func importByIdentityHCL(address, name string) string {
	return fmt.Sprintf("\nimport {\n  to       = %s\n  identity = { name = %q }\n}\n", address, name)
}

// forgetHCL is a removed block that drops the resource at address from the
// state and leaves its object on the server (Terraform 1.7+).
func forgetHCL(address string) string {
	return fmt.Sprintf("\nremoved {\n  from = %s\n  lifecycle {\n    destroy = false\n  }\n}\n", address)
}

// resourceSchema is r's schema.
func resourceSchema(r fwresource.Resource) schema.Schema {
	var resp fwresource.SchemaResponse
	r.Schema(context.Background(), fwresource.SchemaRequest{}, &resp)
	return resp.Schema
}

// stateOf is a state of schema sch that holds model; a nil model leaves it
// null (no resource).
func stateOf(t *testing.T, sch schema.Schema, model any) tfsdk.State {
	t.Helper()
	ctx := context.Background()
	st := tfsdk.State{Schema: sch, Raw: tftypes.NewValue(sch.Type().TerraformType(ctx), nil)}
	if model != nil {
		if d := st.Set(ctx, model); d.HasError() {
			t.Fatal(d)
		}
	}
	return st
}

// modifyPlan drives r's ModifyPlan from state to the configuration raw,
// which is also the proposed plan (as Terraform proposes it for a
// configuration without computed changes; null for a destroy).
func modifyPlan(ctx context.Context, r fwresource.ResourceWithModifyPlan, state tfsdk.State, raw tftypes.Value) fwresource.ModifyPlanResponse {
	req := fwresource.ModifyPlanRequest{
		State:  state,
		Config: tfsdk.Config{Schema: state.Schema, Raw: raw},
		Plan:   tfsdk.Plan{Schema: state.Schema, Raw: raw},
	}
	resp := fwresource.ModifyPlanResponse{Plan: req.Plan}
	r.ModifyPlan(ctx, req, &resp)
	return resp
}

// emptyPlan expects the plan of a step to change nothing.
func emptyPlan() resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
}

// plannedAction expects the plan of a step to take action on the resource
// at addr, before the apply.
func plannedAction(addr string, action plancheck.ResourceActionType) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, action)}}
}

// eachGeneration runs test on a new test server of each generation, one
// subtest per generation (named after it); eachGenerationParallel runs the
// test and its subtests in parallel.
func eachGeneration(t *testing.T, test func(t *testing.T, srv *netmakertest.Server)) {
	eachGenerationOf(t, generations, test)
}

// eachGenerationOf is eachGeneration over gens only.
func eachGenerationOf(t *testing.T, gens []netmakertest.Generation, test func(t *testing.T, srv *netmakertest.Server)) {
	for _, gen := range gens {
		t.Run(string(gen), func(t *testing.T) { test(t, newTestServer(t, gen)) })
	}
}

// eachGenerationWithCLI runs test in a subtest per generation of gens, with
// a Terraform CLI of at least 1.5 (the subtest is skipped below it, saying
// why the test needs it) and a new test server of that generation.
func eachGenerationWithCLI(t *testing.T, gens []netmakertest.Generation, why string, test func(t *testing.T, cli *terraformCLI, srv *netmakertest.Server)) {
	for _, gen := range gens {
		t.Run(string(gen), func(t *testing.T) {
			cli := newTerraformCLIAtLeast(t, tfversion.Version1_5_0, why)
			test(t, cli, newTestServer(t, gen))
		})
	}
}

func eachGenerationParallel(t *testing.T, test func(t *testing.T, srv *netmakertest.Server)) {
	t.Parallel()
	for _, gen := range generations {
		t.Run(string(gen), func(t *testing.T) {
			t.Parallel()
			test(t, newTestServer(t, gen))
		})
	}
}

// newTestServerWithOptions starts a test server with opts (the master key
// is filled in) that the test closes at its end.
func newTestServerWithOptions(t *testing.T, opts netmakertest.Options) *netmakertest.Server {
	t.Helper()
	opts.MasterKey = testMasterKey
	srv := netmakertest.NewServer(opts)
	t.Cleanup(srv.Close)
	return srv
}

// testAccPreCheck checks that acceptance tests are independent of the caller's
// environment: provider settings come from the configuration alone.
func testAccPreCheck(t *testing.T) {
	t.Helper()
	for _, env := range providerEnvironment {
		if v := os.Getenv(env); v != "" {
			t.Fatalf("%s is set while a test runs; TestMain clears it and tests set it only with t.Setenv", env)
		}
	}
}

// skipWithoutRemovedBlocks skips tests that forget a resource with a
// `removed` block (Terraform 1.7+), such as an adopted default key that
// Netmaker refuses to delete.
var skipWithoutRemovedBlocks = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_7_0)}

// skipWithoutIdentity skips tests of resource identity, which Terraform
// stores and accepts in import blocks from 1.12 on (make testacc-latest
// runs them).
var skipWithoutIdentity = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)}

// TestAccProvider_fromEnvironment configures the provider from the
// environment alone, logging in with a username and password.
func TestAccProvider_fromEnvironment(t *testing.T) {
	srv := newTestServerWithOptions(t, netmakertest.Options{Users: map[string]string{"admin": "s3cret-pw"}})
	key := `
provider "netmaker" {}

resource "netmaker_enrollment_key" "test" {
  name = "tf-env"
  type = "unlimited"
}
`
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			testAccPreCheck(t)
			t.Setenv(envHost, srv.URL())
			t.Setenv(envUsername, "admin")
			t.Setenv(envPassword, "s3cret-pw")
		},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// The block wins over the environment: a wrong password in it fails once, clearly.
				Config: `
provider "netmaker" {
  password = "wrong-pw"
}

resource "netmaker_enrollment_key" "test" {
  name = "tf-env"
  type = "unlimited"
}
`,
				ExpectError: regexp.MustCompile(`401 unauthorized from 127\.0\.0\.1:\d+: check username and password`),
			},
			{
				Config: key,
				Check: func(*terraform.State) error {
					if _, ok := srv.KeyByName("tf-env"); !ok {
						return fmt.Errorf("no key created with a login from the environment")
					}
					return nil
				},
			},
		},
	})
}

func TestAccProvider_configErrors(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, generations[len(generations)-1])
	key := keyHCL("test", `name = "tf-cfg"`, `type = "unlimited"`)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: srv.ResetStats,
				Config: fmt.Sprintf(`
provider "netmaker" {
  host      = %q
  api_token = "wrong-key"
}
`, srv.URL()) + key,
				ExpectError: regexp.MustCompile(`401 unauthorized from 127\.0\.0\.1:\d+`),
			},
			{
				// One request per configure: a 401 is not retried.
				PreConfig: func() {
					total := 0
					for _, n := range srv.Stats() {
						total += n
					}
					if total < 1 || total > 2 {
						t.Errorf("the wrong credential cost %d requests (%v); want one per configure", total, srv.Stats())
					}
				},
				Config: `
provider "netmaker" {
  api_token = "whatever"
}
` + key,
				ExpectError: regexp.MustCompile(`Set host in the provider block or NETMAKER_HOST`),
			},
			{
				Config: fmt.Sprintf(`
provider "netmaker" {
  host     = %q
  username = "admin"
}
`, srv.URL()) + key,
				ExpectError: regexp.MustCompile(`set password in the provider block or NETMAKER_PASSWORD`),
			},
			{
				Config: fmt.Sprintf(`
provider "netmaker" {
  host      = %q
  api_token = "x"
  username  = "admin"
  password  = "pw"
}
`, srv.URL()) + key,
				ExpectError: regexp.MustCompile(`Invalid Attribute Combination`),
			},
			{
				Config: fmt.Sprintf(`
provider "netmaker" {
  host            = %q
  api_token       = %q
  request_timeout = "soon"
}
`, srv.URL(), testMasterKey) + key,
				ExpectError: regexp.MustCompile(`"soon" is not a duration`),
			},
		},
	})
	if _, ok := srv.KeyByName("tf-cfg"); ok {
		t.Error("a misconfigured provider created a key")
	}
}

// TestAccProvider_userAgent checks the User-Agent the provider sends.
func TestAccProvider_userAgent(t *testing.T) {
	var mu sync.Mutex
	agents := map[string]bool{}
	srv := newTestServerWithOptions(t, netmakertest.Options{
		Generation: netmakertest.GenerationCurrent,
		Intercept: func(_ http.ResponseWriter, r *http.Request, _ http.Handler) bool {
			mu.Lock()
			agents[r.UserAgent()] = true
			mu.Unlock()
			return false
		},
	})
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(srv) + keyHCL("test", `name = "tf-ua"`, `type = "unlimited"`),
			Check: func(*terraform.State) error {
				mu.Lock()
				defer mu.Unlock()
				want := regexp.MustCompile(`^terraform-provider-netmaker/test \(terraform \d+\.\d+\.\d+\S*\)$`)
				if len(agents) == 0 {
					return fmt.Errorf("no request seen")
				}
				for ua := range agents {
					if !want.MatchString(ua) {
						return fmt.Errorf("User-Agent %q does not match %s", ua, want)
					}
				}
				return nil
			},
		}},
	})
}

// TestAccProvider_sessionExpiresMidApply: with username and password, the
// server's clock jumps past the session's lifetime in the middle of an
// apply. The provider logs in again once, and the apply succeeds.
func TestAccProvider_sessionExpiresMidApply(t *testing.T) {
	clk := clock.NewManual(time.Now())
	var (
		mu       sync.Mutex
		creates  int
		expired  bool
		unauth   int // 401 answers after the jump
		relogins int // logins after the jump, while creates still come
		lastSeen int // relogins counted when the last create was seen
	)
	srv := newTestServerWithOptions(t, netmakertest.Options{
		Generation:  netmakertest.GenerationCurrent,
		Users:       map[string]string{"tf-admin": "correct horse battery"},
		JWTLifetime: time.Hour,
		Now:         clk.Now,
		Intercept: func(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
			mu.Lock()
			switch {
			case r.Method == http.MethodPost && r.URL.Path == "/api/v1/enrollment-keys":
				creates++
				if creates == 3 && !expired {
					expired = true
					clk.Advance(2 * time.Hour)
				}
				lastSeen = relogins
			case r.Method == http.MethodPost && r.URL.Path == "/api/users/adm/authenticate" && expired:
				relogins++
			}
			mu.Unlock()
			if netmakertest.PassThrough(w, r, next) == http.StatusUnauthorized {
				mu.Lock()
				unauth++
				mu.Unlock()
			}
			return true
		},
	})
	var keys strings.Builder
	for i := range 8 {
		fmt.Fprintf(&keys, `
resource "netmaker_enrollment_key" "k%d" {
  name = "tf-session-%d"
  type = "unlimited"
}
`, i, i)
	}
	config := fmt.Sprintf(`
provider "netmaker" {
  host     = %q
  username = "tf-admin"
  password = "correct horse battery"
}
`, srv.URL()) + keys.String()
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkServerEmpty(srv),
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(*terraform.State) error {
				mu.Lock()
				defer mu.Unlock()
				if !expired || unauth == 0 {
					return fmt.Errorf("the session never expired mid-apply (creates %d, 401s %d)", creates, unauth)
				}
				// Between the jump and the last create only the apply's
				// provider talks to the server: it logs in again once.
				if lastSeen != 1 {
					return fmt.Errorf("%d logins while the apply ran after the session expired (%d answers 401), want 1", lastSeen, unauth)
				}
				for i := range 8 {
					if n := countKeys(srv, fmt.Sprintf("tf-session-%d", i)); n != 1 {
						return fmt.Errorf("%d keys named tf-session-%d", n, i)
					}
				}
				return nil
			},
		}},
	})
}
