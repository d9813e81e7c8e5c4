package accesstoken_test

import (
	"context"
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
// fetch, with 503 key_fetch_canceled.
func TestCallerCancel(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.jwks.set(http.StatusOK, jwksJSON(rsaJWK(kidA, &keyA.PublicKey)), time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := f.v.Verify(ctx, mint(keyA, header(kidA), claims()))
	if albjwt.Reason(err) != albjwt.ReasonKeyCanceled || !errors.Is(err, albjwt.ErrKeyUnavailable) {
		t.Fatalf("canceled: %v", err)
	}
	if time.Since(start) > 2*time.Second { // the fetch itself takes 1 s
		t.Fatalf("returned after %v", time.Since(start))
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
