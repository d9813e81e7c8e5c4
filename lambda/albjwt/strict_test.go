package albjwt_test

import (
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albjwt"
)

// rawSegments returns a genuine token's decoded header and payload JSON.
func (f *fixture) rawSegments(t testing.TB, claims map[string]any) (header, payload []byte) {
	t.Helper()
	p := strings.Split(f.mint(t, claims), ".")
	h, err := base64.URLEncoding.DecodeString(p[0])
	if err != nil {
		t.Fatal(err)
	}
	b, err := base64.URLEncoding.DecodeString(p[1])
	if err != nil {
		t.Fatal(err)
	}
	return h, b
}

// signRaw signs header and payload bytes exactly as given, with the load
// balancer's key, padded as the load balancer pads: a token whose signature
// verifies, whatever its JSON says.
func (f *fixture) signRaw(t testing.TB, header, payload []byte) string {
	t.Helper()
	input := seg(header) + "." + seg(payload)
	sig, err := albsim.SignES256(f.lb.Key.Private, []byte(input))
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + seg(sig)
}

// strictCases are validly signed tokens (or genuine ones with their text
// varied) that the specifications forbid and aws-jwt-verify rejects: each
// must be rejected too. Shape and type problems are found before any key is
// fetched.
func strictCases() []verifyCase {
	user := func(f *fixture) map[string]any { return f.lb.Claims(albsim.User{}) }
	inv, unav := albjwt.ErrInvalidToken, albjwt.ErrKeyUnavailable
	// vary inserts s into segment i of a genuine token at its middle.
	vary := func(i int, s string) func(*testing.T, *fixture) string {
		return func(t *testing.T, f *fixture) string {
			p := strings.Split(f.mint(t, user(f)), ".")
			m := len(p[i]) / 2
			p[i] = p[i][:m] + s + p[i][m:]
			return strings.Join(p, ".")
		}
	}
	around := func(before, after string) func(*testing.T, *fixture) string {
		return func(t *testing.T, f *fixture) string { return before + f.mint(t, user(f)) + after }
	}
	// raw signs a genuine header and payload after edit changes their text.
	raw := func(edit func(h, p string) (string, string)) func(*testing.T, *fixture) string {
		return func(t *testing.T, f *fixture) string {
			h, p := f.rawSegments(t, user(f))
			hs, ps := edit(string(h), string(p))
			return f.signRaw(t, []byte(hs), []byte(ps))
		}
	}
	// claim signs the user's claims with name set to the raw JSON value.
	claim := func(name, value string) func(*testing.T, *fixture) string {
		return raw(func(h, p string) (string, string) {
			var m map[string]json.RawMessage
			if err := json.Unmarshal([]byte(p), &m); err != nil {
				panic(err)
			}
			if value == "" {
				delete(m, name)
			} else {
				m[name] = json.RawMessage(value)
			}
			b, _ := json.Marshal(m)
			return h, string(b)
		})
	}
	keyBody := func(body func(f *fixture) []byte) func(*testing.T, *fixture) string {
		return func(t *testing.T, f *fixture) string { return f.mint(t, user(f), f.serveAs(t, body(f))) }
	}
	// nbfAt is testNow+d as a JSON number with nanoseconds, e.g. 1893553445.500000000.
	nbfAt := func(d time.Duration) string {
		at := testNow.Add(d)
		return fmt.Sprintf("%d.%09d", at.Unix(), at.Nanosecond())
	}

	return []verifyCase{
		// Whitespace and line breaks anywhere (RFC 7515 §7.1, §2): Go's
		// base64 decoder would skip CR and LF.
		{name: "CRLF in payload", token: vary(1, "\r\n"), kind: inv, reason: albjwt.ReasonMalformed},
		{name: "LF in signature", token: vary(2, "\n"), kind: inv, reason: albjwt.ReasonMalformed},
		{name: "CR in header", token: vary(0, "\r"), kind: inv, reason: albjwt.ReasonMalformed},
		{name: "space in header", token: vary(0, " "), kind: inv, reason: albjwt.ReasonMalformed},
		{name: "tab in payload", token: vary(1, "\t"), kind: inv, reason: albjwt.ReasonMalformed},
		{name: "trailing newline", token: around("", "\n"), kind: inv, reason: albjwt.ReasonMalformed},
		{name: "leading space", token: around(" ", ""), kind: inv, reason: albjwt.ReasonMalformed},
		{name: "padding in the middle", token: vary(1, "=="), kind: inv, reason: albjwt.ReasonMalformed},

		// Anything after the JSON object (RFC 7519 §7.2, RFC 7515 §5.2),
		// and member names given twice, even when the signature verifies.
		{name: "header trailing object", token: raw(func(h, p string) (string, string) { return h + ` {}`, p }), kind: inv, reason: albjwt.ReasonMalformed},
		{name: "header trailing text", token: raw(func(h, p string) (string, string) { return h + `x`, p }), kind: inv, reason: albjwt.ReasonMalformed},
		{name: "payload trailing object", token: raw(func(h, p string) (string, string) { return h, p + `{"sub":"admin"}` }), kind: inv, reason: albjwt.ReasonMalformed},
		{name: "payload trailing text", token: raw(func(h, p string) (string, string) { return h, p + ` garbage` }), kind: inv, reason: albjwt.ReasonMalformed},
		{name: "payload duplicate sub", token: raw(func(h, p string) (string, string) { return h, strings.TrimSuffix(p, "}") + `,"sub":"admin"}` }), kind: inv, reason: albjwt.ReasonMalformed},
		{name: "header duplicate signer", token: raw(func(h, p string) (string, string) {
			return strings.TrimSuffix(h, "}") + `,"signer":"arn:aws:elasticloadbalancing:eu-west-1:999999999999:loadbalancer/app/x/0"}`, p
		}), kind: inv, reason: albjwt.ReasonMalformed},

		// nbf in the future by any amount; NumericDates that overflow.
		{name: "payload nbf half a second ahead", token: claim("nbf", nbfAt(500*time.Millisecond)), kind: inv, reason: albjwt.ReasonNotYetValid, fetches: 1},
		{name: "payload nbf a millisecond ahead", token: claim("nbf", nbfAt(time.Millisecond)), kind: inv, reason: albjwt.ReasonNotYetValid, fetches: 1},
		{name: "payload nbf overflows", token: claim("nbf", "1e300"), kind: inv, reason: albjwt.ReasonBadClaims},
		{name: "payload nbf negative", token: claim("nbf", "-1"), kind: inv, reason: albjwt.ReasonBadClaims},
		{name: "payload exp overflows", token: claim("exp", "1e300"), kind: inv, reason: albjwt.ReasonBadClaims},
		{name: "payload exp beyond 9999", token: claim("exp", "253402300800"), kind: inv, reason: albjwt.ReasonBadClaims},

		// Registered claims of the wrong type (RFC 7519 §4.1).
		{name: "payload iat string", token: claim("iat", `"1893553445"`), kind: inv, reason: albjwt.ReasonBadClaims},
		{name: "payload nbf string", token: claim("nbf", `"1893553445"`), kind: inv, reason: albjwt.ReasonBadClaims},
		{name: "payload nbf boolean", token: claim("nbf", `true`), kind: inv, reason: albjwt.ReasonBadClaims},
		{name: "payload aud number", token: claim("aud", `5`), kind: inv, reason: albjwt.ReasonBadClaims},
		{name: "payload aud array of numbers", token: claim("aud", `["a",5]`), kind: inv, reason: albjwt.ReasonBadClaims},
		{name: "payload aud object", token: claim("aud", `{"a":"b"}`), kind: inv, reason: albjwt.ReasonBadClaims},
		{name: "payload jti number", token: claim("jti", `7`), kind: inv, reason: albjwt.ReasonBadClaims},
		{name: "payload scope array", token: claim("scope", `["openid"]`), kind: inv, reason: albjwt.ReasonBadClaims},
		{name: "payload iss number", token: claim("iss", `1`), kind: inv, reason: albjwt.ReasonBadClaims},
		{name: "payload iss missing", token: claim("iss", ""), kind: inv, reason: albjwt.ReasonIssuerMismatch, fetches: 1},
		{name: "valid aud string", token: claim("aud", `"x"`), fetches: 1},
		{name: "valid aud array", token: claim("aud", `["x","y"]`), fetches: 1},
		{name: "valid fractional nbf in the past", token: claim("nbf", nbfAt(-500*time.Millisecond)), fetches: 1},

		// crit: we understand no extension (RFC 7515 §4.1.11).
		{name: "crit header", token: func(t *testing.T, f *fixture) string {
			return f.mint(t, user(f), albsim.WithHeader("crit", []string{"exp"}))
		}, kind: inv, reason: albjwt.ReasonCritHeader},
		{name: "crit empty", token: func(t *testing.T, f *fixture) string {
			return f.mint(t, user(f), albsim.WithHeader("crit", []string{}))
		}, kind: inv, reason: albjwt.ReasonCritHeader},
		{name: "b64 header", token: func(t *testing.T, f *fixture) string {
			return f.mint(t, user(f), albsim.WithHeader("b64", false))
		}, kind: inv, reason: albjwt.ReasonCritHeader},

		// The key endpoint's body: one PEM "PUBLIC KEY" block without
		// headers, an SPKI P-256 key, nothing else.
		{name: "key PEM with headers", token: keyBody(func(f *fixture) []byte {
			b, _ := pem.Decode(f.lb.Key.PublicKeyPEM())
			b.Headers = map[string]string{"Comment": "x"}
			return pem.EncodeToMemory(b)
		}), kind: unav, reason: albjwt.ReasonKeyUnusable, fetches: 1},
		{name: "key after leading text", token: keyBody(func(f *fixture) []byte {
			return append([]byte("here is the key:\n"), f.lb.Key.PublicKeyPEM()...)
		}), kind: unav, reason: albjwt.ReasonKeyUnusable, fetches: 1},
		{name: "key twice", token: keyBody(func(f *fixture) []byte {
			return append(f.lb.Key.PublicKeyPEM(), f.lb.Key.PublicKeyPEM()...)
		}), kind: unav, reason: albjwt.ReasonKeyUnusable, fetches: 1},
		{name: "key EC PRIVATE KEY block", token: keyBody(func(f *fixture) []byte {
			return []byte(strings.ReplaceAll(string(f.lb.Key.PublicKeyPEM()), "PUBLIC KEY", "EC PUBLIC KEY"))
		}), kind: unav, reason: albjwt.ReasonKeyUnusable, fetches: 1},
		{name: "valid key with a trailing newline", token: func(t *testing.T, f *fixture) string {
			f.lb.Keys.Serve(f.lb.Key.ID, append(f.lb.Key.PublicKeyPEM(), '\n'))
			return f.mint(t, user(f))
		}, fetches: 1},
	}
}

// TestStrictMatrix runs strictCases like TestVerifyMatrix runs verifyCases.
func TestStrictMatrix(t *testing.T) {
	t.Parallel()
	runCases(t, strictCases())
}
