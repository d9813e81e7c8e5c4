// Command whoami is the Lambda function behind the load balancer: it shows
// the signed-in user's verified claims. main only wires: it reads the
// environment once, builds the verifier and the handler, and starts the
// Lambda runtime. Any configuration problem stops initialisation with a
// message naming the variable, so the function never serves unverified.
package main

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/albjwt"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/webapp"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	h, err := build(os.Getenv, logger)
	if err != nil {
		logger.Error("initialisation failed", slog.String("error", err.Error()))
		os.Exit(1)
	}
	lambda.Start(h.Handle)
}

// build turns the environment into a ready handler.
func build(getenv func(string) string, logger *slog.Logger) (*webapp.Handler, error) {
	cfg, err := webapp.ConfigFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	v, err := albjwt.New(cfg.Token)
	if err != nil {
		return nil, fmt.Errorf("build verifier: %w", err)
	}
	h, err := webapp.New(cfg, v, logger)
	if err != nil {
		return nil, fmt.Errorf("build handler: %w", err)
	}
	logger.Info("initialised", slog.String("alb_arn", cfg.Token.ALBARN), slog.String("key_endpoint", v.KeyEndpoint()))
	return h, nil
}
