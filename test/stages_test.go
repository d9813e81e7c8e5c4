package test

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/alb-cognito/alb-cognito-cdk/config"
)

// TestEachStageIsAStageInItsOwnEnvironment: the example's dev and prod are CDK
// Stages named after them, each holding one stack in the stage's account and
// region, named <stage>-<stackName>, so `cdk deploy 'prod/*'` selects it.
func TestEachStageIsAStageInItsOwnEnvironment(t *testing.T) {
	all := exampleStages(t)
	want := []struct{ stage, path, name, account, region string }{
		{"dev", "dev/AlbCognitoSite", "dev-AlbCognitoSite", "123456789012", "eu-west-1"},
		{"prod", "prod/AlbCognitoSite", "prod-AlbCognitoSite", "123456789012", "eu-central-1"},
	}
	if len(all) != len(want) {
		t.Fatalf("%d stacks, want %d", len(all), len(want))
	}
	for i, w := range want {
		st := all[i].site.Stack
		guard(t, func() {
			stage := awscdk.Stage_Of(st)
			if got := *stage.StageName(); got != w.stage {
				t.Errorf("stack %d: stage %q, want %q", i, got, w.stage)
			}
			if got := *stage.Region(); got != w.region {
				t.Errorf("stage %s: region %q, want %q", w.stage, got, w.region)
			}
			got := []string{*st.Node().Path(), *st.StackName(), *st.Account(), *st.Region()}
			if exp := []string{w.path, w.name, w.account, w.region}; strings.Join(got, " ") != strings.Join(exp, " ") {
				t.Errorf("stack %d: path, name, account, region = %q, want %q", i, got, exp)
			}
		})
	}
}

// TestStagesHaveTheirOwnClientsAndCallbacks: each stage's user pool client is
// on its own stage's pool with a callback URL and logout URL of its own record
// name; the function verifies tokens of its own client and issuer; and the
// alias records and target group names differ.
func TestStagesHaveTheirOwnClientsAndCallbacks(t *testing.T) {
	all := exampleStages(t)
	type stageFacts struct{ callback, logout, pool, record, targetGroup, issuer string }
	facts := map[string]stageFacts{}
	for _, s := range all {
		name := *awscdk.Stage_Of(s.site.Stack).StageName()
		_, client := s.only(t, "AWS::Cognito::UserPoolClient")
		p := props(client)
		_, tg := s.only(t, "AWS::ElasticLoadBalancingV2::TargetGroup")
		_, rec := s.only(t, "AWS::Route53::RecordSet")
		_, fn := s.only(t, "AWS::Lambda::Function")
		env := props(fn)["Environment"].(map[string]any)["Variables"].(map[string]any)
		facts[name] = stageFacts{
			callback:    js(p["CallbackURLs"]),
			logout:      js(p["LogoutURLs"]),
			pool:        js(p["UserPoolId"]),
			record:      js(props(rec)["Name"]),
			targetGroup: js(props(tg)["Name"]),
			issuer:      js(env["TOKEN_ISSUER"]),
		}
	}
	want := map[string]stageFacts{
		"dev": {
			callback: `["https://dev.example.com/oauth2/idpresponse"]`, logout: `["https://dev.example.com"]`,
			pool: `"eu-west-1_Example1"`, record: `"dev.example.com."`,
		},
		"prod": {
			callback: `["https://app.example.com/oauth2/idpresponse"]`, logout: `["https://app.example.com"]`,
			pool: `"eu-central-1_Example2"`, record: `"app.example.com."`,
		},
	}
	if len(facts) != 2 {
		t.Fatalf("%d stages, want dev and prod", len(facts))
	}
	for name, w := range want {
		got := facts[name]
		if got.callback != w.callback || got.logout != w.logout || got.pool != w.pool || got.record != w.record {
			t.Errorf("stage %s: callback %s, logout %s, pool %s, record %s; want %s, %s, %s, %s",
				name, got.callback, got.logout, got.pool, got.record, w.callback, w.logout, w.pool, w.record)
		}
		if !strings.Contains(got.issuer, strings.Trim(w.pool, `"`)) {
			t.Errorf("stage %s: the function's TOKEN_ISSUER %s is not its own pool's (%s)", name, got.issuer, w.pool)
		}
	}
	if facts["dev"].targetGroup == facts["prod"].targetGroup {
		t.Errorf("dev and prod share target group name %s: two stages in one account and region would collide", facts["dev"].targetGroup)
	}
}

// TestCDKJSONSynthesizes loads the project's own cdk.json, whatever values the
// user put there, and synthesizes every stage in it (or its one flat stack):
// each must pass the configuration checks and cdk-nag, and be in the
// environment its configuration names. The snapshot tests use the shipped
// examples instead, so a user's own values never break them
// (TestSnapshotsIgnoreCDKJSONSettings); TestOtherUsersCDKJSON runs the same
// checks on other users' values.
func TestCDKJSONSynthesizes(t *testing.T) {
	checkCDKJSONContext(t, cdkJSONContext())
}

// checkCDKJSONContext synthesizes every stage of a cdk.json context (or its
// one flat stack) with the project's feature flags and no bundling, checks
// each stack as TestCDKJSONSynthesizes promises and returns each stack's
// "account/region" by stack name.
func checkCDKJSONContext(t *testing.T, cdkJSON map[string]any) map[string]string {
	t.Helper()
	ctx := maps.Clone(cdkJSON)
	delete(ctx, "stage")
	maps.Copy(ctx, testContext())
	all, err := synthAll(ctx, nil)
	if err != nil {
		t.Fatalf("cdk.json: %v", err)
	}
	if stages, _ := ctx[config.StagesKey].(map[string]any); len(stages) > 0 && len(all) != len(stages) {
		t.Fatalf("%d stacks for %d stages", len(all), len(stages))
	}
	envs := map[string]string{}
	for _, s := range all {
		name := *s.site.Stack.StackName()
		envs[name] = *s.site.Stack.Account() + "/" + *s.site.Stack.Region()
		t.Run(name, func(t *testing.T) {
			if errs := nagFindings(t, s, "error"); len(errs) > 0 {
				t.Errorf("unsuppressed cdk-nag errors:\n%s", strings.Join(errs, "\n"))
			}
			if _, lb := s.only(t, "AWS::ElasticLoadBalancingV2::LoadBalancer"); props(lb)["Scheme"] != "internet-facing" {
				t.Errorf("load balancer scheme %v", props(lb)["Scheme"])
			}
			t.Logf("%s: %s", name, envs[name])
		})
	}
	return envs
}

// TestNagRunsInEveryStage: cdk-nag checks each stage's stack, not only the
// app's top level (aspects added to the app do not reach into a Stage, which
// synthesizes on its own): a wildcard planted in every stage is flagged in
// every stage, and each stage's stack has its report in the output directory.
func TestNagRunsInEveryStage(t *testing.T) {
	all, err := synthAll(exampleStagesContext(map[string]any{"@aws-cdk/core:annotationsInValidationReport": false}), addWildcard)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		name := *s.site.Stack.StackName()
		errs := nagFindings(t, s, "error")
		if len(errs) == 0 {
			t.Errorf("%s: cdk-nag did not flag the planted wildcard action", name)
		}
		for _, e := range errs {
			if !strings.Contains(e, "AwsSolutions-IAM5") {
				t.Errorf("%s: unexpected cdk-nag error: %s", name, e)
			}
		}
	}
	_ = all[0].app.Synth(nil)
	for _, s := range all {
		report := filepath.Join(s.outdir, "AwsSolutions-"+*s.site.Stack.StackName()+"-NagReport.csv")
		if _, err := os.Stat(report); err != nil {
			t.Errorf("no cdk-nag report for %s: %v", *s.site.Stack.StackName(), err)
		}
	}
}
