package config

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestMakeSynthListForms runs `make synth` with the CDK CLI replaced by printf,
// so each argument arrives exactly as make's shell passes it to the CLI, and
// decodes the oauthScopes value that arrived. It proves the forms docs/configuration.md
// gives, including the JSON form whose quotes the shell strips.
func TestMakeSynthListForms(t *testing.T) {
	if testing.Short() {
		t.Skip("runs make")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range []string{
		`-c oauthScopes=openid,email`,
		`-c oauthScopes=["openid","email"]`,
		`-c 'oauthScopes=["openid","email"]'`,
		`-c oauthScopes='["openid", "email"]'`,
	} {
		cmd := exec.Command("make", "-s", "-C", root, "synth", `CDK=printf '%s\n'`, "CDK_ARGS="+args)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("make synth CDK_ARGS=%s: %v\n%s", args, err, out)
		}
		var value string
		for _, line := range strings.Split(string(out), "\n") {
			if v, ok := strings.CutPrefix(line, "oauthScopes="); ok {
				value = v
			}
		}
		c, err := FromContext(exampleWith(map[string]any{"oauthScopes": value}))
		if err != nil {
			t.Errorf("CDK_ARGS=%s reaches the app as oauthScopes=%s, which is refused:\n%v", args, value, err)
			continue
		}
		if want := []string{"openid", "email"}; !slices.Equal(c.OAuthScopes, want) {
			t.Errorf("CDK_ARGS=%s: oauthScopes = %v, want %v", args, c.OAuthScopes, want)
		}
	}
}

// TestMakeStageGuard runs `make deploy` and `make diff` (the CDK CLI replaced by
// printf, deps not run) from a copy of the Makefile beside a cdk.json with
// stages, and one without: without STAGE they stop and name the stages unless
// CDK_ARGS selects stacks itself; a CDK_ARGS of options only (-c key=value,
// --profile name) selects nothing and still stops.
func TestMakeStageGuard(t *testing.T) {
	if testing.Short() {
		t.Skip("runs make")
	}
	for _, tool := range []string{"make", "node"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skip("no " + tool)
		}
	}
	mk, err := os.ReadFile(filepath.Join("..", "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	dir := func(context string) string {
		d := t.TempDir()
		for name, body := range map[string]string{"Makefile": string(mk), "cdk.json": `{"app": "go run .", "context": ` + context + `}`} {
			if err := os.WriteFile(filepath.Join(d, name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return d
	}
	staged := dir(`{"recordName": "app.example.com", "stages": {"prod": {}, "dev": {}}}`)
	flat := dir(`{"recordName": "app.example.com"}`)
	const stops = "cdk.json has stages (dev, prod): name one, e.g. make %s STAGE=dev"
	for _, tc := range []struct {
		dir, stage, args string
		want             string // the CLI's arguments, one per line, or the refusal
	}{
		{staged, "", "", stops},
		{staged, "", `-c vpcId=vpc-0123456789abcdef0 -c publicSubnetIds=subnet-0123456789abcdef0,subnet-0fedcba9876543210`, stops},
		{staged, "", `-c 'routes=[{"name":"a","paths":["/a/*"]}]'`, stops},
		{staged, "", `--context recordName=x.example.com --profile prod --require-approval never`, stops},
		{staged, "", `-e`, stops},
		{staged, "prod", `-c vpcId=vpc-0123456789abcdef0`, "%s\n-c\nstage=prod\nprod/*\n-c\nvpcId=vpc-0123456789abcdef0\n"},
		{staged, "", `'prod/*'`, "%s\nprod/*\n"},
		{staged, "", `-c vpcId=vpc-0123456789abcdef0 prod/AlbCognitoSite`, "%s\n-c\nvpcId=vpc-0123456789abcdef0\nprod/AlbCognitoSite\n"},
		{staged, "", `--all --profile prod`, "%s\n--all\n--profile\nprod\n"},
		{flat, "", `-c vpcId=vpc-0123456789abcdef0`, "%s\n-c\nvpcId=vpc-0123456789abcdef0\n"},
	} {
		for _, target := range []string{"deploy", "diff"} {
			cmd := exec.Command("make", "-s", "-C", tc.dir, "-o", "deps", target, `CDK=printf '%s\n'`, "STAGE="+tc.stage, "CDK_ARGS="+tc.args)
			out, err := cmd.CombinedOutput()
			want := strings.ReplaceAll(tc.want, "%s", target)
			if tc.want == stops {
				if err == nil || !strings.Contains(string(out), want) {
					t.Errorf("make %s STAGE=%q CDK_ARGS=%s: want it to stop with %q, got err %v:\n%s", target, tc.stage, tc.args, want, err, out)
				}
				continue
			}
			if err != nil || string(out) != want {
				t.Errorf("make %s STAGE=%q CDK_ARGS=%s: err %v, CLI got:\n%s\nwant:\n%s", target, tc.stage, tc.args, err, out, want)
			}
		}
	}
}
