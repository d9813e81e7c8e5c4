package routes

import "slices"

// PriorityStep is the gap between derived listener rule priorities: a route
// without a priority gets the next multiple of PriorityStep above the
// previous route's priority (100, 200, ...). Appending a route, or inserting
// one with an explicit priority in a gap, renumbers no other rule.
const PriorityStep = 100

// Derive returns the table for routes on a site whose default action requests
// scopes (openid first) with session cookie cookie, filling in each route's
// derived fields:
//
//   - Priority: the route's own, else the next multiple of PriorityStep above
//     the previous route's.
//   - RequestScopes: what the route's listener rule requests: scopes followed
//     by the route's Scopes, without duplicates. The site's scopes are kept so
//     that every page gets the same user claims.
//   - (machine routes, which sign no one in, get neither of these two)
//   - SessionCookieName: cookie when the route requests the same scope set as
//     the default action, else CookieName(cookie, RequestScopes): routes with
//     different scope sets never share a session cookie, routes with the same
//     set share one.
//
// The routes are copied; Derive does not validate.
func Derive(routes []Route, scopes []string, cookie string) Table {
	t := Table{Routes: make([]Route, 0, len(routes))}
	base := ScopeSetKey(scopes)
	prev := 0
	for _, r := range routes {
		if r.Priority == 0 {
			r.Priority = (prev/PriorityStep + 1) * PriorityStep
		}
		prev = max(prev, r.Priority)
		if r.Machine() {
			// No sign-in: the rule validates a bearer token, requests no
			// scopes and has no session cookie.
			t.Routes = append(t.Routes, r)
			continue
		}
		r.RequestScopes = slices.Clone(scopes)
		for _, s := range r.Scopes {
			if !slices.Contains(r.RequestScopes, s) {
				r.RequestScopes = append(r.RequestScopes, s)
			}
		}
		r.SessionCookieName = cookie
		if ScopeSetKey(r.RequestScopes) != base {
			r.SessionCookieName = CookieName(cookie, r.RequestScopes)
		}
		t.Routes = append(t.Routes, r)
	}
	return t
}

// Scopes returns every scope the table's rules request, in order of first
// appearance: what the app client must allow besides the default action's.
func (t Table) Scopes() []string {
	var out []string
	for _, r := range t.Routes {
		for _, s := range r.RequestScopes {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// CookieNames returns every session cookie name in use on a site whose
// default action's cookie is defaultName: defaultName first, then each
// route's SessionCookieName once, in table order. Machine routes, which have
// no session, and routes without a name are skipped. The function expires
// all of them at logout.
func (t Table) CookieNames(defaultName string) []string {
	out := []string{defaultName}
	for _, r := range t.Routes {
		if !r.Machine() && r.SessionCookieName != "" && !slices.Contains(out, r.SessionCookieName) {
			out = append(out, r.SessionCookieName)
		}
	}
	return out
}

// EnvVar is the function's environment variable that holds the table's JSON
// (Table.JSON), read with Parse.
const EnvVar = "ROUTE_TABLE"

// MaxJSONBytes bounds the table's JSON, which the function gets in one
// environment variable: Lambda allows 4 KB for all of a function's
// environment variables together, and the others take well under 1 KB.
const MaxJSONBytes = 3072
