package netmakertest

import (
	"strings"
	"testing"
)

// TestAnswerShapes: which shape each route answers on each generation
// (v1.5 and current: the list shape everywhere; v1.7: the detail shape for
// update, regenerate and network default), and which routes are missing.
func TestAnswerShapes(t *testing.T) {
	const (
		listShape   = "list"
		detailShape = "detail"
		missing     = "404"
	)
	type want struct{ create, list, update, regenerate, networkDefault string }
	tests := map[Generation]want{
		GenerationV15:     {listShape, listShape, listShape, missing, missing},
		GenerationCurrent: {listShape, listShape, listShape, listShape, listShape},
		GenerationV17:     {listShape, listShape, detailShape, detailShape, detailShape},
	}
	if len(tests) != len(Generations()) {
		t.Fatalf("the table covers %d of %d generations", len(tests), len(Generations()))
	}
	check := func(t *testing.T, route string, a answer, shape string) {
		t.Helper()
		switch shape {
		case missing:
			if a.status != 404 || a.body != "404 page not found\n" {
				t.Errorf("%s: want 404 page not found, got %d %q", route, a.status, a.body)
			}
		case listShape:
			if a.status != 200 {
				t.Fatalf("%s: %d %s", route, a.status, a.body)
			}
			checkFields(t, a.body, listFields)
		case detailShape:
			if a.status != 200 {
				t.Fatalf("%s: %d %s", route, a.status, a.body)
			}
			checkFields(t, a.body, detailFields)
		}
	}
	for _, gen := range Generations() {
		w := tests[gen]
		t.Run(string(gen), func(t *testing.T) {
			s := newTest(t, Options{Generation: gen})
			createNetwork(t, s, "net1", "10.1.0.0/16")
			a := call(t, s, "POST", "/api/v1/enrollment-keys", `{"tags":["shape-key"],"networks":["net1"],"unlimited":true}`)
			check(t, "create", a, w.create)
			value := decodeKey(t, a.body).Value

			a = call(t, s, "GET", "/api/v1/enrollment-keys", "").mustOK(t)
			items := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(a.body), "["), "]")
			for _, item := range splitObjects(t, items) {
				check(t, "list item", answer{status: 200, body: item}, w.list)
			}
			check(t, "update", call(t, s, "PUT", "/api/v1/enrollment-keys/"+value, `{}`), w.update)
			check(t, "regenerate", call(t, s, "POST", "/api/v1/enrollment-keys/"+value+"/regenerate-token", ""), w.regenerate)
			check(t, "network default", call(t, s, "GET", "/api/v1/enrollment-keys/network/net1/default", ""), w.networkDefault)
		})
	}
}

// splitObjects splits the inside of a JSON array of flat objects.
func splitObjects(t *testing.T, items string) []string {
	t.Helper()
	var out []string
	for _, part := range strings.SplitAfter(items, "},") {
		out = append(out, strings.TrimSuffix(part, ","))
	}
	if len(out) != 2 {
		t.Fatalf("want 2 keys in the list, got %d: %s", len(out), items)
	}
	return out
}

// TestUpdateDefault: what PUT does with "default" on each generation. The
// current line ignores it both ways (measured on a real server); v1.7 sets
// it with true and clears it when false or absent; v1.5 ignores it.
func TestUpdateDefault(t *testing.T) {
	type outcome struct {
		defaults string // names of net1's default keys after the PUT
		status   int
	}
	tests := []struct {
		name   string
		key    string // "net1" (the auto-generated default key) or "other-key"
		body   string
		byGen  map[Generation]outcome
		errMsg string // for non-200 outcomes
	}{
		{"true on a non-default key", "other-key", `{"default":true}`, map[Generation]outcome{
			GenerationV15: {"net1", 200}, GenerationCurrent: {"net1", 200}, GenerationV17: {"other-key", 200}}, ""},
		{"true on the default key", "net1", `{"default":true,"groups":[]}`, map[Generation]outcome{
			GenerationV15: {"net1", 200}, GenerationCurrent: {"net1", 200}, GenerationV17: {"net1", 200}}, ""},
		{"false on the default key", "net1", `{"default":false}`, map[Generation]outcome{
			GenerationV15: {"net1", 200}, GenerationCurrent: {"net1", 200}, GenerationV17: {"", 200}}, ""},
		{"absent on the default key", "net1", `{"groups":["net1.x"]}`, map[Generation]outcome{
			GenerationV15: {"net1", 200}, GenerationCurrent: {"net1", 200}, GenerationV17: {"", 200}}, ""},
		{"false on a non-default key", "other-key", `{"default":false}`, map[Generation]outcome{
			GenerationV15: {"net1", 200}, GenerationCurrent: {"net1", 200}, GenerationV17: {"net1", 200}}, ""},
	}
	for _, tt := range tests {
		for _, gen := range Generations() {
			want, ok := tt.byGen[gen]
			if !ok {
				t.Fatalf("%s: no outcome for %s", tt.name, gen)
			}
			t.Run(string(gen)+"/"+tt.name, func(t *testing.T) {
				s := newTest(t, Options{Generation: gen})
				createNetwork(t, s, "net1", "10.1.0.0/16")
				createNetwork(t, s, "net2", "10.2.0.0/16")
				createKey(t, s, `{"tags":["other-key"],"networks":["net1","net2"],"unlimited":true}`)
				k, _ := s.KeyByName(tt.key)
				a := call(t, s, "PUT", "/api/v1/enrollment-keys/"+k.Value, tt.body)
				if want.status != 200 {
					a.wantError(t, want.status, tt.errMsg)
				} else {
					a.mustOK(t)
					ans := decodeAnswer(t, gen, a.body)
					if ans.Default != strings.Contains(","+want.defaults+",", ","+tt.key+",") {
						t.Errorf("answer says default=%t: %s", ans.Default, a.body)
					}
				}
				if got := defaultNames(s, "net1"); got != want.defaults {
					t.Fatalf("default keys of net1: %q, want %q", got, want.defaults)
				}
				// A key made the default is the default of all its networks.
				wantNet2 := "net2"
				if want.defaults == "other-key" {
					wantNet2 = "other-key"
				}
				if got := defaultNames(s, "net2"); got != wantNet2 {
					t.Fatalf("default keys of net2: %q, want %q", got, wantNet2)
				}
			})
		}
	}
}

// TestCurrentIgnoresPutDefault is the measured fact the provider must not
// rely on being kinder: on the current line no PUT moves or drops a
// default, whatever the body says.
func TestCurrentIgnoresPutDefault(t *testing.T) {
	s := newTest(t, Options{Generation: GenerationCurrent})
	createNetwork(t, s, "net1", "10.1.0.0/16")
	k := createKey(t, s, `{"tags":["wants-default"],"networks":["net1"],"unlimited":true}`)
	auto, _ := s.KeyByName("net1")
	bodies := []string{`{"default":true}`, `{"default":true,"relay":"","groups":[],"auto_assign_gw":false}`}
	for _, body := range bodies {
		a := call(t, s, "PUT", "/api/v1/enrollment-keys/"+k.Value, body).mustOK(t)
		if decodeKey(t, a.body).Default {
			t.Fatalf("PUT %s answered default:true", body)
		}
	}
	for _, body := range []string{`{}`, `{"default":false}`} {
		a := call(t, s, "PUT", "/api/v1/enrollment-keys/"+auto.Value, body).mustOK(t)
		if !decodeKey(t, a.body).Default {
			t.Fatalf("PUT %s on the default key answered default:false", body)
		}
	}
	if got := defaultNames(s, "net1"); got != "net1" {
		t.Fatalf("default keys of net1: %q", got)
	}
	call(t, s, "DELETE", "/api/v1/enrollment-keys/"+auto.Value, "").wantError(t, 500, "cannot delete default network key")
	// No networks is no error either: the field is not looked at.
	n := createKey(t, s, `{"tags":["no-nets"],"unlimited":true}`)
	call(t, s, "PUT", "/api/v1/enrollment-keys/"+n.Value, `{"default":true}`).mustOK(t)
}

func TestV17UpdateDefault(t *testing.T) {
	s := newTest(t, Options{Generation: GenerationV17})
	createNetwork(t, s, "net1", "10.1.0.0/16")
	auto, _ := s.KeyByName("net1")
	t.Run("true without networks or device tags", func(t *testing.T) {
		n := createKey(t, s, `{"tags":["no-nets"],"unlimited":true,"groups":["a.b"]}`)
		call(t, s, "PUT", "/api/v1/enrollment-keys/"+n.Value, `{"default":true}`).wantError(t, 500, msgDefaultNets)
		if k, _ := s.KeyByName("no-nets"); k.Default || len(k.Groups) != 1 {
			t.Fatalf("a failed update changed the key: %+v", k)
		}
		// Device tags are enough: a default of no network.
		a := call(t, s, "PUT", "/api/v1/enrollment-keys/"+n.Value, `{"default":true,"groups":["a.b"]}`).mustOK(t)
		if d := decodeAnswer(t, GenerationV17, a.body); !d.Default {
			t.Fatalf("answer: %s", a.body)
		}
		if got := defaultNames(s, "net1"); got != "net1" {
			t.Fatalf("default keys of net1: %q", got)
		}
	})
	t.Run("a cleared default can be deleted and leaves the network without one", func(t *testing.T) {
		call(t, s, "PUT", "/api/v1/enrollment-keys/"+auto.Value, `{"relay":"","groups":[],"auto_assign_gw":false}`).mustOK(t)
		if got := defaultNames(s, "net1"); got != "" {
			t.Fatalf("default keys of net1: %q", got)
		}
		call(t, s, "GET", "/api/v1/enrollment-keys/network/net1/default", "").wantError(t, 400, "no enrollmentkey found")
		call(t, s, "DELETE", "/api/v1/enrollment-keys/"+auto.Value, "").mustOK(t)
	})
	t.Run("true makes a key the default again", func(t *testing.T) {
		k := createKey(t, s, `{"tags":["later-default"],"networks":["net1"],"unlimited":true}`)
		a := call(t, s, "PUT", "/api/v1/enrollment-keys/"+k.Value, `{"default":true}`).mustOK(t)
		if d := decodeAnswer(t, GenerationV17, a.body); !d.Default {
			t.Fatalf("answer: %s", a.body)
		}
		a = call(t, s, "GET", "/api/v1/enrollment-keys/network/net1/default", "").mustOK(t)
		if d := decodeAnswer(t, GenerationV17, a.body); d.Value != k.Value {
			t.Fatalf("network default: %s", a.body)
		}
	})
}

// TestCreateDefault: "default": true on create (current and v1.7) makes
// the new key the default of all its networks; the previous default keeps
// existing without the flag and can then be deleted.
func TestCreateDefault(t *testing.T) {
	for _, gen := range keyGenerations {
		t.Run(string(gen), func(t *testing.T) {
			s := newTest(t, Options{Generation: gen})
			createNetwork(t, s, "net1", "10.1.0.0/16")
			createNetwork(t, s, "net2", "10.2.0.0/16")
			createNetwork(t, s, "net3", "10.3.0.0/16")
			k := createKey(t, s, `{"tags":["new-default"],"networks":["net1","net2"],"unlimited":true,"default":true}`)
			if !k.Default {
				t.Fatal("created key not default")
			}
			for _, n := range []string{"net1", "net2"} {
				if got := defaultNames(s, n); got != "new-default" {
					t.Fatalf("default keys of %s: %q", n, got)
				}
			}
			if got := defaultNames(s, "net3"); got != "net3" {
				t.Fatalf("another network's default moved: %q", got)
			}
			old, ok := findByName(list(t, s), "net1")
			if !ok || old.Default {
				t.Fatalf("previous default: %+v (listed %t)", old, ok)
			}
			call(t, s, "DELETE", "/api/v1/enrollment-keys/"+k.Value, "").wantError(t, 500, "cannot delete default network key")
			call(t, s, "DELETE", "/api/v1/enrollment-keys/"+old.Value, "").mustOK(t)

			// A later create takes the default again, from a custom key. The
			// flag is one per key: new-default stops being net2's default too.
			createKey(t, s, `{"tags":["newer-default"],"networks":["net1"],"uses_remaining":2,"default":true}`)
			if got := defaultNames(s, "net1"); got != "newer-default" {
				t.Fatalf("default keys of net1: %q", got)
			}
			if got := defaultNames(s, "net2"); got != "" {
				t.Fatalf("default keys of net2: %q", got)
			}
			call(t, s, "DELETE", "/api/v1/enrollment-keys/"+k.Value, "").mustOK(t)

			// With the auto-generated key gone, its name is free on current
			// (names are unique among keys only); v1.7 also refuses a
			// network that a stored key joins.
			a := call(t, s, "POST", "/api/v1/enrollment-keys", `{"tags":["net1"],"networks":["net1"],"unlimited":true,"default":true}`)
			if gen == GenerationV17 {
				a.wantError(t, 400, msgNotUnique)
			} else if n := decodeKey(t, a.mustOK(t).body); !n.Default || defaultNames(s, "net1") != "net1" {
				t.Fatalf("key named like its network: %+v, defaults %q", n, defaultNames(s, "net1"))
			}
			call(t, s, "POST", "/api/v1/enrollment-keys", `{"tags":["no-nets"],"unlimited":true,"default":true}`).wantError(t, 400, msgDefaultNets)
		})
	}
}

func TestDefaultIgnoredOnV15(t *testing.T) {
	s := newTest(t, Options{Generation: GenerationV15})
	createNetwork(t, s, "net1", "10.1.0.0/16")
	k := createKey(t, s, `{"tags":["want-default"],"networks":["net1"],"unlimited":true,"default":true}`)
	if k.Default {
		t.Fatal("v1.5 set default on create")
	}
	// No networks with default:true is no error on v1.5 either.
	createKey(t, s, `{"tags":["no-nets"],"unlimited":true,"default":true}`)
	call(t, s, "PUT", "/api/v1/enrollment-keys/"+k.Value, `{"default":true}`).mustOK(t)
	if got := defaultNames(s, "net1"); got != "net1" {
		t.Fatalf("default keys of net1: %q", got)
	}
}

// TestDeleteNetworkDeletesItsKeys: every key whose only network it was goes,
// default or not (the default at once, the rest with the cascade).
func TestDeleteNetworkDeletesItsKeys(t *testing.T) {
	eachGenerationWithNet1(t, func(t *testing.T, s *Server) {
		createNetwork(t, s, "net2", "10.2.0.0/16")
		createKey(t, s, `{"tags":["custom-default"],"networks":["net1"],"unlimited":true,"default":true}`)
		createKey(t, s, `{"tags":["plain"],"networks":["net1"],"unlimited":true}`)
		createKey(t, s, `{"tags":["shared"],"networks":["net1","net2"],"unlimited":true}`)
		call(t, s, "DELETE", "/api/networks/net1", "").mustOK(t)
		s.WaitIdle()
		var names []string
		for _, k := range s.Keys() {
			names = append(names, k.Name+"="+strings.Join(k.Networks, "+"))
		}
		if got := strings.Join(names, ","); got != "net2=net2,shared=net2" {
			t.Fatalf("keys after deleting net1: %s", got)
		}
		if got := defaultNames(s, "net2"); got != "net2" {
			t.Fatalf("default keys of net2: %q", got)
		}
	})
}

func TestDefaultKeys(t *testing.T) {
	s := newTest(t, Options{})
	if ks := s.DefaultKeys("nope"); len(ks) != 0 {
		t.Fatalf("unknown network: %+v", ks)
	}
	createNetwork(t, s, "net1", "10.1.0.0/16")
	ks := s.DefaultKeys("net1")
	if len(ks) != 1 || ks[0].Name != "net1" || !ks[0].Default {
		t.Fatalf("DefaultKeys: %+v", ks)
	}
	// Out-of-band damage shows: two defaults for one network.
	createKey(t, s, `{"tags":["second"],"networks":["net1"],"unlimited":true}`)
	if err := s.UpdateKeyByName("second", func(k *Key) { k.Default = true }); err != nil {
		t.Fatal(err)
	}
	if got := defaultNames(s, "net1"); got != "net1,second" {
		t.Fatalf("default keys: %q", got)
	}
	// Snapshots: changing one changes nothing on the server.
	ks = s.DefaultKeys("net1")
	ks[0].Networks[0] = "changed"
	if k, _ := s.KeyByName("net1"); k.Networks[0] != "net1" {
		t.Fatal("DefaultKeys shares memory with the server")
	}
}
