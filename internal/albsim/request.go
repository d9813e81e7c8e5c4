package albsim

import (
	"github.com/aws/aws-lambda-go/events"
)

// TargetGroupARN is the target group ARN put in simulated request contexts.
const TargetGroupARN = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/albsim/0123456789abcdef"

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
