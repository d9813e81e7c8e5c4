package albjwt_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albjwt"
)

// testNow is the fixed time every fixture's clock returns.
var testNow = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

func clock() time.Time { return testNow }

type fixture struct {
	lb  *albsim.LoadBalancer
	srv *httptest.Server
	v   *albjwt.Verifier
}

// newFixture starts a key server for a fresh simulated load balancer and a
// verifier pointed at it; mod may adjust the verifier's config.
func newFixture(t testing.TB, mod func(*albjwt.Config)) *fixture {
	t.Helper()
	return newFixtureAt(t, clock, mod)
}

// newFixtureAt is newFixture with now as the clock of both the load balancer
// and the verifier.
func newFixtureAt(t testing.TB, now func() time.Time, mod func(*albjwt.Config)) *fixture {
	t.Helper()
	lb, err := albsim.New(albsim.Config{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(lb.Keys)
	t.Cleanup(srv.Close)
	cfg := albjwt.Config{
		ALBARN:      lb.ARN,
		ClientID:    lb.ClientID,
		Issuer:      lb.Issuer,
		KeyEndpoint: srv.URL,
		Clock:       now,
		HTTPClient:  &http.Client{Timeout: 2 * time.Second},
	}
	if mod != nil {
		mod(&cfg)
	}
	v, err := albjwt.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{lb: lb, srv: srv, v: v}
}

func (f *fixture) mint(t testing.TB, claims map[string]any, opts ...albsim.Option) string {
	t.Helper()
	tok, err := f.lb.Mint(claims, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// paddedClaims returns user claims whose encoded payload ends in "=", so that
// stripping padding changes the signed text.
func (f *fixture) paddedClaims(t testing.TB) map[string]any {
	t.Helper()
	for n := 0; n < 3; n++ {
		c := f.lb.Claims(albsim.User{})
		c["pad"] = strings.Repeat("x", n)
		parts := strings.Split(f.mint(t, c), ".")
		if strings.HasSuffix(parts[1], "=") {
			return c
		}
	}
	t.Fatal("could not produce a padded payload")
	return nil
}

func seg(b []byte) string { return base64.URLEncoding.EncodeToString(b) }

var (
	rsaOnce sync.Once
	rsaPEM  []byte
)

func rsaKeyPEM(t testing.TB) []byte {
	rsaOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		rsaPEM = albsim.PublicKeyPEM(&k.PublicKey)
	})
	return rsaPEM
}

func newUUID(t testing.TB) string {
	t.Helper()
	id, err := albsim.NewUUID()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// serveAs makes a fresh kid serve body and returns a mint option using it.
func (f *fixture) serveAs(t testing.TB, body []byte) albsim.Option {
	kid := newUUID(t)
	f.lb.Keys.Serve(kid, body)
	return albsim.WithHeader("kid", kid)
}

type verifyCase struct {
	name    string
	token   func(t *testing.T, f *fixture) string
	kind    error // nil: accepted
	reason  string
	fetches int // requests the key server must see
}

func verifyCases() []verifyCase {
	user := func(f *fixture) map[string]any { return f.lb.Claims(albsim.User{}) }
	minted := func(opts ...albsim.Option) func(*testing.T, *fixture) string {
		return func(t *testing.T, f *fixture) string { return f.mint(t, user(f), opts...) }
	}
	withClaim := func(name string, value any) func(*testing.T, *fixture) string {
		return func(t *testing.T, f *fixture) string {
			c := user(f)
			if value == nil {
				delete(c, name)
			} else {
				c[name] = value
			}
			return f.mint(t, c)
		}
	}
	sig := func(f func(in []byte) []byte) albsim.Option { return albsim.WithSignature(f) }
	inv, unav := albjwt.ErrInvalidToken, albjwt.ErrKeyUnavailable
	otherARN := "arn:aws:elasticloadbalancing:eu-west-1:999999999999:loadbalancer/app/evil/0123456789abcdef"

	return []verifyCase{
		{name: "valid", token: minted(), fetches: 1},
		{name: "valid cognito:username", token: func(t *testing.T, f *fixture) string {
			c := user(f)
			delete(c, "username")
			c["cognito:username"] = "bob"
			return f.mint(t, c)
		}, fetches: 1},
		{name: "valid signed unpadded", token: minted(albsim.WithoutPadding()), fetches: 1},

		// Algorithm confusion: rejected before any fetch.
		// An unsigned token (empty signature) is malformed before its alg is read.
		{name: "alg none", token: minted(albsim.WithHeader("alg", "none"), sig(func([]byte) []byte { return nil })), kind: inv, reason: albjwt.ReasonMalformed},
		{name: "alg none with a signature", token: minted(albsim.WithHeader("alg", "none")), kind: inv, reason: albjwt.ReasonBadAlg},
		{name: "alg HS256 keyed with PEM", token: func(t *testing.T, f *fixture) string {
			return f.mint(t, user(f), albsim.WithHeader("alg", "HS256"), sig(func(in []byte) []byte {
				m := hmac.New(sha256.New, f.lb.Key.PublicKeyPEM())
				m.Write(in)
				return m.Sum(nil)
			}))
		}, kind: inv, reason: albjwt.ReasonBadAlg},
		{name: "alg RS256 label", token: minted(albsim.WithHeader("alg", "RS256")), kind: inv, reason: albjwt.ReasonBadAlg},
		{name: "alg ES384 label", token: minted(albsim.WithHeader("alg", "ES384")), kind: inv, reason: albjwt.ReasonBadAlg},
		{name: "alg lower case", token: minted(albsim.WithHeader("alg", "es256")), kind: inv, reason: albjwt.ReasonBadAlg},
		{name: "alg missing", token: minted(albsim.WithoutHeader("alg")), kind: inv, reason: albjwt.ReasonMalformed},

		// Signature problems: the header is fine, so the key is fetched once.
		{name: "tampered payload", token: func(t *testing.T, f *fixture) string {
			good := strings.Split(f.mint(t, user(f)), ".")
			evil := strings.Split(f.mint(t, f.lb.Claims(albsim.User{Sub: "admin", Username: "admin"})), ".")
			return good[0] + "." + evil[1] + "." + good[2]
		}, kind: inv, reason: albjwt.ReasonBadSignature, fetches: 1},
		{name: "signature 63 bytes", token: func(t *testing.T, f *fixture) string {
			return f.mint(t, user(f), sig(func(in []byte) []byte {
				s, _ := albsim.SignES256(f.lb.Key.Private, in)
				return s[:63]
			}))
		}, kind: inv, reason: albjwt.ReasonBadSignature, fetches: 1},
		{name: "signature 65 bytes", token: func(t *testing.T, f *fixture) string {
			return f.mint(t, user(f), sig(func(in []byte) []byte {
				s, _ := albsim.SignES256(f.lb.Key.Private, in)
				return append(s, 0)
			}))
		}, kind: inv, reason: albjwt.ReasonBadSignature, fetches: 1},
		{name: "signature DER encoded", token: func(t *testing.T, f *fixture) string {
			return f.mint(t, user(f), sig(func(in []byte) []byte {
				sum := sha256.Sum256(in)
				s, _ := ecdsa.SignASN1(rand.Reader, f.lb.Key.Private, sum[:])
				return s
			}))
		}, kind: inv, reason: albjwt.ReasonBadSignature, fetches: 1},
		{name: "signature zero", token: minted(sig(func([]byte) []byte { return make([]byte, 64) })), kind: inv, reason: albjwt.ReasonBadSignature, fetches: 1},
		{name: "signed by another key", token: func(t *testing.T, f *fixture) string {
			other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			return f.mint(t, user(f), albsim.WithSigningKey(other))
		}, kind: inv, reason: albjwt.ReasonBadSignature, fetches: 1},
		{name: "padding stripped", token: func(t *testing.T, f *fixture) string {
			return strings.ReplaceAll(f.mint(t, f.paddedClaims(t)), "=", "")
		}, kind: inv, reason: albjwt.ReasonBadSignature, fetches: 1},

		// Signer (ALBeast): checked first, no fetch.
		{name: "signer other ALB", token: minted(albsim.WithHeader("signer", otherARN)), kind: inv, reason: albjwt.ReasonSignerMismatch},
		{name: "signer missing", token: minted(albsim.WithoutHeader("signer")), kind: inv, reason: albjwt.ReasonSignerMismatch},
		{name: "signer prefix of real", token: func(t *testing.T, f *fixture) string {
			return f.mint(t, user(f), albsim.WithHeader("signer", f.lb.ARN[:len(f.lb.ARN)-1]))
		}, kind: inv, reason: albjwt.ReasonSignerMismatch},
		{name: "signer real plus suffix", token: func(t *testing.T, f *fixture) string {
			return f.mint(t, user(f), albsim.WithHeader("signer", f.lb.ARN+"/x"))
		}, kind: inv, reason: albjwt.ReasonSignerMismatch},
		{name: "signer upper case", token: func(t *testing.T, f *fixture) string {
			return f.mint(t, user(f), albsim.WithHeader("signer", strings.ToUpper(f.lb.ARN)))
		}, kind: inv, reason: albjwt.ReasonSignerMismatch},
		{name: "signer array", token: func(t *testing.T, f *fixture) string {
			return f.mint(t, user(f), albsim.WithHeader("signer", []string{f.lb.ARN}))
		}, kind: inv, reason: albjwt.ReasonSignerMismatch},

		{name: "client mismatch", token: minted(albsim.WithHeader("client", "someoneelse")), kind: inv, reason: albjwt.ReasonClientMismatch},
		{name: "client missing", token: minted(albsim.WithoutHeader("client")), kind: inv, reason: albjwt.ReasonClientMismatch},
		{name: "issuer mismatch", token: minted(albsim.WithHeader("iss", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Evil")), kind: inv, reason: albjwt.ReasonIssuerMismatch},
		{name: "issuer trailing slash", token: func(t *testing.T, f *fixture) string {
			return f.mint(t, user(f), albsim.WithHeader("iss", f.lb.Issuer+"/"))
		}, kind: inv, reason: albjwt.ReasonIssuerMismatch},
		{name: "issuer missing", token: minted(albsim.WithoutHeader("iss")), kind: inv, reason: albjwt.ReasonIssuerMismatch},
		{name: "payload issuer mismatch", token: withClaim("iss", "https://evil.example.com"), kind: inv, reason: albjwt.ReasonIssuerMismatch, fetches: 1},

		// Expiry.
		{name: "header exp expired", token: minted(albsim.WithHeader("exp", testNow.Add(-time.Second).Unix())), kind: inv, reason: albjwt.ReasonExpired},
		{name: "header exp now", token: minted(albsim.WithHeader("exp", testNow.Unix())), kind: inv, reason: albjwt.ReasonExpired},
		{name: "header exp missing", token: minted(albsim.WithoutHeader("exp")), kind: inv, reason: albjwt.ReasonExpMissing},
		{name: "header exp string", token: minted(albsim.WithHeader("exp", "4102444800")), kind: inv, reason: albjwt.ReasonExpInvalid},
		{name: "header exp huge", token: minted(albsim.WithHeader("exp", 1e300)), kind: inv, reason: albjwt.ReasonExpInvalid},
		{name: "payload exp expired", token: withClaim("exp", testNow.Add(-time.Minute).Unix()), kind: inv, reason: albjwt.ReasonExpired, fetches: 1},
		{name: "payload exp zero", token: withClaim("exp", 0), kind: inv, reason: albjwt.ReasonExpired, fetches: 1},
		{name: "payload exp string", token: withClaim("exp", "4102444800"), kind: inv, reason: albjwt.ReasonBadClaims},
		{name: "payload nbf future", token: withClaim("nbf", testNow.Add(time.Hour).Unix()), kind: inv, reason: albjwt.ReasonNotYetValid, fetches: 1},
		{name: "payload sub missing", token: withClaim("sub", nil), kind: inv, reason: albjwt.ReasonNoSubject, fetches: 1},
		{name: "payload sub number", token: withClaim("sub", 42), kind: inv, reason: albjwt.ReasonBadClaims},

		// kid: only a UUID may reach the key URL.
		{name: "kid malformed", token: minted(albsim.WithHeader("kid", "abc")), kind: inv, reason: albjwt.ReasonBadKID},
		{name: "kid traversal", token: minted(albsim.WithHeader("kid", "../../x")), kind: inv, reason: albjwt.ReasonBadKID},
		{name: "kid traversal UUID length", token: minted(albsim.WithHeader("kid", "../../../../../../../../../../../etc")), kind: inv, reason: albjwt.ReasonBadKID},
		{name: "kid URL", token: minted(albsim.WithHeader("kid", "http://169.254.169.254/latest")), kind: inv, reason: albjwt.ReasonBadKID},
		{name: "kid UUID with encoded slash", token: minted(albsim.WithHeader("kid", "00000000-0000-0000-0000-%2f000000000")), kind: inv, reason: albjwt.ReasonBadKID},
		{name: "kid missing", token: minted(albsim.WithoutHeader("kid")), kind: inv, reason: albjwt.ReasonBadKID},
		{name: "kid number", token: minted(albsim.WithHeader("kid", 7)), kind: inv, reason: albjwt.ReasonMalformed},

		// The key endpoint: any failure is ErrKeyUnavailable.
		{name: "unknown kid 404", token: func(t *testing.T, f *fixture) string {
			return f.mint(t, user(f), albsim.WithHeader("kid", newUUID(t)))
		}, kind: unav, reason: albjwt.ReasonKeyStatus, fetches: 1},
		{name: "RSA key served", token: func(t *testing.T, f *fixture) string {
			return f.mint(t, user(f), f.serveAs(t, rsaKeyPEM(t)))
		}, kind: unav, reason: albjwt.ReasonKeyUnusable, fetches: 1},
		{name: "P-384 key served", token: func(t *testing.T, f *fixture) string {
			k, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
			return f.mint(t, user(f), f.serveAs(t, albsim.PublicKeyPEM(&k.PublicKey)))
		}, kind: unav, reason: albjwt.ReasonKeyUnusable, fetches: 1},
		{name: "garbage key served", token: func(t *testing.T, f *fixture) string {
			return f.mint(t, user(f), f.serveAs(t, []byte("<html>not a key</html>")))
		}, kind: unav, reason: albjwt.ReasonKeyUnusable, fetches: 1},
		{name: "key with trailing data", token: func(t *testing.T, f *fixture) string {
			body := append(f.lb.Key.PublicKeyPEM(), "junk"...)
			return f.mint(t, user(f), f.serveAs(t, body))
		}, kind: unav, reason: albjwt.ReasonKeyUnusable, fetches: 1},
		{name: "key PEM type certificate", token: func(t *testing.T, f *fixture) string {
			body := strings.Replace(string(f.lb.Key.PublicKeyPEM()), "PUBLIC KEY", "CERTIFICATE", 2)
			return f.mint(t, user(f), f.serveAs(t, []byte(body)))
		}, kind: unav, reason: albjwt.ReasonKeyUnusable, fetches: 1},
		{name: "key oversize", token: func(t *testing.T, f *fixture) string {
			body := append(f.lb.Key.PublicKeyPEM(), strings.Repeat("\n", albjwt.MaxKeySize)...)
			return f.mint(t, user(f), f.serveAs(t, body))
		}, kind: unav, reason: albjwt.ReasonKeyTooLarge, fetches: 1},

		// Shape.
		{name: "empty", token: func(*testing.T, *fixture) string { return "" }, kind: inv, reason: albjwt.ReasonMissing},
		{name: "oversize token", token: withClaim("filler", strings.Repeat("a", albjwt.MaxTokenSize)), kind: inv, reason: albjwt.ReasonTooLarge},
		{name: "two segments", token: func(t *testing.T, f *fixture) string {
			p := strings.Split(f.mint(t, user(f)), ".")
			return p[0] + "." + p[1]
		}, kind: inv, reason: albjwt.ReasonMalformed},
		{name: "four segments", token: func(t *testing.T, f *fixture) string {
			return f.mint(t, user(f)) + ".AAAA"
		}, kind: inv, reason: albjwt.ReasonMalformed},
		{name: "header not base64", token: func(t *testing.T, f *fixture) string {
			p := strings.Split(f.mint(t, user(f)), ".")
			return "!!!!." + p[1] + "." + p[2]
		}, kind: inv, reason: albjwt.ReasonMalformed},
		{name: "header not JSON", token: func(t *testing.T, f *fixture) string {
			p := strings.Split(f.mint(t, user(f)), ".")
			return seg([]byte("not json")) + "." + p[1] + "." + p[2]
		}, kind: inv, reason: albjwt.ReasonMalformed},
		{name: "payload not JSON object", token: func(t *testing.T, f *fixture) string {
			p := strings.Split(f.mint(t, user(f)), ".")
			return p[0] + "." + seg([]byte(`["sub"]`)) + "." + p[2]
		}, kind: inv, reason: albjwt.ReasonMalformed},
	}
}

// TestVerifyMatrix runs every hostile token, plus valid ones, against a fresh
// load balancer and key server each, and checks the verdict, the reason and
// how many times the key endpoint was called.
func TestVerifyMatrix(t *testing.T) {
	t.Parallel()
	cases := verifyCases()
	if len(cases) < 26 {
		t.Fatalf("only %d cases", len(cases))
	}
	runCases(t, cases)
}

// runCases runs each case against a fresh load balancer and key server.
func runCases(t *testing.T, cases []verifyCase) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, nil)
			tok := tc.token(t, f)
			claims, err := f.v.Verify(context.Background(), tok)
			if got := f.lb.Keys.Requests(); got != tc.fetches {
				t.Errorf("key server saw %d requests, want %d", got, tc.fetches)
			}
			if tc.kind == nil {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if claims.Subject == "" || claims.Signer != f.lb.ARN || claims.KeyID != f.lb.Key.ID {
					t.Errorf("claims = %+v", claims)
				}
				return
			}
			if err == nil {
				t.Fatalf("Verify accepted a hostile token: %+v", claims)
			}
			if claims != nil {
				t.Errorf("claims returned with error")
			}
			other := albjwt.ErrKeyUnavailable
			if tc.kind == albjwt.ErrKeyUnavailable {
				other = albjwt.ErrInvalidToken
			}
			if !errors.Is(err, tc.kind) || errors.Is(err, other) {
				t.Errorf("err = %v, want kind %v", err, tc.kind)
			}
			if got := albjwt.Reason(err); got != tc.reason {
				t.Errorf("reason = %q, want %q (err %v)", got, tc.reason, err)
			}
			if len(tok) > 20 && strings.Contains(err.Error(), tok) {
				t.Errorf("error message contains the token")
			}
		})
	}
}

func TestMintedTokenKeepsPadding(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	tok := f.mint(t, f.paddedClaims(t))
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || !strings.HasSuffix(parts[1], "=") || !strings.HasSuffix(parts[2], "==") {
		t.Fatalf("token segments not padded: %q", tok)
	}
	if _, err := f.v.Verify(context.Background(), tok); err != nil {
		t.Fatalf("padded token rejected: %v", err)
	}
}

func TestVerifyClaims(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.lb.Claims(albsim.User{Sub: "sub-1", Username: "ann", Email: "ann@example.com"})
	c["custom:team"] = "blue"
	got, err := f.v.Verify(context.Background(), f.mint(t, c))
	if err != nil {
		t.Fatal(err)
	}
	if got.Subject != "sub-1" || got.Username != "ann" || got.Email != "ann@example.com" {
		t.Errorf("claims = %+v", got)
	}
	// The token's own exp, not a fresh lb.Expiry(), which differs once a
	// second boundary passes between minting and checking.
	if want := time.Unix(c["exp"].(int64), 0); !got.ExpiresAt.Equal(want) {
		t.Errorf("ExpiresAt = %v, want %v", got.ExpiresAt, want)
	}
	if got.All["custom:team"] != "blue" || got.All["exp"] == nil {
		t.Errorf("All = %v", got.All)
	}
}

func TestLeeway(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(c *albjwt.Config) { c.Leeway = 30 * time.Second })
	for _, tc := range []struct {
		age time.Duration
		ok  bool
	}{{-time.Second, true}, {29 * time.Second, true}, {30 * time.Second, false}, {time.Hour, false}} {
		exp := testNow.Add(-tc.age).Unix()
		c := f.lb.Claims(albsim.User{})
		c["exp"] = exp
		_, err := f.v.Verify(context.Background(), f.mint(t, c, albsim.WithHeader("exp", exp)))
		if (err == nil) != tc.ok {
			t.Errorf("expired %v ago: err = %v, want ok=%v", tc.age, err, tc.ok)
		}
	}
}

func TestHangingEndpoint(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(hang.Close)
	t.Cleanup(func() { close(release) })

	const timeout = 200 * time.Millisecond
	f := newFixture(t, func(c *albjwt.Config) {
		c.KeyEndpoint = hang.URL
		c.HTTPClient = &http.Client{Timeout: timeout}
	})
	start := time.Now()
	_, err := f.v.Verify(context.Background(), f.mint(t, f.lb.Claims(albsim.User{})))
	elapsed := time.Since(start)
	if !errors.Is(err, albjwt.ErrKeyUnavailable) || albjwt.Reason(err) != albjwt.ReasonKeyFetch {
		t.Fatalf("err = %v, want ErrKeyUnavailable/%s", err, albjwt.ReasonKeyFetch)
	}
	if elapsed > timeout+2*time.Second {
		t.Errorf("took %v with a %v client timeout", elapsed, timeout)
	}
}

// TestCallerDeadline: a caller whose deadline passes stops waiting for a
// fetch that hangs. The key endpoint answers only when the test ends, and the
// client would wait a minute, so a Verify that returns before the endpoint
// has finished any request stopped because of its own deadline, however
// slowly the machine runs (no bound on the elapsed time, which a loaded
// machine can exceed).
func TestCallerDeadline(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var finished atomic.Int64
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer finished.Add(1)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(hang.Close)
	t.Cleanup(func() { close(release) })
	f := newFixture(t, func(c *albjwt.Config) {
		c.KeyEndpoint = hang.URL
		c.HTTPClient = &http.Client{Timeout: time.Minute}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := f.v.Verify(ctx, f.mint(t, f.lb.Claims(albsim.User{})))
	if !errors.Is(err, albjwt.ErrKeyUnavailable) || albjwt.Reason(err) != albjwt.ReasonKeyCanceled {
		t.Fatalf("err = %v", err)
	}
	if n := finished.Load(); n != 0 {
		t.Errorf("Verify returned only after the key endpoint had finished %d request(s)", n)
	}
}

func TestRedirectNotFollowed(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	redirect := httptest.NewServer(http.RedirectHandler(f.srv.URL+"/"+f.lb.Key.ID, http.StatusFound))
	t.Cleanup(redirect.Close)
	v, err := albjwt.New(albjwt.Config{ALBARN: f.lb.ARN, ClientID: f.lb.ClientID, Issuer: f.lb.Issuer, KeyEndpoint: redirect.URL, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	_, err = v.Verify(context.Background(), f.mint(t, f.lb.Claims(albsim.User{})))
	if !errors.Is(err, albjwt.ErrKeyUnavailable) || albjwt.Reason(err) != albjwt.ReasonKeyStatus {
		t.Fatalf("err = %v", err)
	}
	if n := f.lb.Keys.Requests(); n != 0 {
		t.Errorf("redirect followed: key server saw %d requests", n)
	}
}

// slowHandler delays every request so concurrent verifications overlap.
func slowHandler(h http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(d)
		h.ServeHTTP(w, r)
	})
}

func TestFailedFetchNotCached(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	lb, err := albsim.New(albsim.Config{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		first := calls == 1
		mu.Unlock()
		if first {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		lb.Keys.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	v, err := albjwt.New(albjwt.Config{ALBARN: lb.ARN, ClientID: lb.ClientID, Issuer: lb.Issuer, KeyEndpoint: srv.URL, Clock: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := lb.Mint(lb.Claims(albsim.User{}))
	if _, err := v.Verify(context.Background(), tok); !errors.Is(err, albjwt.ErrKeyUnavailable) {
		t.Fatalf("first Verify: err = %v, want ErrKeyUnavailable", err)
	}
	// The kid is in the penalty box: refused without a request.
	if _, err := v.Verify(context.Background(), tok); albjwt.Reason(err) != albjwt.ReasonKeyThrottled {
		t.Fatalf("Verify within the penalty: err = %v, want %s", err, albjwt.ReasonKeyThrottled)
	}
	clk.Advance(albjwt.DefaultKeyFetchPenalty)
	for i := range 3 {
		if _, err := v.Verify(context.Background(), tok); err != nil {
			t.Fatalf("Verify %d after recovery: %v", i, err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if calls != 2 {
		t.Errorf("key endpoint saw %d requests, want 2 (one failure, one success, then cached)", calls)
	}
}

func TestCacheBound(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(c *albjwt.Config) { c.CacheSize = 2 })
	lbs := []*albsim.LoadBalancer{f.lb}
	for range 2 {
		k, err := albsim.NewKey()
		if err != nil {
			t.Fatal(err)
		}
		lb, err := albsim.New(albsim.Config{Key: k, Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		f.lb.Keys.AddKey(k)
		lbs = append(lbs, lb)
	}
	verify := func(i int) {
		t.Helper()
		tok, err := lbs[i].Mint(lbs[i].Claims(albsim.User{}))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.v.Verify(context.Background(), tok); err != nil {
			t.Fatalf("key %d: %v", i, err)
		}
	}
	for _, step := range []struct{ key, fetches int }{
		{0, 1}, {1, 2}, {0, 2}, // both cached
		{2, 3},         // evicts key 1, the least recently used
		{0, 3}, {2, 3}, // still cached
		{1, 4}, // evicted earlier, fetched again
	} {
		verify(step.key)
		if got := f.lb.Keys.Requests(); got != step.fetches {
			t.Fatalf("after key %d: %d fetches, want %d", step.key, got, step.fetches)
		}
	}
}

func TestReasonOfOtherErrors(t *testing.T) {
	t.Parallel()
	if albjwt.Reason(nil) != "" || albjwt.Reason(errors.New("x")) != "internal" {
		t.Error("Reason of non-albjwt errors")
	}
}

// TestEmailVerified: Cognito's userInfo endpoint, which the load balancer's
// claims come from, sends email_verified as the string "true" or "false";
// an ID token sends a boolean. Only a true value in either form counts.
func TestEmailVerified(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	for _, tc := range []struct {
		value any
		want  bool
	}{
		{"true", true}, {true, true},
		{"false", false}, {false, false}, {nil, false}, {"TRUE", false}, {"yes", false}, {1, false},
	} {
		c := f.lb.Claims(albsim.User{Email: "ann@example.com"})
		if tc.value == nil {
			delete(c, "email_verified")
		} else {
			c["email_verified"] = tc.value
		}
		got, err := f.v.Verify(context.Background(), f.mint(t, c))
		if err != nil {
			t.Fatal(err)
		}
		if got.EmailVerified != tc.want {
			t.Errorf("email_verified %#v: EmailVerified = %v, want %v", tc.value, got.EmailVerified, tc.want)
		}
	}
}
