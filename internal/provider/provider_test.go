package provider

import (
	"fmt"
	"net/http"
	"os"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

const testMasterKey = "test-master-key"

// testAccProtoV6ProviderFactories starts the provider in-process with the real clock.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"netmaker": providerserver.NewProtocol6WithError(New("test")()),
}

// testAccFactoriesWithClock starts the provider with an injected clock.
func testAccFactoriesWithClock(now func() time.Time) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"netmaker": providerserver.NewProtocol6WithError(&NetmakerProvider{version: "test", now: now}),
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
func providerConfig(srv *netmakertest.Server) string {
	return fmt.Sprintf(`
provider "netmaker" {
  host      = %q
  api_token = %q
}
`, srv.URL(), testMasterKey)
}

// testClock is a settable clock that a test shares between the provider and
// the test server, so that time passes without sleeping.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock(start time.Time) *testClock { return &testClock{t: start} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
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

// TestAccProviderFromEnvironment configures the provider from the
// environment alone, logging in with a username and password.
func TestAccProviderFromEnvironment(t *testing.T) {
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

// TestAccProviderUserAgent checks the User-Agent the provider sends.
func TestAccProviderUserAgent(t *testing.T) {
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
			Config: providerConfig(srv) + `
resource "netmaker_enrollment_key" "test" {
  name = "tf-ua"
  type = "unlimited"
}
`,
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

// skipWithoutRemovedBlocks skips tests that forget a resource with a
// `removed` block (Terraform 1.7+), such as an adopted default key that
// Netmaker refuses to delete.
var skipWithoutRemovedBlocks = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_7_0)}
