// Package monitoring operates a site of the albauth construct: CloudWatch
// alarms on the load balancer's sign-ins and errors, on the function's
// errors, throttles and duration and on the middleware's own metrics
// (lambda/identity: refusals and key-fetch failures), a dashboard, and saved
// Logs Insights queries on the function's log group. docs/operations.md is
// the runbook, one section per alarm.
//
// Every alarm exists whether or not it notifies anyone: with Props.Topic it
// notifies the topic on entering ALARM and on returning to OK.
package monitoring

import (
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	elb "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/interfaces/interfacesawscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/interfaces/interfacesawslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
)

// RunbookPath is the runbook, relative to the repository's root; each alarm's
// description points at its section.
const RunbookPath = "docs/operations.md"

// Props configures the monitoring of one site.
type Props struct {
	// Name prefixes the alarms', the dashboard's and the queries' names,
	// which must be unique in the account and region: the stack's name.
	// Required.
	Name string
	// LoadBalancer is the site's load balancer, created or imported; its
	// metrics' LoadBalancer dimension (app/<name>/<id>) comes from its ARN.
	// On a load balancer shared with other sites its metrics are the whole
	// load balancer's: see docs/shared-listener.md. Required.
	LoadBalancer elb.IApplicationLoadBalancer
	// Function is the function behind it, running lambda/identity's
	// middleware. Nil when the target is an existing target group: then
	// there are no function or middleware alarms, widgets or queries.
	Function awslambda.Function
	// FunctionTimeout is the function's timeout; the duration alarm fires
	// near it. Required with Function.
	FunctionTimeout time.Duration
	// LogGroup is the function's log group, which the queries search.
	// Required with Function.
	LogGroup awslogs.ILogGroup
	// Topic, when set, is notified when an alarm enters ALARM and when it
	// returns to OK.
	Topic awssns.ITopic
}

// Monitoring is what New made.
type Monitoring struct {
	// Alarms are the alarms, in the order of Specs.
	Alarms []awscloudwatch.Alarm
	// Specs describe the alarms (Alarms(FunctionTimeout)).
	Specs     []AlarmSpec
	Dashboard awscloudwatch.Dashboard
	Queries   []awslogs.QueryDefinition
}

// New adds the alarms, the dashboard and the queries to scope.
func New(scope constructs.Construct, id string, p *Props) *Monitoring {
	if p == nil || p.Name == "" || p.LoadBalancer == nil || (p.Function != nil && (p.FunctionTimeout <= 0 || p.LogGroup == nil)) {
		panic(fmt.Sprintf("monitoring %s: Name and LoadBalancer are required, and FunctionTimeout and LogGroup with Function", id))
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	m := &Monitoring{}
	for _, s := range Alarms(p.FunctionTimeout) {
		if p.Function != nil || s.Source == SourceLoadBalancer {
			m.Specs = append(m.Specs, s)
		}
	}
	var action awscloudwatch.IAlarmAction
	if p.Topic != nil {
		action = awscloudwatchactions.NewSnsAction(p.Topic)
	}
	for _, s := range m.Specs {
		metric := metricOf(p, s)
		alarm := metric.CreateAlarm(c, jsii.String(s.Name), &awscloudwatch.CreateAlarmOptions{
			AlarmName:          jsii.String(p.Name + "-" + s.Name),
			AlarmDescription:   jsii.String(description(s)),
			Threshold:          jsii.Number(s.Threshold),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
			EvaluationPeriods:  jsii.Number(float64(s.EvaluationPeriods)),
			DatapointsToAlarm:  jsii.Number(float64(s.DatapointsToAlarm)),
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		})
		if action != nil {
			alarm.AddAlarmAction(action)
			alarm.AddOkAction(action)
		}
		m.Alarms = append(m.Alarms, alarm)
	}
	m.Dashboard = dashboard(c, p, m.Alarms)
	if p.Function != nil {
		m.Queries = queries(c, p)
	}
	return m
}

// description is an alarm's AlarmDescription: what it means, why it fires
// where it does, and where the runbook is.
func description(s AlarmSpec) string {
	return s.Meaning + " Fires at " + s.Why + " Missing data: " + MissingDataWhy + ". Runbook: " + RunbookPath + "#" + strings.ToLower(s.Name) + "."
}

// metricOf is the CloudWatch metric an alarm watches.
func metricOf(p *Props, s AlarmSpec) awscloudwatch.Metric {
	opts := &awscloudwatch.MetricOptions{Statistic: jsii.String(s.Statistic), Period: awscdk.Duration_Seconds(jsii.Number(s.Period.Seconds()))}
	switch s.Source {
	case SourceLoadBalancer:
		return p.LoadBalancer.Metrics().Custom(jsii.String(s.Metric), opts)
	case SourceFunction:
		return p.Function.Metric(jsii.String(s.Metric), opts)
	case SourceMiddleware:
		return middlewareMetric(p, s.Metric, s.Outcome, opts)
	}
	panic("monitoring: unknown source " + s.Source)
}

// middlewareMetric is one of the function's embedded metrics
// (lambda/identity): by FunctionName, and by Outcome when one is given.
func middlewareMetric(p *Props, name, outcome string, opts *awscloudwatch.MetricOptions) awscloudwatch.Metric {
	dims := map[string]*string{identity.DimensionFunctionName: p.Function.FunctionName()}
	if outcome != "" {
		dims[identity.DimensionOutcome] = jsii.String(outcome)
	}
	return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
		Namespace: jsii.String(identity.MetricNamespace), MetricName: jsii.String(name), DimensionsMap: &dims,
		Statistic: opts.Statistic, Period: opts.Period, Label: opts.Label,
	})
}

// dashboard is the site's dashboard: every alarm's state and the load
// balancer's sign-ins; with a function, its requests by outcome and its
// refusals by reason, latency and errors; without one, the load balancer's
// latency and errors.
func dashboard(scope constructs.Construct, p *Props, alarms []awscloudwatch.Alarm) awscloudwatch.Dashboard {
	five := awscdk.Duration_Minutes(jsii.Number(5))
	sum := func(label string, m awscloudwatch.Metric) awscloudwatch.IMetric {
		return m.With(&awscloudwatch.MetricOptions{Statistic: jsii.String("Sum"), Period: five, Label: jsii.String(label)})
	}
	stat := func(label, statistic string, m awscloudwatch.Metric) awscloudwatch.IMetric {
		return m.With(&awscloudwatch.MetricOptions{Statistic: jsii.String(statistic), Period: five, Label: jsii.String(label)})
	}
	lb := p.LoadBalancer.Metrics()
	alb := func(name string) awscloudwatch.Metric { return lb.Custom(jsii.String(name), nil) }
	// stacked nil leaves the widget's default (lines).
	graph := func(title string, stacked *bool, metrics ...awscloudwatch.IMetric) awscloudwatch.IWidget {
		return awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{Title: jsii.String(title), Left: &metrics, Stacked: stacked,
			Width: jsii.Number(12), Height: jsii.Number(6)})
	}
	refs := make([]interfacesawscloudwatch.IAlarmRef, len(alarms))
	for i, a := range alarms {
		refs[i] = a
	}
	signIns := func(stacked *bool) awscloudwatch.IWidget {
		return graph("Sign-ins at the load balancer (per 5 minutes)", stacked,
			sum("signed in", alb("ELBAuthSuccess")), sum("session refreshed", alb("ELBAuthRefreshTokenSuccess")),
			sum("failed (ELBAuthFailure)", alb("ELBAuthFailure")), sum("error (ELBAuthError)", alb("ELBAuthError")),
			sum("claims too large", alb("ELBAuthUserClaimsSizeExceeded")))
	}
	rows := []*[]awscloudwatch.IWidget{
		{awscloudwatch.NewAlarmStatusWidget(&awscloudwatch.AlarmStatusWidgetProps{Title: jsii.String("Alarms (runbook: " + RunbookPath + ")"),
			Alarms: &refs, Width: jsii.Number(24), Height: jsii.Number(4)})},
	}
	if p.Function == nil {
		rows = append(rows, &[]awscloudwatch.IWidget{
			signIns(nil),
			graph("Latency and errors", nil,
				stat("sign-in calls to Cognito p99 (ms)", "p99", alb("ELBAuthLatency")),
				sum("target 5xx", alb("HTTPCode_Target_5XX_Count")), sum("load balancer 5xx", alb("HTTPCode_ELB_5XX_Count"))),
		})
	} else {
		fn := func(name string) awscloudwatch.Metric { return p.Function.Metric(jsii.String(name), nil) }
		outcome := func(o string) awscloudwatch.IMetric {
			return middlewareMetric(p, identity.MetricRequests, o, &awscloudwatch.MetricOptions{Statistic: jsii.String("Sum"), Period: five, Label: jsii.String(o)})
		}
		var passed, refused []awscloudwatch.IMetric
		for _, o := range identity.Outcomes() {
			if identity.Refused(o) {
				refused = append(refused, outcome(o))
			} else {
				passed = append(passed, outcome(o))
			}
		}
		verify := func(statistic string) awscloudwatch.IMetric {
			return middlewareMetric(p, identity.MetricVerifyLatency, "", &awscloudwatch.MetricOptions{Statistic: jsii.String(statistic), Period: five,
				Label: jsii.String("function's checks " + statistic + " (ms)")})
		}
		lines, stacked := jsii.Bool(false), jsii.Bool(true)
		rows = append(rows,
			&[]awscloudwatch.IWidget{
				signIns(lines),
				graph("Requests the function passed on, by outcome (per 5 minutes)", stacked, passed...),
			},
			&[]awscloudwatch.IWidget{
				graph("Refusals by the function, by reason (per 5 minutes)", stacked, refused...),
				graph("Latency (ms)", lines,
					stat("sign-in calls to Cognito p99", "p99", alb("ELBAuthLatency")), verify("p50"), verify("p99"),
					stat("function duration p99", "p99", fn("Duration"))),
			},
			&[]awscloudwatch.IWidget{
				graph("Errors (per 5 minutes)", lines,
					sum("function 5xx", alb("HTTPCode_Target_5XX_Count")), sum("load balancer 5xx", alb("HTTPCode_ELB_5XX_Count")),
					sum("function errors", fn("Errors")), sum("function throttles", fn("Throttles")), outcome(identity.OutcomeKeyFetchFailed)),
			},
		)
	}
	return awscloudwatch.NewDashboard(scope, jsii.String("Dashboard"), &awscloudwatch.DashboardProps{
		DashboardName:   jsii.String(p.Name + "-" + *awscdk.Stack_Of(scope).Region()),
		DefaultInterval: awscdk.Duration_Hours(jsii.Number(3)),
		Widgets:         &rows,
	})
}

// queries are the saved Logs Insights queries on the function's log group,
// in a folder named after the site.
func queries(scope constructs.Construct, p *Props) []awslogs.QueryDefinition {
	groups := []interfacesawslogs.ILogGroupRef{p.LogGroup}
	def := func(id, name string, q *awslogs.QueryStringProps) awslogs.QueryDefinition {
		return awslogs.NewQueryDefinition(scope, jsii.String(id), &awslogs.QueryDefinitionProps{
			QueryDefinitionName: jsii.String(p.Name + "/" + name),
			QueryString:         awslogs.NewQueryString(q),
			LogGroups:           &groups,
		})
	}
	return []awslogs.QueryDefinition{
		def("RefusalsQuery", "refusals-by-reason-and-route", &awslogs.QueryStringProps{
			FilterStatements: jsii.Strings(`msg = "request" and Refusals = 1`),
			StatsStatements:  jsii.Strings("count(*) as refusals by Outcome, reason, route, status"),
			Sort:             jsii.String("refusals desc"),
		}),
		def("UserQuery", "one-users-requests-by-sub", &awslogs.QueryStringProps{
			Fields:           jsii.Strings("@timestamp", "status", "Outcome", "reason", "method", "path", "route", "request_id"),
			FilterStatements: jsii.Strings(`msg = "request" and sub = "REPLACE-WITH-THE-USERS-SUB"`),
			Sort:             jsii.String("@timestamp desc"),
			Limit:            jsii.Number(100),
		}),
		def("SlowestQuery", "slowest-requests", &awslogs.QueryStringProps{
			Fields:           jsii.Strings("@timestamp", "VerifyLatency", "status", "Outcome", "method", "path", "route", "request_id"),
			FilterStatements: jsii.Strings(`msg = "request"`),
			Sort:             jsii.String("VerifyLatency desc"),
			Limit:            jsii.Number(50),
		}),
		def("KeyFetchQuery", "key-fetch-failures", &awslogs.QueryStringProps{
			Fields:           jsii.Strings("@timestamp", "reason", "detail", "method", "path", "route", "request_id"),
			FilterStatements: jsii.Strings(`msg = "request" and Outcome = "` + identity.OutcomeKeyFetchFailed + `"`),
			Sort:             jsii.String("@timestamp desc"),
			Limit:            jsii.Number(100),
		}),
	}
}
