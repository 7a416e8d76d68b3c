package netmakertest

import (
	"fmt"
	"strings"
	"time"
)

// Latency makes the server take the time a real one takes (Options.Latency,
// SetLatency; the sandbox's -latency), so that a client's request pattern
// shows in wall time: an in-memory list of a thousand keys takes
// microseconds, a real server's a good part of a second. The zero value
// costs nothing.
//
// Requests that cost anything are served one at a time, each holding the
// server for its cost, as RealServerLatency explains. Requests that a fault
// answers before the server (429, 502-504, a reset) cost nothing; /sandbox/*
// costs nothing.
type Latency struct {
	PerRequest   time.Duration // every request the server handles
	PerKeyListed time.Duration // a key list, per key listed
}

// RealServerLatency is calibrated from a real server of the current line
// on loopback (sqlite): a list of 200 keys took about 90 ms; 200 creates at
// parallelism 10 about 1.5 s; 200 PUTs at parallelism 10 after one list
// 1.2 s; an apply that listed the keys before each of 200 PUTs (about 200
// lists of 200 keys) 21.9 s. Only a server that handles one request at a
// time fits all four: at 7.5 ms a request and 0.41 ms a listed key, served
// in turn, they come to 90 ms, 1.5 s, 1.6 s and 19.7 s (plus Terraform's own
// time). Costs that overlap and fit the first two (75 ms a request) would
// put the last at about 3 s.
func RealServerLatency() Latency {
	return Latency{PerRequest: 7500 * time.Microsecond, PerKeyListed: 410 * time.Microsecond}
}

// ParseLatency reads "off" (or ""), "real" (RealServerLatency), or
// "PER_REQUEST,PER_KEY_LISTED" as Go durations, e.g. "7.5ms,410us".
func ParseLatency(s string) (Latency, error) {
	switch s = strings.TrimSpace(s); s {
	case "", "off":
		return Latency{}, nil
	case "real":
		return RealServerLatency(), nil
	}
	perRequest, perKey, ok := strings.Cut(s, ",")
	if !ok {
		return Latency{}, fmt.Errorf("latency %q: want off, real, or PER_REQUEST,PER_KEY_LISTED (durations such as 7.5ms,410us)", s)
	}
	var l Latency
	var err error
	if l.PerRequest, err = time.ParseDuration(strings.TrimSpace(perRequest)); err != nil {
		return Latency{}, fmt.Errorf("latency per request: %w", err)
	}
	if l.PerKeyListed, err = time.ParseDuration(strings.TrimSpace(perKey)); err != nil {
		return Latency{}, fmt.Errorf("latency per key listed: %w", err)
	}
	if l.PerRequest < 0 || l.PerKeyListed < 0 {
		return Latency{}, fmt.Errorf("latency %q: durations cannot be negative", s)
	}
	return l, nil
}

// String is what ParseLatency reads back.
func (l Latency) String() string {
	if l == (Latency{}) {
		return "off"
	}
	return l.PerRequest.String() + "," + l.PerKeyListed.String()
}

// SetLatency replaces the cost model (Options.Latency) for the requests
// that follow.
func (s *Server) SetLatency(l Latency) { setLocked(s, &s.latency, l) }

// takeTime holds the request until the server is done with it: requests
// that cost anything are served in turn, each after the ones that came
// before it. The server's clock runs on reserved slots, not on when sleeps
// end, so that a machine slow to wake sleepers does not add up delays.
func (s *Server) takeTime(listed bool) {
	s.mu.Lock()
	cost := s.latency.PerRequest
	if listed {
		cost += time.Duration(len(s.keys)) * s.latency.PerKeyListed
	}
	if cost <= 0 {
		s.mu.Unlock()
		return
	}
	now := time.Now()
	start := s.busyUntil
	if start.Before(now) {
		start = now
	}
	s.busyUntil = start.Add(cost)
	done := s.busyUntil
	s.mu.Unlock()
	time.Sleep(time.Until(done))
}
