package monitoring

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/internal/jsiitest"
)

func TestMain(m *testing.M) { jsiitest.Main(m) }

// TestRunbookHasEveryAlarm keeps docs/operations.md in step with Alarms: a
// section per alarm, headed by its name (the alarm descriptions link to
// #<name in lower case>), stating its meaning and its one-line
// justification exactly as the alarm's description does (for the default
// 10-second timeout), with three first checks and the access-log codes.
func TestRunbookHasEveryAlarm(t *testing.T) {
	b, err := os.ReadFile("../../" + RunbookPath)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	_, runbook, ok := strings.Cut(doc, "\n## Runbook, by alarm\n")
	if !ok {
		t.Fatal("no \"## Runbook, by alarm\" section")
	}
	sections := map[string]string{}
	for _, part := range strings.Split(runbook, "\n### ")[1:] {
		name, body, _ := strings.Cut(part, "\n")
		sections[name] = body
	}
	specs := Alarms(10 * time.Second)
	if len(sections) != len(specs) {
		t.Errorf("%d runbook sections for %d alarms", len(sections), len(specs))
	}
	for _, s := range specs {
		body, ok := sections[s.Name]
		if !ok {
			t.Errorf("no runbook section ### %s", s.Name)
			continue
		}
		for _, want := range []string{"**Means**: " + s.Meaning + "\n", "**Fires at**: " + s.Why + "\n", "**First checks**:\n1. ", "\n2. ", "\n3. ",
			"**Access-log codes**: ", "`" + s.Metric + "`"} {
			if !strings.Contains(body, want) {
				t.Errorf("### %s lacks %q", s.Name, want)
			}
		}
		if strings.ToLower(s.Name) != strings.ReplaceAll(strings.ToLower(s.Name), " ", "-") {
			t.Errorf("alarm name %q does not make a plain anchor", s.Name)
		}
	}
}
