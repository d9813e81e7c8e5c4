package accesstoken_test

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/accesstoken"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albjwt"
)

// handlerTransport serves requests from an in-process handler, so the
// fuzzer exercises the real fetch path without sockets.
type handlerTransport struct{ h http.Handler }

func (tr handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	tr.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

var compactForm = regexp.MustCompile(`^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$`)

// oracle is an independent check of what an accepted token must be: the
// strict compact form, an RS256 signature by keyA over the first two
// segments as sent, and a payload (decoded by encoding/json) that is an
// access token of our client and pool, unexpired.
func oracle(token string) string {
	if !compactForm.MatchString(token) {
		return "not the strict compact form"
	}
	p := strings.Split(token, ".")
	sig, err := base64.RawURLEncoding.DecodeString(p[2])
	if err != nil {
		return "signature not base64url"
	}
	h := sha256.Sum256([]byte(p[0] + "." + p[1]))
	if rsa.VerifyPKCS1v15(&keyA.PublicKey, crypto.SHA256, h[:], sig) != nil {
		return "signature does not verify with keyA"
	}
	raw, err := base64.RawURLEncoding.DecodeString(p[1])
	if err != nil {
		return "payload not base64url"
	}
	var c struct {
		Iss, TokenUse, ClientID, Sub string
		Exp                          float64
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return "payload not JSON"
	}
	c.Iss, _ = m["iss"].(string)
	c.TokenUse, _ = m["token_use"].(string)
	c.ClientID, _ = m["client_id"].(string)
	c.Sub, _ = m["sub"].(string)
	c.Exp, _ = m["exp"].(float64)
	switch {
	case c.Iss != testIssuer:
		return "iss"
	case c.TokenUse != "access":
		return "token_use"
	case c.ClientID != testClient && c.ClientID != "otherclientofours":
		return "client_id"
	case c.Sub == "":
		return "sub"
	case !(c.Exp > float64(testNow.UnixNano())/1e9):
		return "exp"
	}
	return ""
}

func FuzzVerify(f *testing.F) {
	keys(f)
	jwks := jwksJSON(rsaJWK(kidA, &keyA.PublicKey))
	v, err := accesstoken.New(accesstoken.Config{
		Issuer:    testIssuer,
		ClientIDs: []string{testClient, "otherclientofours"},
		JWKSURL:   "https://jwks.test/jwks.json",
		HTTPClient: &http.Client{Transport: handlerTransport{http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write(jwks)
		})}},
		Clock: func() time.Time { return testNow },
	})
	if err != nil {
		f.Fatal(err)
	}
	valid := mint(keyA, header(kidA), claims())
	f.Add(valid)
	f.Add(signRaw(keyA, mustJSON(header(kidA)), mustJSON(claims())+`{"sub":"x"}`))
	f.Add(signRaw(keyA, `{"kid":"`+kidA+`","alg":"RS256","crit":["exp"]}`, mustJSON(claims())))
	f.Add(signRaw(keyA, `{"alg":"none","kid":"`+kidA+`","alg":"RS256"}`, mustJSON(claims())))
	f.Add(mint(keyA, header(kidA), with(func(c map[string]any) { c["token_use"] = "id" })))
	f.Add(mint(keyA, header(kidA), with(func(c map[string]any) { c["nbf"] = json.Number("1893553445.26") })))
	f.Add(mint(keyA, header(kidA), with(func(c map[string]any) { c["scope"] = []any{"a"} })))
	f.Add(mint(keyB, header("other"), claims()))
	in := signingInput(`{"kid":"`+kidA+`","alg":"HS256"}`, mustJSON(claims()))
	f.Add(in + "." + hs256(keyA.N.Bytes(), in))
	f.Add(valid[:20] + "\r\n" + valid[20:])
	f.Add(strings.ReplaceAll(valid, ".", "=."))
	f.Fuzz(func(t *testing.T, token string) {
		c, err := v.Verify(context.Background(), token)
		if err != nil {
			if c != nil {
				t.Fatal("claims with an error")
			}
			var e *albjwt.Error
			if !errors.As(err, &e) || !(errors.Is(err, albjwt.ErrInvalidToken) || errors.Is(err, albjwt.ErrKeyUnavailable)) {
				t.Fatalf("error %v is not an *albjwt.Error of a known kind", err)
			}
			if len(token) >= 16 && strings.Contains(err.Error(), token) {
				t.Fatalf("error contains the token")
			}
			return
		}
		if why := oracle(token); why != "" {
			t.Fatalf("accepted a token the oracle refuses (%s): %q", why, token)
		}
		if c.Subject == "" || c.TokenUse != "access" || c.ExpiresAt.IsZero() {
			t.Fatalf("claims %+v", c)
		}
	})
}
