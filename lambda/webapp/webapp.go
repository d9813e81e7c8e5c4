// Package webapp is the identity page: a plain http.Handler that shows the
// signed-in user's verified identity, groups and granted scopes, and for
// each route of the route table whether this user may enter it, as HTML or
// JSON. It runs behind the identity middleware (package identity), which
// verifies the load balancer's headers and applies each route's groups and
// scopes before the page runs; the page only reads identity.FromContext.
//
// FromEnv wires the two from the environment, for the Lambda main
// (lambda/whoami) and the local preview alike.
package webapp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/page"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// maxBody keeps responses well under the load balancer's 1 MB limit for a
// Lambda target's response.
const maxBody = 900 << 10

// Page serves the identity page. Create it with New.
type Page struct {
	// rows holds, per route of the table, in its order, what the page
	// shows of it.
	rows []routeRow
}

// routeRow is one route of the table as the page shows it. The route's
// cells (name, paths, requirement) come from the table alone, so each
// outcome's table row is rendered once, by the page's own template, and
// reused: a request only decides which outcome applies.
type routeRow struct {
	route    routes.Route
	requires string
	// html maps an outcome (ok, or the reason the route is denied) to the
	// route's table row. It is filled at construction with every outcome
	// the table alone determines and, for a route with several scopes, with
	// each set of missing scopes the first time one occurs. Every key is
	// configuration text (routes.Route names, groups and scopes, see
	// identity.Denial), never token content, so there are at most
	// 4 + 2^len(scopes) entries.
	html sync.Map // string → template.HTML
}

// allowedKey is the html key of the row for a route the user may enter; a
// denial's key is its reason, which is never empty.
const allowedKey = ""

// New returns the identity page for the route table the middleware
// enforces (identity.Middleware.Routes).
func New(table routes.Table) *Page {
	p := &Page{rows: make([]routeRow, len(table.Routes))}
	for i, rt := range table.Routes {
		r := &p.rows[i]
		r.route, r.requires = rt, requires(rt)
		// Every outcome known from the table alone. A failure here (none
		// is possible with string fields) leaves the row to be rendered,
		// and the failure reported, by the request that needs it.
		whys := []string{allowedKey, machinesOnly, noAccessToken}
		if len(rt.Groups) > 0 {
			whys = append(whys, groupsWhy(rt.Groups))
		}
		if len(rt.Scopes) > 0 {
			whys = append(whys, scopesWhy(rt.Scopes))
		}
		for _, why := range whys {
			_, _ = r.render(why)
		}
	}
	return p
}

// FromEnv is the one way from an environment to the function's handler:
// the identity middleware (identity.FromEnv, which reads and checks every
// variable) around the identity page. A nil logger means JSON on stderr.
func FromEnv(getenv func(string) string, logger *slog.Logger) (http.Handler, error) {
	mw, err := identity.FromEnv(getenv, identity.Options{Logger: logger, RequestID: lambdaRequestID})
	if err != nil {
		return nil, err
	}
	return mw.Handler(New(mw.Routes())), nil
}

// lambdaRequestID returns the Lambda request id for the log line, when the
// request came through the Lambda runtime.
func lambdaRequestID(ctx context.Context) string {
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		return lc.AwsRequestID
	}
	return ""
}

// ServeHTTP implements http.Handler.
func (p *Page) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, ok := identity.FromContext(r.Context())
	asJSON := page.WantsJSON(r.Header.Values("Accept"))
	if !ok {
		// Only a route with onUnauthenticatedRequest "allow" lets a request
		// through without an identity.
		if asJSON {
			page.Write(w, http.StatusOK, page.TypeJSON, `{"signed_in":false}`)
		} else {
			page.Write(w, http.StatusOK, page.TypeHTML, anonymousPage)
		}
		return
	}
	if id.Machine {
		// A machine route answers JSON whatever the caller accepts: never
		// the HTML page.
		asJSON = true
	}
	// The HTML page is rendered into a pooled buffer and written from it;
	// the JSON is encoding/json's own slice. Neither is copied.
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 256<<10 {
			bufPool.Put(buf)
		}
	}()
	var body []byte
	var err error
	if asJSON {
		body, err = p.renderJSON(id)
	} else {
		err = p.renderHTML(buf, id)
		body = buf.Bytes()
	}
	if err == nil && len(body) > maxBody {
		err = fmt.Errorf("body of %d bytes exceeds %d", len(body), maxBody)
	}
	if err != nil {
		// Unreachable with tokens capped in size; fail closed, say nothing.
		page.Write(w, http.StatusInternalServerError, page.TypeText, "500 Internal Server Error\n")
		return
	}
	ctype := page.TypeHTML
	if asJSON {
		ctype = page.TypeJSON
	}
	page.Write(w, http.StatusOK, ctype, body)
}

// routeAccess is one route as the page's "route" template shows it.
type routeAccess struct {
	Name     string
	Paths    string
	Requires string
	Allowed  bool
	Why      string
}

// The reasons a route is denied, as the page words them.
const (
	machinesOnly  = "machines only: a bearer token of a machine client, never a sign-in"
	noAccessToken = "no access token was verified"
)

func groupsWhy(groups []string) string { return "not in " + strings.Join(groups, " or ") }

func scopesWhy(scopes []string) string { return "scope " + strings.Join(scopes, ", ") + " not granted" }

// why is the reason id may not enter the route (allowedKey if it may).
func (r *routeRow) why(id *identity.Identity) string {
	ok, d := id.MayEnter(r.route)
	switch {
	case ok:
		return allowedKey
	case r.route.Machine() && !id.Machine:
		return machinesOnly
	case d.NoAccessToken:
		return noAccessToken
	case d.Groups != nil:
		return groupsWhy(d.Groups)
	default:
		return scopesWhy(d.Scopes)
	}
}

// render returns the route's table row for the outcome why, rendering it
// through the page template's "route" template the first time.
func (r *routeRow) render(why string) (template.HTML, error) {
	if h, ok := r.html.Load(why); ok {
		return h.(template.HTML), nil
	}
	var b strings.Builder
	paths := strings.Join(r.route.Paths, " ")
	if len(r.route.Methods) > 0 {
		paths = strings.Join(r.route.Methods, " ") + " " + paths
	}
	ra := routeAccess{Name: r.route.Name, Paths: paths, Requires: r.requires, Allowed: why == allowedKey, Why: why}
	if err := routeTmpl.ExecuteTemplate(&b, "route", &ra); err != nil {
		return "", fmt.Errorf("webapp: render route %q: %w", r.route.Name, err)
	}
	h := template.HTML(b.String()) //nolint:gosec // html/template's own output, escaped for this context
	r.html.Store(why, h)
	return h, nil
}

// writeRouteRows writes the route table's rows for id, one after another.
func (p *Page) writeRouteRows(b *bytes.Buffer, id *identity.Identity) error {
	for i := range p.rows {
		h, err := p.rows[i].render(p.rows[i].why(id))
		if err != nil {
			return err
		}
		b.WriteString(string(h))
	}
	return nil
}

func requires(rt routes.Route) string {
	if rt.Machine() {
		return "a bearer token of machine client " + strings.Join(rt.Clients, " or ") + " with scopes " + strings.Join(rt.Scopes, " and ")
	}
	var parts []string
	if len(rt.Groups) > 0 {
		parts = append(parts, "group "+strings.Join(rt.Groups, " or "))
	}
	if len(rt.Scopes) > 0 {
		parts = append(parts, "scopes "+strings.Join(rt.Scopes, " and "))
	}
	if len(parts) == 0 {
		if rt.Unauthenticated() == routes.Allow {
			return "nothing (sign-in optional)"
		}
		return "any signed-in user"
	}
	return strings.Join(parts, "; ")
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// renderHTML writes the identity page for id to buf. The page is written
// directly rather than through html/template, which spent more on the page
// than on verifying a token: the markup is the constants below, every value
// is escaped by escapeHTML (html/template's escaper for text and quoted
// attributes, the only contexts values appear in), and a test renders the
// page's html/template and compares the two byte for byte. Route rows are
// html/template's output (see routeRow).
func (p *Page) renderHTML(buf *bytes.Buffer, id *identity.Identity) error {
	buf.WriteString(pageStart)
	escapeHTML(buf, firstNonEmpty(id.Username, id.Email, id.Subject))
	buf.WriteString(pageUsername)
	escapeHTML(buf, firstNonEmpty(id.Username, "—"))
	buf.WriteString(pageEmail)
	escapeHTML(buf, firstNonEmpty(id.Email, "—"))
	if id.EmailVerified {
		buf.WriteString(pageVerified)
	} else {
		buf.WriteString(pageNotVerified)
	}
	escapeHTML(buf, id.Subject)
	var tb [64]byte
	exp := id.ExpiresAt.UTC()
	buf.WriteString(pageExpiresISO)
	escapeHTML(buf, string(exp.AppendFormat(tb[:0], "2006-01-02T15:04:05Z")))
	buf.WriteString(pageExpires)
	escapeHTML(buf, string(exp.AppendFormat(tb[:0], "Mon, 2 Jan 2006 15:04:05 UTC")))
	buf.WriteString(pageGroups)
	writeCodeList(buf, id.AccessVerified || id.GroupSources != nil, id.Groups)
	writeGroupSources(buf, id)
	buf.WriteString(pageScopes)
	writeCodeList(buf, id.AccessVerified, id.Scopes)
	buf.WriteString(pageDetailsEnd)
	if len(p.rows) > 0 {
		buf.WriteString(pageRoutes)
		if err := p.writeRouteRows(buf, id); err != nil {
			return err
		}
		buf.WriteString(pageRoutesEnd)
	}
	buf.WriteString(pageClaims)
	writeClaimRows(buf, id.Claims)
	buf.WriteString(pageEnd)
	return nil
}

// The identity page's markup, in order; values go between the pieces.
const (
	pageStart = page.HeadStart + "Who am I" + page.HeadEnd +
		`<header><h1>Signed in as `
	pageUsername = `</h1><a class="btn" href="/logout">Sign out</a></header>
<dl><dt>Username</dt><dd>`
	pageEmail       = `</dd><dt>Email</dt><dd>`
	pageVerified    = ` <span class="note">(verified)</span></dd><dt>Subject (sub)</dt><dd><code>`
	pageNotVerified = ` <span class="note">(not verified)</span></dd><dt>Subject (sub)</dt><dd><code>`
	pageExpiresISO  = `</code></dd><dt>Session token expires</dt><dd><time datetime="`
	pageExpires     = `">`
	pageGroups      = `</time></dd><dt>Groups</dt><dd id="groups">`
	pageScopes      = `</dd><dt>Granted scopes</dt><dd id="scopes">`
	pageDetailsEnd  = `</dd></dl>
`
	pageRoutes = `<h2>Where you may go</h2>
<div class="scroll"><table id="routes"><thead><tr><th scope="col">Route</th><th scope="col">Paths</th><th scope="col">Requires</th><th scope="col">You</th></tr></thead><tbody>
`
	pageRoutesEnd = `</tbody></table></div>
<p class="note">Groups are per user; scopes are granted per app client, so every user of this site gets the same scopes.</p>
`
	pageClaims = `<h2>All claims</h2>
<div class="scroll"><table><thead><tr><th scope="col">Claim</th><th scope="col">Value</th></tr></thead><tbody>
`
	pageEnd = `</tbody></table></div>
<p class="note">Read from the load balancer's signed x-amzn-oidc-data header and Cognito's access token after checking their signatures, signer or issuer, client, type and expiry.</p>
` + page.Foot
)

// writeCodeList writes the groups or scopes of an identity: each in
// <code>, separated by ", "; "none" for none; "unknown (no access token)"
// without a verified access token.
func writeCodeList(buf *bytes.Buffer, verified bool, items []string) {
	if !verified {
		buf.WriteString("unknown (no access token)")
		return
	}
	if len(items) == 0 {
		buf.WriteString("none")
	}
	for i, item := range items {
		if i > 0 {
			buf.WriteString(", ")
		}
		buf.WriteString("<code>")
		escapeHTML(buf, item)
		buf.WriteString("</code>")
	}
}

// writeGroupSources notes, after the groups, which claim gave which (only
// when group claims other than cognito:groups are configured), or why a
// claim gave none. Claim names and forms are configuration; the groups are
// the parsed names, escaped.
func writeGroupSources(buf *bytes.Buffer, id *identity.Identity) {
	if id.GroupSources == nil {
		return
	}
	buf.WriteString(` <span class="note" id="group-sources">(`)
	if id.GroupClaimError != nil {
		escapeHTML(buf, id.GroupClaimError.Error()+": no groups")
	} else {
		for i, src := range id.GroupSources {
			if i > 0 {
				buf.WriteString("; ")
			}
			escapeHTML(buf, fmt.Sprintf("%s, %s: %d", src.Claim, src.Form, len(src.Groups)))
		}
	}
	buf.WriteString(`)</span>`)
}

type groupSourceJSON struct {
	Claim  string   `json:"claim"`
	Form   string   `json:"form"`
	Groups []string `json:"groups"`
}

type routeJSON struct {
	Name     string   `json:"name"`
	Paths    []string `json:"paths"`
	Methods  []string `json:"methods,omitempty"`
	Groups   []string `json:"groups,omitempty"`
	Scopes   []string `json:"scopes,omitempty"`
	Allowed  bool     `json:"allowed"`
	Required string   `json:"requires"`
}

type whoami struct {
	Username       string            `json:"username"`
	Email          string            `json:"email"`
	EmailVerified  bool              `json:"email_verified"`
	Sub            string            `json:"sub"`
	ExpiresAt      string            `json:"expires_at"`
	AccessVerified bool              `json:"access_token_verified"`
	Route          string            `json:"route,omitempty"`
	Groups         []string          `json:"groups"`
	GroupSources   []groupSourceJSON `json:"group_sources,omitempty"`
	GroupClaimErr  string            `json:"group_claim_error,omitempty"`
	Scopes         []string          `json:"scopes"`
	Routes         []routeJSON       `json:"routes"`
	Claims         map[string]any    `json:"claims"`
}

// machineJSON is what a machine client's request gets: who called (the
// client), with which scopes, on which route, and the verified claims.
type machineJSON struct {
	Machine   bool           `json:"machine"`
	Client    string         `json:"client"`
	ClientID  string         `json:"client_id"`
	Route     string         `json:"route"`
	Scopes    []string       `json:"scopes"`
	ExpiresAt string         `json:"expires_at"`
	Claims    map[string]any `json:"claims"`
}

func (p *Page) renderJSON(id *identity.Identity) ([]byte, error) {
	if id.Machine {
		b, err := json.Marshal(machineJSON{
			Machine: true, Client: id.Client, ClientID: id.ClientID, Route: id.Route.Name,
			Scopes: nonNil(id.Scopes), ExpiresAt: id.ExpiresAt.UTC().Format("2006-01-02T15:04:05Z"), Claims: id.AccessClaims,
		})
		if err != nil {
			return nil, fmt.Errorf("webapp: encode machine identity: %w", err)
		}
		return b, nil
	}
	out := whoami{
		Username:       id.Username,
		Email:          id.Email,
		EmailVerified:  id.EmailVerified,
		Sub:            id.Subject,
		ExpiresAt:      id.ExpiresAt.UTC().Format("2006-01-02T15:04:05Z"),
		AccessVerified: id.AccessVerified,
		Route:          id.Route.Name,
		Groups:         nonNil(id.Groups),
		Scopes:         nonNil(id.Scopes),
		Routes:         []routeJSON{},
		Claims:         id.Claims,
	}
	for _, src := range id.GroupSources {
		out.GroupSources = append(out.GroupSources, groupSourceJSON{Claim: src.Claim, Form: string(src.Form), Groups: nonNil(src.Groups)})
	}
	if id.GroupClaimError != nil {
		out.GroupClaimErr = id.GroupClaimError.Error()
	}
	for i := range p.rows {
		rt := p.rows[i].route
		ok, _ := id.MayEnter(rt)
		out.Routes = append(out.Routes, routeJSON{Name: rt.Name, Paths: rt.Paths, Methods: rt.Methods, Groups: rt.Groups, Scopes: rt.Scopes, Allowed: ok, Required: p.rows[i].requires})
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("webapp: encode identity: %w", err)
	}
	return b, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// claimText shows a claim value: strings and numbers as they are, anything
// else as compact JSON.
func claimText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// writeClaimRows writes the claims table's rows, sorted by name, one
//
//	<tr><th scope="row"><code>NAME</code></th><td>VALUE</td></tr>
//
// per claim, VALUE its claimText.
func writeClaimRows(buf *bytes.Buffer, claims map[string]any) {
	names := make([]string, 0, len(claims))
	for name := range claims {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		buf.WriteString(`<tr><th scope="row"><code>`)
		escapeHTML(buf, name)
		buf.WriteString(`</code></th><td>`)
		escapeHTML(buf, claimText(claims[name]))
		buf.WriteString("</td></tr>\n")
	}
}

// escapeHTML writes s escaped as html/template escapes a value in text or
// a quoted attribute value: NUL as U+FFFD, and ", &, ', +, < and > as
// character references; every other byte as it is.
func escapeHTML(b *bytes.Buffer, s string) {
	start := 0
	for i := 0; i < len(s); i++ {
		var repl string
		switch s[i] {
		case 0:
			repl = "\uFFFD"
		case '"':
			repl = "&#34;"
		case '&':
			repl = "&amp;"
		case '\'':
			repl = "&#39;"
		case '+':
			repl = "&#43;"
		case '<':
			repl = "&lt;"
		case '>':
			repl = "&gt;"
		default:
			continue
		}
		b.WriteString(s[start:i])
		b.WriteString(repl)
		start = i + 1
	}
	b.WriteString(s[start:])
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// routeHTML is one row of the route table, rendered once per route and
// outcome (see routeRow).
const routeHTML = `{{define "route"}}<tr><th scope="row">{{.Name}}</th><td><code>{{.Paths}}</code></td><td>{{.Requires}}</td><td>{{if .Allowed}}<span class="ok">may enter</span>{{else}}<span class="no">denied</span> <span class="note">({{.Why}})</span>{{end}}</td></tr>
{{end}}`

var routeTmpl = template.Must(template.New("route").Parse(routeHTML))

var anonymousPage = page.Document("Who am I", `<header><h1>Not signed in</h1><a class="btn" href="/">Sign in</a></header>
<p>This path lets visitors in without signing in, so there is no identity to show.</p>
`)
