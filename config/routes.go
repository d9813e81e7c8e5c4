package config

import (
	"fmt"
	"maps"
	"regexp"
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
			if inheritedParams(c, p.Field) {
				continue // the site's parameters, reported once under their own key
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

// RoutesWithSiteParams returns Routes with the site's
// AuthenticationRequestExtraParams given to every route that sets none of
// its own: a route's own parameters replace the site's whole (as a stage's
// key replaces the shared value), and a route's explicit {} keeps none.
// The listener rules and the function's route table both come from it.
func (c Config) RoutesWithSiteParams() []routes.Route {
	if len(c.AuthenticationRequestExtraParams) == 0 || len(c.Routes) == 0 {
		return c.Routes
	}
	out := slices.Clone(c.Routes)
	for i, r := range out {
		if r.AuthenticationRequestExtraParams == nil && !r.Machine() {
			out[i].AuthenticationRequestExtraParams = maps.Clone(c.AuthenticationRequestExtraParams)
		}
	}
	return out
}

// authorizeParams are the authorize endpoint's parameters an extra
// parameter may be ("The redirect and authorization endpoint", Amazon
// Cognito Developer Guide): the others are the load balancer's own
// (routes.ReservedParams). Cognito documents no pass-through of other
// parameters to identity providers (it forwards prompt, except none, and
// login_hint to OIDC providers and Google), so another key would do nothing
// and is refused as a likely misspelling.
var authorizeParams = []string{"identity_provider", "idp_identifier", "lang", "prompt", "login_hint", "resource"}

// managedLoginLanguages are the languages of managed login
// ("Managed login localization", Amazon Cognito Developer Guide).
var managedLoginLanguages = []string{"de", "en", "es", "fr", "id", "it", "ja", "ko", "pt-BR", "zh-CN", "zh-TW"}

// promptValues are the documented values of prompt, space-separated; none
// is refused (see authorizeParamProblems).
var promptValues = []string{"login", "select_account", "consent"}

var idpIdentifierRe = regexp.MustCompile(`^[\w\s+=.@-]{1,40}$`)

// authorizeParamProblems checks extra parameters against what Cognito's
// authorize endpoint accepts: known keys only, identity_provider one of
// identityProviders, idp_identifier in Cognito's pattern and not beside
// identity_provider, lang a managed login language, prompt documented
// values, lang and prompt only with managed login, resource only the site's
// resource server.
func (v *validator) authorizeParamProblems(field string, params map[string]string, c Config) {
	keys := slices.Sorted(maps.Keys(params))
	for _, k := range keys {
		val := params[k]
		kf := field + "." + k
		if slices.Contains(routes.ReservedParams, strings.ToLower(k)) {
			continue // routes.ParamProblems reports it
		}
		switch k {
		case "identity_provider":
			if val != "" && !slices.Contains(c.IdentityProviders, val) {
				v.add(kf, "%q is not in identityProviders (%s), so the app client may not use it and Cognito would refuse the sign-in; "+
					"add it to identityProviders, or use one of those", val, strings.Join(c.IdentityProviders, ", "))
			}
			if _, both := params["idp_identifier"]; both {
				v.add(kf, "is set beside idp_identifier; each sends the user straight to one provider: keep one")
			}
		case "idp_identifier":
			if !idpIdentifierRe.MatchString(val) {
				v.add(kf, "%q is not an identity provider identifier (1 to 40 letters, digits, spaces and _ + = . @ -, as Cognito allows)", val)
			}
		case "lang":
			if !slices.Contains(managedLoginLanguages, val) {
				v.add(kf, "%q is not a language of managed login; use one of %s (case as shown)", val, strings.Join(managedLoginLanguages, ", "))
			} else if !c.ManagedLogin() {
				v.add(kf, "needs managed login: \"Managed login pages can be localized, but hosted UI (classic) pages can't\"; set loginPages to managed or remove lang")
			}
		case "prompt":
			for _, p := range strings.Fields(val) {
				switch {
				case p == "none":
					v.add(kf, "none makes Cognito answer login_required instead of showing a sign-in page to anyone without a Cognito session, "+
						"and the load balancer has no way to fall back to one; use login, select_account or consent")
				case !slices.Contains(promptValues, p):
					v.add(kf, "%q is not a prompt value; use login, select_account or consent", p)
				}
			}
			if !c.ManagedLogin() {
				v.add(kf, "needs managed login: prompt is \"available in the managed login branding version only, not in the classic hosted UI\"; set loginPages to managed or remove prompt")
			}
		case "login_hint":
		case "resource":
			if val != c.ResourceServerID {
				v.add(kf, "%q binds every access token to that audience, and the function accepts an access token with aud only when aud is resourceServerId (%q); "+
					"set resource to resourceServerId or remove it", val, c.ResourceServerID)
			}
		default:
			if len(k) <= 64 && !strings.ContainsAny(k, " \t") {
				v.add(kf, "is not a parameter of Cognito's authorize endpoint, which does not pass other parameters on to identity providers; use %s",
					strings.Join(authorizeParams, ", "))
			}
		}
	}
}

// siteParams checks authenticationRequestExtraParams and every route's own.
func (v *validator) siteParams(c Config) {
	const key = "authenticationRequestExtraParams"
	for _, p := range routes.ParamProblems(key, c.AuthenticationRequestExtraParams) {
		v.ps = append(v.ps, Problem{p.Field, p.Message})
	}
	v.authorizeParamProblems(key, c.AuthenticationRequestExtraParams, c)
	for i, r := range c.Routes {
		if !r.Machine() {
			v.authorizeParamProblems(fmt.Sprintf("routes[%d].%s", i, key), r.AuthenticationRequestExtraParams, c)
		}
	}
}

// inheritedParams reports whether field names a route's
// authenticationRequestExtraParams that the route inherits from the site.
func inheritedParams(c Config, field string) bool {
	for i, r := range c.Routes {
		if r.AuthenticationRequestExtraParams == nil && strings.HasPrefix(field, fmt.Sprintf("routes[%d].authenticationRequestExtraParams", i)) {
			return true
		}
	}
	return false
}
