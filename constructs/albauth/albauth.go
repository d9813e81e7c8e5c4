// Package albauth puts an AWS Lambda function behind an internet-facing
// Application Load Balancer that signs every user in with Amazon Cognito first.
//
// The construct creates the load balancer, its security group, an HTTPS listener
// whose default action is authenticate-cognito followed by forward, a port-80
// listener that only redirects to HTTPS, a Lambda target group with its invoke
// permission, a user pool client on an existing user pool with a managed login
// style for it (unless the pool's domain serves the classic hosted UI), access
// logs, and (optionally) Route 53 alias records and an AWS WAF web ACL. It references the
// user pool, its domain, the certificate and the hosted zone; it never creates,
// replaces or deletes them.
//
// Each of Props.Routes except machine routes (routes.Route.Machine, whose
// jwt-validation rules the machineauth construct writes) becomes one more
// listener rule, in order: a path-pattern
// condition, its own authenticate-cognito action (its scopes, session cookie,
// unauthenticated action and extra parameters) and a forward to the same
// target group. Paths no route matches get the default action.
//
// The function receives the settings that a verifier of the load balancer's
// signed user claims needs (see the lambda/albjwt package) as environment
// variables: ALB_ARN, USER_POOL_CLIENT_ID, TOKEN_ISSUER, USER_POOL_DOMAIN,
// APP_URL and SESSION_COOKIE_NAME, the route table as JSON in
// ROUTE_TABLE (see the lambda/routes package), and, when Props.GroupClaims
// is not the default, GROUP_CLAIMS (see the lambda/groupclaim package).
package albauth

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/cognitoissuer"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/groupclaim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	elb "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2actions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53targets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// Defaults applied when the matching Props field is left at its zero value.
const (
	DefaultSessionCookieName = "AWSELBAuthSessionCookie"
	DefaultSessionTimeout    = 8 * time.Hour
	DefaultSSLPolicy         = elb.SslPolicy_TLS13_13_PQ
	DefaultAccessLogsExpiry  = 90 * 24 * time.Hour
	// MaxSessionTimeout is the longest session the load balancer allows.
	MaxSessionTimeout = 7 * 24 * time.Hour
	// AccessLogsPrefix is the key prefix of the access logs in their bucket: the
	// load balancer writes them under <prefix>/AWSLogs/<account>/.
	AccessLogsPrefix = "alb"
	// HSTSHeaderValue is the Strict-Transport-Security value the HTTPS listener sends.
	HSTSHeaderValue = "max-age=31536000; includeSubDomains"
)

// Props configures an Auth construct. Plain Go types are used for settings;
// existing AWS resources are passed as imported CDK references.
type Props struct {
	// Vpc holds the load balancer in its public subnets. Required.
	Vpc awsec2.IVpc
	// Certificate is the existing ACM certificate for DomainName, in the load
	// balancer's region. Required.
	Certificate awscertificatemanager.ICertificate
	// UserPool is the existing Cognito user pool. Required.
	UserPool awscognito.IUserPool
	// UserPoolDomain is the pool's existing domain: a Cognito prefix ("myapp")
	// or a custom domain name ("auth.example.com"), never a URL. Required.
	UserPoolDomain string
	// UserPoolDomainHost is the host name users are sent to for sign-in and
	// sign-out. Default: UserPoolDomain itself for a custom domain, else
	// <prefix>.auth.<region>.amazoncognito.com. Set it where that rule does not
	// hold, such as GovCloud's auth-fips hosts.
	UserPoolDomainHost string
	// UserPoolIssuer is the form of the pool's token issuer, its
	// IssuerConfiguration: cognitoissuer.Original (default,
	// https://cognito-idp.<region>.<suffix>/<pool id>) or cognitoissuer.Updated
	// (https://issuer-cognito-idp.<region>.<suffix>/<pool id>). It is the
	// function's TOKEN_ISSUER, under which the function fetches the pool's
	// key set; see Auth.Issuer.
	UserPoolIssuer cognitoissuer.Form
	// DomainName is the site's fully qualified, lower-case domain name. Required.
	DomainName string
	// HostedZone, when set, gets alias records for DomainName that point at the
	// load balancer. DomainName must lie inside it.
	HostedZone awsroute53.IHostedZone
	// Function answers the authenticated requests. Required. The construct adds
	// the verifier's environment variables to it.
	Function awslambda.Function

	// Scopes are the OAuth scopes requested; "openid" is always included.
	Scopes []string
	// IdentityProviders the client may use; default ["COGNITO"].
	IdentityProviders []string
	// SessionCookieName is the load balancer's session cookie; default
	// DefaultSessionCookieName.
	SessionCookieName string
	// SessionTimeout is the load balancer session's lifetime, 1s..7 days;
	// default DefaultSessionTimeout.
	SessionTimeout time.Duration
	// IDTokenValidity and AccessTokenValidity are the client's ID and access
	// token lifetimes, whole minutes from 5 minutes to 1 day; default
	// DefaultTokenValidity. The load balancer renews its tokens with the
	// refresh token each time the access token expires.
	IDTokenValidity, AccessTokenValidity time.Duration
	// RefreshTokenValidity is the client's refresh token lifetime, whole
	// minutes from 60 minutes to 3650 days, longer than SessionTimeout and not
	// shorter than the other two; default SessionTimeout plus
	// RefreshTokenMargin, rounded up to a minute. Refresh token rotation stays
	// off: the load balancer is not documented to handle rotated tokens.
	RefreshTokenValidity time.Duration
	// ClassicHostedUI says the pool's domain serves the classic hosted UI
	// (ManagedLoginVersion 1). By default the construct assumes managed login
	// (version 2) and gives the client a managed login style with Cognito's
	// default look, without which managed login has no sign-in page for it.
	ClassicHostedUI bool
	// OnUnauthenticatedRequest is one of "authenticate" (default), "deny" or "allow".
	OnUnauthenticatedRequest string
	// AuthenticationRequestExtraParams are the default action's extra
	// authorize parameters (routes carry their own), e.g.
	// identity_provider=EntraID. Validate them before (config does).
	AuthenticationRequestExtraParams map[string]string
	// GroupClaims says which claims hold the users' groups; the zero value
	// means cognito:groups only. Any other is written to the function's
	// GROUP_CLAIMS, and the custom attributes it names are added to the
	// client's read attributes (with every standard attribute) so that the
	// load balancer's userInfo call returns them.
	GroupClaims groupclaim.Config
	// Routes are path rules in match order, each a listener rule with its own
	// authenticate-cognito action. Their derived fields (priority, requested
	// scopes, session cookie) are filled in by routes.Derive from Scopes and
	// SessionCookieName when empty. The construct panics on a table that
	// routes.Table.Validate refuses. The app client allows every scope the
	// default action and the routes request.
	Routes []routes.Route
	// SSLPolicy of the HTTPS listener; default DefaultSSLPolicy (TLS 1.3 only,
	// with post-quantum key exchange).
	SSLPolicy elb.SslPolicy
	// DisableDeletionProtection turns the load balancer's deletion protection
	// off, for throw-away stacks. Protection is on by default.
	DisableDeletionProtection bool
	// AccessLogsBucket receives the load balancer's access logs. When nil, the
	// construct creates an encrypted, private bucket that is retained when the
	// stack is deleted. An imported bucket must already be in the stack's
	// region, use SSE-S3 and allow Elastic Load Balancing's log delivery to
	// write under AccessLogsPrefix (see docs/deploying.md), or the load balancer
	// fails to create: the construct cannot add a policy to it.
	AccessLogsBucket awss3.IBucket
	// AccessLogsExpiry is how long the created bucket keeps logs; default
	// DefaultAccessLogsExpiry. Ignored with AccessLogsBucket.
	AccessLogsExpiry time.Duration
	// DualStack gives the load balancer IPv6 addresses besides its public IPv4
	// ones (IP address type dualstack): the security group admits ::/0 on the
	// ports it admits 0.0.0.0/0 on, and HostedZone gets an AAAA alias record.
	// Vpc and its public subnets must have IPv6 CIDR blocks and a ::/0 route
	// to an internet gateway. (dualstack-without-public-ipv4 is not offered:
	// authentication reaches Cognito over IPv4 only.)
	DualStack bool
	// WAF attaches an AWS WAF web ACL with AWS managed rules (common rule set,
	// known bad inputs, IP reputation). It costs money, so it is off by default.
	WAF bool
}

// Auth is the load balancer, its Cognito login and the Lambda target.
type Auth interface {
	constructs.Construct
	// LoadBalancer is the internet-facing Application Load Balancer.
	LoadBalancer() elb.ApplicationLoadBalancer
	// Listener is the HTTPS listener that authenticates and forwards.
	Listener() elb.ApplicationListener
	// TargetGroup is the Lambda target group of the default action's
	// policy.
	TargetGroup() elb.ApplicationTargetGroup
	// PolicyTargetGroup is the Lambda target group of the policy with this
	// ID (routes.Policy.ID), or nil: every listener rule forwards to its
	// route's.
	PolicyTargetGroup(id string) elb.ApplicationTargetGroup
	// Client is the user pool client the load balancer signs users in with.
	Client() awscognito.UserPoolClient
	// Function is the Lambda function behind the load balancer.
	Function() awslambda.Function
	// URL is the site's address, https://<DomainName>.
	URL() string
	// CallbackURL is the client's callback, https://<DomainName>/oauth2/idpresponse.
	CallbackURL() string
	// Issuer is the pool's token issuer in the form of Props.UserPoolIssuer
	// (cognitoissuer.URL), the function's TOKEN_ISSUER; JWKSURL is its key
	// set (cognitoissuer.JWKSURL). Give both to machineauth so that the
	// load balancer's jwt-validation rules check the same issuer.
	Issuer() *string
	JWKSURL() *string
}

type auth struct {
	constructs.Construct
	lb       elb.ApplicationLoadBalancer
	listener elb.ApplicationListener
	tg       elb.ApplicationTargetGroup
	tgs      map[string]elb.ApplicationTargetGroup
	client   awscognito.UserPoolClient
	fn       awslambda.Function
	url      string
	issuer   string
}

func (a *auth) LoadBalancer() elb.ApplicationLoadBalancer { return a.lb }
func (a *auth) Listener() elb.ApplicationListener         { return a.listener }
func (a *auth) TargetGroup() elb.ApplicationTargetGroup   { return a.tg }
func (a *auth) PolicyTargetGroup(id string) elb.ApplicationTargetGroup {
	return a.tgs[id]
}
func (a *auth) Client() awscognito.UserPoolClient { return a.client }
func (a *auth) Function() awslambda.Function      { return a.fn }
func (a *auth) URL() string                       { return a.url }
func (a *auth) CallbackURL() string               { return a.url + "/oauth2/idpresponse" }
func (a *auth) Issuer() *string                   { return jsii.String(a.issuer) }
func (a *auth) JWKSURL() *string                  { return jsii.String(cognitoissuer.JWKSURL(a.issuer)) }

// New creates the construct. It panics, as CDK constructors do, when a required
// prop is missing or a setting is out of range; validate user input before.
func New(scope constructs.Construct, id string, props *Props) Auth {
	p, err := props.withDefaults()
	if err != nil {
		panic(fmt.Sprintf("albauth %s: %v", id, err))
	}
	stack := awscdk.Stack_Of(scope)
	if *awscdk.Token_IsUnresolved(stack.Region()) {
		panic(fmt.Sprintf("albauth %s: stack %s has no region; give it one with StackProps.Env "+
			"(&awscdk.Environment{Account: ..., Region: jsii.String(\"eu-west-1\")}): the load balancer's access logs "+
			"and the user pool's domain depend on the region, which a region-agnostic stack leaves unknown until deploy",
			id, *stack.Node().Path()))
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	a := &auth{Construct: c, fn: p.Function, url: "https://" + p.DomainName,
		issuer: cognitoissuer.URL(p.UserPoolIssuer, *stack.Region(), *stack.UrlSuffix(), *p.UserPool.UserPoolId())}

	sg := awsec2.NewSecurityGroup(c, jsii.String("SecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:              p.Vpc,
		Description:      jsii.String("Load balancer: HTTPS in, HTTP in for the redirect only, HTTPS out to the identity provider"),
		AllowAllOutbound: jsii.Bool(false),
	})
	sg.AddIngressRule(awsec2.Peer_AnyIpv4(), awsec2.Port_Tcp(jsii.Number(443)), jsii.String("HTTPS from the internet"), nil)
	sg.AddIngressRule(awsec2.Peer_AnyIpv4(), awsec2.Port_Tcp(jsii.Number(80)), jsii.String("HTTP from the internet, redirected to HTTPS"), nil)
	lbProps := &elb.ApplicationLoadBalancerProps{
		Vpc:                     p.Vpc,
		VpcSubnets:              &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PUBLIC},
		InternetFacing:          jsii.Bool(true),
		SecurityGroup:           sg,
		DeletionProtection:      jsii.Bool(!p.DisableDeletionProtection),
		DropInvalidHeaderFields: jsii.Bool(true),
		DesyncMitigationMode:    elb.DesyncMitigationMode_STRICTEST,
		Http2Enabled:            jsii.Bool(true),
	}
	if p.DualStack {
		lbProps.IpAddressType = elb.IpAddressType_DUAL_STACK
		sg.AddIngressRule(awsec2.Peer_AnyIpv6(), awsec2.Port_Tcp(jsii.Number(443)), jsii.String("HTTPS from the internet over IPv6"), nil)
		sg.AddIngressRule(awsec2.Peer_AnyIpv6(), awsec2.Port_Tcp(jsii.Number(80)), jsii.String("HTTP from the internet over IPv6, redirected to HTTPS"), nil)
	}
	suppress(sg, "AwsSolutions-EC23", "A public website: the load balancer must accept HTTPS (443) and HTTP (80, redirected to HTTPS) from anyone; every request is then authenticated by Cognito before it reaches the target")

	a.lb = elb.NewApplicationLoadBalancer(c, jsii.String("LoadBalancer"), lbProps)
	bucket := p.AccessLogsBucket
	if bucket == nil {
		bucket = newLogBucket(c, p.AccessLogsExpiry)
	}
	a.lb.LogAccessLogs(bucket, jsii.String(AccessLogsPrefix))

	table, tableJSON, err := routeTable(p)
	if err != nil {
		panic(fmt.Sprintf("albauth %s: %v", id, err))
	}
	a.client = newClient(c, p, append(slices.Clone(p.Scopes), table.Scopes()...))
	if !p.ClassicHostedUI {
		newManagedLoginStyle(c, p.UserPool, a.client)
	}
	domain := awscognito.UserPoolDomain_FromDomainName(c, jsii.String("UserPoolDomain"), jsii.String(p.UserPoolDomain))

	// One target group per authorization policy of the table, all with the
	// function as their target: the target group a request arrives through
	// tells the function which policy the load balancer's rule applied.
	prefix := targetGroupPrefix(c)
	a.tgs = map[string]elb.ApplicationTargetGroup{}
	for i, pol := range table.Policies() {
		id := "TargetGroup"
		if i > 0 {
			id += "-" + pol.ID()
		}
		name := routes.TargetGroupName(prefix, pol)
		tg := elb.NewApplicationTargetGroup(c, jsii.String(id), &elb.ApplicationTargetGroupProps{
			TargetType:               elb.TargetType_LAMBDA,
			TargetGroupName:          jsii.String(name),
			MultiValueHeadersEnabled: jsii.Bool(true),
			Targets:                  &[]elb.IApplicationLoadBalancerTarget{&lambdaTarget{fn: p.Function}},
		})
		tg.Node().AddDependency(allowInvoke(c, p.Function, id, name, stack))
		a.tgs[pol.ID()] = tg
		if i == 0 {
			a.tg = tg
		}
	}

	a.listener = a.lb.AddListener(jsii.String("Https"), &elb.BaseApplicationListenerProps{
		Port:         jsii.Number(443),
		Protocol:     elb.ApplicationProtocol_HTTPS,
		Open:         jsii.Bool(false),
		SslPolicy:    p.SSLPolicy,
		Certificates: &[]elb.IListenerCertificate{elb.ListenerCertificate_FromCertificateManager(p.Certificate)},
		DefaultAction: awselasticloadbalancingv2actions.NewAuthenticateCognitoAction(&awselasticloadbalancingv2actions.AuthenticateCognitoActionProps{
			UserPool:                         p.UserPool,
			UserPoolClient:                   a.client,
			UserPoolDomain:                   domain,
			Scope:                            jsii.String(strings.Join(p.Scopes, " ")),
			SessionCookieName:                jsii.String(p.SessionCookieName),
			SessionTimeout:                   awscdk.Duration_Seconds(jsii.Number(p.SessionTimeout.Seconds())),
			OnUnauthenticatedRequest:         unauthenticatedAction(p.OnUnauthenticatedRequest),
			AuthenticationRequestExtraParams: extraParams(p.AuthenticationRequestExtraParams),
			// The load balancer calls the Cognito token and user-info endpoints:
			// this adds the security group's only egress rule, TCP 443.
			AllowHttpsOutbound: jsii.Bool(true),
			Next:               elb.ListenerAction_Forward(&[]elb.IApplicationTargetGroup{a.tg}, nil),
		}),
	})
	for _, r := range table.Routes {
		if r.Machine() {
			// Bearer-token only: the machineauth construct writes its
			// jwt-validation rule, forwarding to PolicyTargetGroup; the
			// route is still in ROUTE_TABLE.
			continue
		}
		addRoute(a.listener, r, p, a.client, domain, a.tgs[r.Policy().ID()])
	}
	a.listener.SetAttribute(jsii.String("routing.http.response.strict_transport_security.header_value"), jsii.String(HSTSHeaderValue))
	a.listener.SetAttribute(jsii.String("routing.http.response.server.enabled"), jsii.String("false"))

	redirect := a.lb.AddRedirect(&elb.ApplicationLoadBalancerRedirectConfig{
		SourcePort:     jsii.Number(80),
		SourceProtocol: elb.ApplicationProtocol_HTTP,
		TargetPort:     jsii.Number(443),
		TargetProtocol: elb.ApplicationProtocol_HTTPS,
		Open:           jsii.Bool(false),
	})
	redirect.SetAttribute(jsii.String("routing.http.response.server.enabled"), jsii.String("false"))

	if p.WAF {
		newWebACL(c, a.lb)
	}
	if p.HostedZone != nil {
		target := awsroute53.RecordTarget_FromAlias(awsroute53targets.NewLoadBalancerTarget(a.lb, nil))
		awsroute53.NewARecord(c, jsii.String("AliasRecord"), &awsroute53.ARecordProps{
			Zone:       p.HostedZone,
			RecordName: jsii.String(p.DomainName + "."),
			Target:     target,
			Comment:    jsii.String("Cognito-authenticated site behind the load balancer"),
		})
		if p.DualStack {
			awsroute53.NewAaaaRecord(c, jsii.String("AliasRecordIpv6"), &awsroute53.AaaaRecordProps{
				Zone:       p.HostedZone,
				RecordName: jsii.String(p.DomainName + "."),
				Target:     target,
				Comment:    jsii.String("Cognito-authenticated site behind the load balancer, over IPv6"),
			})
		}
	}

	env := map[string]*string{
		"ALB_ARN":             a.lb.LoadBalancerArn(),
		"USER_POOL_CLIENT_ID": a.client.UserPoolClientId(),
		"TOKEN_ISSUER":        a.Issuer(),
		"USER_POOL_DOMAIN":    domainHost(stack, p.UserPoolDomain, p.UserPoolDomainHost),
		"APP_URL":             jsii.String(a.url),
		"SESSION_COOKIE_NAME": jsii.String(p.SessionCookieName),
		"TARGET_GROUP_PREFIX": jsii.String(prefix),
		routes.EnvVar:         jsii.String(string(tableJSON)),
	}
	keys := []string{"ALB_ARN", "USER_POOL_CLIENT_ID", "TOKEN_ISSUER", "USER_POOL_DOMAIN", "APP_URL", "SESSION_COOKIE_NAME", "TARGET_GROUP_PREFIX", routes.EnvVar}
	if !p.GroupClaims.IsDefault() {
		env[groupclaim.EnvVar], keys = jsii.String(p.GroupClaims.JSON()), append(keys, groupclaim.EnvVar)
	}
	for _, k := range keys {
		p.Function.AddEnvironment(jsii.String(k), env[k], nil)
	}
	return a
}

// withDefaults checks the required props and fills in defaults.
func (props *Props) withDefaults() (Props, error) {
	if props == nil {
		return Props{}, fmt.Errorf("props are required")
	}
	p := *props
	switch {
	case p.Vpc == nil:
		return p, fmt.Errorf("Vpc is required")
	case p.Certificate == nil:
		return p, fmt.Errorf("Certificate is required")
	case p.UserPool == nil:
		return p, fmt.Errorf("UserPool is required")
	case p.UserPoolDomain == "" || strings.Contains(p.UserPoolDomain, "/"):
		return p, fmt.Errorf("UserPoolDomain must be a Cognito prefix or a domain name, not %q", p.UserPoolDomain)
	case p.DomainName == "" || p.DomainName != strings.ToLower(p.DomainName) || strings.HasSuffix(p.DomainName, "."):
		return p, fmt.Errorf("DomainName must be a lower-case domain name without a trailing dot, not %q", p.DomainName)
	case p.Function == nil:
		return p, fmt.Errorf("Function is required")
	}
	if p.UserPoolIssuer == "" {
		p.UserPoolIssuer = cognitoissuer.Original
	}
	if !p.UserPoolIssuer.Valid() {
		return p, fmt.Errorf("UserPoolIssuer must be %q or %q, not %q", cognitoissuer.Original, cognitoissuer.Updated, p.UserPoolIssuer)
	}
	p.Scopes = withOpenID(p.Scopes)
	if len(p.IdentityProviders) == 0 {
		p.IdentityProviders = []string{"COGNITO"}
	}
	if p.SessionCookieName == "" {
		p.SessionCookieName = DefaultSessionCookieName
	}
	if p.SessionTimeout == 0 {
		p.SessionTimeout = DefaultSessionTimeout
	}
	if p.SessionTimeout < time.Second || p.SessionTimeout > MaxSessionTimeout || p.SessionTimeout%time.Second != 0 {
		return p, fmt.Errorf("SessionTimeout must be whole seconds from 1s to 7 days, not %s", p.SessionTimeout)
	}
	if err := p.tokenDefaults(); err != nil {
		return p, err
	}
	if p.OnUnauthenticatedRequest == "" {
		p.OnUnauthenticatedRequest = "authenticate"
	}
	if err := p.GroupClaims.Validate(); err != nil {
		return p, fmt.Errorf("GroupClaims: %w", err)
	}
	if ps := routes.ParamProblems("AuthenticationRequestExtraParams", p.AuthenticationRequestExtraParams); ps != nil {
		return p, ps
	}
	if unauthenticatedAction(p.OnUnauthenticatedRequest) == "" {
		return p, fmt.Errorf("OnUnauthenticatedRequest must be authenticate, deny or allow, not %q", p.OnUnauthenticatedRequest)
	}
	if p.SSLPolicy == "" {
		p.SSLPolicy = DefaultSSLPolicy
	}
	if p.AccessLogsExpiry == 0 {
		p.AccessLogsExpiry = DefaultAccessLogsExpiry
	}
	if p.AccessLogsExpiry < 24*time.Hour {
		return p, fmt.Errorf("AccessLogsExpiry must be at least one day, not %s", p.AccessLogsExpiry)
	}
	return p, nil
}

// withOpenID returns scopes with "openid" first and no duplicates.
func withOpenID(scopes []string) []string {
	out := []string{"openid"}
	seen := map[string]bool{"openid": true}
	for _, s := range scopes {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func unauthenticatedAction(s string) elb.UnauthenticatedAction {
	switch s {
	case "authenticate":
		return elb.UnauthenticatedAction_AUTHENTICATE
	case "deny":
		return elb.UnauthenticatedAction_DENY
	case "allow":
		return elb.UnauthenticatedAction_ALLOW
	}
	return ""
}

// routeTable derives the route table from p (see routes.Derive), checks it
// and returns it with its JSON for the function.
func routeTable(p Props) (routes.Table, []byte, error) {
	table := routes.Derive(p.Routes, p.Scopes, p.SessionCookieName)
	table.OnUnauthenticatedRequest = p.OnUnauthenticatedRequest
	if err := table.Validate(); err != nil {
		return table, nil, fmt.Errorf("Routes:\n%w", err)
	}
	if ps := table.SessionProblems(p.SessionCookieName); ps != nil {
		return table, nil, fmt.Errorf("Routes:\n%w", ps)
	}
	data, err := table.JSON()
	if err != nil {
		return table, nil, fmt.Errorf("Routes: %w", err)
	}
	if len(data) > routes.MaxJSONBytes {
		return table, nil, fmt.Errorf("Routes: the table is %d bytes as JSON, more than the %d the function's environment can hold", len(data), routes.MaxJSONBytes)
	}
	return table, data, nil
}

// addRoute adds a route's listener rule: its path patterns, then
// authenticate-cognito with the route's scopes, cookie, unauthenticated
// action and extra parameters, then forward to the target group. The rule's
// construct ID comes from the route's name, so reordering or adding routes
// changes no other rule's logical ID.
func addRoute(l elb.ApplicationListener, r routes.Route, p Props, client awscognito.IUserPoolClient, domain awscognito.IUserPoolDomain, tg elb.IApplicationTargetGroup) {
	extra := extraParams(r.AuthenticationRequestExtraParams)
	l.AddAction(jsii.String("Route-"+r.Name), &elb.AddApplicationActionProps{
		Priority:   jsii.Number(float64(r.Priority)),
		Conditions: Conditions(r),
		Action: awselasticloadbalancingv2actions.NewAuthenticateCognitoAction(&awselasticloadbalancingv2actions.AuthenticateCognitoActionProps{
			UserPool:                         p.UserPool,
			UserPoolClient:                   client,
			UserPoolDomain:                   domain,
			Scope:                            jsii.String(strings.Join(r.RequestScopes, " ")),
			SessionCookieName:                jsii.String(r.SessionCookieName),
			SessionTimeout:                   awscdk.Duration_Seconds(jsii.Number(p.SessionTimeout.Seconds())),
			OnUnauthenticatedRequest:         unauthenticatedAction(r.Unauthenticated()),
			AuthenticationRequestExtraParams: extra,
			// The default action's rule already lets the load balancer reach
			// the Cognito endpoints.
			AllowHttpsOutbound: jsii.Bool(false),
			Next:               elb.ListenerAction_Forward(&[]elb.IApplicationTargetGroup{tg}, nil),
		}),
	})
}

// extraParams is params for an authenticate-cognito action, nil for none.
func extraParams(params map[string]string) *map[string]*string {
	if len(params) == 0 {
		return nil
	}
	m := make(map[string]*string, len(params))
	for k, v := range params {
		m[k] = jsii.String(v)
	}
	return &m
}

// Conditions are a route's listener rule conditions: its path patterns and,
// when it names methods, an http-request-method condition.
func Conditions(r routes.Route) *[]elb.ListenerCondition {
	cs := []elb.ListenerCondition{elb.ListenerCondition_PathPatterns(jsii.Strings(r.Paths...))}
	if len(r.Methods) > 0 {
		cs = append(cs, elb.ListenerCondition_HttpRequestMethods(jsii.Strings(r.Methods...)))
	}
	return &cs
}

// newClient creates the user pool client the load balancer signs users in with:
// a confidential client (with a secret) that may only use the authorization
// code flow, only the requested scopes, and no username/password flows.
func newClient(scope constructs.Construct, p Props, requested []string) awscognito.UserPoolClient {
	scopes := make([]awscognito.OAuthScope, 0, len(requested))
	for _, s := range withOpenID(requested) {
		scopes = append(scopes, awscognito.OAuthScope_Custom(jsii.String(s)))
	}
	idps := make([]awscognito.UserPoolClientIdentityProvider, 0, len(p.IdentityProviders))
	for _, name := range p.IdentityProviders {
		idps = append(idps, awscognito.UserPoolClientIdentityProvider_Custom(jsii.String(name)))
	}
	url := "https://" + p.DomainName
	return awscognito.NewUserPoolClient(scope, jsii.String("Client"), &awscognito.UserPoolClientProps{
		UserPool:       p.UserPool,
		GenerateSecret: jsii.Bool(true),
		// Every explicit auth flow off: the load balancer only uses the
		// hosted UI's authorization code flow.
		AuthFlows: &awscognito.AuthFlow{
			AdminUserPassword: jsii.Bool(false),
			Custom:            jsii.Bool(false),
			UserPassword:      jsii.Bool(false),
			UserSrp:           jsii.Bool(false),
		},
		OAuth: &awscognito.OAuthSettings{
			Flows: &awscognito.OAuthFlows{
				AuthorizationCodeGrant: jsii.Bool(true),
				ImplicitCodeGrant:      jsii.Bool(false),
				ClientCredentials:      jsii.Bool(false),
			},
			Scopes:       &scopes,
			CallbackUrls: jsii.Strings(url + "/oauth2/idpresponse"),
			LogoutUrls:   jsii.Strings(url),
		},
		SupportedIdentityProviders: &idps,
		ReadAttributes:             readAttributes(p.GroupClaims),
		PreventUserExistenceErrors: jsii.Bool(true),
		EnableTokenRevocation:      jsii.Bool(true),
		IdTokenValidity:            awscdk.Duration_Minutes(jsii.Number(p.IDTokenValidity.Minutes())),
		AccessTokenValidity:        awscdk.Duration_Minutes(jsii.Number(p.AccessTokenValidity.Minutes())),
		RefreshTokenValidity:       awscdk.Duration_Minutes(jsii.Number(p.RefreshTokenValidity.Minutes())),
		// RefreshTokenRotationGracePeriod stays unset: rotation off.
	})
}

// readAttributes is nil (the client's default) unless the group claims name
// custom attributes: then every standard attribute and those. Without
// ReadAttributes, "your app can read the values of email_verified,
// phone_number_verified, and the Standard attributes of your user pool"
// (CloudFormation, AWS::Cognito::UserPoolClient ReadAttributes), so a
// custom attribute must be listed for the load balancer's userInfo call to
// return it ("all user attributes that the app client can read").
func readAttributes(gc groupclaim.Config) awscognito.ClientAttributes {
	custom := gc.CustomAttributes()
	if len(custom) == 0 {
		return nil
	}
	t := jsii.Bool(true)
	return awscognito.NewClientAttributes().WithStandardAttributes(&awscognito.StandardAttributesMask{
		Address: t, Birthdate: t, Email: t, EmailVerified: t, FamilyName: t, Fullname: t, Gender: t, GivenName: t,
		LastUpdateTime: t, Locale: t, MiddleName: t, Nickname: t, PhoneNumber: t, PhoneNumberVerified: t,
		PreferredUsername: t, ProfilePage: t, ProfilePicture: t, Timezone: t, Website: t,
	}).WithCustomAttributes(*jsii.Strings(custom...)...)
}

// lambdaTarget registers a function in a target group without the CDK's
// LambdaTarget, which would add an invoke permission with no source scoping.
type lambdaTarget struct{ fn awslambda.IFunction }

// AttachToApplicationTargetGroup implements elb.IApplicationLoadBalancerTarget.
func (t *lambdaTarget) AttachToApplicationTargetGroup(elb.IApplicationTargetGroup) *elb.LoadBalancerTargetProps {
	return &elb.LoadBalancerTargetProps{
		TargetType: elb.TargetType_LAMBDA,
		TargetJson: map[string]any{"id": t.fn.FunctionArn()},
	}
}

// targetGroupPrefix is a stable prefix unique to this construct in its
// stack, for its target groups' names (routes.TargetGroupName). Names let
// each invoke permission name its caller without referring to the target
// group, which depends on the permission, and let the function tell the
// target groups apart.
func targetGroupPrefix(c constructs.Construct) string {
	return *awscdk.Names_UniqueResourceName(c, &awscdk.UniqueResourceNameOptions{MaxLength: jsii.Number(routes.MaxTargetGroupPrefix)})
}

// allowInvoke grants elasticloadbalancing.amazonaws.com lambda:InvokeFunction
// from this account's target group of the given name only.
func allowInvoke(c constructs.Construct, fn awslambda.Function, tgID, tgName string, stack awscdk.Stack) constructs.IConstruct {
	id := "InvokeFrom" + tgID
	fn.AddPermission(jsii.String(id), &awslambda.Permission{
		Principal:     awsiam.NewServicePrincipal(jsii.String("elasticloadbalancing.amazonaws.com"), nil),
		Action:        jsii.String("lambda:InvokeFunction"),
		SourceAccount: stack.Account(),
		SourceArn: stack.FormatArn(&awscdk.ArnComponents{
			Service:      jsii.String("elasticloadbalancing"),
			Resource:     jsii.String("targetgroup"),
			ResourceName: jsii.String(tgName + "/*"),
			ArnFormat:    awscdk.ArnFormat_SLASH_RESOURCE_NAME,
		}),
	})
	return fn.Node().FindChild(jsii.String(id))
}

// domainHost is the host name of the pool's domain: a custom domain as is, a
// prefix as <prefix>.auth.<region>.amazoncognito.com.
func domainHost(stack awscdk.Stack, domain, host string) *string {
	if host != "" {
		return jsii.String(host)
	}
	if strings.Contains(domain, ".") {
		return jsii.String(domain)
	}
	return awscdk.Fn_Join(jsii.String(""), jsii.Strings(domain, ".auth.", *stack.Region(), ".amazoncognito.com"))
}

func newLogBucket(scope constructs.Construct, expiry time.Duration) awss3.Bucket {
	b := awss3.NewBucket(scope, jsii.String("AccessLogs"), &awss3.BucketProps{
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:        jsii.Bool(true),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		RemovalPolicy:     awscdk.RemovalPolicy_RETAIN,
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Id:                                  jsii.String("expire-access-logs"),
			Expiration:                          awscdk.Duration_Days(jsii.Number(float64(expiry / (24 * time.Hour)))),
			AbortIncompleteMultipartUploadAfter: awscdk.Duration_Days(jsii.Number(7)),
		}},
	})
	suppress(b, "AwsSolutions-S1", "This bucket holds the load balancer's access logs; logging access to it would need yet another log bucket. It is private, TLS-only and written only by the log delivery service")
	return b
}

// suppress records one cdk-nag rule as accepted on one resource, with the reason.
func suppress(c constructs.IConstruct, rule, reason string) {
	cdknag.NagSuppressions_AddResourceSuppressions(c, &[]*cdknag.NagPackSuppression{{
		Id:     jsii.String(rule),
		Reason: jsii.String(reason),
	}}, jsii.Bool(false))
}
