// Package routes holds the site's route table: an ordered list of path rules,
// each saying who may enter the paths it covers. The stack writes one load
// balancer listener rule per route from it, and the function enforces the same
// table, which it receives as JSON generated from the same configuration.
//
// Matching follows the load balancer's documented path-pattern semantics
// (Elastic Load Balancing API Reference, PathPatternConditionConfig; User
// Guide, "Condition types for listener rules" > "Path conditions"): the
// comparison is case-sensitive, "*" matches zero or more characters ("/"
// included), "?" exactly one, and only the path is compared, never the query
// string. Routes are tried in order and the first route with a matching
// pattern wins, as the load balancer's listener rules, whose priorities follow
// the table's order, are. A path that matches no route falls to the listener's
// default action.
//
// How the load balancer treats percent-encoded bytes before matching is not
// documented. Patterns cannot contain "%" (it is not in the documented
// pattern alphabet), so a pattern never names an encoded byte. Callers should
// match the path the application routes on, the decoded URL path: then the
// route the function enforces is the route of the page that is served, even
// when a client encodes "/admin" as "/%61dmin" to miss the load balancer's
// rule (it then falls to the default action, and the function still demands
// the admin route's groups and scopes).
package routes

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Values of Route.OnUnauthenticatedRequest, as in CloudFormation.
const (
	Authenticate = "authenticate"
	Deny         = "deny"
	Allow        = "allow"
)

// Route is one rule of the table.
type Route struct {
	// Name identifies the route in messages, on the identity page and in the
	// listener rule's construct ID: 1 to 32 letters, digits and hyphens,
	// starting with a letter, unique in the table.
	Name string `json:"name"`
	// Paths are the load balancer path patterns the route covers, 1 to
	// MaxPatternsPerRoute of them.
	Paths []string `json:"paths"`
	// Methods, when set, limit the route to these HTTP methods (an
	// http-request-method condition beside the path condition): upper case,
	// compared exactly, as the load balancer does, so GET does not cover
	// HEAD. Empty means every method. Paths and Methods together take at
	// most MaxConditionValues values.
	Methods []string `json:"methods,omitempty"`
	// AllowEncodedSlashes lets requests on this route carry %2F in their
	// path, which the function otherwise refuses (see lambda/canonpath).
	// Only for applications that need encoded slashes in a path segment and
	// never decode them into path separators.
	AllowEncodedSlashes bool `json:"allowEncodedSlashes,omitempty"`
	// Groups: the user must be in at least one of them (the cognito:groups
	// claim of the verified access token). Empty means no group is needed.
	Groups []string `json:"groups,omitempty"`
	// Scopes: the access token must carry all of them. The load balancer's
	// rule also requests them. Cognito grants scopes per app client, not per
	// user: use Groups to tell users apart.
	Scopes []string `json:"scopes,omitempty"`
	// OnUnauthenticatedRequest is what the load balancer does with a request
	// without a session: Authenticate (default, also when empty), Deny (401)
	// or Allow.
	OnUnauthenticatedRequest string `json:"onUnauthenticatedRequest,omitempty"`
	// AuthenticationRequestExtraParams are added to the redirect to the
	// authorize endpoint, e.g. identity_provider=Google.
	AuthenticationRequestExtraParams map[string]string `json:"authenticationRequestExtraParams,omitempty"`
	// Clients makes the route a machine route: the names of the machine
	// clients (client-credentials app clients) allowed to call it, 1 to
	// MaxClients. A machine route is bearer-only: its listener rule validates
	// the access token in Authorization (jwt-validation: token_use, client_id
	// among these clients' ids, scope holding every one of Scopes) instead of
	// signing a user in, and the function verifies the same token again. It
	// needs Scopes, and takes no Groups, OnUnauthenticatedRequest or
	// AuthenticationRequestExtraParams.
	Clients []string `json:"clients,omitempty"`
	// Priority is the listener rule's priority, 1 to MaxPriority, increasing
	// along the table. Derived by the configuration (Derive: the next multiple
	// of PriorityStep unless given); zero in a table means "not set".
	Priority int `json:"priority,omitempty"`
	// RequestScopes are the scopes the route's load balancer rule requests:
	// openid, the site's scopes, then Scopes. Derived by the configuration.
	RequestScopes []string `json:"requestScopes,omitempty"`
	// SessionCookieName is the load balancer session cookie of the route's
	// scope set (RequestScopes). Derived by the configuration; carried so the
	// function can expire it at logout (Table.CookieNames).
	SessionCookieName string `json:"sessionCookieName,omitempty"`
}

// Table is the whole route table, in match order. The session cookie names
// in use are derived from it (CookieNames), not carried beside it.
type Table struct {
	Routes []Route `json:"routes"`
	// OnUnauthenticatedRequest is the listener's default action's setting,
	// for paths no route matches: Authenticate (also when empty), Deny or
	// Allow.
	OnUnauthenticatedRequest string `json:"onUnauthenticatedRequest,omitempty"`
}

// NeedsAccessToken reports whether requests on the route need the verified
// access token: when it requires groups or scopes, or is a machine route.
func (r Route) NeedsAccessToken() bool {
	return len(r.Groups) > 0 || len(r.Scopes) > 0 || r.Machine()
}

// Machine reports whether the route is a machine route (it lists Clients):
// bearer-token only, never a user session.
func (r Route) Machine() bool {
	return len(r.Clients) > 0
}

// HeadFallsThrough reports whether the route takes GET but not HEAD. A HEAD
// request on its paths then falls to a later rule, under that rule's
// checks, while Go's ServeMux (a "GET /x" pattern) and most routers answer
// HEAD with the GET handler: the handler runs, headers and side effects
// included, without the route's checks.
func (r Route) HeadFallsThrough() bool {
	return slices.Contains(r.Methods, "GET") && !slices.Contains(r.Methods, "HEAD")
}

// Machine returns the table's machine routes, in order.
func (t Table) Machine() []Route {
	var out []Route
	for _, r := range t.Routes {
		if r.Machine() {
			out = append(out, r)
		}
	}
	return out
}

// Unauthenticated returns OnUnauthenticatedRequest with the default applied.
func (r Route) Unauthenticated() string {
	if r.OnUnauthenticatedRequest == "" {
		return Authenticate
	}
	return r.OnUnauthenticatedRequest
}

// Match returns the first route, in table order, that applies to a request
// with this method and path, and whether there is one: a pattern of the
// route matches path and the route has no Methods or lists method. path is
// a URL path without its query string.
func (t Table) Match(method, path string) (Route, bool) {
	if i := t.Index(method, path); i >= 0 {
		return t.Routes[i], true
	}
	return Route{}, false
}

// Index is Match's route as an index into t.Routes, or -1 for none.
func (t Table) Index(method, path string) int {
	for i, r := range t.Routes {
		if r.Applies(method, path) {
			return i
		}
	}
	return -1
}

// Applies reports whether the route's listener rule matches a request with
// this method and path.
func (r Route) Applies(method, path string) bool {
	if len(r.Methods) > 0 && !slices.Contains(r.Methods, method) {
		return false
	}
	for _, p := range r.Paths {
		if MatchPattern(p, path) {
			return true
		}
	}
	return false
}

// Parse decodes and validates a table: unknown fields, trailing data and any
// problem Validate finds are errors, so a function given a bad table refuses
// to start rather than enforce something else.
func Parse(data []byte) (Table, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var t Table
	if err := dec.Decode(&t); err != nil {
		return Table{}, fmt.Errorf("route table: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Table{}, errors.New("route table: data after the JSON object")
	}
	if t.Routes == nil {
		return Table{}, errors.New(`route table: "routes" is missing or null; an empty table is {"routes":[]}`)
	}
	if err := t.Validate(); err != nil {
		return Table{}, err
	}
	return t, nil
}

// JSON returns the table as compact JSON, the form Parse reads.
func (t Table) JSON() ([]byte, error) {
	if t.Routes == nil {
		t.Routes = []Route{}
	}
	return json.Marshal(t)
}

// Problem is one problem of a table: the field it concerns, as
// routes[2].paths[0], and what is wrong.
type Problem struct {
	Field   string
	Message string
}

func (p Problem) Error() string { return p.Field + ": " + p.Message }

// Problems is every problem Validate found.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}
