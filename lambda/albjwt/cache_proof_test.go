package albjwt_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albjwt"
)

// recordingCache is an LRU cache that records which kids were added.
type recordingCache struct {
	*albjwt.LRUCache
	mu    sync.Mutex
	added []string
}

func newRecordingCache(size int) *recordingCache {
	return &recordingCache{LRUCache: albjwt.NewLRUCache(size)}
}

func (c *recordingCache) Add(kid string, key *ecdsa.PublicKey) {
	c.mu.Lock()
	c.added = append(c.added, kid)
	c.mu.Unlock()
	c.LRUCache.Add(kid, key)
}

func (c *recordingCache) Added() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.added...)
}

// foreignKid publishes, on f's key server, the key of another load balancer
// in the region (as the real endpoint serves every load balancer's keys) and
// returns its kid.
func (f *fixture) foreignKid(t testing.TB) string {
	t.Helper()
	k, err := albsim.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	f.lb.Keys.AddKey(k)
	return k.ID
}

// forgeWithKid mints what an attacker can send: a token that passes every
// header check (our signer, client, issuer, a live exp) and names kid, but
// is signed with the attacker's own P-256 key.
func (f *fixture) forgeWithKid(t testing.TB, kid string) string {
	t.Helper()
	attacker, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return f.mint(t, f.lb.Claims(albsim.User{}), albsim.WithSigningKey(attacker), albsim.WithHeader("kid", kid))
}

// TestForeignKeyNotCached sends tokens naming our signer and a real kid of
// another load balancer. The key fetches and parses but the signature fails,
// so the key is not cached. By design a second such token fetches again,
// drawing from the bucket like any other miss (no penalty), until the bucket
// is empty; then it is throttled without a request.
func TestForeignKeyNotCached(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	cache := newRecordingCache(albjwt.DefaultCacheSize)
	f := newFixtureAt(t, clk.Now, func(c *albjwt.Config) {
		c.Cache = cache
		c.KeyFetchBurst = 2
		c.KeyFetchInterval = time.Hour // no refill within the test
	})
	kid := f.foreignKid(t)
	f.check(t, f.forgeWithKid(t, kid), albjwt.ReasonBadSignature, 1)
	if _, ok := cache.Get(kid); ok || len(cache.Added()) != 0 {
		t.Fatalf("foreign key cached after a failed signature: added %v", cache.Added())
	}
	f.check(t, f.forgeWithKid(t, kid), albjwt.ReasonBadSignature, 2) // fetched again
	f.check(t, f.forgeWithKid(t, kid), albjwt.ReasonKeyThrottled, 2) // bucket empty
	if cache.Len() != 0 || len(cache.Added()) != 0 {
		t.Fatalf("cache holds %d keys, added %v; want none", cache.Len(), cache.Added())
	}
	// A refilled token goes to the next kid fetched, the foreign one
	// included: the bucket, not the kid, bounds the fetches.
	clk.Advance(time.Hour)
	f.check(t, f.forgeWithKid(t, kid), albjwt.ReasonBadSignature, 3)
	if cache.Len() != 0 {
		t.Fatalf("cache holds %d keys", cache.Len())
	}
}

// TestForgedSignatureOverOurKidNotCached checks that a forged signature over
// our own real kid neither caches the key nor penalizes the kid: the next
// valid token fetches it (one more token) and caches it.
func TestForgedSignatureOverOurKidNotCached(t *testing.T) {
	t.Parallel()
	cache := newRecordingCache(albjwt.DefaultCacheSize)
	f := newFixture(t, func(c *albjwt.Config) { c.Cache = cache })
	f.check(t, f.forgeWithKid(t, f.lb.Key.ID), albjwt.ReasonBadSignature, 1)
	if cache.Len() != 0 {
		t.Fatalf("key cached after a forged signature")
	}
	valid := f.mint(t, f.lb.Claims(albsim.User{}))
	f.check(t, valid, "", 2)
	f.check(t, valid, "", 2)
	if got := cache.Added(); len(got) != 1 || got[0] != f.lb.Key.ID {
		t.Fatalf("added %v, want [%s]", got, f.lb.Key.ID)
	}
}

// TestProvenKeyCached checks that our key is cached after the first
// verification with it, so later ones make no request; and that a token
// whose signature verifies but whose claims fail also proves the key.
func TestProvenKeyCached(t *testing.T) {
	t.Parallel()
	t.Run("valid", func(t *testing.T) {
		t.Parallel()
		cache := newRecordingCache(albjwt.DefaultCacheSize)
		f := newFixture(t, func(c *albjwt.Config) { c.Cache = cache })
		f.check(t, f.mint(t, f.lb.Claims(albsim.User{})), "", 1)
		if _, ok := cache.Get(f.lb.Key.ID); !ok {
			t.Fatal("key not cached after a successful verification")
		}
		for range 3 {
			f.check(t, f.mint(t, f.lb.Claims(albsim.User{})), "", 1)
		}
		if got := cache.Added(); len(got) != 1 {
			t.Errorf("added %v, want one entry", got)
		}
	})
	t.Run("signature valid claims invalid", func(t *testing.T) {
		t.Parallel()
		cache := newRecordingCache(albjwt.DefaultCacheSize)
		f := newFixture(t, func(c *albjwt.Config) { c.Cache = cache })
		c := f.lb.Claims(albsim.User{})
		c["nbf"] = testNow.Add(time.Hour).Unix()
		f.check(t, f.mint(t, c), albjwt.ReasonNotYetValid, 1)
		f.check(t, f.mint(t, f.lb.Claims(albsim.User{})), "", 1)
		if got := cache.Added(); len(got) != 1 || got[0] != f.lb.Key.ID {
			t.Errorf("added %v, want [%s]", got, f.lb.Key.ID)
		}
	})
}

// TestForeignKidsCannotCycleCache caches our key, then sends, in bursts
// larger than the cache, tokens naming real kids of other load balancers
// with the clock advanced so that none is throttled. Every one is fetched
// and rejected; our key stays cached throughout (no refetch) and no foreign
// key enters the cache.
func TestForeignKidsCannotCycleCache(t *testing.T) {
	t.Parallel()
	const (
		size     = 2
		interval = albjwt.MinKeyFetchInterval
	)
	clk := newFakeClock()
	cache := newRecordingCache(size)
	f := newFixtureAt(t, clk.Now, func(c *albjwt.Config) {
		c.Cache = cache
		c.KeyFetchBurst = 1
		c.KeyFetchInterval = interval
	})
	f.check(t, f.mint(t, f.lb.Claims(albsim.User{})), "", 1)
	requests := 1
	for range 5 {
		for range 3 * size {
			clk.Advance(interval)
			requests++
			f.check(t, f.forgeWithKid(t, f.foreignKid(t)), albjwt.ReasonBadSignature, requests)
		}
		f.check(t, f.mint(t, f.lb.Claims(albsim.User{})), "", requests)
	}
	if got := cache.Added(); len(got) != 1 || got[0] != f.lb.Key.ID || cache.Len() != 1 {
		t.Fatalf("added %v, len %d; want only our key", got, cache.Len())
	}
}

// TestSingleflightSharesUnprovenKey runs concurrent cold verifications of one
// kid, our real one, half with valid signatures and half forged, behind a
// slow key server: they share one fetch and the fetched, not yet proven key;
// each verifies its own token with it, so the valid ones pass, the forged
// ones fail, and the key ends up cached.
func TestSingleflightSharesUnprovenKey(t *testing.T) {
	t.Parallel()
	lb, err := albsim.New(albsim.Config{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(slowHandler(lb.Keys, 100*time.Millisecond))
	t.Cleanup(srv.Close)
	cache := newRecordingCache(albjwt.DefaultCacheSize)
	v, err := albjwt.New(albjwt.Config{ALBARN: lb.ARN, ClientID: lb.ClientID, Issuer: lb.Issuer, KeyEndpoint: srv.URL, Clock: clock, KeyFetchBurst: 1, Cache: cache})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{lb: lb, srv: srv, v: v}
	valid := f.mint(t, lb.Claims(albsim.User{}))
	forged := f.forgeWithKid(t, lb.Key.ID)
	const n = 32
	var wg sync.WaitGroup
	reasons := make([]string, 2*n)
	for i := range 2 * n {
		tok := valid
		if i%2 == 1 {
			tok = forged
		}
		wg.Go(func() {
			_, err := v.Verify(context.Background(), tok)
			reasons[i] = albjwt.Reason(err)
		})
	}
	wg.Wait()
	for i, r := range reasons {
		want := ""
		if i%2 == 1 {
			want = albjwt.ReasonBadSignature
		}
		if r != want {
			t.Fatalf("verification %d: reason %q, want %q", i, r, want)
		}
	}
	if got := lb.Keys.Requests(); got != 1 {
		t.Errorf("%d concurrent cold verifications made %d fetches, want 1", 2*n, got)
	}
	if _, ok := cache.Get(lb.Key.ID); !ok {
		t.Error("key not cached")
	}
}
