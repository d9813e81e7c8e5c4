package webapp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/internal/benchcpu"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albhttp"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/webapp"
)

const (
	acceptHTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	acceptJSON = "application/json"
)

func discard() *slog.Logger { return slog.New(slog.NewJSONHandler(io.Discard, nil)) }

// benchHandler runs what lambda/whoami runs for one event: the adapter's
// Invoke (event JSON in, response JSON out) around webapp.FromEnv, with
// warm key caches and the log lines written to a discarding JSON logger.
func benchHandler(b *testing.B, accept string) {
	f := newFixture(b)
	ev := f.event(b, "/", f.lb.Claims(albsim.User{}), albsim.Access{Groups: []string{"admins"}})
	ev.MultiValueHeaders["accept"] = []string{accept}
	payload, err := json.Marshal(ev)
	if err != nil {
		b.Fatal(err)
	}
	h, err := webapp.FromEnv(f.getenv, discard())
	if err != nil {
		b.Fatal(err)
	}
	a := albhttp.New(h, &albhttp.Options{Logger: discard()})
	ctx := context.Background()
	invoke := func() {
		out, err := a.Invoke(ctx, payload)
		if err != nil || !bytes.HasPrefix(out, []byte(`{"statusCode":200,`)) {
			b.Fatalf("%v %.200s", err, out)
		}
	}
	invoke() // warm the key caches
	b.ReportAllocs()
	stop := benchcpu.Start(b)
	for b.Loop() {
		invoke()
	}
	stop()
}

// BenchmarkHandler measures one request as lambda/whoami serves it: the
// event JSON decoded by the ALB adapter (albhttp), both tokens verified
// (the load balancer's ES256 user claims and Cognito's RS256 access token,
// key caches warm), the route looked up, the identity page rendered as HTML,
// one log line, and the response JSON encoded. Its floor is
// identity.BenchmarkES256PlusRS256, the two bare signature checks.
func BenchmarkHandler(b *testing.B) { benchHandler(b, acceptHTML) }

// BenchmarkHandlerJSON is BenchmarkHandler with Accept: application/json.
func BenchmarkHandlerJSON(b *testing.B) { benchHandler(b, acceptJSON) }

// benchPage measures the identity page alone, for the identity the
// middleware verified from the same two tokens as BenchmarkHandler's.
func benchPage(b *testing.B, accept string) {
	f := newFixture(b)
	mw, err := identity.FromEnv(f.getenv, identity.Options{Logger: discard()})
	if err != nil {
		b.Fatal(err)
	}
	var id *identity.Identity
	capture := mw.Handler(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { id, _ = identity.FromContext(r.Context()) }))
	ev := f.event(b, "/", f.lb.Claims(albsim.User{}), albsim.Access{Groups: []string{"admins"}})
	r, err := albhttp.NewRequest(context.Background(), &ev)
	if err != nil {
		b.Fatal(err)
	}
	capture.ServeHTTP(httptest.NewRecorder(), r)
	if id == nil || !id.AccessVerified {
		b.Fatal("the middleware verified no identity with an access token")
	}
	p := webapp.New(mw.Routes())
	r = r.WithContext(identity.NewContext(r.Context(), id))
	r.Header.Set("Accept", accept)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		p.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}

// BenchmarkPage is the HTML identity page alone (no verification, no
// adapter): what BenchmarkHandler spends on the page.
func BenchmarkPage(b *testing.B) { benchPage(b, acceptHTML) }

// BenchmarkPageJSON is BenchmarkPage with Accept: application/json.
func BenchmarkPageJSON(b *testing.B) { benchPage(b, acceptJSON) }
