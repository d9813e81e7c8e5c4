package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albhttp"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// TestBehindTheLoadBalancer runs the app exactly as main wires it,
// adapter(middleware(app)), on ALB events carrying tokens minted like the
// load balancer's and Cognito's, with the example's admin route.
func TestBehindTheLoadBalancer(t *testing.T) {
	t.Parallel()
	lb, err := albsim.New(albsim.Config{})
	if err != nil {
		t.Fatal(err)
	}
	pool, err := albsim.NewPool(albsim.PoolConfig{Issuer: lb.Issuer, ClientID: lb.ClientID})
	if err != nil {
		t.Fatal(err)
	}
	keys := httptest.NewServer(lb.Keys)
	defer keys.Close()
	jwks := httptest.NewServer(pool.JWKS)
	defer jwks.Close()
	table, err := json.Marshal(routes.Table{
		Routes: []routes.Route{{Name: "admin", Paths: []string{"/admin", "/admin/*"}, Groups: []string{"admins"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		identity.EnvALBARN:            lb.ARN,
		identity.EnvClientID:          lb.ClientID,
		identity.EnvIssuer:            lb.Issuer,
		identity.EnvKeyEndpoint:       keys.URL,
		identity.EnvJWKSURL:           jwks.URL + "/.well-known/jwks.json",
		identity.EnvUserPoolDomain:    "example.auth.eu-west-1.amazoncognito.com",
		identity.EnvAppURL:            "https://app.example.com",
		identity.EnvTargetGroupPrefix: albsim.TargetGroupPrefix,
		identity.EnvRouteTable:        string(table),
	}
	logger := slog.New(slog.DiscardHandler)
	mw, err := identity.FromEnv(func(k string) string { return env[k] }, identity.Options{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	fn := albhttp.New(mw.Handler(newApp(newStore())), &albhttp.Options{Logger: logger})

	mint := func(u albsim.User, groups ...string) (string, string) {
		user, err := lb.Mint(lb.Claims(u))
		if err != nil {
			t.Fatal(err)
		}
		access, err := pool.MintAccess(pool.AccessClaims(albsim.Access{Sub: u.Sub, Username: u.Username, Groups: groups}))
		if err != nil {
			t.Fatal(err)
		}
		return user, access
	}
	aliceUser, aliceAccess := mint(albsim.User{}, "admins")
	bob := albsim.User{Sub: "7d4f2a10-0000-4000-8000-000000000b0b", Username: "bob", Email: "bob@example.com"}
	bobUser, bobAccess := mint(bob)

	send := func(method, path, user, access, ctype, body string) events.ALBTargetGroupResponse {
		t.Helper()
		ev := albsim.NewRequest(path, user, "")
		ev.HTTPMethod = method
		if access != "" {
			ev.MultiValueHeaders["x-amzn-oidc-accesstoken"] = []string{access}
		} else {
			delete(ev.MultiValueHeaders, "x-amzn-oidc-accesstoken")
		}
		if ctype != "" {
			ev.MultiValueHeaders["content-type"] = []string{ctype}
			ev.Body = body
		}
		resp, err := fn.Serve(context.Background(), albsim.Forward(mw.Routes(), ev))
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}

	if r := send("POST", "/api/notes", bobUser, bobAccess, "application/json", `{"text":"from bob"}`); r.StatusCode != 201 {
		t.Errorf("bob's POST: %d %s", r.StatusCode, r.Body)
	}
	// A form on another site posting with bob's session: refused by the
	// middleware before the app runs.
	cross := albsim.NewRequest("/notes", bobUser, "")
	cross.HTTPMethod = "POST"
	cross.MultiValueHeaders["x-amzn-oidc-accesstoken"] = []string{bobAccess}
	cross.MultiValueHeaders["content-type"] = []string{"application/x-www-form-urlencoded"}
	cross.MultiValueHeaders["sec-fetch-site"] = []string{"cross-site"}
	cross.Body = "text=pwned"
	if r, err := fn.Serve(context.Background(), albsim.Forward(mw.Routes(), cross)); err != nil || r.StatusCode != 403 {
		t.Errorf("cross-site form post: %d %v", r.StatusCode, err)
	}
	if r := send("GET", "/", bobUser, bobAccess, "", ""); r.StatusCode != 200 || !strings.Contains(r.Body, "Notes for bob") || !strings.Contains(r.Body, "from bob") || strings.Contains(r.Body, "pwned") {
		t.Errorf("bob's page: %d %s", r.StatusCode, r.Body)
	}
	// The middleware refuses bob the admin route before the app runs: its
	// 403 names the group, the app's own page never renders.
	if r := send("GET", "/admin", bobUser, bobAccess, "", ""); r.StatusCode != 403 || !strings.Contains(r.Body, "admins") || strings.Contains(r.Body, "Notes per user") {
		t.Errorf("bob on /admin: %d %s", r.StatusCode, r.Body)
	}
	if r := send("GET", "/admin", aliceUser, aliceAccess, "", ""); r.StatusCode != 200 || !strings.Contains(r.Body, "<td>bob</td><td>1</td>") {
		t.Errorf("alice on /admin: %d %s", r.StatusCode, r.Body)
	}
	if r := send("GET", "/api/notes", "", "", "", ""); r.StatusCode != 401 {
		t.Errorf("no token: %d", r.StatusCode)
	}
	r := send("GET", "/logout", "", "", "", "")
	if r.StatusCode != 302 || len(r.MultiValueHeaders["Set-Cookie"]) < 2 || r.StatusDescription != "302 Found" {
		t.Errorf("logout: %d %q %v", r.StatusCode, r.StatusDescription, r.MultiValueHeaders["Set-Cookie"])
	}
}
