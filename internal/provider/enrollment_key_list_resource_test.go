package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

// skipWithoutQuery skips tests of list resources and actions, which
// Terraform runs from 1.14 on (make testacc-latest runs them).
var skipWithoutQuery = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}

func byName(name string) queryfilter.QueryFilter {
	return queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"name": knownvalue.StringExact(name)})
}

func expectListed(list string, names ...string) []querycheck.QueryResultCheck {
	checks := []querycheck.QueryResultCheck{querycheck.ExpectLength(list, len(names))}
	for _, name := range names {
		checks = append(checks, querycheck.ExpectIdentity(list, map[string]knownvalue.Check{"name": knownvalue.StringExact(name)}))
	}
	return checks
}

// TestAccEnrollmentKeyListResource_filters runs `terraform query` with each
// filter over two networks' auto-generated keys and two managed keys.
func TestAccEnrollmentKeyListResource_filters(t *testing.T) {
	srv := newTestServer(t, netmakertest.GenerationCurrent)
	testAccCreateNetworks(t, srv, "net-a", "net-b")
	var checks []querycheck.QueryResultCheck
	checks = append(checks, expectListed("netmaker_enrollment_key.all", "ci-batch", "ci-laptops", "net-a", "net-b")...)
	checks = append(checks, expectListed("netmaker_enrollment_key.auto", "net-a", "net-b")...)
	checks = append(checks, expectListed("netmaker_enrollment_key.custom", "ci-batch", "ci-laptops")...)
	checks = append(checks, expectListed("netmaker_enrollment_key.prefix", "ci-batch", "ci-laptops")...)
	checks = append(checks, expectListed("netmaker_enrollment_key.net_b", "ci-laptops", "net-b")...)
	checks = append(checks, expectListed("netmaker_enrollment_key.uses", "ci-batch")...)
	checks = append(checks, expectListed("netmaker_enrollment_key.tagged", "ci-batch")...)
	checks = append(checks, expectListed("netmaker_enrollment_key.not_default", "ci-batch", "ci-laptops")...)
	checks = append(checks, expectListed("netmaker_enrollment_key.invalid")...)
	checks = append(checks, querycheck.ExpectLength("netmaker_enrollment_key.first", 1),
		querycheck.ExpectIdentity("netmaker_enrollment_key.first", map[string]knownvalue.Check{"name": knownvalue.StringExact("ci-batch")}))
	checks = append(checks,
		querycheck.ExpectResourceDisplayName("netmaker_enrollment_key.all", byName("ci-batch"),
			knownvalue.StringExact("ci-batch (uses, networks net-a)")),
		querycheck.ExpectResourceDisplayName("netmaker_enrollment_key.all", byName("net-b"),
			knownvalue.StringExact("net-b (unlimited, networks net-b, auto-generated, default)")),
		querycheck.ExpectResourceKnownValues("netmaker_enrollment_key.all", byName("ci-batch"), []querycheck.KnownValueCheck{
			{Path: tfjsonpath.New("name"), KnownValue: knownvalue.StringExact("ci-batch")},
			{Path: tfjsonpath.New("type"), KnownValue: knownvalue.StringExact("uses")},
			{Path: tfjsonpath.New("uses"), KnownValue: knownvalue.Int64Exact(5)},
			{Path: tfjsonpath.New("networks"), KnownValue: knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("net-a")})},
			{Path: tfjsonpath.New("tags"), KnownValue: knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("net-a.ci")})},
			{Path: tfjsonpath.New("default"), KnownValue: knownvalue.Bool(false)},
			// No secrets in query results: the import reads them.
			{Path: tfjsonpath.New("value"), KnownValue: knownvalue.Null()},
			{Path: tfjsonpath.New("token"), KnownValue: knownvalue.Null()},
		}),
	)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   skipWithoutQuery,
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: providerConfig(srv) +
					keyHCL("batch", `name = "ci-batch"`, `networks = ["net-a"]`, `type = "uses"`, `uses = 5`, `tags = ["net-a.ci"]`) +
					keyHCL("laptops", `name = "ci-laptops"`, `networks = ["net-b"]`, `type = "time_bound"`, `ttl = "720h"`),
			},
			{
				// The provider block comes from the previous step's configuration.
				Query: true,
				Config: `
list "netmaker_enrollment_key" "all" {
  provider         = netmaker
  include_resource = true
}

list "netmaker_enrollment_key" "auto" {
  provider = netmaker
  config {
    auto_generated = true
  }
}

list "netmaker_enrollment_key" "custom" {
  provider = netmaker
  config {
    auto_generated = false
  }
}

list "netmaker_enrollment_key" "prefix" {
  provider = netmaker
  config {
    name_prefix = "ci-"
  }
}

list "netmaker_enrollment_key" "net_b" {
  provider = netmaker
  config {
    network = "net-b"
  }
}

list "netmaker_enrollment_key" "uses" {
  provider = netmaker
  config {
    type = "uses"
  }
}

list "netmaker_enrollment_key" "tagged" {
  provider = netmaker
  config {
    tag = "net-a.ci"
  }
}

list "netmaker_enrollment_key" "not_default" {
  provider = netmaker
  config {
    default = false
  }
}

list "netmaker_enrollment_key" "invalid" {
  provider = netmaker
  config {
    valid = false
  }
}

list "netmaker_enrollment_key" "first" {
  provider = netmaker
  limit    = 1
}
`,
				QueryResultChecks: checks,
			},
		},
	})
}
