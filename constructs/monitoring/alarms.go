package monitoring

import (
	"fmt"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
)

// Where an alarm's metric comes from; the construct fills in the
// dimensions: the load balancer, the function, or the function and one
// outcome.
const (
	SourceLoadBalancer = "load balancer"
	SourceFunction     = "function"
	SourceMiddleware   = "middleware"
)

// Namespaces of the metrics the alarms watch.
const (
	NamespaceALB    = "AWS/ApplicationELB"
	NamespaceLambda = "AWS/Lambda"
)

// AlarmSpec is one alarm, as plain data: what it watches, when it fires and
// why there. The construct makes one CloudWatch alarm of each; the runbook
// (docs/operations.md) has a section per Name, and a test keeps the two in
// step.
type AlarmSpec struct {
	// Name ends the alarm's name (<stack name>-<Name>) and is the runbook's
	// heading for it.
	Name string
	// Source is SourceLoadBalancer, SourceFunction or SourceMiddleware.
	Source string
	// Namespace and Metric name the metric; Outcome, for SourceMiddleware's
	// Requests, is its Outcome dimension.
	Namespace, Metric, Outcome string
	// Statistic is "Sum" or a percentile such as "p99".
	Statistic string
	// Period is the statistic's period.
	Period time.Duration
	// Threshold: the alarm fires when the statistic is at or above it
	// (GreaterThanOrEqualToThreshold) in DatapointsToAlarm of the last
	// EvaluationPeriods periods.
	Threshold                            float64
	EvaluationPeriods, DatapointsToAlarm int
	// Meaning says what the alarm means.
	Meaning string
	// Why justifies the threshold and the period in one line.
	Why string
}

// MissingData is every alarm's treatment of periods without data:
// notBreaching, since each watched metric has data only while there is
// traffic. The load balancer "reports metrics to CloudWatch only when
// requests are flowing through the load balancer" and its counts only when
// "there is a nonzero value" (CloudWatch metrics for your Application Load
// Balancer); Lambda publishes invocation metrics per invocation; the
// function's own metrics ride on its request log lines. A quiet site is a
// healthy one, not an unknown one.
const MissingData = "notBreaching"

// MissingDataWhy is MissingData's justification, for the alarms'
// descriptions.
const MissingDataWhy = "no data is no traffic, so missing data is notBreaching"

// Alarms returns the alarms of a stack whose function times out after
// timeout, in the order the dashboard shows them.
func Alarms(timeout time.Duration) []AlarmSpec {
	const five = 5 * time.Minute
	durationMs := float64(timeout.Milliseconds()) * 0.8
	return []AlarmSpec{
		{
			Name: "AuthError", Source: SourceLoadBalancer, Namespace: NamespaceALB, Metric: "ELBAuthError",
			Statistic: "Sum", Period: five, Threshold: 1, EvaluationPeriods: 1, DatapointsToAlarm: 1,
			Meaning: "The load balancer could not complete a sign-in: the authenticate action is misconfigured, Cognito's endpoints could not be reached, or the load balancer failed internally.",
			Why:     "Any one: each is a user who could not sign in through no fault of their own; a 5-minute sum turns a burst into one notification.",
		},
		{
			Name: "AuthFailure", Source: SourceLoadBalancer, Namespace: NamespaceALB, Metric: "ELBAuthFailure",
			Statistic: "Sum", Period: five, Threshold: 10, EvaluationPeriods: 1, DatapointsToAlarm: 1,
			Meaning: "Cognito denied sign-ins, or the load balancer refused an authorization code used twice or an invalid state or cookie.",
			Why:     "10 in 5 minutes: a back button or a stale sign-in tab causes a few by accident; ten is a broken client setting, a pool refusing users, or replayed codes.",
		},
		{
			Name: "AuthLatency", Source: SourceLoadBalancer, Namespace: NamespaceALB, Metric: "ELBAuthLatency",
			Statistic: "p99", Period: five, Threshold: 3000, EvaluationPeriods: 3, DatapointsToAlarm: 3,
			Meaning: "The load balancer's calls to Cognito's token and user-info endpoints during sign-in are slow.",
			Why:     "p99 of 3000 ms in three 5-minute periods in a row: those calls normally take a fraction of a second, and with few sign-ins a p99 is nearly the maximum, so one slow sign-in must not alarm.",
		},
		{
			Name: "UserClaimsTooLarge", Source: SourceLoadBalancer, Namespace: NamespaceALB, Metric: "ELBAuthUserClaimsSizeExceeded",
			Statistic: "Sum", Period: five, Threshold: 1, EvaluationPeriods: 1, DatapointsToAlarm: 1,
			Meaning: "A user's claims and access token exceeded the load balancer's 11K bytes: the user got HTTP 500 instead of a session.",
			Why:     "Any one: that user gets HTTP 500 on every attempt until their claims (usually groups) shrink.",
		},
		{
			Name: "Target5xx", Source: SourceLoadBalancer, Namespace: NamespaceALB, Metric: "HTTPCode_Target_5XX_Count",
			Statistic: "Sum", Period: five, Threshold: 5, EvaluationPeriods: 1, DatapointsToAlarm: 1,
			Meaning: "The function answered with 5xx statuses: its own 503 when a signing key cannot be fetched, or the application's errors.",
			Why:     "5 in 5 minutes: one can be a single bad request; five is a failing dependency or a bug.",
		},
		{
			Name: "LoadBalancer5xx", Source: SourceLoadBalancer, Namespace: NamespaceALB, Metric: "HTTPCode_ELB_5XX_Count",
			Statistic: "Sum", Period: five, Threshold: 5, EvaluationPeriods: 1, DatapointsToAlarm: 1,
			Meaning: "The load balancer itself answered 5xx: 502 when the function failed, was throttled, timed out or answered too much; 500 when Cognito could not be reached or claims were too large; 503 with no target.",
			Why:     "5 in 5 minutes: none is the user's fault, but one can be a passing network or cold-start blip; five is an outage starting.",
		},
		{
			Name: "FunctionErrors", Source: SourceFunction, Namespace: NamespaceLambda, Metric: "Errors",
			Statistic: "Sum", Period: five, Threshold: 1, EvaluationPeriods: 1, DatapointsToAlarm: 1,
			Meaning: "Lambda invocations failed: the function crashed, timed out or ran out of memory (the load balancer answered 502).",
			Why:     "Any one: the function answers its own failures (and the application's panics) as HTTP responses, so a Lambda error is a crash, a timeout or out of memory.",
		},
		{
			Name: "FunctionThrottles", Source: SourceFunction, Namespace: NamespaceLambda, Metric: "Throttles",
			Statistic: "Sum", Period: five, Threshold: 1, EvaluationPeriods: 1, DatapointsToAlarm: 1,
			Meaning: "Lambda throttled invocations: the function's reserved concurrency or the account's concurrency was used up (the load balancer answered 502).",
			Why:     "Any one: each throttle is a user's request answered 502.",
		},
		{
			Name: "FunctionDuration", Source: SourceFunction, Namespace: NamespaceLambda, Metric: "Duration",
			Statistic: "p99", Period: five, Threshold: durationMs, EvaluationPeriods: 3, DatapointsToAlarm: 2,
			Meaning: fmt.Sprintf("The slowest requests take close to the function's timeout (%s): a few more milliseconds and they time out as 502s.", timeout),
			Why: fmt.Sprintf("p99 at or above 80%% of the timeout (%.0f ms) in two of three 5-minute periods: the middleware's own work takes milliseconds "+
				"and its key fetch is capped at 3 s, so this is the application or a dependency hanging; two periods so that one slow cold start does not alarm.", durationMs),
		},
		{
			Name: "Refusals", Source: SourceMiddleware, Namespace: identity.MetricNamespace, Metric: identity.MetricRefusals,
			Statistic: "Sum", Period: five, Threshold: 25, EvaluationPeriods: 3, DatapointsToAlarm: 2,
			Meaning: "The function refused many requests the load balancer had let through: missing groups or scopes, invalid tokens, refused paths, disagreements with the load balancer.",
			Why: "25 in 5 minutes, in two of three periods: a signed-in user following a link they may not use is normal, 5 a minute for 10 minutes is probing, a role change that " +
				"locked people out or a route the load balancer and the function disagree on; M out of N because embedded metrics arrive with Lambda's log flush.",
		},
		{
			Name: "KeyFetchFailed", Source: SourceMiddleware, Namespace: identity.MetricNamespace, Metric: identity.MetricRequests, Outcome: identity.OutcomeKeyFetchFailed,
			Statistic: "Sum", Period: time.Minute, Threshold: 1, EvaluationPeriods: 5, DatapointsToAlarm: 1,
			Meaning: "The function answered 503 because it could not fetch the load balancer's signing key or the user pool's key set.",
			Why: "Any one, in any of the last five 1-minute periods: every user whose token names that key is locked out; five periods (M out of N) " +
				"so that a data point that arrives late with Lambda's log flush still alarms.",
		},
	}
}
