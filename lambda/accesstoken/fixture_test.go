package accesstoken_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/accesstoken"
)

const (
	testIssuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123"
	// testIssuerUpdated is the same pool's issuer when its
	// IssuerConfiguration is UPDATED.
	testIssuerUpdated = "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123"
	testClient        = "3n4b5urk1ft4fl3mg5e62d9ado"
	// testResource is the site's resource server (resourceServerId).
	testResource = "https://app.example.com"
	testSub      = "8a4b7f2e-1c3d-4e5f-9a0b-1c2d3e4f5a6b"
	kidA         = "1dvd8nIkyQ0Lc0WBLIRNcyOm+YStO+p1l8kGRR0HgBY="
	kidB         = "Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg="
)

// testNow is the fixed start of every fixture's clock; it has a fraction
// of a second so that fractional NumericDates matter.
var testNow = time.Date(2030, 1, 2, 3, 4, 5, 250_000_000, time.UTC)

// Keys are generated once per test binary: RSA generation is slow.
var (
	keysOnce           sync.Once
	keyA, keyB, keyOld *rsa.PrivateKey // keyOld is 1024 bits
	keyEC              *ecdsa.PrivateKey
)

// keys generates the test keys once; the argument is unused, so that an
// Example can call keys(nil).
func keys(testing.TB) {
	keysOnce.Do(func() {
		var err error
		if keyA, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if keyB, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if keyOld, err = rsa.GenerateKey(rand.Reader, 1024); err != nil {
			panic(err)
		}
		if keyEC, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			panic(err)
		}
	})
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// rsaJWK is the JWK of pub as Cognito publishes it.
func rsaJWK(kid string, pub *rsa.PublicKey) map[string]any {
	return map[string]any{
		"alg": "RS256", "e": b64(big.NewInt(int64(pub.E)).Bytes()), "kid": kid,
		"kty": "RSA", "n": b64(pub.N.Bytes()), "use": "sig",
	}
}

func jwksJSON(keys ...map[string]any) []byte {
	b, err := json.Marshal(map[string]any{"keys": keys})
	if err != nil {
		panic(err)
	}
	return b
}

// jwksServer serves a JWKS whose body, status and delay a test can change,
// and counts requests, and the requests it has finished with.
type jwksServer struct {
	*httptest.Server
	mu       sync.Mutex
	body     []byte
	status   int
	delay    time.Duration
	hits     atomic.Int64
	answered atomic.Int64
	// release ends every delay: closed when the test ends, so that a
	// request still delayed does not hold up the server's Close.
	release chan struct{}
}

func newJWKSServer(t testing.TB, body []byte) *jwksServer {
	s := &jwksServer{body: body, status: http.StatusOK, release: make(chan struct{})}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		defer s.answered.Add(1)
		s.mu.Lock()
		body, status, delay := s.body, s.status, s.delay
		s.mu.Unlock()
		if delay > 0 {
			select {
			case <-time.After(delay):
			case <-s.release:
			case <-r.Context().Done():
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	t.Cleanup(s.Close)
	t.Cleanup(func() { close(s.release) }) // runs first
	return s
}

func (s *jwksServer) set(status int, body []byte, delay time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status, s.body, s.delay = status, body, delay
}

// clock is a settable clock.
type clock struct{ ns atomic.Int64 }

func newClock(t time.Time) *clock {
	c := &clock{}
	c.ns.Store(t.UnixNano())
	return c
}

func (c *clock) Now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) Advance(d time.Duration) { c.ns.Add(int64(d)) }
func (c *clock) Set(t time.Time)         { c.ns.Store(t.UnixNano()) }

type fixture struct {
	jwks  *jwksServer
	clock *clock
	v     *accesstoken.Verifier
}

// newFixture serves keyA as kidA and returns a verifier for it; mod may
// adjust the config.
func newFixture(t testing.TB, mod func(*accesstoken.Config)) *fixture {
	t.Helper()
	keys(t)
	f := &fixture{jwks: newJWKSServer(t, jwksJSON(rsaJWK(kidA, &keyA.PublicKey))), clock: newClock(testNow)}
	cfg := accesstoken.Config{
		Issuer:     testIssuer,
		ClientIDs:  []string{testClient, "otherclientofours"},
		JWKSURL:    f.jwks.URL + "/eu-west-1_AbC123/.well-known/jwks.json",
		HTTPClient: &http.Client{Timeout: 2 * time.Second},
		Clock:      f.clock.Now,
	}
	if mod != nil {
		mod(&cfg)
	}
	v, err := accesstoken.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.v = v
	return f
}

// claims returns the payload of a typical Cognito access token issued a
// minute before testNow and valid for an hour.
func claims() map[string]any {
	now := testNow.Unix()
	return map[string]any{
		"sub":            testSub,
		"cognito:groups": []any{"admin", "ops"},
		"iss":            testIssuer,
		"version":        2,
		"client_id":      testClient,
		"origin_jti":     "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
		"event_id":       "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
		"token_use":      "access",
		"scope":          "openid email api.example.com/admin",
		"auth_time":      now - 60,
		"exp":            now + 3600,
		"iat":            now - 60,
		"jti":            "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a",
		"username":       "alice",
	}
}

func header(kid string) map[string]any { return map[string]any{"kid": kid, "alg": "RS256"} }

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// signingInput encodes header and payload JSON text as sent.
func signingInput(headerJSON, payloadJSON string) string {
	return b64([]byte(headerJSON)) + "." + b64([]byte(payloadJSON))
}

// rs256 signs input with key.
func rs256(key *rsa.PrivateKey, input string) string {
	h := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, h[:])
	if err != nil {
		panic(err)
	}
	return b64(sig)
}

// signRaw returns header.payload.signature over the given JSON texts.
func signRaw(key *rsa.PrivateKey, headerJSON, payloadJSON string) string {
	in := signingInput(headerJSON, payloadJSON)
	return in + "." + rs256(key, in)
}

// mint returns a token signed with key for the given header and claims.
func mint(key *rsa.PrivateKey, hdr, payload map[string]any) string {
	return signRaw(key, mustJSON(hdr), mustJSON(payload))
}

// with returns claims() changed by mod.
func with(mod func(map[string]any)) map[string]any {
	c := claims()
	mod(c)
	return c
}

func hs256(secret []byte, input string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(input))
	return b64(m.Sum(nil))
}

func rs384(key *rsa.PrivateKey, input string) string {
	h := sha512.Sum384([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA384, h[:])
	if err != nil {
		panic(err)
	}
	return b64(sig)
}

func ps256(key *rsa.PrivateKey, input string) string {
	h := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPSS(rand.Reader, key, crypto.SHA256, h[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	if err != nil {
		panic(err)
	}
	return b64(sig)
}

func es256(key *ecdsa.PrivateKey, input string) string {
	h := sha256.Sum256([]byte(input))
	r, s, err := ecdsa.Sign(rand.Reader, key, h[:])
	if err != nil {
		panic(err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return b64(sig)
}
