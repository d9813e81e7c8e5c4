// Command function is the consumer's Lambda function. The identity
// middleware verifies every request again (the load balancer's signed user
// claims and the access token, with the settings albauth gives the
// function) before the handler answers with who is signed in.
package main

import (
	"fmt"
	"net/http"
	"os"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/albhttp"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
)

func main() {
	mw, err := identity.FromEnv(os.Getenv, identity.Options{}) // reads what albauth sets; refuses to start on any problem
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	albhttp.Start(mw.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, _ := identity.FromContext(r.Context())
		fmt.Fprintf(w, "Hello, %s! Your groups: %v\n", id.Username, id.Groups)
	})), nil)
}
