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
// With Props.Existing it creates none of the load balancer's resources: it
// imports an existing HTTPS listener by attributes and adds its rules to it,
// each with a host-header condition for Props.DomainName, plus a catch-all
// rule for that host in place of the default action, the certificate (for
// SNI) and, when asked, one egress rule to Cognito. With Props.TargetGroupArn
// every rule forwards to that existing target group and there is no function:
// Auth.Settings are then what the app behind it needs.
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
// APP_URL and SESSION_COOKIE_NAME, and the route table as JSON in
// ROUTE_TABLE (see the lambda/routes package).
package albauth

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/internal/elbarn"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/cognitoissuer"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/groupclaim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
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
	// Vpc holds the load balancer in its public subnets. Required, unless
	// Existing is set.
	Vpc awsec2.IVpc
	// Existing, when set, attaches the site to an existing load balancer's
	// HTTPS listener instead of creating a load balancer: see
	// ExistingListener. Vpc, SSLPolicy, DisableDeletionProtection,
	// AccessLogsBucket, AccessLogsExpiry and WAF must then be unset.
	Existing *ExistingListener
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
	// Function answers the authenticated requests. Required unless
	// TargetGroupArn is set. The construct adds the verifier's environment
	// variables to it (Auth.Settings).
	Function awslambda.Function
	// TargetGroupArn is an existing target group (ECS, EC2 or IP targets),
	// instead of Function, that every rule forwards to: the construct then
	// creates no Lambda target group or invoke permission. The app behind it
	// verifies requests itself with Auth.Settings, which then hold
	// IDENTITY_TARGET=http instead of TARGET_GROUP_PREFIX.
	TargetGroupArn string

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
	// means cognito:groups only. Any other is written to the
	// GROUP_CLAIMS setting (Auth.Settings), and the custom attributes it
	// names are added to the client's read attributes (with every standard
	// attribute) so that the load balancer's userInfo call returns them.
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

// ExistingListener is an existing Application Load Balancer's HTTPS
// listener to attach to, given by attributes only (no lookups). The
// construct adds to it only its listener rules, each with a host-header
// condition for Props.DomainName, the certificate (for SNI), and, with
// AddCognitoEgressRule, one egress rule to the load balancer's security
// group. It never changes the listener's default action, policy or other
// rules, nor the load balancer.
type ExistingListener struct {
	// ListenerArn is the HTTPS listener's ARN; the load balancer's ARN, the
	// signer the verifier expects, is derived from it
	// (elbarn.LoadBalancerOfListener). Required.
	ListenerArn string
	// SecurityGroupID is the load balancer's security group. Required.
	SecurityGroupID string
	// DNSName and CanonicalHostedZoneID are the load balancer's, for the
	// alias records. Required.
	DNSName, CanonicalHostedZoneID string
	// CatchAllPriority is the catch-all rule's priority: the routes' rules
	// take the priorities the routes carry, which must be lower, so the
	// catch-all rule, host header only, is evaluated after them. Required.
	CatchAllPriority int
	// AddCognitoEgressRule adds an egress rule for TCP 443 to 0.0.0.0/0 to
	// the security group, which the authenticate action needs to reach
	// Cognito's token and user-info endpoints. Without it the construct
	// leaves the group alone and adds an info annotation saying so.
	AddCognitoEgressRule bool
}

// Auth is the load balancer, its Cognito login and the Lambda target.
type Auth interface {
	constructs.Construct
	// LoadBalancer is the internet-facing Application Load Balancer: the
	// created one, or the existing one imported by attributes.
	LoadBalancer() elb.IApplicationLoadBalancer
	// LoadBalancerArn is its ARN, the signer the verifier expects (ALB_ARN).
	LoadBalancerArn() *string
	// Listener is the HTTPS listener that authenticates and forwards.
	Listener() elb.IApplicationListener
	// TargetGroup is the target group of the default action's policy: a
	// Lambda target group, or the existing one of Props.TargetGroupArn.
	TargetGroup() elb.IApplicationTargetGroup
	// PolicyTargetGroup is the target group of the policy with this ID
	// (routes.Policy.ID), or nil: every listener rule forwards to its
	// route's. With Props.TargetGroupArn every policy's is that one.
	PolicyTargetGroup(id string) elb.IApplicationTargetGroup
	// HostHeader is the host-header condition's value every rule carries
	// on an existing listener (Props.DomainName), "" on the construct's own.
	HostHeader() string
	// Client is the user pool client the load balancer signs users in with.
	Client() awscognito.UserPoolClient
	// Function is the Lambda function behind the load balancer; nil with
	// Props.TargetGroupArn.
	Function() awslambda.Function
	// Settings are the verifier's settings by environment variable name
	// (the lambda/identity Env* constants): the function's environment, or,
	// with Props.TargetGroupArn, what the app behind the target group must
	// be given. It returns a copy.
	Settings() map[string]*string
	// SetSetting adds or replaces one setting, in the function's
	// environment too when there is a function.
	SetSetting(name string, value *string)
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
	lb       elb.IApplicationLoadBalancer
	lbArn    *string
	listener elb.IApplicationListener
	tg       elb.IApplicationTargetGroup
	tgs      map[string]elb.IApplicationTargetGroup
	host     string
	client   awscognito.UserPoolClient
	fn       awslambda.Function
	url      string
	issuer   string
	settings map[string]*string
}

func (a *auth) LoadBalancer() elb.IApplicationLoadBalancer { return a.lb }
func (a *auth) LoadBalancerArn() *string                   { return a.lbArn }
func (a *auth) Listener() elb.IApplicationListener         { return a.listener }
func (a *auth) TargetGroup() elb.IApplicationTargetGroup   { return a.tg }
func (a *auth) PolicyTargetGroup(id string) elb.IApplicationTargetGroup {
	return a.tgs[id]
}
func (a *auth) HostHeader() string { return a.host }
func (a *auth) Settings() map[string]*string {
	return maps.Clone(a.settings)
}
func (a *auth) SetSetting(name string, value *string) {
	a.settings[name] = value
	if a.fn != nil {
		a.fn.AddEnvironment(jsii.String(name), value, nil)
	}
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

	var domain awscognito.IUserPoolDomain
	table, tableJSON, err := routeTable(p)
	if err != nil {
		panic(fmt.Sprintf("albauth %s: %v", id, err))
	}
	if p.Existing == nil {
		a.newLoadBalancer(c, p)
	} else {
		a.importListener(c, p)
	}
	a.client = newClient(c, p, append(slices.Clone(p.Scopes), table.Scopes()...))
	if !p.ClassicHostedUI {
		newManagedLoginStyle(c, p.UserPool, a.client)
	}
	domain = awscognito.UserPoolDomain_FromDomainName(c, jsii.String("UserPoolDomain"), jsii.String(p.UserPoolDomain))

	prefix := ""
	a.tgs = map[string]elb.IApplicationTargetGroup{}
	if p.TargetGroupArn != "" {
		// The existing target group receives every policy's requests: the
		// app behind it takes each request's policy from its path.
		a.tg = elb.ApplicationTargetGroup_FromTargetGroupAttributes(c, jsii.String("TargetGroup"), &elb.TargetGroupAttributes{
			TargetGroupArn: jsii.String(p.TargetGroupArn),
		})

		for _, pol := range table.Policies() {
			a.tgs[pol.ID()] = a.tg
		}
	} else {
		// One target group per authorization policy of the table, all with the
		// function as their target: the target group a request arrives through
		// tells the function which policy the load balancer's rule applied.
		prefix = targetGroupPrefix(c)
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
	}

	// The default action's: authenticate with the site's settings, then
	// forward to the default policy's target group. On its own listener it
	// is the listener's default action and lets the load balancer's
	// security group reach Cognito (its only egress rule, TCP 443); on a
	// shared listener it is the site's last rule, for its host only, and
	// the shared security group is left to ExistingListener's setting.
	defaultAction := awselasticloadbalancingv2actions.NewAuthenticateCognitoAction(&awselasticloadbalancingv2actions.AuthenticateCognitoActionProps{
		UserPool:                         p.UserPool,
		UserPoolClient:                   a.client,
		UserPoolDomain:                   domain,
		Scope:                            jsii.String(strings.Join(p.Scopes, " ")),
		SessionCookieName:                jsii.String(p.SessionCookieName),
		SessionTimeout:                   awscdk.Duration_Seconds(jsii.Number(p.SessionTimeout.Seconds())),
		OnUnauthenticatedRequest:         unauthenticatedAction(p.OnUnauthenticatedRequest),
		AuthenticationRequestExtraParams: extraParams(p.AuthenticationRequestExtraParams),
		AllowHttpsOutbound:               jsii.Bool(p.Existing == nil && p.TargetGroupArn == ""), // with a target group the group allows all outbound
		Next:                             elb.ListenerAction_Forward(&[]elb.IApplicationTargetGroup{a.tg}, nil),
	})
	if p.Existing == nil {
		listener := a.lb.(elb.ApplicationLoadBalancer).AddListener(jsii.String("Https"), &elb.BaseApplicationListenerProps{
			Port:          jsii.Number(443),
			Protocol:      elb.ApplicationProtocol_HTTPS,
			Open:          jsii.Bool(false),
			SslPolicy:     p.SSLPolicy,
			Certificates:  &[]elb.IListenerCertificate{elb.ListenerCertificate_FromCertificateManager(p.Certificate)},
			DefaultAction: defaultAction,
		})
		listener.SetAttribute(jsii.String("routing.http.response.strict_transport_security.header_value"), jsii.String(HSTSHeaderValue))
		listener.SetAttribute(jsii.String("routing.http.response.server.enabled"), jsii.String("false"))
		a.listener = listener
	} else {
		elb.NewApplicationListenerRule(c, jsii.String("CatchAll"), &elb.ApplicationListenerRuleProps{
			Listener:   a.listener,
			Priority:   jsii.Number(float64(p.Existing.CatchAllPriority)),
			Conditions: &[]elb.ListenerCondition{elb.ListenerCondition_HostHeaders(jsii.Strings(a.host))},
			Action:     defaultAction,
		})
	}
	for _, r := range table.Routes {
		if r.Machine() {
			// Bearer-token only: the machineauth construct writes its
			// jwt-validation rule, forwarding to PolicyTargetGroup; the
			// route is still in ROUTE_TABLE.
			continue
		}
		addRoute(a.listener, r, a.host, p, a.client, domain, a.tgs[r.Policy().ID()])
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

	a.settings = map[string]*string{
		identity.EnvALBARN:            a.lbArn,
		identity.EnvClientID:          a.client.UserPoolClientId(),
		identity.EnvIssuer:            a.Issuer(),
		identity.EnvUserPoolDomain:    domainHost(stack, p.UserPoolDomain, p.UserPoolDomainHost),
		identity.EnvAppURL:            jsii.String(a.url),
		identity.EnvSessionCookieName: jsii.String(p.SessionCookieName),
		identity.EnvRouteTable:        jsii.String(string(tableJSON)),
	}
	if !p.GroupClaims.IsDefault() {
		a.settings[identity.EnvGroupClaims] = jsii.String(p.GroupClaims.JSON())
	}
	if p.TargetGroupArn != "" {
		a.settings[identity.EnvTarget] = jsii.String(identity.TargetHTTP)
	} else {
		a.settings[identity.EnvTargetGroupPrefix] = jsii.String(prefix)
	}
	if p.TargetGroupArn != "" {
		// Acknowledged when the app is synthesized, after every rule that
		// forwards to it (machineauth's too) has been added: each one warns.
		awscdk.Aspects_Of(a.tg).Add(&importedTargetGroupAck{}, nil)
	}
	if a.fn != nil {
		for _, k := range slices.Sorted(maps.Keys(a.settings)) {
			a.fn.AddEnvironment(jsii.String(k), a.settings[k], nil)
		}
	}
	return a
}

// newLoadBalancer creates the load balancer, its security group, access
// logs, port-80 redirect and (optionally) web ACL.
func (a *auth) newLoadBalancer(c constructs.Construct, p Props) {
	// Out: HTTPS to the identity provider only (the authenticate action's
	// rule), when the targets are Lambda functions, which need none. An
	// existing target group's targets listen on a port the construct does
	// not know, so then the group allows all outbound traffic.
	description := "Load balancer: HTTPS in, HTTP in for the redirect only, HTTPS out to the identity provider"
	if p.TargetGroupArn != "" {
		description = "Load balancer: HTTPS in, HTTP in for the redirect only, out to the identity provider and the targets of an existing target group"
	}
	sg := awsec2.NewSecurityGroup(c, jsii.String("SecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:              p.Vpc,
		Description:      jsii.String(description),
		AllowAllOutbound: jsii.Bool(p.TargetGroupArn != ""),
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

	lb := elb.NewApplicationLoadBalancer(c, jsii.String("LoadBalancer"), lbProps)
	bucket := p.AccessLogsBucket
	if bucket == nil {
		bucket = newLogBucket(c, p.AccessLogsExpiry)
	}
	lb.LogAccessLogs(bucket, jsii.String(AccessLogsPrefix))
	redirect := lb.AddRedirect(&elb.ApplicationLoadBalancerRedirectConfig{
		SourcePort:     jsii.Number(80),
		SourceProtocol: elb.ApplicationProtocol_HTTP,
		TargetPort:     jsii.Number(443),
		TargetProtocol: elb.ApplicationProtocol_HTTPS,
		Open:           jsii.Bool(false),
	})
	redirect.SetAttribute(jsii.String("routing.http.response.server.enabled"), jsii.String("false"))
	if p.WAF {
		newWebACL(c, lb)
	}
	a.lb, a.lbArn = lb, lb.LoadBalancerArn()
}

// importListener imports the existing listener, its load balancer and
// security group by attributes, adds the site's certificate to the
// listener's certificate list (served by SNI for DomainName), and the
// Cognito egress rule when asked.
func (a *auth) importListener(c constructs.Construct, p Props) {
	e := p.Existing
	lbArn, err := elbarn.LoadBalancerOfListener(e.ListenerArn)
	if err != nil {
		panic(fmt.Sprintf("albauth %s: Existing.ListenerArn: %v", *c.Node().Id(), err))
	}
	// Not mutable unless asked: nothing the construct does may add a rule
	// to a security group it does not own, except the one egress rule.
	sg := awsec2.SecurityGroup_FromSecurityGroupId(c, jsii.String("LoadBalancerSecurityGroup"), jsii.String(e.SecurityGroupID), &awsec2.SecurityGroupImportOptions{
		AllowAllOutbound: jsii.Bool(false),
		Mutable:          jsii.Bool(e.AddCognitoEgressRule),
	})
	a.lb = elb.ApplicationLoadBalancer_FromApplicationLoadBalancerAttributes(c, jsii.String("LoadBalancer"), &elb.ApplicationLoadBalancerAttributes{
		LoadBalancerArn:                   jsii.String(lbArn),
		SecurityGroupId:                   jsii.String(e.SecurityGroupID),
		LoadBalancerDnsName:               jsii.String(e.DNSName),
		LoadBalancerCanonicalHostedZoneId: jsii.String(e.CanonicalHostedZoneID),
		SecurityGroupAllowsAllOutbound:    jsii.Bool(true), // never add egress through this import
	})
	a.lbArn = jsii.String(lbArn)
	a.listener = elb.ApplicationListener_FromApplicationListenerAttributes(c, jsii.String("Listener"), &elb.ApplicationListenerAttributes{
		ListenerArn:   jsii.String(e.ListenerArn),
		SecurityGroup: sg,
		DefaultPort:   jsii.Number(443),
	})
	a.host = p.DomainName
	elb.NewApplicationListenerCertificate(c, jsii.String("ListenerCertificate"), &elb.ApplicationListenerCertificateProps{
		Listener:     a.listener,
		Certificates: &[]elb.IListenerCertificate{elb.ListenerCertificate_FromCertificateManager(p.Certificate)},
	})
	if e.AddCognitoEgressRule {
		sg.AddEgressRule(awsec2.Peer_AnyIpv4(), awsec2.Port_Tcp(jsii.Number(443)),
			jsii.String("HTTPS to Cognito's token and user-info endpoints, for the sign-in of "+p.DomainName), jsii.Bool(false))
	} else {
		awscdk.Annotations_Of(c).AddInfo(jsii.String(EgressNote(e.SecurityGroupID)))
	}
}

// EgressNote is the info annotation the construct adds on an existing
// listener without ExistingListener.AddCognitoEgressRule.
func EgressNote(securityGroupID string) string {
	return "The load balancer's security group " + securityGroupID + " must allow outbound HTTPS (TCP 443) to 0.0.0.0/0: during sign-in " +
		"the load balancer calls Cognito's token and user-info endpoints, which have no fixed addresses; without it sign-ins fail with HTTP 500. " +
		"The stack leaves the group alone: set addCognitoEgressRule to true to have it add that rule (docs/shared-listener.md)."
}

// withDefaults checks the required props and fills in defaults.
func (props *Props) withDefaults() (Props, error) {
	if props == nil {
		return Props{}, fmt.Errorf("props are required")
	}
	p := *props
	if err := p.checkExisting(); err != nil {
		return p, err
	}
	switch {
	case p.Vpc == nil && p.Existing == nil:
		return p, fmt.Errorf("Vpc is required")
	case p.Certificate == nil:
		return p, fmt.Errorf("Certificate is required")
	case p.UserPool == nil:
		return p, fmt.Errorf("UserPool is required")
	case p.UserPoolDomain == "" || strings.Contains(p.UserPoolDomain, "/"):
		return p, fmt.Errorf("UserPoolDomain must be a Cognito prefix or a domain name, not %q", p.UserPoolDomain)
	case p.DomainName == "" || p.DomainName != strings.ToLower(p.DomainName) || strings.HasSuffix(p.DomainName, "."):
		return p, fmt.Errorf("DomainName must be a lower-case domain name without a trailing dot, not %q", p.DomainName)
	case p.Function == nil && p.TargetGroupArn == "":
		return p, fmt.Errorf("Function or TargetGroupArn is required")
	case p.Function != nil && p.TargetGroupArn != "":
		return p, fmt.Errorf("Function and TargetGroupArn are both set; give one target")
	}
	if p.TargetGroupArn != "" {
		if _, err := elbarn.TargetGroup(p.TargetGroupArn); err != nil {
			return p, fmt.Errorf("TargetGroupArn: %v", err)
		}
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
	if p.Existing != nil {
		return p, nil
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

// checkExisting checks ExistingListener and the props it excludes.
func (p Props) checkExisting() error {
	e := p.Existing
	if e == nil {
		return nil
	}
	switch {
	case p.Vpc != nil || p.SSLPolicy != "" || p.DisableDeletionProtection || p.AccessLogsBucket != nil || p.AccessLogsExpiry != 0 || p.WAF:
		return fmt.Errorf("Vpc, SSLPolicy, DisableDeletionProtection, AccessLogsBucket, AccessLogsExpiry and WAF concern a load balancer the construct creates; " +
			"leave them unset with Existing")
	case e.SecurityGroupID == "" || e.DNSName == "" || e.CanonicalHostedZoneID == "":
		return fmt.Errorf("Existing: ListenerArn, SecurityGroupID, DNSName and CanonicalHostedZoneID are all required")
	case e.CatchAllPriority < 1 || e.CatchAllPriority > routes.MaxPriority:
		return fmt.Errorf("Existing: CatchAllPriority must be 1 to %d, not %d", routes.MaxPriority, e.CatchAllPriority)
	}
	if _, err := elbarn.LoadBalancerOfListener(e.ListenerArn); err != nil {
		return fmt.Errorf("Existing.ListenerArn: %v", err)
	}
	for _, r := range p.Routes {
		if n := len(r.Paths) + len(r.Methods); n+1 > routes.MaxConditionValues {
			return fmt.Errorf("route %s: %d paths and methods plus the host-header condition are more than the %d condition values a rule takes",
				r.Name, n, routes.MaxConditionValues)
		}
		if r.Priority == 0 || r.Priority >= e.CatchAllPriority {
			return fmt.Errorf("route %s: on an existing listener every route needs a priority below the catch-all rule's %d, not %d",
				r.Name, e.CatchAllPriority, r.Priority)
		}
	}
	return nil
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
func addRoute(l elb.IApplicationListener, r routes.Route, host string, p Props, client awscognito.IUserPoolClient, domain awscognito.IUserPoolDomain, tg elb.IApplicationTargetGroup) {
	extra := extraParams(r.AuthenticationRequestExtraParams)
	l.AddAction(jsii.String("Route-"+r.Name), &elb.AddApplicationActionProps{
		Priority:   jsii.Number(float64(r.Priority)),
		Conditions: Conditions(r, host),
		Action: awselasticloadbalancingv2actions.NewAuthenticateCognitoAction(&awselasticloadbalancingv2actions.AuthenticateCognitoActionProps{
			UserPool:                         p.UserPool,
			UserPoolClient:                   client,
			UserPoolDomain:                   domain,
			Scope:                            jsii.String(strings.Join(r.RequestScopes, " ")),
			SessionCookieName:                jsii.String(r.SessionCookieName),
			SessionTimeout:                   awscdk.Duration_Seconds(jsii.Number(p.SessionTimeout.Seconds())),
			OnUnauthenticatedRequest:         unauthenticatedAction(r.Unauthenticated()),
			AuthenticationRequestExtraParams: extra,
			// The default action's rule (or, on a shared listener,
			// ExistingListener.AddCognitoEgressRule) lets the load balancer
			// reach the Cognito endpoints.
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

// Conditions are a route's listener rule conditions: on a shared listener
// (host not empty) a host-header condition for the site's host, then its
// path patterns and, when it names methods, an http-request-method
// condition. The host is one of the rule's MaxConditionValues values.
func Conditions(r routes.Route, host string) *[]elb.ListenerCondition {
	var cs []elb.ListenerCondition
	if host != "" {
		cs = append(cs, elb.ListenerCondition_HostHeaders(jsii.Strings(host)))
	}
	cs = append(cs, elb.ListenerCondition_PathPatterns(jsii.Strings(r.Paths...)))
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
		ReadAttributes:             groupAttributes(p.GroupClaims),
		WriteAttributes:            groupAttributes(p.GroupClaims),
		PreventUserExistenceErrors: jsii.Bool(true),
		EnableTokenRevocation:      jsii.Bool(true),
		IdTokenValidity:            awscdk.Duration_Minutes(jsii.Number(p.IDTokenValidity.Minutes())),
		AccessTokenValidity:        awscdk.Duration_Minutes(jsii.Number(p.AccessTokenValidity.Minutes())),
		RefreshTokenValidity:       awscdk.Duration_Minutes(jsii.Number(p.RefreshTokenValidity.Minutes())),
		// RefreshTokenRotationGracePeriod stays unset: rotation off.
	})
}

// importedTargetGroupAck acknowledges the warning the CDK adds to an
// imported target group for each rule that forwards to it: the construct
// cannot open the targets' security groups, and says so in the docs.
type importedTargetGroupAck struct{}

func (*importedTargetGroupAck) Visit(node constructs.IConstruct) {
	awscdk.Annotations_Of(node).AcknowledgeWarning(jsii.String("@aws-cdk/aws-elbv2:albTargetGroupCannotRegisterListener"),
		jsii.String("The targets' security groups are their owner's: they must admit the load balancer's security group on the targets' port "+
			"(docs/shared-listener.md); on its own load balancer the construct allows the group all outbound traffic, since it cannot know the targets' port"))
}

// groupAttributes is nil (the client's defaults) unless the group claims
// name custom attributes: then every standard attribute and those, for the
// client's read and write attributes. Read: without ReadAttributes, "your
// app can read the values of email_verified, phone_number_verified, and the
// Standard attributes of your user pool" (CloudFormation,
// AWS::Cognito::UserPoolClient ReadAttributes), and the load balancer's
// userInfo call returns "all user attributes that the app client can read".
// Write: "If your app client allows users to sign in through an IdP, this
// array must include all attributes that you have mapped to IdP attributes
// ... If your app client does not have write access to a mapped attribute,
// Amazon Cognito throws an error" (WriteAttributes), and without it the
// client writes only the standard attributes. No user can use that write
// access: it needs an access token of this client with
// aws.cognito.signin.user.admin, a scope the configuration refuses, and
// the client's secret stays with the load balancer.
func groupAttributes(gc groupclaim.Config) awscognito.ClientAttributes {
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
