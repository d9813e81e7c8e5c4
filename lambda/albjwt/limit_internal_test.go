package albjwt

import (
	"fmt"
	"testing"
	"time"
)

// manualClock is a settable clock for the limiter's unit tests.
type manualClock struct{ t time.Time }

func (c *manualClock) now() time.Time { return c.t }

func kidN(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }

// TestFetchLimiterPenaltyBound checks that the penalty box never holds more
// than maxPenalized kids, that it drops expired kids and then those closest
// to expiry first, and that the newest failures stay penalized.
func TestFetchLimiterPenaltyBound(t *testing.T) {
	t.Parallel()
	clk := &manualClock{t: time.Unix(1e9, 0)}
	l := newFetchLimiter(1, time.Second, time.Hour, clk.now)
	const extra = 10
	for i := range maxPenalized + extra {
		clk.t = clk.t.Add(time.Millisecond) // distinct expiries, oldest first
		l.fail(kidN(i))
		if len(l.failed) > maxPenalized {
			t.Fatalf("penalty box holds %d kids after %d failures", len(l.failed), i+1)
		}
	}
	for i := range extra {
		if _, ok := l.failed[kidN(i)]; ok {
			t.Errorf("kid %d, closest to expiry, was kept", i)
		}
	}
	for i := extra; i < maxPenalized+extra; i++ {
		if _, ok := l.failed[kidN(i)]; !ok {
			t.Fatalf("kid %d, newer, was dropped", i)
		}
	}
	// Once everything has expired, one eviction clears them all.
	clk.t = clk.t.Add(time.Hour)
	l.fail("new")
	if len(l.failed) != 1 {
		t.Errorf("penalty box holds %d kids after expiry, want 1", len(l.failed))
	}
	// Failing an already penalized kid refreshes it without evicting.
	l.fail("new")
	if len(l.failed) != 1 {
		t.Errorf("refailing a kid: %d entries", len(l.failed))
	}
}

// TestFetchLimiterClock checks the bucket against a clock that jumps back
// and far forward.
func TestFetchLimiterClock(t *testing.T) {
	t.Parallel()
	start := time.Unix(1e9, 0)
	clk := &manualClock{t: start}
	l := newFetchLimiter(2, 10*time.Second, time.Minute, clk.now)
	take := func(want bool) {
		t.Helper()
		err := l.allow(fmt.Sprint(clk.t.UnixNano()))
		if (err == nil) != want {
			t.Fatalf("at %v: allow = %v, want allowed=%v", clk.t.Sub(start), err, want)
		}
		if err != nil && Reason(err) != ReasonKeyThrottled {
			t.Fatalf("reason %q", Reason(err))
		}
	}
	take(true)
	take(true)
	take(false)
	clk.t = start.Add(-time.Hour) // backwards: no tokens appear
	take(false)
	clk.t = clk.t.Add(9 * time.Second) // the interval restarted at the jump
	take(false)
	clk.t = clk.t.Add(time.Second)
	take(true)
	take(false)
	clk.t = clk.t.Add(1 << 62) // far future: full, no overflow
	if l.refill(clk.t); l.tokens != l.burst {
		t.Fatalf("tokens = %d after a long wait, want %d", l.tokens, l.burst)
	}
	take(true)
	take(true)
	take(false)
}
