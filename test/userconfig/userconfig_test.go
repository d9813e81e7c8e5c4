// Package userconfig checks the promise the docs make to users: put your own
// values in cdk.json, with or without stages, and `make test` stays green. It
// copies the module to a temporary directory, writes other valid values into
// the copy's cdk.json and runs the config and synth tests there.
package userconfig

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// staged is a user's configuration with three stages, none of them the
// example's: another account, other regions, pools, zones and names.
var staged = map[string]any{
	"userPoolArn":    "arn:aws:cognito-idp:us-east-1:210987654321:userpool/us-east-1_Corp1",
	"userPoolDomain": "auth.corp.example.org",
	"hostedZoneId":   "Z09876543210FEDCBA987",
	"hostedZoneName": "corp.example.org",
	"certificateArn": "arn:aws:acm:us-east-1:210987654321:certificate/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
	"oauthScopes":    "openid,email",
	"stackName":      "Intranet",
	"stages": map[string]any{
		"qa":      map[string]any{"recordName": "qa.corp.example.org", "deletionProtection": false, "availabilityZones": []any{"us-east-1c", "us-east-1d"}},
		"staging": map[string]any{"recordName": "staging.corp.example.org", "ipAddressType": "dualstack"},
		"live": map[string]any{
			"recordName":     "intranet.corp.example.org",
			"account":        "345678901234",
			"userPoolArn":    "arn:aws:cognito-idp:eu-north-1:345678901234:userpool/eu-north-1_Live1",
			"userPoolDomain": "corp-live",
			"certificateArn": "arn:aws:acm:eu-north-1:345678901234:certificate/ffffffff-1111-2222-3333-444444444444",
			"wafEnabled":     true,
		},
	},
}

// flat is a user's single-environment configuration.
var flat = map[string]any{
	"userPoolArn":    "arn:aws:cognito-idp:ap-southeast-2:456789012345:userpool/ap-southeast-2_Flat1",
	"userPoolDomain": "flat-app",
	"hostedZoneId":   "Z1111111111111111111A",
	"hostedZoneName": "flat.example.net",
	"recordName":     "flat.example.net",
	"certificateArn": "arn:aws:acm:ap-southeast-2:456789012345:certificate/12345678-1234-1234-1234-123456789012",
	"sessionTimeout": 3600,
}

func TestTestsPassWithTheUsersOwnValues(t *testing.T) {
	if testing.Short() {
		t.Skip("copies the module and runs its jsii tests (about half a minute); skipped with -short")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	// Each case runs one `go test` over both packages (their binaries build
	// and run side by side), and all cases share one copy, so the second
	// case reuses the first one's compiled packages: only cdk.json differs.
	cases := []struct {
		name    string
		context map[string]any
		args    []string
		want    []string
	}{
		{"three stages", staged, []string{"-short", "./config", "./test"}, []string{
			"--- PASS: TestCDKJSONIsValid", `stage "live": https://intranet.corp.example.org in 345678901234/eu-north-1`,
			"--- PASS: TestCDKJSONSynthesizes", "--- PASS: TestSnapshot",
			"qa-Intranet: 210987654321/us-east-1", "staging-Intranet: 210987654321/us-east-1", "live-Intranet: 345678901234/eu-north-1",
		}},
		{"flat", flat, []string{"-short", "-run", "TestCDKJSON", "./config", "./test"}, []string{
			"--- PASS: TestCDKJSONIsValid", `stage "": https://flat.example.net in 456789012345/ap-southeast-2`,
			"--- PASS: TestCDKJSONSynthesizes", "AlbCognitoSite: 456789012345/ap-southeast-2",
		}},
	}
	dir := t.TempDir()
	copyModule(t, root, dir)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			writeContext(t, filepath.Join(dir, "cdk.json"), tc.context)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "go", append([]string{"test", "-count=1", "-v"}, tc.args...)...)
			cmd.Dir = dir
			// The copy is not beside the project's cfnschema (../shared): name
			// it, so the copy's template checks find the same one.
			cmd.Env = append(os.Environ(), "CFNSCHEMA_DIR="+cfnschemaDir(root))
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("go test %s in a copy with other values in cdk.json: %v\n%s", strings.Join(tc.args, " "), err, tail(out, 80))
			}
			for _, want := range tc.want {
				if !strings.Contains(string(out), want) {
					t.Errorf("go test %s: no %q in the output:\n%s", strings.Join(tc.args, " "), want, tail(out, 40))
				}
			}
		})
	}
}

// cfnschemaDir is the cfnschema folder the test package uses for the module
// at root: $CFNSCHEMA_DIR, else ../shared/tools/cfnschema beside it.
func cfnschemaDir(root string) string {
	if dir := os.Getenv("CFNSCHEMA_DIR"); dir != "" {
		return dir
	}
	return filepath.Join(root, "..", "shared", "tools", "cfnschema")
}

// copyModule copies the module's files to dst, leaving out build output,
// node_modules and version control.
func copyModule(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules", "cdk.out":
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatalf("copying the module: %v", err)
	}
}

// writeContext replaces the settings in cdk.json's context, keeping its CDK
// keys (the feature flags).
func writeContext(t *testing.T, path string, settings map[string]any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var file map[string]any
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatal(err)
	}
	ctx := map[string]any{}
	for k, v := range file["context"].(map[string]any) {
		if strings.HasPrefix(k, "@") {
			ctx[k] = v
		}
	}
	for k, v := range settings {
		ctx[k] = v
	}
	file["context"] = ctx
	if b, err = json.MarshalIndent(file, "", "  "); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func tail(out []byte, lines int) string {
	l := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(l) > lines {
		l = l[len(l)-lines:]
	}
	return strings.Join(l, "\n")
}
