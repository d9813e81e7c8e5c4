package webapp_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// FuzzHandle feeds arbitrary paths, header names and values, and access
// tokens to the function's entry in both event shapes. It must never panic
// or return an error, must always answer in the request's shape with the
// security headers, and must answer 200 only for a verified
// x-amzn-oidc-data header or a path whose route allows anonymous requests.
// Refusals never echo a header value.
func FuzzHandle(f *testing.F) {
	fx := newFixture(f)
	tok, err := fx.lb.Mint(fx.lb.Claims(albsim.User{Username: "<b>fuzz</b>"}))
	if err != nil {
		f.Fatal(err)
	}
	access, err := fx.pool.MintAccess(fx.pool.AccessClaims(albsim.Access{Groups: []string{"admins"}}))
	if err != nil {
		f.Fatal(err)
	}
	f.Add("/", "x-amzn-oidc-data", tok, access, "text/html", false)
	f.Add("/admin", "X-Amzn-Oidc-Data", tok, access, "application/json", true)
	f.Add("/reports/x", "x-amzn-oidc-data", tok, access, "application/json", false)
	f.Add("/logout", "x-amzn-oidc-data", "", "", "", false)
	f.Add("/docs/x", "accept", "a.b.c", "", "application/json, text/html", true)

	f.Fuzz(func(t *testing.T, path, name, value, accessTok, accept string, single bool) {
		req := events.ALBTargetGroupRequest{HTTPMethod: "GET", Path: path,
			MultiValueHeaders: map[string][]string{name: {value}, "accept": {accept}, "x-amzn-oidc-accesstoken": {accessTok}}}
		if single {
			req = albsim.SingleValue(req)
		}
		resp, err := fx.alb(context.Background(), albsim.Forward(testTable, req))
		if err != nil {
			t.Fatalf("handler error %v", err)
		}
		checkResponse(t, req, resp)
		switch resp.StatusCode {
		case 200:
			if _, anon := (routes.Table{Routes: testTable.Routes[2:]}).Match("GET", path); anon {
				return
			}
			if !strings.EqualFold(name, "x-amzn-oidc-data") || value != tok {
				t.Fatalf("200 for path %q header %q", path, name)
			}
		case 302:
			if p, err := url.PathUnescape(path); err != nil || "/"+strings.TrimLeft(p, "/") != "/logout" && p != "/logout" {
				t.Fatalf("302 for path %q", path)
			}
		case 400, 401, 403, 503:
			for _, v := range []string{value, accessTok} {
				if len(v) >= 8 && strings.Contains(resp.Body, v) {
					t.Fatal("error body echoes a header value")
				}
			}
		default:
			t.Fatalf("status %d", resp.StatusCode)
		}
	})
}
