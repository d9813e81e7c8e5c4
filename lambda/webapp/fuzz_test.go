package webapp_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albjwt"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/webapp"
)

type handlerTransport struct{ h http.Handler }

func (tr handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	tr.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// FuzzHandle feeds arbitrary paths and header names and values to the
// handler in both event shapes. It must never panic or return an error, must
// always answer with the security headers in the request's shape, and must
// answer 200 only for a verified x-amzn-oidc-data header. Non-200 bodies
// never echo the header value.
func FuzzHandle(f *testing.F) {
	lb, err := albsim.New(albsim.Config{Now: clock})
	if err != nil {
		f.Fatal(err)
	}
	v, err := albjwt.New(albjwt.Config{
		ALBARN: lb.ARN, ClientID: lb.ClientID, Issuer: lb.Issuer,
		KeyEndpoint: "https://keys.invalid", Clock: clock,
		HTTPClient: &http.Client{Transport: handlerTransport{lb.Keys}},
	})
	if err != nil {
		f.Fatal(err)
	}
	cfg := webapp.Config{Token: albjwt.Config{ALBARN: lb.ARN, ClientID: lb.ClientID, Issuer: lb.Issuer},
		UserPoolDomain: testDomain, AppURL: testAppURL, SessionCookieName: webapp.DefaultSessionCookieName}
	h, err := webapp.New(cfg, v, slogJSON(io.Discard))
	if err != nil {
		f.Fatal(err)
	}
	tok, err := lb.Mint(lb.Claims(albsim.User{Username: "<b>fuzz</b>"}))
	if err != nil {
		f.Fatal(err)
	}
	f.Add("/", "x-amzn-oidc-data", tok, "text/html", false)
	f.Add("/", "X-Amzn-Oidc-Data", tok, "application/json", true)
	f.Add("/logout", "x-amzn-oidc-data", "", "", false)
	f.Add("/x", "accept", "a.b.c", "application/json, text/html", true)

	f.Fuzz(func(t *testing.T, path, name, value, accept string, single bool) {
		req := events.ALBTargetGroupRequest{HTTPMethod: "GET", Path: path,
			MultiValueHeaders: map[string][]string{name: {value}, "accept": {accept}}}
		if single {
			req = albsim.SingleValue(req)
		}
		resp, err := h.Handle(context.Background(), req)
		if err != nil {
			t.Fatalf("Handle error %v", err)
		}
		checkResponse(t, req, resp)
		switch resp.StatusCode {
		case 200:
			if path == "/logout" || !strings.EqualFold(name, "x-amzn-oidc-data") {
				t.Fatalf("200 for path %q header %q", path, name)
			}
			if _, err := v.Verify(context.Background(), value); err != nil {
				t.Fatalf("200 for a token that does not verify: %v", err)
			}
		case 302:
			if path != "/logout" {
				t.Fatalf("302 for path %q", path)
			}
		case 401, 503:
			if len(value) >= 8 && strings.Contains(resp.Body, value) {
				t.Fatal("error body echoes the header value")
			}
		default:
			t.Fatalf("status %d", resp.StatusCode)
		}
	})
}
