package albjwt_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albjwt"
)

// fakeClock is a clock that moves only when told to.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: testNow} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// randomKid mints what an attacker sends: a token that passes every header
// check but names a kid (a fresh UUID) the key server does not know.
func (f *fixture) randomKid(t testing.TB) string {
	t.Helper()
	return f.mint(t, f.lb.Claims(albsim.User{}), albsim.WithHeader("kid", newUUID(t)))
}

// check verifies tok and checks the reason ("" for accepted) and the total
// number of requests the key server has seen afterwards.
func (f *fixture) check(t testing.TB, tok, reason string, requests int) {
	t.Helper()
	if err := f.checkErr(tok, reason, requests); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) checkErr(tok, reason string, requests int) error {
	_, err := f.v.Verify(context.Background(), tok)
	if got := albjwt.Reason(err); got != reason {
		return fmt.Errorf("reason = %q, want %q (err %v)", got, reason, err)
	}
	if reason == albjwt.ReasonKeyThrottled && (!errors.Is(err, albjwt.ErrKeyUnavailable) || errors.Is(err, albjwt.ErrInvalidToken)) {
		return fmt.Errorf("throttled err = %v, want only ErrKeyUnavailable", err)
	}
	if got := f.lb.Keys.Requests(); got != requests {
		return fmt.Errorf("key server saw %d requests, want %d", got, requests)
	}
	return nil
}

// otherKey returns a load balancer (same ARN, client and issuer as f.lb) that
// signs with a fresh key, as f.lb would after a key rotation. The key is not
// published until publish is called.
func (f *fixture) otherKey(t testing.TB, now func() time.Time) (lb *albsim.LoadBalancer, publish func()) {
	t.Helper()
	k, err := albsim.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	lb, err = albsim.New(albsim.Config{Key: k, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return lb, func() { f.lb.Keys.AddKey(k) }
}

// mintBy returns a valid token from lb.
func mintBy(t testing.TB, lb *albsim.LoadBalancer) string {
	t.Helper()
	tok, err := lb.Mint(lb.Claims(albsim.User{}))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// step is one verification in a scripted sequence: advance the clock, mint a
// token, verify it, and check the reason and the running request count.
type step struct {
	advance  time.Duration
	token    string // "valid", "random" or "rotated"
	reason   string // "" for accepted
	requests int    // key server requests seen so far
}

func runSteps(t *testing.T, cfg func(*albjwt.Config), steps []step) {
	t.Helper()
	clk := newFakeClock()
	f := newFixtureAt(t, clk.Now, cfg)
	rotated, publish := f.otherKey(t, clk.Now)
	publish()
	for i, s := range steps {
		clk.Advance(s.advance)
		var tok string
		switch s.token {
		case "valid":
			tok = f.mint(t, f.lb.Claims(albsim.User{}))
		case "rotated":
			tok = mintBy(t, rotated)
		case "random":
			tok = f.randomKid(t)
		default:
			t.Fatalf("step %d: unknown token %q", i, s.token)
		}
		if err := f.checkErr(tok, s.reason, s.requests); err != nil {
			t.Fatalf("step %d %+v: %v", i, s, err)
		}
	}
}

// TestKeyFetchBurst sends many tokens with made-up kids: only the burst is
// fetched; every later one is refused with ReasonKeyThrottled and makes no
// request.
func TestKeyFetchBurst(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		burst int // Config.KeyFetchBurst
		want  int // fetches allowed
	}{
		{"default", 0, albjwt.DefaultKeyFetchBurst},
		{"one", 1, 1},
		{"three", 3, 3},
		{"max", albjwt.MaxKeyFetchBurst, albjwt.MaxKeyFetchBurst},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, func(c *albjwt.Config) { c.KeyFetchBurst = tc.burst })
			for i := range tc.want {
				f.check(t, f.randomKid(t), albjwt.ReasonKeyStatus, i+1)
			}
			for range 50 {
				f.check(t, f.randomKid(t), albjwt.ReasonKeyThrottled, tc.want)
			}
			// The fixed clock never refills the bucket, so even the real key,
			// not cached yet, must wait: the price of the bound.
			f.check(t, f.mint(t, f.lb.Claims(albsim.User{})), albjwt.ReasonKeyThrottled, tc.want)
		})
	}
}

// TestKeyFetchRefill checks that the bucket refills one token per interval,
// keeps partial progress, and never holds more than the burst.
func TestKeyFetchRefill(t *testing.T) {
	t.Parallel()
	const interval = 10 * time.Second
	runSteps(t, func(c *albjwt.Config) {
		c.KeyFetchBurst = 2
		c.KeyFetchInterval = interval
	}, []step{
		{0, "random", albjwt.ReasonKeyStatus, 1},
		{0, "random", albjwt.ReasonKeyStatus, 2},
		{0, "random", albjwt.ReasonKeyThrottled, 2},
		{interval - time.Millisecond, "random", albjwt.ReasonKeyThrottled, 2},
		{time.Millisecond, "random", albjwt.ReasonKeyStatus, 3}, // one token after one interval
		{0, "random", albjwt.ReasonKeyThrottled, 3},
		{interval / 2, "random", albjwt.ReasonKeyThrottled, 3},
		{interval / 2, "random", albjwt.ReasonKeyStatus, 4}, // the halves add up
		{time.Hour, "random", albjwt.ReasonKeyStatus, 5},    // an idle hour refills the burst...
		{0, "random", albjwt.ReasonKeyStatus, 6},
		{0, "random", albjwt.ReasonKeyThrottled, 6}, // ...and no more
		{interval, "valid", "", 7},                  // the real key fetches as soon as a token is back
	})
}

// TestKeyFetchPenalty checks that a kid whose fetch failed is not fetched
// again within the penalty, without spending the bucket, and is fetched once
// the penalty is over.
func TestKeyFetchPenalty(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		penalty time.Duration // Config.KeyFetchPenalty
		want    time.Duration
	}{
		{"default", 0, albjwt.DefaultKeyFetchPenalty},
		{"minimum", albjwt.MinKeyFetchInterval, albjwt.MinKeyFetchInterval},
		{"five minutes", 5 * time.Minute, 5 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clk := newFakeClock()
			f := newFixtureAt(t, clk.Now, func(c *albjwt.Config) {
				c.KeyFetchBurst = 2
				c.KeyFetchInterval = time.Hour // no refill within the test
				c.KeyFetchPenalty = tc.penalty
			})
			// A kid the load balancer will start signing with, but whose key
			// is not published yet.
			lb, publish := f.otherKey(t, clk.Now)
			mint := func() string { return mintBy(t, lb) }

			f.check(t, mint(), albjwt.ReasonKeyStatus, 1) // 404
			for range 20 {
				f.check(t, mint(), albjwt.ReasonKeyThrottled, 1)
			}
			// Refusals took no tokens: one is left for another kid.
			f.check(t, f.randomKid(t), albjwt.ReasonKeyStatus, 2)
			publish()
			clk.Advance(tc.want - time.Nanosecond)
			f.check(t, mint(), albjwt.ReasonKeyThrottled, 2)
			// Now the penalty is over, but the bucket is empty; an hour later
			// there is a token.
			clk.Advance(time.Nanosecond)
			f.check(t, mint(), albjwt.ReasonKeyThrottled, 2)
			clk.Advance(time.Hour)
			f.check(t, mint(), "", 3)
			for range 5 {
				f.check(t, mint(), "", 3)
			}
		})
	}
}

// TestKeyFetchPenaltyEndsBeforeRefill checks the penalty on its own, with
// tokens to spare.
func TestKeyFetchPenaltyEndsBeforeRefill(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	f := newFixtureAt(t, clk.Now, nil)
	lb, publish := f.otherKey(t, clk.Now)
	mint := func() string {
		return f.mint(t, lb.Claims(albsim.User{}), albsim.WithSigningKey(lb.Key.Private), albsim.WithHeader("kid", lb.Key.ID))
	}
	f.check(t, mint(), albjwt.ReasonKeyStatus, 1)
	publish()
	clk.Advance(albjwt.DefaultKeyFetchPenalty - time.Nanosecond)
	f.check(t, mint(), albjwt.ReasonKeyThrottled, 1)
	clk.Advance(time.Nanosecond)
	f.check(t, mint(), "", 2)
}

// TestKeyRotation checks that a legitimate new key is fetched at once when
// the bucket has a token, even after made-up kids, and as soon as one is
// back when they have drained it; cached keys keep working throughout.
func TestKeyRotation(t *testing.T) {
	t.Parallel()
	burst := func(n int) func(*albjwt.Config) {
		return func(c *albjwt.Config) {
			c.KeyFetchBurst = n
			c.KeyFetchInterval = 10 * time.Second
		}
	}
	for _, tc := range []struct {
		name  string
		cfg   func(*albjwt.Config)
		steps []step
	}{
		{"cold start with burst 1", burst(1), []step{
			{0, "valid", "", 1},
			{0, "rotated", albjwt.ReasonKeyThrottled, 1},
			{10 * time.Second, "rotated", "", 2},
		}},
		{"tokens left", burst(3), []step{
			{0, "valid", "", 1}, // the first kid after a cold start
			{0, "random", albjwt.ReasonKeyStatus, 2},
			{0, "rotated", "", 3}, // fetched at once
			{0, "random", albjwt.ReasonKeyThrottled, 3},
			{0, "valid", "", 3},
			{0, "rotated", "", 3},
		}},
		{"bucket drained", burst(3), []step{
			{0, "valid", "", 1},
			{0, "random", albjwt.ReasonKeyStatus, 2},
			{0, "random", albjwt.ReasonKeyStatus, 3},
			{0, "random", albjwt.ReasonKeyThrottled, 3},
			{0, "valid", "", 3}, // cached: unaffected
			{0, "rotated", albjwt.ReasonKeyThrottled, 3},
			{time.Second, "valid", "", 3},
			{9 * time.Second, "rotated", "", 4}, // the refilled token
			{0, "rotated", "", 4},
			{0, "valid", "", 4},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			runSteps(t, tc.cfg, tc.steps)
		})
	}
}

// TestCachedKeyUnaffectedByLimit verifies the real key many times while made-up
// kids are refused, concurrently: no verification of the cached key fails,
// and the key server never sees more than the burst.
func TestCachedKeyUnaffectedByLimit(t *testing.T) {
	t.Parallel()
	const burst = 4
	f := newFixture(t, func(c *albjwt.Config) { c.KeyFetchBurst = burst })
	valid := f.mint(t, f.lb.Claims(albsim.User{}))
	f.check(t, valid, "", 1)

	const workers, each = 16, 25
	random := make([][]string, workers)
	for w := range random {
		for range each {
			random[w] = append(random[w], f.randomKid(t))
		}
	}
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		reasons   = map[string]int{}
		validErrs []error
	)
	for w := range workers {
		wg.Go(func() {
			for _, tok := range random[w] {
				_, err := f.v.Verify(context.Background(), tok)
				_, verr := f.v.Verify(context.Background(), valid)
				mu.Lock()
				reasons[albjwt.Reason(err)]++
				if verr != nil {
					validErrs = append(validErrs, verr)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(validErrs) > 0 {
		t.Errorf("%d verifications of the cached key failed, e.g. %v", len(validErrs), validErrs[0])
	}
	if got := f.lb.Keys.Requests(); got != burst {
		t.Errorf("key server saw %d requests, want %d (the burst)", got, burst)
	}
	want := map[string]int{albjwt.ReasonKeyStatus: burst - 1, albjwt.ReasonKeyThrottled: workers*each - (burst - 1)}
	if len(reasons) != len(want) || reasons[albjwt.ReasonKeyStatus] != want[albjwt.ReasonKeyStatus] || reasons[albjwt.ReasonKeyThrottled] != want[albjwt.ReasonKeyThrottled] {
		t.Errorf("made-up kids got reasons %v, want %v", reasons, want)
	}
}

// TestSingleflightSharesOneToken checks that concurrent cold verifications
// of one kid cause one fetch and so share a single token: with a burst of
// one they all succeed (a second fetch would have been throttled).
func TestSingleflightSharesOneToken(t *testing.T) {
	t.Parallel()
	lb, err := albsim.New(albsim.Config{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(slowHandler(lb.Keys, 100*time.Millisecond))
	t.Cleanup(srv.Close)
	v, err := albjwt.New(albjwt.Config{ALBARN: lb.ARN, ClientID: lb.ClientID, Issuer: lb.Issuer, KeyEndpoint: srv.URL, Clock: clock, KeyFetchBurst: 1})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := lb.Mint(lb.Claims(albsim.User{}))
	if err != nil {
		t.Fatal(err)
	}
	const n = 64
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			_, err := v.Verify(context.Background(), tok)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
	}
	if got := lb.Keys.Requests(); got != 1 {
		t.Errorf("%d concurrent cold verifications made %d fetches, want 1", n, got)
	}
	rnd, err := lb.Mint(lb.Claims(albsim.User{}), albsim.WithHeader("kid", newUUID(t)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(context.Background(), rnd); albjwt.Reason(err) != albjwt.ReasonKeyThrottled {
		t.Errorf("after the one token: err = %v, want %s", err, albjwt.ReasonKeyThrottled)
	}
}
