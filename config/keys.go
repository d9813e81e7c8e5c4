package config

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/cognitoissuer"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/groupclaim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// Key documents one context key. Keys returns them from the same table that
// FromContext decodes with, so documentation generated from it cannot drift.
type Key struct {
	// Name is the context key, exactly as written in cdk.json or after -c.
	Name string
	// Type is "string", "string list", "boolean", "integer", "duration" or
	// "list of objects".
	Type string
	// Required is true when the key has no default.
	Required bool
	// Default describes the value used when the key is absent; empty when Required.
	Default string
	// Example is a valid value written as JSON, as it would appear in cdk.json.
	Example string
	// Description says what the key controls.
	Description string
}

// Keys returns the documented context keys, in a stable order: required keys
// first, then the optional ones.
func Keys() []Key {
	keys := make([]Key, len(specs))
	for i, s := range specs {
		keys[i] = s.Key
		keys[i].Type = s.kind().String()
	}
	return keys
}

// spec is a Key plus what the decoder and validator need to know about it.
type spec struct {
	Key
	// what completes "set it to ..." when a string value is empty.
	what string
	// field returns a pointer to the Config field the key decodes into; its type
	// (*string, *[]string, *bool, *int or *time.Duration) decides how to decode.
	field func(*Config) any
	// setDefault fills in the default when the key is absent; nil if none.
	setDefault func(*Config)
}

// Defaults.
const (
	defaultSessionCookieName        = "AWSELBAuthSessionCookie"
	defaultSessionTimeout           = 8 * time.Hour
	defaultOnUnauthenticatedRequest = "authenticate"
	defaultTLSPolicy                = "TLS13_13_PQ"
	defaultAccessLogsExpirationDays = 90
	defaultLogRetentionDays         = 30
	defaultFunctionMemoryMiB        = 256
	defaultFunctionTimeoutSeconds   = 10
	defaultStackName                = "AlbCognitoSite"
	defaultIPAddressType            = "ipv4"
	defaultMachineTokenValidity     = 15 * time.Minute
	defaultFunctionPackage          = "lambda/whoami"
	defaultUserPoolIssuer           = string(cognitoissuer.Original)
)

var specs = []spec{
	{
		Key: Key{
			Name: "userPoolArn", Required: true,
			Example:     `"arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Example1"`,
			Description: "ARN of the existing Cognito user pool that signs users in. The stack is deployed in the pool's region.",
		},
		what:  "your user pool's ARN (Cognito console: User pools > your pool > Overview)",
		field: func(c *Config) any { return &c.UserPoolArn },
	},
	{
		Key: Key{
			Name: "userPoolDomain", Required: true,
			Example: `"example-app"`,
			Description: "The user pool's existing domain: its Cognito prefix (myapp, for myapp.auth.<region>.amazoncognito.com) " +
				"or its custom domain name (auth.example.com). A full Cognito host is reduced to its prefix.",
		},
		what:  "your user pool's domain prefix or custom domain (Cognito console: your pool > Domain)",
		field: func(c *Config) any { return &c.UserPoolDomain },
	},
	{
		Key: Key{
			Name: "userPoolIssuer", Default: defaultUserPoolIssuer,
			Example: `"updated"`,
			Description: "The form of the user pool's token issuer, its IssuerConfiguration: original (https://cognito-idp.<region>.amazonaws.com/<pool id>) " +
				"or updated (https://issuer-cognito-idp.<region>.amazonaws.com/<pool id>). It sets the machine routes' jwt-validation issuer and key set, " +
				"and the function's TOKEN_ISSUER and key set; the function accepts the pool's other form too. A wrong one makes the load balancer refuse " +
				"every machine token. aws cognito-idp describe-user-pool --user-pool-id <id> --query UserPool.IssuerConfiguration shows yours.",
		},
		what:       "original or updated",
		field:      func(c *Config) any { return &c.UserPoolIssuer },
		setDefault: func(c *Config) { c.UserPoolIssuer = defaultUserPoolIssuer },
	},
	{
		Key: Key{
			Name: "hostedZoneId", Required: true,
			Example:     `"Z0123456789EXAMPLE0AB"`,
			Description: "ID of the existing public Route 53 hosted zone in which the stack creates the site's alias record.",
		},
		what:  "your Route 53 hosted zone's ID (Route 53 console: Hosted zones > your zone > Hosted zone ID)",
		field: func(c *Config) any { return &c.HostedZoneID },
	},
	{
		Key: Key{
			Name: "hostedZoneName", Required: true,
			Example:     `"example.com"`,
			Description: "Domain name of that hosted zone, lower case, without a trailing dot.",
		},
		what:  "your hosted zone's domain name",
		field: func(c *Config) any { return &c.HostedZoneName },
	},
	{
		Key: Key{
			Name: "recordName", Required: true,
			Example:     `"app.example.com"`,
			Description: "The site's full domain name, in the hosted zone; the site is https://<recordName>.",
		},
		what:  "the site's full domain name",
		field: func(c *Config) any { return &c.RecordName },
	},
	{
		Key: Key{
			Name: "certificateArn", Required: true,
			Example:     `"arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"`,
			Description: "ARN of the existing ACM certificate for recordName, in the account and region the stack is deployed to.",
		},
		what:  "the ARN of an ACM certificate for the site's domain name",
		field: func(c *Config) any { return &c.CertificateArn },
	},
	{
		Key: Key{
			Name: "account", Default: "certificateArn's account",
			Example:     `"123456789012"`,
			Description: "AWS account to deploy to; must be the certificate's account.",
		},
		what:  "the 12-digit account to deploy to",
		field: func(c *Config) any { return &c.AccountID },
	},
	{
		Key: Key{
			Name: "region", Default: "certificateArn's region",
			Example:     `"eu-west-1"`,
			Description: "AWS region to deploy to; must be the certificate's and the user pool's region.",
		},
		what:  "the region to deploy to",
		field: func(c *Config) any { return &c.RegionCode },
	},
	{
		Key: Key{
			Name: "availabilityZones", Default: "[<region>a, <region>b]; none with listenerArn",
			Example: `["eu-west-1a", "eu-west-1b"]`,
			Description: "At least two availability zones of the region for the load balancer, so synth never looks them up. " +
				"Set it if your region has no zone a or b.",
		},
		field: func(c *Config) any { return &c.AvailabilityZones },
		setDefault: func(c *Config) {
			if r := c.Region(); regionRe.MatchString(r) && !c.Attach() {
				c.AvailabilityZones = []string{r + "a", r + "b"}
			}
		},
	},
	{
		Key: Key{
			Name: "vpcId", Default: "none: the stack creates a VPC",
			Example:     `"vpc-0123456789abcdef0"`,
			Description: "An existing VPC for the load balancer; requires publicSubnetIds.",
		},
		what:  "an existing VPC's ID",
		field: func(c *Config) any { return &c.VpcID },
	},
	{
		Key: Key{
			Name: "publicSubnetIds", Default: "none",
			Example:     `["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]`,
			Description: "The existing VPC's public subnets, one per availability zone, in the order of availabilityZones. Required with vpcId, and only then.",
		},
		field: func(c *Config) any { return &c.PublicSubnetIDs },
	},
	{
		Key: Key{
			Name: "ipAddressType", Default: defaultIPAddressType,
			Example: `"dualstack"`,
			Description: "The load balancer's IP address type: ipv4, or dualstack for IPv4 and IPv6 (the created VPC gets an IPv6 block, " +
				"the security group admits ::/0 and the site gets an AAAA record; an existing VPC and its public subnets must already have IPv6 " +
				"CIDR blocks and a ::/0 route to an internet gateway). dualstack-without-public-ipv4 is refused: authentication needs public IPv4.",
		},
		what:       "ipv4 or dualstack",
		field:      func(c *Config) any { return &c.IPAddressType },
		setDefault: func(c *Config) { c.IPAddressType = defaultIPAddressType },
	},
	{
		Key: Key{
			Name: "listenerArn", Default: "none: the stack creates its own load balancer",
			Example: `"arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shared-alb/50dc6c495c0c9188/f2f7dc8efc522ab2"`,
			Description: "An existing Application Load Balancer's HTTPS listener, by ARN, in the stack's account and region, to attach the site to " +
				"instead of creating a load balancer. The stack then adds only its listener rules (host header recordName, priorities from rulePriorityBase), " +
				"its certificate and its alias records. Requires loadBalancerSecurityGroupId, loadBalancerDnsName, loadBalancerCanonicalHostedZoneId and " +
				"rulePriorityBase; refuses the keys of an own load balancer. See docs/shared-listener.md.",
		},
		what:  "the ARN of an Application Load Balancer's HTTPS listener",
		field: func(c *Config) any { return &c.ListenerArn },
	},
	{
		Key: Key{
			Name: "loadBalancerSecurityGroupId", Default: "none; required with listenerArn",
			Example:     `"sg-0123456789abcdef0"`,
			Description: "The security group of listenerArn's load balancer. The stack adds to it only with addCognitoEgressRule.",
		},
		what:  "the load balancer's security group ID",
		field: func(c *Config) any { return &c.LoadBalancerSecurityGroupID },
	},
	{
		Key: Key{
			Name: "loadBalancerDnsName", Default: "none; required with listenerArn",
			Example: `"shared-alb-1234567890.eu-west-1.elb.amazonaws.com"`,
			Description: "The DNS name of listenerArn's load balancer, as the console shows it (without dualstack.): the alias records' target. " +
				"Given, not looked up, so synth needs no credentials.",
		},
		what:  "the load balancer's DNS name",
		field: func(c *Config) any { return &c.LoadBalancerDNSName },
	},
	{
		Key: Key{
			Name: "loadBalancerCanonicalHostedZoneId", Default: "none; required with listenerArn",
			Example:     `"Z32O12XQLNTSW2"`,
			Description: "The canonical hosted zone ID of listenerArn's load balancer (EC2 console: Load balancers > yours > Details > Hosted zone), for the alias records.",
		},
		what:  "the load balancer's canonical hosted zone ID",
		field: func(c *Config) any { return &c.LoadBalancerCanonicalHostedZoneID },
	},
	{
		Key: Key{
			Name: "rulePriorityBase", Default: "none; required with listenerArn",
			Example: `1000`,
			Description: "The first listener rule priority the site takes on the shared listener: its routes get rulePriorityBase, +1, ... in order, " +
				"and its catch-all rule for recordName rulePriorityBase+50, whatever the number of routes, so that adding a route moves no rule. " +
				"The block of 51 must be free on the listener and end at 50000 at most.",
		},
		field: func(c *Config) any { return &c.RulePriorityBase },
	},
	{
		Key: Key{
			Name: "addCognitoEgressRule", Default: "false",
			Example: `true`,
			Description: "With listenerArn: whether the stack adds an egress rule for HTTPS (TCP 443) to 0.0.0.0/0 to loadBalancerSecurityGroupId, " +
				"which the load balancer needs to reach Cognito during sign-in. Leave it false when the group already allows that.",
		},
		field: func(c *Config) any { return &c.AddCognitoEgressRule },
	},
	{
		Key: Key{
			Name: "oauthScopes", Default: `["openid"]`,
			Example: `["openid", "email"]`,
			Description: "OAuth scopes the load balancer requests: openid (always added), email, profile, phone " +
				"or custom <resource-server-id>/<scope> scopes.",
		},
		field:      func(c *Config) any { return &c.OAuthScopes },
		setDefault: func(c *Config) { c.OAuthScopes = []string{"openid"} },
	},
	{
		Key: Key{
			Name: "identityProviders", Default: `["COGNITO"]`,
			Example:     `["COGNITO"]`,
			Description: "Identity providers users may sign in with: COGNITO (the pool's own users) and the names of the pool's federated providers.",
		},
		field:      func(c *Config) any { return &c.IdentityProviders },
		setDefault: func(c *Config) { c.IdentityProviders = []string{"COGNITO"} },
	},
	{
		Key: Key{
			Name: "authenticationRequestExtraParams", Default: "none",
			Example: `{"lang": "de", "prompt": "select_account"}`,
			Description: "Parameters the load balancer adds to its redirect to Cognito's authorize endpoint, for the default action and for every route " +
				"that does not set its own (a route's own replace these whole; {} gives a route none): identity_provider (one of identityProviders: " +
				"straight to that provider's sign-in page), idp_identifier, lang (managed login only: de, en, es, fr, id, it, ja, ko, pt-BR, zh-CN, zh-TW), " +
				"prompt (managed login only: login, select_account or consent) and login_hint. See docs/federation.md. With -c, give the JSON object as one string.",
		},
		field: func(c *Config) any { return &c.AuthenticationRequestExtraParams },
	},
	{
		Key: Key{
			Name: "loginPages", Default: defaultLoginPages,
			Example: `"managed"`,
			Description: "Which sign-in pages the user pool's domain serves: managed (managed login, ManagedLoginVersion 2) or classic (the hosted UI, " +
				"ManagedLoginVersion 1). With managed the stack gives its app client a managed login style with Cognito's default look; " +
				"without one, managed login shows \"Login pages unavailable\". aws cognito-idp describe-user-pool-domain shows your domain's ManagedLoginVersion.",
		},
		what:       "managed or classic",
		field:      func(c *Config) any { return &c.LoginPages },
		setDefault: func(c *Config) { c.LoginPages = defaultLoginPages },
	},
	{
		Key: Key{
			Name: "sessionCookieName", Default: defaultSessionCookieName + "; with listenerArn " + defaultSessionCookieName + "-<8 hex digits of recordName>",
			Example:     `"AWSELBAuthSessionCookie"`,
			Description: "Name of the load balancer's session cookie. With listenerArn the default is the site's own, so that sites sharing a listener never share a session cookie's name.",
		},
		what:       "a cookie name",
		field:      func(c *Config) any { return &c.SessionCookieName },
		setDefault: func(c *Config) { c.SessionCookieName = c.defaultSessionCookieName() },
	},
	{
		Key: Key{
			Name: "sessionTimeout", Default: "8h",
			Example:     `"8h"`,
			Description: `How long a sign-in lasts: seconds (28800 or "28800") or a Go duration ("8h", "90m"); whole seconds from 1s to 7 days.`,
		},
		field:      func(c *Config) any { return &c.SessionTimeout },
		setDefault: func(c *Config) { c.SessionTimeout = defaultSessionTimeout },
	},
	{
		Key: Key{
			Name: "idTokenValidity", Default: "1h",
			Example:     `"1h"`,
			Description: "How long the app client's ID tokens last: whole minutes from 5m to 24h, no longer than refreshTokenValidity.",
		},
		field:      func(c *Config) any { return &c.IDTokenValidity },
		setDefault: func(c *Config) { c.IDTokenValidity = defaultTokenValidity },
	},
	{
		Key: Key{
			Name: "accessTokenValidity", Default: "1h",
			Example: `"1h"`,
			Description: "How long the app client's access tokens last: whole minutes from 5m to 24h, no longer than refreshTokenValidity. " +
				"The load balancer refreshes its tokens each time the access token expires.",
		},
		field:      func(c *Config) any { return &c.AccessTokenValidity },
		setDefault: func(c *Config) { c.AccessTokenValidity = defaultTokenValidity },
	},
	{
		Key: Key{
			Name: "refreshTokenValidity", Default: "sessionTimeout + 1h",
			Example: `"720h"`,
			Description: "How long the app client's refresh tokens last: whole minutes from 60m to 3650 days (87600h), and longer than sessionTimeout, " +
				"since the load balancer keeps the session alive with it.",
		},
		field:      func(c *Config) any { return &c.RefreshTokenValidity },
		setDefault: func(c *Config) { c.RefreshTokenValidity = defaultRefreshTokenValidity(c.SessionTimeout) },
	},
	{
		Key: Key{
			Name: "onUnauthenticatedRequest", Default: defaultOnUnauthenticatedRequest,
			Example:     `"authenticate"`,
			Description: "What the load balancer does with a request that has no session: authenticate (send to the sign-in page), deny (401) or allow.",
		},
		what:       "authenticate, deny or allow",
		field:      func(c *Config) any { return &c.OnUnauthenticatedRequest },
		setDefault: func(c *Config) { c.OnUnauthenticatedRequest = defaultOnUnauthenticatedRequest },
	},
	{
		Key: Key{
			Name: "tlsPolicy", Default: defaultTLSPolicy + "; none with listenerArn",
			Example:     `"TLS13_13_PQ"`,
			Description: "The HTTPS listener's security policy, as a CDK SslPolicy name that allows TLS 1.3 (TLS13_13_PQ, TLS13_12_RES_PQ, RECOMMENDED_TLS, FIPS_TLS13_13, ...).",
		},
		what:  "a CDK SslPolicy name such as " + defaultTLSPolicy,
		field: func(c *Config) any { return &c.TLSPolicy },
		setDefault: func(c *Config) {
			if !c.Attach() {
				c.TLSPolicy = defaultTLSPolicy
			}
		},
	},
	{
		Key: Key{
			Name: "deletionProtection", Default: "true; none with listenerArn",
			Example:     `true`,
			Description: "Whether the load balancer has deletion protection. Set it to false before destroying the stack.",
		},
		field:      func(c *Config) any { return &c.DeletionProtection },
		setDefault: func(c *Config) { c.DeletionProtection = !c.Attach() },
	},
	{
		Key: Key{
			Name: "accessLogsBucket", Default: "none: the stack creates a bucket",
			Example:     `"my-alb-access-logs"`,
			Description: "An existing S3 bucket, by name, in the stack's region, for the load balancer's access logs.",
		},
		what:  "an existing S3 bucket's name",
		field: func(c *Config) any { return &c.AccessLogsBucket },
	},
	{
		Key: Key{
			Name: "accessLogsExpirationDays", Default: "90 (only when the stack creates the bucket)",
			Example:     `90`,
			Description: "Days after which the bucket the stack creates deletes access logs, 1 to 3650. Not allowed with accessLogsBucket.",
		},
		field: func(c *Config) any { return &c.AccessLogsExpirationDays },
		setDefault: func(c *Config) {
			if c.AccessLogsBucket == "" && !c.Attach() {
				c.AccessLogsExpirationDays = defaultAccessLogsExpirationDays
			}
		},
	},
	{
		Key: Key{
			Name: "logRetentionDays", Default: "30; none with targetGroupArn",
			Example:     `30`,
			Description: "Days the function's log group (and the VPC flow logs' group, when the stack creates the VPC) keeps events: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653.",
		},
		field: func(c *Config) any { return &c.LogRetentionDays },
		setDefault: func(c *Config) {
			if c.HasFunction() {
				c.LogRetentionDays = defaultLogRetentionDays
			}
		},
	},
	{
		Key: Key{
			Name: "targetGroupArn", Default: "none: the stack's Go function is the target",
			Example: `"arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/my-service/73e2d6bc24d8a067"`,
			Description: "An existing target group (ECS, EC2 or IP targets), by ARN, in the stack's account and region, that every authenticated rule forwards to. " +
				"The stack then creates no function and publishes what the app needs to verify requests in the SSM parameter identityParameterName. " +
				"With the stack's own load balancer it requires vpcId (the target group's VPC). See docs/shared-listener.md.",
		},
		what:  "the ARN of an existing target group",
		field: func(c *Config) any { return &c.TargetGroupArn },
	},
	{
		Key: Key{
			Name: "identityParameterName", Default: "/<recordName>/identity, with targetGroupArn only",
			Example: `"/app.example.com/identity"`,
			Description: "The SSM String parameter the stack writes the app's identity settings to (one flat JSON object: ALB_ARN, USER_POOL_CLIENT_ID, ...) " +
				"when targetGroupArn is set: a name starting with /, of letters, digits, _ . - and /.",
		},
		what:  "an SSM parameter name starting with /",
		field: func(c *Config) any { return &c.IdentityParameterName },
		setDefault: func(c *Config) {
			if c.TargetGroupArn != "" && c.RecordName != "" {
				c.IdentityParameterName = "/" + c.RecordName + "/identity"
			}
		},
	},
	{
		Key: Key{
			Name: "functionPackage", Default: defaultFunctionPackage + " (the identity page); none with targetGroupArn",
			Example: `"lambda/notes"`,
			Description: "The function's main package: a folder under lambda/, relative to the module root, holding a package main " +
				"(usually an http.Handler started with albhttp.Start). Put your app in its own folder and name it here; " +
				"the build and the asset hash follow it.",
		},
		what:  "a folder under lambda/ holding a package main",
		field: func(c *Config) any { return &c.FunctionPackage },
		setDefault: func(c *Config) {
			if c.HasFunction() {
				c.FunctionPackage = defaultFunctionPackage
			}
		},
	},
	{
		Key: Key{
			Name: "functionMemoryMiB", Default: "256; none with targetGroupArn",
			Example:     `256`,
			Description: "The function's memory in MiB, 128 to 10240.",
		},
		field: func(c *Config) any { return &c.FunctionMemoryMiB },
		setDefault: func(c *Config) {
			if c.HasFunction() {
				c.FunctionMemoryMiB = defaultFunctionMemoryMiB
			}
		},
	},
	{
		Key: Key{
			Name: "functionTimeoutSeconds", Default: "10; none with targetGroupArn",
			Example:     `10`,
			Description: "The function's timeout in seconds, 5 to 60: longer than the function's 3-second key fetch.",
		},
		field: func(c *Config) any { return &c.FunctionTimeoutSeconds },
		setDefault: func(c *Config) {
			if c.HasFunction() {
				c.FunctionTimeoutSeconds = defaultFunctionTimeoutSeconds
			}
		},
	},
	{
		Key: Key{
			Name: "reservedConcurrency", Default: "0: no reservation",
			Example: `25`,
			Description: "Concurrent executions reserved for the function, 1 to 1000, or 0 for none. A reservation guarantees the function " +
				"that many and caps it there, but Lambda keeps 100 of the account's concurrency unreserved, so reserving N fails to deploy " +
				"unless the account's unreserved concurrency is at least N+100 (new accounts often have less). It is shown in the Lambda console " +
				"(any function > Configuration > Concurrency: Unreserved account concurrency) and by `aws lambda get-account-settings` " +
				"(AccountLimit.UnreservedConcurrentExecutions).",
		},
		field: func(c *Config) any { return &c.ReservedConcurrency },
	},
	{
		Key: Key{
			Name: "wafEnabled", Default: "false",
			Example:     `false`,
			Description: "Whether to put an AWS WAF web ACL with AWS managed rules in front of the load balancer.",
		},
		field: func(c *Config) any { return &c.WAFEnabled },
	},
	{
		Key: Key{
			Name: "routes", Default: "none: every path gets the default action",
			Example: `[{"name": "admin", "paths": ["/admin", "/admin/*"], "groups": ["admins"]}, ` +
				`{"name": "api", "paths": ["/api/*"], "onUnauthenticatedRequest": "deny"}]`,
			Description: "Ordered path rules, first match wins, each a listener rule that authenticates and forwards: name, paths (1 to 3 load balancer " +
				"path patterns), and optionally groups (the user must be in one), scopes (the access token must carry all; requested too), " +
				"onUnauthenticatedRequest, authenticationRequestExtraParams (e.g. identity_provider) and priority; with clients (machineClients) a route is a machine route, bearer token only. " +
				"See Authorization. With -c, give the JSON array as one string.",
		},
		field: func(c *Config) any { return &c.Routes },
	},
	{
		Key: Key{
			Name: "groupClaims", Default: `["cognito:groups"]`,
			Example: `["cognito:groups", "custom:groups"]`,
			Description: "The claims whose groups routes' groups are checked against: cognito:groups (the access token's Cognito groups) and custom " +
				"attributes of the verified user claims, such as custom:groups mapped from a federated provider's groups attribute. Listing a custom " +
				"attribute alone uses it instead of cognito:groups; listing both uses them beside each other. The app client is given read and write " +
				"access to the custom attributes named, which must exist in the pool. Standard attributes are refused: users can change their own. " +
				"See docs/federation.md.",
		},
		field:      func(c *Config) any { return &c.GroupClaims },
		setDefault: func(c *Config) { c.GroupClaims = []string{groupclaim.AccessTokenClaim} },
	},
	{
		Key: Key{
			Name: "groupClaimSeparator", Default: "none: a plain string is one group",
			Example: `"comma"`,
			Description: "How a group claim's plain string value (neither a JSON array nor Cognito's bracketed [a, b] join of a multi-valued SAML " +
				"attribute, which are always read as lists) splits into groups: comma or space. Leave it unset when the provider sends one group " +
				"as a plain string, so that a group name with a space stays one group. It does not apply to cognito:groups.",
		},
		what:  "comma or space",
		field: func(c *Config) any { return &c.GroupClaimSeparator },
	},
	{
		Key: Key{
			Name: "machineClients", Default: "none",
			Example: `["nightly-report", "billing-sync"]`,
			Description: "Machine-to-machine app clients the stack creates on the pool, by name (letters, digits, hyphens): " +
				"client-credentials grant only, a secret, only the scopes of the routes that list them, no user sign-in. " +
				"Cognito bills each such client per month and per token request.",
		},
		field: func(c *Config) any { return &c.MachineClients },
	},
	{
		Key: Key{
			Name: "resourceServerId", Default: "https://<recordName> with createResourceServer, else none",
			Example: `"https://app.example.com"`,
			Description: "Identifier of the resource server whose scopes machine routes require (<resourceServerId>/<scope>): " +
				"an existing one on the pool, or the one the stack creates with createResourceServer. It is also the one aud the function " +
				"accepts in an access token that Cognito bound to a resource (RESOURCE_SERVER_ID); tokens without aud are unaffected.",
		},
		what:  "the identifier of the pool's resource server",
		field: func(c *Config) any { return &c.ResourceServerID },
		setDefault: func(c *Config) {
			if c.CreateResourceServer {
				c.ResourceServerID = c.SiteURL()
			}
		},
	},
	{
		Key: Key{
			Name: "createResourceServer", Default: "false",
			Example: `true`,
			Description: "Whether the stack creates the resource server resourceServerId on the pool, with the scopes the machine routes require. " +
				"Leave it false to use a resource server that already exists.",
		},
		field: func(c *Config) any { return &c.CreateResourceServer },
	},
	{
		Key: Key{
			Name: "machineTokenValidity", Default: "15m",
			Example: `"15m"`,
			Description: "How long a machine client's access token lasts: whole minutes from 5m to 24h. " +
				"Longer means fewer billed token requests from clients that cache their token, and a longer life for a leaked one.",
		},
		field:      func(c *Config) any { return &c.MachineTokenValidity },
		setDefault: func(c *Config) { c.MachineTokenValidity = defaultMachineTokenValidity },
	},
	{
		Key: Key{
			Name: "alarmTopicArn", Default: "none: the alarms notify no one",
			Example: `"arn:aws:sns:eu-west-1:123456789012:site-alarms"`,
			Description: "An existing SNS topic, by ARN, in the stack's partition and region, that every alarm of the stack notifies on entering ALARM " +
				"and on returning to OK. The alarms exist without it, visible on the stack's dashboard. See docs/operations.md.",
		},
		what:  "an existing SNS topic's ARN (SNS console: Topics > your topic > ARN)",
		field: func(c *Config) any { return &c.AlarmTopicArn },
	},
	{
		Key: Key{
			Name: "stackName", Default: defaultStackName,
			Example:     `"AlbCognitoSite"`,
			Description: "The CloudFormation stack's name.",
		},
		what:       "a stack name",
		field:      func(c *Config) any { return &c.StackName },
		setDefault: func(c *Config) { c.StackName = defaultStackName },
	},
}

// kind is how a key's value is decoded.
type kind int

const (
	kindString kind = iota
	kindList
	kindBool
	kindInt
	kindDuration
	kindRoutes
	kindParams
)

func (k kind) String() string {
	switch k {
	case kindList:
		return "string list"
	case kindBool:
		return "boolean"
	case kindInt:
		return "integer"
	case kindDuration:
		return "duration"
	case kindRoutes:
		return "list of objects"
	case kindParams:
		return "object of strings"
	}
	return "string"
}

func (s spec) kind() kind {
	switch s.field(new(Config)).(type) {
	case *[]string:
		return kindList
	case *bool:
		return kindBool
	case *int:
		return kindInt
	case *time.Duration:
		return kindDuration
	case *[]routes.Route:
		return kindRoutes
	case *map[string]string:
		return kindParams
	}
	return kindString
}

// cliExample is the example as it would be written after -c key=: strings
// unquoted, lists comma-separated, lists of objects as compact JSON.
func (s spec) cliExample() string {
	if s.kind() == kindRoutes || s.kind() == kindParams {
		var buf bytes.Buffer
		if json.Compact(&buf, []byte(s.Example)) == nil {
			return buf.String()
		}
	}
	var v any
	if err := json.Unmarshal([]byte(s.Example), &v); err != nil {
		return s.Example
	}
	switch x := v.(type) {
	case string:
		return x
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i], _ = e.(string)
		}
		return strings.Join(parts, ",")
	}
	return s.Example
}

// lookup returns the spec of a context key.
func lookup(name string) (spec, bool) {
	for _, s := range specs {
		if s.Name == name {
			return s, true
		}
	}
	return spec{}, false
}

// keyIndex orders problems: by the key's position in specs, unknown keys last.
// A problem inside a list of objects, routes[2].paths[0], sorts with its key.
func keyIndex(name string) int {
	if i := strings.IndexByte(name, '['); i > 0 {
		if _, ok := lookup(name[:i]); ok {
			name = name[:i]
		}
	}
	for i, s := range specs {
		if s.Name == name {
			return i
		}
	}
	return len(specs)
}
