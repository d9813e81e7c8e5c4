// Command alb-cognito-cdk is the CDK app: an Application Load Balancer that signs
// users in with an existing Amazon Cognito user pool before a Go Lambda function
// answers. Run it through the CDK CLI (make synth, make deploy); its
// configuration comes from cdk.json's context and -c key=value flags.
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/alb-cognito/alb-cognito-cdk/internal/siteapp"
	"github.com/alb-cognito/alb-cognito-cdk/version"
)

func main() {
	app := awscdk.NewApp(nil)
	_, err := siteapp.Build(app, siteapp.Options{DefaultAccount: os.Getenv("CDK_DEFAULT_ACCOUNT")})
	if err != nil {
		outdir := *app.Outdir()
		jsii.Close()
		stale := ""
		if removed := siteapp.RemoveStaleAssembly(outdir); len(removed) > 0 {
			stale = fmt.Sprintf(" (the previous synth's templates were removed from %s)", outdir)
		}
		fmt.Fprintf(os.Stderr, "alb-cognito-cdk %s: configuration error; nothing was synthesized%s:\n%v\n", version.Version, stale, err)
		os.Exit(1)
	}
	app.Synth(nil)
	jsii.Close()
}
