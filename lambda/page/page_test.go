package page_test

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
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
