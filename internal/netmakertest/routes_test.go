package netmakertest

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRouting(t *testing.T) {
	tests := []struct {
		name       string
		gen        Generation
		method     string
		path       string
		wantStatus int
		wantBody   string // exact
	}{
		{"single GET is 405 with empty body", GenerationCurrent, "GET", "/api/v1/enrollment-keys/ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", 405, ""},
		{"single GET is 405 on v1.5", GenerationV15, "GET", "/api/v1/enrollment-keys/ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", 405, ""},
		{"PATCH list is 405", GenerationCurrent, "PATCH", "/api/v1/enrollment-keys", 405, ""},
		{"unknown route is 404", GenerationCurrent, "GET", "/api/v1/nothing", 404, "404 page not found\n"},
		{"trailing slash is 404", GenerationCurrent, "GET", "/api/v1/enrollment-keys/", 404, "404 page not found\n"},
		{"regenerate missing on v1.5", GenerationV15, "POST", "/api/v1/enrollment-keys/ABCDEFGHIJKLMNOPQRSTUVWXYZ012345/regenerate-token", 404, "404 page not found\n"},
		{"network default missing on v1.5", GenerationV15, "GET", "/api/v1/enrollment-keys/network/n1/default", 404, "404 page not found\n"},
		{"GET regenerate is 405 on current", GenerationCurrent, "GET", "/api/v1/enrollment-keys/X/regenerate-token", 405, ""},
		{"GET regenerate is 405 on v1.7", GenerationV17, "GET", "/api/v1/enrollment-keys/X/regenerate-token", 405, ""},
		{"single GET is 405 on v1.7", GenerationV17, "GET", "/api/v1/enrollment-keys/ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", 405, ""},
		{"PUT access_token is 405", GenerationV15, "PUT", "/api/v1/users/access_token", 405, ""},
		{"GET createsuperadmin is 405", GenerationV17, "GET", "/api/users/adm/createsuperadmin", 405, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTest(t, Options{Generation: tt.gen})
			// No credentials: routing comes before authentication.
			a := callAuth(t, s, tt.method, tt.path, "", "")
			if a.err != nil {
				t.Fatal(a.err)
			}
			if a.status != tt.wantStatus || a.body != tt.wantBody {
				t.Fatalf("want %d %q, got %d %q", tt.wantStatus, tt.wantBody, a.status, a.body)
			}
			if tt.wantStatus == 404 && !strings.HasPrefix(a.header.Get("Content-Type"), "text/plain") {
				t.Errorf("404 content type %q", a.header.Get("Content-Type"))
			}
		})
	}
}

func TestAuth(t *testing.T) {
	c := newClock()
	s := newTest(t, Options{
		Now:          c.Now,
		AccessTokens: []string{"pat-1"},
		Users:        map[string]string{"alice": "s3cret"},
		JWTLifetime:  time.Hour,
	})
	login := func(user, pw string) answer {
		b, _ := json.Marshal(map[string]string{"username": user, "password": pw})
		return callAuth(t, s, "POST", "/api/users/adm/authenticate", string(b), "")
	}
	a := login("alice", "s3cret").mustOK(t)
	var la struct {
		Code     int
		Message  string
		Response struct{ UserName, AuthToken string }
	}
	if err := json.Unmarshal([]byte(a.body), &la); err != nil || la.Code != 200 || la.Response.UserName != "alice" || la.Response.AuthToken == "" {
		t.Fatalf("login answer %s (%v)", a.body, err)
	}
	jwt := la.Response.AuthToken
	login("alice", "wrong").wantError(t, 400, "incorrect credentials")
	login("bob", "s3cret").wantError(t, 400, "incorrect credentials")
	callAuth(t, s, "POST", "/api/users/adm/authenticate", "{", "").wantError(t, 400, "unexpected EOF")

	tests := []struct {
		name string
		auth string
		ok   bool
	}{
		{"missing header", "", false},
		{"no space", "Bearer" + testMaster, false},
		{"bare credential", testMaster, false},
		{"wrong credential", "Bearer nope", false},
		{"empty credential", "Bearer ", false},
		{"master key", "Bearer " + testMaster, true},
		{"any first word", "Token " + testMaster, true},
		{"access token", "Bearer pat-1", true},
		{"jwt", "Bearer " + jwt, true},
		{"password is no credential", "Bearer s3cret", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := callAuth(t, s, "GET", "/api/v1/enrollment-keys", "", tt.auth)
			if tt.ok {
				a.mustOK(t)
			} else {
				a.wantError(t, 401, "unauthorized")
			}
		})
	}

	t.Run("jwt expires on the server clock", func(t *testing.T) {
		c.Add(59 * time.Minute)
		callAuth(t, s, "GET", "/api/v1/enrollment-keys", "", "Bearer "+jwt).mustOK(t)
		c.Add(2 * time.Minute)
		callAuth(t, s, "GET", "/api/v1/enrollment-keys", "", "Bearer "+jwt).wantError(t, 401, "unauthorized")
		// a new login works again
		a := login("alice", "s3cret").mustOK(t)
		_ = json.Unmarshal([]byte(a.body), &la)
		callAuth(t, s, "GET", "/api/v1/enrollment-keys", "", "Bearer "+la.Response.AuthToken).mustOK(t)
	})
	t.Run("created_by is the logged-in user", func(t *testing.T) {
		// Only v1.7's detail shape shows created_by.
		s := newTest(t, Options{Generation: GenerationV17, Users: map[string]string{"alice": "s3cret"}})
		a := callAuth(t, s, "POST", "/api/users/adm/authenticate", `{"username":"alice","password":"s3cret"}`, "").mustOK(t)
		_ = json.Unmarshal([]byte(a.body), &la)
		a = callAuth(t, s, "POST", "/api/v1/enrollment-keys", `{"tags":["alice-key"],"unlimited":true}`, "Bearer "+la.Response.AuthToken).mustOK(t)
		k := decodeKey(t, a.body)
		a = callAuth(t, s, "PUT", "/api/v1/enrollment-keys/"+k.Value, `{}`, "Bearer "+la.Response.AuthToken).mustOK(t)
		if got := string(fieldsOf(t, a.body)["created_by"]); got != `"alice"` {
			t.Fatalf("created_by %s", got)
		}
	})
	t.Run("revoked access token", func(t *testing.T) {
		s.AddAccessToken("pat-2")
		callAuth(t, s, "GET", "/api/v1/enrollment-keys", "", "Bearer pat-2").mustOK(t)
		s.RevokeAccessToken("pat-2")
		callAuth(t, s, "GET", "/api/v1/enrollment-keys", "", "Bearer pat-2").wantError(t, 401, "unauthorized")
	})
	t.Run("register needs no auth", func(t *testing.T) {
		k := createKey(t, s, `{"tags":["reg-key"],"unlimited":true}`)
		callAuth(t, s, "POST", "/api/v1/host/register/"+k.Token, "{}", "").mustOK(t)
	})
}

func TestCreateErrors(t *testing.T) {
	long := strings.Repeat("x", 33)
	tests := []struct {
		name    string
		gen     Generation
		body    string
		status  int
		message string
	}{
		{"malformed JSON", GenerationCurrent, `{"tags":["abc"]`, 400, "unexpected EOF"},
		{"expiration as string", GenerationCurrent, `{"tags":["abc"],"expiration":"2030-01-01T00:00:00Z"}`, 400,
			"json: cannot unmarshal string into Go struct field APIEnrollmentKey.expiration of type int64"},
		{"tags missing", GenerationCurrent, `{"unlimited":true}`, 400, "validation error: name length must be between 3 and 32: "},
		{"tags null", GenerationCurrent, `{"tags":null,"unlimited":true}`, 400, "validation error: name length must be between 3 and 32: "},
		{"name too short", GenerationCurrent, `{"tags":["ab"],"unlimited":true}`, 400, "validation error: name length must be between 3 and 32: "},
		{"name too long", GenerationCurrent, `{"tags":["` + long + `"],"unlimited":true}`, 400, "validation error: name length must be between 3 and 32: "},
		{"second tag too short", GenerationCurrent, `{"tags":["abc","x"],"unlimited":true}`, 400, "validation error: name length must be between 3 and 32: "},
		{"duplicate name", GenerationCurrent, `{"tags":["taken"],"unlimited":true}`, 400, "key names must be unique"},
		{"network's name", GenerationCurrent, `{"tags":["net1"],"unlimited":true}`, 400, "key names must be unique"},
		{"type as string", GenerationCurrent, `{"tags":["abc"],"unlimited":true,"type":"unlimited"}`, 400,
			"json: cannot unmarshal string into Go struct field APIEnrollmentKey.type of type models.KeyType"},
		{"device tag as a number", GenerationCurrent, `{"tags":["abc"],"unlimited":true,"groups":[7]}`, 400,
			"json: cannot unmarshal number into Go struct field APIEnrollmentKey.groups of type models.TagID"},
		{"nothing: no uses, no expiry, not unlimited", GenerationCurrent, `{"tags":["abc"]}`, 500,
			"enrollment key is not valid: uses remaining: 0, expiration: 0001-01-01 00:00:00 +0000 UTC, unlimited: false"},
		{"negative uses", GenerationCurrent, `{"tags":["abc"],"uses_remaining":-1}`, 500,
			"enrollment key is not valid: uses remaining: 0, expiration: 0001-01-01 00:00:00 +0000 UTC, unlimited: false"},
		{"expiry in the past", GenerationCurrent, `{"tags":["abc"],"expiration":1000}`, 500,
			"enrollment key is not valid: uses remaining: 0, expiration: 1970-01-01 00:16:40 +0000 UTC, unlimited: false"},
		{"relay not a UUID", GenerationCurrent, `{"tags":["abc"],"unlimited":true,"networks":["net1"],"relay":"gw-1"}`, 400, "invalid UUID length: 4"},
		{"relay unknown", GenerationCurrent, `{"tags":["abc"],"unlimited":true,"networks":["net1"],"relay":"6b6f3c1e-0a57-4d36-9f1c-2b1f6f0c9a11"}`, 500, "record not found"},
		{"relay unknown on v1.5", GenerationV15, `{"tags":["abc"],"unlimited":true,"networks":["net1"],"relay":"6b6f3c1e-0a57-4d36-9f1c-2b1f6f0c9a11"}`, 500, "no result found"},
		{"relay in another network", GenerationCurrent, `{"tags":["abc"],"unlimited":true,"networks":["net1"],"relay":"GW2"}`, 500, "relay node not in key's networks"},
		{"default without networks", GenerationCurrent, `{"tags":["abc"],"unlimited":true,"default":true}`, 400,
			"default enrollment keys require at least one network or tag"},
		{"unauthorized comes first", GenerationCurrent, `{`, 401, "unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClock()
			s := newTest(t, Options{Generation: tt.gen, Now: c.Now})
			createNetwork(t, s, "net1", "10.1.0.0/16")
			createNetwork(t, s, "net2", "10.2.0.0/16")
			gw2 := s.AddGateway("net2")
			createKey(t, s, `{"tags":["taken"],"unlimited":true}`)
			before := s.Keys()
			body := strings.ReplaceAll(tt.body, "GW2", gw2)
			var a answer
			if tt.status == 401 {
				a = callAuth(t, s, "POST", "/api/v1/enrollment-keys", body, "Bearer wrong")
			} else {
				a = call(t, s, "POST", "/api/v1/enrollment-keys", body)
			}
			a.wantError(t, tt.status, tt.message)
			if after := s.Keys(); len(after) != len(before) {
				t.Fatalf("a failed create stored a key: %d -> %d keys", len(before), len(after))
			}
		})
	}
}

func TestCreateDerivesType(t *testing.T) {
	c := newClock()
	in1h := future(c, time.Hour)
	in1hRFC := c.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	const none = "0001-01-01T00:00:00Z"
	tests := []struct {
		name      string
		body      string
		wantType  int
		wantUses  int
		wantExp   string
		unlimited bool
	}{
		{"uses", `{"uses_remaining":3}`, TypeUses, 3, none, false},
		{"uses drops expiration", `{"uses_remaining":3,"expiration":` + in1h + `}`, TypeUses, 3, none, false},
		{"uses with a past expiration is fine (dropped)", `{"uses_remaining":2,"expiration":1000}`, TypeUses, 2, none, false},
		{"uses with unlimited keeps the flag", `{"uses_remaining":1,"unlimited":true}`, TypeUses, 1, none, true},
		{"time-bound", `{"expiration":` + in1h + `}`, TypeTimeBound, 0, in1hRFC, false},
		{"time-bound with unlimited keeps the flag", `{"expiration":` + in1h + `,"unlimited":true}`, TypeTimeBound, 0, in1hRFC, true},
		{"unlimited", `{"unlimited":true}`, TypeUnlimited, 0, none, true},
		{"sent type ignored", `{"unlimited":true,"type":1}`, TypeUnlimited, 0, none, true},
		{"negative expiration is none", `{"unlimited":true,"expiration":-5}`, TypeUnlimited, 0, none, true},
		{"negative uses with unlimited", `{"uses_remaining":-1,"unlimited":true}`, TypeUnlimited, 0, none, true},
		{"a past expiration with unlimited", `{"expiration":1000,"unlimited":true}`, TypeTimeBound, 0, "1970-01-01T00:16:40Z", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTest(t, Options{Now: c.Now})
			body := `{"tags":["key-one"],` + strings.TrimPrefix(tt.body, "{")
			k := createKey(t, s, body)
			if k.Type != tt.wantType || k.UsesRemaining != tt.wantUses || k.Expiration != tt.wantExp || k.Unlimited != tt.unlimited {
				t.Fatalf("got type %d uses %d exp %s unlimited %t", k.Type, k.UsesRemaining, k.Expiration, k.Unlimited)
			}
			l, ok := findByName(list(t, s), "key-one")
			if !ok || !reflect.DeepEqual(l, k) {
				t.Fatalf("list answers %+v, create answered %+v", l, k)
			}
		})
	}
}

func TestCreateAnswer(t *testing.T) {
	s := newTest(t, Options{})
	createNetwork(t, s, "net1", "10.1.0.0/16")
	gw := s.AddGateway("net1")
	k := createKey(t, s, `{"tags":["full-key"],"networks":["net1","ghost-net"],"unlimited":true,"groups":["net1.web"],
		"relay":"`+strings.ToUpper(gw)+`","auto_assign_gw":true,"auto_egress":true,
		"value":"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345","token":"x","type":1}`)
	if k.Value == "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345" || !validValue(k.Value) {
		t.Errorf("value %q: want server-chosen 32 chars [A-Z0-9]", k.Value)
	}
	if k.Token != wantToken(hostOf(t, s), k.Value) {
		t.Errorf("token %q", k.Token)
	}
	if k.Type != TypeUnlimited || len(k.Tags) != 1 || k.Tags[0] != "full-key" {
		t.Errorf("type/tags: %+v", k)
	}
	if strings.Join(k.Networks, ",") != "net1,ghost-net" {
		t.Errorf("networks (unchecked by the server): %v", k.Networks)
	}
	if k.Relay != gw || !k.AutoAssignGW || !k.AutoEgress || strings.Join(k.Groups, ",") != "net1.web" {
		t.Errorf("relay/auto/groups: %+v", k)
	}

	t.Run("empty groups are stored as [], no networks as []", func(t *testing.T) {
		a := call(t, s, "POST", "/api/v1/enrollment-keys", `{"tags":["bare-key"],"unlimited":true,"groups":[]}`).mustOK(t)
		m := fieldsOf(t, a.body)
		if string(m["groups"]) != "[]" || string(m["networks"]) != "[]" || string(m["relay"]) != `"`+NilUUID+`"` {
			t.Fatalf("got %s", a.body)
		}
	})
	t.Run("absent groups are null", func(t *testing.T) {
		a := call(t, s, "POST", "/api/v1/enrollment-keys", `{"tags":["bare-key-2"],"unlimited":true}`).mustOK(t)
		if m := fieldsOf(t, a.body); string(m["groups"]) != "null" {
			t.Fatalf("got %s", a.body)
		}
	})
	t.Run("nil UUID relay is no relay", func(t *testing.T) {
		k := createKey(t, s, `{"tags":["nil-relay"],"unlimited":true,"relay":"`+NilUUID+`","auto_assign_gw":true}`)
		if k.Relay != NilUUID || !k.AutoAssignGW {
			t.Fatalf("got %+v", k)
		}
	})
	t.Run("names are any characters, counted in runes", func(t *testing.T) {
		createKey(t, s, `{"tags":["ñé "],"unlimited":true}`)
	})
}

func TestCreateEmptyTagsCrashes(t *testing.T) {
	s := newTest(t, Options{})
	a := call(t, s, "POST", "/api/v1/enrollment-keys", `{"tags":[],"unlimited":true,"networks":["n"]}`)
	if a.err == nil {
		t.Fatalf("want the connection closed with no answer, got %d %q", a.status, a.body)
	}
	ks := list(t, s)
	if len(ks) != 1 {
		t.Fatalf("the key must be stored anyway: %+v", ks)
	}
	if ks[0].Tags == nil || len(ks[0].Tags) != 0 || ks[0].Type != TypeUnlimited {
		t.Fatalf("stored key: %+v", ks[0])
	}
	// It does not take any name.
	createKey(t, s, `{"tags":["abc"],"unlimited":true}`)
}

func TestListOrder(t *testing.T) {
	orders := func(s *Server, n int) []string {
		var out []string
		for i := 0; i < n; i++ {
			var names []string
			for _, k := range list(t, s) {
				names = append(names, k.Tags[0])
			}
			out = append(out, strings.Join(names, ","))
		}
		return out
	}
	fill := func(s *Server) {
		for i := 0; i < 8; i++ {
			createKey(t, s, `{"tags":["key-`+itoa(i)+`"],"unlimited":true}`)
		}
	}
	t.Run("changes from call to call", func(t *testing.T) {
		s := newTest(t, Options{})
		fill(s)
		seen := map[string]bool{}
		for _, o := range orders(s, 10) {
			seen[o] = true
		}
		if len(seen) < 2 {
			t.Fatalf("10 lists of 8 keys all in the same order")
		}
	})
	t.Run("reproducible with a seed", func(t *testing.T) {
		a, b := newTest(t, Options{Seed: 42}), newTest(t, Options{Seed: 42})
		fill(a)
		fill(b)
		if oa, ob := orders(a, 5), orders(b, 5); strings.Join(oa, ";") != strings.Join(ob, ";") {
			t.Fatalf("same seed, different orders:\n%v\n%v", oa, ob)
		}
	})
}

func TestTokenFollowsHost(t *testing.T) {
	s := newTest(t, Options{})
	k := createKey(t, s, `{"tags":["host-key"],"unlimited":true}`)
	if k.Token != wantToken(hostOf(t, s), k.Value) || s.Token(k.Value) != k.Token {
		t.Fatalf("token %q", k.Token)
	}
	req, _ := http.NewRequest("GET", s.URL()+"/api/v1/enrollment-keys", nil)
	req.Host = "api.netmaker.example.com"
	req.Header.Set("Authorization", "Bearer "+testMaster)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var ks []wireKey
	if err := json.NewDecoder(resp.Body).Decode(&ks); err != nil || len(ks) != 1 {
		t.Fatalf("list: %v %v", ks, err)
	}
	if ks[0].Token != wantToken("api.netmaker.example.com", k.Value) {
		t.Fatalf("token not recomputed for the request's host: %q", ks[0].Token)
	}
}

func TestConcurrentCreatesOfOneName(t *testing.T) {
	s := newTest(t, Options{})
	var wg sync.WaitGroup
	statuses := make([]int, 10)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = call(t, s, "POST", "/api/v1/enrollment-keys", `{"tags":["race-key"],"unlimited":true}`).status
		}()
	}
	wg.Wait()
	ok := 0
	for _, st := range statuses {
		switch st {
		case 200:
			ok++
		case 400:
		default:
			t.Errorf("status %d", st)
		}
	}
	if ok != 1 || len(s.Keys()) != 1 {
		t.Fatalf("%d creates succeeded, %d keys stored", ok, len(s.Keys()))
	}
}
