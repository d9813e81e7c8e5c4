// Command consumer is a CDK app of its own that uses this repository's
// construct, constructs/albauth, as another project would: its go.mod points
// at the repository with a replace directive (../..). It creates a VPC and a
// Go function (the folder function/) and puts the function behind the load
// balancer with Cognito sign-in, on an existing user pool, certificate and
// hosted zone that it imports.
//
// Run it with the CDK CLI from this folder (npx cdk synth, with the CLI from
// the repository's node_modules on PATH) or test it with go test.
// cdk.context.json holds the availability zones of the stack's account and
// region, which NewVpc asks the CDK for: without them synth would need AWS
// credentials to look them up.
package main

import (
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	golambda "github.com/aws/aws-cdk-go/awscdklambdagoalpha/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/alb-cognito/alb-cognito-cdk/constructs/albauth"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// The existing resources this app puts its site on: replace them with yours.
const (
	account        = "123456789012"
	region         = "eu-west-1"
	userPoolArn    = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Example1"
	userPoolDomain = "example-app"
	certificateArn = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
	hostedZoneID   = "Z0123456789EXAMPLE0AB"
	hostedZoneName = "example.com"
	domainName     = "consumer.example.com"
)

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	newStack(app, "Consumer", ".")
	app.Synth(nil)
}

// newStack builds the consumer's stack; dir is this folder (go.mod and
// function/ are found from it).
func newStack(scope constructs.Construct, id, dir string) (awscdk.Stack, albauth.Auth) {
	stack := awscdk.NewStack(scope, jsii.String(id), &awscdk.StackProps{
		// albauth needs a region; the account makes NewVpc read the zones
		// from the availability-zones context (cdk.context.json).
		Env: &awscdk.Environment{Account: jsii.String(account), Region: jsii.String(region)},
	})

	vpc := awsec2.NewVpc(stack, jsii.String("Vpc"), &awsec2.VpcProps{
		MaxAzs:      jsii.Number(2),
		NatGateways: jsii.Number(0),
		SubnetConfiguration: &[]*awsec2.SubnetConfiguration{{
			Name:       jsii.String("Public"),
			SubnetType: awsec2.SubnetType_PUBLIC,
			CidrMask:   jsii.Number(24),
		}},
	})
	// The zones are the account's, from cdk.context.json; CloudFormation's
	// linter warns of any named zone.
	awscdk.Validations_Of(vpc).Acknowledge(&awscdk.Acknowledgment{
		Id:     jsii.String("CloudFormation-Validate::W3010"),
		Reason: jsii.String("The zones come from the availability-zones context (cdk.context.json), so synth needs no credentials"),
	})

	// function/ is a Go main package of this module; GoFunction builds it
	// for arm64 at synth (go build, or Docker when Go is not installed).
	fn := golambda.NewGoFunction(stack, jsii.String("Function"), &golambda.GoFunctionProps{
		Entry:        jsii.String(filepath.Join(dir, "function")),
		ModuleDir:    jsii.String(filepath.Join(dir, "go.mod")),
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture: awslambda.Architecture_ARM_64(),
	})

	auth := albauth.New(stack, "Site", &albauth.Props{
		Vpc: vpc,
		Certificate: awscertificatemanager.Certificate_FromCertificateArn(stack, jsii.String("Certificate"),
			jsii.String(certificateArn)),
		UserPool:       awscognito.UserPool_FromUserPoolArn(stack, jsii.String("Pool"), jsii.String(userPoolArn)),
		UserPoolDomain: userPoolDomain,
		DomainName:     domainName,
		HostedZone: awsroute53.HostedZone_FromHostedZoneAttributes(stack, jsii.String("Zone"), &awsroute53.HostedZoneAttributes{
			HostedZoneId: jsii.String(hostedZoneID),
			ZoneName:     jsii.String(hostedZoneName),
		}),
		Function: fn,
		// Paths under /admin get a listener rule of their own; the function
		// finds the same table in ROUTE_TABLE and lets only the group in.
		Routes: []routes.Route{{Name: "admin", Paths: []string{"/admin", "/admin/*"}, Groups: []string{"admins"}}},
		// A sample: let `cdk destroy` remove it.
		DisableDeletionProtection: true,
	})
	awscdk.NewCfnOutput(stack, jsii.String("Url"), &awscdk.CfnOutputProps{Value: jsii.String(auth.URL())})
	return stack, auth
}
