package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// RouteTable returns the route table the stack and the function use: Routes
// with their derived fields (priorities, requested scopes, session cookie
// names) filled in by routes.Derive from OAuthScopes and SessionCookieName.
func (c Config) RouteTable() routes.Table {
	t := routes.Derive(c.ListenerRoutes(), c.OAuthScopes, c.SessionCookieName)
	t.OnUnauthenticatedRequest = c.OnUnauthenticatedRequest
	return t
}

// RouteTableJSON returns RouteTable as the JSON the function reads from its
// environment variable routes.EnvVar.
func (c Config) RouteTableJSON() string {
	data, err := c.RouteTable().JSON()
	if err != nil {
		panic("config: route table does not encode: " + err.Error())
	}
	return string(data)
}

// ClientScopes returns every scope the load balancer requests, for the app
// client's allowed scopes: OAuthScopes, then the routes' scopes not yet
// listed.
func (c Config) ClientScopes() []string {
	out := slices.Clone(c.OAuthScopes)
	for _, s := range c.RouteTable().Scopes() {
		if !slices.Contains(out, s) {
			out = append(out, s)
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
	// The routes' own cookies (all but the first name) are
	// <sessionCookieName>-<8 hex digits>: one problem, on the base setting.
	for _, name := range t.CookieNames(c.SessionCookieName)[1:] {
		if cookieOK && len(name) > routes.MaxCookieNameLength {
			v.add("sessionCookieName", "%q is too long for the routes that request other scopes than the default action: their cookies are named "+
				"<sessionCookieName>-<8 hex digits> (here %d characters), and cookie names have at most %d; shorten it to %d characters",
				c.SessionCookieName, len(name), routes.MaxCookieNameLength, routes.MaxCookieNameLength-9)
			cookieOK = false
		}
	}
	// A priority the table derives (the next multiple of PriorityStep) can
	// pass the highest one: say so, rather than call it out of range as if
	// it were written.
	derivedPriority := map[string]bool{}
	prev, prevField := 0, ""
	for i, r := range t.Routes {
		f := fmt.Sprintf("%s[%d].priority", key, i)
		if c.Routes[i].Priority == 0 && r.Priority > routes.MaxPriority {
			derivedPriority[f] = true
			if c.Attach() {
				continue // rulePriorityBase's problem (attach)
			}
			v.add(f, "is not set, and the priority derived for it, %d (the next multiple of %d after %s's %d), is above %d, the highest "+
				"listener rule priority; give the earlier routes lower priorities, so that this one's is at most %d", r.Priority, routes.PriorityStep,
				prevField, prev, routes.MaxPriority, routes.MaxPriority)
		}
		if r.Priority > prev {
			prev, prevField = r.Priority, fmt.Sprintf("%s[%d]", key, i)
		}
	}
	if err := t.Validate(); err != nil {
		for _, p := range err.(routes.Problems) {
			if derivedPriority[p.Field] {
				continue
			}
			derived := strings.HasSuffix(p.Field, ".sessionCookieName") || strings.HasSuffix(p.Field, ".requestScopes")
			if derived && (!cookieOK || !slices.Contains(c.OAuthScopes, "openid")) {
				continue // the base setting's own problem is reported
			}
			v.ps = append(v.ps, Problem{p.Field, p.Message})
		}
		return
	}
	for _, p := range t.SessionProblems(c.SessionCookieName) {
		v.ps = append(v.ps, Problem{p.Field, p.Message})
	}
	if n := len(c.RouteTableJSON()); n > routes.MaxJSONBytes {
		v.add(key, "the route table is %d bytes as JSON, more than the %d the function's environment can hold (Lambda allows 4 KB for all variables); "+
			"use fewer routes, or shorter names, patterns, groups and scopes", n, routes.MaxJSONBytes)
	}
}
