package netmakertest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestUpdate(t *testing.T) {
	type want struct {
		relay      string // "GW" for the gateway, else literal
		groups     string // raw JSON
		autoAssign bool
	}
	tests := []struct {
		name string
		body string
		want want
	}{
		{"all three", `{"relay":"GW","groups":["net1.db"],"auto_assign_gw":false}`, want{"GW", `["net1.db"]`, false}},
		{"relay forces auto_assign_gw false", `{"relay":"GW","groups":["net1.db"],"auto_assign_gw":true}`, want{"GW", `["net1.db"]`, false}},
		{"empty body resets all three", `{}`, want{NilUUID, `null`, false}},
		{"missing relay resets it", `{"groups":["net1.db"],"auto_assign_gw":true}`, want{NilUUID, `["net1.db"]`, true}},
		{"missing groups resets them to null", `{"relay":"GW"}`, want{"GW", `null`, false}},
		{"empty groups stay empty", `{"groups":[],"auto_assign_gw":true}`, want{NilUUID, `[]`, true}},
		{"nil UUID relay", `{"relay":"` + NilUUID + `","groups":["a.b"],"auto_assign_gw":true}`, want{NilUUID, `["a.b"]`, true}},
		{"other fields ignored", `{"tags":["renamed"],"networks":["net9"],"uses_remaining":9,"expiration":1,"unlimited":false,"type":2,"auto_egress":false,"value":"X","groups":["net1.web"],"relay":"GW","auto_assign_gw":false}`,
			want{"GW", `["net1.web"]`, false}},
	}
	for _, gen := range Generations() {
		for _, tt := range tests {
			t.Run(string(gen)+"/"+tt.name, func(t *testing.T) {
				s := newTest(t, Options{Generation: gen})
				createNetwork(t, s, "net1", "10.1.0.0/16")
				gw := s.AddGateway("net1")
				k := createKey(t, s, `{"tags":["upd-key"],"networks":["net1"],"unlimited":true,"auto_egress":true,
					"groups":["net1.web"],"relay":"`+gw+`","auto_assign_gw":true}`)
				a := call(t, s, "PUT", "/api/v1/enrollment-keys/"+k.Value, strings.ReplaceAll(tt.body, "GW", gw)).mustOK(t)
				ans := decodeAnswer(t, gen, a.body)
				l, ok := findByName(list(t, s), "upd-key")
				if !ok {
					t.Fatal("key gone")
				}
				if !reflect.DeepEqual(ans, l) {
					t.Errorf("answer %+v, list %+v", ans, l)
				}
				wantRelay := strings.ReplaceAll(tt.want.relay, "GW", gw)
				gotGroups, _ := json.Marshal(l.Groups)
				if l.Relay != wantRelay || string(gotGroups) != tt.want.groups || l.AutoAssignGW != tt.want.autoAssign {
					t.Fatalf("got relay %s groups %s auto_assign_gw %t", l.Relay, gotGroups, l.AutoAssignGW)
				}
				// Everything else untouched.
				if l.Value != k.Value || l.Tags[0] != "upd-key" || strings.Join(l.Networks, ",") != "net1" ||
					l.Type != TypeUnlimited || !l.Unlimited || !l.AutoEgress || l.UsesRemaining != 0 {
					t.Fatalf("other fields changed: %+v", l)
				}
			})
		}
	}
}

func TestUpdateErrors(t *testing.T) {
	tests := []struct {
		name    string
		value   string // "" = the key's value
		body    string
		status  int
		message string
	}{
		{"unknown key", "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", `{}`, 500, "no enrollmentkey found"},
		{"malformed JSON", "", `{"relay":`, 400, "unexpected EOF"},
		{"relay not a UUID", "", `{"relay":"abc"}`, 400, "invalid UUID length: 3"},
		{"relay bad UUID format", "", `{"relay":"zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"}`, 400, "invalid UUID format"},
		{"relay unknown", "", `{"relay":"6b6f3c1e-0a57-4d36-9f1c-2b1f6f0c9a11"}`, 500, noNode},
		{"relay outside the key's networks", "", `{"relay":"GW2"}`, 500, "relay node not in key's networks"},
	}
	for _, gen := range Generations() {
		for _, tt := range tests {
			t.Run(string(gen)+"/"+tt.name, func(t *testing.T) {
				testUpdateError(t, gen, tt.value, tt.body, tt.status, noNodeText(gen, tt.message))
			})
		}
	}
}

func testUpdateError(t *testing.T, gen Generation, value, body string, status int, message string) {
	t.Helper()
	s := newTest(t, Options{Generation: gen})
	createNetwork(t, s, "net1", "10.1.0.0/16")
	gw2 := s.AddGateway("net2")
	k := createKey(t, s, `{"tags":["upd-key"],"networks":["net1"],"unlimited":true,"groups":["net1.web"]}`)
	if value == "" {
		value = k.Value
	}
	call(t, s, "PUT", "/api/v1/enrollment-keys/"+value, strings.ReplaceAll(body, "GW2", gw2)).wantError(t, status, message)
	l, _ := findByName(list(t, s), "upd-key")
	if len(l.Groups) != 1 {
		t.Fatalf("a failed update changed the key: %+v", l)
	}
}

func TestDelete(t *testing.T) {
	eachGenerationWithNet1(t, func(t *testing.T, s *Server) {
		k := createKey(t, s, `{"tags":["del-key"],"networks":["net1"],"unlimited":true}`)
		a := call(t, s, "DELETE", "/api/v1/enrollment-keys/"+k.Value, "").mustOK(t)
		if a.body != "" {
			t.Fatalf("delete answered a body: %q", a.body)
		}
		if _, ok := findByName(list(t, s), "del-key"); ok {
			t.Fatal("key still listed")
		}
		call(t, s, "DELETE", "/api/v1/enrollment-keys/"+k.Value, "").wantError(t, 400, "no enrollmentkey found")
		def, _ := findByName(list(t, s), "net1")
		call(t, s, "DELETE", "/api/v1/enrollment-keys/"+def.Value, "").wantError(t, 500, "cannot delete default network key")
		if defaultNames(s, "net1") != "net1" {
			t.Fatalf("default keys of net1: %q", defaultNames(s, "net1"))
		}
		// The name is free again after a delete.
		createKey(t, s, `{"tags":["del-key"],"unlimited":true}`)
	})
}

func TestRegenerate(t *testing.T) {
	for _, gen := range keyGenerations {
		t.Run(string(gen), func(t *testing.T) {
			c := newClock()
			s := newTest(t, Options{Generation: gen, Now: c.Now})
			createNetwork(t, s, "net1", "10.1.0.0/16")
			gw := s.AddGateway("net1")
			k := createKey(t, s, `{"tags":["rot-key"],"networks":["net1"],"uses_remaining":5,"groups":["net1.a"],"relay":"`+gw+`","auto_egress":true}`)
			if err := s.Register(k.Token); err != nil {
				t.Fatal(err)
			}
			c.Advance(time.Minute)
			a := call(t, s, "POST", "/api/v1/enrollment-keys/"+k.Value+"/regenerate-token", "").mustOK(t)
			d := decodeAnswer(t, gen, a.body)
			if d.Value == k.Value || !validValue(d.Value) || d.Token != wantToken(hostOf(t, s), d.Value) {
				t.Fatalf("value/token not renewed: %+v", d)
			}
			if d.Tags[0] != "rot-key" || d.UsesRemaining != 4 || d.Type != TypeUses || d.Relay != gw || strings.Join(d.Groups, ",") != "net1.a" || !d.AutoEgress {
				t.Fatalf("fields not kept: %s", a.body)
			}
			l, _ := findByName(list(t, s), "rot-key")
			if !reflect.DeepEqual(l, d) {
				t.Fatalf("list after regenerate %+v, answer %+v", l, d)
			}
			call(t, s, "POST", "/api/v1/enrollment-keys/"+k.Value+"/regenerate-token", "").wantError(t, 400, "no enrollmentkey found")
			call(t, s, "PUT", "/api/v1/enrollment-keys/"+k.Value, "{}").wantError(t, 500, "no enrollmentkey found")
			if err := s.Register(k.Token); err == nil {
				t.Fatal("old token still registers")
			}
			// A default key stays the default (measured on a real current server).
			def, _ := findByName(list(t, s), "net1")
			a = call(t, s, "POST", "/api/v1/enrollment-keys/"+def.Value+"/regenerate-token", "").mustOK(t)
			if d := decodeAnswer(t, gen, a.body); !d.Default || d.Value == def.Value || d.Relay != NilUUID || d.Groups == nil || len(d.Groups) != 0 {
				t.Fatalf("default key after regenerate: %s", a.body)
			}
			if ks := s.DefaultKeys("net1"); len(ks) != 1 || ks[0].Name != "net1" || ks[0].Value == def.Value {
				t.Fatalf("default keys of net1 after regenerate: %+v", ks)
			}
		})
	}
}

// TestRegenerateInvalidKey: the route validates the key it writes back as a
// create does, so a key that admits no device (no uses left, expiry passed)
// is refused with a 500 that prints the key's fields, and nothing changes
// (observed on a real current-line server, 2026-12-07).
func TestRegenerateInvalidKey(t *testing.T) {
	for _, gen := range keyGenerations {
		t.Run(string(gen), func(t *testing.T) {
			c := newClock()
			s := newTest(t, Options{Generation: gen, Now: c.Now})
			createNetwork(t, s, "net1", "10.1.0.0/16")
			once := createKey(t, s, `{"tags":["once"],"networks":["net1"],"uses_remaining":1}`)
			if err := s.Register(once.Token); err != nil {
				t.Fatal(err)
			}
			soon := createKey(t, s, `{"tags":["soon"],"networks":["net1"],"expiration":`+fmt.Sprint(c.Now().Add(time.Minute).Unix())+`}`)
			c.Advance(2 * time.Minute)
			for _, k := range []wireKey{once, soon} {
				call(t, s, "POST", "/api/v1/enrollment-keys/"+k.Value+"/regenerate-token", "").
					wantError(t, 500, "enrollment key is not valid: uses remaining: 0, expiration: ")
				if after, ok := s.KeyByName(k.Tags[0]); !ok || after.Value != k.Value {
					t.Fatalf("the refused regenerate changed %s", k.Tags[0])
				}
			}
		})
	}
}

func TestNetworkDefault(t *testing.T) {
	for _, gen := range keyGenerations {
		t.Run(string(gen), func(t *testing.T) {
			s := newTest(t, Options{Generation: gen})
			createNetwork(t, s, "net1", "10.1.0.0/16")
			a := call(t, s, "GET", "/api/v1/enrollment-keys/network/net1/default", "").mustOK(t)
			d := decodeAnswer(t, gen, a.body)
			if d.Tags[0] != "net1" || !d.Default || d.Type != TypeUnlimited || !d.Unlimited ||
				strings.Join(d.Networks, ",") != "net1" || d.Groups == nil || len(d.Groups) != 0 || d.Relay != NilUUID {
				t.Fatalf("auto key: %s", a.body)
			}
			if wantsDetail(gen) {
				if m := fieldsOf(t, a.body); string(m["tags"]) != "[]" || string(m["gateway_id"]) != "null" {
					t.Fatalf("detail of the auto key: %s", a.body)
				}
			}
			if l, _ := findByName(list(t, s), "net1"); !reflect.DeepEqual(l, d) {
				t.Fatalf("list %+v, network default %+v", l, d)
			}
			call(t, s, "GET", "/api/v1/enrollment-keys/network/nope/default", "").wantError(t, 400, "network not found")

			// Follows a create with "default": true.
			createKey(t, s, `{"tags":["new-default"],"networks":["net1"],"unlimited":true,"default":true}`)
			a = call(t, s, "GET", "/api/v1/enrollment-keys/network/net1/default", "").mustOK(t)
			if d := decodeAnswer(t, gen, a.body); d.Tags[0] != "new-default" {
				t.Fatalf("default of net1: %s", a.body)
			}

			t.Run("default key removed out of band", func(t *testing.T) {
				createNetwork(t, s, "net3", "10.3.0.0/16")
				if err := s.DeleteKeyByName("net3"); err != nil {
					t.Fatal(err)
				}
				call(t, s, "GET", "/api/v1/enrollment-keys/network/net3/default", "").wantError(t, 400, "no enrollmentkey found")
			})
		})
	}
}

func TestNetworkCascade(t *testing.T) {
	s := newTest(t, Options{CascadeDelay: time.Second}) // long enough to look before it runs
	createNetwork(t, s, "net1", "10.1.0.0/16")
	createNetwork(t, s, "net2", "10.2.0.0/16")
	gw := s.AddGateway("net1")
	createKey(t, s, `{"tags":["only-net1"],"networks":["net1"],"unlimited":true}`)
	createKey(t, s, `{"tags":["both-nets"],"networks":["net1","net2"],"unlimited":true,"relay":"`+gw+`"}`)
	createKey(t, s, `{"tags":["no-nets"],"unlimited":true}`)
	createKey(t, s, `{"tags":["only-net2"],"networks":["net2"],"unlimited":true}`)
	createKey(t, s, `{"tags":["tagged"],"networks":["net1","net2"],"unlimited":true,"groups":["net1.web","net2.web","net10.web"]}`)
	createKey(t, s, `{"tags":["no-nets-tagged"],"unlimited":true,"groups":["net1.web"]}`)
	createKey(t, s, `{"tags":["no-nets-other-tag"],"unlimited":true,"groups":["net2.web"]}`)

	a := call(t, s, "DELETE", "/api/networks/net1", "").mustOK(t)
	if a.body != `{"Code":200,"Message":"success","Response":null}`+"\n" {
		t.Fatalf("network delete answer %q", a.body)
	}
	// At once: the default key is gone, the rest untouched.
	ks := list(t, s)
	if _, ok := findByName(ks, "net1"); ok {
		t.Fatal("default key of net1 still there")
	}
	if k, ok := findByName(ks, "only-net1"); !ok || strings.Join(k.Networks, ",") != "net1" {
		t.Fatalf("cascade ran synchronously: %+v", k)
	}
	s.WaitIdle()
	ks = list(t, s)
	if _, ok := findByName(ks, "only-net1"); ok {
		t.Error("key left with no network not deleted")
	}
	if k, ok := findByName(ks, "both-nets"); !ok || strings.Join(k.Networks, ",") != "net2" || k.Relay != NilUUID ||
		k.Groups == nil || len(k.Groups) != 0 {
		t.Errorf("multi-network key (its null device tags become []): %+v", k)
	}
	if k, ok := findByName(ks, "tagged"); !ok || strings.Join(k.Groups, ",") != "net2.web,net10.web" {
		t.Errorf("the network's device tags stay: %+v", k)
	}
	if _, ok := findByName(ks, "no-nets-tagged"); ok {
		t.Error("a key with no network but a device tag of the network survived")
	}
	if k, ok := findByName(ks, "no-nets-other-tag"); !ok || strings.Join(k.Groups, ",") != "net2.web" {
		t.Errorf("a key with no network and another network's tag: %+v", k)
	}
	if _, ok := findByName(ks, "no-nets"); !ok {
		t.Error("key created with no network deleted")
	}
	if _, ok := findByName(ks, "only-net2"); !ok {
		t.Error("unrelated key deleted")
	}
	if _, ok := findByName(ks, "net2"); !ok {
		t.Error("other network's default key deleted")
	}
	call(t, s, "GET", "/api/networks/net1", "").wantError(t, 404, "record not found")

	// A network that does not exist is deleted all the same: 200, and the
	// cascade deletes the keys that join only it.
	createKey(t, s, `{"tags":["ghost-key"],"networks":["ghost"],"unlimited":true}`)
	if a := call(t, s, "DELETE", "/api/networks/ghost", "").mustOK(t); a.body != `{"Code":200,"Message":"success","Response":null}`+"\n" {
		t.Fatalf("unknown network delete answer %q", a.body)
	}
	s.WaitIdle()
	if _, ok := findByName(list(t, s), "ghost-key"); ok {
		t.Error("deleting an unknown network left its key")
	}
}

func TestNetworks(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		status int
		msg    string
	}{
		{"ok", `{"netid":"net-2_b","addressrange":"10.2.0.0/16"}`, 200, ""},
		{"ok ipv6", `{"netid":"net-v6","addressrange":"fd00:1::/64"}`, 200, ""},
		{"ok ipv6 only", `{"netid":"net-v6","addressrange6":"fd00:1::/64"}`, 200, ""},
		{"upper case", `{"netid":"Net2","addressrange":"10.2.0.0/16"}`, 400, "invalid character(s) in network name"},
		{"dot", `{"netid":"net.2","addressrange":"10.2.0.0/16"}`, 400, "invalid character(s) in network name"},
		{"too long", `{"netid":"` + strings.Repeat("n", 33) + `","addressrange":"10.2.0.0/16"}`, 400, "network name shouldn't exceed 32 characters"},
		{"empty name", `{"netid":"","addressrange":"10.2.0.0/16"}`, 400, "network name cannot be empty\ninvalid network name"},
		{"duplicate name", `{"netid":"net1","addressrange":"10.2.0.0/16"}`, 400, "invalid network name"},
		{"no range", `{"netid":"net2"}`, 400, "IPv4 or IPv6 CIDR required"},
		{"bad cidr", `{"netid":"net2","addressrange":"10.2.0.0"}`, 400, "invalid CIDR address: 10.2.0.0"},
		{"/31", `{"netid":"net2","addressrange":"10.2.0.0/31"}`, 400, "cannot create network with /31 or /32 cidr"},
		{"/32", `{"netid":"net2","addressrange":"10.2.0.1/32"}`, 400, "cannot create network with /31 or /32 cidr"},
		{"/127 as addressrange", `{"netid":"net2","addressrange":"fd00::/127"}`, 400, "cannot create network with /31 or /32 cidr"},
		{"/128 as addressrange6", `{"netid":"net2","addressrange6":"fd00::1/128"}`, 400, "cannot create network with /127 or /128 cidr"},
		{"same cidr", `{"netid":"net2","addressrange":"10.1.0.0/16"}`, 400, "network cidr already in use"},
		{"overlapping cidr", `{"netid":"net2","addressrange":"10.1.5.0/24"}`, 400, "network cidr already in use"},
		{"containing cidr", `{"netid":"net2","addressrange":"10.0.0.0/8"}`, 400, "network cidr already in use"},
		{"every address", `{"netid":"net2","addressrange":"0.0.0.0/0"}`, 400, "network cidr already in use"},
		{"containing, not in Netmaker's spelling", `{"netid":"net2","addressrange":"10.9.9.9/8"}`, 400, "network cidr already in use"},
		{"every IPv6 address beside an IPv4 range", `{"netid":"net2","addressrange":"::/0"}`, 200, ""},
		{"range checks before name checks", `{"netid":"net1","addressrange":"10.1.5.0/24"}`, 400, "network cidr already in use"},
		{"malformed JSON", `{"netid":`, 400, "unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTest(t, Options{})
			createNetwork(t, s, "net1", "10.1.0.0/16")
			a := call(t, s, "POST", "/api/networks", tt.body)
			if tt.status != 200 {
				a.wantError(t, tt.status, tt.msg)
				if n := len(s.Keys()); n != 1 {
					t.Fatalf("failed network create made keys: %d", n)
				}
				return
			}
			a.mustOK(t)
			var n struct{ NetID, AddressRange string }
			_ = json.Unmarshal([]byte(a.body), &n)
			var body struct{ NetID string }
			_ = json.Unmarshal([]byte(tt.body), &body)
			if n.NetID != body.NetID {
				t.Fatalf("answer %s", a.body)
			}
			k, ok := findByName(list(t, s), body.NetID)
			if !ok || !k.Default || !k.Unlimited || k.Type != TypeUnlimited || k.Groups == nil || len(k.Groups) != 0 ||
				strings.Join(k.Networks, ",") != body.NetID {
				t.Fatalf("auto key: %+v", k)
			}
			// The network's name is taken by its key.
			call(t, s, "POST", "/api/v1/enrollment-keys", `{"tags":["`+body.NetID+`"],"unlimited":true}`).wantError(t, 400, "key names must be unique")
			a = call(t, s, "GET", "/api/networks", "").mustOK(t)
			var all []struct{ NetID string }
			_ = json.Unmarshal([]byte(a.body), &all)
			if len(all) != 2 {
				t.Fatalf("networks: %s", a.body)
			}
			call(t, s, "GET", "/api/networks/"+body.NetID, "").mustOK(t)
		})
	}
}

func TestRegister(t *testing.T) {
	c := newClock()
	tests := []struct {
		name  string
		body  string
		joins int // successful registrations expected out of 5
		uses  int // uses_remaining after the 5 attempts
	}{
		{"uses key runs out", `{"uses_remaining":3}`, 3, 0},
		{"uses key with the unlimited flag never runs out", `{"uses_remaining":2,"unlimited":true}`, 5, 0},
		{"unlimited key", `{"unlimited":true}`, 5, 0},
		{"time-bound key before expiry", `{"expiration":` + future(c, time.Hour) + `}`, 5, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTest(t, Options{Now: c.Now})
			k := createKey(t, s, `{"tags":["reg-key"],`+strings.TrimPrefix(tt.body, "{"))
			joins := 0
			for i := 0; i < 5; i++ {
				a := callAuth(t, s, "POST", "/api/v1/host/register/"+k.Token, "{}", "")
				if a.status == 200 {
					joins++
				} else {
					a.wantError(t, 400, "invalid enrollment key")
				}
			}
			l, _ := findByName(list(t, s), "reg-key")
			if joins != tt.joins || l.UsesRemaining != tt.uses {
				t.Fatalf("joins %d uses_remaining %d", joins, l.UsesRemaining)
			}
		})
	}
	t.Run("expired time-bound key", func(t *testing.T) {
		c := newClock()
		s := newTest(t, Options{Now: c.Now})
		k := createKey(t, s, `{"tags":["reg-key"],"expiration":`+future(c, time.Minute)+`}`)
		c.Advance(2 * time.Minute)
		callAuth(t, s, "POST", "/api/v1/host/register/"+k.Token, "{}", "").wantError(t, 400, "invalid enrollment key")
		if len(list(t, s)) != 1 {
			t.Fatal("expired keys are never cleaned up")
		}
	})
	t.Run("unknown token", func(t *testing.T) {
		s := newTest(t, Options{})
		callAuth(t, s, "POST", "/api/v1/host/register/"+wantToken("x", "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"), "{}", "").wantError(t, 400, "no enrollmentkey found")
		callAuth(t, s, "POST", "/api/v1/host/register/not-base64!", "{}", "").wantError(t, 400, "")
	})
}

func TestOutOfBand(t *testing.T) {
	s := newTest(t, Options{})
	createNetwork(t, s, "net1", "10.1.0.0/16")
	gw := s.AddGateway("net1")
	createKey(t, s, `{"tags":["oob-key"],"networks":["net1"],"uses_remaining":2,"relay":"`+gw+`"}`)

	s.RemoveGateway(gw)
	if k, _ := s.KeyByName("oob-key"); k.Relay != NilUUID {
		t.Fatalf("relay not reset: %s", k.Relay)
	}
	if err := s.UpdateKeyByName("oob-key", func(k *Key) { k.Groups = []string{"net1.x"}; k.UsesRemaining = 1 }); err != nil {
		t.Fatal(err)
	}
	l, _ := findByName(list(t, s), "oob-key")
	if strings.Join(l.Groups, ",") != "net1.x" || l.UsesRemaining != 1 {
		t.Fatalf("out-of-band change not served: %+v", l)
	}
	if err := s.SetDefault("net1", "oob-key"); err != nil {
		t.Fatal(err)
	}
	if k, _ := s.KeyByName("net1"); k.Default {
		t.Fatal("previous default kept its flag")
	}
	if err := s.SetDefault("net2", "oob-key"); err == nil {
		t.Fatal("SetDefault on a network the key does not join")
	}
	if err := s.DeleteKeyByName("oob-key"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteKeyByName("oob-key"); err == nil {
		t.Fatal("second delete succeeded")
	}
	if err := s.CreateNetwork("net1", "10.9.0.0/16"); err == nil {
		t.Fatal("duplicate network created")
	}
	if err := s.DeleteNetwork("nope"); err == nil {
		t.Fatal("deleted an unknown network")
	}
	names := []string{}
	for _, k := range s.Keys() {
		names = append(names, k.Name)
	}
	if strings.Join(names, ",") != "net1" {
		t.Fatalf("keys: %v", names)
	}
}

// TestCreateNetworkStoresNormalizedRange: Netmaker stores NormalizeCIDR of
// the range (logic/util.go): the range's first address, in Go's spelling.
func TestCreateNetworkStoresNormalizedRange(t *testing.T) {
	for _, tt := range []struct{ field, sent, stored string }{
		{"addressrange", "10.21.5.7/16", "10.21.0.0/16"},
		{"addressrange", "FD00:ABCD::/64", "fd00:abcd::/64"},
		{"addressrange6", "fd00:abcd:0:0::1/64", "fd00:abcd::/64"},
	} {
		t.Run(tt.sent, func(t *testing.T) {
			s := newTest(t, Options{})
			a := call(t, s, "POST", "/api/networks", `{"netid":"net1","`+tt.field+`":"`+tt.sent+`"}`).mustOK(t)
			var n map[string]any
			if err := json.Unmarshal([]byte(a.body), &n); err != nil {
				t.Fatal(err)
			}
			if n[tt.field] != tt.stored {
				t.Errorf("%s %q stored as %v, want %q", tt.field, tt.sent, n[tt.field], tt.stored)
			}
		})
	}
}
