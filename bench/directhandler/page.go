package directhandler

import (
	"crypto/sha256"
	"encoding/base64"
	"html/template"
)

// css is the page's only style sheet, inlined. The Content-Security-Policy
// allows exactly this text by its hash, so edit it freely: the hash follows.
const css = `:root{color-scheme:light dark;--fg:#1b1f24;--bg:#f4f6f8;--card:#fff;--mute:#5b6570;--line:#dde2e7;--accent:#0b5fff}` +
	`@media(prefers-color-scheme:dark){:root{--fg:#e6e9ed;--bg:#121417;--card:#1c2024;--mute:#9aa4ae;--line:#31373d}}` +
	`*{box-sizing:border-box}` +
	`body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);padding:0 1rem}` +
	`main{max-width:52rem;margin:2rem auto;padding:1.5rem;background:var(--card);border:1px solid var(--line);border-radius:12px}` +
	`header{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;justify-content:space-between}` +
	`h1{font-size:1.4rem;margin:0;overflow-wrap:anywhere}h2{font-size:1.05rem;margin:2rem 0 .5rem}` +
	`dl{display:grid;grid-template-columns:max-content 1fr;gap:.4rem 1.25rem;margin:1.5rem 0}dt{color:var(--mute)}dd{margin:0;overflow-wrap:anywhere}` +
	`a{color:var(--accent)}.btn{padding:.5rem 1rem;border-radius:8px;background:var(--accent);color:#fff;text-decoration:none;font-weight:600}` +
	`.scroll{overflow-x:auto}table{width:100%;border-collapse:collapse;font-size:.9rem}` +
	`th,td{text-align:left;vertical-align:top;padding:.45rem .6rem;border-top:1px solid var(--line)}td{overflow-wrap:anywhere}` +
	`code{font:.9em ui-monospace,Menlo,Consolas,monospace}.note{color:var(--mute);font-size:.85rem}` +
	`@media(max-width:36rem){body{padding:0}main{margin:0;border-width:0;border-radius:0}dl{grid-template-columns:1fr;gap:0}dd{margin-bottom:.6rem}}`

// csp allows nothing but the inline style sheet above.
var csp = func() string {
	sum := sha256.Sum256([]byte(css))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
		"'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}()

// head and foot are the static parts every page shares; head needs the
// page title between its halves.
const (
	headStart = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
		`<meta name="robots" content="noindex"><title>`
	headEnd = `</title><style>` + css + `</style></head>
<body><main>
`
	foot = `</main></body></html>
`
)

// pageHTML holds the pages. The claims page, rendered on every request, is
// kept to one action per value shown: its title is static text and the data
// arrive as plain strings computed once in Go (see renderHTML), so each
// action is just a field lookup and the escaper html/template adds.
const pageHTML = `{{define "claims"}}` + headStart + `Who am I` + headEnd +
	`<header><h1>Signed in as {{.Who}}</h1><a class="btn" href="/logout">Sign out</a></header>
<dl><dt>Username</dt><dd>{{.Username}}</dd><dt>Email</dt><dd>{{.Email}}</dd>` +
	`<dt>Subject (sub)</dt><dd><code>{{.Sub}}</code></dd><dt>Session token expires</dt><dd><time datetime="{{.ExpiresISO}}">{{.Expires}}</time></dd></dl>
<h2>All claims</h2>
<div class="scroll"><table><thead><tr><th scope="col">Claim</th><th scope="col">Value</th></tr></thead><tbody>
{{range .Claims}}<tr><th scope="row"><code>{{.Name}}</code></th><td>{{.Value}}</td></tr>
{{end}}</tbody></table></div>
<p class="note">Read from the load balancer's signed x-amzn-oidc-data header after checking its signature, signer, client, issuer and expiry.</p>
` + foot + `{{end}}{{define "problem"}}` + headStart + `{{.Title}}` + headEnd + `<h1>{{.Title}}</h1>
<p>{{.Message}}</p>
<p><a href="/">Try again</a></p>
` + foot + `{{end}}`

// pages is parsed once; html/template escapes every claim for its context.
var pages = template.Must(template.New("pages").Parse(pageHTML))

type claimRow struct {
	Name  string
	Value string
}

type claimsPage struct {
	Who        string
	Username   string
	Email      string
	Sub        string
	Expires    string
	ExpiresISO string
	Claims     []claimRow
}

type problemPage struct {
	Title   string
	Message string
}
