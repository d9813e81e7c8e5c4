package albjwt

import (
	"fmt"
	"sync"
	"time"
)

// maxPenalized bounds how many failed kids the fetch limiter remembers. With
// the default settings at most DefaultKeyFetchBurst + DefaultKeyFetchPenalty /
// DefaultKeyFetchInterval + 1 (9) fetches can fail within one penalty, so the
// bound is only reached with extreme settings; then the entries closest to
// expiry are forgotten first, and the token bucket still bounds fetches.
const maxPenalized = 1024

// fetchLimiter bounds outbound key fetches for kids that are not cached. It
// is consulted only on a cache miss, inside the single flight for the kid,
// so concurrent misses for one kid take one token between them. Its mutex
// is never held across a fetch.
//
// It has two parts:
//   - a penalty box: after a fetch for a kid fails, that kid is not fetched
//     again until penalty has passed;
//   - a token bucket shared by all kids: it starts full with burst tokens,
//     every fetch takes one, and one is added back every interval.
type fetchLimiter struct {
	burst    int
	interval time.Duration
	penalty  time.Duration
	now      func() time.Time

	mu     sync.Mutex
	tokens int
	last   time.Time            // when tokens were last refilled or the bucket was last full
	failed map[string]time.Time // kid -> when its penalty ends
}

func newFetchLimiter(burst int, interval, penalty time.Duration, now func() time.Time) *fetchLimiter {
	return &fetchLimiter{
		burst:    burst,
		interval: interval,
		penalty:  penalty,
		now:      now,
		tokens:   burst,
		last:     now(),
		failed:   make(map[string]time.Time),
	}
}

// allow reports whether kid may be fetched now, taking a token if so. A kid
// in the penalty box is refused without taking a token; a refusal never
// penalizes the kid, so a drained bucket cannot keep a new valid key out for
// longer than the bucket takes to refill.
func (l *fetchLimiter) allow(kid string) error {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if until, ok := l.failed[kid]; ok {
		if now.Before(until) {
			return unavailable(ReasonKeyThrottled, fmt.Errorf("a fetch for kid %s failed less than %v ago", kid, l.penalty))
		}
		delete(l.failed, kid)
	}
	l.refill(now)
	if l.tokens == 0 {
		return unavailable(ReasonKeyThrottled, fmt.Errorf("key fetch rate limit reached (burst %d, then one per %v)", l.burst, l.interval))
	}
	l.tokens--
	return nil
}

// refill adds the tokens earned since l.last. l.mu must be held.
func (l *fetchLimiter) refill(now time.Time) {
	if l.tokens >= l.burst {
		// Full: nothing accrues until a token is taken.
		l.last = now
		return
	}
	elapsed := now.Sub(l.last)
	if elapsed < 0 {
		// The clock went backwards; restart the interval from now.
		l.last = now
		return
	}
	n := elapsed / l.interval
	if n >= time.Duration(l.burst-l.tokens) {
		l.tokens, l.last = l.burst, now
		return
	}
	l.tokens += int(n)
	l.last = l.last.Add(n * l.interval)
}

// fail puts kid in the penalty box.
func (l *fetchLimiter) fail(kid string) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.failed[kid]; !ok && len(l.failed) >= maxPenalized {
		l.evict(now)
	}
	l.failed[kid] = now.Add(l.penalty)
}

// evict makes room in the penalty box: it drops every expired entry or, if
// none has expired, the one closest to expiry. l.mu must be held. It runs
// only after a failed fetch, which the bucket rate-limits, so the linear
// scan is cheap enough.
func (l *fetchLimiter) evict(now time.Time) {
	var (
		oldest      string
		oldestUntil time.Time
	)
	for kid, until := range l.failed {
		if !now.Before(until) {
			delete(l.failed, kid)
			continue
		}
		if oldest == "" || until.Before(oldestUntil) {
			oldest, oldestUntil = kid, until
		}
	}
	if len(l.failed) >= maxPenalized {
		delete(l.failed, oldest)
	}
}
