package netmakertest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestRecordConformance records conformanceSteps from a real Netmaker
// server; scripts/record-conformance.sh runs it (it skips otherwise). It
// needs a fresh server: no network, no key, no user.
//
//	CONFORMANCE_RECORD  the generation recorded (v1.5, current)
//	NETMAKER_HOST       the server's base URL
//	NETMAKER_API_TOKEN  its master key
//	CONFORMANCE_OUT     the folder to write exchanges.json to
//	NETMAKER_SOURCE     what the server was built from (tag, commit)
func TestRecordConformance(t *testing.T) {
	gen := Generation(os.Getenv("CONFORMANCE_RECORD"))
	if gen == "" {
		t.Skip("records from a real server: run scripts/record-conformance.sh")
	}
	host, master := os.Getenv("NETMAKER_HOST"), os.Getenv("NETMAKER_API_TOKEN")
	out, source := os.Getenv("CONFORMANCE_OUT"), os.Getenv("NETMAKER_SOURCE")
	switch {
	case !gen.Valid():
		t.Fatalf("CONFORMANCE_RECORD=%q is no generation (want one of %v)", gen, Generations())
	case host == "" || master == "" || out == "" || source == "":
		t.Fatal("NETMAKER_HOST, NETMAKER_API_TOKEN, CONFORMANCE_OUT and NETMAKER_SOURCE must be set")
	}
	r := newRoles(time.Now())
	r.secret("{{master-key}}", master)
	r.secret("{{password}}", "pw-"+randomSecret())
	c := &conformanceClient{base: strings.TrimRight(host, "/")}
	requireFreshServer(t, c, r)

	rec := recording{Generation: gen, Source: source, Recorded: time.Now().UTC().Format(time.DateOnly)}
	for i, st := range conformanceSteps {
		if st.settle {
			settle(t, c, r)
		}
		req, err := r.request(st.exchange(r))
		if err != nil {
			t.Fatalf("step %d %q: %v", i+1, st.name, err)
		}
		ex, err := c.exchange(r, req)
		if err != nil {
			t.Fatalf("step %d %q: %v", i+1, st.name, err)
		}
		rec.Exchanges = append(rec.Exchanges, ex)
		t.Logf("%2d %-60s %d", i+1, st.name, ex.Status)
	}

	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	for _, s := range r.secrets() {
		if bytes.Contains(b, []byte(s)) {
			t.Fatalf("the recording would hold a secret or a volatile value (%d characters): not written", len(s))
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, conformanceFile), b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %d exchanges of %s (%s) to %s", len(rec.Exchanges), gen, source, out)
}

// requireFreshServer refuses a server that already holds keys or networks:
// the recorded lists would hold them.
func requireFreshServer(t *testing.T, c *conformanceClient, r *roles) {
	t.Helper()
	for _, path := range []string{keysPath, networksPath} {
		status, list := c.list(t, r, path)
		if status != 200 {
			t.Fatalf("GET %s: %d (is NETMAKER_API_TOKEN the master key?)", path, status)
		}
		if list != "[]" && list != "null" {
			t.Fatalf("GET %s answers %s: the recorder needs a fresh server", path, list)
		}
	}
}

// settle waits until the server's asynchronous work (a network deletion's
// cascade) is done: the key list stops changing.
func settle(t *testing.T, c *conformanceClient, r *roles) {
	t.Helper()
	prev := ""
	for range 40 {
		time.Sleep(500 * time.Millisecond)
		_, cur := c.list(t, r, keysPath)
		if cur == prev {
			return
		}
		prev = cur
	}
	t.Fatal("the key list did not settle in 20 s")
}

// list answers the status and the list at path as the master key sees it,
// in a stable order, without recording it.
func (c *conformanceClient) list(t *testing.T, r *roles, path string) (int, string) {
	t.Helper()
	ex, err := c.exchange(newRoles(r.start), request{exchange: exchange{Method: "GET"},
		path: path, auth: "Bearer " + r.actual["{{master-key}}"]})
	if err != nil {
		t.Fatal(err)
	}
	var l []any
	if decodeJSON(ex.Answer, &l) != nil {
		return ex.Status, string(ex.Answer)
	}
	return ex.Status, brief(sortedByContent(l))
}

// step is one request of the recorded script. path, auth and body may
// hold placeholders, and {{key:NAME}} for the current value of the key
// named NAME.
type step struct {
	name   string
	method string
	path   string
	auth   string // default authMaster
	body   string // JSON, or raw text when raw
	raw    bool
	settle bool
}

const (
	authMaster = "Bearer {{master-key}}"
	authNone   = "-"
	authWrong  = "Bearer not-a-netmaker-credential"
	authJWT    = "Bearer {{credential:1}}" // the login's JWT
	authPAT    = "Bearer {{credential:2}}" // the personal access token
)

const (
	keysPath     = "/api/v1/enrollment-keys"
	networksPath = "/api/networks"
	// unknownValue is a well-formed key value no server holds.
	unknownValue = "CONFORMANCE0UNKNOWN0KEY000000000"
	// unknownNode is a UUID no node has.
	unknownNode = "6a0f4c52-1f0e-4c1e-9a55-7b7f0e0d2b11"
)

var keyRefRE = regexp.MustCompile(`\{\{key:([^{}]*)\}\}`)

// exchange answers the step as a recorded request: {{key:NAME}} becomes
// the role of that key's latest value.
func (st step) exchange(r *roles) exchange {
	latest := func(s string) string {
		return keyRefRE.ReplaceAllStringFunc(s, func(ref string) string {
			name := keyRefRE.FindStringSubmatch(ref)[1]
			p := "{{value:" + name
			if n := r.perName["value:"+name]; n > 1 {
				p += fmt.Sprintf("#%d", n)
			}
			return p + "}}"
		})
	}
	e := exchange{Name: st.name, Method: st.method, Path: latest(st.path), Auth: st.auth, Settle: st.settle}
	switch e.Auth {
	case "":
		e.Auth = authMaster
	case authNone:
		e.Auth = ""
	}
	if st.body != "" {
		b := latest(st.body)
		if st.raw {
			e.BodyText = &b
		} else {
			e.Body = json.RawMessage(b)
		}
	}
	return e
}

func keyPath(ref string) string { return keysPath + "/" + ref }

// conformanceSteps is the recorded script. It runs unchanged on every
// generation: a route a server lacks is recorded as its 404.
var conformanceSteps = []step{
	{name: "list keys without credentials", method: "GET", path: keysPath, auth: authNone},
	{name: "list keys with a wrong credential", method: "GET", path: keysPath, auth: authWrong},
	{name: "list keys with a header that has no space", method: "GET", path: keysPath, auth: "{{master-key}}"},
	{name: "list keys on a fresh server", method: "GET", path: keysPath},
	{name: "list networks on a fresh server", method: "GET", path: networksPath},

	// Networks and their auto-generated keys.
	{name: "create network cf-net1", method: "POST", path: networksPath, body: `{"netid":"cf-net1","addressrange":"10.201.0.0/16"}`},
	{name: "create network cf-net2", method: "POST", path: networksPath, body: `{"netid":"cf-net2","addressrange":"10.202.0.0/16"}`},
	{name: "create network: the name is taken", method: "POST", path: networksPath, body: `{"netid":"cf-net1","addressrange":"10.203.0.0/16"}`},
	{name: "create network: a bad name", method: "POST", path: networksPath, body: `{"netid":"CF Net!","addressrange":"10.204.0.0/16"}`},
	{name: "create network: the address range is in use", method: "POST", path: networksPath, body: `{"netid":"cf-net3","addressrange":"10.201.0.0/16"}`},
	{name: "create network: the name is too long", method: "POST", path: networksPath, body: `{"netid":"cf-a-network-name-of-thirty-three","addressrange":"10.204.0.0/16"}`},
	{name: "create network: an empty name", method: "POST", path: networksPath, body: `{"netid":"","addressrange":"10.204.0.0/16"}`},
	{name: "create network: no address range", method: "POST", path: networksPath, body: `{"netid":"cf-net3"}`},
	{name: "create network: the address range is no CIDR", method: "POST", path: networksPath, body: `{"netid":"cf-net3","addressrange":"10.204.0.0"}`},
	{name: "create network: a /32 address range", method: "POST", path: networksPath, body: `{"netid":"cf-net3","addressrange":"10.204.0.1/32"}`},
	{name: "create network: malformed JSON", method: "POST", path: networksPath, body: `{"netid":`, raw: true},
	{name: "create network cf-net3 with host bits in its address range", method: "POST", path: networksPath, body: `{"netid":"cf-net3","addressrange":"10.204.5.6/16"}`},
	{name: "delete network cf-net3", method: "DELETE", path: networksPath + "/cf-net3"},
	{name: "get network cf-net1", method: "GET", path: networksPath + "/cf-net1", settle: true},
	{name: "list networks", method: "GET", path: networksPath},
	{name: "list keys: the networks' auto-generated keys", method: "GET", path: keysPath},

	// Create, one of each type and setting.
	{name: "create a limited-uses key with device tags", method: "POST", path: keysPath,
		body: `{"tags":["cf-uses"],"networks":["cf-net1"],"uses_remaining":3,"expiration":0,"unlimited":false,"groups":["cf-net1.web"],"relay":"","auto_assign_gw":false,"auto_egress":true,"type":2}`},
	{name: "create a time-bound key in two networks", method: "POST", path: keysPath,
		body: `{"tags":["cf-time"],"networks":["cf-net1","cf-net2"],"uses_remaining":0,"expiration":"{{unix:+720h}}","unlimited":false,"groups":["cf-net1.db","cf-net2.db"],"type":1}`},
	{name: "create an unlimited key: the type sent is ignored", method: "POST", path: keysPath,
		body: `{"tags":["cf-unlimited"],"networks":["cf-net2"],"unlimited":true,"type":1}`},
	{name: "create with uses and an expiration: the expiration is dropped", method: "POST", path: keysPath,
		body: `{"tags":["cf-uses-exp"],"networks":["cf-net2"],"uses_remaining":5,"expiration":"{{unix:+720h}}"}`},
	{name: "create with gateway settings: the nil relay, auto-assign", method: "POST", path: keysPath,
		body: `{"tags":["cf-gw"],"networks":["cf-net2"],"unlimited":true,"relay":"00000000-0000-0000-0000-000000000000","auto_assign_gw":true,"auto_egress":true}`},
	{name: "create with no networks", method: "POST", path: keysPath,
		body: `{"tags":["cf-hostonly"],"networks":[],"unlimited":true,"groups":[]}`},
	{name: "create for a network that does not exist", method: "POST", path: keysPath,
		body: `{"tags":["cf-ghostnet"],"networks":["cf-nowhere"],"unlimited":true}`},
	{name: "create in two networks without device tags", method: "POST", path: keysPath,
		body: `{"tags":["cf-two-nets"],"networks":["cf-net1","cf-net2"],"unlimited":true}`},
	{name: "create with no networks and a device tag of cf-net1", method: "POST", path: keysPath,
		body: `{"tags":["cf-hostonly-tagged"],"networks":[],"unlimited":true,"groups":["cf-net1.web"]}`},
	{name: "create with default true", method: "POST", path: keysPath,
		body: `{"tags":["cf-default"],"networks":["cf-net1"],"unlimited":true,"default":true}`},
	{name: "list keys: the defaults after a default create", method: "GET", path: keysPath},
	{name: "network default of cf-net1", method: "GET", path: keysPath + "/network/cf-net1/default"},
	{name: "network default of cf-net2", method: "GET", path: keysPath + "/network/cf-net2/default"},
	{name: "network default of a network that does not exist", method: "GET", path: keysPath + "/network/cf-nowhere/default"},

	// Create refusals.
	{name: "create with default true and no networks", method: "POST", path: keysPath,
		body: `{"tags":["cf-default-nonet"],"networks":[],"unlimited":true,"default":true}`},
	{name: "create: the name is taken", method: "POST", path: keysPath,
		body: `{"tags":["cf-uses"],"networks":["cf-net1"],"unlimited":true}`},
	{name: "create: the name of a network's auto-generated key", method: "POST", path: keysPath,
		body: `{"tags":["cf-net2"],"networks":["cf-net2"],"unlimited":true}`},
	{name: "create: the name is too short", method: "POST", path: keysPath,
		body: `{"tags":["ab"],"networks":["cf-net1"],"unlimited":true}`},
	{name: "create: the name is too long", method: "POST", path: keysPath,
		body: `{"tags":["cf-a-name-of-thirty-three-chars-x"],"networks":["cf-net1"],"unlimited":true}`},
	{name: "create: no name", method: "POST", path: keysPath,
		body: `{"networks":["cf-net1"],"unlimited":true}`},
	{name: "create: a bad type (expiration as a string)", method: "POST", path: keysPath,
		body: `{"tags":["cf-bad-type"],"networks":["cf-net1"],"expiration":"2030-01-01T00:00:00Z"}`},
	{name: "create: a bad type (type as a string)", method: "POST", path: keysPath,
		body: `{"tags":["cf-bad-type"],"networks":["cf-net1"],"unlimited":true,"type":"unlimited"}`},
	{name: "create: no uses, no expiration, not unlimited", method: "POST", path: keysPath,
		body: `{"tags":["cf-invalid"],"networks":["cf-net1"],"uses_remaining":0,"expiration":0,"unlimited":false}`},
	{name: "create: an expiration in the past", method: "POST", path: keysPath,
		body: `{"tags":["cf-expired"],"networks":["cf-net1"],"expiration":1000000000}`},
	{name: "create: an expiration in the past with unlimited", method: "POST", path: keysPath,
		body: `{"tags":["cf-expired-unlimited"],"networks":["cf-net2"],"expiration":1000000000,"unlimited":true}`},
	{name: "create: negative uses", method: "POST", path: keysPath,
		body: `{"tags":["cf-negative"],"networks":["cf-net1"],"uses_remaining":-1}`},
	{name: "create: negative uses with unlimited", method: "POST", path: keysPath,
		body: `{"tags":["cf-negative-unlimited"],"networks":["cf-net2"],"uses_remaining":-1,"unlimited":true}`},
	{name: "create: the relay is not a UUID", method: "POST", path: keysPath,
		body: `{"tags":["cf-badrelay"],"networks":["cf-net1"],"unlimited":true,"relay":"not-a-uuid"}`},
	{name: "create: the relay is no node", method: "POST", path: keysPath,
		body: `{"tags":["cf-norelay"],"networks":["cf-net1"],"unlimited":true,"relay":"` + unknownNode + `"}`},
	{name: "create: malformed JSON", method: "POST", path: keysPath, body: `{"tags":["cf-broken"],`, raw: true},

	// Update.
	{name: "update: device tags change; name, networks, uses and auto_egress are ignored", method: "PUT", path: keyPath("{{key:cf-uses}}"),
		body: `{"tags":["cf-renamed"],"networks":["cf-net2"],"uses_remaining":10,"unlimited":true,"auto_egress":false,"groups":["cf-net1.db"],"relay":"","auto_assign_gw":true}`},
	{name: "update with an empty body: relay, device tags and auto-assign reset", method: "PUT", path: keyPath("{{key:cf-gw}}"), body: `{}`},
	{name: "update: default true on a key that is no default", method: "PUT", path: keyPath("{{key:cf-time}}"),
		body: `{"groups":["cf-net1.db","cf-net2.db"],"relay":"","auto_assign_gw":false,"default":true}`},
	{name: "update: default false on the default key", method: "PUT", path: keyPath("{{key:cf-default}}"),
		body: `{"groups":null,"relay":"","auto_assign_gw":false,"default":false}`},
	{name: "list keys: the defaults after updates", method: "GET", path: keysPath},
	{name: "update: the relay is not a UUID", method: "PUT", path: keyPath("{{key:cf-uses}}"),
		body: `{"groups":null,"relay":"not-a-uuid","auto_assign_gw":false}`},
	{name: "update: the relay is no node", method: "PUT", path: keyPath("{{key:cf-uses}}"),
		body: `{"groups":null,"relay":"` + unknownNode + `","auto_assign_gw":false}`},
	{name: "update a key that does not exist", method: "PUT", path: keyPath(unknownValue),
		body: `{"groups":null,"relay":"","auto_assign_gw":false}`},
	{name: "update: malformed JSON", method: "PUT", path: keyPath("{{key:cf-uses}}"), body: `{"groups":`, raw: true},
	{name: "read one key: there is no such route", method: "GET", path: keyPath("{{key:cf-uses}}")},

	// Regenerate.
	{name: "regenerate a key's token", method: "POST", path: keyPath("{{key:cf-time}}") + "/regenerate-token"},
	{name: "regenerate the token of the old value", method: "POST", path: keyPath("{{value:cf-time}}") + "/regenerate-token"},
	{name: "regenerate the default key's token", method: "POST", path: keyPath("{{key:cf-default}}") + "/regenerate-token"},
	{name: "network default of cf-net1 after its regeneration", method: "GET", path: keysPath + "/network/cf-net1/default"},
	{name: "list keys after regenerations", method: "GET", path: keysPath},

	// Delete.
	{name: "delete a key", method: "DELETE", path: keyPath("{{key:cf-uses-exp}}")},
	{name: "delete a deleted key", method: "DELETE", path: keyPath("{{value:cf-uses-exp}}")},
	{name: "delete a key that never existed", method: "DELETE", path: keyPath(unknownValue)},
	{name: "delete a network's default key", method: "DELETE", path: keyPath("{{key:cf-net2}}")},
	{name: "delete the auto-generated key of cf-net1", method: "DELETE", path: keyPath("{{key:cf-net1}}")},
	{name: "create a key named like a network once its auto-generated key is gone", method: "POST", path: keysPath,
		body: `{"tags":["cf-net1"],"networks":["cf-net2"],"unlimited":true}`},
	{name: "delete network cf-net1", method: "DELETE", path: networksPath + "/cf-net1"},
	{name: "list keys after the network deletion's cascade", method: "GET", path: keysPath, settle: true},
	{name: "list networks after a deletion", method: "GET", path: networksPath},
	{name: "get a deleted network", method: "GET", path: networksPath + "/cf-net1"},
	{name: "delete a network that does not exist", method: "DELETE", path: networksPath + "/cf-nowhere"},
	{name: "list keys after the cascade of a network that did not exist", method: "GET", path: keysPath, settle: true},
	{name: "network default of a deleted network", method: "GET", path: keysPath + "/network/cf-net1/default"},

	// Users and their credentials.
	{name: "create the super admin", method: "POST", path: "/api/users/adm/createsuperadmin", auth: authNone,
		body: `{"username":"cf-admin","password":"{{password}}"}`},
	{name: "create a second super admin", method: "POST", path: "/api/users/adm/createsuperadmin", auth: authNone,
		body: `{"username":"cf-admin2","password":"{{password}}"}`},
	{name: "log in with a wrong password", method: "POST", path: "/api/users/adm/authenticate", auth: authNone,
		body: `{"username":"cf-admin","password":"not-the-password"}`},
	{name: "log in", method: "POST", path: "/api/users/adm/authenticate", auth: authNone,
		body: `{"username":"cf-admin","password":"{{password}}"}`},
	{name: "list keys with the login's JWT", method: "GET", path: keysPath, auth: authJWT},
	{name: "create a personal access token", method: "POST", path: "/api/v1/users/access_token", auth: authJWT,
		body: `{"name":"cf-token","user_name":"cf-admin","expires_at":"{{time:+720h}}"}`},
	{name: "list networks with the access token", method: "GET", path: networksPath, auth: authPAT},
	{name: "create a personal access token with the master key", method: "POST", path: "/api/v1/users/access_token",
		body: `{"name":"cf-token2","user_name":"cf-admin","expires_at":"{{time:+720h}}"}`},
	{name: "create a personal access token for a user that does not exist", method: "POST", path: "/api/v1/users/access_token", auth: authJWT,
		body: `{"name":"cf-token3","user_name":"cf-nobody","expires_at":"{{time:+720h}}"}`},

	// Last, as it leaves a key with no name behind.
	{name: "create with an empty name list: the server stores the key and hangs up", method: "POST", path: keysPath,
		body: `{"tags":[],"networks":["cf-net2"],"unlimited":true}`},
	{name: "list keys: the key with no name", method: "GET", path: keysPath},
}
