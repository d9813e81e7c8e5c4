package identity_test

import (
	"encoding/json"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/internal/emfcheck"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
)

// requestLines returns the "request" log lines, raw, in order.
func requestLines(t *testing.T, logs string) []string {
	t.Helper()
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(logs), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line is not JSON: %v\n%s", err, l)
		}
		if m["msg"] == "request" {
			out = append(out, l)
		}
	}
	return out
}

// CheckRequestMetrics checks one request's log line as an embedded metric
// format document (emfcheck applies the specification's rules) and as this
// middleware's: namespace AlbCognito; Requests (Count) by FunctionName and
// Outcome; Refusals (Count) and VerifyLatency (Milliseconds) by
// FunctionName; nothing else, and so never the subject, the path or the
// raw reason as a dimension.
func checkRequestMetrics(t *testing.T, line, function, outcome string) {
	t.Helper()
	doc, err := emfcheck.Check([]byte(line))
	if err != nil {
		t.Fatalf("the log line is not an EMF document: %v\n%s", err, line)
	}
	if d := time.Since(doc.Timestamp); d < 0 || d > time.Minute {
		t.Errorf("_aws.Timestamp %v is not the request's time", doc.Timestamp)
	}
	refused := 0.0
	if identity.Refused(outcome) {
		refused = 1
	}
	want := map[string]emfcheck.Metric{
		identity.MetricRequests: {Namespace: identity.MetricNamespace, Name: identity.MetricRequests, Unit: "Count",
			Dimensions: map[string]string{identity.DimensionFunctionName: function, identity.DimensionOutcome: outcome}, Value: 1},
		identity.MetricRefusals: {Namespace: identity.MetricNamespace, Name: identity.MetricRefusals, Unit: "Count",
			Dimensions: map[string]string{identity.DimensionFunctionName: function}, Value: refused},
		identity.MetricVerifyLatency: {Namespace: identity.MetricNamespace, Name: identity.MetricVerifyLatency, Unit: "Milliseconds",
			Dimensions: map[string]string{identity.DimensionFunctionName: function}},
	}
	if len(doc.Metrics) != len(want) {
		t.Errorf("%d metrics, want %d: %+v", len(doc.Metrics), len(want), doc.Metrics)
	}
	for name, w := range want {
		got := doc.Find(name)
		if len(got) != 1 {
			t.Errorf("metric %s published %d times, want once: %+v", name, len(got), got)
			continue
		}
		g := got[0]
		if name == identity.MetricVerifyLatency {
			if g.Value < 0 || g.Value > 60000 {
				t.Errorf("VerifyLatency %v ms", g.Value)
			}
			w.Value = g.Value
		}
		if g.Namespace != w.Namespace || g.Unit != w.Unit || g.Value != w.Value || !maps.Equal(g.Dimensions, w.Dimensions) {
			t.Errorf("metric %s = %+v, want %+v", name, g, w)
		}
	}
	for _, m := range doc.Metrics {
		for k := range m.Dimensions {
			if k != identity.DimensionFunctionName && k != identity.DimensionOutcome {
				t.Errorf("metric %s has dimension %s", m.Name, k)
			}
		}
	}
	if !slices.Contains(identity.Outcomes(), outcome) {
		t.Errorf("outcome %s is not one of Outcomes", outcome)
	}
	// The line is still the request's log line.
	for _, k := range []string{"status", "reason", "method", "path"} {
		if _, ok := doc.Root[k]; !ok {
			t.Errorf("the line lost its %s", k)
		}
	}
}

// TestLogLineIsEMF sends requests of several outcomes through the
// middleware and checks that each one's single log line is an EMF document
// publishing its outcome's count and the verify latency.
func TestLogLineIsEMF(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		o       fixtureOpts
		path    string
		groups  []string
		badUser bool
		status  int
		outcome string
	}{
		{"ok", fixtureOpts{}, "/admin/users", []string{"admins"}, false, 200, identity.OutcomeOK},
		{"group missing", fixtureOpts{}, "/admin/users", nil, false, 403, identity.OutcomeGroupMissing},
		{"token invalid", fixtureOpts{}, "/", nil, true, 401, identity.OutcomeTokenInvalid},
		{"path refused", fixtureOpts{}, "/a//b", nil, false, 400, identity.OutcomePathRefused},
		{"key fetch failed", fixtureOpts{keysDown: true}, "/", nil, false, 503, identity.OutcomeKeyFetchFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, tc.o)
			r := httptest.NewRequest("GET", tc.path, nil)
			tok := f.userToken(t, albsim.User{})
			if tc.badUser {
				tok = tok[:len(tok)-4] + "AAAA"
			}
			r.Header.Set(identity.HeaderUserClaims, tok)
			r.Header.Set(identity.HeaderAccessToken, f.accessToken(t, albsim.Access{Groups: tc.groups}))
			w := httptest.NewRecorder()
			f.mw.Handler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(200) })).
				ServeHTTP(w, albsim.ForwardHTTP(f.mw.Routes(), r))
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d", w.Code, tc.status)
			}
			lines := requestLines(t, f.logs.String())
			if len(lines) != 1 {
				t.Fatalf("%d request lines, want one:\n%s", len(lines), f.logs.String())
			}
			checkRequestMetrics(t, lines[0], "local", tc.outcome)
		})
	}
}

// TestMetricsFunctionName: the FunctionName dimension is the function's
// name from AWS_LAMBDA_FUNCTION_NAME, which Lambda sets.
func TestMetricsFunctionName(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	cfg := f.cfg
	cfg.FunctionName = "prod-AlbCognitoSite-Function76856677-AbCdEf"
	logs := &lockedBuffer{}
	mw, err := identity.FromConfig(cfg, identity.Options{Logger: slog.New(slog.NewJSONHandler(logs, nil))})
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
	checkRequestMetrics(t, lines[0], cfg.FunctionName, identity.OutcomeOK)

	table, err := f.cfg.Routes.JSON()
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		identity.EnvALBARN: f.cfg.Token.ALBARN, identity.EnvClientID: f.cfg.Token.ClientID, identity.EnvIssuer: f.cfg.Token.Issuer,
		identity.EnvUserPoolDomain: testDomain, identity.EnvAppURL: testAppURL, identity.EnvTargetGroupPrefix: albsim.TargetGroupPrefix,
		identity.EnvRouteTable: string(table), identity.EnvFunctionName: "my-function",
	}
	got, err := identity.ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil || got.FunctionName != "my-function" {
		t.Errorf("ConfigFromEnv: FunctionName %q, %v", got.FunctionName, err)
	}
}
