package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

// TestAccProvider_hostWithPathPrefix: NETMAKER_HOST=https://…/api is a wrong
// base URL, reported as such, not as a server too old for the provider.
func TestAccProvider_hostWithPathPrefix(t *testing.T) {
	eachGenerationParallel(t, func(t *testing.T, srv *netmakertest.Server) {
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

// TestAccProvider_configRefusedAtPlan: what the client's host and credential
// rule refuses fails `terraform plan` on the attribute (the line Terraform
// quotes), before any request.
func TestAccProvider_configRefusedAtPlan(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, block           string
		summary, line, detail string // line: what Terraform quotes of the configuration
	}{
		{"user info", `host = "https://u:p@nm.example.com"` + "\n" + `api_token = "tok"`,
			"Invalid Netmaker host", "host =", "host must not contain credentials"},
		{"query", `host = "https://nm.example.com?x=1"` + "\n" + `api_token = "tok"`,
			"Invalid Netmaker host", "host =", "host nm.example.com must not have a query or fragment"},
		{"fragment", `host = "https://nm.example.com/#x"` + "\n" + `api_token = "tok"`,
			"Invalid Netmaker host", "host =", "must not have a query or fragment"},
		{"both credentials", `host = "https://nm.example.com"` + "\n" + `api_token = "tok"` + "\n" + `username = "u"` + "\n" + `password = "p"`,
			"Invalid Attribute Combination", "api_token =", "not both"},
		{"lone username", `host = "https://nm.example.com"` + "\n" + `username = "u"`,
			"Missing Netmaker password", `provider "netmaker" {`, "username is set, so set password in the provider block or NETMAKER_PASSWORD too"},
		{"insecure with CA", `host = "https://nm.example.com"` + "\n" + `api_token = "tok"` + "\n" +
			`insecure_skip_verify = true` + "\n" + `ca_cert_pem = "-----BEGIN CERTIFICATE-----"`,
			"Conflicting TLS settings", "insecure_skip_verify =", "would skip verification and ignore ca_cert_pem"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:   "provider \"netmaker\" {\n" + tt.block + "\n}\n\ndata \"netmaker_enrollment_keys\" \"all\" {}\n",
					PlanOnly: true,
					ExpectError: regexp.MustCompile(`(?s)` + regexp.QuoteMeta("Error: "+tt.summary) + `.*in provider "netmaker":\s+\d+: ` +
						regexp.QuoteMeta(tt.line) + `.*` + wrappedText(tt.detail).String()),
				}},
			})
		})
	}
}
