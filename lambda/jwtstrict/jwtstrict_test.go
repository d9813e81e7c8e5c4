package jwtstrict_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/jwtstrict"
)

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func b64pad(s string) string { return base64.URLEncoding.EncodeToString([]byte(s)) }

const (
	goodHeader  = `{"alg":"RS256","kid":"k1","typ":"JWT"}`
	goodPayload = `{"sub":"u","iss":"https://issuer","exp":1700000000,"iat":1690000000,"scope":"a b","aud":["x","y"]}`
)

var goodSig = b64("signature-bytes")

func compact(h, p string) string { return b64(h) + "." + b64(p) + "." + goodSig }

func TestParse(t *testing.T) {
	t.Parallel()
	good := compact(goodHeader, goodPayload)
	padHeader := `{"alg":"ES256","kid":"k"}` // 25 bytes: padded with "=="
	if !strings.HasSuffix(b64pad(padHeader), "=") {
		t.Fatal("fixture: padHeader must need padding")
	}
	paddedTok := b64pad(padHeader) + "." + b64pad(goodPayload) + "." + b64pad("sig")

	cases := []struct {
		name  string
		token string
		opts  jwtstrict.Options
		want  error // nil means accepted
	}{
		{"valid", good, jwtstrict.Options{}, nil},
		{"valid padded with padding allowed", paddedTok, jwtstrict.Options{Padding: true}, nil},
		{"valid unpadded with padding allowed", good, jwtstrict.Options{Padding: true}, nil},
		{"padding when not allowed", paddedTok, jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"too much padding", b64pad(padHeader) + "==." + b64(goodPayload) + "." + goodSig, jwtstrict.Options{Padding: true}, jwtstrict.ErrMalformed},
		{"padding in the middle", b64(padHeader)[:4] + "=" + b64(padHeader)[4:] + "." + b64(goodPayload) + "." + goodSig, jwtstrict.Options{Padding: true}, jwtstrict.ErrMalformed},
		{"padding on a segment that needs none", b64(`{"alg":"ES256","x":1}`) + "====" + "." + b64(goodPayload) + "." + goodSig, jwtstrict.Options{Padding: true}, jwtstrict.ErrMalformed},
		{"empty", "", jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"one segment", b64(goodHeader), jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"two segments", b64(goodHeader) + "." + b64(goodPayload), jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"four segments", good + "." + goodSig, jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"empty signature (unsigned)", b64(goodHeader) + "." + b64(goodPayload) + ".", jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"empty header", "." + b64(goodPayload) + "." + goodSig, jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"empty payload", b64(goodHeader) + ".." + goodSig, jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"LF in header", b64(goodHeader)[:8] + "\n" + b64(goodHeader)[8:] + "." + b64(goodPayload) + "." + goodSig, jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"CR in payload", b64(goodHeader) + "." + b64(goodPayload)[:8] + "\r" + b64(goodPayload)[8:] + "." + goodSig, jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"CRLF in signature", b64(goodHeader) + "." + b64(goodPayload) + "." + goodSig[:4] + "\r\n" + goodSig[4:], jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"space inside", b64(goodHeader) + " ." + b64(goodPayload) + "." + goodSig, jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"tab inside", b64(goodHeader) + ".\t" + b64(goodPayload) + "." + goodSig, jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"leading space", " " + good, jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"trailing newline", good + "\n", jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"standard base64 plus", b64(goodHeader) + "." + b64(goodPayload) + ".ab+c", jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"standard base64 slash", b64(goodHeader) + "." + b64(goodPayload) + ".ab/c", jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"non-ASCII byte", b64(goodHeader) + "." + b64(goodPayload) + ".ab\xc3\xa9c", jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"non-canonical trailing bits", b64(goodHeader) + "." + b64(goodPayload) + ".AB", jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"impossible length", b64(goodHeader) + "." + b64(goodPayload) + ".ABCDE", jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"header not JSON", compact(`alg`, goodPayload), jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"header an array", compact(`["alg"]`, goodPayload), jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"header a string", compact(`"RS256"`, goodPayload), jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"header null", compact(`null`, goodPayload), jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"trailing object after header", compact(goodHeader+`{}`, goodPayload), jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"trailing garbage after header", compact(goodHeader+`x`, goodPayload), jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"trailing NUL after header", compact(goodHeader+"\x00", goodPayload), jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"trailing object after payload", compact(goodHeader, goodPayload+`{"sub":"admin"}`), jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"trailing garbage after payload", compact(goodHeader, goodPayload+`]`), jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"trailing JSON whitespace is valid JSON text", compact(goodHeader+" \n", goodPayload+"\t"), jwtstrict.Options{}, nil},
		{"truncated payload JSON", compact(goodHeader, goodPayload[:len(goodPayload)-1]), jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"invalid UTF-8 in payload", compact(goodHeader, `{"sub":"u`+"\xff"+`"}`), jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"duplicate header member", compact(`{"alg":"RS256","alg":"none"}`, goodPayload), jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"duplicate payload member", compact(goodHeader, `{"sub":"u","sub":"admin"}`), jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"duplicate nested member", compact(goodHeader, `{"sub":"u","x":{"a":1,"a":2}}`), jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"too deep", compact(goodHeader, `{"x":`+strings.Repeat("[", 40)+strings.Repeat("]", 40)+`}`), jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"crit header", compact(`{"alg":"RS256","kid":"k1","crit":["exp"],"exp":1}`, goodPayload), jwtstrict.Options{}, jwtstrict.ErrCrit},
		{"empty crit header", compact(`{"alg":"RS256","crit":[]}`, goodPayload), jwtstrict.Options{}, jwtstrict.ErrCrit},
		{"b64 header", compact(`{"alg":"RS256","b64":false}`, goodPayload), jwtstrict.Options{}, jwtstrict.ErrCrit},
		{"alg missing", compact(`{"kid":"k1"}`, goodPayload), jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"alg a number", compact(`{"alg":256}`, goodPayload), jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"alg empty", compact(`{"alg":""}`, goodPayload), jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"kid a number", compact(`{"alg":"RS256","kid":1}`, goodPayload), jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"typ an object", compact(`{"alg":"RS256","typ":{}}`, goodPayload), jwtstrict.Options{}, jwtstrict.ErrMalformed},
		{"payload exp a string", compact(goodHeader, `{"exp":"1700000000"}`), jwtstrict.Options{}, jwtstrict.ErrClaimType},
		{"payload scope an array", compact(goodHeader, `{"scope":["a"]}`), jwtstrict.Options{}, jwtstrict.ErrClaimType},
		{"payload aud a number", compact(goodHeader, `{"aud":1}`), jwtstrict.Options{}, jwtstrict.ErrClaimType},
		{"payload not an object", compact(goodHeader, `[]`), jwtstrict.Options{}, jwtstrict.ErrMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tok, err := jwtstrict.Parse(tc.token, tc.opts)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Parse: %v, want success", err)
				}
				if tok.Header["alg"] == nil || tok.Payload == nil || len(tok.Signature) == 0 {
					t.Fatalf("Parse returned %+v", tok)
				}
				if !strings.HasPrefix(tc.token, tok.SigningInput+".") {
					t.Fatalf("SigningInput %q is not the token's first two segments", tok.SigningInput)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("Parse: %v, want %v", err, tc.want)
			}
			if tok != nil {
				t.Fatal("Parse returned a token with an error")
			}
			if len(tc.token) > 20 && strings.Contains(err.Error(), tc.token[:20]) {
				t.Fatalf("error %q contains token text", err)
			}
		})
	}
}

func TestParseKeepsNumbersExact(t *testing.T) {
	t.Parallel()
	tok, err := jwtstrict.Parse(compact(goodHeader, `{"exp":1700000000.123456789,"n":{"deep":[1,"a",true,null]}}`), jwtstrict.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := tok.Payload["exp"]; got != json.Number("1700000000.123456789") {
		t.Fatalf("exp = %#v", got)
	}
	exp, err := jwtstrict.NumericDate(tok.Payload["exp"])
	if err != nil || exp.Nanosecond() != 123456789 || exp.Unix() != 1700000000 {
		t.Fatalf("NumericDate = %v, %v", exp, err)
	}
	deep := tok.Payload["n"].(map[string]any)["deep"].([]any)
	if len(deep) != 4 || deep[0] != json.Number("1") || deep[1] != "a" || deep[2] != true || deep[3] != nil {
		t.Fatalf("nested = %#v", deep)
	}
}

func TestCheckClaimTypes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		payload string
		want    error
	}{
		{"none present", `{}`, nil},
		{"all well typed", `{"exp":1,"nbf":0,"iat":2.5,"iss":"i","sub":"s","jti":"j","scope":"a b","client_id":"c","token_use":"access","aud":"a"}`, nil},
		{"aud array", `{"aud":["a","b"]}`, nil},
		{"aud empty array", `{"aud":[]}`, nil},
		{"exp exponent form", `{"exp":1.7e9}`, nil},
		{"exp max", `{"exp":253402300799}`, nil},
		{"exp string", `{"exp":"1"}`, jwtstrict.ErrClaimType},
		{"exp null", `{"exp":null}`, jwtstrict.ErrClaimType},
		{"exp bool", `{"exp":true}`, jwtstrict.ErrClaimType},
		{"exp negative", `{"exp":-1}`, jwtstrict.ErrClaimType},
		{"exp overflow", `{"exp":1e400}`, jwtstrict.ErrClaimType},
		{"exp beyond year 9999", `{"exp":253402300800}`, jwtstrict.ErrClaimType},
		{"exp int64 overflow", `{"exp":9223372036854775808}`, jwtstrict.ErrClaimType},
		{"nbf string", `{"nbf":"0"}`, jwtstrict.ErrClaimType},
		{"nbf overflow", `{"nbf":1e309}`, jwtstrict.ErrClaimType},
		{"iat array", `{"iat":[1]}`, jwtstrict.ErrClaimType},
		{"iss number", `{"iss":1}`, jwtstrict.ErrClaimType},
		{"sub number", `{"sub":1}`, jwtstrict.ErrClaimType},
		{"sub null", `{"sub":null}`, jwtstrict.ErrClaimType},
		{"jti object", `{"jti":{}}`, jwtstrict.ErrClaimType},
		{"scope array", `{"scope":["a","b"]}`, jwtstrict.ErrClaimType},
		{"client_id number", `{"client_id":123}`, jwtstrict.ErrClaimType},
		{"token_use bool", `{"token_use":true}`, jwtstrict.ErrClaimType},
		{"aud number", `{"aud":1}`, jwtstrict.ErrClaimType},
		{"aud array with a number", `{"aud":["a",1]}`, jwtstrict.ErrClaimType},
		{"aud object", `{"aud":{"a":"b"}}`, jwtstrict.ErrClaimType},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			claims, err := jwtstrict.DecodeObject([]byte(tc.payload))
			if err != nil {
				t.Fatal(err)
			}
			err = jwtstrict.CheckClaimTypes(claims)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("CheckClaimTypes(%s) = %v, want %v", tc.payload, err, tc.want)
			}
		})
	}
}

func TestTimeChecks(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 1, 2, 3, 4, 5, 500_000_000, time.UTC) // x.5 s
	sec := now.Unix()
	num := func(s string) map[string]any {
		m, err := jwtstrict.DecodeObject([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	at := func(name string, secs int64, frac string) map[string]any {
		return num(`{"` + name + `":` + jsonInt(secs) + frac + `}`)
	}
	cases := []struct {
		name  string
		check func() error
		want  error
	}{
		{"exp in the future", func() error { _, err := jwtstrict.CheckExpiry(at("exp", sec+60, ""), now, 0, true); return err }, nil},
		{"exp missing, required", func() error { _, err := jwtstrict.CheckExpiry(num(`{}`), now, 0, true); return err }, jwtstrict.ErrMissing},
		{"exp missing, optional", func() error { _, err := jwtstrict.CheckExpiry(num(`{}`), now, 0, false); return err }, nil},
		{"exp exactly now", func() error { _, err := jwtstrict.CheckExpiry(at("exp", sec, ".5"), now, 0, true); return err }, jwtstrict.ErrExpired},
		{"exp half a second ago", func() error { _, err := jwtstrict.CheckExpiry(at("exp", sec, ""), now, 0, true); return err }, jwtstrict.ErrExpired},
		{"exp a nanosecond ahead", func() error { _, err := jwtstrict.CheckExpiry(at("exp", sec, ".500000001"), now, 0, true); return err }, nil},
		{"exp past but within leeway", func() error {
			_, err := jwtstrict.CheckExpiry(at("exp", sec-5, ""), now, 10*time.Second, true)
			return err
		}, nil},
		{"exp past beyond leeway", func() error {
			_, err := jwtstrict.CheckExpiry(at("exp", sec-11, ""), now, 10*time.Second, true)
			return err
		}, jwtstrict.ErrExpired},
		{"exp a string", func() error { _, err := jwtstrict.CheckExpiry(num(`{"exp":"9999999999"}`), now, 0, true); return err }, jwtstrict.ErrClaimType},
		{"nbf absent", func() error { return jwtstrict.CheckNotBefore(num(`{}`), now, 0) }, nil},
		{"nbf exactly now", func() error { return jwtstrict.CheckNotBefore(at("nbf", sec, ".5"), now, 0) }, nil},
		{"nbf past", func() error { return jwtstrict.CheckNotBefore(at("nbf", sec, ""), now, 0) }, nil},
		{"nbf a fraction of a second ahead", func() error { return jwtstrict.CheckNotBefore(at("nbf", sec, ".6"), now, 0) }, jwtstrict.ErrNotYetValid},
		{"nbf a nanosecond ahead", func() error { return jwtstrict.CheckNotBefore(at("nbf", sec, ".500000001"), now, 0) }, jwtstrict.ErrNotYetValid},
		{"nbf ahead within leeway", func() error { return jwtstrict.CheckNotBefore(at("nbf", sec+5, ""), now, 10*time.Second) }, nil},
		{"nbf ahead beyond leeway", func() error { return jwtstrict.CheckNotBefore(at("nbf", sec+11, ""), now, 10*time.Second) }, jwtstrict.ErrNotYetValid},
		{"nbf overflow", func() error { return jwtstrict.CheckNotBefore(num(`{"nbf":1e300}`), now, 0) }, jwtstrict.ErrClaimType},
		{"iat past", func() error { _, err := jwtstrict.CheckIssuedAt(at("iat", sec-60, ""), now, 0, true); return err }, nil},
		{"iat missing, required", func() error { _, err := jwtstrict.CheckIssuedAt(num(`{}`), now, 0, true); return err }, jwtstrict.ErrMissing},
		{"iat a fraction ahead", func() error { _, err := jwtstrict.CheckIssuedAt(at("iat", sec, ".7"), now, 0, true); return err }, jwtstrict.ErrIssuedInFuture},
		{"iat ahead within leeway", func() error {
			_, err := jwtstrict.CheckIssuedAt(at("iat", sec+1, ""), now, 2*time.Second, true)
			return err
		}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.check()
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func jsonInt(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestNumericDate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   any
		want time.Time
		ok   bool
	}{
		{"integer", json.Number("1700000000"), time.Unix(1700000000, 0), true},
		{"fraction", json.Number("1700000000.25"), time.Unix(1700000000, 250_000_000), true},
		{"beyond nanoseconds truncated", json.Number("1.0000000019"), time.Unix(1, 1), true},
		{"exponent", json.Number("17e8"), time.Unix(1700000000, 0), true},
		{"zero", json.Number("0"), time.Unix(0, 0), true},
		{"float64", float64(1700000000.5), time.Unix(1700000000, 500_000_000), true},
		{"max", json.Number("253402300799"), time.Unix(MaxNumericDate(), 0), true},
		{"beyond max", json.Number("253402300799.5"), time.Time{}, false},
		{"negative", json.Number("-0.5"), time.Time{}, false},
		{"NaN text", json.Number("NaN"), time.Time{}, false},
		{"Inf text", json.Number("Inf"), time.Time{}, false},
		{"int", 5, time.Time{}, false},
		{"string", "5", time.Time{}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := jwtstrict.NumericDate(tc.in)
			if tc.ok != (err == nil) {
				t.Fatalf("NumericDate(%v) error %v, want ok=%v", tc.in, err, tc.ok)
			}
			if tc.ok && !got.Equal(tc.want) {
				t.Fatalf("NumericDate(%v) = %v, want %v", tc.in, got, tc.want)
			}
			if !tc.ok && !errors.Is(err, jwtstrict.ErrClaimType) {
				t.Fatalf("error %v does not wrap ErrClaimType", err)
			}
		})
	}
}

func MaxNumericDate() int64 { return jwtstrict.MaxNumericDate }

func TestStringOrStrings(t *testing.T) {
	t.Parallel()
	if got, err := jwtstrict.StringOrStrings("a"); err != nil || len(got) != 1 || got[0] != "a" {
		t.Fatalf("string: %v %v", got, err)
	}
	if got, err := jwtstrict.StringOrStrings([]any{"a", "b"}); err != nil || len(got) != 2 {
		t.Fatalf("array: %v %v", got, err)
	}
	for _, bad := range []any{nil, json.Number("1"), []any{"a", nil}, map[string]any{}} {
		if _, err := jwtstrict.StringOrStrings(bad); !errors.Is(err, jwtstrict.ErrClaimType) {
			t.Fatalf("StringOrStrings(%#v) = %v", bad, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(compact(goodHeader, goodPayload), false)
	f.Add(b64pad(`{"alg":"ES256"}`)+"."+b64pad(goodPayload)+"."+b64pad("s"), true)
	f.Add(compact(goodHeader+"{}", goodPayload), false)
	f.Add(compact(`{"alg":"RS256","crit":[]}`, goodPayload), false)
	f.Fuzz(func(t *testing.T, token string, padding bool) {
		tok, err := jwtstrict.Parse(token, jwtstrict.Options{Padding: padding})
		if err != nil {
			if tok != nil {
				t.Fatal("token with error")
			}
			return
		}
		// Whatever is accepted is three base64url segments with no
		// whitespace, and re-encoding what was decoded gives the same text.
		if strings.ContainsAny(token, " \t\r\n") || strings.Count(token, ".") != 2 {
			t.Fatalf("accepted %q", token)
		}
		if _, ok := tok.Header["crit"]; ok {
			t.Fatal("accepted crit")
		}
		sig := token[len(tok.SigningInput)+1:]
		enc := base64.RawURLEncoding
		if strings.HasSuffix(sig, "=") {
			enc = base64.URLEncoding
		}
		if enc.EncodeToString(tok.Signature) != sig {
			t.Fatalf("signature %q does not round-trip", sig)
		}
	})
}

func TestDecodeObject(t *testing.T) {
	t.Parallel()
	many := func(dup bool) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range 40 {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(`"k` + jsonInt(int64(i)) + `":1`)
		}
		if dup {
			b.WriteString(`,"k7":2`)
		}
		b.WriteString("}")
		return b.String()
	}
	cases := []struct {
		name string
		in   string
		ok   bool
	}{
		{"empty object", `{}`, true},
		{"leading and trailing whitespace", " \t\r\n{} \n", true},
		{"same name in sibling objects", `{"a":{"x":1},"b":{"x":2},"c":[{"x":1},{"x":2}]}`, true},
		{"name equal to a value", `{"a":"a","b":["a","b"]}`, true},
		{"structural characters inside strings", `{"a":"{\"a\":1,[]}:,","b":"\\","c\"":1,"c":2}`, true},
		{"40 distinct names", many(false), true},
		{"duplicate among 40 names", many(true), false},
		{"duplicate spelled with an escape", `{"a":1,"\u0061":2}`, false},
		{"duplicate with escaped quote", `{"c\"":1,"c\u0022":2}`, false},
		{"duplicate inside an array element", `{"a":[{"x":1,"x":1}]}`, false},
		{"32 levels deep", `{"a":` + strings.Repeat("[", 31) + strings.Repeat("]", 31) + `}`, true},
		{"33 levels deep", `{"a":` + strings.Repeat("[", 32) + strings.Repeat("]", 32) + `}`, false},
		{"null", `null`, false},
		{"array", `[]`, false},
		{"number", `1`, false},
		{"empty", ``, false},
		{"two objects", `{}{}`, false},
		{"object then comma", `{},`, false},
		{"invalid UTF-8 in a name", "{\"\xc3\":1}", false},
		{"overlong UTF-8", "{\"a\":\"\xc0\xaf\"}", false},
		{"BOM", "\xef\xbb\xbf{}", false},
		{"single quotes", `{'a':1}`, false},
		{"trailing comma", `{"a":1,}`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, err := jwtstrict.DecodeObject([]byte(tc.in))
			if tc.ok != (err == nil) {
				t.Fatalf("DecodeObject(%q) = %v, want ok=%v", tc.in, err, tc.ok)
			}
			if !tc.ok && !errors.Is(err, jwtstrict.ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			if tc.ok && m == nil {
				t.Fatal("nil map")
			}
		})
	}
}

func FuzzDecodeObject(f *testing.F) {
	f.Add(`{"a":1,"b":[{"c":"d"}]}`)
	f.Add(`{"a":1,"\u0061":2}`)
	f.Add(`{"a":"{\"a\":1}"}`)
	f.Fuzz(func(t *testing.T, in string) {
		m, err := jwtstrict.DecodeObject([]byte(in))
		if err != nil {
			return
		}
		// Anything accepted is an object that encoding/json also decodes
		// to the same number of members.
		var ref map[string]any
		if err := json.Unmarshal([]byte(in), &ref); err != nil || ref == nil {
			t.Fatalf("accepted %q, which encoding/json rejects: %v", in, err)
		}
		if len(ref) != len(m) {
			t.Fatalf("%q: %d members, encoding/json %d", in, len(m), len(ref))
		}
	})
}
