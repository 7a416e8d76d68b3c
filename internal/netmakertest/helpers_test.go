package netmakertest

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/clock"
)

const testMaster = "master-key-for-tests"

// newClock answers the settable clock a test shares with its server
// (Options.Now), at a fixed start.
func newClock() *clock.Manual { return clock.NewManual(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)) }

func newTest(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.MasterKey == "" {
		opts.MasterKey = testMaster
	}
	if opts.CascadeDelay == 0 {
		opts.CascadeDelay = 10 * time.Millisecond
	}
	s := NewServer(opts)
	t.Cleanup(s.Close)
	return s
}

// eachGenerationWithNet1 runs test in a subtest per generation (named after
// it), on a new server of that generation that has network net1.
func eachGenerationWithNet1(t *testing.T, test func(t *testing.T, s *Server)) {
	for _, gen := range Generations() {
		t.Run(string(gen), func(t *testing.T) {
			s := newTest(t, Options{Generation: gen})
			createNetwork(t, s, "net1", "10.1.0.0/16")
			test(t, s)
		})
	}
}

type answer struct {
	status int
	header http.Header
	body   string
	err    error // transport error (connection closed, reset)
}

// client has no keep-alive so that a hung-up connection never spills over
// into the next request.
var client = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}

func call(t *testing.T, s *Server, method, path, body string) answer {
	t.Helper()
	return callAuth(t, s, method, path, body, "Bearer "+testMaster)
}

func callAuth(t *testing.T, s *Server, method, path, body, auth string) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.URL()+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := client.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{status: resp.StatusCode, header: resp.Header, err: err}
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// mustOK fails unless the answer is a 200.
func (a answer) mustOK(t *testing.T) answer {
	t.Helper()
	if a.err != nil || a.status != 200 {
		t.Fatalf("want 200, got %d %q (err %v)", a.status, a.body, a.err)
	}
	return a
}

// wantError checks an error answer {"Code":..,"Message":..,"Response":null}.
func (a answer) wantError(t *testing.T, status int, msgPrefix string) {
	t.Helper()
	if a.err != nil {
		t.Fatalf("want %d %q, got transport error %v", status, msgPrefix, a.err)
	}
	if a.status != status {
		t.Fatalf("status: want %d, got %d (%s)", status, a.status, a.body)
	}
	var e map[string]json.RawMessage
	if err := json.Unmarshal([]byte(a.body), &e); err != nil {
		t.Fatalf("error body %q is not JSON: %v", a.body, err)
	}
	if len(e) != 3 || string(e["Response"]) != "null" || string(e["Code"]) != itoa(status) {
		t.Fatalf("error body shape: %s", a.body)
	}
	var msg string
	_ = json.Unmarshal(e["Message"], &msg)
	if !strings.HasPrefix(msg, msgPrefix) {
		t.Fatalf("message: want prefix %q, got %q", msgPrefix, msg)
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// wireKey is a key in the list shape as a client decodes it: the server's
// listShape, but with expiration as the string on the wire (checkFields
// checks the field names against listFields, the test's own list).
type wireKey struct {
	listShape
	Expiration string `json:"expiration"`
}

var listFields = []string{"value", "token", "tags", "groups", "networks", "type", "unlimited",
	"uses_remaining", "expiration", "relay", "auto_assign_gw", "auto_egress", "default"}

var detailFields = []string{"id", "name", "value", "token", "default", "unlimited", "uses_remaining",
	"expiration", "networks", "tags", "gateway_id", "auto_assign_gateway", "auto_egress", "type",
	"created_by", "created_at", "updated_at", "tenant_id"}

// fieldsOf answers the JSON object's fields (raw), failing on anything else.
func fieldsOf(t *testing.T, body string) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("not a JSON object: %q: %v", body, err)
	}
	return m
}

func checkFields(t *testing.T, body string, want []string) {
	t.Helper()
	m := fieldsOf(t, body)
	if len(m) != len(want) {
		t.Errorf("fields: want %v, got %s", want, body)
	}
	for _, f := range want {
		if _, ok := m[f]; !ok {
			t.Errorf("field %q missing in %s", f, body)
		}
	}
}

func decodeKey(t *testing.T, body string) wireKey {
	t.Helper()
	checkFields(t, body, listFields)
	var k wireKey
	if err := json.Unmarshal([]byte(body), &k); err != nil {
		t.Fatal(err)
	}
	return k
}

func list(t *testing.T, s *Server) []wireKey {
	t.Helper()
	a := call(t, s, "GET", "/api/v1/enrollment-keys", "").mustOK(t)
	var ks []wireKey
	if err := json.Unmarshal([]byte(a.body), &ks); err != nil {
		t.Fatalf("list: %v: %s", err, a.body)
	}
	return ks
}

func findByName(ks []wireKey, name string) (wireKey, bool) {
	for _, k := range ks {
		if len(k.Tags) > 0 && k.Tags[0] == name {
			return k, true
		}
	}
	return wireKey{}, false
}

func createKey(t *testing.T, s *Server, body string) wireKey {
	t.Helper()
	return decodeKey(t, call(t, s, "POST", "/api/v1/enrollment-keys", body).mustOK(t).body)
}

func createNetwork(t *testing.T, s *Server, name, cidr string) {
	t.Helper()
	if err := s.CreateNetwork(name, cidr); err != nil {
		t.Fatal(err)
	}
}

func hostOf(t *testing.T, s *Server) string {
	t.Helper()
	u, err := url.Parse(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

func wantToken(host, value string) string {
	return base64.StdEncoding.EncodeToString([]byte(`{"server":"` + host + `","value":"` + value + `"}`))
}

func future(c *clock.Manual, d time.Duration) string { return itoa(int(c.Now().Add(d).Unix())) }

// detailKey is the detail shape (v1.7's update, regenerate and network
// default answers) as a client decodes it: the server's detailShape, with
// expiration as the string on the wire (checkFields checks the names
// against detailFields).
type detailKey struct {
	detailShape
	Expiration string `json:"expiration"`
}

// wantsDetail: the generation answers update, regenerate and network
// default in the detail shape.
func wantsDetail(gen Generation) bool { return gen == GenerationV17 }

// decodeAnswer checks that an update, regenerate or network-default answer
// is in the generation's shape and answers it in list-shape terms.
func decodeAnswer(t *testing.T, gen Generation, body string) wireKey {
	t.Helper()
	if !wantsDetail(gen) {
		return decodeKey(t, body)
	}
	checkFields(t, body, detailFields)
	var d detailKey
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		t.Fatal(err)
	}
	relay := NilUUID
	if d.GatewayID != nil {
		relay = *d.GatewayID
	}
	return wireKey{listShape: listShape{
		Value: d.Value, Token: d.Token, Tags: []string{d.Name}, Groups: d.Tags, Networks: d.Networks,
		Type: d.Type, Unlimited: d.Unlimited, UsesRemaining: d.UsesRemaining,
		Relay: relay, AutoAssignGW: d.AutoAssignGateway, AutoEgress: d.AutoEgress, Default: d.Default,
	}, Expiration: d.Expiration}
}

// defaultNames answers the names of network's default keys, as the server
// stores them.
func defaultNames(s *Server, network string) string {
	var names []string
	for _, k := range s.DefaultKeys(network) {
		names = append(names, k.Name)
	}
	return strings.Join(names, ",")
}

// keyGenerations are the generations with the regenerate and
// network-default routes.
var keyGenerations = []Generation{GenerationCurrent, GenerationV17}

// noNode stands for the text of a failed node lookup in test tables;
// noNodeText answers it for gen (recorded: v1.5 and current differ).
const noNode = "<no node>"

func noNodeText(gen Generation, msg string) string {
	if msg != noNode {
		return msg
	}
	if gen == GenerationV15 {
		return "no result found"
	}
	return "record not found"
}
