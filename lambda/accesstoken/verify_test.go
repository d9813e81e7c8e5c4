package accesstoken_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/accesstoken"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albjwt"
)

// splice replaces segment i (0-based) of tok.
func splice(tok string, i int, seg string) string {
	p := strings.Split(tok, ".")
	p[i] = seg
	return strings.Join(p, ".")
}

// insert puts s at byte offset at of segment i.
func insert(tok string, i, at int, s string) string {
	p := strings.Split(tok, ".")
	p[i] = p[i][:at] + s + p[i][at:]
	return strings.Join(p, ".")
}

func TestVerifyValid(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		token func() string
		mod   func(*accesstoken.Config)
		check func(t *testing.T, c *accesstoken.Claims)
	}{
		{
			name:  "typical access token",
			token: func() string { return mint(keyA, header(kidA), claims()) },
			check: func(t *testing.T, c *accesstoken.Claims) {
				if c.Subject != testSub || c.Username != "alice" || c.ClientID != testClient || c.TokenUse != "access" {
					t.Errorf("claims = %+v", c)
				}
				if strings.Join(c.Groups, ",") != "admin,ops" {
					t.Errorf("Groups = %q", c.Groups)
				}
				if strings.Join(c.Scopes, "|") != "openid|email|api.example.com/admin" {
					t.Errorf("Scopes = %q", c.Scopes)
				}
				if !c.ExpiresAt.Equal(time.Unix(testNow.Unix()+3600, 0)) || !c.IssuedAt.Equal(time.Unix(testNow.Unix()-60, 0)) {
					t.Errorf("ExpiresAt %v IssuedAt %v", c.ExpiresAt, c.IssuedAt)
				}
				if c.All["version"] != json.Number("2") || c.All["event_id"] == nil {
					t.Errorf("All = %v", c.All)
				}
			},
		},
		{
			name: "second configured client",
			token: func() string {
				return mint(keyA, header(kidA), with(func(c map[string]any) { c["client_id"] = "otherclientofours" }))
			},
			check: func(t *testing.T, c *accesstoken.Claims) {
				if c.ClientID != "otherclientofours" {
					t.Errorf("ClientID = %q", c.ClientID)
				}
			},
		},
		{
			name: "no groups, no username (client credentials)",
			token: func() string {
				return mint(keyA, header(kidA), with(func(c map[string]any) {
					delete(c, "cognito:groups")
					delete(c, "username")
					c["sub"] = testClient
					c["scope"] = "api.example.com/read"
				}))
			},
			check: func(t *testing.T, c *accesstoken.Claims) {
				if c.Groups != nil || c.Username != "" || len(c.Scopes) != 1 {
					t.Errorf("claims = %+v", c)
				}
			},
		},
		{
			name: "cognito:username when username is absent",
			token: func() string {
				return mint(keyA, header(kidA), with(func(c map[string]any) { delete(c, "username"); c["cognito:username"] = "bob" }))
			},
			check: func(t *testing.T, c *accesstoken.Claims) {
				if c.Username != "bob" {
					t.Errorf("Username = %q", c.Username)
				}
			},
		},
		{
			name: "exp a nanosecond-free second ahead",
			token: func() string {
				return mint(keyA, header(kidA), with(func(c map[string]any) { c["exp"] = testNow.Unix() + 1 }))
			},
		},
		{
			name: "expired but within leeway",
			token: func() string {
				return mint(keyA, header(kidA), with(func(c map[string]any) { c["exp"] = testNow.Unix() - 5 }))
			},
			mod: func(c *accesstoken.Config) { c.Leeway = 10 * time.Second },
		},
		{
			name: "nbf exactly now",
			token: func() string {
				return mint(keyA, header(kidA), with(func(c map[string]any) { c["nbf"] = json.Number("1893553445.25") }))
			},
		},
		{
			// IssuerConfiguration UPDATED: the same pool, on issuer-cognito-idp.
			name: "iss in the UPDATED form of the configured ORIGINAL pool",
			token: func() string {
				return mint(keyA, header(kidA), with(func(c map[string]any) { c["iss"] = testIssuerUpdated }))
			},
		},
		{
			name: "iss in the ORIGINAL form of the configured UPDATED pool",
			token: func() string {
				return mint(keyA, header(kidA), with(func(c map[string]any) { c["iss"] = testIssuer }))
			},
			mod: func(c *accesstoken.Config) { c.Issuer = testIssuerUpdated },
		},
		{
			name: "iss in the UPDATED form, configured UPDATED",
			token: func() string {
				return mint(keyA, header(kidA), with(func(c map[string]any) { c["iss"] = testIssuerUpdated }))
			},
			mod: func(c *accesstoken.Config) { c.Issuer = testIssuerUpdated },
		},
		{
			name: "typ header is tolerated",
			token: func() string {
				h := header(kidA)
				h["typ"] = "JWT"
				return mint(keyA, h, claims())
			},
		},
		{
			// Resource binding: the client asked for this site's resource.
			name: "aud this site's resource server",
			token: func() string {
				return mint(keyA, header(kidA), with(func(c map[string]any) { c["aud"] = testResource }))
			},
			mod: func(c *accesstoken.Config) { c.Audiences = []string{testResource} },
		},
		{
			name: "aud an array naming this site's resource server among others",
			token: func() string {
				return mint(keyA, header(kidA), with(func(c map[string]any) { c["aud"] = []any{"https://other.example.com", testResource} }))
			},
			mod: func(c *accesstoken.Config) { c.Audiences = []string{testResource} },
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, tc.mod)
			c, err := f.v.Verify(context.Background(), tc.token())
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if tc.check != nil {
				tc.check(t, c)
			}
		})
	}
}

// TestVerifyHostile is the hostile matrix: each case must be refused with
// the given kind and reason, make at most maxHits JWKS requests, and say
// nothing of the token in its error.
func TestVerifyHostile(t *testing.T) {
	t.Parallel()
	keys(t)
	valid := func() string { return mint(keyA, header(kidA), claims()) }
	claimsWith := func(mod func(map[string]any)) func() string {
		return func() string { return mint(keyA, header(kidA), with(mod)) }
	}
	rawPayload := func(payloadJSON string) func() string {
		return func() string { return signRaw(keyA, mustJSON(header(kidA)), payloadJSON) }
	}
	rawHeader := func(headerJSON string) func() string {
		return func() string { return signRaw(keyA, headerJSON, mustJSON(claims())) }
	}
	withAlg := func(alg string, sign func(string) string) func() string {
		return func() string {
			in := signingInput(mustJSON(map[string]any{"kid": kidA, "alg": alg}), mustJSON(claims()))
			return in + "." + sign(in)
		}
	}
	jwksBody := jwksJSON(rsaJWK(kidA, &keyA.PublicKey))
	const inv, unav = "invalid", "unavailable"
	cases := []struct {
		name    string
		token   func() string
		setup   func(f *fixture)
		mod     func(*accesstoken.Config)
		kind    string
		reason  string
		maxHits int64
	}{
		// Not an access token for us.
		{name: "ID token (token_use id)", token: claimsWith(func(c map[string]any) { c["token_use"] = "id"; c["aud"] = testClient; delete(c, "client_id") }), kind: inv, reason: accesstoken.ReasonTokenUseMismatch, maxHits: 1},
		{name: "token_use missing", token: claimsWith(func(c map[string]any) { delete(c, "token_use") }), kind: inv, reason: accesstoken.ReasonTokenUseMismatch, maxHits: 1},
		{name: "token_use Access (case)", token: claimsWith(func(c map[string]any) { c["token_use"] = "Access" }), kind: inv, reason: accesstoken.ReasonTokenUseMismatch, maxHits: 1},
		{name: "another client's token", token: claimsWith(func(c map[string]any) { c["client_id"] = "someoneelsesclient" }), kind: inv, reason: albjwt.ReasonClientMismatch, maxHits: 1},
		{name: "client_id missing", token: claimsWith(func(c map[string]any) { delete(c, "client_id") }), kind: inv, reason: albjwt.ReasonClientMismatch, maxHits: 1},
		{name: "client_id only in aud", token: claimsWith(func(c map[string]any) { delete(c, "client_id"); c["aud"] = testClient }), kind: inv, reason: albjwt.ReasonClientMismatch, maxHits: 1},
		{name: "another pool's token (iss)", token: claimsWith(func(c map[string]any) { c["iss"] = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other1" }), kind: inv, reason: albjwt.ReasonIssuerMismatch, maxHits: 0},
		{name: "another region's pool", token: claimsWith(func(c map[string]any) { c["iss"] = "https://cognito-idp.us-east-1.amazonaws.com/eu-west-1_AbC123" }), kind: inv, reason: albjwt.ReasonIssuerMismatch, maxHits: 0},
		{name: "another pool's token in the UPDATED form", token: claimsWith(func(c map[string]any) {
			c["iss"] = "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other1"
		}), kind: inv, reason: albjwt.ReasonIssuerMismatch, maxHits: 0},
		{name: "iss on a look-alike host", token: claimsWith(func(c map[string]any) {
			c["iss"] = "https://issuer-cognito-idp.eu-west-1.amazonaws.com.evil.example/eu-west-1_AbC123"
		}), kind: inv, reason: albjwt.ReasonIssuerMismatch, maxHits: 0},
		{name: "aud another resource", token: claimsWith(func(c map[string]any) { c["aud"] = "https://other.example.com" }), kind: inv, reason: accesstoken.ReasonAudienceMismatch, maxHits: 1},
		{name: "aud an empty array", token: claimsWith(func(c map[string]any) { c["aud"] = []any{} }), kind: inv, reason: accesstoken.ReasonAudienceMismatch, maxHits: 1},
		{name: "aud the client id", token: claimsWith(func(c map[string]any) { c["aud"] = testClient }), kind: inv, reason: accesstoken.ReasonAudienceMismatch, maxHits: 1},
		{name: "iss with a trailing slash", token: claimsWith(func(c map[string]any) { c["iss"] = testIssuer + "/" }), kind: inv, reason: albjwt.ReasonIssuerMismatch, maxHits: 0},
		{name: "iss missing", token: claimsWith(func(c map[string]any) { delete(c, "iss") }), kind: inv, reason: albjwt.ReasonIssuerMismatch, maxHits: 0},
		{name: "iss a number", token: claimsWith(func(c map[string]any) { c["iss"] = 1 }), kind: inv, reason: albjwt.ReasonBadClaims, maxHits: 0},

		// Time.
		{name: "expired", token: claimsWith(func(c map[string]any) { c["exp"] = testNow.Unix() - 1 }), kind: inv, reason: albjwt.ReasonExpired, maxHits: 1},
		{name: "exp exactly now", token: claimsWith(func(c map[string]any) { c["exp"] = json.Number("1893553445.25") }), kind: inv, reason: albjwt.ReasonExpired, maxHits: 1},
		{name: "expired beyond leeway", token: claimsWith(func(c map[string]any) { c["exp"] = testNow.Unix() - 11 }), mod: func(c *accesstoken.Config) { c.Leeway = 10 * time.Second }, kind: inv, reason: albjwt.ReasonExpired, maxHits: 1},
		{name: "exp missing", token: claimsWith(func(c map[string]any) { delete(c, "exp") }), kind: inv, reason: albjwt.ReasonExpMissing, maxHits: 1},
		{name: "exp a string", token: claimsWith(func(c map[string]any) { c["exp"] = "9999999999" }), kind: inv, reason: albjwt.ReasonBadClaims, maxHits: 0},
		{name: "exp overflows", token: rawPayload(strings.Replace(mustJSON(claims()), `"exp":`, `"exp":1e400,"x":`, 1)), kind: inv, reason: albjwt.ReasonBadClaims, maxHits: 0},
		{name: "exp beyond year 9999", token: claimsWith(func(c map[string]any) { c["exp"] = int64(1) << 53 }), kind: inv, reason: albjwt.ReasonBadClaims, maxHits: 0},
		{name: "exp negative", token: claimsWith(func(c map[string]any) { c["exp"] = -1 }), kind: inv, reason: albjwt.ReasonBadClaims, maxHits: 0},
		{name: "nbf a fraction of a second in the future", token: claimsWith(func(c map[string]any) { c["nbf"] = json.Number("1893553445.26") }), kind: inv, reason: albjwt.ReasonNotYetValid, maxHits: 1},
		{name: "nbf in the future beyond leeway", token: claimsWith(func(c map[string]any) { c["nbf"] = testNow.Unix() + 12 }), mod: func(c *accesstoken.Config) { c.Leeway = 10 * time.Second }, kind: inv, reason: albjwt.ReasonNotYetValid, maxHits: 1},
		{name: "nbf a string", token: claimsWith(func(c map[string]any) { c["nbf"] = "0" }), kind: inv, reason: albjwt.ReasonBadClaims, maxHits: 0},
		{name: "iat in the future", token: claimsWith(func(c map[string]any) { c["iat"] = testNow.Unix() + 1 }), kind: inv, reason: albjwt.ReasonNotYetValid, maxHits: 1},
		{name: "iat missing", token: claimsWith(func(c map[string]any) { delete(c, "iat") }), kind: inv, reason: albjwt.ReasonBadClaims, maxHits: 1},
		{name: "iat a string", token: claimsWith(func(c map[string]any) { c["iat"] = "1" }), kind: inv, reason: albjwt.ReasonBadClaims, maxHits: 0},
		{name: "auth_time a string", token: claimsWith(func(c map[string]any) { c["auth_time"] = "1" }), kind: inv, reason: albjwt.ReasonBadClaims, maxHits: 1},

		// Algorithms.
		{name: "alg none, empty signature", token: func() string {
			return signingInput(`{"kid":"`+kidA+`","alg":"none"}`, mustJSON(claims())) + "."
		}, kind: inv, reason: albjwt.ReasonMalformed, maxHits: 0},
		{name: "alg none with a signature", token: withAlg("none", func(in string) string { return rs256(keyA, in) }), kind: inv, reason: albjwt.ReasonBadAlg, maxHits: 0},
		{name: "alg missing", token: rawHeader(`{"kid":"` + kidA + `"}`), kind: inv, reason: albjwt.ReasonMalformed, maxHits: 0},
		{name: "HS256 keyed with the JWKS modulus", token: withAlg("HS256", func(in string) string { return hs256(keyA.N.Bytes(), in) }), kind: inv, reason: albjwt.ReasonBadAlg, maxHits: 0},
		{name: "HS256 keyed with the JWKS JSON", token: withAlg("HS256", func(in string) string { return hs256(jwksBody, in) }), kind: inv, reason: albjwt.ReasonBadAlg, maxHits: 0},
		{name: "HS256 keyed with the JWK JSON", token: withAlg("HS256", func(in string) string { return hs256([]byte(mustJSON(rsaJWK(kidA, &keyA.PublicKey))), in) }), kind: inv, reason: albjwt.ReasonBadAlg, maxHits: 0},
		{name: "RS384", token: withAlg("RS384", func(in string) string { return rs384(keyA, in) }), kind: inv, reason: albjwt.ReasonBadAlg, maxHits: 0},
		{name: "PS256", token: withAlg("PS256", func(in string) string { return ps256(keyA, in) }), kind: inv, reason: albjwt.ReasonBadAlg, maxHits: 0},
		{name: "ES256", token: withAlg("ES256", func(in string) string { return es256(keyEC, in) }), kind: inv, reason: albjwt.ReasonBadAlg, maxHits: 0},
		{name: "alg rs256 (case)", token: withAlg("rs256", func(in string) string { return rs256(keyA, in) }), kind: inv, reason: albjwt.ReasonBadAlg, maxHits: 0},
		{name: "alg an array", token: rawHeader(`{"kid":"` + kidA + `","alg":["RS256"]}`), kind: inv, reason: albjwt.ReasonMalformed, maxHits: 0},

		// Key IDs and keys.
		{name: "kid missing", token: rawHeader(`{"alg":"RS256"}`), kind: inv, reason: albjwt.ReasonBadKID, maxHits: 0},
		{name: "kid empty", token: rawHeader(`{"kid":"","alg":"RS256"}`), kind: inv, reason: albjwt.ReasonBadKID, maxHits: 0},
		{name: "kid a number", token: rawHeader(`{"kid":1,"alg":"RS256"}`), kind: inv, reason: albjwt.ReasonMalformed, maxHits: 0},
		{name: "kid too long", token: func() string { return mint(keyA, header(strings.Repeat("k", 129)), claims()) }, kind: inv, reason: albjwt.ReasonBadKID, maxHits: 0},
		{name: "kid with a newline", token: func() string { return mint(keyA, header(kidA+"\n"), claims()) }, kind: inv, reason: albjwt.ReasonBadKID, maxHits: 0},
		{name: "kid a path", token: func() string { return mint(keyA, header("../../evil"), claims()) }, kind: inv, reason: accesstoken.ReasonUnknownKID, maxHits: 1},
		{name: "unknown kid", token: func() string { return mint(keyA, header(kidB), claims()) }, kind: inv, reason: accesstoken.ReasonUnknownKID, maxHits: 1},
		{name: "signature from another key with the same kid", token: func() string { return mint(keyB, header(kidA), claims()) }, kind: inv, reason: albjwt.ReasonBadSignature, maxHits: 1},
		{name: "tampered payload", token: func() string {
			tok := valid()
			return splice(tok, 1, b64([]byte(mustJSON(with(func(c map[string]any) { c["cognito:groups"] = []any{"admin", "root"} })))))
		}, kind: inv, reason: albjwt.ReasonBadSignature, maxHits: 1},
		{name: "tampered header", token: func() string {
			h := header(kidA)
			h["typ"] = "JWT"
			return splice(valid(), 0, b64([]byte(mustJSON(h))))
		}, kind: inv, reason: albjwt.ReasonBadSignature, maxHits: 1},
		{name: "signature three bytes short", token: func() string {
			tok := valid()
			sig, _ := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[2])
			return splice(tok, 2, b64(sig[:len(sig)-3]))
		}, kind: inv, reason: albjwt.ReasonBadSignature, maxHits: 1},
		{name: "signature with non-zero unused bits", token: func() string {
			// 256 bytes encode to 342 characters; the last carries 2 bits
			// of data and 4 unused bits, which must be zero.
			const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
			tok := valid()
			last := strings.IndexByte(alphabet, tok[len(tok)-1])
			return tok[:len(tok)-1] + string(alphabet[last|1])
		}, kind: inv, reason: albjwt.ReasonMalformed, maxHits: 0},
		{name: "signature of another token", token: func() string {
			other := mint(keyA, header(kidA), with(func(c map[string]any) { c["username"] = "mallory" }))
			return splice(valid(), 2, strings.Split(other, ".")[2])
		}, kind: inv, reason: albjwt.ReasonBadSignature, maxHits: 1},

		// JWKS endpoint.
		{name: "JWKS endpoint 500", token: valid, setup: func(f *fixture) { f.jwks.set(http.StatusInternalServerError, []byte("oops"), 0) }, kind: unav, reason: albjwt.ReasonKeyStatus, maxHits: 1},
		{name: "JWKS endpoint 404", token: valid, setup: func(f *fixture) { f.jwks.set(http.StatusNotFound, nil, 0) }, kind: unav, reason: albjwt.ReasonKeyStatus, maxHits: 1},
		{name: "JWKS endpoint redirects", token: valid, setup: func(f *fixture) { f.jwks.set(http.StatusFound, nil, 0) }, mod: func(c *accesstoken.Config) { c.HTTPClient = nil }, kind: unav, reason: albjwt.ReasonKeyStatus, maxHits: 1},
		{name: "JWKS endpoint slow (timeout)", token: valid, setup: func(f *fixture) { f.jwks.set(http.StatusOK, jwksBody, 5*time.Second) }, mod: func(c *accesstoken.Config) { c.HTTPClient = &http.Client{Timeout: 200 * time.Millisecond} }, kind: unav, reason: albjwt.ReasonKeyFetch, maxHits: 1},
		{name: "JWKS endpoint down", token: valid, setup: func(f *fixture) { f.jwks.Close() }, kind: unav, reason: albjwt.ReasonKeyFetch, maxHits: 0},
		{name: "JWKS invalid JSON", token: valid, setup: func(f *fixture) { f.jwks.set(http.StatusOK, []byte(`{"keys":[`), 0) }, kind: unav, reason: albjwt.ReasonKeyUnusable, maxHits: 1},
		{name: "JWKS without keys", token: valid, setup: func(f *fixture) { f.jwks.set(http.StatusOK, []byte(`{}`), 0) }, kind: unav, reason: albjwt.ReasonKeyUnusable, maxHits: 1},
		{name: "JWKS a PEM", token: valid, setup: func(f *fixture) {
			f.jwks.set(http.StatusOK, []byte("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"), 0)
		}, kind: unav, reason: albjwt.ReasonKeyUnusable, maxHits: 1},
		{name: "JWKS too large", token: valid, setup: func(f *fixture) {
			f.jwks.set(http.StatusOK, []byte(`{"keys":[],"pad":"`+strings.Repeat("x", accesstoken.MaxJWKSSize)+`"}`), 0)
		}, kind: unav, reason: albjwt.ReasonKeyTooLarge, maxHits: 1},
		{name: "JWKS wrong key type (EC) for the kid", token: valid, setup: func(f *fixture) {
			f.jwks.set(http.StatusOK, jwksJSON(map[string]any{"kty": "EC", "crv": "P-256", "kid": kidA, "use": "sig", "alg": "ES256",
				"x": b64(keyEC.X.FillBytes(make([]byte, 32))), "y": b64(keyEC.Y.FillBytes(make([]byte, 32)))}), 0)
		}, kind: unav, reason: albjwt.ReasonKeyUnusable, maxHits: 1},
		{name: "JWKS symmetric key for the kid", token: valid, setup: func(f *fixture) {
			f.jwks.set(http.StatusOK, jwksJSON(map[string]any{"kty": "oct", "kid": kidA, "k": b64([]byte("secret"))}), 0)
		}, kind: unav, reason: albjwt.ReasonKeyUnusable, maxHits: 1},
		{name: "JWKS RSA key of 1024 bits", token: func() string { return mint(keyOld, header(kidA), claims()) }, setup: func(f *fixture) {
			f.jwks.set(http.StatusOK, jwksJSON(rsaJWK(kidA, &keyOld.PublicKey)), 0)
		}, kind: unav, reason: albjwt.ReasonKeyUnusable, maxHits: 1},
		{name: "JWKS key for encryption", token: valid, setup: func(f *fixture) {
			k := rsaJWK(kidA, &keyA.PublicKey)
			k["use"] = "enc"
			f.jwks.set(http.StatusOK, jwksJSON(k), 0)
		}, kind: unav, reason: albjwt.ReasonKeyUnusable, maxHits: 1},
		{name: "JWKS key for RS512", token: valid, setup: func(f *fixture) {
			k := rsaJWK(kidA, &keyA.PublicKey)
			k["alg"] = "RS512"
			f.jwks.set(http.StatusOK, jwksJSON(k), 0)
		}, kind: unav, reason: albjwt.ReasonKeyUnusable, maxHits: 1},
		{name: "JWKS key with a huge exponent", token: valid, setup: func(f *fixture) {
			k := rsaJWK(kidA, &keyA.PublicKey)
			k["e"] = b64(new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 64), big.NewInt(65537)).Bytes())
			f.jwks.set(http.StatusOK, jwksJSON(k), 0)
		}, kind: unav, reason: albjwt.ReasonKeyUnusable, maxHits: 1},
		{name: "JWKS lists the kid twice", token: valid, setup: func(f *fixture) {
			f.jwks.set(http.StatusOK, jwksJSON(rsaJWK(kidA, &keyA.PublicKey), rsaJWK(kidA, &keyB.PublicKey)), 0)
		}, kind: unav, reason: albjwt.ReasonKeyUnusable, maxHits: 1},

		// Shape (jwtstrict), each with a valid signature where one matters.
		{name: "LF inside the header segment", token: func() string { return insert(valid(), 0, 10, "\n") }, kind: inv, reason: albjwt.ReasonMalformed, maxHits: 0},
		{name: "CR inside the payload segment", token: func() string { return insert(valid(), 1, 10, "\r") }, kind: inv, reason: albjwt.ReasonMalformed, maxHits: 0},
		{name: "CRLF inside the signature", token: func() string { return insert(valid(), 2, 10, "\r\n") }, kind: inv, reason: albjwt.ReasonMalformed, maxHits: 0},
		{name: "space inside the payload", token: func() string { return insert(valid(), 1, 4, " ") }, kind: inv, reason: albjwt.ReasonMalformed, maxHits: 0},
		{name: "Bearer prefix left on", token: func() string { return "Bearer " + valid() }, kind: inv, reason: albjwt.ReasonMalformed, maxHits: 0},
		{name: "trailing newline", token: func() string { return valid() + "\n" }, kind: inv, reason: albjwt.ReasonMalformed, maxHits: 0},
		{name: "padded segments", token: func() string {
			p := strings.Split(valid(), ".")
			for i := range p {
				for len(p[i])%4 != 0 {
					p[i] += "="
				}
			}
			return strings.Join(p, ".")
		}, kind: inv, reason: albjwt.ReasonMalformed, maxHits: 0},
		{name: "standard base64 alphabet", token: func() string {
			return strings.NewReplacer("-", "+", "_", "/").Replace(mint(keyA, header(kidA), with(func(c map[string]any) { c["x"] = "\xfb\xff\xbf???>>>" })))
		}, kind: inv, reason: albjwt.ReasonMalformed, maxHits: 0},
		{name: "trailing data after the header JSON (signed)", token: rawHeader(mustJSON(header(kidA)) + `{"alg":"none"}`), kind: inv, reason: albjwt.ReasonMalformed, maxHits: 0},
		{name: "trailing data after the payload JSON (signed)", token: rawPayload(mustJSON(claims()) + `{"cognito:groups":["root"]}`), kind: inv, reason: albjwt.ReasonMalformed, maxHits: 0},
		{name: "trailing garbage after the payload JSON (signed)", token: rawPayload(mustJSON(claims()) + `x`), kind: inv, reason: albjwt.ReasonMalformed, maxHits: 0},
		{name: "duplicate sub (signed)", token: rawPayload(`{"sub":"admin",` + mustJSON(claims())[1:]), kind: inv, reason: albjwt.ReasonMalformed, maxHits: 0},
		{name: "duplicate alg in header (signed)", token: rawHeader(`{"alg":"none","kid":"` + kidA + `","alg":"RS256"}`), kind: inv, reason: albjwt.ReasonMalformed, maxHits: 0},
		{name: "invalid UTF-8 in payload (signed)", token: rawPayload(strings.Replace(mustJSON(claims()), `"alice"`, "\"al\xffce\"", 1)), kind: inv, reason: albjwt.ReasonMalformed, maxHits: 0},
		{name: "crit header (signed)", token: rawHeader(`{"kid":"` + kidA + `","alg":"RS256","crit":["exp"],"exp":1}`), kind: inv, reason: accesstoken.ReasonCritHeader, maxHits: 0},
		{name: "empty crit header (signed)", token: rawHeader(`{"kid":"` + kidA + `","alg":"RS256","crit":[]}`), kind: inv, reason: accesstoken.ReasonCritHeader, maxHits: 0},
		{name: "two segments", token: func() string { p := strings.Split(valid(), "."); return p[0] + "." + p[1] }, kind: inv, reason: albjwt.ReasonMalformed, maxHits: 0},
		{name: "four segments", token: func() string { tok := valid(); return tok + "." + strings.Split(tok, ".")[2] }, kind: inv, reason: albjwt.ReasonMalformed, maxHits: 0},
		{name: "header segment repeated", token: func() string { p := strings.Split(valid(), "."); return p[0] + "." + p[0] + "." + p[2] }, kind: inv, reason: albjwt.ReasonIssuerMismatch, maxHits: 0},
		{name: "token repeated", token: func() string { tok := valid(); return tok + tok }, kind: inv, reason: albjwt.ReasonMalformed, maxHits: 0},
		{name: "empty", token: func() string { return "" }, kind: inv, reason: albjwt.ReasonMissing, maxHits: 0},
		{name: "oversize", token: claimsWith(func(c map[string]any) { c["pad"] = strings.Repeat("a", accesstoken.MaxTokenSize) }), kind: inv, reason: albjwt.ReasonTooLarge, maxHits: 0},
		{name: "payload not an object", token: rawPayload(`["sub"]`), kind: inv, reason: albjwt.ReasonMalformed, maxHits: 0},

		// Claim types.
		{name: "scope an array", token: claimsWith(func(c map[string]any) { c["scope"] = []any{"openid", "api.example.com/admin"} }), kind: inv, reason: albjwt.ReasonBadClaims, maxHits: 0},
		{name: "scope with a double space", token: claimsWith(func(c map[string]any) { c["scope"] = "openid  email" }), kind: inv, reason: albjwt.ReasonBadClaims, maxHits: 1},
		{name: "scope with a trailing space", token: claimsWith(func(c map[string]any) { c["scope"] = "openid " }), kind: inv, reason: albjwt.ReasonBadClaims, maxHits: 1},
		{name: "scope with a tab", token: claimsWith(func(c map[string]any) { c["scope"] = "openid\temail" }), kind: inv, reason: albjwt.ReasonBadClaims, maxHits: 1},
		{name: "cognito:groups a string", token: claimsWith(func(c map[string]any) { c["cognito:groups"] = "admin" }), kind: inv, reason: albjwt.ReasonBadClaims, maxHits: 1},
		{name: "cognito:groups with a number", token: claimsWith(func(c map[string]any) { c["cognito:groups"] = []any{"admin", 1} }), kind: inv, reason: albjwt.ReasonBadClaims, maxHits: 1},
		{name: "cognito:groups null", token: claimsWith(func(c map[string]any) { c["cognito:groups"] = nil }), kind: inv, reason: albjwt.ReasonBadClaims, maxHits: 1},
		{name: "client_id a number", token: claimsWith(func(c map[string]any) { c["client_id"] = 123 }), kind: inv, reason: albjwt.ReasonBadClaims, maxHits: 0},
		{name: "token_use an array", token: claimsWith(func(c map[string]any) { c["token_use"] = []any{"access"} }), kind: inv, reason: albjwt.ReasonBadClaims, maxHits: 0},
		{name: "sub missing", token: claimsWith(func(c map[string]any) { delete(c, "sub") }), kind: inv, reason: albjwt.ReasonNoSubject, maxHits: 1},
		{name: "sub empty", token: claimsWith(func(c map[string]any) { c["sub"] = "" }), kind: inv, reason: albjwt.ReasonNoSubject, maxHits: 1},
		{name: "sub a number", token: claimsWith(func(c map[string]any) { c["sub"] = 42 }), kind: inv, reason: albjwt.ReasonBadClaims, maxHits: 0},
		{name: "username a number", token: claimsWith(func(c map[string]any) { c["username"] = 7 }), kind: inv, reason: albjwt.ReasonBadClaims, maxHits: 1},
		{name: "jti a number", token: claimsWith(func(c map[string]any) { c["jti"] = 7 }), kind: inv, reason: albjwt.ReasonBadClaims, maxHits: 0},
		{name: "aud a number", token: claimsWith(func(c map[string]any) { c["aud"] = 7 }), kind: inv, reason: albjwt.ReasonBadClaims, maxHits: 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, tc.mod)
			if tc.setup != nil {
				tc.setup(f)
			}
			token := tc.token()
			start := time.Now()
			c, err := f.v.Verify(context.Background(), token)
			elapsed := time.Since(start)
			if c != nil {
				t.Fatalf("accepted: %+v", c)
			}
			want := albjwt.ErrInvalidToken
			if tc.kind == unav {
				want = albjwt.ErrKeyUnavailable
			}
			if !errors.Is(err, want) {
				t.Fatalf("error %v, want %v", err, want)
			}
			if got := albjwt.Reason(err); got != tc.reason {
				t.Fatalf("reason %q, want %q (error %v)", got, tc.reason, err)
			}
			if hits := f.jwks.hits.Load(); hits > tc.maxHits {
				t.Fatalf("%d JWKS requests, want at most %d", hits, tc.maxHits)
			}
			if elapsed > 3*time.Second {
				t.Fatalf("took %v", elapsed)
			}
			for _, seg := range strings.Split(token, ".") {
				if len(seg) >= 8 && strings.Contains(err.Error(), seg) {
					t.Fatalf("error %q contains a token segment", err)
				}
			}
		})
	}
}

// An issuer mismatch's error, which the function logs as the detail, names
// the accepted issuers with their forms, so a wrong userPoolIssuer or a
// token of another pool is obvious from the log; it never holds the token's
// iss.
func TestIssuerMismatchNamesTheExpectedForms(t *testing.T) {
	f := newFixture(t, nil)
	other := "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other1"
	keys(t)
	_, err := f.v.Verify(context.Background(), mint(keyA, header(kidA), with(func(c map[string]any) { c["iss"] = other })))
	if albjwt.Reason(err) != albjwt.ReasonIssuerMismatch {
		t.Fatalf("err = %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"updated-form issuer of another user pool", testIssuer + " (ORIGINAL) or " + testIssuerUpdated + " (UPDATED)"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "Other1") {
		t.Errorf("error echoes the token's iss: %q", msg)
	}
}

// A token bound to a resource (aud, from Cognito's resource binding) is
// accepted only where that resource is this site's; the error says what was
// expected, never the token's aud; and aud grants nothing by itself.
func TestAudience(t *testing.T) {
	keys(t)
	bound := mint(keyA, header(kidA), with(func(c map[string]any) { c["aud"] = "https://other.example.com/api" }))
	for _, tc := range []struct {
		name      string
		audiences []string
		want      string
	}{
		{"no resource configured", nil, "this site names none (set resourceServerId)"},
		{"another resource configured", []string{testResource}, "want " + testResource},
	} {
		f := newFixture(t, func(c *accesstoken.Config) { c.Audiences = tc.audiences })
		_, err := f.v.Verify(context.Background(), bound)
		if albjwt.Reason(err) != accesstoken.ReasonAudienceMismatch || !errors.Is(err, albjwt.ErrInvalidToken) {
			t.Fatalf("%s: err = %v, want %s", tc.name, err, accesstoken.ReasonAudienceMismatch)
		}
		if msg := err.Error(); !strings.Contains(msg, tc.want) || strings.Contains(msg, "other.example.com") {
			t.Errorf("%s: error %q: want it to say %q and not echo the token's aud", tc.name, msg, tc.want)
		}
	}
	f := newFixture(t, func(c *accesstoken.Config) { c.Audiences = []string{testResource} })
	c, err := f.v.Verify(context.Background(), mint(keyA, header(kidA), with(func(c map[string]any) {
		c["aud"] = testResource
		delete(c, "scope")
	})))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Scopes) != 0 || c.HasScopes(testResource+"/reports.read") == nil {
		t.Errorf("a bound token without scope has scopes %v", c.Scopes)
	}
	if _, err := accesstoken.New(accesstoken.Config{Issuer: testIssuer, ClientIDs: []string{testClient}, Audiences: []string{"has space"}}); err == nil || !strings.Contains(err.Error(), "Audiences[0]") {
		t.Errorf("an audience with a space: err = %v", err)
	}
}
