// Package stacks composes the app's stacks from validated configuration.
package stacks

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	elb "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsssm"
	golambda "github.com/aws/aws-cdk-go/awscdklambdagoalpha/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/alb-cognito/alb-cognito-cdk/config"
	"github.com/alb-cognito/alb-cognito-cdk/constructs/albauth"
	"github.com/alb-cognito/alb-cognito-cdk/constructs/machineauth"
	"github.com/alb-cognito/alb-cognito-cdk/constructs/monitoring"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/bearer"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
)

// FunctionRoot holds the function's main package (config key
// functionPackage) and every package of this module it may import (besides
// modules from go.sum). The asset hash covers the packages the function
// imports from it (sourceHash), not the whole folder.
const FunctionRoot = config.FunctionRoot

// HeadWarning is the ID of the synth warning for a route that takes GET
// but not HEAD (routes.Route.HeadFallsThrough); acknowledge it with
// awscdk.Annotations_Of(stack).AcknowledgeWarning where that is meant.
const HeadWarning = "alb-cognito:routeGetWithoutHead"

// buildFlags are the go build flags for the function: reproducible paths and
// no symbol tables or debug info, for a small binary.
var buildFlags = []string{"-trimpath", `-ldflags="-s -w"`}

// SiteProps configures the site stack.
type SiteProps struct {
	awscdk.StackProps
	// Config is the validated configuration; the stack's environment comes from it.
	Config config.Config
	// ModuleDir is the directory holding go.mod and the function's source.
	// Default: found from this package's source location.
	ModuleDir string
}

// Site is the stack: the load balancer, its Cognito login and the function.
type Site struct {
	awscdk.Stack
	// Auth is the load balancer, listener, client and target wiring.
	Auth albauth.Auth
	// Machine is the machine clients and their bearer-token rules; nil when
	// the route table has no machine route.
	Machine machineauth.Machine
	// Monitoring is the alarms, the dashboard and the saved log queries.
	Monitoring *monitoring.Monitoring
	// IdentityParameter is the SSM parameter holding the app's identity
	// settings; nil unless the target is an existing target group.
	IdentityParameter awsssm.StringParameter
}

// newMachine adds the machine routes' listener rules, the machine clients and
// (when configured) the resource server, the outputs a caller needs (token
// endpoint, client ids; never a secret), and gives the function the clients'
// ids by name. It returns nil when no route is a machine route.
func newMachine(stack awscdk.Stack, cfg config.Config, pool awscognito.IUserPool, auth albauth.Auth) machineauth.Machine {
	table := cfg.RouteTable()
	machineRoutes := table.Machine()
	if len(machineRoutes) == 0 {
		return nil
	}
	rs := make([]machineauth.Route, len(machineRoutes))
	for i, r := range machineRoutes {
		rs[i] = machineauth.Route{Name: r.Name, Priority: r.Priority, Paths: r.Paths, Methods: r.Methods, Scopes: r.Scopes, Clients: r.Clients,
			TargetGroup: auth.PolicyTargetGroup(r.Policy().ID())}
	}
	m := machineauth.New(stack, "Machine", &machineauth.Props{
		Listener:             auth.Listener(),
		HostHeader:           auth.HostHeader(),
		UserPool:             pool,
		UserPoolIssuer:       cfg.IssuerForm(),
		ResourceServerID:     cfg.ResourceServerID,
		CreateResourceServer: cfg.CreateResourceServer,
		Clients:              cfg.MachineClients,
		TokenValidity:        cfg.MachineTokenValidity,
		Routes:               rs,
	})
	output(stack, "TokenEndpoint", cfg.TokenEndpoint(), "The user pool's OAuth token endpoint, where machine clients get access tokens (client-credentials grant)")
	ids := map[string]any{}
	for _, name := range cfg.MachineClients {
		id := m.Client(name).UserPoolClientId()
		ids[name] = id
		awscdk.NewCfnOutput(stack, jsii.String(config.MachineClientOutputID(name)), &awscdk.CfnOutputProps{
			Value: id,
			Description: jsii.String("Client id of machine client " + name + "; its secret is not an output: " +
				"aws cognito-idp describe-user-pool-client --user-pool-id " + cfg.UserPoolID() + " --client-id <id> --query UserPoolClient.ClientSecret --output text"),
		})
	}
	auth.SetSetting(bearer.ClientsEnvVar, stack.ToJsonString(ids, nil))
	// A scope of the created resource server granted to the site's client
	// (asked by oauthScopes or a sign-in route) must exist before the client.
	if server := m.ResourceServer(); server != nil {
		for _, s := range cfg.ClientScopes() {
			if strings.HasPrefix(s, cfg.ResourceServerID+"/") {
				auth.Client().Node().AddDependency(server)
				break
			}
		}
	}
	return m
}

// NewSite builds the site stack. Config must already be validated.
func NewSite(scope constructs.Construct, id string, props *SiteProps) *Site {
	cfg := props.Config
	sp := props.StackProps
	sp.Env = &awscdk.Environment{Account: jsii.String(cfg.Account()), Region: jsii.String(cfg.Region())}
	if sp.Description == nil {
		sp.Description = jsii.String("Web app behind an Application Load Balancer with Amazon Cognito login and a Go Lambda target")
	}
	stack := awscdk.NewStack(scope, jsii.String(id), &sp)

	var vpc awsec2.IVpc
	var existing *albauth.ExistingListener
	if cfg.Attach() {
		existing = &albauth.ExistingListener{
			ListenerArn:           cfg.ListenerArn,
			SecurityGroupID:       cfg.LoadBalancerSecurityGroupID,
			DNSName:               cfg.LoadBalancerDNSName,
			CanonicalHostedZoneID: cfg.LoadBalancerCanonicalHostedZoneID,
			CatchAllPriority:      cfg.CatchAllPriority(),
			AddCognitoEgressRule:  cfg.AddCognitoEgressRule,
		}
	} else {
		// The VPC construct asks the stack for its zones even when they are given,
		// which is a context lookup that needs credentials. Answer it up front with
		// the configured zones, as a cached lookup in cdk.context.json would.
		stack.Node().SetContext(jsii.String(fmt.Sprintf("availability-zones:account=%s:region=%s", cfg.Account(), cfg.Region())),
			jsii.Strings(cfg.AvailabilityZones...))
		vpc = newVpc(stack, cfg)
	}
	var fn awslambda.Function
	if cfg.HasFunction() {
		fn = newFunction(stack, cfg, props.ModuleDir)
	}

	var logs awss3.IBucket
	if cfg.AccessLogsBucket != "" {
		logs = awss3.Bucket_FromBucketName(stack, jsii.String("AccessLogsBucket"), jsii.String(cfg.AccessLogsBucket))
	}
	pool := awscognito.UserPool_FromUserPoolArn(stack, jsii.String("UserPool"), jsii.String(cfg.UserPoolArn))
	auth := albauth.New(stack, "Site", &albauth.Props{
		Vpc:                              vpc,
		Existing:                         existing,
		TargetGroupArn:                   cfg.TargetGroupArn,
		Certificate:                      awscertificatemanager.Certificate_FromCertificateArn(stack, jsii.String("Certificate"), jsii.String(cfg.CertificateArn)),
		UserPool:                         pool,
		UserPoolDomain:                   cfg.UserPoolDomain,
		UserPoolDomainHost:               cfg.UserPoolDomainHost(),
		UserPoolIssuer:                   cfg.IssuerForm(),
		DomainName:                       cfg.RecordName,
		HostedZone:                       awsroute53.HostedZone_FromHostedZoneAttributes(stack, jsii.String("HostedZone"), &awsroute53.HostedZoneAttributes{HostedZoneId: jsii.String(cfg.HostedZoneID), ZoneName: jsii.String(cfg.HostedZoneName)}),
		Function:                         fn,
		Scopes:                           cfg.OAuthScopes,
		IdentityProviders:                cfg.IdentityProviders,
		SessionCookieName:                cfg.SessionCookieName,
		SessionTimeout:                   cfg.SessionTimeout,
		IDTokenValidity:                  cfg.IDTokenValidity,
		AccessTokenValidity:              cfg.AccessTokenValidity,
		RefreshTokenValidity:             cfg.RefreshTokenValidity,
		ClassicHostedUI:                  !cfg.ManagedLogin(),
		OnUnauthenticatedRequest:         cfg.OnUnauthenticatedRequest,
		Routes:                           cfg.ListenerRoutes(),
		SSLPolicy:                        elb.SslPolicy(cfg.TLSPolicy),
		DisableDeletionProtection:        !cfg.DeletionProtection && !cfg.Attach(),
		AccessLogsBucket:                 logs,
		AccessLogsExpiry:                 time.Duration(cfg.AccessLogsExpirationDays) * 24 * time.Hour,
		WAF:                              cfg.WAFEnabled,
		DualStack:                        cfg.IPAddressType == "dualstack",
		GroupClaims:                      cfg.GroupClaimConfig(),
		AuthenticationRequestExtraParams: cfg.AuthenticationRequestExtraParams,
	})

	output(stack, "SiteUrl", auth.URL(), "The site's address")
	output(stack, "LoadBalancerDnsName", *auth.LoadBalancer().LoadBalancerDnsName(), "The load balancer's DNS name")
	output(stack, "UserPoolClientId", *auth.Client().UserPoolClientId(), "The user pool client the load balancer signs users in with")
	output(stack, "CallbackUrl", auth.CallbackURL(), "The client's OAuth callback URL")
	site := &Site{Stack: stack, Auth: auth}
	site.Machine = newMachine(stack, cfg, pool, auth)
	if cfg.ResourceServerID != "" {
		// The one audience an access token bound to a resource may name.
		auth.SetSetting(identity.EnvResourceServerID, jsii.String(cfg.ResourceServerID))
	}
	if cfg.Attach() {
		first, last := cfg.RulePriorities()
		rng := fmt.Sprintf("%d-%d", first, last)
		output(stack, "ListenerRulePriorities", rng, fmt.Sprintf("The listener rule priorities the site takes on the shared listener: "+
			"%d route rule(s) from %d, then the catch-all rule for %s at %d", len(cfg.Routes), first, cfg.RecordName, last))
		awscdk.Annotations_Of(stack).AddInfo(jsii.String(fmt.Sprintf("Listener rules of %s on the shared listener: priorities %s "+
			"(routes from %d, catch-all %d); they must be free on %s", cfg.RecordName, rng, first, last, cfg.ListenerArn)))
	}
	for _, r := range cfg.RouteTable().Routes {
		if r.HeadFallsThrough() {
			awscdk.Annotations_Of(stack).AddWarningV2(jsii.String(HeadWarning), jsii.String(fmt.Sprintf("Route %s takes GET but not HEAD: "+
				"a HEAD request on its paths gets the checks of a later rule (or the default action), while Go's ServeMux and most routers "+
				"answer HEAD with the GET handler; add HEAD to its methods", r.Name)))
		}
	}
	if !cfg.HasFunction() {
		site.IdentityParameter = publishSettings(stack, cfg, auth)
	}
	site.Monitoring = newMonitoring(stack, cfg, auth)
	return site
}

// publishSettings writes the settings the app behind targetGroupArn needs
// to verify requests (auth.Settings, the same map that is a function's
// environment) to one SSM String parameter as a flat JSON object, and
// outputs them one by one. It runs last, after every SetSetting.
func publishSettings(stack awscdk.Stack, cfg config.Config, auth albauth.Auth) awsssm.StringParameter {
	settings := auth.Settings()
	bound := SettingsBound(settings, func(v *string) bool { return *awscdk.Token_IsUnresolved(v) }, len(cfg.MachineClients))
	tier, err := IdentityParameterTier(bound)
	if err != nil {
		panic(fmt.Sprintf("stacks: %v", err))
	}
	if tier != awsssm.ParameterTier_STANDARD {
		awscdk.Annotations_Of(stack).AddInfo(jsii.String(fmt.Sprintf("The identity parameter %s may hold up to %d bytes, more than the %d of a "+
			"standard parameter: it is Intelligent-Tiering, which stores it as an advanced parameter (charged) only if it is larger",
			cfg.IdentityParameterName, bound, StandardParameterBytes)))
	}
	param := awsssm.NewStringParameter(stack, jsii.String("IdentityParameter"), &awsssm.StringParameterProps{
		ParameterName: jsii.String(cfg.IdentityParameterName),
		StringValue:   stack.ToJsonString(settings, nil),
		Tier:          tier,
		Description:   jsii.String("Identity settings of " + cfg.SiteURL() + " for the app behind its target group (lambda/identity environment variable names)"),
	})
	output(stack, "IdentityParameterName", cfg.IdentityParameterName, "The SSM parameter holding the app's identity settings as JSON; the role that reads it (an ECS task execution role for secrets valueFrom) needs ssm:GetParameter(s) on IdentityParameterArn")
	output(stack, "IdentityParameterArn", *param.ParameterArn(), "The ARN of that parameter, for the app's role (ssm:GetParameter)")
	output(stack, "LoadBalancerArn", *settings[identity.EnvALBARN], "The load balancer's ARN, the signer of x-amzn-oidc-data ("+identity.EnvALBARN+")")
	output(stack, "TokenIssuer", *settings[identity.EnvIssuer], "The user pool's token issuer ("+identity.EnvIssuer+")")
	output(stack, "JwksUrl", *auth.JWKSURL(), "The user pool's key set, for access tokens")
	output(stack, "UserPoolDomainHost", *settings[identity.EnvUserPoolDomain], "The user pool's domain host, for sign-out ("+identity.EnvUserPoolDomain+")")
	output(stack, "SessionCookieName", *settings[identity.EnvSessionCookieName], "The load balancer's session cookie of the default action ("+identity.EnvSessionCookieName+")")
	return param
}

// StandardParameterBytes is the largest value of a standard SSM parameter;
// an advanced one holds AdvancedParameterBytes ("Standard: 4 KB, Advanced:
// 8 KB", Systems Manager's parameter tiers).
const (
	StandardParameterBytes = 4096
	AdvancedParameterBytes = 8192
)

// IdentityParameterTier is the tier of an identity parameter of at most n
// bytes: Standard when it fits one, else Intelligent-Tiering, which
// Parameter Store makes advanced only when the value needs it; an error
// beyond an advanced parameter.
func IdentityParameterTier(n int) (awsssm.ParameterTier, error) {
	switch {
	case n <= StandardParameterBytes:
		return awsssm.ParameterTier_STANDARD, nil
	case n <= AdvancedParameterBytes:
		return awsssm.ParameterTier_INTELLIGENT_TIERING, nil
	}
	return "", fmt.Errorf("the identity parameter may hold up to %d bytes, more than the %d of an advanced SSM parameter; use fewer or shorter routes", n, AdvancedParameterBytes)
}

// Upper bounds of the settings' values that are unknown until deploy
// (tokens): an app client ID has at most 128 characters (Cognito), a load
// balancer ARN at most 32 for the name, 16 for the ID and the rest of
// arn:aws-us-gov:elasticloadbalancing:us-gov-west-1:<account>:loadbalancer/app/.
const (
	tokenBound         = 256
	clientIDBound      = 128
	machineClientBound = 64 + clientIDBound + 6 // "name":"id", with a name of at most 64
)

// SettingsBound is an upper bound of the settings' size as a JSON object:
// known values as they are, each unresolved value (isToken) at its bound,
// the machine clients' object at machineClients clients.
func SettingsBound(settings map[string]*string, isToken func(*string) bool, machineClients int) int {
	plain := make(map[string]string, len(settings))
	for k, v := range settings {
		switch {
		case !isToken(v):
			plain[k] = *v
		case k == identity.EnvClientID:
			plain[k] = strings.Repeat("x", clientIDBound)
		case k == identity.EnvMachineClients:
			plain[k] = strings.Repeat("x", 2+machineClients*(machineClientBound+1))
		default:
			plain[k] = strings.Repeat("x", tokenBound)
		}
	}
	b, err := json.Marshal(plain)
	if err != nil {
		panic(fmt.Sprintf("stacks: settings do not encode: %v", err))
	}
	return len(b)
}

// newMonitoring adds the alarms (notifying alarmTopicArn when set), the
// dashboard and the saved log queries; docs/operations.md is their runbook.
func newMonitoring(stack awscdk.Stack, cfg config.Config, auth albauth.Auth) *monitoring.Monitoring {
	var topic awssns.ITopic
	if cfg.AlarmTopicArn != "" {
		topic = awssns.Topic_FromTopicArn(stack, jsii.String("AlarmTopic"), jsii.String(cfg.AlarmTopicArn))
	}
	p := &monitoring.Props{
		Name:         *stack.StackName(),
		LoadBalancer: auth.LoadBalancer(),
		Topic:        topic,
	}
	if fn := auth.Function(); fn != nil {
		p.Function, p.FunctionTimeout, p.LogGroup = fn, time.Duration(cfg.FunctionTimeoutSeconds)*time.Second, fn.LogGroup()
	}
	m := monitoring.New(stack, "Monitoring", p)
	output(stack, "DashboardName", *m.Dashboard.DashboardName(),
		"The site's CloudWatch dashboard (CloudWatch console > Dashboards): alarms, sign-ins, refusals, latency, errors")
	return m
}

func output(stack awscdk.Stack, id, value, description string) {
	awscdk.NewCfnOutput(stack, jsii.String(id), &awscdk.CfnOutputProps{Value: jsii.String(value), Description: jsii.String(description)})
}

// newVpc imports the configured VPC or creates a minimal one: public subnets in
// the configured availability zones and no NAT gateways, since the Lambda target
// runs outside any VPC. Naming the zones keeps synth free of AZ lookups.
func newVpc(stack awscdk.Stack, cfg config.Config) awsec2.IVpc {
	if cfg.VpcID != "" {
		vpc := awsec2.Vpc_FromVpcAttributes(stack, jsii.String("Vpc"), &awsec2.VpcAttributes{
			VpcId:             jsii.String(cfg.VpcID),
			AvailabilityZones: jsii.Strings(cfg.AvailabilityZones...),
			PublicSubnetIds:   jsii.Strings(cfg.PublicSubnetIDs...),
		})
		awscdk.Annotations_Of(vpc).AcknowledgeWarning(jsii.String("@aws-cdk/aws-ec2:noSubnetRouteTableId"),
			jsii.String("Nothing in the stack reads the imported subnets' route tables: the load balancer needs only the subnet IDs"))
		return vpc
	}
	ipProtocol := awsec2.IpProtocol_IPV4_ONLY
	if cfg.IPAddressType == "dualstack" {
		// An Amazon-provided /56, a /64 per subnet and a ::/0 route to the
		// internet gateway, for the dualstack load balancer.
		ipProtocol = awsec2.IpProtocol_DUAL_STACK
	}
	vpc := awsec2.NewVpc(stack, jsii.String("Vpc"), &awsec2.VpcProps{
		IpAddresses:       awsec2.IpAddresses_Cidr(jsii.String("10.0.0.0/24")),
		IpProtocol:        ipProtocol,
		AvailabilityZones: jsii.Strings(cfg.AvailabilityZones...),
		NatGateways:       jsii.Number(0),
		SubnetConfiguration: &[]*awsec2.SubnetConfiguration{{
			Name:       jsii.String("Public"),
			SubnetType: awsec2.SubnetType_PUBLIC,
			CidrMask:   jsii.Number(27),
		}},
		RestrictDefaultSecurityGroup: jsii.Bool(false),
	})
	awscdk.Validations_Of(vpc).Acknowledge(&awscdk.Acknowledgment{
		Id:     jsii.String("CloudFormation-Validate::W3010"),
		Reason: jsii.String("The zones are named on purpose (config key availabilityZones) so that synth needs no AZ lookup and no credentials"),
	})
	// Flow logs of rejected traffic only: accepted connections are all HTTP(S)
	// to the load balancer and already in its access logs; rejected ones are the
	// probes a security review wants to see, at a fraction of the volume.
	flowLogs := awslogs.NewLogGroup(stack, jsii.String("FlowLogs"), &awslogs.LogGroupProps{
		Retention:     retention(cfg.LogRetentionDays),
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	vpc.AddFlowLog(jsii.String("FlowLog"), &awsec2.FlowLogOptions{
		Destination: awsec2.FlowLogDestination_ToCloudWatchLogs(flowLogs, nil),
		TrafficType: awsec2.FlowLogTrafficType_REJECT,
	})
	return vpc
}

// newFunction builds the Go function with a role that may only write to its
// own log group, which the stack creates with a retention period and keeps.
func newFunction(stack awscdk.Stack, cfg config.Config, moduleDir string) awslambda.Function {
	if moduleDir == "" {
		moduleDir = ModuleDir()
	}
	logGroup := awslogs.NewLogGroup(stack, jsii.String("FunctionLogs"), &awslogs.LogGroupProps{
		Retention:     retention(cfg.LogRetentionDays),
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	role := awsiam.NewRole(stack, jsii.String("FunctionRole"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String("Runs the site function: writes its own logs, nothing else"),
	})
	logGroup.GrantWrite(role)

	// siteapp reports this as a configuration problem before any stack is
	// built; a stack built directly fails here, before the Go build would.
	if err := cfg.CheckFunctionPackage(moduleDir); err != nil {
		panic(fmt.Sprintf("stacks: %v", err))
	}
	fn := golambda.NewGoFunction(stack, jsii.String("Function"), &golambda.GoFunctionProps{
		Entry:                        jsii.String(filepath.Join(moduleDir, filepath.FromSlash(cfg.FunctionPackage))),
		ModuleDir:                    jsii.String(filepath.Join(moduleDir, "go.mod")),
		Runtime:                      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture:                 awslambda.Architecture_ARM_64(),
		MemorySize:                   jsii.Number(float64(cfg.FunctionMemoryMiB)),
		Timeout:                      awscdk.Duration_Seconds(jsii.Number(float64(cfg.FunctionTimeoutSeconds))),
		ReservedConcurrentExecutions: reservedConcurrency(cfg.ReservedConcurrency),
		Role:                         role,
		LogGroup:                     logGroup,
		LoggingFormat:                awslambda.LoggingFormat_JSON,
		Description:                  jsii.String("Answers requests the load balancer has authenticated; verifies the signed user claims first"),
		Bundling: &golambda.BundlingOptions{
			GoBuildFlags: jsii.Strings(buildFlags...),
			// A hash of the build's inputs: synth skips the build when cdk.out
			// already holds this asset, and the template changes exactly when
			// the function's code or dependencies do.
			AssetHash:     jsii.String(sourceHash(moduleDir, cfg.FunctionPackage)),
			AssetHashType: awscdk.AssetHashType_CUSTOM,
		},
	})
	awscdk.Annotations_Of(stack).AcknowledgeWarning(jsii.String("@aws-cdk/aws-lambda-go-alpha:goBuildFlagsSecurityWarning"),
		jsii.String("The build flags are constants in this file, not user input"))
	return fn
}

// reservedConcurrency is the function's reservation: none (nil) for 0, since
// Lambda's own 0 would stop the function.
func reservedConcurrency(n int) *float64 {
	if n == 0 {
		return nil
	}
	return jsii.Number(float64(n))
}

// ModuleDir finds the directory holding this project's go.mod: first from this
// source file's location, then upwards from the working directory.
func ModuleDir() string {
	var starts []string
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		starts = append(starts, filepath.Dir(file))
	}
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	for _, dir := range starts {
		for d := dir; ; d = filepath.Dir(d) {
			if fi, err := os.Stat(filepath.Join(d, FunctionRoot)); err == nil && fi.IsDir() {
				if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
					return d
				}
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	panic(fmt.Sprintf("stacks: cannot find the module directory holding go.mod and %s/; set SiteProps.ModuleDir", FunctionRoot))
}

// retentionDays maps CloudWatch Logs' allowed retention periods, in days, to the
// CDK's names for them. The config package accepts only these numbers.
var retentionDays = map[int]awslogs.RetentionDays{
	1: awslogs.RetentionDays_ONE_DAY, 3: awslogs.RetentionDays_THREE_DAYS, 5: awslogs.RetentionDays_FIVE_DAYS,
	7: awslogs.RetentionDays_ONE_WEEK, 14: awslogs.RetentionDays_TWO_WEEKS, 30: awslogs.RetentionDays_ONE_MONTH,
	60: awslogs.RetentionDays_TWO_MONTHS, 90: awslogs.RetentionDays_THREE_MONTHS, 120: awslogs.RetentionDays_FOUR_MONTHS,
	150: awslogs.RetentionDays_FIVE_MONTHS, 180: awslogs.RetentionDays_SIX_MONTHS, 365: awslogs.RetentionDays_ONE_YEAR,
	400: awslogs.RetentionDays_THIRTEEN_MONTHS, 545: awslogs.RetentionDays_EIGHTEEN_MONTHS, 731: awslogs.RetentionDays_TWO_YEARS,
	1096: awslogs.RetentionDays_THREE_YEARS, 1827: awslogs.RetentionDays_FIVE_YEARS, 2192: awslogs.RetentionDays_SIX_YEARS,
	2557: awslogs.RetentionDays_SEVEN_YEARS, 2922: awslogs.RetentionDays_EIGHT_YEARS, 3288: awslogs.RetentionDays_NINE_YEARS,
	3653: awslogs.RetentionDays_TEN_YEARS,
}

func retention(days int) awslogs.RetentionDays {
	r, ok := retentionDays[days]
	if !ok {
		panic(fmt.Sprintf("stacks: %d is not a CloudWatch Logs retention period", days))
	}
	return r
}
