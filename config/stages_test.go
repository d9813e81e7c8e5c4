package config

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// stagedWith returns ExampleStages with shared keys overridden (absent
// removes one) and each stage's object replaced by the given one when named.
func stagedWith(shared map[string]any, stages map[string]any) map[string]any {
	ctx := ExampleStages()
	for k, v := range shared {
		if v == absent {
			delete(ctx, k)
		} else {
			ctx[k] = v
		}
	}
	if stages != nil {
		ctx[StagesKey] = stages
	}
	return ctx
}

func mustStages(t *testing.T, ctx map[string]any) []Stage {
	t.Helper()
	stages, err := StagesFromContext(ctx)
	if err != nil {
		t.Fatalf("StagesFromContext: unexpected error:\n%v", err)
	}
	return stages
}

func byName(stages []Stage) map[string]Config {
	m := map[string]Config{}
	for _, s := range stages {
		m[s.Name] = s.Config
	}
	return m
}

func TestExampleStages(t *testing.T) {
	t.Parallel()
	stages := mustStages(t, ExampleStages())
	if got := []string{stages[0].Name, stages[1].Name}; len(stages) != 2 || !slices.Equal(got, []string{"dev", "prod"}) {
		t.Fatalf("stages = %+v, want dev and prod", stages)
	}
	dev, prod := stages[0].Config, stages[1].Config
	checks := []struct{ name, got, want string }{
		{"dev region", dev.Region(), "eu-west-1"},
		{"prod region", prod.Region(), "eu-central-1"},
		{"dev record", dev.RecordName, "dev.example.com"},
		{"prod record", prod.RecordName, "app.example.com"},
		{"dev pool (shared)", dev.UserPoolID(), "eu-west-1_Example1"},
		{"prod pool (own)", prod.UserPoolID(), "eu-central-1_Example2"},
		{"dev zone (shared)", dev.HostedZoneID, "Z0123456789EXAMPLE0AB"},
		{"prod zone (shared)", prod.HostedZoneID, "Z0123456789EXAMPLE0AB"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if dev.SessionTimeout != time.Hour || prod.SessionTimeout != 8*time.Hour {
		t.Errorf("sessionTimeout: dev %v (own 1h), prod %v (shared 8h)", dev.SessionTimeout, prod.SessionTimeout)
	}
	if dev.DeletionProtection || !prod.DeletionProtection {
		t.Errorf("deletionProtection: dev %v (own false), prod %v (shared true)", dev.DeletionProtection, prod.DeletionProtection)
	}
	if !slices.Equal(dev.AvailabilityZones, []string{"eu-west-1a", "eu-west-1b"}) || !slices.Equal(prod.AvailabilityZones, []string{"eu-central-1a", "eu-central-1b"}) {
		t.Errorf("defaults are applied per stage: dev zones %v, prod zones %v", dev.AvailabilityZones, prod.AvailabilityZones)
	}
}

// TestFlatConfigurationIsOneUnnamedStage: without "stages", the context decodes
// exactly as FromContext decodes it.
func TestFlatConfigurationIsOneUnnamedStage(t *testing.T) {
	t.Parallel()
	stages := mustStages(t, Example())
	want := mustDecode(t, Example())
	if len(stages) != 1 || stages[0].Name != "" || !reflect.DeepEqual(stages[0].Config, want) {
		t.Errorf("StagesFromContext(Example()) = %+v, want one unnamed stage %+v", stages, want)
	}
	_, flatErr := FromContext(exampleWith(map[string]any{"sessionTimeout": "200h"}))
	_, err := StagesFromContext(exampleWith(map[string]any{"sessionTimeout": "200h"}))
	if err == nil || flatErr == nil || err.Error() != flatErr.Error() {
		t.Errorf("flat problems differ from FromContext's:\n got %v\nwant %v", err, flatErr)
	}
}

func TestStageMergeRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		ctx    map[string]any
		check  func(t *testing.T, s map[string]Config)
		stages []string
	}{
		{"a stage's list replaces the shared list whole",
			stagedWith(map[string]any{"oauthScopes": []any{"openid", "email", "profile"}}, map[string]any{
				"dev":  map[string]any{"recordName": "dev.example.com", "oauthScopes": []any{"openid", "phone"}},
				"prod": map[string]any{"recordName": "app.example.com"},
			}),
			func(t *testing.T, s map[string]Config) {
				if !slices.Equal(s["dev"].OAuthScopes, []string{"openid", "phone"}) || !slices.Equal(s["prod"].OAuthScopes, []string{"openid", "email", "profile"}) {
					t.Errorf("scopes: dev %v, prod %v", s["dev"].OAuthScopes, s["prod"].OAuthScopes)
				}
			}, []string{"dev", "prod"}},
		{"a stage may set a required key the shared settings lack",
			stagedWith(map[string]any{"recordName": absent}, nil),
			func(t *testing.T, s map[string]Config) {}, []string{"dev", "prod"}},
		{"null in a stage restores the default",
			stagedWith(map[string]any{"functionMemoryMiB": 512}, map[string]any{
				"dev":  map[string]any{"recordName": "dev.example.com", "functionMemoryMiB": nil},
				"prod": map[string]any{"recordName": "app.example.com"},
			}),
			func(t *testing.T, s map[string]Config) {
				if s["dev"].FunctionMemoryMiB != 256 || s["prod"].FunctionMemoryMiB != 512 {
					t.Errorf("memory: dev %d, prod %d", s["dev"].FunctionMemoryMiB, s["prod"].FunctionMemoryMiB)
				}
			}, []string{"dev", "prod"}},
		{"-c key=value replaces the shared value, not a stage's own",
			stagedWith(map[string]any{"sessionTimeout": "2h"}, nil),
			func(t *testing.T, s map[string]Config) {
				if s["dev"].SessionTimeout != time.Hour || s["prod"].SessionTimeout != 2*time.Hour {
					t.Errorf("sessionTimeout: dev %v, prod %v", s["dev"].SessionTimeout, s["prod"].SessionTimeout)
				}
			}, []string{"dev", "prod"}},
		{"-c stages.dev.key=value replaces the stage's own value",
			stagedWith(map[string]any{"stages.dev.sessionTimeout": "30m", "stages.prod.functionMemoryMiB": "1024"}, nil),
			func(t *testing.T, s map[string]Config) {
				if s["dev"].SessionTimeout != 30*time.Minute || s["prod"].FunctionMemoryMiB != 1024 || s["dev"].FunctionMemoryMiB != 256 {
					t.Errorf("dev %v, prod memory %d", s["dev"].SessionTimeout, s["prod"].FunctionMemoryMiB)
				}
			}, []string{"dev", "prod"}},
		{"-c stages='{...}' as a JSON string",
			stagedWith(nil, nil), nil, nil},
		{"-c stage=prod selects one stage",
			stagedWith(map[string]any{StageKey: "prod"}, nil),
			func(t *testing.T, s map[string]Config) {}, []string{"prod"}},
		{"empty -c stage= selects every stage",
			stagedWith(map[string]any{StageKey: ""}, nil),
			func(t *testing.T, s map[string]Config) {}, []string{"dev", "prod"}},
		{"an empty stage object takes every shared value",
			stagedWith(map[string]any{"recordName": "app.example.com"}, map[string]any{"solo": map[string]any{}}),
			func(t *testing.T, s map[string]Config) {
				if s["solo"].RecordName != "app.example.com" {
					t.Errorf("record %q", s["solo"].RecordName)
				}
			}, []string{"solo"}},
		{"two stages on one user pool with different record names",
			stagedWith(nil, map[string]any{
				"dev":  map[string]any{"recordName": "dev.example.com"},
				"test": map[string]any{"recordName": "test.example.com"},
			}),
			func(t *testing.T, s map[string]Config) {
				if s["dev"].UserPoolArn != s["test"].UserPoolArn || s["dev"].CallbackURL() == s["test"].CallbackURL() {
					t.Errorf("dev %s %s, test %s %s", s["dev"].UserPoolArn, s["dev"].CallbackURL(), s["test"].UserPoolArn, s["test"].CallbackURL())
				}
			}, []string{"dev", "test"}},
		{"a stage overrides the issuer form",
			stagedWith(map[string]any{"userPoolIssuer": "updated"}, map[string]any{
				"dev":  map[string]any{"recordName": "dev.example.com", "userPoolIssuer": "original"},
				"prod": map[string]any{"recordName": "app.example.com"},
			}),
			func(t *testing.T, s map[string]Config) {
				if !strings.HasPrefix(s["dev"].Issuer(), "https://cognito-idp.") || !strings.HasPrefix(s["prod"].Issuer(), "https://issuer-cognito-idp.") {
					t.Errorf("issuer: dev %s, prod %s", s["dev"].Issuer(), s["prod"].Issuer())
				}
			}, []string{"dev", "prod"}},
	}
	// The JSON-string form carries the example's stages.
	tests[5].ctx[StagesKey] = `{"dev": {"recordName": "dev.example.com"}, "prod": {"recordName": "app.example.com"}}`
	tests[5].check = func(t *testing.T, s map[string]Config) {}
	tests[5].stages = []string{"dev", "prod"}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			stages := mustStages(t, tc.ctx)
			var names []string
			for _, s := range stages {
				names = append(names, s.Name)
			}
			if !slices.Equal(names, tc.stages) {
				t.Fatalf("stages %v, want %v", names, tc.stages)
			}
			tc.check(t, byName(stages))
		})
	}
}

func TestStageProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ctx  map[string]any
		want []string // each line must appear; "key: part of the message"
	}{
		{"a stage's own bad value names the stage",
			stagedWith(map[string]any{"stages.prod.recordName": "app.other.org"}, nil),
			[]string{"stages.prod.recordName: app.other.org is outside hostedZoneName example.com"}},
		{"a misspelt key in a stage",
			stagedWith(nil, map[string]any{"dev": map[string]any{"recordName": "dev.example.com", "sesionTimeout": "1h"}, "prod": map[string]any{"recordName": "app.example.com"}}),
			[]string{"stages.dev.sesionTimeout: is not a setting of this app, nor a CDK key; did you mean sessionTimeout?"}},
		{"a bad shared value is reported once, by its key",
			stagedWith(map[string]any{"functionMemoryMiB": 64}, nil),
			[]string{"functionMemoryMiB: 64 is out of range"}},
		{"a bad shared value some stages override names the others",
			stagedWith(map[string]any{"sessionTimeout": "200h"}, nil),
			[]string{"sessionTimeout: 200h0m0s is out of range; use 1s to 7 days (604800 seconds, 168h), e.g. 8h (the shared value, in stage prod)"}},
		{"a missing required key names the fix once",
			stagedWith(map[string]any{"hostedZoneId": absent}, nil),
			[]string{"hostedZoneId: is not set"}},
		{"every stage's problems at once",
			stagedWith(map[string]any{"stages.dev.sessionTimeout": "0", "stages.prod.functionTimeoutSeconds": 1}, nil),
			[]string{"stages.dev.sessionTimeout: 0s is out of range", "stages.prod.functionTimeoutSeconds: 1 is out of range"}},
		{"two stages on one record name",
			stagedWith(nil, map[string]any{"dev": map[string]any{"recordName": "app.example.com"}, "prod": map[string]any{"recordName": "app.example.com"}}),
			[]string{"stages.prod.recordName: app.example.com is also stage dev's recordName; each stage needs its own"}},
		{"two stages on the shared record name",
			stagedWith(map[string]any{"recordName": "app.example.com"}, map[string]any{"a": map[string]any{}, "b": nil}),
			[]string{"recordName: app.example.com is also stage a's recordName", "set a different recordName in stage b, e.g. b.example.com"}},
		{"stage name with an underscore",
			stagedWith(nil, map[string]any{"my_dev": map[string]any{"recordName": "dev.example.com"}}),
			[]string{"stages.my_dev: is not a valid stage name"}},
		{"stage name starting with a digit",
			stagedWith(nil, map[string]any{"1prod": map[string]any{"recordName": "dev.example.com"}}),
			[]string{"stages.1prod: is not a valid stage name"}},
		{"stack name too long",
			stagedWith(map[string]any{"stackName": "S" + strings.Repeat("x", 120)}, map[string]any{"production": map[string]any{"recordName": "dev.example.com"}}),
			[]string{"stages.production: makes the stack name production-Sxxx", "132 characters long"}},
		{"a stage that is not an object",
			stagedWith(nil, map[string]any{"dev": "dev.example.com"}),
			[]string{`stages.dev: expected an object of settings, got string "dev.example.com"`}},
		{"stages that are not an object",
			stagedWith(nil, nil), // replaced below
			[]string{"stages: expected an object of stages, got an array"}},
		{"no stages at all",
			stagedWith(nil, map[string]any{}),
			[]string{"stages: is empty"}},
		{"nested stages",
			stagedWith(nil, map[string]any{"dev": map[string]any{"recordName": "dev.example.com", "stages": map[string]any{}}}),
			[]string{"stages.dev.stages: is not allowed inside a stage"}},
		{"a feature flag inside a stage",
			stagedWith(nil, map[string]any{"dev": map[string]any{"recordName": "dev.example.com", "@aws-cdk/core:enablePartitionLiterals": true}}),
			[]string{"stages.dev.@aws-cdk/core:enablePartitionLiterals: is a CDK key"}},
		{"-c stage= names a missing stage",
			stagedWith(map[string]any{StageKey: "qa"}, nil),
			[]string{`stage: there is no stage "qa"; the stages are dev, prod`}},
		{"-c stage= on a flat configuration",
			exampleWith(map[string]any{StageKey: "prod"}),
			[]string{`stage: selects stage "prod", but the configuration has no stages`}},
		{"-c stages.<missing>.key=",
			stagedWith(map[string]any{"stages.qa.recordName": "qa.example.com"}, nil),
			[]string{`stages.qa.recordName: names stage "qa", which does not exist; the stages are dev, prod`}},
		{"-c stages.<name>.key= on a flat configuration",
			exampleWith(map[string]any{"stages.qa.recordName": "qa.example.com"}),
			[]string{"stages.qa.recordName: overrides a stage's setting, but the configuration has no stages"}},
		{"a problem in a stage not selected still blocks",
			stagedWith(map[string]any{StageKey: "prod", "stages.dev.sessionTimeout": "0"}, nil),
			[]string{"stages.dev.sessionTimeout: 0s is out of range"}},
	}
	tests[12].ctx[StagesKey] = []any{"dev", "prod"}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			stages, err := StagesFromContext(tc.ctx)
			if err == nil {
				t.Fatalf("no error; stages %+v", stages)
			}
			if stages != nil {
				t.Errorf("stages returned with an error: %+v", stages)
			}
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("error %T is not Problems", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not contain %q:\n%v", w, err)
				}
			}
			// No problem is reported twice.
			seen := map[string]bool{}
			for _, p := range ps {
				if seen[p.Error()] {
					t.Errorf("reported twice: %v", p)
				}
				seen[p.Error()] = true
			}
		})
	}
}

// TestStageProblemsAreOrdered: shared problems first, then each stage's, in
// stage-name order.
func TestStageProblemsAreOrdered(t *testing.T) {
	t.Parallel()
	_, err := StagesFromContext(stagedWith(map[string]any{
		"stages.prod.functionTimeoutSeconds": 1,
		"stages.dev.sessionTimeout":          "0",
		"functionMemoryMiB":                  64,
		"stages.dev.recordName":              "dev.other.org",
	}, nil))
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error %v", err)
	}
	want := []string{"functionMemoryMiB", "stages.dev.recordName", "stages.dev.sessionTimeout", "stages.prod.functionTimeoutSeconds"}
	if got := ps.Keys(); !slices.Equal(got, want) {
		t.Errorf("keys %v, want %v", got, want)
	}
}

// sharedServerStages is the example with stages dev and staging on the
// shared user pool, whose machine routes use resource server
// https://api.example.com; stages is each stage's own object.
func sharedServerStages(shared map[string]any, stages map[string]any) map[string]any {
	ctx := stagedWith(map[string]any{
		"machineClients":   []any{"nightly-report"},
		"resourceServerId": "https://api.example.com",
		"routes": []any{map[string]any{"name": "reports", "paths": []any{"/api/reports/*"},
			"scopes": []any{"https://api.example.com/reports.read"}, "clients": []any{"nightly-report"}}},
	}, stages)
	for k, v := range shared {
		ctx[k] = v
	}
	return ctx
}

// Two stages on one pool must not both create the same resource server:
// the second deploy would collide and deleting one would remove the other's
// scopes. One owner, the others using it as existing, is fine, as long as
// the owner creates every scope they need.
func TestStagesSharingAResourceServer(t *testing.T) {
	t.Parallel()
	refused := []struct {
		name string
		ctx  map[string]any
		want []string
	}{
		{"both create it, from the shared setting",
			sharedServerStages(map[string]any{"createResourceServer": true}, map[string]any{
				"dev": map[string]any{"recordName": "dev.example.com"}, "staging": map[string]any{"recordName": "staging.example.com"}}),
			[]string{"createResourceServer: stages dev, staging all create resource server https://api.example.com on user pool eu-west-1_Example1",
				"set createResourceServer to true in that stage only (e.g. stages.dev.createResourceServer: true) and false in the others",
				"or give each stage its own resourceServerId"}},
		{"both create it, each by its own setting",
			sharedServerStages(nil, map[string]any{
				"dev":     map[string]any{"recordName": "dev.example.com", "createResourceServer": true},
				"staging": map[string]any{"recordName": "staging.example.com", "createResourceServer": true}}),
			[]string{"stages.staging.createResourceServer: stages dev, staging all create resource server https://api.example.com"}},
		{"the user needs a scope the owner does not create",
			sharedServerStages(nil, map[string]any{
				"dev": map[string]any{"recordName": "dev.example.com", "createResourceServer": true},
				"staging": map[string]any{"recordName": "staging.example.com", "routes": []any{map[string]any{"name": "billing", "paths": []any{"/api/billing/*"},
					"scopes": []any{"https://api.example.com/billing.write"}, "clients": []any{"nightly-report"}}}}}),
			[]string{"stages.staging: uses resource server https://api.example.com, which stage dev creates",
				"https://api.example.com/billing.write is not among them", "add a machine route requiring it to stage dev"}},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := StagesFromContext(tc.ctx)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not contain %q:\n%v", w, err)
				}
			}
		})
	}
	accepted := []struct {
		name string
		ctx  map[string]any
	}{
		{"one owner, the other uses it as existing",
			sharedServerStages(nil, map[string]any{
				"dev":     map[string]any{"recordName": "dev.example.com", "createResourceServer": true},
				"staging": map[string]any{"recordName": "staging.example.com"}})},
		{"each its own default identifier https://<recordName>",
			sharedServerStages(map[string]any{"createResourceServer": true, "resourceServerId": nil, "routes": []any{
				map[string]any{"name": "reports", "paths": []any{"/api/reports/*"}, "scopes": []any{"https://dev.example.com/reports.read"}, "clients": []any{"nightly-report"}}}},
				map[string]any{
					"dev": map[string]any{"recordName": "dev.example.com"},
					"staging": map[string]any{"recordName": "staging.example.com", "routes": []any{
						map[string]any{"name": "reports", "paths": []any{"/api/reports/*"}, "scopes": []any{"https://staging.example.com/reports.read"}, "clients": []any{"nightly-report"}}}}})},
		{"the same identifier on two pools",
			sharedServerStages(map[string]any{"createResourceServer": true}, map[string]any{
				"dev": map[string]any{"recordName": "dev.example.com"},
				"prod": map[string]any{"recordName": "app.example.com",
					"userPoolArn":    "arn:aws:cognito-idp:eu-central-1:123456789012:userpool/eu-central-1_Example2",
					"userPoolDomain": "example-app-prod",
					"certificateArn": "arn:aws:acm:eu-central-1:123456789012:certificate/66666666-7777-8888-9999-000000000000"}})},
	}
	for _, tc := range accepted {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := StagesFromContext(tc.ctx); err != nil {
				t.Errorf("refused:\n%v", err)
			}
		})
	}
}

// TestStageConflictsAcrossStages: what two stages cannot share, found only by
// looking at the stages together, each named where its value is written.
func TestStageConflictsAcrossStages(t *testing.T) {
	t.Parallel()
	const vpc, subnets = "vpc-0123456789abcdef0", "subnet-0123456789abcdef0,subnet-0fedcba9876543210"
	stage := func(record string, set ...any) map[string]any {
		m := map[string]any{"recordName": record}
		for i := 0; i < len(set); i += 2 {
			m[set[i].(string)] = set[i+1]
		}
		return m
	}
	prod := ExampleStages()[StagesKey].(map[string]any)["prod"].(map[string]any) // eu-central-1
	inProd := func(record string, set ...any) map[string]any {
		m := stage(record, set...)
		for _, k := range []string{"userPoolArn", "userPoolDomain", "certificateArn"} {
			m[k] = prod[k]
		}
		return m
	}
	tests := []struct {
		name string
		ctx  map[string]any
		want []string // "key: part of the message"; none: accepted
	}{
		{"two stages' stacks of one name, one stackName the stage's own",
			stagedWith(map[string]any{"stackName": "Site"}, map[string]any{"a": stage("a.example.com", "stackName", "b-Site"), "a-b": stage("ab.example.com")}),
			[]string{"stages.a.stackName: the stacks of stages a and a-b would both be named a-b-Site (<stage>-<stackName>), in the same account 123456789012 and region eu-west-1"}},
		{"two stages' stacks of one name, both stackNames their own",
			stagedWith(nil, map[string]any{"a": stage("a.example.com", "stackName", "b-Site"), "a-b": stage("ab.example.com", "stackName", "Site")}),
			[]string{"stages.a-b.stackName: the stacks of stages a and a-b would both be named a-b-Site"}},
		{"one stack name in two regions", stagedWith(nil, map[string]any{"a": stage("a.example.com", "stackName", "b-Site"), "a-b": inProd("ab.example.com", "stackName", "Site")}), nil},
		{"a shared VPC reaching two regions",
			stagedWith(map[string]any{"vpcId": vpc, "publicSubnetIds": subnets}, nil),
			[]string{"vpcId: the shared value reaches stage dev in eu-west-1 and stage prod in eu-central-1; a VPC is in one region",
				"publicSubnetIds: the shared value reaches stage dev in eu-west-1 and stage prod in eu-central-1"}},
		{"a shared bucket reaching two regions",
			stagedWith(map[string]any{"accessLogsBucket": "my-alb-access-logs"}, nil),
			[]string{"accessLogsBucket: the shared value reaches stage dev in eu-west-1 and stage prod in eu-central-1"}},
		{"a shared VPC the other region's stages override",
			stagedWith(map[string]any{"vpcId": vpc, "publicSubnetIds": subnets},
				map[string]any{"dev": stage("dev.example.com"), "qa": stage("qa.example.com"), "prod": inProd("app.example.com", "vpcId", "vpc-0fedcba9876543210", "publicSubnetIds", subnets)}),
			nil},
		{"a stage's own route table is named as the stage's",
			stagedWith(nil, map[string]any{"dev": stage("dev.example.com", "routes", []any{map[string]any{"name": "admin", "paths": []any{"admin/*"}}}), "prod": inProd("app.example.com")}),
			[]string{"stages.dev.routes[0].paths[0]: \"admin/*\" matches no request"}},
		{"a stage's own route with an empty list",
			stagedWith(nil, map[string]any{"dev": stage("dev.example.com", "routes", `[{"name":"admin","paths":["/admin/*"],"groups":[]}]`), "prod": inProd("app.example.com")}),
			[]string{"stages.dev.routes[0].groups: an empty list"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := StagesFromContext(tc.ctx)
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not contain %q:\n%v", w, err)
				}
			}
			if strings.Contains(err.Error(), "(the shared value") {
				t.Errorf("a stage's own value is called shared:\n%v", err)
			}
		})
	}
}

// TestRecordNameHintIsAValidValue: the recordName a conflict suggests is one
// the stage could take: lower case, and no other stage's.
func TestRecordNameHintIsAValidValue(t *testing.T) {
	t.Parallel()
	for _, stages := range []map[string]any{
		{"Blue": map[string]any{"recordName": "app.example.com"}, "Green": map[string]any{"recordName": "app.example.com"}},
		{"a": map[string]any{"recordName": "b.example.com"}, "b": map[string]any{"recordName": "b.example.com"}},
	} {
		_, err := StagesFromContext(stagedWith(nil, stages))
		var ps Problems
		if !errors.As(err, &ps) || len(ps) != 1 {
			t.Fatalf("%v: %v", stages, err)
		}
		hint, ok := strings.CutPrefix(ps[0].Message[strings.LastIndex(ps[0].Message, ", "):], ", e.g. ")
		if !ok {
			continue // no value suggested
		}
		name := strings.TrimPrefix(strings.TrimSuffix(ps[0].Key, ".recordName"), StagesKey+".")
		stages[name].(map[string]any)["recordName"] = hint
		if _, err := StagesFromContext(stagedWith(nil, stages)); err != nil {
			t.Errorf("the suggested recordName %s is refused: %v", hint, err)
		}
	}
}
