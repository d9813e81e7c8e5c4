package identity_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albctx"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albhttp"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// withTarget returns r as the adapter passes it from target group arn.
func withTarget(r *http.Request, arn string, multi bool) *http.Request {
	return r.WithContext(albctx.NewContext(r.Context(), albctx.Event{TargetGroupARN: arn, MultiValueHeaders: multi}))
}

// TestTargetGroupIsTheAuthority: the target group a request arrives
// through decides the policy. A request from a target group that is not
// one of the site's, or with none, is refused before anything else; a
// request whose paths' routes have another policy than its target group's
// is refused, whichever of the two is the stricter.
func TestTargetGroupIsTheAuthority(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	user := f.userToken(t, albsim.User{})
	admin := f.accessToken(t, albsim.Access{Groups: []string{"admins"}})
	table := f.mw.Routes()
	adminTG := albsim.TargetGroupARNOf(table.Routes[0].Policy())
	defaultTG := albsim.TargetGroupARNOf(table.DefaultPolicy())
	foreign := strings.Replace(adminTG, "123456789012", "999999999999", 1)
	otherRegion := strings.Replace(adminTG, "eu-west-1", "us-east-1", 1)
	otherPrefix := strings.Replace(adminTG, "targetgroup/albsim-", "targetgroup/albsimx-", 1)
	unknownPolicy := albsim.TargetGroupARNOf(routes.Route{Groups: []string{"nobody"}}.Policy())
	for _, tc := range []struct {
		name, path, arn string
		noEvent         bool
		status          int
		reason          string
	}{
		{name: "admin route through its own target group", path: "/admin", arn: adminTG, status: 200, reason: `"reason":"ok"`},
		{name: "no load balancer event", path: "/admin", noEvent: true, status: 403, reason: "target_group_missing"},
		{name: "empty target group", path: "/admin", arn: "", status: 403, reason: "target_group_missing"},
		{name: "another account's target group", path: "/admin", arn: foreign, status: 403, reason: "target_group_foreign"},
		{name: "another region's target group", path: "/admin", arn: otherRegion, status: 403, reason: "target_group_foreign"},
		{name: "another prefix", path: "/admin", arn: otherPrefix, status: 403, reason: "target_group_unknown"},
		{name: "a policy the table does not have", path: "/admin", arn: unknownPolicy, status: 403, reason: "target_group_unknown"},
		{name: "not an ARN", path: "/admin", arn: "albsim-" + table.Routes[0].Policy().ID(), status: 403, reason: "target_group_unknown"},
		// The rule was laxer than the path's route: never served under it.
		{name: "admin path through the default target group", path: "/admin", arn: defaultTG, status: 400, reason: "route_mismatch"},
		// The rule was stricter than the path's route: not served under the
		// path's route either.
		{name: "plain path through the admin target group", path: "/x", arn: adminTG, status: 400, reason: "route_mismatch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest("GET", tc.path, nil)
			r.Header.Set(identity.HeaderUserClaims, user)
			r.Header.Set(identity.HeaderAccessToken, admin)
			if !tc.noEvent {
				r = withTarget(r, tc.arn, true)
			}
			ran := false
			w := httptest.NewRecorder()
			f.mw.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { ran = true })).ServeHTTP(w, r)
			if w.Code != tc.status || ran != (tc.status == 200) {
				t.Fatalf("status %d (application ran: %t), want %d", w.Code, ran, tc.status)
			}
			if !strings.Contains(f.logs.String(), tc.reason) {
				t.Errorf("log lacks %s", tc.reason)
			}
			if tc.reason == "route_mismatch" && !strings.Contains(f.logs.String(), `"detail":"the load balancer applied policy `) {
				t.Errorf("a route mismatch is logged without the policies:\n%s", f.logs.String())
			}
			if strings.Contains(w.Body.String(), tc.path+"\"") || strings.Contains(w.Body.String(), "arn:") {
				t.Errorf("refusal echoes the request: %s", w.Body.String())
			}
		})
	}
}

// TestSiteDefaultReachesTheFunction: with the listener's default action set
// to allow, unrouted paths pass without a session in the function too, and
// the routed ones keep their checks.
func TestSiteDefaultReachesTheFunction(t *testing.T) {
	t.Parallel()
	table := routes.Table{Routes: []routes.Route{{Name: "admin", Paths: []string{"/admin/*"}, Groups: []string{"admins"}}}, OnUnauthenticatedRequest: routes.Allow}
	f := newTrickFixture(t, table)
	if s, status := f.send(t, "GET", "/anything", principal{name: "anonymous"}, false); s == nil || s.id != nil || status != 200 {
		t.Errorf("anonymous on an unrouted path of an allowing site: %v %d", s, status)
	}
	if s, status := f.send(t, "GET", "/admin/x", principal{name: "anonymous"}, false); s != nil || status != 401 {
		t.Errorf("anonymous on the admin route: ran %t, %d", s != nil, status)
	}
	table.OnUnauthenticatedRequest = ""
	f = newTrickFixture(t, table)
	if s, status := f.send(t, "GET", "/anything", principal{name: "anonymous"}, false); s != nil || status != 401 {
		t.Errorf("anonymous on an unrouted path of a signing-in site: ran %t, %d", s != nil, status)
	}
}

// TestReauthenticationInBothHeaderModes: an expired access token gets the
// redirect that expires the session only where the response can carry all
// its cookies; with single-value headers it gets 401, never a redirect
// that would keep the session and loop. The marker cookie has the __Host-
// prefix's attributes.
func TestReauthenticationInBothHeaderModes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	ad := albhttp.New(f.mw.Handler(mustNotRun(t)), nil)
	ev := albsim.Forward(f.mw.Routes(), events.ALBTargetGroupRequest{
		HTTPMethod: "GET", Path: "/admin",
		MultiValueHeaders: map[string][]string{
			"accept":                  {"text/html"},
			"x-amzn-oidc-data":        {f.userToken(t, albsim.User{})},
			"x-amzn-oidc-accesstoken": {f.accessToken(t, albsim.Access{ExpiresAt: time.Now().Add(-time.Minute)})},
		},
	})
	resp, err := ad.Serve(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	cookies := resp.MultiValueHeaders["Set-Cookie"]
	if resp.StatusCode != 302 || len(cookies) < 2 {
		t.Fatalf("multi-value: %d with %d cookies, want 302 with every cookie", resp.StatusCode, len(cookies))
	}
	marker := cookies[len(cookies)-1]
	if !strings.HasPrefix(marker, "__Host-") || !strings.Contains(marker, "; Path=/;") || !strings.Contains(marker, "; Secure") || strings.Contains(strings.ToLower(marker), "domain=") {
		t.Errorf("marker cookie %q lacks the __Host- prefix's attributes", marker)
	}
	resp, err = ad.Serve(context.Background(), albsim.SingleValue(ev))
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 401 || resp.Headers["Location"] != "" {
		t.Errorf("single-value: %d Location %q, want 401 and no redirect", resp.StatusCode, resp.Headers["Location"])
	}
}

// TestCrossOriginRequests: a request that carries a session and changes
// something is refused when the browser says it comes from another
// origin; safe methods, same-origin requests and bearer-token requests
// pass; Options.AllowCrossOrigin turns the check off.
func TestCrossOriginRequests(t *testing.T) {
	t.Parallel()
	table := routes.Table{Routes: []routes.Route{
		{Name: "reports", Paths: []string{"/reports/*"}, Scopes: []string{trickScope}, Clients: []string{"job"}},
	}}
	f := newTrickFixture(t, table)
	user := principal{name: "user", user: true}
	for _, tc := range []struct {
		name    string
		method  string
		path    string
		who     principal
		headers map[string]string
		status  int
	}{
		{"cross-site POST", "POST", "/notes", user, map[string]string{"sec-fetch-site": "cross-site", "origin": "https://evil.example"}, 403},
		{"same-site POST (a sibling subdomain is another origin)", "POST", "/notes", user, map[string]string{"sec-fetch-site": "same-site", "origin": "https://other.example.com"}, 403},
		{"Origin null, no Sec-Fetch-Site", "POST", "/notes", user, map[string]string{"origin": "null"}, 403},
		{"Origin of another host, no Sec-Fetch-Site", "DELETE", "/notes/1", user, map[string]string{"origin": "https://evil.example"}, 403},
		{"same-origin POST", "POST", "/notes", user, map[string]string{"sec-fetch-site": "same-origin", "origin": "https://app.example.com"}, 200},
		{"same-origin by Origin alone", "POST", "/notes", user, map[string]string{"origin": "https://app.example.com"}, 200},
		{"no browser headers (curl)", "POST", "/notes", user, nil, 200},
		{"cross-site GET", "GET", "/notes", user, map[string]string{"sec-fetch-site": "cross-site"}, 200},
		{"cross-site POST with a bearer token", "POST", "/reports/x", principal{name: "job", machine: true}, map[string]string{"sec-fetch-site": "cross-site", "origin": "https://evil.example"}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, status := f.sendWith(t, tc.method, tc.path, tc.who, tc.headers, false)
			if status != tc.status || (got != nil) != (tc.status == 200) {
				t.Errorf("status %d, application ran %t; want %d", status, got != nil, tc.status)
			}
		})
	}
	// The opt-out.
	lax := newTrickFixtureWith(t, table, identity.Options{AllowCrossOrigin: true})
	if got, status := lax.sendWith(t, "POST", "/notes", user, map[string]string{"sec-fetch-site": "cross-site"}, false); got == nil || status != 200 {
		t.Errorf("AllowCrossOrigin: status %d", status)
	}
}
