package preview

import (
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"strings"
)

// css follows the look of the app's own pages (lambda/webapp/page.go).
const css = `:root{color-scheme:light dark;--fg:#1b1f24;--bg:#f4f6f8;--card:#fff;--mute:#5b6570;--line:#dde2e7;--accent:#0b5fff;--warn:#fff4d6;--warn-line:#e7c65c}` +
	`@media(prefers-color-scheme:dark){:root{--fg:#e6e9ed;--bg:#121417;--card:#1c2024;--mute:#9aa4ae;--line:#31373d;--warn:#2d2713;--warn-line:#6b5a1f}}` +
	`*{box-sizing:border-box}` +
	`body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);padding:0 1rem}` +
	`main{max-width:52rem;margin:2rem auto;padding:1.5rem;background:var(--card);border:1px solid var(--line);border-radius:12px}` +
	`h1{font-size:1.4rem;margin:0 0 1rem}h2{font-size:1.05rem;margin:1.5rem 0 .5rem}` +
	`.banner{margin:0 0 1.25rem;background:var(--warn);border:1px solid var(--warn-line);border-radius:8px;padding:.6rem .9rem;font-size:.9rem}` +
	`pre{margin:0;padding:.6rem .8rem;border:1px solid var(--line);border-radius:8px;white-space:pre-wrap;overflow-wrap:anywhere}` +
	`code,pre{font:.9em ui-monospace,Menlo,Consolas,monospace}ul{padding-left:1.2rem}li{margin:.3rem 0;overflow-wrap:anywhere}` +
	`a{color:var(--accent)}.btn{display:inline-block;margin-top:1.5rem;padding:.5rem 1rem;border-radius:8px;background:var(--accent);color:#fff;text-decoration:none;font-weight:600}` +
	`.note{color:var(--mute);font-size:.85rem}`

// pageCSP allows nothing but the inline style sheet above.
var pageCSP = func() string {
	sum := sha256.Sum256([]byte(css))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
		"'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}()

const redirectHTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
	`<meta name="robots" content="noindex"><title>{{if .SignOut}}Signed out{{else}}Redirect{{end}} (local preview)</title><style>` + css + `</style></head>
<body><main>
<p class="banner">Local preview: this page stands in for a redirect that would leave this machine.</p>
{{if .SignOut}}<h1>Signed out</h1>
<p>The app answered <code>{{.Path}}</code> with a {{.Status}} redirect to Cognito's logout endpoint. The real deployment would now send your browser there; Cognito ends its session and returns you to the app, where the load balancer asks you to sign in again.</p>
{{else}}<h1>Redirect to {{or .Host "another site"}}</h1>
<p>The app answered <code>{{.Path}}</code> with a {{.Status}} redirect off this machine. The preview does not follow it.</p>
{{end}}<h2>The deployment would redirect to</h2>
<pre id="location">{{.Location}}</pre>
{{if .Cookies}}<h2>Cookies it expires</h2>
<ul id="cookies">{{range .Cookies}}<li><code>{{.Name}}</code><br><span class="note">{{.Header}}</span></li>{{end}}</ul>
{{end}}<a class="btn" href="/">Back to the app</a>
<p class="note">In the preview, going back signs you in again as the same user.</p>
</main></body></html>
`

var redirectTmpl = template.Must(template.New("redirect").Parse(redirectHTML))

type cookie struct {
	Name   string
	Header string
}

type redirectPage struct {
	Status   int
	Location string
	Host     string
	Path     string
	SignOut  bool
	Cookies  []cookie
}

func renderRedirect(p redirectPage) (string, error) {
	var b strings.Builder
	if err := redirectTmpl.Execute(&b, p); err != nil {
		return "", err
	}
	return b.String(), nil
}
