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
	// TargetGroup receives the requests whose token is valid. Required.
	TargetGroup elb.IApplicationTargetGroup
	// UserPool is the existing pool that issues the tokens. Required.
	UserPool awscognito.IUserPool
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
	m.issuer = awscdk.Fn_Join(jsii.String(""), jsii.Strings(
		"https://cognito-idp.", *stack.Region(), ".", *stack.UrlSuffix(), "/", *p.UserPool.UserPoolId()))
	m.jwks = awscdk.Fn_Join(jsii.String(""), jsii.Strings(*m.issuer, "/.well-known/jwks.json"))

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
			UserPool:                   p.UserPool,
			Identifier:                 jsii.String(p.ResourceServerID),
			UserPoolResourceServerName: jsii.String(resourceServerName(p.ResourceServerID)),
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
			// Cognito's minimums, set so nothing longer-lived exists.
			IdTokenValidity:      awscdk.Duration_Minutes(jsii.Number(5)),
			RefreshTokenValidity: awscdk.Duration_Hours(jsii.Number(1)),
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
			Conditions: &[]elb.ListenerCondition{elb.ListenerCondition_PathPatterns(jsii.Strings(r.Paths...))},
			Action: elb.ListenerAction_AuthenticateJwt(&elb.AuthenticateJwtOptions{
				Issuer:       m.issuer,
				JwksEndpoint: m.jwks,
				Next:         elb.ListenerAction_Forward(&[]elb.IApplicationTargetGroup{p.TargetGroup}, nil),
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

// resourceServerName is the created resource server's name, from its
// identifier: Cognito allows only [\w\s+=,.@-] in a name (API
// CreateResourceServer), and the CDK's default, the identifier itself, is
// usually a URL. The scheme is dropped and every other character outside the
// pattern becomes a hyphen: https://app.example.com/api is app.example.com-api.
func resourceServerName(id string) string {
	if _, rest, ok := strings.Cut(id, "://"); ok {
		id = rest
	}
	name := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune("_+=,.@- ", r):
			return r
		}
		return '-'
	}, strings.TrimRight(id, "/"))
	if strings.Trim(name, "-") == "" {
		return "resource-server"
	}
	return name
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
	case p.TargetGroup == nil:
		return p, fmt.Errorf("TargetGroup is required")
	case p.UserPool == nil:
		return p, fmt.Errorf("UserPool is required")
	case p.ResourceServerID == "":
		return p, fmt.Errorf("ResourceServerID is required")
	}
	if p.TokenValidity == 0 {
		p.TokenValidity = DefaultTokenValidity
	}
	if p.TokenValidity < MinTokenValidity || p.TokenValidity > MaxTokenValidity || p.TokenValidity%time.Minute != 0 {
		return p, fmt.Errorf("TokenValidity must be whole minutes from 5m to 24h, not %s", p.TokenValidity)
	}
	used := map[string]bool{}
	for _, r := range p.Routes {
		switch {
		case r.Name == "" || r.Priority < 1 || r.Priority > 50000:
			return p, fmt.Errorf("route %q: a name and a priority from 1 to 50000 are required", r.Name)
		case len(r.Paths) == 0 || len(r.Paths) > 5:
			return p, fmt.Errorf("route %s: 1 to 5 path patterns, not %d", r.Name, len(r.Paths))
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
