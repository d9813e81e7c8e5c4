package identity_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
)

// BenchmarkAccessRouteMetrics is BenchmarkAccessRoute without and with the
// log line's metric fields (Options.NoMetrics), in one binary, so that the
// difference is the fields' and not two builds' code layout. With -count N
// the two alternate.
func BenchmarkAccessRouteMetrics(b *testing.B) {
	f := newFixture(b, fixtureOpts{})
	for _, bc := range []struct {
		name      string
		noMetrics bool
	}{{"without", true}, {"with", false}} {
		b.Run(bc.name, func(b *testing.B) { benchAccessRoute(b, f, identity.Options{NoMetrics: bc.noMetrics}) })
	}
}

// TestNoMetrics: Options.NoMetrics leaves the log line as it was.
func TestNoMetrics(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	logs := &lockedBuffer{}
	mw, err := identity.FromConfig(f.cfg, identity.Options{Logger: slog.New(slog.NewJSONHandler(logs, nil)), NoMetrics: true})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set(identity.HeaderUserClaims, f.userToken(t, albsim.User{}))
	mw.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})).ServeHTTP(httptest.NewRecorder(), albsim.ForwardHTTP(mw.Routes(), r))
	lines := requestLines(t, logs.String())
	if len(lines) != 1 {
		t.Fatalf("%d request lines", len(lines))
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"_aws", identity.DimensionFunctionName, identity.DimensionOutcome, identity.MetricRequests, identity.MetricRefusals, identity.MetricVerifyLatency} {
		if _, ok := m[k]; ok {
			t.Errorf("the line has %s with NoMetrics: %s", k, strings.TrimSpace(lines[0]))
		}
	}
	if m["reason"] != "ok" {
		t.Errorf("line %s", lines[0])
	}
}
