package netmakertest

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestParseLatency(t *testing.T) {
	tests := []struct {
		in      string
		want    Latency
		wantErr string
	}{
		{"", Latency{}, ""},
		{"off", Latency{}, ""},
		{" real\n", RealServerLatency(), ""},
		{"7.5ms,410us", Latency{PerRequest: 7500 * time.Microsecond, PerKeyListed: 410 * time.Microsecond}, ""},
		{"0s, 1ms", Latency{PerKeyListed: time.Millisecond}, ""},
		{"slow", Latency{}, "want off, real, or PER_REQUEST,PER_KEY_LISTED"},
		{"7.5,1ms", Latency{}, "latency per request"},
		{"1ms,x", Latency{}, "latency per key listed"},
		{"-1ms,1ms", Latency{}, "cannot be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseLatency(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseLatency(%q) = %v, %v; want an error containing %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseLatency(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			if back, err := ParseLatency(got.String()); err != nil || back != got {
				t.Fatalf("ParseLatency(%q.String() = %q) = %v, %v", tt.in, got.String(), back, err)
			}
		})
	}
	if got := RealServerLatency().String(); got != "7.5ms,410µs" {
		t.Errorf("RealServerLatency() = %s", got)
	}
}

// TestLatency: a list takes its time per key listed, and requests that
// take time are served one at a time. (Only lower bounds: a loaded machine
// may take longer.)
func TestLatency(t *testing.T) {
	s := newTest(t, Options{})
	for i := range 10 {
		createKey(t, s, fmt.Sprintf(`{"tags":["latency-%d"],"unlimited":true}`, i))
	}
	s.SetLatency(Latency{PerKeyListed: 3 * time.Millisecond})
	start := time.Now()
	list(t, s)
	if took := time.Since(start); took < 30*time.Millisecond {
		t.Errorf("a list of 10 keys at 3ms a key took %s", took)
	}

	s.SetLatency(Latency{PerRequest: 20 * time.Millisecond})
	start = time.Now()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() { call(t, s, "GET", "/api/networks", "").mustOK(t) })
	}
	wg.Wait()
	if took := time.Since(start); took < 80*time.Millisecond {
		t.Errorf("4 concurrent requests of 20ms took %s, want them served in turn", took)
	}

	// The sandbox route sets and answers it, and costs nothing itself.
	a := callAuth(t, s, "POST", "/sandbox/latency", "real", "")
	if a.err != nil || a.status != 200 || a.body != "7.5ms,410µs\n" {
		t.Fatalf("POST /sandbox/latency real: %d %q %v", a.status, a.body, a.err)
	}
	if a := callAuth(t, s, "POST", "/sandbox/latency", "soon", ""); a.status != 400 {
		t.Fatalf("POST /sandbox/latency soon: %d %q", a.status, a.body)
	}
	if a := callAuth(t, s, "GET", "/sandbox/latency", "", ""); a.body != "7.5ms,410µs\n" {
		t.Fatalf("GET /sandbox/latency after a bad POST: %q", a.body)
	}
	callAuth(t, s, "POST", "/sandbox/latency", "off", "")
	if a := callAuth(t, s, "GET", "/sandbox/latency", "", ""); a.body != "off\n" {
		t.Fatalf("GET /sandbox/latency: %q", a.body)
	}
	if _, ok := s.Stats()["GET (unrouted)"]; ok {
		t.Fatal("the sandbox route was counted")
	}
}
