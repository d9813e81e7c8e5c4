// Package config reads the app's settings from CDK context and checks them.
//
// Settings come from the "context" object in cdk.json, where they are JSON values,
// and can be overridden with `cdk synth -c key=value`, where they are always
// strings. FromContext accepts both forms, applies the defaults and validates the
// result, returning every problem at once so that main can print them all and
// exit before anything is synthesized. Keys lists every setting with its type,
// default, example and description, for docs/configuration.md and the tests.
//
// The package uses only the standard library: it has no jsii or CDK types and its
// tests need no Node.js kernel.
package config

import (
	_ "embed"
	"encoding/json"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/groupclaim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// Config is the app's validated configuration. Each field's comment names its
// context key. Build one with FromContext; a Config built by hand must pass
// Validate before a stack uses it.
type Config struct {
	// UserPoolArn is context key "userPoolArn" (required): the ARN of the existing
	// Cognito user pool, arn:<partition>:cognito-idp:<region>:<account>:userpool/<region>_<id>.
	UserPoolArn string
	// UserPoolDomain is context key "userPoolDomain" (required): the pool's existing
	// domain, either its Cognito prefix ("myapp") or its custom domain
	// ("auth.example.com"). FromContext reduces a Cognito host given in full
	// ("myapp.auth.eu-west-1.amazoncognito.com") to its prefix.
	UserPoolDomain string
	// UserPoolIssuer is context key "userPoolIssuer": the form of the user
	// pool's token issuer, its IssuerConfiguration: "original"
	// (https://cognito-idp.<region>.amazonaws.com/<pool id>) or "updated"
	// (https://issuer-cognito-idp.<region>.amazonaws.com/<pool id>). It sets
	// the function's TOKEN_ISSUER, the key set URL of the function and of
	// the machine routes' jwt-validation rules, and those rules' Issuer
	// (see Issuer, JWKSURL). Default "original".
	UserPoolIssuer string
	// HostedZoneID is context key "hostedZoneId" (required): the ID of the existing
	// public Route 53 hosted zone that holds RecordName, e.g. Z0123456789EXAMPLE0AB.
	HostedZoneID string
	// HostedZoneName is context key "hostedZoneName" (required): that zone's domain
	// name, lower case, without a trailing dot, e.g. example.com.
	HostedZoneName string
	// RecordName is context key "recordName" (required): the site's full domain
	// name, inside the hosted zone, e.g. app.example.com.
	RecordName string
	// CertificateArn is context key "certificateArn" (required): the ARN of the
	// existing ACM certificate for RecordName, in the stack's account and region.
	CertificateArn string
	// AccountID is context key "account": the account to deploy to. Empty means
	// the certificate's account; use Account for the effective value.
	AccountID string
	// RegionCode is context key "region": the region to deploy to. Empty means
	// the certificate's region; use Region for the effective value.
	RegionCode string
	// AvailabilityZones is context key "availabilityZones": the zones the load
	// balancer uses, at least two. Default: the region's zones a and b. Naming
	// them keeps synth free of availability-zone lookups.
	AvailabilityZones []string
	// VpcID is context key "vpcId": an existing VPC to use. Empty means the stack
	// creates a VPC.
	VpcID string
	// PublicSubnetIDs is context key "publicSubnetIds": the existing VPC's public
	// subnets, one per availability zone, in the same order as AvailabilityZones.
	// Required when VpcID is set, and only then.
	PublicSubnetIDs []string
	// IPAddressType is context key "ipAddressType": the load balancer's IP
	// address type, "ipv4" or "dualstack" (IPv4 and IPv6). Default "ipv4".
	// "dualstack-without-public-ipv4" is refused: the load balancer cannot reach
	// Cognito without a public IPv4 address.
	IPAddressType string
	// ListenerArn is context key "listenerArn": the ARN of an existing
	// Application Load Balancer's HTTPS listener to attach the site to,
	// arn:<partition>:elasticloadbalancing:<region>:<account>:listener/app/<name>/<lb id>/<listener id>,
	// in the stack's partition, region and account. Set, the stack creates
	// no VPC, load balancer, listeners, access-log bucket or web ACL: it adds
	// listener rules for RecordName at RulePriorityBase onwards, its
	// certificate and its alias records (attach mode, see Attach). Requires
	// the three LoadBalancer* keys and RulePriorityBase. Empty: the stack
	// creates its own load balancer.
	ListenerArn string
	// LoadBalancerSecurityGroupID is context key "loadBalancerSecurityGroupId":
	// the security group of that listener's load balancer, sg-..., which the
	// authenticate actions' Cognito egress concerns. Attach mode only.
	LoadBalancerSecurityGroupID string
	// LoadBalancerDNSName is context key "loadBalancerDnsName": that load
	// balancer's DNS name (<name>-<id>.<region>.elb.amazonaws.com, without
	// the dualstack. prefix), the alias records' target. Attach mode only.
	LoadBalancerDNSName string
	// LoadBalancerCanonicalHostedZoneID is context key "loadBalancerCanonicalHostedZoneId":
	// that load balancer's canonical
	// hosted zone ID (Z...), the alias records' hosted zone. Attach mode only.
	LoadBalancerCanonicalHostedZoneID string
	// RulePriorityBase is context key "rulePriorityBase": the first of the
	// listener rule priorities the site uses on the shared listener: the
	// routes get RulePriorityBase, RulePriorityBase+1, ... in order, and the
	// site's catch-all rule (host header only) RulePriorityBase +
	// routes.MaxRoutes (RulePriorities).
	// Required in attach mode, refused otherwise; 0 means not set.
	RulePriorityBase int
	// AddCognitoEgressRule is context key "addCognitoEgressRule": whether the
	// stack adds an egress rule for TCP 443 to 0.0.0.0/0 to the shared load
	// balancer's security group, which the authenticate action needs to reach
	// Cognito's token and user-info endpoints. Attach mode only. Default false:
	// the stack leaves the security group alone and says what it needs.
	AddCognitoEgressRule bool
	// OAuthScopes is context key "oauthScopes": the OAuth scopes the load balancer
	// requests. "openid" always comes first; duplicates are removed.
	// Default ["openid"].
	OAuthScopes []string
	// IdentityProviders is context key "identityProviders": the identity
	// providers users may sign in with, by name. Default ["COGNITO"].
	IdentityProviders []string
	// AuthenticationRequestExtraParams is context key "authenticationRequestExtraParams":
	// the query parameters the load balancer adds to its redirect to the authorize endpoint, for the
	// default action and every route without its own (see
	// RoutesWithSiteParams). Default none.
	AuthenticationRequestExtraParams map[string]string
	// LoginPages is context key "loginPages": which sign-in pages the user
	// pool's domain serves, "managed" (managed login, the domain's
	// ManagedLoginVersion 2) or "classic" (the hosted UI, version 1). With
	// "managed" the stack gives its app client a managed login style, without
	// which managed login has no sign-in page for the client. Default "managed".
	LoginPages string
	// SessionCookieName is context key "sessionCookieName": the name of the load
	// balancer's session cookie. Default AWSELBAuthSessionCookie.
	SessionCookieName string
	// SessionTimeout is context key "sessionTimeout": how long a load balancer
	// session lasts, whole seconds from 1s to 7 days. Default 8h.
	SessionTimeout time.Duration
	// IDTokenValidity is context key "idTokenValidity": how long the app
	// client's ID tokens last, whole minutes from 5 minutes to 1 day, and no
	// longer than RefreshTokenValidity. Default 1h.
	IDTokenValidity time.Duration
	// AccessTokenValidity is context key "accessTokenValidity": how long the
	// app client's access tokens last, whole minutes from 5 minutes to 1 day,
	// and no longer than RefreshTokenValidity. The load balancer refreshes its
	// tokens each time the access token expires. Default 1h.
	AccessTokenValidity time.Duration
	// RefreshTokenValidity is context key "refreshTokenValidity": how long the
	// app client's refresh tokens last, whole minutes from 60 minutes to 3650
	// days, and longer than SessionTimeout. Default SessionTimeout plus one
	// hour, rounded up to a whole minute.
	RefreshTokenValidity time.Duration
	// OnUnauthenticatedRequest is context key "onUnauthenticatedRequest": what the
	// load balancer does with a request that has no session: "authenticate",
	// "deny" or "allow" (lower case, as in CloudFormation). Default "authenticate".
	OnUnauthenticatedRequest string
	// TLSPolicy is context key "tlsPolicy": the HTTPS listener's security policy,
	// as the name of a CDK SslPolicy constant that allows TLS 1.3 (see
	// TLSPolicies); the name is also the constant's value. Default TLS13_13_PQ.
	TLSPolicy string
	// DeletionProtection is context key "deletionProtection": whether the load
	// balancer has deletion protection. Default true.
	DeletionProtection bool
	// AccessLogsBucket is context key "accessLogsBucket": an existing S3 bucket,
	// by name, for the load balancer's access logs. Empty means the stack creates
	// a bucket.
	AccessLogsBucket string
	// AccessLogsExpirationDays is context key "accessLogsExpirationDays": after
	// how many days the bucket the stack creates deletes access logs, 1 to 3650.
	// Default 90; 0 when AccessLogsBucket is set, since the stack does not manage
	// an existing bucket's lifecycle.
	AccessLogsExpirationDays int
	// LogRetentionDays is context key "logRetentionDays": how long the function's
	// CloudWatch log group, and the VPC flow logs' group when the stack creates
	// the VPC, keep events, one of the periods CloudWatch Logs allows. Default 30.
	LogRetentionDays int
	// TargetGroupArn is context key "targetGroupArn": an existing target
	// group (ECS, EC2 or IP targets),
	// arn:<partition>:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>,
	// that every authenticated rule forwards to. Set, the stack creates no
	// function, Lambda target groups or invoke permissions, and publishes
	// what the app needs to verify requests itself in the SSM parameter
	// IdentityParameterName. With its own load balancer the stack then needs
	// VpcID, the target group's VPC. Empty: the stack's Go function is the target.
	TargetGroupArn string
	// IdentityParameterName is context key "identityParameterName": the name
	// of the SSM String parameter the stack writes the app's identity
	// settings to, as one flat JSON object, when TargetGroupArn is set.
	// Default /<recordName>/identity; refused without TargetGroupArn.
	IdentityParameterName string
	// FunctionPackage is context key "functionPackage": the function's main
	// package, a slash-separated folder under lambda/ relative to the module
	// root, e.g. lambda/notes. Default lambda/whoami. Validate checks its
	// form; CheckFunctionPackage checks the folder on disk.
	FunctionPackage string
	// FunctionMemoryMiB is context key "functionMemoryMiB": the function's memory,
	// 128 to 10240 MiB. Default 256.
	FunctionMemoryMiB int
	// FunctionTimeoutSeconds is context key "functionTimeoutSeconds": the
	// function's timeout, 5 to 60 seconds. Default 10.
	FunctionTimeoutSeconds int
	// ReservedConcurrency is context key "reservedConcurrency": the function's
	// reserved concurrent executions, 1 to 1000, or 0 for no reservation (the
	// default; unlike Lambda's own 0, which stops the function).
	ReservedConcurrency int
	// WAFEnabled is context key "wafEnabled": whether to put an AWS WAF web ACL
	// in front of the load balancer. Default false.
	WAFEnabled bool
	// Routes is context key "routes": the ordered route table, each route a
	// listener rule with its own path patterns, required groups and scopes,
	// unauthenticated action and extra authorize parameters. Paths no route
	// matches keep the default action. Default: none. The derived fields
	// (priorities, requested scopes, cookie names) come from RouteTable.
	Routes []routes.Route
	// GroupClaims is context key "groupClaims": the claims holding the
	// groups routes check, groupclaim.AccessTokenClaim and custom
	// attributes of the user claims. Default ["cognito:groups"].
	GroupClaims []string
	// GroupClaimSeparator is context key "groupClaimSeparator": how a group
	// claim's plain string splits (a groupclaim.Separator: "", comma or
	// space). Default "", none.
	GroupClaimSeparator string
	// MachineClients is context key "machineClients": the names of the
	// machine-to-machine app clients the stack creates on the pool, one per
	// script, job or service that calls the machine routes. Each may use only
	// the client-credentials grant and gets only the scopes of the routes that
	// name it. Default none.
	MachineClients []string
	// ResourceServerID is context key "resourceServerId": the identifier of the
	// resource server whose scopes the machine routes require, e.g.
	// https://app.example.com. Default: SiteURL when CreateResourceServer is
	// set, else none.
	ResourceServerID string
	// CreateResourceServer is context key "createResourceServer": whether the
	// stack creates the resource server ResourceServerID on the existing pool,
	// with the scopes the machine routes require. When false, ResourceServerID
	// names an existing resource server. Default false.
	CreateResourceServer bool
	// MachineTokenValidity is context key "machineTokenValidity": how long the
	// access tokens of the machine clients last, whole minutes from 5 minutes to
	// 1 day (Cognito's bounds). Default 15m.
	MachineTokenValidity time.Duration
	// AlarmTopicArn is context key "alarmTopicArn": an existing SNS topic,
	// arn:<partition>:sns:<region>:<account>:<name>, in the stack's partition
	// and region, that the stack's alarms notify. Empty means the alarms
	// notify no one.
	AlarmTopicArn string
	// StackName is context key "stackName": the CloudFormation stack's name (and
	// the CDK stack's id). Default AlbCognitoSite.
	StackName string
}

// GroupClaimConfig is GroupClaims and GroupClaimSeparator as the function
// reads them (groupclaim.EnvVar).
func (c Config) GroupClaimConfig() groupclaim.Config {
	return groupclaim.Config{Claims: c.GroupClaims, Separator: groupclaim.Separator(c.GroupClaimSeparator)}
}

// ExampleAccount is the account of the example configuration. IsExample reports
// whether a configuration still targets it.
const ExampleAccount = "123456789012"

//go:embed example.json
var exampleJSON []byte

//go:embed example-stages.json
var exampleStagesJSON []byte

// Example returns the flat example configuration (no stages): the required
// keys and a few common optional ones, for account ExampleAccount in
// eu-west-1. It passes FromContext. Each call returns a fresh map.
func Example() map[string]any {
	var ctx map[string]any
	if err := json.Unmarshal(exampleJSON, &ctx); err != nil {
		panic("config: example.json is not a JSON object: " + err.Error())
	}
	return ctx
}

// ExampleStages returns the example with stages, the context that cdk.json
// ships: shared settings plus two stages, dev (eu-west-1, on the shared user
// pool) and prod (eu-central-1, on its own pool). It passes StagesFromContext.
// Each call returns a fresh map.
func ExampleStages() map[string]any {
	var ctx map[string]any
	if err := json.Unmarshal(exampleStagesJSON, &ctx); err != nil {
		panic("config: example-stages.json is not a JSON object: " + err.Error())
	}
	return ctx
}

//go:embed example_routes.json
var exampleRoutesJSON []byte

// ExampleRoutes returns an example value of the "routes" key, as cdk.json
// would hold it: an admin area for group admins, an API under /api/* that
// needs a custom scope and answers 401 without a session, and a partner area
// whose users sign in with a federated provider. Each call returns a fresh
// value.
func ExampleRoutes() []any {
	var v []any
	if err := json.Unmarshal(exampleRoutesJSON, &v); err != nil {
		panic("config: example_routes.json is not a JSON array: " + err.Error())
	}
	return v
}

//go:embed example_machine.json
var exampleMachineJSON []byte

// ExampleMachine returns context keys that add machine clients to the
// example configuration: two machine clients, the resource server created by
// the stack (identifier https://app.example.com, from recordName), and a
// route table with a sign-in route for group admins and two machine routes
// under /api. Merge it into Example(). Each call returns a fresh map.
func ExampleMachine() map[string]any {
	var ctx map[string]any
	if err := json.Unmarshal(exampleMachineJSON, &ctx); err != nil {
		panic("config: example_machine.json is not a JSON object: " + err.Error())
	}
	return ctx
}

//go:embed example_attach.json
var exampleAttachJSON []byte

// ExampleAttach returns a complete flat example configuration that attaches
// the site shop.example.com to an existing load balancer's HTTPS listener
// (listenerArn and the load balancer's attributes, rule priorities from
// 1000), with a sign-in route for group admins, a machine route and an API
// route; the stack is AlbCognitoSiteAttach. It passes FromContext. Each
// call returns a fresh map.
func ExampleAttach() map[string]any {
	var ctx map[string]any
	if err := json.Unmarshal(exampleAttachJSON, &ctx); err != nil {
		panic("config: example_attach.json is not a JSON object: " + err.Error())
	}
	return ctx
}

// IsExample reports whether c deploys to the example account, that is whether it
// is still the shipped example rather than a real configuration.
func (c Config) IsExample() bool {
	return c.Account() == ExampleAccount
}
