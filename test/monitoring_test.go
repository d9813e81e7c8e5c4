package test

import (
	"slices"
	"strings"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
)

// wantAlarm is one alarm as the template must have it (docs/operations.md
// justifies each threshold and period).
type wantAlarm struct {
	name, namespace, metric, statistic string
	period                             float64
	threshold                          float64
	evaluation, datapoints             float64
	dims                               string // "lb", "function", or an Outcome of the function's Requests
}

// wantAlarms are the example's alarms; its function times out after 10 s.
var wantAlarms = []wantAlarm{
	{"AuthError", "AWS/ApplicationELB", "ELBAuthError", "Sum", 300, 1, 1, 1, "lb"},
	{"AuthFailure", "AWS/ApplicationELB", "ELBAuthFailure", "Sum", 300, 10, 1, 1, "lb"},
	{"AuthLatency", "AWS/ApplicationELB", "ELBAuthLatency", "p99", 300, 3000, 3, 3, "lb"},
	{"UserClaimsTooLarge", "AWS/ApplicationELB", "ELBAuthUserClaimsSizeExceeded", "Sum", 300, 1, 1, 1, "lb"},
	{"Target5xx", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", 300, 5, 1, 1, "lb"},
	{"LoadBalancer5xx", "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "Sum", 300, 5, 1, 1, "lb"},
	{"FunctionErrors", "AWS/Lambda", "Errors", "Sum", 300, 1, 1, 1, "function"},
	{"FunctionThrottles", "AWS/Lambda", "Throttles", "Sum", 300, 1, 1, 1, "function"},
	{"FunctionDuration", "AWS/Lambda", "Duration", "p99", 300, 8000, 3, 2, "function"},
	{"Refusals", "AlbCognito", "Refusals", "Sum", 300, 25, 3, 2, "function"},
	{"KeyFetchFailed", "AlbCognito", "Requests", "Sum", 60, 1, 5, 1, identity.OutcomeKeyFetchFailed},
}

// alarmsByName returns the template's alarms by AlarmName.
func (s *synthesized) alarmsByName() map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, r := range s.resources("AWS::CloudWatch::Alarm") {
		out[props(r)["AlarmName"].(string)] = props(r)
	}
	return out
}

// TestAlarms checks every alarm of the example's stack: its metric,
// statistic, period, threshold, evaluation, dimensions, missing-data
// treatment and actions (none: the example names no alarmTopicArn).
func TestAlarms(t *testing.T) {
	s := exampleSite(t)
	lbID, _ := s.only(t, "AWS::ElasticLoadBalancingV2::LoadBalancer")
	fnID := ""
	for id := range s.resources("AWS::Lambda::Function") {
		if strings.HasPrefix(id, "Function") {
			fnID = id
		}
	}
	alarms := s.alarmsByName()
	if len(alarms) != len(wantAlarms) {
		t.Errorf("%d alarms, want %d", len(alarms), len(wantAlarms))
	}
	for _, w := range wantAlarms {
		p, ok := alarms["AlbCognitoSite-"+w.name]
		if !ok {
			t.Errorf("no alarm AlbCognitoSite-%s", w.name)
			continue
		}
		stat := p["Statistic"]
		if strings.HasPrefix(w.statistic, "p") {
			stat = p["ExtendedStatistic"]
		}
		if p["Namespace"] != w.namespace || p["MetricName"] != w.metric || stat != w.statistic || p["Period"] != w.period ||
			p["Threshold"] != w.threshold || p["ComparisonOperator"] != "GreaterThanOrEqualToThreshold" ||
			p["EvaluationPeriods"] != w.evaluation || p["DatapointsToAlarm"] != w.datapoints || p["TreatMissingData"] != "notBreaching" {
			t.Errorf("alarm %s:\n%s\nwant %+v", w.name, js(p), w)
		}
		var dims string
		switch w.dims {
		case "lb":
			dims = `[{"Name":"LoadBalancer","Value":{"Fn::GetAtt":["` + lbID + `","LoadBalancerFullName"]}}]`
		case "function":
			dims = `[{"Name":"FunctionName","Value":{"Ref":"` + fnID + `"}}]`
		default:
			dims = `[{"Name":"FunctionName","Value":{"Ref":"` + fnID + `"}},{"Name":"Outcome","Value":"` + w.dims + `"}]`
		}
		if js(p["Dimensions"]) != dims {
			t.Errorf("alarm %s: dimensions %s, want %s", w.name, js(p["Dimensions"]), dims)
		}
		if p["AlarmActions"] != nil || p["OKActions"] != nil {
			t.Errorf("alarm %s notifies %s %s without alarmTopicArn", w.name, js(p["AlarmActions"]), js(p["OKActions"]))
		}
		desc, _ := p["AlarmDescription"].(string)
		if !strings.Contains(desc, "docs/operations.md#"+strings.ToLower(w.name)) || !strings.Contains(desc, "notBreaching") {
			t.Errorf("alarm %s: description %q lacks its runbook section or its missing-data reason", w.name, desc)
		}
	}
}

// alarmTopic is the example with an alarm topic.
var alarmTopic = shared("example with alarmTopicArn", func() (*synthesized, error) {
	return synth(exampleContext(map[string]any{"alarmTopicArn": "arn:aws:sns:eu-west-1:123456789012:site-alarms"}))
})

// TestAlarmsNotifyTheTopic: with alarmTopicArn every alarm notifies the
// topic on ALARM and on OK, and the stack creates no topic.
func TestAlarmsNotifyTheTopic(t *testing.T) {
	s := alarmTopic(t)
	alarms := s.alarmsByName()
	if len(alarms) != len(wantAlarms) {
		t.Errorf("%d alarms, want %d", len(alarms), len(wantAlarms))
	}
	const want = `["arn:aws:sns:eu-west-1:123456789012:site-alarms"]`
	for name, p := range alarms {
		if js(p["AlarmActions"]) != want || js(p["OKActions"]) != want {
			t.Errorf("alarm %s: AlarmActions %s, OKActions %s, want %s", name, js(p["AlarmActions"]), js(p["OKActions"]), want)
		}
	}
	if n := len(s.resources("AWS::SNS::Topic")); n != 0 {
		t.Errorf("the stack creates %d topics", n)
	}
}

// TestAlarmsPerStage: each stage's stack has its own alarms, named after
// it, on its own function's metrics.
func TestAlarmsPerStage(t *testing.T) {
	for _, s := range exampleStages(t) {
		alarms := s.alarmsByName()
		if len(alarms) != len(wantAlarms) {
			t.Errorf("%s: %d alarms", *s.site.Stack.StackName(), len(alarms))
		}
		for _, w := range wantAlarms {
			if _, ok := alarms[*s.site.Stack.StackName()+"-"+w.name]; !ok {
				t.Errorf("%s: no alarm %s", *s.site.Stack.StackName(), w.name)
			}
		}
	}
}

// TestDashboard: one dashboard per stack, with an alarm status widget of
// every alarm, sign-ins, requests by outcome, refusals by reason, latency
// and errors.
func TestDashboard(t *testing.T) {
	s := exampleSite(t)
	_, d := s.only(t, "AWS::CloudWatch::Dashboard")
	p := props(d)
	if p["DashboardName"] != "AlbCognitoSite-eu-west-1" {
		t.Errorf("DashboardName %v", p["DashboardName"])
	}
	body := js(p["DashboardBody"])
	for _, want := range []string{`\"type\":\"alarm\"`, "Sign-ins at the load balancer", "ELBAuthSuccess", "ELBAuthRefreshTokenSuccess",
		"Requests the function passed on, by outcome", "Refusals by the function, by reason", "Latency (ms)", "ELBAuthLatency",
		"VerifyLatency", "Errors (per 5 minutes)", "HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count", "Throttles"} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard lacks %s", want)
		}
	}
	for _, o := range identity.Outcomes() {
		if !strings.Contains(body, `\"Outcome\",\"`+o+`\"`) {
			t.Errorf("dashboard lacks outcome %s", o)
		}
	}
	// The status widget lists every alarm (by its ARN, Fn::GetAtt).
	for id := range s.resources("AWS::CloudWatch::Alarm") {
		if !strings.Contains(body, `{"Fn::GetAtt":["`+id+`","Arn"]}`) {
			t.Errorf("the alarm status widget lacks %s", id)
		}
	}
}

// TestQueries: the saved Logs Insights queries search the function's log
// group.
func TestQueries(t *testing.T) {
	s := exampleSite(t)
	logs := ""
	for id := range s.resources("AWS::Logs::LogGroup") {
		if strings.HasPrefix(id, "FunctionLogs") {
			logs = id
		}
	}
	want := map[string][]string{
		"AlbCognitoSite/refusals-by-reason-and-route": {`filter msg = "request" and Refusals = 1`, "stats count(*) as refusals by Outcome, reason, route", "sort refusals desc"},
		"AlbCognitoSite/one-users-requests-by-sub":    {`filter msg = "request" and sub = "REPLACE-WITH-THE-USERS-SUB"`, "sort @timestamp desc", "limit 100"},
		"AlbCognitoSite/slowest-requests":             {"fields @timestamp, VerifyLatency", "sort VerifyLatency desc", "limit 50"},
		"AlbCognitoSite/key-fetch-failures":           {`filter msg = "request" and Outcome = "key_fetch_failed"`, "detail"},
	}
	got := map[string]map[string]any{}
	for _, r := range s.resources("AWS::Logs::QueryDefinition") {
		got[props(r)["Name"].(string)] = props(r)
	}
	if len(got) != len(want) {
		t.Errorf("%d queries, want %d", len(got), len(want))
	}
	for name, parts := range want {
		p, ok := got[name]
		if !ok {
			t.Errorf("no query %s", name)
			continue
		}
		if js(p["LogGroupNames"]) != `[{"Ref":"`+logs+`"}]` {
			t.Errorf("query %s searches %s", name, js(p["LogGroupNames"]))
		}
		q, _ := p["QueryString"].(string)
		for _, part := range parts {
			if !strings.Contains(q, part) {
				t.Errorf("query %s lacks %q:\n%s", name, part, q)
			}
		}
	}
}

// TestFunctionLogsCarryMetrics: the function's log format is JSON (its
// log line, already JSON, reaches CloudWatch Logs as written, where the
// embedded metrics are extracted) and no application log level filters
// out the INFO request lines that carry most of them.
func TestFunctionLogsCarryMetrics(t *testing.T) {
	s := exampleSite(t)
	for id, r := range s.resources("AWS::Lambda::Function") {
		if !strings.HasPrefix(id, "Function") {
			continue
		}
		lc, _ := props(r)["LoggingConfig"].(map[string]any)
		if lc["LogFormat"] != "JSON" {
			t.Errorf("LogFormat %v, want JSON", lc["LogFormat"])
		}
		if lvl, set := lc["ApplicationLogLevel"]; set && !slices.Contains([]any{"TRACE", "DEBUG", "INFO"}, lvl) {
			t.Errorf("ApplicationLogLevel %v drops the INFO request lines and their metrics", lvl)
		}
	}
}
