package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccEnrollmentKeyBadInput feeds every bad input of the API document's
// error table and checks that each one is caught with a clear message,
// before the server is asked where possible.
func TestAccEnrollmentKeyBadInput(t *testing.T) {
	for _, gen := range generations {
		t.Run(string(gen), func(t *testing.T) {
			srv := newTestServer(t, gen)
			if err := srv.CreateNetwork("tf-taken-net", "10.66.0.0/16"); err != nil {
				t.Fatal(err)
			}
			unknownGateway := "3f2b8c1e-6a47-4d2e-9d6b-1c2f3a4b5c6d"
			past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
			tests := []struct {
				name string
				body string
				want string
			}{
				{"short name", `name = "ab"
type = "unlimited"`, `(?s)Invalid name for a new key.*3 to 32\s+characters;\s+"ab"\s+has\s+2`},
				{"blank name", `name = "   "
type = "unlimited"`, `(?s)Invalid key name.*must not be empty or only\s+whitespace`},
				{"long name", `name = "abcdefghijklmnopqrstuvwxyz0123456"
type = "unlimited"`, `(?s)at most 32\s+characters`},
				{"long name", fmt.Sprintf(`name = %q
type = "unlimited"`, strings.Repeat("k", 33)), `has 33`},
				{"name of a network", `name = "tf-taken-net"
type = "unlimited"`, `already has a key or a network named "tf-taken-net"`},
				{"no uses", `name = "tf-bad"
type = "uses"`, `type "uses" needs uses`},
				{"zero uses", `name = "tf-bad"
type = "uses"
uses = 0`, `at least 1`},
				{"negative uses", `name = "tf-bad"
type = "uses"
uses = -3`, `at least 1`},
				{"uses on another type", `name = "tf-bad"
type = "unlimited"
uses = 3`, `uses can only be set when type is "uses"`},
				{"no expiry", `name = "tf-bad"
type = "time_bound"`, `needs expires_at .* or ttl`},
				{"past expiry", fmt.Sprintf(`name = "tf-bad"
type = "time_bound"
expires_at = %q`, past), `is not in the future`},
				{"expiry not RFC 3339", `name = "tf-bad"
type = "time_bound"
expires_at = "2030-01-01 00:00"`, `not an RFC 3339 timestamp`},
				{"expiry and ttl", fmt.Sprintf(`name = "tf-bad"
type = "time_bound"
ttl = "24h"
expires_at = %q`, time.Now().Add(time.Hour).UTC().Format(time.RFC3339)), `(?s)Invalid Attribute Combination.*ttl|expires_at`},
				{"ttl in days", `name = "tf-bad"
type = "time_bound"
ttl = "30d"`, `no unit for days`},
				{"ttl on another type", `name = "tf-bad"
type = "uses"
uses = 1
ttl = "1h"`, `ttl can only be set when type is "time_bound"`},
				{"bad type", `name = "tf-bad"
type = "forever"`, `value must be one of`},
				{"bad network name", `name = "tf-bad"
type = "unlimited"
networks = ["Prod Net"]`, `not a Netmaker network name`},
				{"bad gateway UUID", `name = "tf-bad"
type = "unlimited"
gateway_id = "gw-1"`, `"gw-1" is not a UUID`},
				{"nil gateway UUID", `name = "tf-bad"
type = "unlimited"
gateway_id = "00000000-0000-0000-0000-000000000000"`, `leave the attribute unset`},
				{"unknown gateway", fmt.Sprintf(`name = "tf-bad"
type = "unlimited"
networks = ["tf-taken-net"]
gateway_id = %q`, unknownGateway), `(?s)Gateway not found.*` + unknownGateway + `\s+was not found`},
				{"gateway and auto select", fmt.Sprintf(`name = "tf-bad"
type = "unlimited"
auto_select_gateway = true
gateway_id = %q`, unknownGateway), `gateway_id cannot be set while auto_select_gateway is true`},
			}
			steps := make([]resource.TestStep, 0, len(tests))
			for _, tt := range tests {
				steps = append(steps, resource.TestStep{
					Config:      keyConfig(srv, tt.body),
					ExpectError: regexp.MustCompile(tt.want),
				})
			}
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    steps,
			})
			if k, ok := srv.KeyByName("tf-bad"); ok {
				t.Errorf("a rejected configuration left a key on the server: %+v", k)
			}
		})
	}
}

// TestAccEnrollmentKeyDuplicateName declares two keys with one name.
func TestAccEnrollmentKeyDuplicateName(t *testing.T) {
	for _, gen := range generations {
		t.Run(string(gen), func(t *testing.T) {
			srv := newTestServer(t, gen)
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             checkNoKey(srv, "tf-dup"),
				Steps: []resource.TestStep{
					{Config: keyConfig(srv, `name = "tf-dup"
type = "unlimited"
tags = ["a.first"]`)},
					{
						Config: keyConfig(srv, `name = "tf-dup"
type = "unlimited"
tags = ["a.first"]`) + `
resource "netmaker_enrollment_key" "second" {
  name = "tf-dup"
  type = "uses"
  uses = 2
}
`,
						ExpectError: regexp.MustCompile(`(?s)already has a key or a network named "tf-dup".*terraform import`),
					},
				},
			})
			n := 0
			for _, k := range srv.Keys() {
				if k.Name == "tf-dup" {
					n++
				}
			}
			if n != 0 {
				t.Errorf("%d keys named tf-dup left after destroy", n)
			}
		})
	}
}

func TestAccProviderConfigErrors(t *testing.T) {
	srv := newTestServer(t, generations[len(generations)-1])
	key := `
resource "netmaker_enrollment_key" "test" {
  name = "tf-cfg"
  type = "unlimited"
}
`
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
