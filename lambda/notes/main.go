// Command notes is the example of putting your own app behind the load
// balancer's sign-in: a small notes app (an HTML page, a JSON API under
// /api/notes and an admin page) written as a plain http.Handler that reads
// the signed-in user from identity.FromContext. main only wires it:
//
//	adapter (albhttp) → middleware (identity: verify, authorize, /logout) → app
//
// Deploy it with -c functionPackage=lambda/notes, preview it with
// make preview PREVIEW_ARGS='-function lambda/notes'. The admin page expects
// the route table (config key routes) to hold a route named admin with the
// group that may enter it; see docs/own-app.md.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/albhttp"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	mw, err := identity.FromEnv(os.Getenv, identity.Options{Logger: logger, RequestID: requestID})
	if err != nil {
		logger.Error("initialisation failed", slog.String("error", err.Error()))
		os.Exit(1)
	}
	albhttp.Start(mw.Handler(newApp(newStore())), &albhttp.Options{Logger: logger})
}

func requestID(ctx context.Context) string {
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		return lc.AwsRequestID
	}
	return ""
}
