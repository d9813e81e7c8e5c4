package identity

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// The request's log line is also a CloudWatch embedded metric format (EMF)
// document: CloudWatch Logs extracts metrics from any log event that holds
// an _aws member with a Timestamp and CloudWatchMetrics directives, whose
// dimensions and metrics name other top-level members of the same event
// ("Specification: Embedded metric format", Amazon CloudWatch User Guide,
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
// The function's log group receives the line as written: it is already JSON,
// which Lambda's JSON log format does not encode again. So each request
// publishes, without any API call:
//
//   - Requests (Count, 1) by FunctionName and Outcome: a count per outcome;
//   - Refusals (Count, 1 when the middleware refused the request, else 0)
//     and VerifyLatency (Milliseconds) by FunctionName.
//
// Outcome is one of the fixed set Outcomes returns, never a raw reason, a
// path or a subject, so the metrics stay few (one per outcome seen, plus
// two) whatever the traffic.
const (
	// MetricNamespace is the namespace of the function's metrics.
	MetricNamespace = "AlbCognito"
	// MetricRequests counts requests, by FunctionName and Outcome.
	MetricRequests = "Requests"
	// MetricRefusals is 1 for a request the middleware refused (every
	// outcome but OutcomeOK, OutcomeAnonymous, OutcomeLogout and
	// OutcomeReauth), else 0, by FunctionName: its Sum counts refusals.
	MetricRefusals = "Refusals"
	// MetricVerifyLatency is the time from the request's arrival at the
	// middleware until it was handed to the application or refused, in
	// milliseconds, by FunctionName: the checks, including any key fetch.
	MetricVerifyLatency = "VerifyLatency"
	// DimensionFunctionName is the function's name (EnvFunctionName), so
	// that stages in one account and region keep their own metrics.
	DimensionFunctionName = "FunctionName"
	// DimensionOutcome is the request's outcome, one of Outcomes.
	DimensionOutcome = "Outcome"
	// EnvFunctionName is the variable Lambda sets to the function's name;
	// Config.FunctionName reads it. Without one the dimension is "local".
	EnvFunctionName = "AWS_LAMBDA_FUNCTION_NAME"
)

// Outcomes of a request, as the metrics and the log line's Outcome name them.
const (
	OutcomeOK                 = "ok"                   // the application answered (any status)
	OutcomeAnonymous          = "anonymous"            // an allow route without a session: the application answered
	OutcomeLogout             = "logout"               // signed out
	OutcomeReauth             = "reauth"               // the access token had expired: sent to sign in again
	OutcomeTokenMissing       = "token_missing"        // no user claims, access token or bearer token where one is required
	OutcomeTokenInvalid       = "token_invalid"        // a token that did not verify, a duplicate header, tokens of two users
	OutcomeGroupMissing       = "group_missing"        // 403: not in one of the route's groups (or the group claim held none: group_claim_invalid)
	OutcomeScopeMissing       = "scope_missing"        // 403: the token lacks a scope the route requires
	OutcomeClientNotAllowed   = "client_not_allowed"   // 403: a machine client the route does not list
	OutcomeCrossOrigin        = "cross_origin"         // 403: an unsafe method with a session, from another origin
	OutcomePathRefused        = "path_refused"         // 400: a path that is not canonical
	OutcomeRouteMismatch      = "route_mismatch"       // 400: the load balancer's rule and the function's route disagree
	OutcomeTargetGroupRefused = "target_group_refused" // 403: not from one of this site's target groups
	OutcomeKeyFetchFailed     = "key_fetch_failed"     // 503: a signing key could not be fetched
	OutcomeOther              = "other"                // a reason this list does not know yet
)

// Outcomes returns every outcome, the ones that are not refusals first.
func Outcomes() []string {
	return []string{OutcomeOK, OutcomeAnonymous, OutcomeLogout, OutcomeReauth,
		OutcomeTokenMissing, OutcomeTokenInvalid, OutcomeGroupMissing, OutcomeScopeMissing, OutcomeClientNotAllowed,
		OutcomeCrossOrigin, OutcomePathRefused, OutcomeRouteMismatch, OutcomeTargetGroupRefused, OutcomeKeyFetchFailed, OutcomeOther}
}

// Refused reports whether an outcome is a refusal by the middleware.
func Refused(outcome string) bool {
	switch outcome {
	case OutcomeOK, OutcomeAnonymous, OutcomeLogout, OutcomeReauth:
		return false
	}
	return true
}

// outcomeOf maps a log line's status and reason to its Outcome.
func outcomeOf(status int, reason string) string {
	switch {
	case reason == "ok":
		return OutcomeOK
	case reason == "anonymous":
		return OutcomeAnonymous
	case reason == "logout":
		return OutcomeLogout
	case reason == "access_expired_reauth":
		return OutcomeReauth
	case status == http.StatusServiceUnavailable:
		return OutcomeKeyFetchFailed
	case strings.HasPrefix(reason, "target_group_"):
		return OutcomeTargetGroupRefused
	case reason == "route_mismatch":
		return OutcomeRouteMismatch
	case strings.HasPrefix(reason, "path_"):
		return OutcomePathRefused
	case reason == "group_missing", reason == "group_claim_invalid":
		// A group claim that holds no list of groups leaves the user in none.
		return OutcomeGroupMissing
	case reason == "scope_missing":
		return OutcomeScopeMissing
	case reason == "client_not_allowed":
		return OutcomeClientNotAllowed
	case reason == "cross_origin":
		return OutcomeCrossOrigin
	case reason == "token_missing", reason == "access_token_missing", reason == "bearer_missing", reason == "bearer_wrong_scheme":
		return OutcomeTokenMissing
	case status == http.StatusUnauthorized:
		return OutcomeTokenInvalid
	}
	return OutcomeOther
}

// emfMetric and emfDirective are the specification's MetricDefinition and
// MetricDirective objects.
type emfMetric struct {
	Name string `json:"Name"`
	Unit string `json:"Unit"`
}

type emfDirective struct {
	Namespace  string      `json:"Namespace"`
	Dimensions [][]string  `json:"Dimensions"`
	Metrics    []emfMetric `json:"Metrics"`
}

// emfDirectives is the value of _aws.CloudWatchMetrics, the same for every
// request: New makes it once. (Encoded by reflection it costs a request
// less than the same JSON as a json.RawMessage, which encoding/json
// re-validates each time.)
var emfDirectives = slog.AnyValue(emfDirectiveList{
	{MetricNamespace, [][]string{{DimensionFunctionName, DimensionOutcome}}, []emfMetric{{MetricRequests, "Count"}}},
	{MetricNamespace, [][]string{{DimensionFunctionName}}, []emfMetric{{MetricRefusals, "Count"}, {MetricVerifyLatency, "Milliseconds"}}},
})

// emfDirectiveList is CloudWatchMetrics' value. A text handler (the
// preview's) prints it as its JSON too, through String.
type emfDirectiveList []emfDirective

func (l emfDirectiveList) String() string {
	b, err := json.Marshal([]emfDirective(l))
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// addMetrics adds the embedded metric format members to the request's log
// record: _aws (the record's time in epoch milliseconds and the
// directives), the two dimensions and the three metric values; nothing
// with Options.NoMetrics.
func (m *Middleware) addMetrics(rec *slog.Record, out outcome) {
	if m.noMetrics {
		return
	}
	o := outcomeOf(out.status, out.reason)
	refused := 0
	if Refused(o) {
		refused = 1
	}
	rec.AddAttrs(
		slog.Attr{Key: "_aws", Value: slog.GroupValue(slog.Int64("Timestamp", rec.Time.UnixMilli()), slog.Attr{Key: "CloudWatchMetrics", Value: emfDirectives})},
		m.functionName,
		slog.String(DimensionOutcome, o),
		slog.Int(MetricRequests, 1),
		slog.Int(MetricRefusals, refused),
		slog.Float64(MetricVerifyLatency, float64(out.verify.Microseconds())/1000),
	)
}

// handoff is the application as decide sees it: it notes when the request
// was handed over, which ends VerifyLatency.
type handoff struct {
	next http.Handler
	at   time.Time
}

func (h *handoff) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.at = time.Now()
	h.next.ServeHTTP(w, r)
}
