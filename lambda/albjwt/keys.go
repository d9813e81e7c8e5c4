package albjwt

import (
	"bytes"
	"container/list"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
)

// MaxKeySize is the largest key endpoint response body, in bytes, that is read.
const MaxKeySize = 8 << 10

// KeyCache stores proven public keys by kid. Implementations must be safe
// for concurrent use and should be bounded. A fetched key is added only
// after a token naming the configured signer has verified with it, which
// proves that our load balancer signs with it. Fetching and parsing alone
// prove nothing: the key endpoint serves the keys of every load balancer in
// the region, so tokens naming our signer but real kids of other load
// balancers fetch valid keys. Those keys are never added, so such tokens
// cannot cycle a bounded cache and evict our key.
type KeyCache interface {
	// Get returns the key cached for kid.
	Get(kid string) (*ecdsa.PublicKey, bool)
	// Add caches key for kid, evicting another entry if the cache is full.
	Add(kid string, key *ecdsa.PublicKey)
}

// LRUCache is a bounded KeyCache that evicts the least recently used key.
type LRUCache struct {
	mu    sync.Mutex
	max   int
	order *list.List // front = most recently used; values are *lruEntry
	items map[string]*list.Element
}

type lruEntry struct {
	kid string
	key *ecdsa.PublicKey
}

// NewLRUCache returns a cache holding at most size keys (at least one).
func NewLRUCache(size int) *LRUCache {
	if size < 1 {
		size = 1
	}
	return &LRUCache{max: size, order: list.New(), items: make(map[string]*list.Element, size)}
}

// Get implements KeyCache.
func (c *LRUCache) Get(kid string) (*ecdsa.PublicKey, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[kid]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*lruEntry).key, true
}

// Add implements KeyCache.
func (c *LRUCache) Add(kid string, key *ecdsa.PublicKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[kid]; ok {
		el.Value.(*lruEntry).key = key
		c.order.MoveToFront(el)
		return
	}
	c.items[kid] = c.order.PushFront(&lruEntry{kid: kid, key: key})
	for c.order.Len() > c.max {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.items, oldest.Value.(*lruEntry).kid)
	}
}

// Len returns the number of cached keys.
func (c *LRUCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// ParsePublicKeyPEM parses the key endpoint's body: exactly one PEM "PUBLIC
// KEY" block without headers, holding a P-256 ECDSA key as a DER
// SubjectPublicKeyInfo, and nothing else (only whitespace may follow the
// block). RSA keys, other curves, other block types, PEM headers, text
// before or after the block and non-canonical encodings are rejected.
func ParsePublicKeyPEM(data []byte) (*ecdsa.PublicKey, error) {
	if !bytes.HasPrefix(data, []byte("-----BEGIN ")) {
		return nil, errors.New("body does not start with a PEM block")
	}
	block, rest := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM block")
	}
	if block.Type != "PUBLIC KEY" {
		return nil, fmt.Errorf("PEM block type %q, want PUBLIC KEY", block.Type)
	}
	if len(block.Headers) != 0 {
		return nil, errors.New("PEM block has headers")
	}
	if len(bytes.TrimSpace(rest)) != 0 {
		return nil, errors.New("trailing data after PEM block")
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse public key: %w", err)
	}
	key, ok := pub.(*ecdsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("public key is %T, want ECDSA P-256", pub)
	}
	if key.Curve != elliptic.P256() {
		return nil, fmt.Errorf("public key curve is %s, want P-256", key.Curve.Params().Name)
	}
	// One spelling: the DER must be what Go itself writes for this key (an
	// uncompressed point and the named curve).
	if der, err := x509.MarshalPKIXPublicKey(key); err != nil || !bytes.Equal(der, block.Bytes) {
		return nil, errors.New("public key is not in canonical SubjectPublicKeyInfo form")
	}
	return key, nil
}

// key returns the public key for kid from the cache or, on a miss, from the
// key endpoint. cached reports whether it came from the cache, which holds
// only proven keys (see [KeyCache]). A fetched key is returned unproven and
// is not cached here: Verify adds it once a signature has verified with it.
//
// Concurrent misses for one kid share one fetch, and one permission from the
// fetch limiter; each of them verifies its own token with the shared key,
// and the first that verifies caches it. (A miss that arrives after the
// flight has returned but before that is a new flight; the window is one
// signature check long.) The limiter is not consulted on a hit. The fetch is detached from ctx's cancellation (so one impatient
// caller cannot fail the others) but bounded by the fetch timeout; each
// caller stops waiting when its own ctx is done. Failed fetches are not
// cached, but they put the kid in the limiter's penalty box.
//
// A key that fetches but never verifies (another load balancer's key, or a
// forged signature over a real kid) is fetched again by the next token that
// names it, without penalty: that fetch draws from the same bucket as any
// other miss, so it cannot exceed the limiter's bound, and repeating a kid
// gains an attacker nothing over inventing new ones. It is deliberately not
// penalized: anyone can forge a signature over our real kid, so a penalty
// would let them keep our own key out of a cold cache.
func (v *Verifier) key(ctx context.Context, kid string) (k *ecdsa.PublicKey, cached bool, err error) {
	if k, ok := v.cache.Get(kid); ok {
		return k, true, nil
	}
	ch := v.flight.DoChan(kid, func() (any, error) {
		if k, ok := v.cache.Get(kid); ok {
			return flightKey{key: k, cached: true}, nil
		}
		if err := v.limit.allow(kid); err != nil {
			return nil, err
		}
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), v.fetchTimeout)
		defer cancel()
		k, err := v.fetch(fctx, kid)
		if err != nil {
			v.limit.fail(kid)
			return nil, err
		}
		return flightKey{key: k}, nil
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, false, r.Err
		}
		fk := r.Val.(flightKey)
		return fk.key, fk.cached, nil
	case <-ctx.Done():
		return nil, false, unavailable(ReasonKeyCanceled, ctx.Err())
	}
}

// flightKey is the result of a single flight for a kid: a key found in the
// cache (cached, so proven) or a key just fetched (not yet proven).
type flightKey struct {
	key    *ecdsa.PublicKey
	cached bool
}

// fetch downloads and parses the key for kid. kid has been checked to be a
// UUID, so the URL cannot leave the configured endpoint.
func (v *Verifier) fetch(ctx context.Context, kid string) (*ecdsa.PublicKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, v.endpoint+"/"+kid, nil)
	if err != nil {
		return nil, unavailable(ReasonKeyFetch, err)
	}
	resp, err := v.client.Do(req)
	if err != nil {
		return nil, unavailable(ReasonKeyFetch, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		// Drain a little so the connection can be reused.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, MaxKeySize))
		return nil, unavailable(ReasonKeyStatus, fmt.Errorf("key endpoint answered HTTP %d for kid %s", resp.StatusCode, kid))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxKeySize+1))
	if err != nil {
		return nil, unavailable(ReasonKeyFetch, fmt.Errorf("read key %s: %w", kid, err))
	}
	if len(body) > MaxKeySize {
		return nil, unavailable(ReasonKeyTooLarge, fmt.Errorf("key %s is larger than %d bytes", kid, MaxKeySize))
	}
	k, err := ParsePublicKeyPEM(body)
	if err != nil {
		return nil, unavailable(ReasonKeyUnusable, fmt.Errorf("key %s: %w", kid, err))
	}
	return k, nil
}
