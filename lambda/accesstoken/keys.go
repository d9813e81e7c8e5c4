package accesstoken

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/MicahParks/jwkset"
	"golang.org/x/sync/singleflight"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/albjwt"
)

// keySet is one fetched JWKS: kid -> key, or why that kid's key cannot be
// used. It is never modified after it is stored.
type keySet map[string]keyEntry

type keyEntry struct {
	key *rsa.PublicKey
	err error // non-nil: the JWKS lists the kid but its key is unusable
}

// jwks is a user pool's key set as this process knows it: fetched lazily
// from url, kept whole (each fetch replaces it). The verifiers of one pool
// share one jwks (New makes it, Verifier.WithClients passes it on), so they
// share:
//   - the keys: a key fetched for any of them serves all of them;
//   - the fetches: concurrent misses for one kid, through any of them, make
//     one request (fetches is keyed by kid; misses for different kids fetch
//     separately, as within one verifier).
//
// They do not share the bound on fetches: each Verifier has its own
// budget, so tokens with made-up kids sent to one verifier (say, bearer
// tokens on machine paths) cannot use up the fetches another (the site's
// sign-ins) needs for a newly published key.
type jwks struct {
	url          string
	client       *http.Client
	fetchTimeout time.Duration

	// The settings of each verifier's budget (Config.KeyFetchBurst,
	// KeyFetchInterval, KeyFetchPenalty) and its clock.
	fetchBurst    int
	fetchInterval time.Duration
	fetchPenalty  time.Duration
	now           func() time.Time

	keys    atomic.Pointer[keySet] // the last JWKS fetched; nil before the first
	fetches singleflight.Group     // kid -> the fetch under way for it
}

// budget is one Verifier's bound on JWKS fetches: its own limiter, and its
// own single flight per kid so that concurrent misses for one kid through
// this verifier take one permission between them. It is never shared
// between verifiers.
type budget struct {
	limit  *albjwt.FetchLimiter
	flight singleflight.Group
}

func (v *jwks) newBudget() *budget {
	return &budget{limit: albjwt.NewFetchLimiter(v.fetchBurst, v.fetchInterval, v.fetchPenalty, v.now)}
}

// key returns the RSA key for kid: from the last fetched JWKS if it lists
// a usable key for kid, else from a new fetch (so a kid whose key was
// unusable is fetched again once its penalty is over, in case the JWKS was
// fixed). A known kid never consults b. On a miss, b decides alone whether
// this verifier may fetch: concurrent misses for one kid through this
// verifier share one permission from b.limit, and a kid that failed is
// penalized in b.limit only. A permitted miss then joins the pool-wide fetch
// for kid if another verifier's is under way, so each verifier pays for its
// own misses while the request is made once; a refused miss makes no
// request and never fails another verifier's. The fetch is detached from
// ctx's cancellation (one impatient caller cannot fail the others) but
// bounded by the fetch timeout; each caller stops waiting when its own ctx
// is done.
func (v *jwks) key(ctx context.Context, b *budget, kid string) (*rsa.PublicKey, error) {
	if e, ok := v.lookup(kid); ok && e.err == nil {
		return e.key, nil
	}
	ch := b.flight.DoChan(kid, func() (any, error) {
		if e, ok := v.lookup(kid); ok && e.err == nil { // another flight fetched it
			return e, nil
		}
		if err := b.limit.Allow(kid); err != nil {
			return nil, err
		}
		e, err := v.fetchKID(ctx, kid)
		if err != nil || e.err != nil {
			b.limit.Fail(kid)
		}
		return e, err
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(keyEntry).use()
	case <-ctx.Done():
		return nil, unavailable(albjwt.ReasonKeyCanceled, ctx.Err())
	}
}

// fetchKID fetches the JWKS, stores it and returns its entry for kid,
// sharing the request with every verifier of the pool that misses kid at
// the same time. Its callers have each been allowed by their own budget. It
// blocks for at most the fetch timeout.
func (v *jwks) fetchKID(ctx context.Context, kid string) (keyEntry, error) {
	r, err, _ := v.fetches.Do(kid, func() (any, error) {
		// A fetch for kid that just finished (the caller's lookup came
		// before it stored its set) is not repeated.
		if e, ok := v.lookup(kid); ok && e.err == nil {
			return e, nil
		}
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), v.fetchTimeout)
		defer cancel()
		set, err := v.fetch(fctx)
		if err != nil {
			return nil, err
		}
		v.keys.Store(&set)
		e, ok := set[kid]
		if !ok {
			return nil, invalid(ReasonUnknownKID, nil)
		}
		return e, nil
	})
	if err != nil {
		return keyEntry{}, err
	}
	return r.(keyEntry), nil
}

func (v *jwks) lookup(kid string) (keyEntry, bool) {
	set := v.keys.Load()
	if set == nil {
		return keyEntry{}, false
	}
	e, ok := (*set)[kid]
	return e, ok
}

func (e keyEntry) use() (*rsa.PublicKey, error) {
	if e.err != nil {
		return nil, unavailable(albjwt.ReasonKeyUnusable, e.err)
	}
	return e.key, nil
}

// fetch downloads and parses the JWKS.
func (v *jwks) fetch(ctx context.Context) (keySet, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, v.url, nil)
	if err != nil {
		return nil, unavailable(albjwt.ReasonKeyFetch, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := v.client.Do(req)
	if err != nil {
		return nil, unavailable(albjwt.ReasonKeyFetch, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, MaxJWKSSize))
		return nil, unavailable(albjwt.ReasonKeyStatus, fmt.Errorf("JWKS endpoint answered HTTP %d", resp.StatusCode))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxJWKSSize+1))
	if err != nil {
		return nil, unavailable(albjwt.ReasonKeyFetch, fmt.Errorf("read JWKS: %w", err))
	}
	if len(body) > MaxJWKSSize {
		return nil, unavailable(albjwt.ReasonKeyTooLarge, fmt.Errorf("JWKS is larger than %d bytes", MaxJWKSSize))
	}
	set, err := parseJWKS(body)
	if err != nil {
		return nil, unavailable(albjwt.ReasonKeyUnusable, err)
	}
	return set, nil
}

// parseJWKS parses a JWK Set (RFC 7517 §5) into usable RS256 keys by kid.
// The set must be a JSON object whose keys member is an array of at most 64
// objects. A key is usable when kty is RSA, the modulus has at least
// MinRSABits (and at most 8192) bits, the exponent is odd and at least 3,
// use is "sig" and alg is "RS256" when present, and it carries no private
// parameters. An unusable key, or a kid listed twice, is recorded as
// unusable rather than failing the whole set, so one odd key (say, a
// future EC key) does not stop the others from working; a token naming it
// fails with ErrKeyUnavailable. Keys without a kid are ignored.
func parseJWKS(data []byte) (keySet, error) {
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, errors.New("JWKS is not a JSON object with a keys array")
	}
	if doc.Keys == nil {
		return nil, errors.New("JWKS has no keys array")
	}
	if len(doc.Keys) > maxKeys {
		return nil, fmt.Errorf("JWKS has more than %d keys", maxKeys)
	}
	set := make(keySet, len(doc.Keys))
	for _, raw := range doc.Keys {
		var meta struct {
			KID string `json:"kid"`
		}
		if err := json.Unmarshal(raw, &meta); err != nil || meta.KID == "" {
			continue
		}
		if _, dup := set[meta.KID]; dup {
			set[meta.KID] = keyEntry{err: errors.New("kid listed twice in the JWKS")}
			continue
		}
		key, err := parseJWK(raw)
		set[meta.KID] = keyEntry{key: key, err: err}
	}
	return set, nil
}

// parseJWK turns one JWK into an RSA public key usable for RS256.
func parseJWK(raw json.RawMessage) (*rsa.PublicKey, error) {
	var meta struct {
		KTY string `json:"kty"`
		USE string `json:"use"`
		ALG string `json:"alg"`
		E   string `json:"e"`
		D   string `json:"d"`
		K   string `json:"k"`
	}
	if err := json.Unmarshal(raw, &meta); err != nil {
		return nil, errors.New("JWK is not a JSON object of strings")
	}
	switch {
	case meta.KTY != "RSA":
		return nil, fmt.Errorf("JWK kty is %q, want RSA", meta.KTY)
	case meta.USE != "" && meta.USE != "sig":
		return nil, fmt.Errorf("JWK use is %q, want sig", meta.USE)
	case meta.ALG != "" && meta.ALG != "RS256":
		return nil, fmt.Errorf("JWK alg is %q, want RS256", meta.ALG)
	case meta.D != "" || meta.K != "":
		return nil, errors.New("JWK holds private key material")
	case len(meta.E) > 6: // 4 bytes; jwkset would silently truncate a longer one
		return nil, errors.New("RSA exponent is longer than 32 bits")
	}
	jwk, err := jwkset.NewJWKFromRawJSON(raw, jwkset.JWKMarshalOptions{}, jwkset.JWKValidateOptions{})
	if err != nil {
		return nil, fmt.Errorf("JWK: %w", err)
	}
	key, ok := jwk.Key().(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("JWK key is %T, want an RSA public key", jwk.Key())
	}
	if bits := key.N.BitLen(); bits < MinRSABits || bits > maxRSABits {
		return nil, fmt.Errorf("RSA key has %d bits, want %d to %d", bits, MinRSABits, maxRSABits)
	}
	if key.E < 3 || key.E%2 == 0 {
		return nil, fmt.Errorf("RSA exponent %d is not an odd number of at least 3", key.E)
	}
	return key, nil
}
