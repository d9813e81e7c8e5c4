package albjwt

import "time"

// FetchLimiter is the bound on key fetches described in the package
// documentation (a token bucket plus a per-kid penalty box), exported so
// that lambda/accesstoken bounds its JWKS fetches the same way. It is safe
// for concurrent use. Callers consult it only on a cache miss. Give each
// verifier its own, even verifiers that share a key cache: a limiter shared
// by verifiers that different callers reach lets the callers of one use up
// the fetches, and penalize the kids, of the other.
type FetchLimiter struct{ l *fetchLimiter }

// NewFetchLimiter returns a limiter whose bucket starts full with burst
// tokens and regains one every interval, and which refuses a kid for
// penalty after Fail. The arguments are not validated: callers pass values
// checked as Config.KeyFetchBurst, KeyFetchInterval and KeyFetchPenalty
// are. now is the clock.
func NewFetchLimiter(burst int, interval, penalty time.Duration, now func() time.Time) *FetchLimiter {
	return &FetchLimiter{l: newFetchLimiter(burst, interval, penalty, now)}
}

// Allow reports whether kid may be fetched now, taking a token if so. A
// refusal is an *Error wrapping ErrKeyUnavailable with ReasonKeyThrottled.
func (f *FetchLimiter) Allow(kid string) error { return f.l.allow(kid) }

// Fail puts kid in the penalty box after its fetch failed.
func (f *FetchLimiter) Fail(kid string) { f.l.fail(kid) }
