package albsim

import (
	"net/http"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/albctx"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// TargetGroupPrefix names the simulated target groups, one per policy of a
// route table (routes.TargetGroupName), as the stack names the real ones.
// Give it to the function as TARGET_GROUP_PREFIX.
const TargetGroupPrefix = "albsim"

// TargetGroupARNOf is the ARN of the simulated target group of policy p, in
// DefaultARN's account and region.
func TargetGroupARNOf(p routes.Policy) string {
	return "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/" + routes.TargetGroupName(TargetGroupPrefix, p) + "/0123456789abcdef"
}

// TargetGroupARN is the target group ARN NewRequest and FromHTTP put in
// simulated request contexts: the default action's, for a table whose
// default action authenticates. Forward picks a route's.
var TargetGroupARN = TargetGroupARNOf(routes.Table{}.DefaultPolicy())

// Forward returns ev as the listener rules written from t forward it: in
// the target group of the policy of the first route whose rule matches its
// method and path as sent (the default action's when none does). It does
// not sign anyone in or out.
func Forward(t routes.Table, ev events.ALBTargetGroupRequest) events.ALBTargetGroupRequest {
	r, ok := t.Match(ev.HTTPMethod, ev.Path)
	ev.RequestContext.ELB.TargetGroupArn = TargetGroupARNOf(t.PolicyOf(r, ok))
	return ev
}

// AccessToken is the placeholder sent as x-amzn-oidc-accesstoken. The real
// load balancer sends Cognito's access token; nothing here verifies it.
const AccessToken = "albsim-access-token-not-a-real-token"

// NewRequest returns a GET request for path in the shape a target group with
// multi-value headers enabled sends it: lower-case header names in
// MultiValueHeaders, carrying token as x-amzn-oidc-data, identity (the sub)
// as x-amzn-oidc-identity and a placeholder access token. An empty token or
// identity leaves that header out.
func NewRequest(path, token, identity string) events.ALBTargetGroupRequest {
	h := map[string][]string{
		"accept":            {"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
		"host":              {"app.example.com"},
		"user-agent":        {"albsim"},
		"x-amzn-trace-id":   {"Root=1-00000000-000000000000000000000000"},
		"x-forwarded-for":   {"192.0.2.10"},
		"x-forwarded-port":  {"443"},
		"x-forwarded-proto": {"https"},
	}
	if token != "" {
		h["x-amzn-oidc-data"] = []string{token}
		h["x-amzn-oidc-accesstoken"] = []string{AccessToken}
	}
	if identity != "" {
		h["x-amzn-oidc-identity"] = []string{identity}
	}
	return events.ALBTargetGroupRequest{
		HTTPMethod:                      "GET",
		Path:                            path,
		MultiValueQueryStringParameters: map[string][]string{},
		MultiValueHeaders:               h,
		RequestContext: events.ALBTargetGroupRequestContext{
			ELB: events.ELBContext{TargetGroupArn: TargetGroupARN},
		},
	}
}

// SingleValue converts a multi-value request to the shape a target group
// without multi-value headers sends: Headers and QueryStringParameters, the
// last value winning as the load balancer does.
func SingleValue(req events.ALBTargetGroupRequest) events.ALBTargetGroupRequest {
	out := req
	out.MultiValueHeaders = nil
	out.MultiValueQueryStringParameters = nil
	out.Headers = make(map[string]string, len(req.MultiValueHeaders))
	for k, v := range req.MultiValueHeaders {
		if len(v) > 0 {
			out.Headers[k] = v[len(v)-1]
		}
	}
	out.QueryStringParameters = make(map[string]string, len(req.MultiValueQueryStringParameters))
	for k, v := range req.MultiValueQueryStringParameters {
		if len(v) > 0 {
			out.QueryStringParameters[k] = v[len(v)-1]
		}
	}
	return out
}

// ForwardHTTP returns r as the Lambda adapter hands it to a handler after
// the listener rules written from t forwarded it: with the albctx event of
// the target group Forward would pick for its method and path as sent
// (r.RequestURI's path), multi-value headers on. For tests of net/http
// handlers behind the identity middleware without the adapter.
func ForwardHTTP(t routes.Table, r *http.Request) *http.Request {
	sent := r.URL.EscapedPath()
	if u := r.RequestURI; strings.HasPrefix(u, "/") {
		sent, _, _ = strings.Cut(u, "?")
	}
	ev := Forward(t, events.ALBTargetGroupRequest{HTTPMethod: r.Method, Path: sent})
	return r.WithContext(albctx.NewContext(r.Context(), albctx.Event{
		TargetGroupARN: ev.RequestContext.ELB.TargetGroupArn, MultiValueHeaders: true}))
}
