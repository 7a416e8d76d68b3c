package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

// A v1.7 server (which makes a key the default by an update) that answers
// success to "make this key the default" and does nothing must not pass for
// a success, nor be blamed on v1.5: the read-back catches it and the error
// says what happened.
func TestAccNetworkDefaultKeyResource_serverIgnoresRequest(t *testing.T) {
	srv := newTestServerWithOptions(t, netmakertest.Options{
		Generation: netmakertest.GenerationV17,
		Intercept: func(_ http.ResponseWriter, r *http.Request, _ http.Handler) bool {
			if r.Method == http.MethodPut && strings.HasPrefix(r.URL.Path, "/api/v1/enrollment-keys/") {
				var body map[string]any
				raw, _ := io.ReadAll(r.Body)
				if json.Unmarshal(raw, &body) == nil {
					delete(body, "default") // the server "ignores" the request
					raw, _ = json.Marshal(body)
				}
				r.Body = io.NopCloser(bytes.NewReader(raw))
				r.ContentLength = int64(len(raw))
			}
			return false
		},
	})
	if err := srv.CreateNetwork("tf-ign", "10.71.0.0/16"); err != nil {
		t.Fatal(err)
	}

	config := providerConfig(srv) + `
resource "netmaker_enrollment_key" "custom" {
  name     = "tf-ign-custom"
  type     = "unlimited"
  networks = ["tf-ign"]
}

resource "netmaker_network_default_key" "test" {
  network  = "tf-ign"
  key_name = netmaker_enrollment_key.custom.name
}
`
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if auto, ok := srv.KeyByName("tf-ign"); !ok || !auto.Default {
				return fmt.Errorf("the auto-generated key lost the default: %+v", auto)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: regexp.MustCompile(`(?s)Netmaker did not change the network's default key.*"tf-ign-custom".*"tf-ign".*had\s+no\s+effect`),
		}},
	})
}
