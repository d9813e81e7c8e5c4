package page_test

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/page"
)

// TestCSPAllowsTheStyleSheet: the policy allows exactly the inline style
// sheet, by hash, and nothing else (no script, no connection, no frame).
func TestCSPAllowsTheStyleSheet(t *testing.T) {
	sum := sha256.Sum256([]byte(page.CSS))
	if want := "style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(page.CSP, want) {
		t.Errorf("CSP %q lacks %q", page.CSP, want)
	}
	for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'", "form-action 'none'", "base-uri 'none'"} {
		if !strings.Contains(page.CSP, want) {
			t.Errorf("CSP %q lacks %q", page.CSP, want)
		}
	}
	if doc := page.Document("T", "<p>x</p>"); !strings.Contains(doc, "<style>"+page.CSS+"</style>") || !strings.Contains(doc, "<title>T</title>") {
		t.Errorf("document %q", doc)
	}
}

func TestSetSecurityHeaders(t *testing.T) {
	h := http.Header{"Cache-Control": {"public"}}
	page.SetSecurityHeaders(h)
	for k, v := range map[string]string{
		"Cache-Control": "no-store", "Content-Security-Policy": page.CSP, "Referrer-Policy": "no-referrer",
		"Strict-Transport-Security": "max-age=31536000", "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
	} {
		if got := h.Values(k); len(got) != 1 || got[0] != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

// TestHeaderValuesIndependent: the values share one allocation, but
// appending to one header's values leaves every other header as it was.
func TestHeaderValuesIndependent(t *testing.T) {
	w := httptest.NewRecorder()
	page.Write(w, http.StatusOK, page.TypeHTML, "x")
	h := w.Header()
	want := h.Clone()
	for k := range want {
		h[k] = append(h[k], "added")
		for other, vs := range want {
			if other != k && !slices.Equal(h[other], vs) {
				t.Fatalf("appending to %s changed %s to %q", k, other, h[other])
			}
		}
		h[k] = want[k]
	}
}

// TestWrite: the whole response in one call: status, the security headers,
// the content type, an exact Content-Length and the body as given, the same
// whether the body is a string or a []byte.
func TestWrite(t *testing.T) {
	cases := []struct {
		status      int
		ctype, body string
	}{
		{http.StatusOK, page.TypeHTML, "<p>é</p>"},
		{http.StatusUnauthorized, page.TypeJSON, `{"error":"unauthorized"}`},
		{http.StatusInternalServerError, page.TypeText, ""},
		{http.StatusOK, page.TypeHTML, "<p>é</p>"},
	}
	for i, tc := range cases {
		w := httptest.NewRecorder()
		if i%2 == 0 {
			page.Write(w, tc.status, tc.ctype, tc.body)
		} else {
			page.Write(w, tc.status, tc.ctype, []byte(tc.body))
		}
		res := w.Result()
		if res.StatusCode != tc.status || w.Body.String() != tc.body {
			t.Errorf("Write(%d, %q) = %d %q", tc.status, tc.body, res.StatusCode, w.Body.String())
		}
		if got := res.Header.Get("Content-Type"); got != tc.ctype {
			t.Errorf("Content-Type %q, want %q", got, tc.ctype)
		}
		if got, want := res.Header.Get("Content-Length"), strconv.Itoa(len(tc.body)); got != want {
			t.Errorf("Content-Length %q, want %q", got, want)
		}
		if res.Header.Get("Content-Security-Policy") != page.CSP || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("security headers missing: %v", res.Header)
		}
	}
}

// TestWantsJSON: JSON only when asked for and HTML is not, whatever the
// case and however the values are split.
func TestWantsJSON(t *testing.T) {
	cases := []struct {
		accept []string
		want   bool
	}{
		{nil, false},
		{[]string{"*/*"}, false},
		{[]string{"application/json"}, true},
		{[]string{"Application/JSON; q=0.9"}, true},
		{[]string{"text/html,application/xhtml+xml,application/json;q=0.9"}, false},
		{[]string{"application/json", "TEXT/HTML"}, false},
		{[]string{"text/plain", "application/json"}, true},
	}
	for _, tc := range cases {
		if got := page.WantsJSON(tc.accept); got != tc.want {
			t.Errorf("WantsJSON(%q) = %v, want %v", tc.accept, got, tc.want)
		}
	}
}
