package identity_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/internal/benchcpu"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
)

// BenchmarkAccessRoute measures one request on a route that needs the
// access token (/admin, group admins), through the middleware with warm key
// caches: both headers read, the user-claims token verified (ES256), the
// access token verified (RS256) and matched to it, the route looked up, the
// group checked, the identity put in the context, a trivial handler run and
// one log line written (to a discarding JSON logger).
func BenchmarkAccessRoute(b *testing.B) {
	benchAccessRoute(b, newFixture(b, fixtureOpts{}), identity.Options{})
}

// benchAccessRoute is BenchmarkAccessRoute's body with options o (a
// discarding JSON logger is added).
func benchAccessRoute(b *testing.B, f *fixture, o identity.Options) {
	o.Logger = slog.New(slog.NewJSONHandler(io.Discard, nil))
	mw, err := identity.FromConfig(f.cfg, o)
	if err != nil {
		b.Fatal(err)
	}
	h := mw.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := identity.FromContext(r.Context()); !ok {
			b.Fatal("no identity")
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	r := albsim.ForwardHTTP(mw.Routes(), httptest.NewRequest("GET", "/admin/users", nil))
	r.Header.Set(identity.HeaderUserClaims, f.userToken(b, albsim.User{}))
	r.Header.Set(identity.HeaderAccessToken, f.accessToken(b, albsim.Access{Groups: []string{"admins"}}))
	r.Header.Set("Accept", "text/html")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r) // warms the key caches
	if w.Code != http.StatusNoContent {
		b.Fatalf("status %d", w.Code)
	}
	b.ReportAllocs()
	stop := benchcpu.Start(b)
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusNoContent {
			b.Fatalf("status %d", w.Code)
		}
	}
	stop()
}

// BenchmarkES256PlusRS256 is the floor for BenchmarkAccessRoute: the two
// signature checks alone, on the same two tokens, with everything decoded
// beforehand: SHA-256 and one bare P-256 ecdsa.Verify for the user claims,
// SHA-256 and one bare RSA-2048 PKCS #1 v1.5 verify for the access token.
func BenchmarkES256PlusRS256(b *testing.B) {
	f := newFixture(b, fixtureOpts{})
	user := f.userToken(b, albsim.User{})
	access := f.accessToken(b, albsim.Access{Groups: []string{"admins"}})

	i := strings.LastIndexByte(user, '.')
	userInput := []byte(user[:i])
	sig, err := base64.URLEncoding.DecodeString(user[i+1:])
	if err != nil || len(sig) != 64 {
		b.Fatal("bad ES256 signature segment")
	}
	r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
	ecPub := &f.lb.Key.Private.PublicKey

	j := strings.LastIndexByte(access, '.')
	accessInput := []byte(access[:j])
	rsaSig, err := base64.RawURLEncoding.DecodeString(access[j+1:])
	if err != nil {
		b.Fatal("bad RS256 signature segment")
	}
	rsaPub := &f.pool.Key.PublicKey

	b.ReportAllocs()
	stop := benchcpu.Start(b)
	for b.Loop() {
		sum := sha256.Sum256(userInput)
		if !ecdsa.Verify(ecPub, sum[:], r, s) {
			b.Fatal("ES256 signature did not verify")
		}
		sum = sha256.Sum256(accessInput)
		if err := rsa.VerifyPKCS1v15(rsaPub, crypto.SHA256, sum[:], rsaSig); err != nil {
			b.Fatal(err)
		}
	}
	stop()
}
