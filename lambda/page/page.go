// Package page holds the look every HTML page of the function shares: one
// inline style sheet, the Content-Security-Policy that allows exactly it,
// the document head and foot, and the security headers sent with every
// response. The identity middleware's 401, 403 and 503 pages and the
// identity page are all built from it, so they look alike, and written by
// Write, so they carry the same headers.
package page

import (
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// CSS is the only style sheet, inlined. CSP allows exactly this text by its
// hash, so edit it freely: the hash follows.
const CSS = `:root{color-scheme:light dark;--fg:#1b1f24;--bg:#f4f6f8;--card:#fff;--mute:#5b6570;--line:#dde2e7;--accent:#0b5fff;--ok:#0a7a3b;--no:#b3261e}` +
	`@media(prefers-color-scheme:dark){:root{--fg:#e6e9ed;--bg:#121417;--card:#1c2024;--mute:#9aa4ae;--line:#31373d;--ok:#5fd08f;--no:#ff8a80}}` +
	`*{box-sizing:border-box}` +
	`body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);padding:0 1rem}` +
	`main{max-width:52rem;margin:2rem auto;padding:1.5rem;background:var(--card);border:1px solid var(--line);border-radius:12px}` +
	`header{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;justify-content:space-between}` +
	`h1{font-size:1.4rem;margin:0;overflow-wrap:anywhere}h2{font-size:1.05rem;margin:2rem 0 .5rem}` +
	`dl{display:grid;grid-template-columns:max-content 1fr;gap:.4rem 1.25rem;margin:1.5rem 0}dt{color:var(--mute)}dd{margin:0;overflow-wrap:anywhere}` +
	`a{color:var(--accent)}.btn{padding:.5rem 1rem;border-radius:8px;background:var(--accent);color:#fff;text-decoration:none;font-weight:600}` +
	`.scroll{overflow-x:auto}table{width:100%;border-collapse:collapse;font-size:.9rem}` +
	`th,td{text-align:left;vertical-align:top;padding:.45rem .6rem;border-top:1px solid var(--line)}td{overflow-wrap:anywhere}` +
	`code{font:.9em ui-monospace,Menlo,Consolas,monospace}.note{color:var(--mute);font-size:.85rem}.ok{color:var(--ok);font-weight:600}.no{color:var(--no);font-weight:600}` +
	`@media(max-width:36rem){body{padding:0}main{margin:0;border-width:0;border-radius:0}dl{grid-template-columns:1fr;gap:0}dd{margin-bottom:.6rem}}`

// CSP allows nothing but the inline style sheet CSS.
var CSP = func() string {
	sum := sha256.Sum256([]byte(CSS))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
		"'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}()

// The static parts of every page: a template's text is
// HeadStart + title + HeadEnd + body + Foot (see Document).
const (
	HeadStart = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
		`<meta name="robots" content="noindex"><title>`
	HeadEnd = `</title><style>` + CSS + `</style></head>
<body><main>
`
	Foot = `</main></body></html>
`
)

// Document returns the text of a whole page: title and body are template
// text (html/template escapes what they insert).
func Document(title, body string) string { return HeadStart + title + HeadEnd + body + Foot }

// securityHeaders go on every response the function writes itself.
var securityHeaders = [...][2]string{
	{"Cache-Control", "no-store"},
	{"Content-Security-Policy", CSP},
	{"Referrer-Policy", "no-referrer"},
	{"Strict-Transport-Security", "max-age=31536000"},
	{"X-Content-Type-Options", "nosniff"},
	{"X-Frame-Options", "DENY"},
}

// SetSecurityHeaders sets the headers every page is sent with: no caching
// (pages show one user's identity), the CSP above, no referrer, HSTS,
// nosniff and no framing.
func SetSecurityHeaders(h http.Header) {
	setHeaders(h, securityHeaders[:], make([]string, 0, len(securityHeaders)))
}

// setHeaders sets each header of kvs to its one value and returns vals
// with the values appended: with room in vals, one allocation holds them
// all. Each header's slice is capped at its value, so appending to one
// cannot change another.
func setHeaders(h http.Header, kvs [][2]string, vals []string) []string {
	for _, kv := range kvs {
		vals = append(vals, kv[1])
		n := len(vals)
		h[kv[0]] = vals[n-1 : n : n]
	}
	return vals
}

// Content types of the responses the function writes itself.
const (
	TypeHTML = "text/html; charset=utf-8"
	TypeJSON = "application/json; charset=utf-8"
	TypeText = "text/plain; charset=utf-8"
)

// Write sends body as the whole response: the security headers
// (SetSecurityHeaders), Content-Type ctype, Content-Length, then status and
// body. A body in a []byte is written as it is, without a copy to a string.
func Write[B string | []byte](w http.ResponseWriter, status int, ctype string, body B) {
	h := w.Header()
	vals := setHeaders(h, securityHeaders[:], make([]string, 0, len(securityHeaders)+2))
	setHeaders(h, [][2]string{{"Content-Type", ctype}, {"Content-Length", strconv.Itoa(len(body))}}, vals)
	w.WriteHeader(status)
	switch b := any(body).(type) {
	case string:
		_, _ = io.WriteString(w, b)
	case []byte:
		_, _ = w.Write(b)
	}
}

// WantsJSON reports whether a request's Accept header values ask for JSON
// rather than HTML: application/json is named and text/html is not
// (case-insensitively). A browser's navigation names text/html; fetch()
// with Accept: application/json does not.
func WantsJSON(accept []string) bool {
	a := strings.ToLower(strings.Join(accept, ","))
	return strings.Contains(a, "application/json") && !strings.Contains(a, "text/html")
}
