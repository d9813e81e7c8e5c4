package identity

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/page"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// problemHTML is the one template for the middleware's refusals, in the
// pages' shared look (package page).
var problemTmpl = template.Must(template.New("problem").Parse(page.Document(`{{.Title}}`, `<h1>{{.Title}}</h1>
{{range .Lines}}<p>{{.}}</p>
{{end}}{{if .Need}}<ul id="need">{{range .Need}}<li><code>{{.}}</code></li>{{end}}</ul>
{{end}}<p>{{if .SignOut}}<a href="/logout">Sign out</a> · {{end}}<a href="/">Home</a></p>
`)))

type problemPage struct {
	Title   string
	Lines   []string
	Need    []string
	SignOut bool
}

// problemPages are the fixed refusals, rendered once.
type problemPages struct {
	html400, html401, html403, html503 string
}

func renderProblemPages() (problemPages, error) {
	var p problemPages
	var err error
	if p.html400, err = renderProblem(problemPage{
		Title: "Bad request",
		Lines: []string{"The address of this request is not in its plain form (for example, it has empty or dot segments, or encoded slashes). Follow a link on the site instead."},
	}); err != nil {
		return p, err
	}
	if p.html403, err = renderProblem(problemPage{
		Title: "Access denied",
		Lines: []string{"This request cannot be served."},
	}); err != nil {
		return p, err
	}
	if p.html401, err = renderProblem(problemPage{
		Title: "Not signed in",
		Lines: []string{"Your sign-in could not be verified. Reload the page to sign in again."},
	}); err != nil {
		return p, err
	}
	p.html503, err = renderProblem(problemPage{
		Title: "Temporarily unavailable",
		Lines: []string{"Your sign-in cannot be checked right now. Please try again in a moment."},
	})
	return p, err
}

func renderProblem(p problemPage) (string, error) {
	var b strings.Builder
	if err := problemTmpl.Execute(&b, p); err != nil {
		return "", fmt.Errorf("identity: render problem page: %w", err)
	}
	return b.String(), nil
}

// problem answers 400, 401, 403 or 503 with a fixed body that names
// nothing of the request.
func (m *Middleware) problem(w http.ResponseWriter, status int, asJSON bool) {
	body, html := `{"error":"unauthorized"}`, m.pages.html401
	switch status {
	case http.StatusBadRequest:
		body, html = `{"error":"bad_request"}`, m.pages.html400
	case http.StatusForbidden:
		body, html = `{"error":"forbidden"}`, m.pages.html403
	case http.StatusServiceUnavailable:
		body, html = `{"error":"unavailable"}`, m.pages.html503
	}
	if asJSON {
		page.Write(w, status, page.TypeJSON, body)
		return
	}
	page.Write(w, status, page.TypeHTML, html)
}

// forbiddenJSON is the 403 body for API clients. Every value comes from the
// route table.
type forbiddenJSON struct {
	Error         string   `json:"error"`
	Route         string   `json:"route"`
	AnyOfGroups   []string `json:"required_any_group,omitempty"`
	MissingScopes []string `json:"missing_scopes,omitempty"`
}

// forbidden answers 403, naming the route and what the user lacks: the
// route's groups (the user is in none) or its scopes the token lacks.
func (m *Middleware) forbidden(w http.ResponseWriter, rt routes.Route, why Denial, asJSON bool) {
	if asJSON {
		b, err := json.Marshal(forbiddenJSON{Error: "forbidden", Route: rt.Name, AnyOfGroups: why.Groups, MissingScopes: why.Scopes})
		if err != nil {
			b = []byte(`{"error":"forbidden"}`)
		}
		page.Write(w, http.StatusForbidden, page.TypeJSON, string(b))
		return
	}
	p := problemPage{Title: "Access denied", SignOut: true}
	switch {
	case why.Groups != nil:
		if len(why.Groups) == 1 {
			p.Lines = append(p.Lines, "This area ("+rt.Name+") is for members of the group "+why.Groups[0]+". You are not a member.")
		} else {
			p.Lines = append(p.Lines, "This area ("+rt.Name+") is for members of any of these groups. You are in none of them:")
		}
		p.Need = why.Groups
		p.Lines = append(p.Lines, "If you were added to the group recently, sign out and sign in again: groups are read when you sign in.")
	case why.Scopes != nil:
		p.Lines = append(p.Lines, "This area ("+rt.Name+") needs scopes your sign-in was not granted:")
		p.Need = why.Scopes
	default:
		p.Lines = append(p.Lines, "This area ("+rt.Name+") needs an access token, and the load balancer sent none.")
	}
	body, err := renderProblem(p)
	if err != nil {
		body = m.pages.html401
	}
	page.Write(w, http.StatusForbidden, page.TypeHTML, body)
}

// logout expires the load balancer's session cookie shards, for the default
// action's cookie and every route's, and sends the user to Cognito's logout
// endpoint, which ends the Cognito session and returns the user to the app
// URL, where the load balancer starts a fresh sign-in.
//
// It needs no valid token, on purpose: a user whose session has expired, or
// whose token no longer verifies, must still be able to sign out, and the
// response reveals nothing and grants nothing — it only deletes cookies and
// redirects to a fixed URL built from configuration (no user input is
// reflected, so it is no open redirect). The cost is that another site can
// sign a user out (logout CSRF), which is a nuisance, not a breach.
//
// Behind a Lambda target group the cookies need multi-value headers: with
// single-value headers only one Set-Cookie survives, so the stack enables
// them.
func (m *Middleware) logout(w http.ResponseWriter) {
	h := w.Header()
	page.SetSecurityHeaders(h)
	h["Set-Cookie"] = append(h["Set-Cookie"], m.expire...)
	h.Set("Location", m.logoutURL)
	w.WriteHeader(http.StatusFound)
}

// reauthenticate answers a request whose access token has expired while its
// user claims still verify, if it can do so without stranding the user:
// it expires the session cookies and redirects to the same path and query,
// so the load balancer, finding no session, signs the user in again and
// comes back with fresh tokens. It reports false, leaving the 401 to the
// caller, for JSON requests (a fetch() cannot follow a sign-in redirect),
// for methods other than GET and HEAD (a redirect would drop the body), on
// routes whose unauthenticated action is deny (the load balancer would
// answer the redirected request 401), behind a target group without
// multi-value headers (the response could carry only one of the Set-Cookie
// headers, so the session would survive and the redirect loop), and when
// ReauthCookie shows this browser was sent round less than 2 minutes ago.
//
// The load balancer normally prevents this: "If the IdP provides a valid
// refresh token in the ID token, the load balancer saves the refresh token
// and uses it to refresh the user claims each time the access token
// expires, until the session times out or the IdP refresh fails"
// (Authenticate users using an Application Load Balancer, Elastic Load
// Balancing User Guide,
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html).
// An expired token still reaches the function when the token expires between
// the load balancer's check and ours, or when the refresh token has run out
// before the session (see docs/sessions.md).
func (m *Middleware) reauthenticate(w http.ResponseWriter, r *http.Request, asJSON, deny bool) bool {
	if asJSON || deny || (r.Method != http.MethodGet && r.Method != http.MethodHead) || !multiValue(r) {
		return false
	}
	if c, err := r.Cookie(ReauthCookie); err == nil && c.Value != "" {
		return false
	}
	h := w.Header()
	page.SetSecurityHeaders(h)
	h["Set-Cookie"] = append(append(h["Set-Cookie"], m.expire...),
		ReauthCookie+"=1; Path=/; Max-Age=120; Secure; HttpOnly; SameSite=Lax")
	h.Set("Location", sameURL(r))
	w.WriteHeader(http.StatusFound)
	return true
}

// sameURL is the request's path and query as a same-origin relative URL:
// never starting with "//" or "/\", which a browser would read as another
// host, and with every byte a Location header may not carry
// percent-encoded.
func sameURL(r *http.Request) string {
	p := "/" + strings.TrimLeft(rawPath(r), "/\\")
	if r.URL.RawQuery != "" {
		p += "?" + r.URL.RawQuery
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c <= ' ' || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '`' || c == '#' {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
