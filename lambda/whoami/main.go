// Command whoami is the Lambda function behind the load balancer: it shows
// the signed-in user's verified claims. main only wires: it reads the
// environment once, builds the verifier and the handler through
// webapp.FromEnv (the entry point the local preview server shares), and
// starts the Lambda runtime. Any configuration problem stops initialisation
// with a message naming the variable, so the function never serves
// unverified.
package main

import (
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/webapp"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	h, err := webapp.FromEnv(os.Getenv, logger)
	if err != nil {
		logger.Error("initialisation failed", slog.String("error", err.Error()))
		os.Exit(1)
	}
	lambda.Start(h.Handle)
}
