package albjwt_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albjwt"
)

// handlerTransport serves HTTP requests from an in-process handler, so the
// fuzzer exercises the real fetch path without sockets.
type handlerTransport struct {
	h       http.Handler
	badPath atomic.Bool // set if a request path other than /<uuid> was seen
}

func (tr *handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	p := strings.TrimPrefix(r.URL.Path, "/")
	if len(p) != 36 || strings.Count(p, "-") != 4 || strings.ContainsAny(p, "/.%") {
		tr.badPath.Store(true)
	}
	rec := httptest.NewRecorder()
	tr.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// fixedKey is deterministic so that inputs saved by the fuzzer stay
// meaningful when replayed.
func fixedKey(tb testing.TB) *albsim.Key {
	scalar := sha256.Sum256([]byte("albjwt fuzz key"))
	priv, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), scalar[:])
	if err != nil {
		tb.Fatal(err)
	}
	return &albsim.Key{ID: "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", Private: priv}
}

// decodeSeg decodes a segment with or without padding.
func decodeSeg(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// signatureValid is the fuzz oracle: an independent check that token carries
// a valid ES256 signature by pub over its first two segments as sent.
func signatureValid(pub *ecdsa.PublicKey, token string) bool {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return false
	}
	sig, err := decodeSeg(parts[2])
	if err != nil || len(sig) != 64 {
		return false
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	return ecdsa.Verify(pub, sum[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:]))
}

// FuzzVerify checks that Verify never panics, never accepts a token without a
// valid signature by the load balancer's key, never fetches anything but
// /<uuid>, and always fails with a classified error that omits the token. The
// clock is fixed, so the fetch limiter never refills: however many kids the
// fuzzer invents, the key endpoint sees at most DefaultKeyFetchBurst requests
// per process, and a throttled verification makes none.
func FuzzVerify(f *testing.F) {
	lb, err := albsim.New(albsim.Config{Key: fixedKey(f), Now: clock})
	if err != nil {
		f.Fatal(err)
	}
	tr := &handlerTransport{h: lb.Keys}
	v, err := albjwt.New(albjwt.Config{
		ALBARN:      lb.ARN,
		ClientID:    lb.ClientID,
		Issuer:      lb.Issuer,
		KeyEndpoint: "https://keys.invalid",
		Clock:       clock,
		HTTPClient:  &http.Client{Transport: tr},
	})
	if err != nil {
		f.Fatal(err)
	}
	claims := lb.Claims(albsim.User{})
	for _, opts := range [][]albsim.Option{
		nil,
		{albsim.WithoutPadding()},
		{albsim.WithHeader("alg", "none"), albsim.WithSignature(func([]byte) []byte { return nil })},
		{albsim.WithHeader("signer", "arn:aws:elasticloadbalancing:eu-west-1:999999999999:loadbalancer/app/x/0123456789abcdef")},
		{albsim.WithHeader("kid", "../../x")},
		{albsim.WithHeader("kid", "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f1")},
		{albsim.WithHeader("exp", "soon")},
	} {
		tok, err := lb.Mint(claims, opts...)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(tok)
	}
	for _, s := range []string{"", ".", "..", "...", "a.b.c", "e30=.e30=.", "e30.e30.AAAA", strings.Repeat("A", 100)} {
		f.Add(s)
	}
	// The strictness classes (see strictCases): whitespace, data after the
	// JSON, duplicate names, crit, nbf ahead by a fraction, claim types.
	good, err := lb.Mint(claims)
	if err != nil {
		f.Fatal(err)
	}
	parts := strings.Split(good, ".")
	f.Add(parts[0] + "." + parts[1][:8] + "\r\n" + parts[1][8:] + "." + parts[2])
	f.Add(good + "\n")
	f.Add(" " + good)
	h, _ := decodeSeg(parts[0])
	p, _ := decodeSeg(parts[1])
	signRaw := func(h, p string) string {
		in := base64.URLEncoding.EncodeToString([]byte(h)) + "." + base64.URLEncoding.EncodeToString([]byte(p))
		sig, err := albsim.SignES256(lb.Key.Private, []byte(in))
		if err != nil {
			f.Fatal(err)
		}
		return in + "." + base64.URLEncoding.EncodeToString(sig)
	}
	pj := strings.TrimSuffix(string(p), "}")
	for _, hp := range [][2]string{
		{string(h) + " {}", string(p)},
		{string(h), string(p) + "x"},
		{string(h), pj + `,"sub":"admin"}`},
		{string(h), pj + `,"nbf":` + fmt.Sprintf("%d.5", clock().Unix()) + "}"},
		{string(h), pj + `,"nbf":1e300}`},
		{string(h), pj + `,"aud":5}`},
		{string(h), pj + `,"iat":"now"}`},
		{strings.TrimSuffix(string(h), "}") + `,"crit":["exp"]}`, string(p)},
	} {
		f.Add(signRaw(hp[0], hp[1]))
	}

	pub := &lb.Key.Private.PublicKey
	f.Fuzz(func(t *testing.T, token string) {
		before := lb.Keys.Requests()
		got, err := v.Verify(context.Background(), token)
		after := lb.Keys.Requests()
		if tr.badPath.Load() {
			t.Fatal("key endpoint was asked for a path that is not /<uuid>")
		}
		if after > albjwt.DefaultKeyFetchBurst {
			t.Fatalf("key endpoint saw %d requests with a fixed clock, want at most %d", after, albjwt.DefaultKeyFetchBurst)
		}
		if after-before > 1 {
			t.Fatalf("one verification made %d requests", after-before)
		}
		if albjwt.Reason(err) == albjwt.ReasonKeyThrottled && after != before {
			t.Fatal("a throttled verification made a request")
		}
		if err == nil {
			if !signatureValid(pub, token) {
				t.Fatalf("accepted a token without a valid signature: %q", token)
			}
			if got == nil || got.Signer != lb.ARN || got.Subject == "" {
				t.Fatalf("accepted with claims %+v", got)
			}
			return
		}
		var e *albjwt.Error
		if !errors.As(err, &e) || e.Reason == "" {
			t.Fatalf("unclassified error %v", err)
		}
		if errors.Is(err, albjwt.ErrInvalidToken) == errors.Is(err, albjwt.ErrKeyUnavailable) {
			t.Fatalf("error %v is not exactly one kind", err)
		}
		if len(token) >= 32 && strings.Contains(err.Error(), token) {
			t.Fatal("error message contains the token")
		}
	})
}
