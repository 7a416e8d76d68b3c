package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

const testDefaultKeyDataAddr = "data.netmaker_network_default_key.test"

func testAccNetworkDefaultKeyDataConfig(srv *netmakertest.Server, network string) string {
	return providerConfig(srv) + `
data "netmaker_network_default_key" "test" {
  network = "` + network + `"
}
`
}

func TestAccNetworkDefaultKeyDataSource_basic(t *testing.T) {
	eachSeededServer(t, func(t *testing.T, srv *netmakertest.Server) {
		netB, _ := srv.KeyByName("net-b")
		steps := []resource.TestStep{
			{
				Config: testAccNetworkDefaultKeyDataConfig(srv, "net-b"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testDefaultKeyDataAddr, tfjsonpath.Path{}, knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id":                  knownvalue.StringExact("net-b"),
						"network":             knownvalue.StringExact("net-b"),
						"key_name":            knownvalue.StringExact("net-b"),
						"value":               knownvalue.StringExact(netB.Value),
						"key_value":           knownvalue.StringExact(netB.Value), // deprecated alias
						"token":               knownvalue.StringExact(srv.Token(netB.Value)),
						"auto_generated":      knownvalue.Bool(true),
						"networks":            knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("net-b")}),
						"type":                knownvalue.StringExact("unlimited"),
						"uses_remaining":      knownvalue.Int64Exact(0),
						"expires_at":          knownvalue.Null(),
						"tags":                knownvalue.SetExact([]knownvalue.Check{}),
						"gateway_id":          knownvalue.Null(),
						"auto_select_gateway": knownvalue.Bool(false),
						"auto_egress":         knownvalue.Bool(false),
						"status":              knownvalue.StringExact("active"),
						"valid":               knownvalue.Bool(true),
					})),
				},
			},
			{
				Config:      testAccNetworkDefaultKeyDataConfig(srv, "no-such-network"),
				ExpectError: wrappedText(`No enrollment key on the Netmaker server is the default key of network "no-such-network"`),
			},
		}
		if srv.Generation() != netmakertest.GenerationV15 {
			// An administrator chose another default in the UI.
			steps = append(steps, resource.TestStep{
				PreConfig: func() {
					if err := srv.SetDefault("net-b", "used-up"); err != nil {
						t.Fatal(err)
					}
				},
				Config: testAccNetworkDefaultKeyDataConfig(srv, "net-b"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testDefaultKeyDataAddr, tfjsonpath.New("key_name"), knownvalue.StringExact("used-up")),
					statecheck.ExpectKnownValue(testDefaultKeyDataAddr, tfjsonpath.New("auto_generated"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(testDefaultKeyDataAddr, tfjsonpath.New("status"), knownvalue.StringExact("exhausted")),
					statecheck.ExpectKnownValue(testDefaultKeyDataAddr, tfjsonpath.New("valid"), knownvalue.Bool(false)),
				},
			})
		}
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps:                    steps,
		})
	})
}

// TestAccNetworkDefaultKeyDataSource_followsResource reads the default that
// a netmaker_network_default_key resource chose.
func TestAccNetworkDefaultKeyDataSource_followsResource(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, netmakertest.GenerationCurrent)
	testAccCreateNetworks(t, srv, "net-a", "net-b")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccDefaultKeyConfig(srv, "netmaker_enrollment_key.two.name") + dataHCL("netmaker_network_default_key", "test",
					`network = netmaker_network_default_key.test.network`, `depends_on = [netmaker_network_default_key.test]`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testDefaultKeyDataAddr, tfjsonpath.New("key_name"), knownvalue.StringExact("custom-two")),
					statecheck.ExpectKnownValue(testDefaultKeyDataAddr, tfjsonpath.New("auto_generated"), knownvalue.Bool(false)),
				},
			},
		},
	})
}

// TestAccNetworkDefaultKeyDataSource_agreesWithEnrollmentKeyDataSource:
// both data sources ask the client the same question, so they give one
// answer, also when a network lists two default keys.
func TestAccNetworkDefaultKeyDataSource_agreesWithEnrollmentKeyDataSource(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, netmakertest.GenerationCurrent)
	testAccSeedKeys(t, srv)
	both := func(source string) string {
		config := providerConfig(srv) + dataHCL("netmaker_network_default_key", "test", `network = "net-a"`)
		if source == "enrollment_key" {
			config = providerConfig(srv) + dataHCL("netmaker_enrollment_key", "test", `network = "net-a"`)
		}
		return config
	}
	netA, _ := srv.KeyByName("net-a")
	twoDefaults := func() {
		if err := srv.UpdateKeyByName("batch", func(k *netmakertest.Key) { k.Default = true }); err != nil {
			t.Fatal(err)
		}
	}
	severalDefaults := wrappedText(`Network "net-a" should have exactly one default enrollment key, but the server lists 2: "batch", "net-a"`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: both("network_default_key"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testDefaultKeyDataAddr, tfjsonpath.New("value"), knownvalue.StringExact(netA.Value)),
				},
			},
			{
				Config: both("enrollment_key"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.netmaker_enrollment_key.test", tfjsonpath.New("value"), knownvalue.StringExact(netA.Value)),
				},
			},
			{PreConfig: twoDefaults, Config: both("network_default_key"), ExpectError: severalDefaults},
			{Config: both("enrollment_key"), ExpectError: severalDefaults},
		},
	})
}
