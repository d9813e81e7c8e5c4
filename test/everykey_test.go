package test

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/config"
)

// TestEveryKeySynthesizes: testdata/every-key.json sets every key of
// config.Keys, most to a value other than their default, in three stages:
// one with the VPC, access-log bucket and resource server the stack creates,
// one with existing ones (which exclude accessLogsExpirationDays), and one
// attached to an existing listener and forwarding to an existing target
// group (which exclude the own load balancer's and the function's keys, so
// those are set per stage). All stacks synthesize without a cdk-nag error,
// and TestMain's template checks (cfn-lint, cfnschema) run on them with the
// rest.
func TestEveryKeySynthesizes(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "every-key.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ctx map[string]any
	if err := json.Unmarshal(data, &ctx); err != nil {
		t.Fatal(err)
	}
	stages := ctx[config.StagesKey].(map[string]any)
	for _, k := range config.Keys() {
		set := ctx[k.Name] != nil
		for _, s := range stages {
			set = set || s.(map[string]any)[k.Name] != nil
		}
		if !set {
			t.Errorf("every-key.json does not set %s", k.Name)
		}
	}
	maps.Copy(ctx, testContext())
	all, err := synthAll(ctx, nil)
	if err != nil {
		t.Fatalf("every-key.json: %v", err)
	}
	if len(all) != len(stages) {
		t.Fatalf("%d stacks for %d stages", len(all), len(stages))
	}
	for _, s := range all {
		if errs := nagFindings(t, s, "error"); len(errs) > 0 {
			t.Errorf("%s: unsuppressed cdk-nag errors:\n%s", *s.site.Stack.StackName(), strings.Join(errs, "\n"))
		}
	}
}
