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
	table routes.Table
}

// New returns the identity page for the route table the middleware
// enforces (identity.Middleware.Routes).
func New(table routes.Table) *Page { return &Page{table: table} }

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
	asJSON := wantsJSON(r.Header.Values("Accept"))
	if !ok {
		// Only a route with onUnauthenticatedRequest "allow" lets a request
		// through without an identity.
		if asJSON {
			write(w, http.StatusOK, ctypeJSON, `{"signed_in":false}`)
		} else {
			write(w, http.StatusOK, ctypeHTML, anonymousPage)
		}
		return
	}
	if id.Machine {
		// A machine route answers JSON whatever the caller accepts: never
		// the HTML page.
		asJSON = true
	}
	var body string
	var err error
	if asJSON {
		body, err = p.renderJSON(id)
	} else {
		body, err = p.renderHTML(id)
	}
	if err == nil && len(body) > maxBody {
		err = fmt.Errorf("body of %d bytes exceeds %d", len(body), maxBody)
	}
	if err != nil {
		// Unreachable with tokens capped in size; fail closed, say nothing.
		write(w, http.StatusInternalServerError, "text/plain; charset=utf-8", "500 Internal Server Error\n")
		return
	}
	ctype := ctypeHTML
	if asJSON {
		ctype = ctypeJSON
	}
	write(w, http.StatusOK, ctype, body)
}

const (
	ctypeHTML = "text/html; charset=utf-8"
	ctypeJSON = "application/json; charset=utf-8"
)

func write(w http.ResponseWriter, status int, ctype, body string) {
	h := w.Header()
	page.SetSecurityHeaders(h)
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// wantsJSON reports whether the client asked for JSON rather than HTML.
func wantsJSON(accept []string) bool {
	a := strings.ToLower(strings.Join(accept, ","))
	return strings.Contains(a, "application/json") && !strings.Contains(a, "text/html")
}

// routeAccess is one route as the page shows it.
type routeAccess struct {
	Name     string
	Paths    string
	Requires string
	Allowed  bool
	Why      string
}

func (p *Page) routeAccess(id *identity.Identity) []routeAccess {
	out := make([]routeAccess, 0, len(p.table.Routes))
	for _, rt := range p.table.Routes {
		ok, why := id.MayEnter(rt)
		ra := routeAccess{Name: rt.Name, Paths: strings.Join(rt.Paths, " "), Requires: requires(rt), Allowed: ok}
		switch {
		case ok:
		case rt.Machine() && !id.Machine:
			ra.Why = "machines only: a bearer token of a machine client, never a sign-in"
		case why.NoAccessToken:
			ra.Why = "no access token was verified"
		case why.Groups != nil:
			ra.Why = "not in " + strings.Join(why.Groups, " or ")
		default:
			ra.Why = "scope " + strings.Join(why.Scopes, ", ") + " not granted"
		}
		out = append(out, ra)
	}
	return out
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

func (p *Page) renderHTML(id *identity.Identity) (string, error) {
	rows := make([]claimRow, 0, len(id.Claims))
	for k, v := range id.Claims {
		rows = append(rows, claimRow{Name: k, Value: claimText(v)})
	}
	slices.SortFunc(rows, func(a, b claimRow) int { return strings.Compare(a.Name, b.Name) })
	// Both renderings of the expiry share one allocation.
	var tb [64]byte
	exp := id.ExpiresAt.UTC()
	t := exp.AppendFormat(tb[:0], "2006-01-02T15:04:05Z")
	iso := len(t)
	times := string(exp.AppendFormat(t, "Mon, 2 Jan 2006 15:04:05 UTC"))
	verified := "not verified"
	if id.EmailVerified {
		verified = "verified"
	}
	pg := identityPage{
		Who:            firstNonEmpty(id.Username, id.Email, id.Subject),
		Username:       firstNonEmpty(id.Username, "—"),
		Email:          firstNonEmpty(id.Email, "—"),
		EmailVerified:  verified,
		Sub:            id.Subject,
		Expires:        times[iso:],
		ExpiresISO:     times[:iso],
		AccessVerified: id.AccessVerified,
		Groups:         id.Groups,
		Scopes:         id.Scopes,
		Routes:         p.routeAccess(id),
		Claims:         rows,
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 256<<10 {
			bufPool.Put(buf)
		}
	}()
	if err := identityTmpl.Execute(buf, &pg); err != nil {
		return "", fmt.Errorf("webapp: render identity page: %w", err)
	}
	return buf.String(), nil
}

type routeJSON struct {
	Name     string   `json:"name"`
	Paths    []string `json:"paths"`
	Groups   []string `json:"groups,omitempty"`
	Scopes   []string `json:"scopes,omitempty"`
	Allowed  bool     `json:"allowed"`
	Required string   `json:"requires"`
}

type whoami struct {
	Username       string         `json:"username"`
	Email          string         `json:"email"`
	EmailVerified  bool           `json:"email_verified"`
	Sub            string         `json:"sub"`
	ExpiresAt      string         `json:"expires_at"`
	AccessVerified bool           `json:"access_token_verified"`
	Groups         []string       `json:"groups"`
	Scopes         []string       `json:"scopes"`
	Routes         []routeJSON    `json:"routes"`
	Claims         map[string]any `json:"claims"`
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

func (p *Page) renderJSON(id *identity.Identity) (string, error) {
	if id.Machine {
		b, err := json.Marshal(machineJSON{
			Machine: true, Client: id.Client, ClientID: id.ClientID, Route: id.Route.Name,
			Scopes: nonNil(id.Scopes), ExpiresAt: id.ExpiresAt.UTC().Format("2006-01-02T15:04:05Z"), Claims: id.AccessClaims,
		})
		if err != nil {
			return "", fmt.Errorf("webapp: encode machine identity: %w", err)
		}
		return string(b), nil
	}
	out := whoami{
		Username:       id.Username,
		Email:          id.Email,
		EmailVerified:  id.EmailVerified,
		Sub:            id.Subject,
		ExpiresAt:      id.ExpiresAt.UTC().Format("2006-01-02T15:04:05Z"),
		AccessVerified: id.AccessVerified,
		Groups:         nonNil(id.Groups),
		Scopes:         nonNil(id.Scopes),
		Routes:         []routeJSON{},
		Claims:         id.Claims,
	}
	for _, rt := range p.table.Routes {
		ok, _ := id.MayEnter(rt)
		out.Routes = append(out.Routes, routeJSON{Name: rt.Name, Paths: rt.Paths, Groups: rt.Groups, Scopes: rt.Scopes, Allowed: ok, Required: requires(rt)})
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "", fmt.Errorf("webapp: encode identity: %w", err)
	}
	return string(b), nil
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

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// identityHTML is the identity page. Values arrive as plain strings
// computed once in Go; html/template escapes each for its context.
const identityHTML = `<header><h1>Signed in as {{.Who}}</h1><a class="btn" href="/logout">Sign out</a></header>
<dl><dt>Username</dt><dd>{{.Username}}</dd><dt>Email</dt><dd>{{.Email}} <span class="note">({{.EmailVerified}})</span></dd>` +
	`<dt>Subject (sub)</dt><dd><code>{{.Sub}}</code></dd><dt>Session token expires</dt><dd><time datetime="{{.ExpiresISO}}">{{.Expires}}</time></dd>` +
	`<dt>Groups</dt><dd id="groups">{{if .AccessVerified}}{{range $i, $g := .Groups}}{{if $i}}, {{end}}<code>{{$g}}</code>{{else}}none{{end}}{{else}}unknown (no access token){{end}}</dd>` +
	`<dt>Granted scopes</dt><dd id="scopes">{{if .AccessVerified}}{{range $i, $s := .Scopes}}{{if $i}}, {{end}}<code>{{$s}}</code>{{else}}none{{end}}{{else}}unknown (no access token){{end}}</dd></dl>
{{if .Routes}}<h2>Where you may go</h2>
<div class="scroll"><table id="routes"><thead><tr><th scope="col">Route</th><th scope="col">Paths</th><th scope="col">Requires</th><th scope="col">You</th></tr></thead><tbody>
{{range .Routes}}<tr><th scope="row">{{.Name}}</th><td><code>{{.Paths}}</code></td><td>{{.Requires}}</td><td>{{if .Allowed}}<span class="ok">may enter</span>{{else}}<span class="no">denied</span> <span class="note">({{.Why}})</span>{{end}}</td></tr>
{{end}}</tbody></table></div>
<p class="note">Groups are per user; scopes are granted per app client, so every user of this site gets the same scopes.</p>
{{end}}<h2>All claims</h2>
<div class="scroll"><table><thead><tr><th scope="col">Claim</th><th scope="col">Value</th></tr></thead><tbody>
{{range .Claims}}<tr><th scope="row"><code>{{.Name}}</code></th><td>{{.Value}}</td></tr>
{{end}}</tbody></table></div>
<p class="note">Read from the load balancer's signed x-amzn-oidc-data header and Cognito's access token after checking their signatures, signer or issuer, client, type and expiry.</p>
`

var identityTmpl = template.Must(template.New("identity").Parse(page.Document("Who am I", identityHTML)))

var anonymousPage = page.Document("Who am I", `<header><h1>Not signed in</h1><a class="btn" href="/">Sign in</a></header>
<p>This path lets visitors in without signing in, so there is no identity to show.</p>
`)

type claimRow struct {
	Name  string
	Value string
}

type identityPage struct {
	Who            string
	Username       string
	Email          string
	EmailVerified  string
	Sub            string
	Expires        string
	ExpiresISO     string
	AccessVerified bool
	Groups         []string
	Scopes         []string
	Routes         []routeAccess
	Claims         []claimRow
}
