package albhttp

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// viaEncodingJSON is the response as encoding/json writes it (HTML escaping
// off), the reference appendResponse must match byte for byte.
func viaEncodingJSON(t testing.TB, multi bool, resp response) []byte {
	t.Helper()
	type single struct {
		StatusCode        int               `json:"statusCode"`
		StatusDescription string            `json:"statusDescription"`
		Headers           map[string]string `json:"headers"`
		Body              string            `json:"body"`
		IsBase64Encoded   bool              `json:"isBase64Encoded"`
	}
	type multiple struct {
		StatusCode        int                 `json:"statusCode"`
		StatusDescription string              `json:"statusDescription"`
		MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
		Body              string              `json:"body"`
		IsBase64Encoded   bool                `json:"isBase64Encoded"`
	}
	body, b64 := string(resp.body), bodyIsBinary(resp)
	if b64 {
		body = base64.StdEncoding.EncodeToString(resp.body)
	}
	var v any
	if multi {
		h := map[string][]string(resp.header)
		if h == nil {
			h = map[string][]string{}
		}
		v = multiple{resp.status, statusDescription(resp.status), h, body, b64}
	} else {
		h := map[string]string{}
		for k, vs := range resp.header {
			if len(vs) > 0 {
				h[k] = strings.Join(vs, ", ")
			}
		}
		v = single{resp.status, statusDescription(resp.status), h, body, b64}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func checkEncoding(t *testing.T, resp response) {
	t.Helper()
	for _, multi := range []bool{false, true} {
		got := appendResponse(nil, multi, resp, bodyIsBinary(resp))
		want := viaEncodingJSON(t, multi, resp)
		if !bytes.Equal(got, want) {
			t.Errorf("multi=%v:\n got %s\nwant %s", multi, got, want)
		}
	}
}

func TestAppendResponseMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, resp := range []response{
		{status: 200, header: http.Header{}, body: nil},
		{status: 200, header: nil, body: []byte("x")},
		{status: 302, header: http.Header{"Location": {"/next?a=1&b=<2>"}, "Set-Cookie": {"a=1; Path=/", "b=2; Max-Age=0"}}},
		{status: 200, header: http.Header{"Content-Type": {"text/html; charset=utf-8"}, "Vary": {"Accept", "Cookie"}, "Empty": {}, "Nil": nil},
			body: []byte("<p>\"quotes\" \\ back\tslash\nline\r\b\f\x00\x1f\x7f é 日本 \u2028\u2029 & <script></p>")},
		{status: 200, header: http.Header{"Content-Type": {"text/plain"}}, body: []byte("caf\xe9 invalid")},
		{status: 200, header: http.Header{"Content-Type": {"image/png"}}, body: []byte("\x89PNG\r\n\x1a\n\x00\xff")},
		{status: 299, header: http.Header{"X-Bad": {"caf\xe9", "\u2028"}}, body: nil},
		{status: 500, header: http.Header{"Content-Type": {"application/json"}, "Content-Encoding": {"gzip"}}, body: []byte("{}")},
	} {
		checkEncoding(t, resp)
	}
}

// FuzzAppendResponse checks the hand-written encoder against encoding/json
// on arbitrary header values and bodies.
func FuzzAppendResponse(f *testing.F) {
	f.Add("text/html", "v", []byte("<p>hi</p>"))
	f.Add("text/plain", "a\x00b", []byte("\xff\xfe"))
	f.Add("application/json", "\u2028", []byte(`{"a":"\u2029"}`))
	f.Fuzz(func(t *testing.T, ctype, value string, body []byte) {
		checkEncoding(t, response{status: 200, header: http.Header{"Content-Type": {ctype}, "X-V": {value, value + "2"}}, body: body})
	})
}

// TestFirstSpecial: the word test finds the first byte not in plainASCII,
// for every pair of bytes at every pair of positions among plain ones (a
// borrow from one byte must neither hide an earlier one nor invent one).
func TestFirstSpecial(t *testing.T) {
	t.Parallel()
	for p := range 8 {
		for q := p; q < 8; q++ {
			for c := range 256 {
				for d := range 256 {
					w := []byte("aaaaaaaa")
					w[p], w[q] = byte(c), byte(d)
					want := 8
					for i, b := range w {
						if b >= 0x80 || !plainASCII[b] {
							want = i
							break
						}
					}
					x := uint64(0)
					for i, b := range w {
						x |= uint64(b) << (8 * i)
					}
					if got := firstSpecial(x); got != want {
						t.Fatalf("firstSpecial(%q) = %d, want %d", w, got, want)
					}
				}
			}
		}
	}
}
