package identity

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/internal/benchcpu"
)

// logLineWithoutMetrics is logLine as it was before the metric fields:
// the baseline of BenchmarkLogLine.
func (m *Middleware) logLineWithoutMetrics(r *http.Request, out outcome) {
	ctx := r.Context()
	if !m.log.Enabled(ctx, slog.LevelInfo) {
		return
	}
	rec := slog.NewRecord(time.Now(), slog.LevelInfo, "request", 0)
	rec.AddAttrs(
		slog.Int("status", out.status),
		slog.String("reason", out.reason),
		slog.String("method", bound(r.Method, maxLoggedMethod)),
		slog.String("path", bound(r.URL.Path, maxLoggedPath)),
	)
	if out.route != "" {
		rec.AddAttrs(slog.String("route", out.route))
	}
	if out.detail != "" {
		rec.AddAttrs(slog.String("detail", out.detail))
	}
	if m.requestID != nil {
		if id := m.requestID(ctx); id != "" {
			rec.AddAttrs(slog.String("request_id", id))
		}
	}
	if out.sub != "" {
		rec.AddAttrs(slog.String("sub", out.sub))
	}
	_ = m.log.Handler().Handle(ctx, rec)
}

// BenchmarkLogLine measures the request's log line, written by the JSON
// handler (to io.Discard), without the metric fields (the line as it was)
// and with them (logLine): the difference is what the fields cost a
// request. The request is BenchmarkAccessRoute's: /admin/users on route
// admin, passed to the application.
func BenchmarkLogLine(b *testing.B) {
	m := &Middleware{log: slog.New(slog.NewJSONHandler(io.Discard, nil)),
		functionName: slog.String(DimensionFunctionName, "prod-AlbCognitoSite-Function76856677-AbCdEfGhIjKl"),
		requestID:    func(context.Context) string { return "c6af9ac6-7b61-11e6-9a41-93e8deadbeef" }}
	r := httptest.NewRequest("GET", "/admin/users", nil)
	out := outcome{status: 200, reason: "ok", route: "admin", sub: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", verify: 142 * time.Microsecond}
	for _, bc := range []struct {
		name string
		f    func(*http.Request, outcome)
	}{{"without", m.logLineWithoutMetrics}, {"with", m.logLine}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			stop := benchcpu.Start(b)
			for b.Loop() {
				bc.f(r, out)
			}
			stop()
		})
	}
}
