package clock_test

import (
	"testing"
	"time"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/clock"
)

func TestManual(t *testing.T) {
	start := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	c := clock.NewManual(start)
	if got := c.Now(); !got.Equal(start) {
		t.Fatalf("Now() = %s, want %s", got, start)
	}
	c.Advance(90 * time.Minute)
	if got, want := c.Now(), start.Add(90*time.Minute); !got.Equal(want) {
		t.Fatalf("after Advance, Now() = %s, want %s", got, want)
	}
}

func TestOrSystem(t *testing.T) {
	if _, ok := clock.OrSystem(nil).(clock.System); !ok {
		t.Fatal("OrSystem(nil) is not the system clock")
	}
	m := clock.NewManual(time.Unix(0, 0))
	if clock.OrSystem(m) != clock.Clock(m) {
		t.Fatal("OrSystem(m) is not m")
	}
	before := time.Now()
	if now := (clock.System{}).Now(); now.Before(before) {
		t.Fatalf("System.Now() = %s, before %s", now, before)
	}
}
