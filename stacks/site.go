// Package stacks composes the app's stacks from validated configuration.
package stacks

import (
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
	auth.Function().AddEnvironment(jsii.String(bearer.ClientsEnvVar), stack.ToJsonString(ids, nil), nil)
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
	// The VPC construct asks the stack for its zones even when they are given,
	// which is a context lookup that needs credentials. Answer it up front with
	// the configured zones, as a cached lookup in cdk.context.json would.
	stack.Node().SetContext(jsii.String(fmt.Sprintf("availability-zones:account=%s:region=%s", cfg.Account(), cfg.Region())),
		jsii.Strings(cfg.AvailabilityZones...))

	vpc := newVpc(stack, cfg)
	fn := newFunction(stack, cfg, props.ModuleDir)

	var logs awss3.IBucket
	if cfg.AccessLogsBucket != "" {
		logs = awss3.Bucket_FromBucketName(stack, jsii.String("AccessLogsBucket"), jsii.String(cfg.AccessLogsBucket))
	}
	pool := awscognito.UserPool_FromUserPoolArn(stack, jsii.String("UserPool"), jsii.String(cfg.UserPoolArn))
	auth := albauth.New(stack, "Site", &albauth.Props{
		Vpc:                              vpc,
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
		Routes:                           cfg.RoutesWithSiteParams(),
		SSLPolicy:                        elb.SslPolicy(cfg.TLSPolicy),
		DisableDeletionProtection:        !cfg.DeletionProtection,
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
		auth.Function().AddEnvironment(jsii.String(identity.EnvResourceServerID), jsii.String(cfg.ResourceServerID), nil)
	}
	site.Monitoring = newMonitoring(stack, cfg, auth)
	return site
}

// newMonitoring adds the alarms (notifying alarmTopicArn when set), the
// dashboard and the saved log queries; docs/operations.md is their runbook.
func newMonitoring(stack awscdk.Stack, cfg config.Config, auth albauth.Auth) *monitoring.Monitoring {
	var topic awssns.ITopic
	if cfg.AlarmTopicArn != "" {
		topic = awssns.Topic_FromTopicArn(stack, jsii.String("AlarmTopic"), jsii.String(cfg.AlarmTopicArn))
	}
	m := monitoring.New(stack, "Monitoring", &monitoring.Props{
		Name:            *stack.StackName(),
		LoadBalancer:    auth.LoadBalancer(),
		Function:        auth.Function(),
		FunctionTimeout: time.Duration(cfg.FunctionTimeoutSeconds) * time.Second,
		LogGroup:        auth.Function().LogGroup(),
		Topic:           topic,
	})
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
