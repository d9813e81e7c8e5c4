package accesstoken_test

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/accesstoken"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albjwt"
)

func TestNewMakesNoRequest(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	if n := f.jwks.hits.Load(); n != 0 {
		t.Fatalf("New made %d JWKS requests, want 0", n)
	}
	// Even pointed at nothing, New succeeds at once.
	start := time.Now()
	_, err := accesstoken.New(accesstoken.Config{Issuer: testIssuer, ClientIDs: []string{testClient}, JWKSURL: "http://127.0.0.1:1/jwks.json"})
	if err != nil || time.Since(start) > time.Second {
		t.Fatalf("New with an unreachable JWKS: %v after %v", err, time.Since(start))
	}
}

// TestKeyFetchedOnceAndCached: the first token fetches the JWKS, later ones
// (and concurrent first ones) share it.
func TestKeyFetchedOnceAndCached(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.jwks.set(http.StatusOK, jwksJSON(rsaJWK(kidA, &keyA.PublicKey)), 50*time.Millisecond)
	tok := mint(keyA, header(kidA), claims())
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.v.Verify(context.Background(), tok)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.v.Verify(context.Background(), tok); err != nil {
		t.Fatal(err)
	}
	if n := f.jwks.hits.Load(); n != 1 {
		t.Fatalf("%d JWKS requests, want 1", n)
	}
}

// TestUnknownKIDFetchesBounded: N made-up kids cause at most burst fetches;
// the rest are refused without a request (503, key_fetch_throttled), and a
// known kid keeps working throughout.
func TestUnknownKIDFetchesBounded(t *testing.T) {
	t.Parallel()
	const burst = 3
	f := newFixture(t, func(c *accesstoken.Config) {
		c.KeyFetchBurst = burst
		c.KeyFetchInterval = 10 * time.Second
		c.KeyFetchPenalty = 30 * time.Second
	})
	good := mint(keyA, header(kidA), claims())
	if _, err := f.v.Verify(context.Background(), good); err != nil { // 1 fetch, kidA now known
		t.Fatal(err)
	}
	unknown, throttled := 0, 0
	for i := range 50 {
		_, err := f.v.Verify(context.Background(), mint(keyB, header(fmt.Sprintf("made-up-%d", i)), claims()))
		switch albjwt.Reason(err) {
		case accesstoken.ReasonUnknownKID:
			unknown++
		case albjwt.ReasonKeyThrottled:
			throttled++
			if !errors.Is(err, albjwt.ErrKeyUnavailable) {
				t.Fatalf("throttled error %v is not ErrKeyUnavailable", err)
			}
		default:
			t.Fatalf("made-up kid %d: %v", i, err)
		}
		if _, err := f.v.Verify(context.Background(), good); err != nil {
			t.Fatalf("known kid refused after %d made-up kids: %v", i+1, err)
		}
	}
	if hits := f.jwks.hits.Load(); hits > burst {
		t.Fatalf("%d JWKS requests for 50 made-up kids, want at most %d", hits, burst)
	}
	if unknown != burst-1 || throttled != 50-(burst-1) {
		t.Fatalf("unknown %d, throttled %d", unknown, throttled)
	}
	// One token returns per interval; a repeated made-up kid is penalized.
	f.clock.Advance(10 * time.Second)
	if _, err := f.v.Verify(context.Background(), mint(keyB, header("made-up-0"), claims())); albjwt.Reason(err) != albjwt.ReasonKeyThrottled {
		t.Fatalf("penalized kid: %v", err)
	}
	if _, err := f.v.Verify(context.Background(), mint(keyB, header("fresh"), claims())); albjwt.Reason(err) != accesstoken.ReasonUnknownKID {
		t.Fatalf("fresh kid after the interval: %v", err)
	}
	if hits := f.jwks.hits.Load(); hits != burst+1 {
		t.Fatalf("%d JWKS requests, want %d", hits, burst+1)
	}
}

// TestStartsWhileJWKSDown: the process starts with the endpoint failing,
// answers 503, and recovers once it is back and the kid's penalty is over.
func TestStartsWhileJWKSDown(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.jwks.set(http.StatusServiceUnavailable, nil, 0)
	tok := mint(keyA, header(kidA), claims())
	if _, err := f.v.Verify(context.Background(), tok); albjwt.Reason(err) != albjwt.ReasonKeyStatus || !errors.Is(err, albjwt.ErrKeyUnavailable) {
		t.Fatalf("endpoint down: %v", err)
	}
	f.jwks.set(http.StatusOK, jwksJSON(rsaJWK(kidA, &keyA.PublicKey)), 0)
	if _, err := f.v.Verify(context.Background(), tok); albjwt.Reason(err) != albjwt.ReasonKeyThrottled {
		t.Fatalf("within the penalty: %v", err)
	}
	f.clock.Advance(albjwt.DefaultKeyFetchPenalty)
	tok = mint(keyA, header(kidA), with(func(c map[string]any) { c["exp"] = f.clock.Now().Unix() + 60 }))
	if _, err := f.v.Verify(context.Background(), tok); err != nil {
		t.Fatalf("after the penalty: %v", err)
	}
}

// TestKeyRotation: a token signed with a newly published key makes one
// fetch and verifies; the new set replaces the old one.
func TestKeyRotation(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	if _, err := f.v.Verify(context.Background(), mint(keyA, header(kidA), claims())); err != nil {
		t.Fatal(err)
	}
	f.jwks.set(http.StatusOK, jwksJSON(rsaJWK(kidB, &keyB.PublicKey)), 0)
	if _, err := f.v.Verify(context.Background(), mint(keyB, header(kidB), claims())); err != nil {
		t.Fatalf("rotated key: %v", err)
	}
	if hits := f.jwks.hits.Load(); hits != 2 {
		t.Fatalf("%d JWKS requests, want 2", hits)
	}
	// kidA was withdrawn from the set; its tokens no longer verify.
	if _, err := f.v.Verify(context.Background(), mint(keyA, header(kidA), claims())); err == nil {
		t.Fatal("withdrawn key still accepted")
	}
}

// TestCallerCancel: a caller whose context ends stops waiting for a slow
// fetch, with 503 key_fetch_canceled. The key endpoint answers only when the
// test ends, and the client would wait a minute for it, so a Verify that
// returns while no answer has been given stopped waiting because its own
// context ended, however slowly the machine runs (a bound on the elapsed
// time, 2 s against a 1 s fetch, failed under load).
func TestCallerCancel(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(c *accesstoken.Config) { c.HTTPClient = &http.Client{Timeout: time.Minute} })
	f.jwks.set(http.StatusOK, jwksJSON(rsaJWK(kidA, &keyA.PublicKey)), time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := f.v.Verify(ctx, mint(keyA, header(kidA), claims()))
	if albjwt.Reason(err) != albjwt.ReasonKeyCanceled || !errors.Is(err, albjwt.ErrKeyUnavailable) {
		t.Fatalf("canceled: %v", err)
	}
	if n := f.jwks.answered.Load(); n != 0 {
		t.Fatalf("Verify returned only after the key endpoint had answered %d request(s)", n)
	}
}

// TestJWKSTolerance: keys the verifier cannot use do not spoil the set;
// keys without use or alg are accepted.
func TestJWKSTolerance(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	plain := rsaJWK(kidA, &keyA.PublicKey)
	delete(plain, "use")
	delete(plain, "alg")
	f.jwks.set(http.StatusOK, jwksJSON(
		map[string]any{"kty": "EC", "kid": "ec-key", "crv": "P-256", "x": "AAAA", "y": "AAAA"},
		map[string]any{"kty": "RSA"}, // no kid: ignored
		plain,
	), 0)
	if _, err := f.v.Verify(context.Background(), mint(keyA, header(kidA), claims())); err != nil {
		t.Fatal(err)
	}
	_, err := f.v.Verify(context.Background(), mint(keyA, header("ec-key"), claims()))
	if albjwt.Reason(err) != albjwt.ReasonKeyUnusable {
		t.Fatalf("EC kid: %v", err)
	}
}

// TestUnusableKeyRefetched: a kid whose published key was unusable is
// fetched again once its penalty is over, so a fixed JWKS takes effect.
func TestUnusableKeyRefetched(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	bad := rsaJWK(kidA, &keyA.PublicKey)
	bad["use"] = "enc"
	f.jwks.set(http.StatusOK, jwksJSON(bad), 0)
	if _, err := f.v.Verify(context.Background(), mint(keyA, header(kidA), claims())); albjwt.Reason(err) != albjwt.ReasonKeyUnusable {
		t.Fatalf("unusable key: %v", err)
	}
	f.jwks.set(http.StatusOK, jwksJSON(rsaJWK(kidA, &keyA.PublicKey)), 0)
	if _, err := f.v.Verify(context.Background(), mint(keyA, header(kidA), claims())); albjwt.Reason(err) != albjwt.ReasonKeyThrottled {
		t.Fatalf("within the penalty: %v", err)
	}
	f.clock.Advance(albjwt.DefaultKeyFetchPenalty)
	tok := mint(keyA, header(kidA), with(func(c map[string]any) { c["exp"] = f.clock.Now().Unix() + 60 }))
	if _, err := f.v.Verify(context.Background(), tok); err != nil {
		t.Fatalf("after the JWKS was fixed: %v", err)
	}
	if hits := f.jwks.hits.Load(); hits != 2 {
		t.Fatalf("%d JWKS requests, want 2", hits)
	}
}

// TestWithClientsSharesKeys: a verifier derived with WithClients accepts
// only its own clients, and it and its parent share one key set: tokens
// through both cause one JWKS fetch.
func TestWithClientsSharesKeys(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	machine, err := f.v.WithClients("machineclient1")
	if err != nil {
		t.Fatal(err)
	}
	user := mint(keyA, header(kidA), claims())
	bot := mint(keyA, header(kidA), with(func(c map[string]any) { c["client_id"] = "machineclient1"; delete(c, "username") }))
	ctx := context.Background()
	if _, err := f.v.Verify(ctx, user); err != nil {
		t.Fatalf("site client's token: %v", err)
	}
	if _, err := machine.Verify(ctx, bot); err != nil {
		t.Fatalf("machine client's token: %v", err)
	}
	if _, err := machine.Verify(ctx, user); albjwt.Reason(err) != albjwt.ReasonClientMismatch {
		t.Fatalf("site client's token through the machine verifier: %v, want %s", err, albjwt.ReasonClientMismatch)
	}
	if _, err := f.v.Verify(ctx, bot); albjwt.Reason(err) != albjwt.ReasonClientMismatch {
		t.Fatalf("machine token through the site verifier: %v, want %s", err, albjwt.ReasonClientMismatch)
	}
	if n := f.jwks.hits.Load(); n != 1 {
		t.Fatalf("%d JWKS requests, want 1 shared by both verifiers", n)
	}
	for _, ids := range [][]string{nil, {""}, {"dup", "dup"}} {
		if _, err := f.v.WithClients(ids...); err == nil {
			t.Errorf("WithClients(%q) accepted", ids)
		}
	}
}

// sprayKIDs sends n tokens with made-up kids to v and checks that exactly
// burst of them were fetched (kid_unknown) and the rest refused without a
// request (key_fetch_throttled).
func sprayKIDs(t *testing.T, v *accesstoken.Verifier, payload map[string]any, n, burst int, prefix string) {
	t.Helper()
	unknown, throttled := 0, 0
	for i := range n {
		_, err := v.Verify(context.Background(), mint(keyB, header(fmt.Sprintf("%s-%d", prefix, i)), payload))
		switch albjwt.Reason(err) {
		case accesstoken.ReasonUnknownKID:
			unknown++
		case albjwt.ReasonKeyThrottled:
			throttled++
		default:
			t.Fatalf("made-up kid %d: %v", i, err)
		}
	}
	if unknown != burst || throttled != n-burst {
		t.Fatalf("%d made-up kids: %d fetched, %d throttled; want %d and %d", n, unknown, throttled, burst, n-burst)
	}
}

// TestWithClientsSeparateBudgets: the site verifier and the machine
// verifier WithClients derives from it share keys but not the fetch budget.
// An attacker who drains one verifier's budget with made-up kids (anyone can
// send bearer tokens to machine paths) cannot keep the other from fetching
// a real, newly published key; a key either fetches serves both.
func TestWithClientsSeparateBudgets(t *testing.T) {
	t.Parallel()
	const burst = 3
	limits := func(c *accesstoken.Config) {
		c.KeyFetchBurst = burst
		c.KeyFetchInterval = 10 * time.Second
		c.KeyFetchPenalty = 30 * time.Second
	}
	user := func(key *rsa.PrivateKey, kid string) string { return mint(key, header(kid), claims()) }
	botClaims := with(func(c map[string]any) { c["client_id"] = "machineclient1"; delete(c, "username") })
	bot := func(key *rsa.PrivateKey, kid string) string { return mint(key, header(kid), botClaims) }
	rotated := jwksJSON(rsaJWK(kidA, &keyA.PublicKey), rsaJWK(kidB, &keyB.PublicKey))
	ctx := context.Background()

	t.Run("machine drained, site fetches a rotated key", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, limits)
		machine, err := f.v.WithClients("machineclient1")
		if err != nil {
			t.Fatal(err)
		}
		sprayKIDs(t, machine, botClaims, 20, burst, "machine-spray")
		if n := f.jwks.hits.Load(); n != burst {
			t.Fatalf("%d JWKS requests after the spray, want %d", n, burst)
		}
		// The pool rotates: a sign-in gets a token signed with the new key.
		f.jwks.set(http.StatusOK, rotated, 0)
		if _, err := f.v.Verify(ctx, user(keyB, kidB)); err != nil {
			t.Fatalf("site token with a rotated key while the machine budget is drained: %v", err)
		}
		if n := f.jwks.hits.Load(); n != burst+1 {
			t.Fatalf("%d JWKS requests, want %d", n, burst+1)
		}
		// The key the site fetched serves the machine verifier from the
		// shared set, without a fetch, although its budget is still empty.
		if _, err := machine.Verify(ctx, bot(keyB, kidB)); err != nil {
			t.Fatalf("machine token with the key the site fetched: %v", err)
		}
		if _, err := machine.Verify(ctx, bot(keyB, "machine-spray-more")); albjwt.Reason(err) != albjwt.ReasonKeyThrottled {
			t.Fatalf("machine budget after the site's fetch: %v, want %s", err, albjwt.ReasonKeyThrottled)
		}
		if n := f.jwks.hits.Load(); n != burst+1 {
			t.Fatalf("%d JWKS requests, want %d", n, burst+1)
		}
	})

	t.Run("site drained, machine fetches a rotated key", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, limits)
		machine, err := f.v.WithClients("machineclient1")
		if err != nil {
			t.Fatal(err)
		}
		sprayKIDs(t, f.v, claims(), 20, burst, "site-spray")
		if n := f.jwks.hits.Load(); n != burst {
			t.Fatalf("%d JWKS requests after the spray, want %d", n, burst)
		}
		f.jwks.set(http.StatusOK, rotated, 0)
		if _, err := machine.Verify(ctx, bot(keyB, kidB)); err != nil {
			t.Fatalf("machine token with a rotated key while the site budget is drained: %v", err)
		}
		if n := f.jwks.hits.Load(); n != burst+1 {
			t.Fatalf("%d JWKS requests, want %d", n, burst+1)
		}
		// kidA and kidB are both in the set the machine verifier fetched.
		for _, tok := range []string{user(keyA, kidA), user(keyB, kidB)} {
			if _, err := f.v.Verify(ctx, tok); err != nil {
				t.Fatalf("site token with a key in the shared set: %v", err)
			}
		}
		if _, err := f.v.Verify(ctx, user(keyB, "site-spray-more")); albjwt.Reason(err) != albjwt.ReasonKeyThrottled {
			t.Fatalf("site budget after the machine's fetch: %v, want %s", err, albjwt.ReasonKeyThrottled)
		}
		if n := f.jwks.hits.Load(); n != burst+1 {
			t.Fatalf("%d JWKS requests, want %d", n, burst+1)
		}
	})

	t.Run("penalties are per verifier", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, limits)
		machine, err := f.v.WithClients("machineclient1")
		if err != nil {
			t.Fatal(err)
		}
		// An attacker names kidB, not yet published, through the machine
		// verifier: the machine verifier penalizes it, the site does not.
		if _, err := machine.Verify(ctx, bot(keyB, kidB)); albjwt.Reason(err) != accesstoken.ReasonUnknownKID {
			t.Fatalf("unpublished kid: %v", err)
		}
		f.jwks.set(http.StatusOK, rotated, 0)
		if _, err := f.v.Verify(ctx, user(keyB, kidB)); err != nil {
			t.Fatalf("site token with a kid the machine verifier penalized: %v", err)
		}
		if _, err := machine.Verify(ctx, bot(keyB, kidB)); err != nil {
			t.Fatalf("machine token once the kid is in the shared set: %v", err)
		}
		if n := f.jwks.hits.Load(); n != 2 {
			t.Fatalf("%d JWKS requests, want 2", n)
		}
	})
}

// TestWithClientsConcurrentMissShared: concurrent misses for one kid
// through the site verifier and a derived machine verifier share one fetch.
func TestWithClientsConcurrentMissShared(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.jwks.set(http.StatusOK, jwksJSON(rsaJWK(kidA, &keyA.PublicKey)), 300*time.Millisecond)
	machine, err := f.v.WithClients("machineclient1")
	if err != nil {
		t.Fatal(err)
	}
	user := mint(keyA, header(kidA), claims())
	bot := mint(keyA, header(kidA), with(func(c map[string]any) { c["client_id"] = "machineclient1"; delete(c, "username") }))
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		v, tok := f.v, user
		if i%2 == 1 {
			v, tok = machine, bot
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := v.Verify(context.Background(), tok)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := f.jwks.hits.Load(); n != 1 {
		t.Fatalf("%d JWKS requests, want 1 shared by both verifiers", n)
	}
}
