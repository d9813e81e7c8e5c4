package directhandler_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/alb-cognito/alb-cognito-cdk/bench/directhandler"
	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/internal/benchcpu"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albhttp"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albjwt"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/webapp"
)

// setup returns the same request, as the JSON payload the Lambda runtime
// receives, for both handlers: GET / with Accept for HTML, a user-claims
// token minted by the simulated load balancer and no access token (the
// handler on main did not verify one; / is on no route, so the middleware
// needs none either). Both log one JSON line per request, to io.Discard.
func setup(b *testing.B) (payload []byte, env map[string]string) {
	b.Helper()
	lb, err := albsim.New(albsim.Config{})
	if err != nil {
		b.Fatal(err)
	}
	keys := httptest.NewServer(lb.Keys)
	b.Cleanup(keys.Close)
	claims := lb.Claims(albsim.User{})
	tok, err := lb.Mint(claims)
	if err != nil {
		b.Fatal(err)
	}
	ev := albsim.NewRequest("/", tok, claims["sub"].(string))
	delete(ev.MultiValueHeaders, "x-amzn-oidc-accesstoken")
	if payload, err = json.Marshal(ev); err != nil {
		b.Fatal(err)
	}
	env = map[string]string{
		identity.EnvALBARN:            lb.ARN,
		identity.EnvClientID:          lb.ClientID,
		identity.EnvIssuer:            lb.Issuer,
		identity.EnvKeyEndpoint:       keys.URL,
		identity.EnvUserPoolDomain:    "example.auth.eu-west-1.amazoncognito.com",
		identity.EnvAppURL:            "https://app.example.com",
		identity.EnvTargetGroupPrefix: albsim.TargetGroupPrefix,
		identity.EnvRouteTable:        `{"routes":[]}`,
	}
	return payload, env
}

func discard() *slog.Logger { return slog.New(slog.NewJSONHandler(io.Discard, nil)) }

// loop runs invoke b.N times and reports, besides ns/op (wall time), the
// process's CPU time per request as cpu-ns/op: on a shared machine other
// processes stretch the wall time, much less the CPU time this one uses.
func loop(b *testing.B, invoke func()) {
	invoke() // warm the key cache
	b.ReportAllocs()
	stop := benchcpu.Start(b)
	for b.Loop() {
		invoke()
	}
	stop()
}

// BenchmarkDirectIdentityPage is one request through the handler on main
// the way the Lambda runtime calls a typed handler: decode the event JSON,
// Handle, encode the response JSON (HTML not escaped, the runtime's
// default).
func BenchmarkDirectIdentityPage(b *testing.B) {
	payload, env := setup(b)
	cfg, err := directhandler.ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		b.Fatal(err)
	}
	v, err := albjwt.New(cfg.Token)
	if err != nil {
		b.Fatal(err)
	}
	h, err := directhandler.New(cfg, v, discard())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var buf bytes.Buffer
	invoke := func() {
		var ev events.ALBTargetGroupRequest
		if err := json.Unmarshal(payload, &ev); err != nil {
			b.Fatal(err)
		}
		resp, _ := h.Handle(ctx, ev)
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
		buf.Reset()
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(resp); err != nil {
			b.Fatal(err)
		}
	}
	loop(b, invoke)
}

// BenchmarkAdapterIdentityPage is the same request through what
// lambda/whoami runs now: the ALB adapter's Invoke (event JSON in, response
// JSON out) around the identity middleware around the identity page.
func BenchmarkAdapterIdentityPage(b *testing.B) {
	payload, env := setup(b)
	h, err := webapp.FromEnv(func(k string) string { return env[k] }, discard())
	if err != nil {
		b.Fatal(err)
	}
	a := albhttp.New(h, &albhttp.Options{Logger: discard()})
	ctx := context.Background()
	invoke := func() {
		out, err := a.Invoke(ctx, payload)
		if err != nil || !bytes.HasPrefix(out, []byte(`{"statusCode":200,`)) {
			b.Fatalf("%v %.100s", err, out)
		}
	}
	loop(b, invoke)
}

// BenchmarkMiddlewareIdentityPage is BenchmarkAdapterIdentityPage without
// the adapter: the middleware and page served the same request as an
// *http.Request built once, into a recorder. The difference between the two
// is what the adapter costs (decoding the event JSON included, which the
// Lambda runtime does for a typed handler too).
func BenchmarkMiddlewareIdentityPage(b *testing.B) {
	payload, env := setup(b)
	h, err := webapp.FromEnv(func(k string) string { return env[k] }, discard())
	if err != nil {
		b.Fatal(err)
	}
	var ev events.ALBTargetGroupRequest
	if err := json.Unmarshal(payload, &ev); err != nil {
		b.Fatal(err)
	}
	r, err := albhttp.NewRequest(context.Background(), &ev)
	if err != nil {
		b.Fatal(err)
	}
	invoke := func() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatalf("status %d", w.Code)
		}
	}
	loop(b, invoke)
}
