package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// PriorityStep is the gap between derived listener rule priorities: a route
// without a priority gets the next multiple of PriorityStep above the
// previous route's priority (100, 200, ...). Appending a route, or inserting
// one with an explicit priority in a gap, renumbers no other rule.
const PriorityStep = 100

// MaxRouteTableBytes bounds the route table's JSON, which the function gets in
// one environment variable. Lambda allows 4 KB for all of a function's
// environment variables together; the other variables take well under 1 KB.
const MaxRouteTableBytes = 3072

// EnvRouteTable is the function's environment variable that holds the route
// table's JSON (RouteTableJSON), read with routes.Parse.
const EnvRouteTable = "ROUTE_TABLE"

// RouteTable returns the route table the stack and the function use: Routes
// with their derived fields filled in.
//
//   - Priority: the route's own, else the next multiple of PriorityStep above
//     the previous route's.
//   - RequestScopes: what the route's listener rule requests: OAuthScopes
//     (openid first) followed by the route's Scopes, without duplicates. The
//     site's scopes are kept so that every page gets the same user claims.
//   - SessionCookieName: SessionCookieName when the route requests the same
//     scope set as the default action, else routes.CookieName of it: routes
//     with different scope sets never share a session cookie, routes with the
//     same set share one.
//
// SessionCookieNames lists SessionCookieName first, then each derived name
// once, in table order.
func (c Config) RouteTable() routes.Table {
	t := routes.Table{Routes: make([]routes.Route, 0, len(c.Routes)), SessionCookieNames: []string{c.SessionCookieName}}
	base := routes.ScopeSetKey(c.OAuthScopes)
	prev := 0
	for _, r := range c.Routes {
		if r.Priority == 0 {
			r.Priority = (prev/PriorityStep + 1) * PriorityStep
		}
		if r.Priority > prev {
			prev = r.Priority
		}
		r.RequestScopes = dedupe(append(slices.Clone(c.OAuthScopes), r.Scopes...))
		r.SessionCookieName = c.SessionCookieName
		if routes.ScopeSetKey(r.RequestScopes) != base {
			r.SessionCookieName = routes.CookieName(c.SessionCookieName, r.RequestScopes)
			if !slices.Contains(t.SessionCookieNames, r.SessionCookieName) {
				t.SessionCookieNames = append(t.SessionCookieNames, r.SessionCookieName)
			}
		}
		t.Routes = append(t.Routes, r)
	}
	return t
}

// RouteTableJSON returns RouteTable as the JSON the function reads from
// EnvRouteTable.
func (c Config) RouteTableJSON() string {
	data, err := c.RouteTable().JSON()
	if err != nil {
		panic("config: route table does not encode: " + err.Error())
	}
	return string(data)
}

// ClientScopes returns every scope the load balancer requests, for the app
// client's allowed scopes: OAuthScopes, then each route's scopes not yet
// listed.
func (c Config) ClientScopes() []string {
	out := slices.Clone(c.OAuthScopes)
	for _, r := range c.Routes {
		for _, s := range r.Scopes {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// routes checks the route table: the routes package's checks on the derived
// table, plus what only the configuration knows.
func (v *validator) routes(c Config) {
	const key = "routes"
	if len(c.Routes) == 0 {
		return
	}
	for i, r := range c.Routes {
		if r.RequestScopes != nil {
			v.add(fmt.Sprintf("%s[%d].requestScopes", key, i), "is derived from oauthScopes and the route's scopes; remove it")
		}
		if r.SessionCookieName != "" {
			v.add(fmt.Sprintf("%s[%d].sessionCookieName", key, i), "is derived from sessionCookieName and the route's scopes; remove it")
		}
	}
	for i, r := range c.Routes {
		if idp, ok := r.AuthenticationRequestExtraParams["identity_provider"]; ok && idp != "" && !slices.Contains(c.IdentityProviders, idp) {
			v.add(fmt.Sprintf("%s[%d].authenticationRequestExtraParams.identity_provider", key, i),
				"%q is not in identityProviders (%s), so the app client may not use it and Cognito would refuse the sign-in; "+
					"add it to identityProviders, or use one of those", idp, strings.Join(c.IdentityProviders, ", "))
		}
	}
	t := c.RouteTable()
	cookieOK := cookieRe.MatchString(c.SessionCookieName)
	if cookieOK && len(t.SessionCookieNames) > 1 {
		if long := len(t.SessionCookieNames[1]); long > routes.MaxCookieNameLength {
			v.add("sessionCookieName", "%q is too long for the routes that request other scopes than the default action: their cookies are named "+
				"<sessionCookieName>-<8 hex digits> (here %d characters), and cookie names have at most %d; shorten it to %d characters",
				c.SessionCookieName, long, routes.MaxCookieNameLength, routes.MaxCookieNameLength-9)
			cookieOK = false
		}
	}
	if err := t.Validate(); err != nil {
		for _, p := range err.(routes.Problems) {
			derived := strings.HasSuffix(p.Field, ".sessionCookieName") || strings.HasSuffix(p.Field, ".requestScopes") ||
				strings.HasPrefix(p.Field, "sessionCookieNames")
			if derived && (!cookieOK || !slices.Contains(c.OAuthScopes, "openid")) {
				continue // the base setting's own problem is reported
			}
			v.ps = append(v.ps, Problem{p.Field, p.Message})
		}
		return
	}
	if n := len(c.RouteTableJSON()); n > MaxRouteTableBytes {
		v.add(key, "the route table is %d bytes as JSON, more than the %d the function's environment can hold (Lambda allows 4 KB for all variables); "+
			"use fewer routes, or shorter names, patterns, groups and scopes", n, MaxRouteTableBytes)
	}
}
