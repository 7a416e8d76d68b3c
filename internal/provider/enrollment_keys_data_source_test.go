package provider

import (
	"context"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/clock"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

// eachSeededServer runs test, in parallel, on a server of each generation
// that holds testAccSeedKeys' keys.
func eachSeededServer(t *testing.T, test func(t *testing.T, srv *netmakertest.Server)) {
	eachGenerationParallel(t, func(t *testing.T, srv *netmakertest.Server) {
		testAccSeedKeys(t, srv)
		test(t, srv)
	})
}

// testAccSeedKeys creates, out of band, networks net-a and net-b (with
// their auto-generated default keys) and these keys:
//
//	batch       uses 3        net-a, net-b  tags ci
//	contractor  time_bound    net-a         tags laptop   expires in 1h
//	used-up     uses 1 → 0    net-b         (exhausted by one enrollment)
//	solo        unlimited     no network    tags ci, laptop
func testAccSeedKeys(t *testing.T, srv *netmakertest.Server) {
	t.Helper()
	testAccCreateNetworks(t, srv, "net-a", "net-b")
	for _, req := range []netmaker.CreateKeyRequest{
		{Name: "batch", Networks: []string{"net-a", "net-b"}, Type: netmaker.KeyTypeUses, Uses: 3, Tags: []string{"ci"}},
		{Name: "contractor", Networks: []string{"net-a"}, Type: netmaker.KeyTypeTimeBound,
			Expiration: time.Now().Add(time.Hour).Truncate(time.Second), Tags: []string{"laptop"}},
		{Name: "used-up", Networks: []string{"net-b"}, Type: netmaker.KeyTypeUses, Uses: 1},
		{Name: "solo", Networks: []string{}, Type: netmaker.KeyTypeUnlimited, Tags: []string{"ci", "laptop"}},
	} {
		testAccCreateKey(t, srv, req)
	}
	usedUp, _ := srv.KeyByName("used-up")
	if err := srv.Register(srv.Token(usedUp.Value)); err != nil {
		t.Fatalf("enrolling a device with used-up: %v", err)
	}
}

// testAccCreateKey creates a key out of band, through the API.
func testAccCreateKey(t *testing.T, srv *netmakertest.Server, req netmaker.CreateKeyRequest) {
	t.Helper()
	if _, err := testClient(t, srv).CreateKey(context.Background(), req); err != nil {
		t.Fatalf("creating key %s: %v", req.Name, err)
	}
}

// testClient is an API client of srv with the master key.
func testClient(t *testing.T, srv *netmakertest.Server) *netmaker.Client {
	t.Helper()
	client, err := netmaker.New(netmaker.Config{Host: srv.URL(), APIToken: testMasterKey})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// keyNamesAre checks a list of keys by their names, in order.
func keyNamesAre(names ...string) knownvalue.Check {
	elems := make([]knownvalue.Check, len(names))
	for i, n := range names {
		elems[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact(n)})
	}
	return knownvalue.ListExact(elems)
}

func testAccKeysConfig(srv *netmakertest.Server) string {
	return providerConfig(srv) + `
data "netmaker_enrollment_keys" "all" {}

data "netmaker_enrollment_keys" "net_b" {
  network = "net-b"
}

data "netmaker_enrollment_keys" "uses" {
  type = "uses"
}

data "netmaker_enrollment_keys" "unlimited" {
  type = "unlimited"
}

data "netmaker_enrollment_keys" "ci" {
  tag = "ci"
}

data "netmaker_enrollment_keys" "defaults" {
  default = true
}

data "netmaker_enrollment_keys" "not_defaults" {
  default = false
}

data "netmaker_enrollment_keys" "valid" {
  valid = true
}

data "netmaker_enrollment_keys" "invalid" {
  valid = false
}

data "netmaker_enrollment_keys" "combined" {
  network = "net-a"
  type    = "uses"
  tag     = "ci"
  default = false
  valid   = true
}

data "netmaker_enrollment_keys" "none" {
  network = "no-such-network"
}
`
}

func TestAccEnrollmentKeysDataSource_basic(t *testing.T) {
	eachSeededServer(t, func(t *testing.T, srv *netmakertest.Server) {
		batch, _ := srv.KeyByName("batch")
		check := func(source string, names ...string) statecheck.StateCheck {
			return statecheck.ExpectKnownValue("data.netmaker_enrollment_keys."+source, tfjsonpath.New("keys"), keyNamesAre(names...))
		}
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{
					Config: testAccKeysConfig(srv),
					ConfigStateChecks: []statecheck.StateCheck{
						check("all", "batch", "contractor", "net-a", "net-b", "solo", "used-up"),
						check("net_b", "batch", "net-b", "used-up"),
						check("uses", "batch", "used-up"),
						check("unlimited", "net-a", "net-b", "solo"),
						check("ci", "batch", "solo"),
						check("defaults", "net-a", "net-b"),
						check("not_defaults", "batch", "contractor", "solo", "used-up"),
						check("valid", "batch", "contractor", "net-a", "net-b", "solo"),
						check("invalid", "used-up"),
						check("combined", "batch"),
						check("none"),
						// Every attribute of one element.
						statecheck.ExpectKnownValue("data.netmaker_enrollment_keys.combined", tfjsonpath.New("keys").AtSliceIndex(0),
							knownvalue.ObjectExact(map[string]knownvalue.Check{
								"name":                knownvalue.StringExact("batch"),
								"value":               knownvalue.StringExact(batch.Value),
								"token":               knownvalue.StringExact(srv.Token(batch.Value)),
								"default":             knownvalue.Bool(false),
								"networks":            knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("net-a"), knownvalue.StringExact("net-b")}),
								"type":                knownvalue.StringExact("uses"),
								"uses_remaining":      knownvalue.Int64Exact(3),
								"expires_at":          knownvalue.Null(),
								"tags":                knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("ci")}),
								"gateway_id":          knownvalue.Null(),
								"auto_select_gateway": knownvalue.Bool(false),
								"auto_egress":         knownvalue.Bool(false),
								"status":              knownvalue.StringExact("active"),
								"valid":               knownvalue.Bool(true),
							})),
						statecheck.ExpectKnownValue("data.netmaker_enrollment_keys.invalid", tfjsonpath.New("keys").AtSliceIndex(0).AtMapKey("status"),
							knownvalue.StringExact("exhausted")),
					},
				},
			},
		})
	})
}

// TestAccEnrollmentKeysDataSource_clock reads with a provider clock two hours
// ahead: the contractor key has expired by then.
func TestAccEnrollmentKeysDataSource_clock(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, netmakertest.GenerationCurrent)
	testAccSeedKeys(t, srv)
	later := clock.NewManual(time.Now().Add(2 * time.Hour))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactoriesWithClock(later),
		Steps: []resource.TestStep{
			{
				Config: providerConfig(srv) + dataHCL("netmaker_enrollment_keys", "invalid", `valid = false`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.netmaker_enrollment_keys.invalid", tfjsonpath.New("keys"), keyNamesAre("contractor", "used-up")),
					statecheck.ExpectKnownValue("data.netmaker_enrollment_keys.invalid", tfjsonpath.New("keys").AtSliceIndex(0).AtMapKey("status"),
						knownvalue.StringExact("expired")),
				},
			},
		},
	})
}

func TestAccEnrollmentKeysDataSource_invalidFilter(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, netmakertest.GenerationCurrent)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      providerConfig(srv) + dataHCL("netmaker_enrollment_keys", "bad", `type = "forever"`),
				ExpectError: regexp.MustCompile(`(?s)value must be one of:.*"unlimited".*"uses".*"time_bound"`),
			},
		},
	})
}

// TestSecretsAreSensitive checks every secret attribute of this issue's
// data sources, resource and ephemeral resource, and that nothing else is.
func TestSecretsAreSensitive(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sensitive := func(attrs map[string]bool) []string {
		var out []string
		for name, s := range attrs {
			if s {
				out = append(out, name)
			}
		}
		slices.Sort(out)
		return out
	}
	dataSource := func(d datasource.DataSource) map[string]bool {
		var resp datasource.SchemaResponse
		d.Schema(ctx, datasource.SchemaRequest{}, &resp)
		out := map[string]bool{}
		for name, a := range resp.Schema.Attributes {
			out[name] = a.IsSensitive()
			if nested, ok := a.(dsschema.ListNestedAttribute); ok {
				for inner, b := range nested.NestedObject.Attributes {
					out[name+"."+inner] = b.IsSensitive()
				}
			}
		}
		return out
	}
	var res fwresource.SchemaResponse
	NewNetworkDefaultKeyResource().Schema(ctx, fwresource.SchemaRequest{}, &res)
	resAttrs := map[string]bool{}
	for name, a := range res.Schema.Attributes {
		resAttrs[name] = a.IsSensitive()
	}
	var eph ephemeral.SchemaResponse
	NewEnrollmentKeyTokenEphemeralResource().Schema(ctx, ephemeral.SchemaRequest{}, &eph)
	ephAttrs := map[string]bool{}
	for name, a := range eph.Schema.Attributes {
		ephAttrs[name] = a.IsSensitive()
	}
	tests := []struct {
		name  string
		attrs map[string]bool
		want  []string
	}{
		{"netmaker_enrollment_key", dataSource(NewEnrollmentKeyDataSource()), []string{"token", "value"}},
		{"netmaker_enrollment_keys", dataSource(NewEnrollmentKeysDataSource()), []string{"keys.token", "keys.value"}},
		{"netmaker_network_default_key (data)", dataSource(NewNetworkDefaultKeyDataSource()), []string{"key_value", "token", "value"}},
		{"netmaker_network_default_key", resAttrs, []string{"key_value", "token", "value"}},
		{"netmaker_enrollment_key_token", ephAttrs, []string{"token", "value"}},
	}
	for _, tt := range tests {
		if got := sensitive(tt.attrs); !slices.Equal(got, tt.want) {
			t.Errorf("%s: sensitive attributes %v, want %v", tt.name, got, tt.want)
		}
	}
}
