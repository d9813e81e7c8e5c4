package machineauth_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	elb "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/jsii-runtime-go"

	"github.com/alb-cognito/alb-cognito-cdk/constructs/machineauth"
)

// Let a nightly job call /api/reports/* with a client-credentials token from
// the pool that signs your users in: the load balancer validates the token
// before the request reaches the target group.
func Example() {
	var stack awscdk.Stack                  // your stack
	var listener elb.IApplicationListener   // its HTTPS listener
	var targets elb.IApplicationTargetGroup // where valid requests go
	pool := awscognito.UserPool_FromUserPoolArn(stack, jsii.String("Pool"),
		jsii.String("arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Example1"))

	m := machineauth.New(stack, "Machine", &machineauth.Props{
		Listener:             listener,
		UserPool:             pool,
		ResourceServerID:     "https://app.example.com",
		CreateResourceServer: true,
		Clients:              []string{"nightly-report"},
		Routes: []machineauth.Route{{
			Name: "reports", Priority: 10, Paths: []string{"/api/reports/*"},
			Scopes: []string{"https://app.example.com/reports.read"}, Clients: []string{"nightly-report"},
			TargetGroup: targets,
		}},
	})
	awscdk.NewCfnOutput(stack, jsii.String("NightlyReportClientId"), &awscdk.CfnOutputProps{
		Value: m.Client("nightly-report").UserPoolClientId(),
	})
}
