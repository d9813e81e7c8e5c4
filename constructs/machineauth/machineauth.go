// Package machineauth lets scripts, jobs and services call paths of a site that
// humans reach through Cognito sign-in: with a client-credentials access token
// from the same user pool, which the load balancer validates itself.
//
// The construct creates, on an existing user pool and HTTPS listener:
//   - optionally, the resource server that defines the scopes the machine
//     routes require;
//   - one app client per machine client: client-credentials grant only, a
//     secret, only the scopes of the routes that list it, short-lived access
//     tokens, no user sign-in flows;
//   - one listener rule per machine route: a path condition, then the load
//     balancer's jwt-validation action (signature, iss and exp against the
//     pool's key set, plus the claims token_use = access, client_id among the
//     route's clients and scope containing the route's scopes), then forward.
//
// The CDK's ListenerAction.authenticateJwt (v2.265.0) writes the issuer and
// key set but not the additional claims; the construct adds them to the L1
// rule with an escape hatch (AddPropertyOverride).
//
// The load balancer forwards a valid token unchanged in Authorization and adds
// no x-amzn-oidc-* headers. The function behind it verifies the token again.
package machineauth

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/constructs/albauth"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/cognitoissuer"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	elb "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Limits of the load balancer's jwt-validation action and of Cognito.
const (
	// MaxClaimValues is how many values one additional claim may list.
	MaxClaimValues = 10
	// MinTokenValidity and MaxTokenValidity bound a Cognito access token's life.
	MinTokenValidity = 5 * time.Minute
	MaxTokenValidity = 24 * time.Hour
	// DefaultTokenValidity is the machine clients' access-token lifetime when
	// Props.TokenValidity is zero.
	DefaultTokenValidity = 15 * time.Minute
)

// Route is one machine route: bearer-token only.
type Route struct {
	// Name names the listener rule's construct.
	Name string
	// Priority is the listener rule's priority, unique on the listener.
	Priority int
	// Paths are the rule's path patterns (at most five).
	Paths []string
	// Methods, when set, limit the rule to these HTTP methods.
	Methods []string
	// TargetGroup receives the route's requests whose token is valid: the
	// target group of the route's policy (albauth.Auth.PolicyTargetGroup).
	// Required.
	TargetGroup elb.IApplicationTargetGroup
	// Scopes are the scopes a token must hold, all of them, each
	// "<resource server id>/<name>". At least one.
	Scopes []string
	// Clients are the names of the machine clients allowed, at most MaxClaimValues.
	Clients []string
}

// Props configures the construct.
type Props struct {
	// Listener is the HTTPS listener the rules are added to. Required.
	Listener elb.IApplicationListener
	// HostHeader, when set, adds a host-header condition for it to every
	// rule: on a listener shared with other sites (albauth.Auth.HostHeader).
	// It is one of the rule's condition values.
	HostHeader string
	// UserPool is the existing pool that issues the tokens. Required.
	UserPool awscognito.IUserPool
	// UserPoolIssuer is the form of the pool's token issuer, its
	// IssuerConfiguration: cognitoissuer.Original (default) or
	// cognitoissuer.Updated. The rules' issuer and key set are
	// cognitoissuer.URL and cognitoissuer.JWKSURL of it, the same as
	// albauth's Auth.Issuer and Auth.JWKSURL for the same form: give both
	// constructs the same one.
	UserPoolIssuer cognitoissuer.Form
	// ResourceServerID is the identifier of the resource server whose scopes
	// the routes require. Required.
	ResourceServerID string
	// CreateResourceServer creates that resource server on the pool, with the
	// scopes the routes require. When false it must already exist.
	CreateResourceServer bool
	// Clients are the machine clients, by name; each must be listed by a route.
	Clients []string
	// TokenValidity is the clients' access-token lifetime, whole minutes from
	// MinTokenValidity to MaxTokenValidity; default DefaultTokenValidity.
	TokenValidity time.Duration
	// Routes are the machine routes.
	Routes []Route
}

// Machine is the resource server, the machine clients and their listener rules.
type Machine interface {
	constructs.Construct
	// ResourceServer is the created resource server, or nil.
	ResourceServer() awscognito.UserPoolResourceServer
	// Client returns a machine client by name, or nil.
	Client(name string) awscognito.UserPoolClient
	// Rules are the listener rules, in the order of Props.Routes.
	Rules() []elb.ApplicationListenerRule
	// Issuer is the pool's token issuer; JWKSURL its key set.
	Issuer() *string
	JWKSURL() *string
}

type machine struct {
	constructs.Construct
	server  awscognito.UserPoolResourceServer
	clients map[string]awscognito.UserPoolClient
	rules   []elb.ApplicationListenerRule
	issuer  *string
	jwks    *string
}

func (m *machine) ResourceServer() awscognito.UserPoolResourceServer { return m.server }
func (m *machine) Client(name string) awscognito.UserPoolClient      { return m.clients[name] }
func (m *machine) Rules() []elb.ApplicationListenerRule              { return m.rules }
func (m *machine) Issuer() *string                                   { return m.issuer }
func (m *machine) JWKSURL() *string                                  { return m.jwks }

// New creates the construct. It panics, as CDK constructors do, when props are
// inconsistent; the config package reports the same problems to users first.
func New(scope constructs.Construct, id string, props *Props) Machine {
	p, err := props.withDefaults()
	if err != nil {
		panic(fmt.Sprintf("machineauth %s: %v", id, err))
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	stack := awscdk.Stack_Of(c)
	m := &machine{Construct: c, clients: map[string]awscognito.UserPoolClient{}}
	iss := cognitoissuer.URL(p.UserPoolIssuer, *stack.Region(), *stack.UrlSuffix(), *p.UserPool.UserPoolId())
	m.issuer, m.jwks = jsii.String(iss), jsii.String(cognitoissuer.JWKSURL(iss))

	// Each scope once, in the order the routes first require it.
	var scopes []string
	for _, r := range p.Routes {
		for _, s := range r.Scopes {
			if !slices.Contains(scopes, s) {
				scopes = append(scopes, s)
			}
		}
	}
	if p.CreateResourceServer {
		list := make([]awscognito.ResourceServerScope, 0, len(scopes))
		for _, s := range scopes {
			rs := awscognito.NewResourceServerScope(&awscognito.ResourceServerScopeProps{
				ScopeName:        jsii.String(strings.TrimPrefix(s, p.ResourceServerID+"/")),
				ScopeDescription: jsii.String(scopeDescription(routesRequiring(p.Routes, s))),
			})
			list = append(list, rs)
		}
		m.server = awscognito.NewUserPoolResourceServer(c, jsii.String("ResourceServer"), &awscognito.UserPoolResourceServerProps{
			UserPool:   p.UserPool,
			Identifier: jsii.String(p.ResourceServerID),
			// The CDK's default name is the identifier, which Cognito
			// refuses when it has ':' or '/' (https://app.example.com).
			UserPoolResourceServerName: jsii.String(ResourceServerName(p.ResourceServerID)),
			Scopes:                     &list,
		})
	}

	validity := awscdk.Duration_Minutes(jsii.Number(p.TokenValidity.Minutes()))
	for _, name := range p.Clients {
		var granted []awscognito.OAuthScope
		for _, s := range scopes {
			if clientMayUse(p.Routes, name, s) {
				// By name, as the load balancer's scope claim checks it
				// (OAuthScope.resourceServer would write a Ref instead).
				granted = append(granted, awscognito.OAuthScope_Custom(jsii.String(s)))
			}
		}
		client := awscognito.NewUserPoolClient(c, jsii.String("Client-"+name), &awscognito.UserPoolClientProps{
			UserPool:           p.UserPool,
			UserPoolClientName: jsii.String(name),
			GenerateSecret:     jsii.Bool(true),
			// No user ever signs in with a machine client.
			AuthFlows: &awscognito.AuthFlow{
				AdminUserPassword: jsii.Bool(false),
				Custom:            jsii.Bool(false),
				UserPassword:      jsii.Bool(false),
				UserSrp:           jsii.Bool(false),
			},
			OAuth: &awscognito.OAuthSettings{
				Flows: &awscognito.OAuthFlows{
					AuthorizationCodeGrant: jsii.Bool(false),
					ImplicitCodeGrant:      jsii.Bool(false),
					ClientCredentials:      jsii.Bool(true),
				},
				Scopes: &granted,
			},
			SupportedIdentityProviders: &[]awscognito.UserPoolClientIdentityProvider{},
			PreventUserExistenceErrors: jsii.Bool(true),
			EnableTokenRevocation:      jsii.Bool(true),
			AccessTokenValidity:        validity,
			// Client credentials issue no ID or refresh token; these are
			// Cognito's minimums, set so nothing longer-lived exists,
			// except that the CDK refuses an access token that outlives
			// the refresh token: see refreshValidity.
			IdTokenValidity:      awscdk.Duration_Minutes(jsii.Number(5)),
			RefreshTokenValidity: awscdk.Duration_Minutes(jsii.Number(refreshValidity(p.TokenValidity).Minutes())),
		})
		if m.server != nil {
			// The scopes must exist before a client is granted them.
			client.Node().AddDependency(m.server)
		}
		m.clients[name] = client
	}

	for _, r := range p.Routes {
		rule := elb.NewApplicationListenerRule(c, jsii.String("Rule-"+r.Name), &elb.ApplicationListenerRuleProps{
			Listener:   p.Listener,
			Priority:   jsii.Number(float64(r.Priority)),
			Conditions: albauth.Conditions(routes.Route{Paths: r.Paths, Methods: r.Methods}, p.HostHeader),
			Action: elb.ListenerAction_AuthenticateJwt(&elb.AuthenticateJwtOptions{
				Issuer:       m.issuer,
				JwksEndpoint: m.jwks,
				Next:         elb.ListenerAction_Forward(&[]elb.IApplicationTargetGroup{r.TargetGroup}, nil),
			}),
		})
		ids := make([]*string, len(r.Clients))
		for i, name := range r.Clients {
			ids[i] = m.clients[name].UserPoolClientId()
		}
		// Escape hatch: the L2 action has no additional claims. The
		// jwt-validation action is the rule's first (Order 1), forward the second.
		cfn := rule.Node().DefaultChild().(elb.CfnListenerRule)
		cfn.AddPropertyOverride(jsii.String("Actions.0.JwtValidationConfig.AdditionalClaims"), AdditionalClaims(ids, r.Scopes))
		m.rules = append(m.rules, rule)
	}
	return m
}

// MaxResourceServerNameLength is the longest resource server name Cognito
// accepts (CreateResourceServer, Name: 1 to 256 characters).
const MaxResourceServerNameLength = 256

// ResourceServerName is the friendly name the construct gives the resource
// server it creates, derived from its identifier. CreateResourceServer's
// Name must match [\w\s+=,.@-]+ and be 1 to 256 characters long, while an
// identifier may hold any printable ASCII but '"' and '\' (a URL such as
// https://app.example.com). So the scheme is dropped, every run of other
// characters becomes one '-', leading and trailing '-' go, and the result is
// cut to 256 characters: https://app.example.com/api becomes
// app.example.com-api. An identifier with nothing left is named
// "resource-server".
func ResourceServerName(identifier string) string {
	if i := strings.Index(identifier, "://"); i > 0 {
		identifier = identifier[i+3:]
	}
	var b strings.Builder
	dash := false
	for _, r := range identifier {
		if r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_+=,.@-", r)) {
			b.WriteRune(r)
			dash = false
		} else if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	name := strings.Trim(b.String(), "-")
	if len(name) > MaxResourceServerNameLength {
		name = strings.TrimRight(name[:MaxResourceServerNameLength], "-")
	}
	if name == "" {
		return "resource-server"
	}
	return name
}

// MinRefreshTokenValidity is the shortest refresh token Cognito allows (60
// minutes, TokenValidityUnitsType).
const MinRefreshTokenValidity = time.Hour

// refreshValidity is the machine clients' refresh token lifetime: Cognito's
// minimum, or the access token's when that is longer. A client-credentials
// grant issues no refresh token, so the value only has to be valid: the
// CDK's UserPoolClient refuses an access token validity longer than the
// refresh token's, which made every machineTokenValidity above 60m panic.
func refreshValidity(access time.Duration) time.Duration {
	return max(MinRefreshTokenValidity, access)
}

// AdditionalClaims are the claims a machine route's jwt-validation action
// checks beyond signature, iss and exp, in CloudFormation's form: a Cognito
// access token (token_use), from one of the allowed clients (client_id, one
// string), holding the required scopes (scope, space-separated values).
func AdditionalClaims(clientIDs []*string, scopes []string) []any {
	return []any{
		map[string]any{"Name": "token_use", "Format": "single-string", "Values": jsii.Strings("access")},
		map[string]any{"Name": "client_id", "Format": "single-string", "Values": &clientIDs},
		map[string]any{"Name": "scope", "Format": "space-separated-values", "Values": jsii.Strings(scopes...)},
	}
}

// routesRequiring names the routes that require scope s.
func routesRequiring(routes []Route, s string) []string {
	var names []string
	for _, r := range routes {
		if slices.Contains(r.Scopes, s) {
			names = append(names, r.Name)
		}
	}
	return names
}

// MaxScopeDescription is Cognito's limit on a scope's description
// (ResourceServerScopeType.ScopeDescription: 1 to 256 characters).
const MaxScopeDescription = 256

// scopeDescription describes a created scope by the machine routes that
// require it, within MaxScopeDescription: when the names do not all fit, the
// last ones are counted instead ("..., and 12 more").
func scopeDescription(routes []string) string {
	const prefix = "Required by machine routes "
	if d := prefix + strings.Join(routes, ", "); len(d) <= MaxScopeDescription {
		return d
	}
	for n := len(routes) - 1; n >= 0; n-- {
		d := prefix + strings.Join(append(routes[:n:n], fmt.Sprintf("and %d more", len(routes)-n)), ", ")
		if len(d) <= MaxScopeDescription {
			return d
		}
	}
	return fmt.Sprintf("Required by %d machine routes", len(routes))
}

// clientMayUse reports whether a route lists client and requires scope s.
func clientMayUse(routes []Route, client, s string) bool {
	for _, r := range routes {
		if slices.Contains(r.Clients, client) && slices.Contains(r.Scopes, s) {
			return true
		}
	}
	return false
}

// withDefaults checks props and fills in defaults.
func (props *Props) withDefaults() (Props, error) {
	if props == nil {
		return Props{}, fmt.Errorf("props are required")
	}
	p := *props
	switch {
	case p.Listener == nil:
		return p, fmt.Errorf("Listener is required")
	case p.UserPool == nil:
		return p, fmt.Errorf("UserPool is required")
	case p.ResourceServerID == "":
		return p, fmt.Errorf("ResourceServerID is required")
	}
	if p.UserPoolIssuer == "" {
		p.UserPoolIssuer = cognitoissuer.Original
	}
	if !p.UserPoolIssuer.Valid() {
		return p, fmt.Errorf("UserPoolIssuer must be %q or %q, not %q", cognitoissuer.Original, cognitoissuer.Updated, p.UserPoolIssuer)
	}
	if p.TokenValidity == 0 {
		p.TokenValidity = DefaultTokenValidity
	}
	if p.TokenValidity < MinTokenValidity || p.TokenValidity > MaxTokenValidity || p.TokenValidity%time.Minute != 0 {
		return p, fmt.Errorf("TokenValidity must be whole minutes from 5m to 24h, not %s", p.TokenValidity)
	}
	used := map[string]bool{}
	host := 0
	if p.HostHeader != "" {
		host = 1
	}
	for _, r := range p.Routes {
		switch {
		case r.Name == "" || r.Priority < 1 || r.Priority > 50000:
			return p, fmt.Errorf("route %q: a name and a priority from 1 to 50000 are required", r.Name)
		case len(r.Paths) == 0 || host+len(r.Paths)+len(r.Methods) > routes.MaxConditionValues:
			return p, fmt.Errorf("route %s: 1 path pattern or more, and at most %d patterns and methods together, not %d and %d",
				r.Name, routes.MaxConditionValues-host, len(r.Paths), len(r.Methods))
		case r.TargetGroup == nil:
			return p, fmt.Errorf("route %s: TargetGroup is required", r.Name)
		case len(r.Scopes) == 0 || len(r.Scopes) > MaxClaimValues:
			return p, fmt.Errorf("route %s: 1 to %d scopes, not %d", r.Name, MaxClaimValues, len(r.Scopes))
		case len(r.Clients) == 0 || len(r.Clients) > MaxClaimValues:
			return p, fmt.Errorf("route %s: 1 to %d clients, not %d", r.Name, MaxClaimValues, len(r.Clients))
		}
		for _, s := range r.Scopes {
			if !strings.HasPrefix(s, p.ResourceServerID+"/") || len(s) == len(p.ResourceServerID)+1 || strings.ContainsAny(s, " \t") {
				return p, fmt.Errorf("route %s: scope %q is not %s/<name>", r.Name, s, p.ResourceServerID)
			}
		}
		for _, c := range r.Clients {
			if !slices.Contains(p.Clients, c) {
				return p, fmt.Errorf("route %s: client %q is not in Clients", r.Name, c)
			}
			used[c] = true
		}
	}
	for _, c := range p.Clients {
		if !used[c] {
			return p, fmt.Errorf("client %q is listed by no route, so it would have no scope", c)
		}
	}
	return p, nil
}
