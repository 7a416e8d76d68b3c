// Package clock is the provider's one notion of "now": the system clock in
// the shipped provider, a Manual clock in tests, where time passes without
// sleeping (a key's expiry, a ttl). Modelled on terraform-provider-time's
// clock.
package clock

import (
	"sync"
	"time"
)

// Clock answers the current time.
type Clock interface {
	Now() time.Time
}

// System is the real clock.
type System struct{}

// Now answers time.Now().
func (System) Now() time.Time { return time.Now() }

// OrSystem answers c, or the system clock when c is nil.
func OrSystem(c Clock) Clock {
	if c == nil {
		return System{}
	}
	return c
}

// Manual is a clock that moves only when told to; safe for concurrent use.
type Manual struct {
	mu sync.Mutex
	t  time.Time
}

// NewManual answers a Manual clock showing start.
func NewManual(start time.Time) *Manual { return &Manual{t: start} }

// Now answers the time the clock shows.
func (c *Manual) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Manual) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
