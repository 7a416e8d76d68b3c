package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/clock"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

// The ephemeral netmaker_enrollment_key mints a key per open: the token
// reaches the consumer (the echo provider, or a provisioner), neither plan
// nor state holds a secret, and the key is gone after the run unless
// revoke_on_close = false. Faults and logs: _faults_test.go.

var skipWithoutEphemeral = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)}

// mintedAnswer is a key as the server's create answer gave it.
type mintedAnswer struct{ name, value, token string }

// mintWatch is an interceptor that watches the key writes: the keys created
// (from each create's answer) and the values deleted. Armed with
// loseCreate, it applies the next create and hangs up on its answer, then
// hangs up on the next listsToLose key lists (every one, while negative,
// until disarmed): the provider cannot learn whether the key exists.
type mintWatch struct {
	t *testing.T

	mu          sync.Mutex
	created     []mintedAnswer
	deleted     map[string]bool
	loseCreate  bool
	listsToLose int
	lostCreates int
}

func newMintWatch(t *testing.T) *mintWatch { return &mintWatch{t: t, deleted: map[string]bool{}} }

func (m *mintWatch) arm(lists int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.loseCreate, m.listsToLose = true, lists
}

func (m *mintWatch) disarm() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.loseCreate, m.listsToLose = false, 0
}

func (m *mintWatch) intercept(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	isKey := strings.HasPrefix(r.URL.Path, "/api/v1/enrollment-keys/")
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/api/v1/enrollment-keys" && m.lostCreates > 0 && m.listsToLose != 0:
		m.listsToLose--
		hangUp(m.t, w)
		return true
	case r.Method == http.MethodPost && r.URL.Path == "/api/v1/enrollment-keys":
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		var answer struct {
			Value string   `json:"value"`
			Token string   `json:"token"`
			Tags  []string `json:"tags"`
		}
		if rec.Code == http.StatusOK && json.Unmarshal(rec.Body.Bytes(), &answer) == nil && len(answer.Tags) > 0 {
			m.created = append(m.created, mintedAnswer{name: answer.Tags[0], value: answer.Value, token: answer.Token})
		}
		if m.loseCreate && rec.Code == http.StatusOK {
			m.loseCreate = false
			m.lostCreates++
			hangUp(m.t, w)
			return true
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		return true
	case r.Method == http.MethodDelete && isKey:
		value := strings.TrimPrefix(r.URL.Path, "/api/v1/enrollment-keys/")
		if status := netmakertest.PassThrough(w, r, next); status == http.StatusOK {
			m.deleted[value] = true
		}
		return true
	}
	return false
}

// keys answers the keys created so far, and secrets their values and tokens.
func (m *mintWatch) keys() []mintedAnswer {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]mintedAnswer(nil), m.created...)
}

func (m *mintWatch) secrets() []string {
	var out []string
	for _, k := range m.keys() {
		out = append(out, k.value, k.token)
	}
	return out
}

// lost answers how many create answers were lost.
func (m *mintWatch) lost() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.lostCreates
}

func (m *mintWatch) wasDeleted(value string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.deleted[value]
}

// newMintTestServer starts a test server of gen watched by a mintWatch.
func newMintTestServer(t *testing.T, gen netmakertest.Generation) (*mintWatch, *netmakertest.Server) {
	t.Helper()
	watch := newMintWatch(t)
	return watch, newTestServerWithOptions(t, netmakertest.Options{Generation: gen, Intercept: watch.intercept})
}

// keysWithPrefix answers the server's keys whose name starts with prefix.
func keysWithPrefix(srv *netmakertest.Server, prefix string) []netmakertest.Key {
	var out []netmakertest.Key
	for _, k := range srv.Keys() {
		if strings.HasPrefix(k.Name, prefix) {
			out = append(out, k)
		}
	}
	return out
}

// mintConfig is the ephemeral key with body, revealed by the echo provider.
func mintConfig(srv *netmakertest.Server, body string) string {
	return echoConfig(srv, "netmaker_enrollment_key", body)
}

// mintConsumerConfig is provider, the ephemeral key with body, and a
// terraform_data whose precondition reads the key's name: the key is
// opened in plan and apply, and nothing records it.
func mintConsumerConfig(provider, body, prefix string) string {
	return provider + `
ephemeral "netmaker_enrollment_key" "test" {
` + body + `
}

resource "terraform_data" "test" {
  lifecycle {
    precondition {
      condition     = startswith(ephemeral.netmaker_enrollment_key.test.name, "` + prefix + `")
      error_message = "no key minted"
    }
  }
}
`
}

// noMintedSecretInPlan checks the whole plan against every key minted so far.
type noMintedSecretInPlan struct{ watch *mintWatch }

func (c noMintedSecretInPlan) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	if len(c.watch.keys()) == 0 {
		resp.Error = fmt.Errorf("planning minted no key")
		return
	}
	resp.Error = noSecretInJSON("the plan", req.Plan, c.watch.secrets())
}

// noMintedSecretInState checks the state, but for the echo resource whose
// job is to reveal the key, against every key minted so far.
type noMintedSecretInState struct{ watch *mintWatch }

func (c noMintedSecretInState) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	stateHoldsNoSecret{secrets: c.watch.secrets(), skip: "echo.test"}.CheckState(ctx, req, resp)
}

// echoedKey answers what the echo resource holds of the ephemeral key
// (null attributes as "").
func echoedKey(req statecheck.CheckStateRequest) (map[string]string, error) {
	state := req.State
	if state == nil || state.Values == nil || state.Values.RootModule == nil {
		return nil, fmt.Errorf("no state")
	}
	for _, r := range state.Values.RootModule.Resources {
		if r.Address != "echo.test" {
			continue
		}
		data, ok := r.AttributeValues["data"].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("echo.test holds no object: %T", r.AttributeValues["data"])
		}
		out := map[string]string{}
		for k, v := range data {
			if str, ok := v.(string); ok {
				out[k] = str
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("echo.test missing: the configuration did not apply")
}

// mintedKeyEchoed checks that the consumer received a key minted with
// prefix during the run: its name carries the marker, its value and token
// are those of a key created on the server, expires_at is set (or null) as
// its type says, and then whatever more checks.
type mintedKeyEchoed struct {
	srv     *netmakertest.Server
	watch   *mintWatch
	prefix  string
	expires bool
	more    func(echoed map[string]string) error
}

func (c mintedKeyEchoed) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	got, err := echoedKey(req)
	if err != nil {
		resp.Error = err
		return
	}
	if m, ok := netmaker.ParseMintedKeyName(got["name"]); !ok || m.Prefix != c.prefix {
		resp.Error = fmt.Errorf("echoed name %q is not a key minted with prefix %q", got["name"], c.prefix)
		return
	}
	var minted *mintedAnswer
	for _, k := range c.watch.keys() {
		if k.name == got["name"] {
			minted = &k
		}
	}
	switch {
	case minted == nil:
		resp.Error = fmt.Errorf("echoed key %q was never created on the server", got["name"])
	case got["value"] != minted.value || got["token"] != minted.token || got["token"] != c.srv.Token(minted.value):
		resp.Error = fmt.Errorf("the consumer did not receive key %q's value and token", got["name"])
	case c.expires && got["expires_at"] == "":
		resp.Error = fmt.Errorf("expires_at is empty for a time_bound key")
	case !c.expires && got["expires_at"] != "":
		resp.Error = fmt.Errorf("expires_at = %q for a uses key, which Netmaker never expires", got["expires_at"])
	case c.more != nil:
		resp.Error = c.more(got)
	}
}

// TestAccEnrollmentKeyEphemeralResource_basic: a one-use key, minted for
// the run and revoked at its end. The consumer receives the key; neither
// plan nor state holds any minted key's value or token; every key minted
// (by the plan, the apply and the later plans, one per open) is gone after
// the run.
func TestAccEnrollmentKeyEphemeralResource_basic(t *testing.T) {
	t.Parallel()
	for _, gen := range generations {
		t.Run(string(gen), func(t *testing.T) {
			t.Parallel()
			watch, srv := newMintTestServer(t, gen)
			testAccCreateNetworks(t, srv, "net-a")
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccEchoFactories(),
				TerraformVersionChecks:   skipWithoutEphemeral,
				Steps: []resource.TestStep{{
					Config: mintConfig(srv, `  name_prefix = "tf-boot-"
  networks    = ["net-a"]
  type        = "uses"
  uses        = 1
  ttl         = "30m"
  tags        = ["net-a.servers"]`),
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{noMintedSecretInPlan{watch}},
					},
					ConfigStateChecks: []statecheck.StateCheck{
						noMintedSecretInState{watch},
						mintedKeyEchoed{srv: srv, watch: watch, prefix: "tf-boot-"},
					},
				}},
			})
			minted := watch.keys()
			if len(minted) < 2 {
				t.Fatalf("%d keys minted; Terraform opens the ephemeral resource in plan and in apply, each minting one", len(minted))
			}
			for _, k := range minted {
				if !watch.wasDeleted(k.value) {
					t.Errorf("minted key %s was never revoked", k.name)
				}
			}
			if left := keysWithPrefix(srv, "tf-boot-"); len(left) > 0 {
				t.Errorf("%d minted keys left on the server after the run, e.g. %s", len(left), left[0].Name)
			}
		})
	}
}

// TestAccEnrollmentKeyEphemeralResource_keepOnClose: with revoke_on_close =
// false a time_bound key outlives the run, expiring within its ttl; so does
// the key each other open minted.
func TestAccEnrollmentKeyEphemeralResource_keepOnClose(t *testing.T) {
	t.Parallel()
	for _, gen := range generations {
		t.Run(string(gen), func(t *testing.T) {
			t.Parallel()
			watch, srv := newMintTestServer(t, gen)
			start := time.Now().Truncate(time.Second)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccEchoFactories(),
				TerraformVersionChecks:   skipWithoutEphemeral,
				Steps: []resource.TestStep{{
					Config: mintConfig(srv, `  name_prefix     = "tf-vault-"
  type            = "time_bound"
  ttl             = "45m"
  revoke_on_close = false`),
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{noMintedSecretInPlan{watch}},
					},
					ConfigStateChecks: []statecheck.StateCheck{
						noMintedSecretInState{watch},
						mintedKeyEchoed{srv: srv, watch: watch, prefix: "tf-vault-", expires: true, more: func(got map[string]string) error {
							k, ok := srv.KeyByName(got["name"])
							if !ok {
								return fmt.Errorf("the key handed to the consumer is gone: it must outlive the run")
							}
							if want := k.Expiration.UTC().Format(time.RFC3339); got["expires_at"] != want {
								return fmt.Errorf("expires_at = %q, the server's expiry is %s", got["expires_at"], want)
							}
							return nil
						}},
					},
				}},
			})
			end := time.Now()
			left := keysWithPrefix(srv, "tf-vault-")
			if len(left) != len(watch.keys()) || len(left) < 2 {
				t.Fatalf("%d minted keys on the server, %d minted: every open's key must outlive the run", len(left), len(watch.keys()))
			}
			for _, k := range left {
				if k.Type != netmakertest.TypeTimeBound || k.Expiration.Before(start.Add(45*time.Minute)) ||
					k.Expiration.After(end.Add(45*time.Minute)) {
					t.Errorf("key %s: type %d, expires %s; want time_bound, expiring 45m after it was minted", k.Name, k.Type, k.Expiration)
				}
				if watch.wasDeleted(k.Value) {
					t.Errorf("key %s was deleted", k.Name)
				}
			}
		})
	}
}

// TestAccEnrollmentKeyEphemeralResource_staleKeysDeleted: an open deletes
// the keys of its prefix that outlived their ttl (a uses key, which Netmaker
// never expires, by the end in its name) or their uses, and nothing else:
// not a live key of the prefix, not another prefix's, not a hand-made key,
// even one shaped like a minted key.
func TestAccEnrollmentKeyEphemeralResource_staleKeysDeleted(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, netmakertest.GenerationCurrent)
	clk := clock.NewManual(time.Now())
	now := clk.Now()
	leftover := func(prefix string, typ netmaker.KeyType, deadline time.Time) string {
		name, err := netmaker.NewMintedKeyName(prefix, deadline)
		if err != nil {
			t.Fatal(err)
		}
		req := netmaker.CreateKeyRequest{Name: name, Type: typ, Uses: 1}
		if typ == netmaker.KeyTypeTimeBound {
			req.Uses, req.Expiration = 0, deadline.Truncate(time.Second)
		}
		testAccCreateKey(t, srv, req)
		return name
	}
	// Minted by earlier runs whose close never came.
	staleUses := leftover("tf-ci-", netmaker.KeyTypeUses, now.Add(10*time.Minute))
	staleTimed := leftover("tf-ci-", netmaker.KeyTypeTimeBound, now.Add(10*time.Minute))
	usedUp := leftover("tf-ci-", netmaker.KeyTypeUses, now.Add(2*time.Hour))
	live := leftover("tf-ci-", netmaker.KeyTypeUses, now.Add(2*time.Hour))
	otherPrefix := leftover("tf-cd-", netmaker.KeyTypeUses, now.Add(10*time.Minute))
	k, _ := srv.KeyByName(usedUp)
	if err := srv.Register(srv.Token(k.Value)); err != nil {
		t.Fatal(err)
	}
	lookAlike := "tf-ci-" + strings.Repeat("0", netmaker.MintedNameSuffixLen)
	for _, name := range []string{lookAlike, "tf-ci-manual"} {
		testAccCreateKey(t, srv, netmaker.CreateKeyRequest{Name: name, Type: netmaker.KeyTypeUses, Uses: 1})
	}
	clk.Advance(time.Hour) // the first two are past their ttl now; nothing expired on the server's clock

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactoriesWithClock(clk),
		TerraformVersionChecks:   skipWithoutEphemeral,
		Steps: []resource.TestStep{{
			Config: mintConsumerConfig(providerConfig(srv), `  name_prefix = "tf-ci-"
  type        = "uses"
  uses        = 1
  ttl         = "15m"`, "tf-ci-"),
			Check: func(*terraform.State) error {
				for _, gone := range []string{staleUses, staleTimed, usedUp} {
					if _, ok := srv.KeyByName(gone); ok {
						return fmt.Errorf("stale minted key %s was not deleted", gone)
					}
				}
				for _, kept := range []string{live, otherPrefix, lookAlike, "tf-ci-manual"} {
					if _, ok := srv.KeyByName(kept); !ok {
						return fmt.Errorf("key %s was deleted; only the prefix's stale minted keys may be", kept)
					}
				}
				return nil
			},
		}},
	})
}

// TestAccEnrollmentKeyEphemeralResource_invalidConfig: what a minted key
// cannot be is refused at plan, on the attribute, before any key is made.
func TestAccEnrollmentKeyEphemeralResource_invalidConfig(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, netmakertest.GenerationCurrent)
	tests := []struct {
		name, body string
		want       string
	}{
		{"prefix too long", `name_prefix = "abcdefghijklmnopqrst"
type = "time_bound"
ttl = "1h"`, `Netmaker allows key names of at most 32 characters, so the prefix may have at most 19; "abcdefghijklmnopqrst" has 20`},
		{"empty prefix", `name_prefix = ""
type = "time_bound"
ttl = "1h"`, `A name prefix must not be empty or only whitespace`},
		{"prefix with a control character", `name_prefix = "ci\u0007"
type = "time_bound"
ttl = "1h"`, `A name prefix must hold only visible characters and spaces`},
		{"unlimited", `name_prefix = "ci-"
type = "unlimited"
ttl = "1h"`, `An unlimited key never ends, and a minted key must. Use type = "time_bound"`},
		{"misspelt type", `name_prefix = "ci-"
type = "timebound"
ttl = "1h"`, `type must be "time_bound" or "uses"; "timebound" is neither`},
		{"uses without uses", `name_prefix = "ci-"
type = "uses"
ttl = "1h"`, `A key of type "uses" needs uses`},
		{"uses kept after the run", `name_prefix = "ci-"
type = "uses"
uses = 1
ttl = "1h"
revoke_on_close = false`, `Netmaker keeps no expiry on a key of type "uses"`},
		{"uses on a time_bound key", `name_prefix = "ci-"
type = "time_bound"
uses = 2
ttl = "1h"`, `uses can only be set when type is "uses"`},
		{"ttl too short", `name_prefix = "ci-"
type = "time_bound"
ttl = "30s"`, `"30s" is shorter than the least allowed here, 1m0s`},
		{"no ttl", `name_prefix = "ci-"
type = "time_bound"`, `The argument "ttl" is required`},
		{"two gateway choices", `name_prefix = "ci-"
type = "time_bound"
ttl = "1h"
gateway_id = "3f2b8c1e-6a47-4d2e-9d6b-1c2f3a4b5c6d"
auto_select_gateway = true`, `gateway_id cannot be set while auto_select_gateway is true`},
	}
	var steps []resource.TestStep
	for _, tt := range tests {
		steps = append(steps, resource.TestStep{
			Config:      mintConfig(srv, tt.body),
			ExpectError: wrappedText(tt.want),
		})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccEchoFactories(),
		TerraformVersionChecks:   skipWithoutEphemeral,
		Steps:                    steps,
	})
	if n := srv.Stats()["POST /api/v1/enrollment-keys"]; n > 0 {
		t.Errorf("%d keys were created for configurations refused at plan", n)
	}
}
