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
		if !resourceServerRe.MatchString(c.ResourceServerID) {
			v.add(serverKey, "%q is not a valid resource server identifier; use 1 to 256 printable ASCII characters without spaces, e.g. %s",
				c.ResourceServerID, c.SiteURL())
		} else {
			serverOK = true
		}
	}
	v.machineRoutes(c, serverOK)
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
