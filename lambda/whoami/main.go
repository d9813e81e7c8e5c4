// Command whoami is the Lambda function behind the load balancer: the
// identity page (lambda/webapp) behind the identity middleware
// (lambda/identity). main only wires: it reads the environment once through
// webapp.FromEnv (the entry point the local preview server shares) and
// starts the Lambda runtime with the ALB adapter (lambda/albhttp), so the
// function is adapter(middleware(identity page)). Any configuration
// problem, a malformed route table included, stops initialisation with a
// message naming each variable, so the function never serves unverified.
package main

import (
	"log/slog"
	"os"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/albhttp"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/webapp"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	h, err := webapp.FromEnv(os.Getenv, logger)
	if err != nil {
		logger.Error("initialisation failed", slog.String("error", err.Error()))
		os.Exit(1)
	}
	albhttp.Start(h, &albhttp.Options{Logger: logger})
}
