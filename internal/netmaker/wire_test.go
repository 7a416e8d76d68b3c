package netmaker

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

const (
	testValue = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
	testToken = "eyJzZXJ2ZXIiOiJhcGkuZXhhbXBsZS5jb20iLCJ2YWx1ZSI6IkFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaMDEyMzQ1In0="
	testGW    = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"
)

// listShape and detailShape are the same key in the two JSON shapes.
var (
	listShape = `{"value":"` + testValue + `","token":"` + testToken + `","tags":["office"],
		"groups":["net1.laptops"],"networks":["net1","net2"],"type":1,"unlimited":false,"uses_remaining":0,
		"expiration":"2030-01-02T03:04:05Z","relay":"` + testGW + `","auto_assign_gw":false,"auto_egress":true,"default":false}`
	detailShape = `{"id":"5f0c","name":"office","value":"` + testValue + `","token":"` + testToken + `",
		"default":false,"unlimited":false,"uses_remaining":0,"expiration":"2030-01-02T03:04:05Z",
		"networks":["net1","net2"],"tags":["net1.laptops"],"gateway_id":"` + testGW + `","auto_assign_gateway":false,
		"auto_egress":true,"type":1,"created_by":"admin","created_at":"2029-01-01T00:00:00.123456Z","updated_at":"2029-01-01T00:00:00Z"}`
)

var wantOffice = EnrollmentKey{
	Name: "office", Value: testValue, Token: testToken, Networks: []string{"net1", "net2"},
	Tags: []string{"net1.laptops"}, Type: KeyTypeTimeBound, Expiration: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC),
	GatewayID: testGW, AutoEgress: true,
}

func TestDecodeKey(t *testing.T) {
	tests := []struct {
		name string
		body string
		want EnrollmentKey
	}{
		{"list shape", listShape, wantOffice},
		{"detail shape", detailShape, wantOffice},
		{
			"list shape nulls, nil UUID, zero time",
			`{"value":"V","token":null,"tags":["k1"],"groups":null,"networks":null,"type":3,"unlimited":true,
			  "uses_remaining":null,"expiration":"0001-01-01T00:00:00Z","relay":"00000000-0000-0000-0000-000000000000",
			  "auto_assign_gw":null,"auto_egress":null,"default":null}`,
			EnrollmentKey{Name: "k1", Value: "V", Networks: []string{}, Tags: []string{}, Type: KeyTypeUnlimited, Unlimited: true},
		},
		{
			"detail shape null gateway and tags",
			`{"name":"k2","value":"V","tags":null,"gateway_id":null,"auto_assign_gateway":true,"networks":["n"],"type":2,"uses_remaining":4,"expiration":null}`,
			EnrollmentKey{Name: "k2", Value: "V", Networks: []string{"n"}, Tags: []string{}, Type: KeyTypeUses, UsesRemaining: 4, AutoAssignGateway: true},
		},
		{
			"detail shape empty gateway string",
			`{"name":"k3","value":"V","gateway_id":"","networks":[]}`,
			EnrollmentKey{Name: "k3", Value: "V", Networks: []string{}, Tags: []string{}},
		},
		{
			"detail shape with a null name",
			`{"name":null,"value":"V","tags":["n.t"],"gateway_id":"` + nilUUID + `"}`,
			EnrollmentKey{Value: "V", Networks: []string{}, Tags: []string{"n.t"}},
		},
		{
			"list shape with no tags at all",
			`{"value":"V","relay":""}`,
			EnrollmentKey{Value: "V", Networks: []string{}, Tags: []string{}},
		},
		{
			"list shape auto-assign",
			`{"value":"V","tags":["k4"],"auto_assign_gw":true,"relay":"00000000-0000-0000-0000-000000000000"}`,
			EnrollmentKey{Name: "k4", Value: "V", Networks: []string{}, Tags: []string{}, AutoAssignGateway: true},
		},
		{
			"fractional seconds and offset",
			`{"value":"V","tags":["k5"],"expiration":"2030-01-02T05:04:05.123456789+02:00"}`,
			EnrollmentKey{Name: "k5", Value: "V", Networks: []string{}, Tags: []string{}, Expiration: time.Date(2030, 1, 2, 3, 4, 5, 123456789, time.UTC)},
		},
		{
			"no offset means UTC",
			`{"value":"V","tags":["k6"],"expiration":"2030-01-02T03:04:05"}`,
			EnrollmentKey{Name: "k6", Value: "V", Networks: []string{}, Tags: []string{}, Expiration: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)},
		},
		{
			"zero time with offset and fraction",
			`{"value":"V","tags":["k7"],"expiration":"0001-01-01T00:00:00.000+00:00"}`,
			EnrollmentKey{Name: "k7", Value: "V", Networks: []string{}, Tags: []string{}},
		},
		{
			"unix seconds and empty string",
			`{"value":"V","tags":["k8"],"expiration":1893553445}`,
			EnrollmentKey{Name: "k8", Value: "V", Networks: []string{}, Tags: []string{}, Expiration: time.Unix(1893553445, 0).UTC()},
		},
		{
			"empty expiration string, null elements in lists",
			`{"value":"V","tags":["k9",null],"groups":[null,"a"],"networks":[null],"expiration":""}`,
			EnrollmentKey{Name: "k9", Value: "V", Networks: []string{}, Tags: []string{"a"}},
		},
		{
			"go time.String layout",
			`{"value":"V","tags":["k10"],"expiration":"2030-01-02 03:04:05.5 +0000 UTC"}`,
			EnrollmentKey{Name: "k10", Value: "V", Networks: []string{}, Tags: []string{}, Expiration: time.Date(2030, 1, 2, 3, 4, 5, 5e8, time.UTC)},
		},
		{
			"numbers as strings and floats",
			`{"value":"V","tags":["k11"],"type":"2","uses_remaining":5.0,"unlimited":"false"}`,
			EnrollmentKey{Name: "k11", Value: "V", Networks: []string{}, Tags: []string{}, Type: KeyTypeUses, UsesRemaining: 5},
		},
		{
			"unknown fields ignored",
			`{"value":"V","tags":["k12"],"something":{"deep":[1,2]}}`,
			EnrollmentKey{Name: "k12", Value: "V", Networks: []string{}, Tags: []string{}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeKey([]byte(tt.body))
			if err != nil {
				t.Fatalf("decodeKey: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("decodeKey:\n got %#v\nwant %#v", got, tt.want)
			}
			if got.Tags == nil || got.Networks == nil {
				t.Fatal("nil slice in EnrollmentKey")
			}
		})
	}
}

func TestDecodeKeyErrors(t *testing.T) {
	for _, body := range []string{
		``, `null`, `[]`, `"x"`, `{"value":`, `{"tags":"office"}`, `{"expiration":"next tuesday"}`,
		`{"type":1.5}`, `{"type":"two"}`, `{"unlimited":"maybe"}`, `{"name":5}`, `{"expiration":true}`,
		`{"uses_remaining":99999999999999999999999}`,
	} {
		t.Run(body, func(t *testing.T) {
			if k, err := decodeKey([]byte(body)); err == nil {
				t.Fatalf("decodeKey(%s) = %+v, want an error", body, k)
			}
		})
	}
}

func TestDecodeKeyErrorHidesBody(t *testing.T) {
	_, err := decodeKey([]byte(`{"value":"` + testValue + `","token":"` + testToken + `","type":"x` + testValue + `"}`))
	if err == nil {
		t.Fatal("want an error")
	}
	if strings.Contains(err.Error(), testValue) {
		t.Fatalf("error leaks the value: %v", err)
	}
}

func TestDecodeKeys(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		names []string
	}{
		{"empty", `[]`, []string{}},
		{"both shapes", `[` + listShape + `,` + detailShape + `]`, []string{"office", "office"}},
		{"null element skipped", `[null,{"value":"V","tags":["a"]}]`, []string{"a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeKeys([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			names := []string{}
			for _, k := range got {
				names = append(names, k.Name)
			}
			if !reflect.DeepEqual(names, tt.names) {
				t.Fatalf("names = %v, want %v", names, tt.names)
			}
			if len(got) == 2 && !reflect.DeepEqual(got[0], got[1]) {
				t.Fatalf("shapes decode differently:\n%#v\n%#v", got[0], got[1])
			}
		})
	}
	for _, body := range []string{``, `null`, ` null `, `{}`, `[1]`, `[{"tags":3}]`, `{"Code":500}`} {
		if _, err := decodeKeys([]byte(body)); err == nil {
			t.Errorf("decodeKeys(%q): want an error", body)
		}
	}
}

func TestCreateBody(t *testing.T) {
	exp := time.Date(2030, 1, 2, 3, 4, 5, 600, time.UTC)
	tests := []struct {
		name string
		req  CreateKeyRequest
		want map[string]any
	}{
		{
			"unlimited",
			CreateKeyRequest{Name: "k", Networks: []string{"n"}, Type: KeyTypeUnlimited},
			map[string]any{"tags": []any{"k"}, "networks": []any{"n"}, "type": 3.0, "unlimited": true,
				"groups": []any{}, "relay": nilUUID, "auto_assign_gw": false, "auto_egress": false},
		},
		{
			"uses: uses_remaining, unlimited false, no expiration",
			CreateKeyRequest{Name: "k", Type: KeyTypeUses, Uses: 3, Expiration: exp, Tags: []string{"n.t"}, GatewayID: testGW},
			map[string]any{"tags": []any{"k"}, "networks": []any{}, "type": 2.0, "unlimited": false, "uses_remaining": 3.0,
				"groups": []any{"n.t"}, "relay": testGW, "auto_assign_gw": false, "auto_egress": false},
		},
		{
			"time-bound: unix seconds, no uses",
			CreateKeyRequest{Name: "k", Type: KeyTypeTimeBound, Expiration: exp, Uses: 7, AutoAssignGateway: true, AutoEgress: true},
			map[string]any{"tags": []any{"k"}, "networks": []any{}, "type": 1.0, "unlimited": false, "expiration": float64(exp.Unix()),
				"groups": []any{}, "relay": nilUUID, "auto_assign_gw": true, "auto_egress": true},
		},
		{
			"default only when true",
			CreateKeyRequest{Name: "k", Networks: []string{"n"}, Type: KeyTypeUnlimited, Default: true},
			map[string]any{"tags": []any{"k"}, "networks": []any{"n"}, "type": 3.0, "unlimited": true,
				"groups": []any{}, "relay": nilUUID, "auto_assign_gw": false, "auto_egress": false, "default": true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := newCreateBody(tt.req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := json.Marshal(b)
			var got map[string]any
			if err := json.Unmarshal(raw, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("body:\n got %s\nwant %v", raw, tt.want)
			}
		})
	}
}

func TestCreateBodyRejects(t *testing.T) {
	tests := []struct {
		name string
		req  CreateKeyRequest
	}{
		{"empty name", CreateKeyRequest{Type: KeyTypeUnlimited}},
		{"blank name", CreateKeyRequest{Name: "  ", Type: KeyTypeUnlimited}},
		{"no type", CreateKeyRequest{Name: "k"}},
		{"uses without uses", CreateKeyRequest{Name: "k", Type: KeyTypeUses}},
		{"negative uses", CreateKeyRequest{Name: "k", Type: KeyTypeUses, Uses: -1}},
		{"time-bound without expiration", CreateKeyRequest{Name: "k", Type: KeyTypeTimeBound}},
		{"bad type", CreateKeyRequest{Name: "k", Type: 9}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := newCreateBody(tt.req); err == nil || !isKind(err, ErrValidation) {
				t.Fatalf("newCreateBody = %v, want ErrValidation", err)
			}
		})
	}
}

func TestUpdateBody(t *testing.T) {
	tests := []struct {
		name string
		req  UpdateKeyRequest
		want string

		isDefault bool
	}{
		{"empty: all three and default still sent", UpdateKeyRequest{}, `{"relay":"` + nilUUID + `","groups":[],"auto_assign_gw":false,"default":false}`, false},
		{"all set", UpdateKeyRequest{Tags: []string{"a", "b"}, GatewayID: testGW}, `{"relay":"` + testGW + `","groups":["a","b"],"auto_assign_gw":false,"default":false}`, false},
		{"auto", UpdateKeyRequest{AutoAssignGateway: true}, `{"relay":"` + nilUUID + `","groups":[],"auto_assign_gw":true,"default":false}`, false},
		{"a default key stays one (v1.7 clears it otherwise)", UpdateKeyRequest{}, `{"relay":"` + nilUUID + `","groups":[],"auto_assign_gw":false,"default":true}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, _ := json.Marshal(newUpdateBody(tt.req, tt.isDefault))
			if string(raw) != tt.want {
				t.Fatalf("body = %s, want %s", raw, tt.want)
			}
		})
	}
}

// TestIsNoGateway: the nil UUID is "no gateway" on the wire, read as "" and
// written for "".
func TestIsNoGateway(t *testing.T) {
	for id, want := range map[string]bool{
		nilUUID: true, " " + nilUUID + "\n": true, "": false,
		"00000000-0000-0000-0000-000000000001": false, "3f2b8c1e-6a47-4d2e-9d6b-1c2f3a4b5c6d": false,
	} {
		if got := IsNoGateway(id); got != want {
			t.Errorf("IsNoGateway(%q) = %v, want %v", id, got, want)
		}
		if got := gatewayFromWire(id); (got == "") != (want || id == "") {
			t.Errorf("gatewayFromWire(%q) = %q", id, got)
		}
	}
	if gatewayToWire("") != nilUUID || !IsNoGateway(gatewayToWire("")) {
		t.Errorf("gatewayToWire(\"\") = %q, want the nil UUID", gatewayToWire(""))
	}
}
