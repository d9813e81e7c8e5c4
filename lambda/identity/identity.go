package identity

import (
	"context"
	"slices"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/groupclaim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// Identity is the verified user of one request. Handlers read it with
// FromContext; every field comes from a token whose signature, signer or
// issuer, client, type and expiry were checked before the handler ran.
type Identity struct {
	// Subject is the user's stable identifier (sub), the same in both
	// tokens.
	Subject string
	// Username is the user-claims username (or cognito:username).
	Username string
	// Email is the user-claims email, if any.
	Email string
	// EmailVerified is true only when email_verified is true (the JSON
	// boolean or the string "true", as Cognito's userinfo sends it).
	EmailVerified bool
	// Groups are the user's groups from the configured group claims
	// (Config.GroupClaims): by default the access token's cognito:groups,
	// the groups Cognito put the user in, empty when AccessVerified is
	// false; with a federated provider's claim such as custom:groups,
	// instead of or beside them, compared exactly (case included).
	Groups []string
	// GroupSources says which claim gave which groups, in the order of the
	// configured claims; nil with the default configuration.
	GroupSources []groupclaim.Source
	// GroupClaimError is why a configured group claim held no usable list
	// (a *groupclaim.Error: the claim, its form and element count, never
	// its value). Groups is then empty and every route with groups refuses
	// the user.
	GroupClaimError error
	// Scopes are the access token's scopes: granted per app client, not per
	// user (see docs/authorization.md). Empty when
	// AccessVerified is false.
	Scopes []string
	// AccessVerified reports whether an access token was verified for this
	// request (it is whenever the load balancer sent one).
	AccessVerified bool
	// Machine is true for a request on a machine route: a script, job or
	// service authenticated by its bearer token, not a user. Subject is then
	// the app client id (Cognito's sub of a client-credentials token),
	// Client the machine client's name and ClientID its id; there are no
	// user claims, groups, Username or Email.
	Machine  bool
	Client   string
	ClientID string
	// Route is the route the request's path matched; Routed is false when
	// it matched none (the load balancer's default action applied).
	Route  routes.Route
	Routed bool
	// ExpiresAt is when the load balancer's user-claims token expires.
	ExpiresAt time.Time
	// Claims holds every user-claims (x-amzn-oidc-data) claim.
	Claims map[string]any
	// AccessClaims holds every access-token claim, or nil.
	AccessClaims map[string]any
}

type ctxKey struct{}

// FromContext returns the identity the middleware stored for this request.
// It is false for requests the middleware let through without one: paths
// whose route allows unauthenticated requests, when nobody is signed in.
func FromContext(ctx context.Context) (*Identity, bool) {
	id, ok := ctx.Value(ctxKey{}).(*Identity)
	return id, ok && id != nil
}

// NewContext returns ctx carrying id. The middleware calls it; tests of
// handlers behind the middleware may too.
func NewContext(ctx context.Context, id *Identity) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// Denial says why a route refuses a user. Both fields name configuration
// (group and scope names from the route table), never token content.
type Denial struct {
	// Groups are the route's groups when the user is in none of them.
	Groups []string
	// Scopes are the route's scopes the access token lacks.
	Scopes []string
	// NoAccessToken is true when the route needs an access token and none
	// was verified.
	NoAccessToken bool
	// GroupClaimInvalid is true when the route has groups and a configured
	// group claim held no usable list (Identity.GroupClaimError).
	GroupClaimInvalid bool
}

// MayEnter reports whether this identity satisfies route r's groups (any
// of them) and scopes (all of them). It is the same decision the
// middleware makes before a handler runs; the identity page uses it to
// show, for each route, whether the user may enter.
func (id *Identity) MayEnter(r routes.Route) (ok bool, why Denial) {
	if r.Machine() != id.Machine {
		// Users never enter machine routes, machines only machine routes.
		return false, Denial{NoAccessToken: true}
	}
	if r.Machine() {
		return authorize(routes.Route{Scopes: r.Scopes}, nil, id.Scopes)
	}
	if !r.NeedsAccessToken() {
		return true, Denial{}
	}
	if !id.AccessVerified {
		return false, Denial{NoAccessToken: true}
	}
	if id.GroupClaimError != nil && len(r.Groups) > 0 {
		_, d := authorize(r, nil, id.Scopes)
		d.Groups, d.GroupClaimInvalid = r.Groups, true
		return false, d
	}
	return authorize(r, id.Groups, id.Scopes)
}

// authorize is the authorization decision: any one of r.Groups, and every
// one of r.Scopes.
func authorize(r routes.Route, groups, scopes []string) (bool, Denial) {
	var d Denial
	if len(r.Groups) > 0 && !slices.ContainsFunc(r.Groups, func(g string) bool { return slices.Contains(groups, g) }) {
		d.Groups = r.Groups
	}
	for _, s := range r.Scopes {
		if !slices.Contains(scopes, s) {
			d.Scopes = append(d.Scopes, s)
		}
	}
	return d.Groups == nil && d.Scopes == nil, d
}
