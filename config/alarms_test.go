package config

import (
	"errors"
	"strings"
	"testing"
)

func TestAlarmTopicArn(t *testing.T) {
	t.Parallel()
	c := mustDecode(t, exampleWith(nil))
	if c.AlarmTopicArn != "" {
		t.Errorf("default alarmTopicArn %q, want none", c.AlarmTopicArn)
	}
	const topic = "arn:aws:sns:eu-west-1:123456789012:site-alarms"
	if c := mustDecode(t, exampleWith(map[string]any{"alarmTopicArn": topic})); c.AlarmTopicArn != topic {
		t.Errorf("alarmTopicArn %q", c.AlarmTopicArn)
	}
	// Another account's topic is allowed: its access policy decides.
	mustDecode(t, exampleWith(map[string]any{"alarmTopicArn": "arn:aws:sns:eu-west-1:210987654321:ops_alarms"}))

	for _, tc := range []struct {
		name, value, hint string
	}{
		{"not an ARN", "site-alarms", `"site-alarms" is not an ARN; set it to an existing SNS topic's ARN (SNS console: Topics > your topic > ARN), e.g. arn:aws:sns:eu-west-1:123456789012:site-alarms`},
		{"another service", "arn:aws:sqs:eu-west-1:123456789012:site-alarms", "is an ARN of service sqs, not of an SNS topic (service sns)"},
		{"another region", "arn:aws:sns:us-east-1:123456789012:site-alarms",
			"is in region us-east-1, but the stack deploys to eu-west-1; an alarm can only notify a topic in its own region"},
		{"another partition", "arn:aws-cn:sns:cn-north-1:123456789012:site-alarms",
			"is in partition aws-cn, but the stack deploys to eu-west-1 (partition aws)"},
		{"region of another partition", "arn:aws:sns:cn-north-1:123456789012:site-alarms", "region cn-north-1 is in partition aws-cn, not aws"},
		{"short account", "arn:aws:sns:eu-west-1:1234:site-alarms", "12-digit"},
		{"subscription ARN", "arn:aws:sns:eu-west-1:123456789012:site-alarms:0e3c7d1a-1111-2222-3333-444444444444",
			"that is a subscription's ARN, not the topic's"},
		{"bad topic name", "arn:aws:sns:eu-west-1:123456789012:site alarms", "a topic name is 1 to 256 letters, digits, hyphens and underscores"},
		{"padded", " " + topic, "leading or trailing whitespace"},
		{"blank", "  ", "is blank"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := FromContext(exampleWith(map[string]any{"alarmTopicArn": tc.value}))
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("FromContext = %v, want Problems", err)
			}
			for _, p := range ps {
				if p.Key == "alarmTopicArn" && strings.Contains(p.Message, tc.hint) {
					return
				}
			}
			t.Errorf("no alarmTopicArn problem containing %q; got:\n%v", tc.hint, err)
		})
	}

	// Per stage: a topic of the shared region is wrong for prod in eu-central-1.
	ctx := ExampleStages()
	ctx["alarmTopicArn"] = topic
	_, err := StagesFromContext(ctx)
	if err == nil || !strings.Contains(err.Error(), "alarmTopicArn") || !strings.Contains(err.Error(), "eu-central-1") {
		t.Errorf("stages with dev's topic shared: %v", err)
	}
	ctx["stages"].(map[string]any)["prod"].(map[string]any)["alarmTopicArn"] = "arn:aws:sns:eu-central-1:123456789012:site-alarms"
	if _, err := StagesFromContext(ctx); err != nil {
		t.Errorf("stages with a topic each: %v", err)
	}
}
