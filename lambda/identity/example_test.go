package identity_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"os"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
)

// An application behind the middleware reads the verified user from the
// request context; it never sees a request that failed verification or its
// route's groups and scopes.
func Example() {
	mw, err := identity.FromEnv(os.Getenv, identity.Options{Logger: slog.Default()})
	if err != nil {
		fmt.Println(err) // every problem at once, each naming its variable
		return
	}
	app := http.NewServeMux()
	app.HandleFunc("GET /admin/", func(w http.ResponseWriter, r *http.Request) {
		id, _ := identity.FromContext(r.Context())
		fmt.Fprintf(w, "hello %s, member of %v\n", id.Username, id.Groups)
	})
	_ = http.ListenAndServe("127.0.0.1:8080", mw.Handler(app))
}
