// Command hello is a function for the lambdarun tests: an http.Handler
// behind the ALB adapter.
package main

import (
	"io"
	"net/http"
	"os"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/albhttp"
)

func main() {
	albhttp.Start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello "+r.URL.Query().Get("name")+" from "+os.Getenv("GREETER"))
	}), nil)
}
