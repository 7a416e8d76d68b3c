package netmakertest

import (
	"encoding/json"
	"reflect"
	"sync"
	"testing"
)

func TestFaults(t *testing.T) {
	tests := []struct {
		name       string
		faults     Faults
		wantStatus map[int]bool // acceptable statuses; nil: a transport error
		applied    bool
		retryAfter string
	}{
		{"429", Faults{Rate: 1, TooManyRequests: true}, map[int]bool{429: true}, false, "1"},
		{"429 custom Retry-After", Faults{Rate: 1, TooManyRequests: true, RetryAfter: "0"}, map[int]bool{429: true}, false, "0"},
		{"bad gateway", Faults{Rate: 1, BadGateway: true}, map[int]bool{502: true, 503: true, 504: true}, false, ""},
		{"connection reset", Faults{Rate: 1, ConnectionReset: true}, nil, false, ""},
		{"response lost", Faults{Rate: 1, ResponseLost: true}, nil, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTest(t, Options{Seed: 7})
			s.SetFaults(tt.faults)
			a := call(t, s, "POST", "/api/v1/enrollment-keys", `{"tags":["fault-key"],"unlimited":true}`)
			if tt.wantStatus == nil {
				if a.err == nil {
					t.Fatalf("want no answer, got %d %q", a.status, a.body)
				}
			} else {
				if a.err != nil || !tt.wantStatus[a.status] {
					t.Fatalf("want one of %v, got %d (err %v)", tt.wantStatus, a.status, a.err)
				}
				if got := a.header.Get("Retry-After"); got != tt.retryAfter {
					t.Fatalf("Retry-After %q, want %q", got, tt.retryAfter)
				}
			}
			_, ok := s.KeyByName("fault-key")
			if ok != tt.applied {
				t.Fatalf("applied: got %t, want %t", ok, tt.applied)
			}
			// The sandbox routes are never faulted.
			a = callAuth(t, s, "GET", "/sandbox/stats", "", "")
			if a.err != nil || a.status != 200 {
				t.Fatalf("sandbox stats faulted: %d %v", a.status, a.err)
			}
			s.SetFaults(Faults{})
			call(t, s, "GET", "/api/v1/enrollment-keys", "").mustOK(t)
		})
	}
	t.Run("all kinds drawn at a rate", func(t *testing.T) {
		s := newTest(t, Options{Seed: 3, Faults: Faults{Rate: 0.5}})
		seen := map[string]int{}
		for i := 0; i < 200; i++ {
			a := call(t, s, "GET", "/api/v1/enrollment-keys", "")
			switch {
			case a.err != nil:
				seen["no answer"]++
			default:
				seen[itoa(a.status)]++
			}
		}
		for _, k := range []string{"200", "429", "502", "503", "504", "no answer"} {
			if seen[k] == 0 {
				t.Errorf("never saw %s: %v", k, seen)
			}
		}
		if seen["200"] < 60 || seen["200"] > 140 {
			t.Errorf("rate 0.5 gave %d successes of 200", seen["200"])
		}
	})
}

func TestStats(t *testing.T) {
	s := newTest(t, Options{})
	k := createKey(t, s, `{"tags":["stat-key"],"unlimited":true}`)
	list(t, s)
	list(t, s)
	call(t, s, "PUT", "/api/v1/enrollment-keys/"+k.Value, `{}`)
	call(t, s, "GET", "/api/v1/enrollment-keys/"+k.Value, "")
	call(t, s, "POST", "/api/v1/enrollment-keys/"+k.Value+"/regenerate-token", "")
	call(t, s, "GET", "/api/v1/enrollment-keys/network/x/default", "")
	call(t, s, "POST", "/api/networks", `{"netid":"net1","addressrange":"10.1.0.0/16"}`)
	call(t, s, "DELETE", "/api/networks/net1", "")
	call(t, s, "GET", "/nowhere", "")
	callAuth(t, s, "GET", "/api/v1/enrollment-keys", "", "") // a 401 counts too
	want := map[string]int{
		"POST /api/v1/enrollment-keys":                          1,
		"GET /api/v1/enrollment-keys":                           3,
		"PUT /api/v1/enrollment-keys/{value}":                   1,
		"GET /api/v1/enrollment-keys/{value}":                   1,
		"POST /api/v1/enrollment-keys/{value}/regenerate-token": 1,
		"GET /api/v1/enrollment-keys/network/{network}/default": 1,
		"POST /api/networks":                                    1,
		"DELETE /api/networks/{netid}":                          1,
		"GET (unrouted)":                                        1,
	}
	if got := s.Stats(); !reflect.DeepEqual(got, want) {
		t.Fatalf("stats:\n got %v\nwant %v", got, want)
	}
	a := callAuth(t, s, "GET", "/sandbox/stats", "", "")
	var got map[string]int
	if err := json.Unmarshal([]byte(a.body), &got); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("/sandbox/stats: %s (%v)", a.body, err)
	}
	if body, ok := s.LastRequestBody("PUT /api/v1/enrollment-keys/{value}"); !ok || body != `{}` {
		t.Fatalf("LastRequestBody(PUT) = %q, %t", body, ok)
	}
	if body, ok := s.LastRequestBody("GET /api/v1/enrollment-keys"); !ok || body != "" {
		t.Fatalf("LastRequestBody(GET) = %q, %t", body, ok)
	}
	call(t, s, "PUT", "/api/v1/enrollment-keys/"+k.Value, `{"default":true}`)
	if body, _ := s.LastRequestBody("PUT /api/v1/enrollment-keys/{value}"); body != `{"default":true}` {
		t.Fatalf("LastRequestBody(PUT) after a second PUT = %q", body)
	}
	s.ResetStats()
	if len(s.Stats()) != 0 {
		t.Fatal("ResetStats")
	}
	if _, ok := s.LastRequestBody("PUT /api/v1/enrollment-keys/{value}"); ok {
		t.Fatal("ResetStats kept the last bodies")
	}

	t.Run("concurrent requests are all counted", func(t *testing.T) {
		var wg sync.WaitGroup
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				call(t, s, "GET", "/api/v1/enrollment-keys", "")
			}()
		}
		wg.Wait()
		if n := s.Stats()["GET /api/v1/enrollment-keys"]; n != 20 {
			t.Fatalf("counted %d of 20", n)
		}
	})
	t.Run("v1.5 counts current-only routes as unrouted", func(t *testing.T) {
		s := newTest(t, Options{Generation: GenerationV15})
		call(t, s, "POST", "/api/v1/enrollment-keys/X/regenerate-token", "")
		if got := s.Stats(); !reflect.DeepEqual(got, map[string]int{"POST (unrouted)": 1}) {
			t.Fatalf("stats %v", got)
		}
	})
}
