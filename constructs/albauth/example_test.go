package albauth_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/jsii-runtime-go"

	"github.com/alb-cognito/alb-cognito-cdk/constructs/albauth"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// Put your own function behind Cognito login on existing resources. The
// function receives ALB_ARN, USER_POOL_CLIENT_ID and TOKEN_ISSUER, which the
// lambda/albjwt package uses to verify the load balancer's signed user claims,
// and the route table in ROUTE_TABLE.
func Example() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Site"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("eu-west-1")},
	})
	vpc := awsec2.Vpc_FromVpcAttributes(stack, jsii.String("Vpc"), &awsec2.VpcAttributes{
		VpcId:             jsii.String("vpc-0123456789abcdef0"),
		AvailabilityZones: jsii.Strings("eu-west-1a", "eu-west-1b"),
		PublicSubnetIds:   jsii.Strings("subnet-0123456789abcdef0", "subnet-0fedcba9876543210"),
	})
	fn := awslambda.NewFunction(stack, jsii.String("Function"), &awslambda.FunctionProps{
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture: awslambda.Architecture_ARM_64(),
		Handler:      jsii.String("bootstrap"),
		Code:         awslambda.Code_FromAsset(jsii.String("build/function"), nil),
	})

	auth := albauth.New(stack, "Site", &albauth.Props{
		Vpc: vpc,
		Certificate: awscertificatemanager.Certificate_FromCertificateArn(stack, jsii.String("Certificate"),
			jsii.String("arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555")),
		UserPool: awscognito.UserPool_FromUserPoolArn(stack, jsii.String("Pool"),
			jsii.String("arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Example1")),
		UserPoolDomain: "example-app",
		DomainName:     "app.example.com",
		HostedZone: awsroute53.HostedZone_FromHostedZoneAttributes(stack, jsii.String("Zone"), &awsroute53.HostedZoneAttributes{
			HostedZoneId: jsii.String("Z0123456789EXAMPLE0AB"),
			ZoneName:     jsii.String("example.com"),
		}),
		Function: fn,
		Scopes:   []string{"email"},
		// Paths under /admin get a listener rule of their own; the function
		// finds the same table in ROUTE_TABLE (lambda/routes) and lets only
		// members of the Cognito group admins in.
		Routes: []routes.Route{{Name: "admin", Paths: []string{"/admin", "/admin/*"}, Groups: []string{"admins"}}},
	})
	awscdk.NewCfnOutput(stack, jsii.String("Url"), &awscdk.CfnOutputProps{Value: jsii.String(auth.URL())})
	app.Synth(nil)
}
