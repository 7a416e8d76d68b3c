package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccProviderHostWithPathPrefix: NETMAKER_HOST=https://…/api is a wrong
// base URL, reported as such, not as a server too old for the provider.
func TestAccProviderHostWithPathPrefix(t *testing.T) {
	t.Parallel()
	for _, gen := range generations {
		t.Run(string(gen), func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t, gen)
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: fmt.Sprintf(`
provider "netmaker" {
  host      = %q
  api_token = %q
}

data "netmaker_enrollment_keys" "all" {}
`, srv.URL()+"/api", testMasterKey),
					ExpectError: wrappedText(`every Netmaker server has GET /api/v1/enrollment-keys, so ` + srv.URL() +
						`/api is not the base URL of a Netmaker API: remove the path prefix "/api" from host`),
				}},
			})
		})
	}
}
