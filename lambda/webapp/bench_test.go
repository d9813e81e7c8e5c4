package webapp_test

import (
	"context"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
)

func benchHandler(b *testing.B, accept string) {
	f := newFixture(b)
	req := f.event(b, "/", f.lb.Claims(albsim.User{}), albsim.Access{Groups: []string{"admins"}})
	req.MultiValueHeaders["accept"] = []string{accept}
	ctx := context.Background()
	if resp, _ := f.alb(ctx, req); resp.StatusCode != 200 {
		b.Fatalf("status %d", resp.StatusCode)
	}
	b.ReportAllocs()
	for b.Loop() {
		if resp, _ := f.alb(ctx, req); resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

// BenchmarkHandler measures one full request through the function's entry:
// the ALB adapter (albhttp), both token verifications with warm key caches, the
// route lookup, the identity page rendered as HTML and one log line.
func BenchmarkHandler(b *testing.B) {
	benchHandler(b, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
}

// BenchmarkHandlerJSON is BenchmarkHandler with Accept: application/json.
func BenchmarkHandlerJSON(b *testing.B) { benchHandler(b, "application/json") }
