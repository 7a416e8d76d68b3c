package provider

import (
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

func TestAccEnrollmentKeyDataSource_basic(t *testing.T) {
	eachSeededServer(t, func(t *testing.T, srv *netmakertest.Server) {
		contractor, _ := srv.KeyByName("contractor")
		netA, _ := srv.KeyByName("net-a")
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{
					Config: providerConfig(srv) + `
data "netmaker_enrollment_key" "by_name" {
  name = "contractor"
}

data "netmaker_enrollment_key" "by_network" {
  network = "net-a"
  default = true
}

# By network alone, like the ephemeral resource.
data "netmaker_enrollment_key" "by_network_alone" {
  network = "net-a"
}
`,
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("data.netmaker_enrollment_key.by_name", tfjsonpath.Path{}, knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id":                  knownvalue.StringExact("contractor"),
							"name":                knownvalue.StringExact("contractor"),
							"network":             knownvalue.Null(),
							"default":             knownvalue.Bool(false),
							"value":               knownvalue.StringExact(contractor.Value),
							"token":               knownvalue.StringExact(srv.Token(contractor.Value)),
							"networks":            knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("net-a")}),
							"type":                knownvalue.StringExact("time_bound"),
							"uses_remaining":      knownvalue.Int64Exact(0),
							"expires_at":          knownvalue.StringExact(contractor.Expiration.UTC().Format(time.RFC3339)),
							"tags":                knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("laptop")}),
							"gateway_id":          knownvalue.Null(),
							"auto_select_gateway": knownvalue.Bool(false),
							"auto_egress":         knownvalue.Bool(false),
							"status":              knownvalue.StringExact("active"),
							"valid":               knownvalue.Bool(true),
						})),
						statecheck.ExpectKnownValue("data.netmaker_enrollment_key.by_network", tfjsonpath.New("name"), knownvalue.StringExact("net-a")),
						statecheck.ExpectKnownValue("data.netmaker_enrollment_key.by_network", tfjsonpath.New("default"), knownvalue.Bool(true)),
						statecheck.ExpectKnownValue("data.netmaker_enrollment_key.by_network", tfjsonpath.New("type"), knownvalue.StringExact("unlimited")),
						statecheck.ExpectKnownValue("data.netmaker_enrollment_key.by_network", tfjsonpath.New("token"), knownvalue.StringExact(srv.Token(netA.Value))),
						statecheck.ExpectKnownValue("data.netmaker_enrollment_key.by_network_alone", tfjsonpath.New("name"), knownvalue.StringExact("net-a")),
						statecheck.ExpectKnownValue("data.netmaker_enrollment_key.by_network_alone", tfjsonpath.New("default"), knownvalue.Bool(true)),
						statecheck.ExpectKnownValue("data.netmaker_enrollment_key.by_network_alone", tfjsonpath.New("value"), knownvalue.StringExact(netA.Value)),
					},
				},
			},
		})
	})
}

// TestAccEnrollmentKeyDataSource_movedDefault follows the default of a
// network that an administrator moved to another key.
func TestAccEnrollmentKeyDataSource_movedDefault(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, netmakertest.GenerationCurrent)
	testAccSeedKeys(t, srv)
	config := providerConfig(srv) + dataHCL("netmaker_enrollment_key", "by_network", `network = "net-a"`, `default = true`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					if err := srv.SetDefault("net-a", "contractor"); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.netmaker_enrollment_key.by_network", tfjsonpath.New("name"), knownvalue.StringExact("contractor")),
					statecheck.ExpectKnownValue("data.netmaker_enrollment_key.by_network", tfjsonpath.New("default"), knownvalue.Bool(true)),
				},
			},
		},
	})
}

func TestAccEnrollmentKeyDataSource_errors(t *testing.T) {
	eachSeededServer(t, func(t *testing.T, srv *netmakertest.Server) {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{
					Config:      providerConfig(srv) + dataHCL("netmaker_enrollment_key", "test", `name = "ghost"`),
					ExpectError: wrappedText(`The Netmaker server has no enrollment key named "ghost".`),
				},
				{
					Config:      providerConfig(srv) + dataHCL("netmaker_enrollment_key", "test", `network = "no-such-network"`, `default = true`),
					ExpectError: wrappedText(`No enrollment key on the Netmaker server is the default key of network "no-such-network"`),
				},
				{
					Config:      providerConfig(srv) + dataHCL("netmaker_enrollment_key", "test", `name = "batch"`, `network = "net-a"`),
					ExpectError: wrappedText(`Invalid Attribute Combination`),
				},
				{
					Config: providerConfig(srv) + `
data "netmaker_enrollment_key" "test" {}
`,
					ExpectError: wrappedText(`Exactly one of these attributes must be configured: [name,network]`),
				},
				{
					Config:      providerConfig(srv) + dataHCL("netmaker_enrollment_key", "test", `network = "net-a"`, `default = false`),
					ExpectError: wrappedText(`Lookup by network finds the default key`),
				},
				{
					Config:      providerConfig(srv) + dataHCL("netmaker_enrollment_key", "test", `name = "batch"`, `default = true`),
					ExpectError: wrappedText(`Invalid Attribute Combination`),
				},
			},
		})
	})
}

// TestAccEnrollmentKeyDataSource_twoDefaults: a server that lists two
// default keys for one network is reported, not papered over.
func TestAccEnrollmentKeyDataSource_twoDefaults(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, netmakertest.GenerationCurrent)
	testAccSeedKeys(t, srv)
	// A multi-network key made default of net-b by the UI also carries the
	// flag in net-a (the flag is per key), next to net-a's own key.
	if err := srv.SetDefault("net-b", "batch"); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      providerConfig(srv) + dataHCL("netmaker_enrollment_key", "test", `network = "net-a"`, `default = true`),
				ExpectError: wrappedText(`Network "net-a" should have exactly one default enrollment key, but the server lists 2: "batch", "net-a".`),
			},
		},
	})
}

// TestAccEnrollmentKeyDataSource_AdversarialEmptyName: name = "" is a
// validation error, not a lookup that answers the network's only default
// key (its token included).
func TestAccEnrollmentKeyDataSource_AdversarialEmptyName(t *testing.T) {
	srv := newTestServer(t, netmakertest.GenerationCurrent)
	testAccCreateNetworks(t, srv, "tf-only-net")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccEchoFactories(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		Steps: []resource.TestStep{
			{
				Config:      providerConfig(srv) + `data "netmaker_enrollment_key" "empty" { name = "" }`,
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Value Length.*name`),
			},
			{
				Config: providerConfig(srv) + `
ephemeral "netmaker_enrollment_key_token" "empty" {
  name = ""
}

provider "echo" {
  data = ephemeral.netmaker_enrollment_key_token.empty
}

resource "echo" "test" {}
`,
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Value Length.*name`),
			},
		},
	})
}
