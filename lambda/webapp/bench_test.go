package webapp_test

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/webapp"
)

func benchHandler(b *testing.B, accept string) {
	f := newFixture(b, nil, 2*time.Second)
	h, err := webapp.New(f.cfg, f.v, slogJSON(io.Discard))
	if err != nil {
		b.Fatal(err)
	}
	req := f.request(b, "/", f.lb.Claims(albsim.User{}))
	req.MultiValueHeaders["accept"] = []string{accept}
	ctx := context.Background()
	if resp, _ := h.Handle(ctx, req); resp.StatusCode != 200 {
		b.Fatalf("status %d", resp.StatusCode)
	}
	b.ReportAllocs()
	for b.Loop() {
		if resp, _ := h.Handle(ctx, req); resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

// BenchmarkHandler measures one full request: header lookup, verification
// with a warm key cache, HTML rendering and one log line.
func BenchmarkHandler(b *testing.B) {
	benchHandler(b, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
}

// BenchmarkHandlerJSON is BenchmarkHandler with Accept: application/json.
func BenchmarkHandlerJSON(b *testing.B) { benchHandler(b, "application/json") }
