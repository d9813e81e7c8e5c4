package albauth_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/alb-cognito/alb-cognito-cdk/constructs/albauth"
)

// TestNewNeedsARegion: a stack without a region (no StackProps.Env) is refused
// up front with a message that says what to set, not deep inside the CDK.
func TestNewNeedsARegion(t *testing.T) {
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	stack := awscdk.NewStack(app, jsii.String("NoRegion"), nil)
	vpc := awsec2.Vpc_FromVpcAttributes(stack, jsii.String("Vpc"), &awsec2.VpcAttributes{
		VpcId:             jsii.String("vpc-0123456789abcdef0"),
		AvailabilityZones: jsii.Strings("eu-west-1a", "eu-west-1b"),
		PublicSubnetIds:   jsii.Strings("subnet-0123456789abcdef0", "subnet-0fedcba9876543210"),
	})
	fn := awslambda.NewFunction(stack, jsii.String("Function"), &awslambda.FunctionProps{
		Runtime: awslambda.Runtime_PYTHON_3_13(),
		Handler: jsii.String("index.handler"),
		Code:    awslambda.Code_FromInline(jsii.String("def handler(event, context): pass")),
	})
	props := &albauth.Props{
		Vpc: vpc,
		Certificate: awscertificatemanager.Certificate_FromCertificateArn(stack, jsii.String("Certificate"),
			jsii.String("arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555")),
		UserPool: awscognito.UserPool_FromUserPoolArn(stack, jsii.String("Pool"),
			jsii.String("arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Example1")),
		UserPoolDomain: "example-app",
		DomainName:     "app.example.com",
		Function:       fn,
	}
	msg := func() (msg string) {
		defer func() { msg = fmt.Sprint(recover()) }()
		albauth.New(stack, "Site", props)
		return "no panic"
	}()
	for _, want := range []string{"albauth Site: stack NoRegion has no region", "StackProps.Env"} {
		if !strings.Contains(msg, want) {
			t.Errorf("New in a stack without a region: panic %q does not contain %q", msg, want)
		}
	}
	if n := len(*stack.Node().Children()); n != 4 {
		t.Errorf("the refused construct left %d children in the stack, want the 4 the test made", n)
	}
}
