package config

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/cognitoissuer"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// TokenEndpoint returns the user pool's OAuth 2.0 token endpoint,
// https://<UserPoolDomainHost>/oauth2/token, where machine clients exchange
// their id and secret for an access token (client-credentials grant).
func (c Config) TokenEndpoint() string {
	return "https://" + c.UserPoolDomainHost() + "/oauth2/token"
}

// JWKSURL returns the user pool's key set, <Issuer>/.well-known/jwks.json
// (cognitoissuer.JWKSURL), against which the load balancer and the function
// verify access tokens.
func (c Config) JWKSURL() string {
	if iss := c.Issuer(); iss != "" {
		return cognitoissuer.JWKSURL(iss)
	}
	return ""
}

// Machine clients and access tokens: Cognito's limits.
const (
	minMachineTokenValidity = 5 * time.Minute
	maxMachineTokenValidity = 24 * time.Hour
	// maxClaimValues is how many values one additional claim of the load
	// balancer's jwt-validation action may list.
	maxClaimValues = 10
)

// machineClientRe is a machine client's name: it names the Cognito app client,
// a construct and a stack output, so letters, digits and inner hyphens only.
var machineClientRe = routes.ClientNameRe

// machine checks the machine-client keys and how they fit together.
func (v *validator) machine(c Config) {
	const clientsKey, serverKey, tokenKey = "machineClients", "resourceServerId", "machineTokenValidity"
	for _, name := range v.listElements(clientsKey, c.MachineClients, "nightly-report,billing-sync") {
		if !machineClientRe.MatchString(name) {
			v.add(clientsKey, "client name %q is not allowed; use 1 to 64 letters, digits or inner hyphens, e.g. nightly-report", name)
		}
	}
	v.machineOutputIDs(c.MachineClients)
	serverOK := false
	switch {
	case c.ResourceServerID == "":
		if len(c.MachineClients) > 0 {
			v.add(serverKey, "is not set, but machineClients are: a client-credentials client needs the scopes of a resource server; "+
				"set resourceServerId to an existing resource server's identifier, or set createResourceServer to true (the identifier then defaults to %s)", c.SiteURL())
		}
		if c.CreateResourceServer {
			v.add(serverKey, "is empty, but createResourceServer is true; remove it to use the default %s, or set it, e.g. https://app.example.com", c.SiteURL())
		}
	case v.text(serverKey, c.ResourceServerID):
		switch {
		case !resourceServerRe.MatchString(c.ResourceServerID):
			v.add(serverKey, "%q is not a valid resource server identifier; use 1 to 256 printable ASCII characters without spaces, \" or \\, e.g. %s",
				c.ResourceServerID, c.SiteURL())
		case strings.HasSuffix(c.ResourceServerID, "/"):
			fix := ""
			if trimmed := strings.TrimRight(c.ResourceServerID, "/"); resourceServerRe.MatchString(trimmed) {
				fix = ": " + trimmed
			}
			v.add(serverKey, "%q ends with a slash, so its scopes would read %s/<scope>, with a double slash; remove the trailing slash%s",
				c.ResourceServerID, c.ResourceServerID, fix)
		default:
			serverOK = true
		}
	}
	v.machineRoutes(c, serverOK)
	v.scopeLimits(c, serverOK)
	switch d := c.MachineTokenValidity; {
	case d < minMachineTokenValidity || d > maxMachineTokenValidity:
		v.add(tokenKey, "%s is out of range; Cognito allows access tokens of 5m to 24h, e.g. 15m", d)
	case d%time.Minute != 0:
		v.add(tokenKey, "%s is not a whole number of minutes; round it, e.g. %s", d, d.Round(time.Minute))
	}
}

// machineRoutes checks that the machine routes and the machine clients name
// each other, and that every scope a machine route requires is one of the
// resource server's.
func (v *validator) machineRoutes(c Config, serverOK bool) {
	used := map[string]bool{}
	anyMachine := false
	for i, r := range c.Routes {
		if !r.Machine() {
			continue
		}
		anyMachine = true
		f := fmt.Sprintf("routes[%d]", i)
		for j, name := range r.Clients {
			used[name] = true
			if !slices.Contains(c.MachineClients, name) {
				v.add(fmt.Sprintf("%s.clients[%d]", f, j), "%q is not in machineClients (%s); add it there, or correct the name",
					name, strings.Join(c.MachineClients, ", "))
			}
		}
		if !serverOK {
			continue
		}
		for j, s := range r.Scopes {
			server, name, ok := scopeOf(s)
			if ok && server == c.ResourceServerID && scopeNameRe.MatchString(name) {
				continue
			}
			v.add(fmt.Sprintf("%s.scopes[%d]", f, j), "%q is not a scope of resource server %s; write %s/<scope>, e.g. %s/reports.read",
				s, c.ResourceServerID, c.ResourceServerID, c.ResourceServerID)
		}
	}
	for _, name := range c.MachineClients {
		if !used[name] && machineClientRe.MatchString(name) {
			v.add("machineClients", "%q is listed by no route's clients, so it would be granted no scope (Cognito refuses a client-credentials client without one); "+
				"add it to a machine route's clients, or remove it", name)
		}
	}
	if anyMachine && len(c.MachineClients) > 0 && c.RouteTable().Validate() == nil {
		// RESOURCE_SERVER_ID (the resource server's identifier) counts too.
		if n := len(c.RouteTableJSON()) + machineClientsSize(c.MachineClients) + len(c.ResourceServerID); n > routes.MaxJSONBytes {
			v.add("machineClients", "the route table, the machine clients' ids and the resource server's identifier take about %d bytes of the function's environment, more than the %d "+
				"it can hold (Lambda allows 4 KB for all variables); use fewer or shorter client names, or fewer routes", n, routes.MaxJSONBytes)
		}
	}
	if c.CreateResourceServer && !anyMachine {
		v.add("createResourceServer", "is true, but no route lists clients, so the resource server would define no scope; "+
			"add a machine route (a route with clients and scopes), or remove createResourceServer")
	}
}

// MachineClientOutputID is the id of the stack output that gives a machine
// client's id: MachineClientId and the name without its hyphens, each part
// capitalized (nightly-report: MachineClientIdNightlyReport).
func MachineClientOutputID(name string) string {
	var b strings.Builder
	b.WriteString("MachineClientId")
	for _, part := range strings.Split(name, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// machineOutputIDs refuses two machine clients whose outputs would have the
// same id (nightly-report, NightlyReport, nightly--report): the stack could
// not hold both.
func (v *validator) machineOutputIDs(names []string) {
	first := map[string]string{}
	for _, name := range names {
		if !machineClientRe.MatchString(name) {
			continue
		}
		id := MachineClientOutputID(name)
		other, taken := first[id]
		switch {
		case !taken:
			first[id] = name
		case other != name: // a duplicate name is reported by listElements
			v.add("machineClients", "%q and %q would both have the stack output %s (the name without hyphens, each part capitalized), "+
				"and a stack cannot hold two outputs of one id; rename one, so that the names differ in more than case and hyphens", other, name, id)
		}
	}
}

// Cognito's limits on scopes (API CreateResourceServer, CreateUserPoolClient).
const (
	// maxServerScopes is how many scopes one resource server defines.
	maxServerScopes = 100
	// maxClientScopes is how many scopes one app client may be granted.
	maxClientScopes = 50
	// maxScopeLength bounds a scope as an app client is granted it,
	// <resource server>/<name> for a custom one.
	maxScopeLength = 256
)

// scopeLimits checks the scopes the app clients are granted against
// Cognito's limits and, when the stack creates the resource server, against
// the scopes it defines (those the machine routes require).
func (v *validator) scopeLimits(c Config, serverOK bool) {
	// Each custom scope as written, where it is written.
	type written struct{ key, scope string }
	var all []written
	for _, s := range c.OAuthScopes {
		all = append(all, written{"oauthScopes", s})
	}
	for i, r := range c.Routes {
		for j, s := range r.Scopes {
			all = append(all, written{fmt.Sprintf("routes[%d].scopes[%d]", i, j), s})
		}
	}
	for _, w := range all {
		server, _, ok := scopeOf(w.scope)
		switch {
		case !ok || routes.ScopeProblem(w.scope) != "":
			// Not a custom scope, or one whose problem is reported already.
		case len(w.scope) > maxScopeLength:
			v.add(w.key, "scope %q is %d characters long; Cognito grants an app client scopes of at most %d (<resource-server-id>/<scope>): "+
				"use a shorter identifier or scope name", w.scope, len(w.scope), maxScopeLength)
		case w.key != "oauthScopes" && !resourceServerRe.MatchString(server):
			v.add(w.key, "custom scope %q names resource server %q, which is not a valid identifier (printable ASCII without spaces, \" or \\); "+
				"write <resource-server-id>/<scope>, e.g. https://api.example.com/admin", w.scope, server)
		}
	}

	defined := map[string]bool{}
	var definedList []string
	for _, r := range c.Routes {
		if !r.Machine() {
			continue
		}
		for _, s := range r.Scopes {
			if !defined[s] {
				defined[s] = true
				definedList = append(definedList, s)
			}
		}
	}
	if c.CreateResourceServer && serverOK {
		if len(definedList) > maxServerScopes {
			v.add("routes", "the machine routes require %d different scopes, and the stack creates resource server %s with all of them; "+
				"Cognito allows a resource server %d: let routes share scopes", len(definedList), c.ResourceServerID, maxServerScopes)
		}
		for _, w := range all {
			server, _, ok := scopeOf(w.scope)
			if !ok || server != c.ResourceServerID || defined[w.scope] || routes.ScopeProblem(w.scope) != "" {
				continue
			}
			v.add(w.key, "%q is a scope of resource server %s, which the stack creates (createResourceServer) with only the scopes its machine routes require (%s), "+
				"and Cognito refuses an app client a scope its resource server does not define: require %s on a machine route too, or use one of those",
				w.scope, c.ResourceServerID, strings.Join(definedList, ", "), w.scope)
		}
	}

	// The site's app client: oauthScopes and every sign-in route's scopes.
	if n := len(c.ClientScopes()); n > maxClientScopes {
		key := "routes"
		if len(c.OAuthScopes) > maxClientScopes {
			key = "oauthScopes"
		}
		v.add(key, "the site's app client would be granted %d scopes (oauthScopes and the sign-in routes' scopes); Cognito allows an app client %d: "+
			"let routes share scopes", n, maxClientScopes)
	}
	// Each machine client: the scopes of the routes that list it.
	for _, name := range c.MachineClients {
		granted := map[string]bool{}
		for _, r := range c.Routes {
			if slices.Contains(r.Clients, name) {
				for _, s := range r.Scopes {
					granted[s] = true
				}
			}
		}
		if len(granted) > maxClientScopes {
			v.add("machineClients", "%q would be granted %d scopes (those of every route that lists it); Cognito allows an app client %d: "+
				"list it on fewer routes, or let routes share scopes", name, len(granted), maxClientScopes)
		}
	}
}

// clientIDLength is the length of the app client ids Cognito generates (26
// characters); the function's MACHINE_CLIENTS holds one per machine client.
const clientIDLength = 26

// machineClientsSize estimates MACHINE_CLIENTS: {"name":"id",...}.
func machineClientsSize(names []string) int {
	n := 2
	for _, name := range names {
		n += len(name) + clientIDLength + 6
	}
	return n
}

// scopeOf splits "<resource server>/<name>" at its last slash.
func scopeOf(scope string) (server, name string, ok bool) {
	i := strings.LastIndex(scope, "/")
	if i <= 0 || i == len(scope)-1 {
		return "", "", false
	}
	return scope[:i], scope[i+1:], true
}
