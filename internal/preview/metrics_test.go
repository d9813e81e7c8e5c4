package preview

import (
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/internal/emfcheck"
	"github.com/alb-cognito/alb-cognito-cdk/internal/syncbuf"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
)

// TestRequestLineCarriesMetrics: the preview runs the function's own
// middleware, so each request's log line in its output is the embedded
// metric format document the function writes to CloudWatch Logs, with
// FunctionName "preview" (as internal/lambdarun sets AWS_LAMBDA_FUNCTION_NAME).
func TestRequestLineCarriesMetrics(t *testing.T) {
	t.Parallel()
	logs := &syncbuf.Buffer{}
	o := exampleRoutes(t)
	o.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	s := start(t, o)
	for path, outcome := range map[string]string{"": identity.OutcomeOK, "admin": identity.OutcomeGroupMissing} {
		before := len(strings.Split(logs.String(), "\n"))
		get(t, s.URL+path, "Accept", "application/json")
		var line string
		for _, l := range strings.Split(logs.String(), "\n")[before-1:] {
			var m map[string]any
			if json.Unmarshal([]byte(l), &m) == nil && m["msg"] == "request" {
				line = l
			}
		}
		if line == "" {
			t.Fatalf("%s: no request line in the preview's output:\n%s", path, logs.String())
		}
		doc, err := emfcheck.Check([]byte(line))
		if err != nil {
			t.Fatalf("%s: the request line is not an EMF document: %v\n%s", path, err, line)
		}
		req := doc.Find(identity.MetricRequests)
		if len(req) != 1 || req[0].Dimensions[identity.DimensionOutcome] != outcome || req[0].Dimensions[identity.DimensionFunctionName] != "preview" ||
			req[0].Namespace != identity.MetricNamespace {
			t.Errorf("%s: Requests %+v, want outcome %s of function preview", path, req, outcome)
		}
		if lat := doc.Find(identity.MetricVerifyLatency); len(lat) != 1 || lat[0].Unit != "Milliseconds" {
			t.Errorf("%s: VerifyLatency %+v", path, lat)
		}
	}
}
