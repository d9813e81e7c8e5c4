package routes

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
)

// Limits. The load balancer's are from the Elastic Load Balancing User Guide
// ("Condition types for listener rules", "Quotas for your Application Load
// Balancers") and API Reference (PathPatternConditionConfig,
// AuthenticateCognitoActionConfig, CreateRule).
const (
	// MaxRoutes bounds the table: each route is one listener rule, and a load
	// balancer has a default quota of 100 rules besides the default ones.
	// Half of it leaves room for rules added by other means.
	MaxRoutes = 50
	// MaxPatternsPerRoute is the load balancer's limit of match evaluations
	// (values) per condition; a route's patterns form one path condition.
	MaxPatternsPerRoute = 3
	// MaxConditionValues is the load balancer's limit of condition values
	// per rule: a route's paths and methods together.
	MaxConditionValues = 5
	// MaxMethodLength is the load balancer's limit on an HTTP method in an
	// http-request-method condition.
	MaxMethodLength = 40
	// MaxPolicies bounds the table's distinct policies (Table.Policies), each
	// a target group with its own invoke permission on the function: a
	// function's resource-based policy holds at most 20 KB (Lambda quotas),
	// about 40 such permissions, and a load balancer at most 100 target
	// groups. Half the permissions leaves room for others.
	MaxPolicies = 20
	// MaxWildcardsPerRoute is the load balancer's limit of wildcards ("*" and
	// "?") per rule.
	MaxWildcardsPerRoute = 5
	// MaxPatternLength is the load balancer's limit on a path pattern.
	MaxPatternLength = 128
	// MaxExtraParams is the load balancer's limit of query parameters added to
	// the authorize redirect.
	MaxExtraParams = 10
	// MaxPriority is the highest listener rule priority.
	MaxPriority = 50000
	// MaxCookieNameLength bounds session cookie names.
	MaxCookieNameLength = 64
	// MaxGroupNameLength is Cognito's limit on a group name.
	MaxGroupNameLength = 128
	// MaxClients and MaxMachineScopes bound a machine route's clients and
	// scopes: each list becomes one additional claim of the load balancer's
	// jwt-validation action, which takes at most 10 values (Elastic Load
	// Balancing API Reference, JwtValidationActionAdditionalClaim).
	MaxClients       = 10
	MaxMachineScopes = 10
	// maxParamKey and maxParamValue are this package's own bounds: the load
	// balancer documents none.
	maxParamKey   = 64
	maxParamValue = 256
)

// ReservedParams are the authorize request's parameters the load balancer
// sets itself; an extra parameter may not override them.
var ReservedParams = []string{
	"response_type", "client_id", "redirect_uri", "state", "scope", "nonce",
	"code_challenge", "code_challenge_method", "client_secret", "code",
}

var (
	nameRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{0,31}$`)
	// methodRe is the load balancer's alphabet for methods in an
	// http-request-method condition.
	methodRe = regexp.MustCompile(`^[A-Z_-]+$`)
	// ClientNameRe is a machine client's name: it names a Cognito app client,
	// a construct and a stack output.
	ClientNameRe = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?$`)
	cookieRe     = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	paramRe      = regexp.MustCompile(`^[A-Za-z0-9_.~-]+$`)
	// Cognito's patterns for a custom scope's name and resource server identifier.
	scopeNameRe      = regexp.MustCompile(`^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]{1,256}$`)
	resourceServerRe = regexp.MustCompile(`^[\x21-\x7E]{1,256}$`)
)

// StandardScopes are the OAuth scopes Cognito defines besides custom ones.
var StandardScopes = []string{"openid", "email", "phone", "profile"}

// AdminScope is the scope that lets an access token change its user through
// the Cognito API; no route may require it.
const AdminScope = "aws.cognito.signin.user.admin"

// patternChar reports whether c may appear in a path pattern: A-Z a-z 0-9
// _ - . $ / ~ " ' @ : + & and the wildcards * ?.
func patternChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte(`_-.$/~"'@:+&*?`, c) >= 0
}

// Validate checks the table and returns every problem as Problems, or nil.
func (t Table) Validate() error {
	v := &checker{}
	if len(t.Routes) > MaxRoutes {
		v.add("routes", "has %d routes; at most %d are allowed (each is a listener rule, and a load balancer has 100 by default)", len(t.Routes), MaxRoutes)
	}
	names := map[string]int{}
	prio := 0
	prioField := ""
	cookieOf := map[string]string{} // scope set -> cookie name
	setOf := map[string]string{}    // cookie name -> scope set
	for i, r := range t.Routes {
		f := fmt.Sprintf("routes[%d]", i)
		if !nameRe.MatchString(r.Name) {
			v.add(f+".name", "%q is not a route name; use 1 to 32 letters, digits and hyphens, starting with a letter, e.g. admin", r.Name)
		} else if j, dup := names[r.Name]; dup {
			v.add(f+".name", "%q is also the name of routes[%d]; route names must be unique", r.Name, j)
		} else {
			names[r.Name] = i
		}
		v.paths(f, r.Paths)
		v.methods(f, r.Methods)
		if n := len(r.Paths) + len(r.Methods); len(r.Paths) <= MaxPatternsPerRoute && n > MaxConditionValues {
			v.add(f+".methods", "with %d paths, at most %d methods fit: a load balancer rule takes %d condition values (paths and methods together); split the route",
				len(r.Paths), MaxConditionValues-len(r.Paths), MaxConditionValues)
		}
		v.groups(f, r.Groups)
		v.scopes(f, r.Scopes)
		if r.Machine() {
			v.machine(f, r)
		}
		switch r.OnUnauthenticatedRequest {
		case "", Authenticate, Deny:
		case Allow:
			if r.NeedsAccessToken() {
				v.add(f+".onUnauthenticatedRequest", "is allow, but the route requires groups or scopes, which a request without a session cannot have: "+
					"every such request would be refused anyway; use deny (401, for APIs) or authenticate (sign-in page)")
			}
		default:
			v.add(f+".onUnauthenticatedRequest", "%q is not allowed; use authenticate (send to the sign-in page), deny (answer 401) or allow (pass on without a session)", r.OnUnauthenticatedRequest)
		}
		v.params(f+".authenticationRequestExtraParams", r.AuthenticationRequestExtraParams)
		if r.Priority != 0 {
			switch {
			case r.Priority < 1 || r.Priority > MaxPriority:
				v.add(f+".priority", "%d is out of range; listener rule priorities are 1 to %d", r.Priority, MaxPriority)
			case r.Priority <= prio:
				v.add(f+".priority", "%d is not greater than %s's %d; priorities must increase along the table, which is the order rules are evaluated in", r.Priority, prioField, prio)
			default:
				prio, prioField = r.Priority, f+".priority"
			}
		}
		if len(r.RequestScopes) > 0 {
			if r.RequestScopes[0] != "openid" {
				v.add(f+".requestScopes", "must start with openid")
			}
			for _, s := range r.Scopes {
				if !slices.Contains(r.RequestScopes, s) {
					v.add(f+".requestScopes", "lacks the route's scope %q", s)
				}
			}
		}
		if r.SessionCookieName != "" {
			v.cookie(f+".sessionCookieName", r.SessionCookieName)
			if len(r.RequestScopes) > 0 {
				set := ScopeSetKey(r.RequestScopes)
				if c, ok := cookieOf[set]; ok && c != r.SessionCookieName {
					v.add(f+".sessionCookieName", "%q differs from %q, the cookie of another route requesting the same scopes", r.SessionCookieName, c)
				}
				if s, ok := setOf[r.SessionCookieName]; ok && s != set {
					v.add(f+".sessionCookieName", "%q is also the cookie of a route requesting other scopes; each scope set needs its own session cookie", r.SessionCookieName)
				}
				cookieOf[set], setOf[r.SessionCookieName] = r.SessionCookieName, set
			}
		}
	}
	v.shadows(t.Routes)
	switch t.OnUnauthenticatedRequest {
	case "", Authenticate, Deny, Allow:
	default:
		v.add("onUnauthenticatedRequest", "%q is not allowed; use authenticate, deny or allow", t.OnUnauthenticatedRequest)
	}
	if n := len(t.Policies()); n > MaxPolicies {
		v.add("routes", "the routes have %d distinct authorization policies (groups, scopes, clients, onUnauthenticatedRequest and allowEncodedSlashes together, "+
			"with the default action's); each is a target group with an invoke permission on the function, and at most %d fit in the function's 20 KB resource policy: "+
			"give routes the same settings where you can", n, MaxPolicies)
	}
	if len(v.ps) == 0 {
		return nil
	}
	return v.ps
}

type checker struct{ ps Problems }

func (v *checker) add(field, format string, args ...any) {
	v.ps = append(v.ps, Problem{field, fmt.Sprintf(format, args...)})
}

func (v *checker) paths(f string, paths []string) {
	switch {
	case len(paths) == 0:
		v.add(f+".paths", "is empty; list 1 to %d path patterns, e.g. /admin/*", MaxPatternsPerRoute)
	case len(paths) > MaxPatternsPerRoute:
		v.add(f+".paths", "lists %d patterns; a load balancer condition takes at most %d: split the route into routes of up to %d patterns with the same settings",
			len(paths), MaxPatternsPerRoute, MaxPatternsPerRoute)
	}
	wildcards := 0
	for j, p := range paths {
		pf := fmt.Sprintf("%s.paths[%d]", f, j)
		wildcards += strings.Count(p, "*") + strings.Count(p, "?")
		if msg := PatternProblem(p); msg != "" {
			v.add(pf, "%s", msg)
			continue
		}
		if k := slices.Index(paths[:j], p); k >= 0 {
			v.add(pf, "%q is also %s.paths[%d]; remove the duplicate", p, f, k)
			continue
		}
		for k, q := range paths {
			// Of two patterns that cover each other, only the later is redundant.
			if k != j && PatternProblem(q) == "" && q != p && covers(q, p) && (k < j || !covers(p, q)) {
				v.add(pf, "%q is redundant: every path it matches also matches %q (%s.paths[%d]); remove it", p, q, f, k)
				break
			}
		}
	}
	if wildcards > MaxWildcardsPerRoute {
		v.add(f+".paths", "use %d wildcards (* and ?) in all; a load balancer rule allows at most %d", wildcards, MaxWildcardsPerRoute)
	}
}

func (v *checker) methods(f string, methods []string) {
	for j, m := range methods {
		mf := fmt.Sprintf("%s.methods[%d]", f, j)
		switch {
		case m == "" || len(m) > MaxMethodLength:
			v.add(mf, "%q is not a method; write 1 to %d characters, e.g. POST", m, MaxMethodLength)
		case strings.ToUpper(m) != m && methodRe.MatchString(strings.ToUpper(m)):
			v.add(mf, "%q must be upper case: the load balancer compares methods exactly, and clients send them in upper case; write %s", m, strings.ToUpper(m))
		case !methodRe.MatchString(m):
			v.add(mf, "%q is not a method the load balancer can match; use A-Z, hyphen and underscore, e.g. DELETE", m)
		case slices.Contains(methods[:j], m):
			v.add(mf, "lists %q twice; remove the duplicate", m)
		}
	}
}

// PatternProblem says what is wrong with a path pattern, or "" when nothing is.
func PatternProblem(p string) string {
	switch {
	case p == "":
		return "is empty; write a path pattern such as /admin/*"
	case len(p) > MaxPatternLength:
		return fmt.Sprintf("is %d characters long; a load balancer path pattern has at most %d", len(p), MaxPatternLength)
	case p[0] != '/' && p[0] != '*':
		if PatternProblem("/"+p) != "" {
			return fmt.Sprintf("%q matches no request: paths start with /, e.g. /admin/*", p)
		}
		return fmt.Sprintf("%q matches no request: paths start with /; write /%s", p, p)
	}
	for i := 0; i < len(p); i++ {
		if !patternChar(p[i]) {
			c := fmt.Sprintf("%q", string(p[i]))
			if p[i] >= 0x80 {
				c = "a non-ASCII character"
			}
			return fmt.Sprintf("%q contains %s; a load balancer path pattern may only contain A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & and the wildcards * ?", p, c)
		}
	}
	return ""
}

// shadows reports patterns that an earlier route's pattern covers: their rule
// would never apply.
func (v *checker) shadows(routes []Route) {
	for i, r := range routes {
		for j, p := range r.Paths {
			if PatternProblem(p) != "" {
				continue
			}
		earlier:
			for k := range i {
				if !methodsCover(routes[k].Methods, r.Methods) {
					continue
				}
				for l, q := range routes[k].Paths {
					if PatternProblem(q) == "" && covers(q, p) {
						what := "is shadowed by"
						if q == p {
							what = "duplicates"
						}
						v.add(fmt.Sprintf("routes[%d].paths[%d]", i, j), "%q %s %q of the earlier route %q (routes[%d].paths[%d]): every path it matches goes to that route; "+
							"move this route before it, or narrow that pattern", p, what, q, routes[k].Name, k, l)
						break earlier
					}
				}
			}
		}
	}
}

// methodsCover reports whether a rule limited to earlier methods (none:
// every method) matches every method a rule limited to later matches.
func methodsCover(earlier, later []string) bool {
	if len(earlier) == 0 {
		return true
	}
	if len(later) == 0 {
		return false
	}
	for _, m := range later {
		if !slices.Contains(earlier, m) {
			return false
		}
	}
	return true
}

// SessionProblems reports deny routes whose session no sign-in creates. A
// rule with onUnauthenticatedRequest deny answers 401 to a request without
// its session cookie; that cookie (the route's SessionCookieName) is only
// ever set by an authenticate action with the same cookie: another route's
// with the same scope set, or the default action's (defaultCookie) when
// the table's OnUnauthenticatedRequest is authenticate. Without one, every
// request on the route is refused. t must be derived (Derive).
func (t Table) SessionProblems(defaultCookie string) Problems {
	created := map[string]bool{}
	if t.OnUnauthenticatedRequest == "" || t.OnUnauthenticatedRequest == Authenticate {
		created[defaultCookie] = true
	}
	for _, r := range t.Routes {
		if !r.Machine() && r.Unauthenticated() == Authenticate {
			created[r.SessionCookieName] = true
		}
	}
	var ps Problems
	for i, r := range t.Routes {
		if r.Machine() || r.Unauthenticated() != Deny || created[r.SessionCookieName] {
			continue
		}
		ps = append(ps, Problem{fmt.Sprintf("routes[%d].onUnauthenticatedRequest", i), fmt.Sprintf(
			"is deny, but no sign-in creates this route's session (cookie %s, for the scopes %s): the load balancer would answer 401 to every request. "+
				"Add a route with the same scopes and onUnauthenticatedRequest authenticate (the page that calls this API, for example), "+
				"or use authenticate here, or drop the route's scopes so that it shares the default action's session",
			r.SessionCookieName, strings.Join(r.RequestScopes, " "))})
	}
	return ps
}

// machine checks what only a machine route needs: clients, custom scopes, and
// none of the settings of a sign-in.
func (v *checker) machine(f string, r Route) {
	if len(r.Clients) > MaxClients {
		v.add(f+".clients", "lists %d clients; the load balancer checks client_id against at most %d values: split the route", len(r.Clients), MaxClients)
	}
	for j, c := range r.Clients {
		cf := fmt.Sprintf("%s.clients[%d]", f, j)
		switch {
		case !ClientNameRe.MatchString(c):
			v.add(cf, "%q is not a machine client name; use 1 to 64 letters, digits or inner hyphens, e.g. nightly-report", c)
		case slices.Contains(r.Clients[:j], c):
			v.add(cf, "lists %q twice; remove the duplicate", c)
		}
	}
	switch {
	case len(r.Scopes) == 0:
		v.add(f+".scopes", "is empty, but the route lists clients: a machine route requires 1 to %d custom scopes, "+
			"e.g. https://app.example.com/reports.read, so that a token of another purpose cannot call it", MaxMachineScopes)
	case len(r.Scopes) > MaxMachineScopes:
		v.add(f+".scopes", "lists %d scopes; the load balancer checks scope against at most %d values", len(r.Scopes), MaxMachineScopes)
	}
	for j, s := range r.Scopes {
		if slices.Contains(StandardScopes, s) || s == AdminScope {
			v.add(fmt.Sprintf("%s.scopes[%d]", f, j), "%s is a user scope; a client-credentials token only carries custom <resource-server-id>/<scope> scopes", s)
		}
	}
	const why = "a machine route signs no user in; remove it, or remove clients to make the route a sign-in route"
	if len(r.Groups) > 0 {
		v.add(f+".groups", "a machine token has no user and so no groups; %s", why)
	}
	if r.OnUnauthenticatedRequest != "" {
		v.add(f+".onUnauthenticatedRequest", "a request without a valid bearer token always gets 401 from the load balancer; %s", why)
	}
	if len(r.AuthenticationRequestExtraParams) > 0 {
		v.add(f+".authenticationRequestExtraParams", "%s", why)
	}
	if len(r.RequestScopes) > 0 || r.SessionCookieName != "" {
		v.add(f, "a machine route requests no scopes and has no session cookie; remove requestScopes and sessionCookieName")
	}
}

func (v *checker) groups(f string, groups []string) {
	for j, g := range groups {
		gf := fmt.Sprintf("%s.groups[%d]", f, j)
		switch {
		case g == "":
			v.add(gf, "is empty; give the name of a Cognito group of the user pool")
		case len([]rune(g)) > MaxGroupNameLength:
			v.add(gf, "is longer than %d characters, Cognito's limit for group names", MaxGroupNameLength)
		case strings.IndexFunc(g, func(r rune) bool {
			return !unicode.In(r, unicode.L, unicode.M, unicode.S, unicode.N, unicode.P)
		}) >= 0:
			v.add(gf, "%q contains whitespace or control characters, which Cognito group names cannot", g)
		case slices.Contains(groups[:j], g):
			v.add(gf, "lists %q twice; remove the duplicate", g)
		}
	}
}

func (v *checker) scopes(f string, scopes []string) {
	for j, s := range scopes {
		sf := fmt.Sprintf("%s.scopes[%d]", f, j)
		switch {
		case s == "openid":
			v.add(sf, "openid is always requested; remove it")
		case s == AdminScope:
			v.add(sf, "%s lets the access token, which the load balancer passes to the function, change or delete the user through the Cognito API; "+
				"no route should request it: remove it", AdminScope)
		case slices.Contains(scopes[:j], s):
			v.add(sf, "lists %q twice; remove the duplicate", s)
		default:
			if msg := ScopeProblem(s); msg != "" {
				v.add(sf, "%s", msg)
			}
		}
	}
}

// ScopeProblem says why no app client can be granted the scope s, or "" when
// s is a standard scope or a well-formed custom one. Whether a custom scope's
// resource server exists in the pool cannot be checked without calling AWS:
// if it does not, Cognito refuses the app client at deploy.
func ScopeProblem(s string) string {
	if slices.Contains(StandardScopes, s) || s == AdminScope {
		return ""
	}
	if slices.Contains(StandardScopes, strings.ToLower(s)) {
		return fmt.Sprintf("scope %q must be lower case: use %s", s, strings.ToLower(s))
	}
	i := strings.LastIndex(s, "/")
	if i < 0 {
		return fmt.Sprintf("no app client can get scope %q: Cognito's scopes are openid, email, phone, profile, %s and custom <resource-server-id>/<scope> scopes, "+
			"e.g. https://api.example.com/admin", s, AdminScope)
	}
	if !resourceServerRe.MatchString(s[:i]) || !scopeNameRe.MatchString(s[i+1:]) {
		return fmt.Sprintf("custom scope %q is malformed; write <resource-server-id>/<scope>, e.g. https://api.example.com/admin or orders/write", s)
	}
	return ""
}

// ParamProblems checks extra authorize parameters the way Validate checks a
// route's: the load balancer's limits, no parameter it sets itself, keys
// that are query parameter names, non-empty values without whitespace or
// controls. field names the parameters in problems, e.g.
// authenticationRequestExtraParams.
func ParamProblems(field string, params map[string]string) Problems {
	v := &checker{}
	v.params(field, params)
	return v.ps
}

func (v *checker) params(pf string, params map[string]string) {
	if len(params) == 0 {
		return
	}
	if len(params) > MaxExtraParams {
		v.add(pf, "has %d parameters; the load balancer sends at most %d", len(params), MaxExtraParams)
	}
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		val := params[k]
		kf := pf + "." + k
		switch {
		case slices.Contains(ReservedParams, strings.ToLower(k)):
			hint := "remove it"
			if strings.EqualFold(k, "scope") {
				hint = "remove it and list the route's scopes in its scopes"
			}
			v.add(kf, "the load balancer sets %s itself; %s", k, hint)
		case len(k) > maxParamKey || !paramRe.MatchString(k):
			v.add(pf, "key %q is not a query parameter name; use 1 to %d letters, digits and _ . ~ -, e.g. identity_provider", k, maxParamKey)
		case val == "":
			v.add(kf, "is empty; give a value, e.g. Google, or remove the parameter")
		case len(val) > maxParamValue:
			v.add(kf, "is %d bytes long; at most %d are allowed", len(val), maxParamValue)
		case strings.IndexFunc(val, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) >= 0:
			v.add(kf, "%q contains whitespace or control characters; remove them", val)
		}
	}
}

func (v *checker) cookie(f, c string) {
	if len(c) == 0 || len(c) > MaxCookieNameLength || !cookieRe.MatchString(c) {
		v.add(f, "%q is not a valid cookie name; use 1 to %d letters, digits, hyphens or underscores", c, MaxCookieNameLength)
	}
}

// ScopeSetKey is a canonical form of a set of scopes: sorted, without
// duplicates, space-separated. Two rules share a session exactly when their
// requested scopes have the same key.
func ScopeSetKey(scopes []string) string {
	s := slices.Clone(scopes)
	slices.Sort(s)
	return strings.Join(slices.Compact(s), " ")
}

// CookieName is the session cookie name for rules that request scopes other
// than the default action's: base, a hyphen and 8 hex digits of the SHA-256
// of ScopeSetKey(scopes), stable whatever the order of the scopes. The load
// balancer splits a large session cookie into <name>-0, <name>-1 and so on;
// the suffix is never a single digit, so those never collide with it.
func CookieName(base string, scopes []string) string {
	sum := sha256.Sum256([]byte(ScopeSetKey(scopes)))
	return base + "-" + hex.EncodeToString(sum[:4])
}
