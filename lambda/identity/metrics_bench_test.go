package identity

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/internal/benchcpu"
)

// BenchmarkLogLine measures the request's log line (logLine), written by
// the JSON handler (to io.Discard), without the metric fields
// (Options.NoMetrics: the line as it was) and with them: the difference is
// what the fields cost a request. The request is BenchmarkAccessRoute's: /admin/users on route
// admin, passed to the application.
func BenchmarkLogLine(b *testing.B) {
	r := httptest.NewRequest("GET", "/admin/users", nil)
	out := outcome{status: 200, reason: "ok", route: "admin", sub: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", verify: 142 * time.Microsecond}
	for _, bc := range []struct {
		name      string
		noMetrics bool
	}{{"without", true}, {"with", false}} {
		m := &Middleware{log: slog.New(slog.NewJSONHandler(io.Discard, nil)), noMetrics: bc.noMetrics,
			functionName: slog.String(DimensionFunctionName, "prod-AlbCognitoSite-Function76856677-AbCdEfGhIjKl"),
			requestID:    func(context.Context) string { return "c6af9ac6-7b61-11e6-9a41-93e8deadbeef" }}
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			stop := benchcpu.Start(b)
			for b.Loop() {
				m.logLine(r, out)
			}
			stop()
		})
	}
}
