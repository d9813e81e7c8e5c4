package test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/alb-cognito/alb-cognito-cdk/internal/siteapp"
)

// TestHostileConfigurationIsRefused drives bad configurations through the same
// entry point as main.go. Each must be refused with a message that names the key
// and the fix, and the app must be left without a stack, so nothing can be
// synthesized. The config package's own tests cover every rule in detail; this
// table proves they are wired in front of synthesis.
func TestHostileConfigurationIsRefused(t *testing.T) {
	absent := absentPackage(moduleRoot())
	cases := []struct {
		name      string
		overrides map[string]any
		want      []string // substrings of the message: the key, then the fix
	}{
		{"pool ARN of another service", map[string]any{"userPoolArn": "arn:aws:cognito-identity:eu-west-1:123456789012:identitypool/eu-west-1:1234"}, []string{"userPoolArn", "cognito-idp"}},
		{"pool ARN of another type", map[string]any{"userPoolArn": "arn:aws:cognito-idp:eu-west-1:123456789012:group/eu-west-1_Example1"}, []string{"userPoolArn", "userpool/"}},
		{"pool in another region", map[string]any{"userPoolArn": "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Example1"}, []string{"certificateArn", "eu-west-1", "us-east-1"}},
		{"certificate in another region", map[string]any{"certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"}, []string{"certificateArn", "us-east-1"}},
		{"certificate ARN of another partition", map[string]any{"certificateArn": "arn:aws-cn:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"}, []string{"certificateArn", "partition"}},
		{"certificate ARN of another service", map[string]any{"certificateArn": "arn:aws:iam::123456789012:server-certificate/site"}, []string{"certificateArn", "acm"}},
		{"account mismatch", map[string]any{"account": "210987654321"}, []string{"account", "123456789012"}},
		{"pool domain as a URL", map[string]any{"userPoolDomain": "https://example-app.auth.eu-west-1.amazoncognito.com"}, []string{"userPoolDomain", "not a URL"}},
		{"upper-case zone", map[string]any{"hostedZoneName": "Example.com"}, []string{"hostedZoneName", "lower case"}},
		{"upper-case record", map[string]any{"recordName": "App.example.com"}, []string{"recordName", "lower case"}},
		{"trailing-dot record", map[string]any{"recordName": "app.example.com."}, []string{"recordName", "trailing dot"}},
		{"record outside the zone", map[string]any{"recordName": "app.example.org"}, []string{"recordName", "example.com"}},
		{"empty value", map[string]any{"userPoolArn": ""}, []string{"userPoolArn"}},
		{"whitespace value", map[string]any{"hostedZoneId": "  "}, []string{"hostedZoneId"}},
		{"bad zone id", map[string]any{"hostedZoneId": "/hostedzone/Z0123456789EXAMPLE0AB"}, []string{"hostedZoneId", "Z0123456789EXAMPLE0AB"}},
		{"session timeout of 0", map[string]any{"sessionTimeout": "0"}, []string{"sessionTimeout", "7 days"}},
		{"session timeout over 7 days", map[string]any{"sessionTimeout": "169h"}, []string{"sessionTimeout", "7 days"}},
		{"refresh token that ends before the session", map[string]any{"sessionTimeout": "72h", "refreshTokenValidity": "24h"}, []string{"refreshTokenValidity", "73h"}},
		{"access token outside Cognito's range", map[string]any{"accessTokenValidity": "2m"}, []string{"accessTokenValidity", "5m to 24h"}},
		{"login pages named by version", map[string]any{"loginPages": "v2"}, []string{"loginPages", "use managed"}},
		{"unknown scope", map[string]any{"oauthScopes": "openid,mail"}, []string{"oauthScopes", "mail"}},
		{"scope with spaces", map[string]any{"oauthScopes": []any{"openid", "email profile"}}, []string{"oauthScopes", "space"}},
		{"admin scope", map[string]any{"oauthScopes": "openid,aws.cognito.signin.user.admin"}, []string{"oauthScopes", "aws.cognito.signin.user.admin"}},
		{"typo in a key", map[string]any{"certificateARN": "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"}, []string{"certificateARN", "certificateArn"}},
		{"wrong type in cdk.json", map[string]any{"deletionProtection": "maybe"}, []string{"deletionProtection", "true"}},
		{"number where a list belongs", map[string]any{"oauthScopes": 5.0}, []string{"oauthScopes", "list"}},
		{"unsupported TLS policy", map[string]any{"tlsPolicy": "TLS12"}, []string{"tlsPolicy", "TLS13_13_PQ"}},
		{"vpc without subnets", map[string]any{"vpcId": "vpc-0123456789abcdef0"}, []string{"publicSubnetIds", "vpcId"}},
		{"dual stack without public IPv4", map[string]any{"ipAddressType": "dualstack-without-public-ipv4"}, []string{"ipAddressType", "HTTP 500", "dualstack"}},
		{"pool in another account", map[string]any{"userPoolArn": "arn:aws:cognito-idp:eu-west-1:210987654321:userpool/eu-west-1_Example1"}, []string{"userPoolArn", "210987654321", "123456789012"}},
		{"CDK token in a string", map[string]any{"recordName": "${Token[AWS.AccountId.6]}.example.com"}, []string{"recordName", "CDK token"}},
		{"CDK token in a list", map[string]any{"identityProviders": []any{"COGNITO", "${Token[TOKEN.99]}"}}, []string{"identityProviders", "CDK token"}},
		{"CDK list token in a list", map[string]any{"identityProviders": []any{"COGNITO", "Corp#{Token[TOKEN.99]}"}}, []string{"identityProviders", "CDK token"}},
		{"machine clients with one output id", map[string]any{"machineClients": []any{"nightly-report", "NightlyReport"}, "createResourceServer": true,
			"routes": []any{map[string]any{"name": "r", "paths": []any{"/api/*"}, "scopes": []any{"https://app.example.com/read"}, "clients": []any{"nightly-report", "NightlyReport"}}}},
			[]string{"machineClients", "MachineClientIdNightlyReport"}},
		{"CDK number token in a route", map[string]any{"routes": []any{map[string]any{"name": "admin", "paths": []any{"/admin/*"}, "groups": []any{"-1.8881545897087626e+289"}}}},
			[]string{"routes", "CDK token"}},
		{"log retention CloudWatch lacks", map[string]any{"logRetentionDays": "31"}, []string{"logRetentionDays", "30"}},
		{"function package outside lambda/", map[string]any{"functionPackage": "cmd/preview"}, []string{"functionPackage", "lambda/<name>"}},
		{"function package that does not exist", map[string]any{"functionPackage": absent}, []string{"functionPackage", absent + " does not exist", "Put your own app behind it"}},
		{"function package that is a library", map[string]any{"functionPackage": "lambda/albjwt"}, []string{"functionPackage", "is package albjwt, not package main"}},
	}
	if len(cases) < 20 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := exampleContext(tc.overrides)
			guard(t, func() {
				app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx, Outdir: jsii.String(t.TempDir())})
				site, err := siteapp.Build(app, siteapp.Options{})
				if err == nil {
					t.Fatalf("configuration %v was accepted", tc.overrides)
				}
				if site != nil || len(*app.Node().Children()) != 0 {
					t.Errorf("a refused configuration left %d constructs in the app", len(*app.Node().Children()))
				}
				msg := err.Error()
				for _, w := range tc.want {
					if !strings.Contains(msg, w) {
						t.Errorf("message does not contain %q:\n%s", w, msg)
					}
				}
			})
		})
	}
}

func TestEveryProblemIsReportedAtOnce(t *testing.T) {
	ctx := exampleContext(map[string]any{"recordName": "App.example.com", "sessionTimeout": "0", "tlsPolicy": "TLS12"})
	guard(t, func() {
		app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx, Outdir: jsii.String(t.TempDir())})
		_, err := siteapp.Build(app, siteapp.Options{})
		if err == nil {
			t.Fatal("accepted")
		}
		for _, key := range []string{"recordName", "sessionTimeout", "tlsPolicy"} {
			if !strings.Contains(err.Error(), key) {
				t.Errorf("%s not reported:\n%v", key, err)
			}
		}
	})
}

// TestExampleConfigWithCredentialsSynthesizes: with credentials for a real
// account (the CLI passes CDK_DEFAULT_ACCOUNT to every command, synth too), the
// example configuration still synthesizes, as docs/deploying.md promises, and warns
// that a deploy will fail, naming both accounts.
func TestExampleConfigWithCredentialsSynthesizes(t *testing.T) {
	ctx := exampleContext(nil)
	guard(t, func() {
		app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx, Outdir: jsii.String(t.TempDir())})
		sites, err := siteapp.Build(app, siteapp.Options{DefaultAccount: "210987654321"})
		if err != nil {
			t.Fatalf("example config with real credentials: %v", err)
		}
		site := sites[0]
		assertions.Annotations_FromStack(site.Stack).HasWarning(jsii.String("/"+*site.Stack.StackName()),
			assertions.Match_StringLikeRegexp(jsii.String("shipped example configuration \\(account 123456789012\\) and your credentials are for account 210987654321.*cdk deploy will fail.*Set real values")))
	})
	// Without credentials, or with the example's own account, no warning.
	for _, account := range []string{"", "123456789012"} {
		ctx := exampleContext(nil)
		guard(t, func() {
			app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx, Outdir: jsii.String(t.TempDir())})
			sites, err := siteapp.Build(app, siteapp.Options{DefaultAccount: account})
			if err != nil {
				t.Fatal(err)
			}
			site := sites[0]
			assertions.Annotations_FromStack(site.Stack).HasNoWarning(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String(".*shipped example.*")))
		})
	}
}

// cliRun is the one run of the real CDK CLI with a bad value. TestMain starts it
// in the background, so the CLI's own start-up (a Go build check, a Node.js
// process, the jsii kernel) overlaps the in-process synths on the other core.
var cliRun struct {
	done   chan struct{}
	out    []byte
	err    error
	outdir string
	setup  error
}

// startCLIRun launches `cdk synth -c sessionTimeout=200h` from the module root,
// with the same bad value for each stage of cdk.json (-c stages.<name>.sessionTimeout=200h),
// so it is refused whatever cdk.json's stages set.
func startCLIRun(tempRoot string) {
	cliRun.done = make(chan struct{})
	go func() {
		defer close(cliRun.done)
		root, err := filepath.Abs("..")
		if err != nil {
			cliRun.setup = err
			return
		}
		cdk := filepath.Join(root, "node_modules", ".bin", "cdk")
		if _, err := os.Stat(cdk); err != nil {
			cliRun.setup = fmt.Errorf("the pinned CDK CLI is not installed (%v): run `make deps`", err)
			return
		}
		if cliRun.outdir, err = os.MkdirTemp(tempRoot, "cli.out"); err != nil {
			cliRun.setup = err
			return
		}
		// What an earlier, successful synth left: the refused run must not
		// leave its template looking current, and keeps the built asset.
		for _, f := range staleAssembly {
			p := filepath.Join(cliRun.outdir, f)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err == nil {
				err = os.WriteFile(p, []byte("{}"), 0o644)
			}
			if err != nil {
				cliRun.setup = err
				return
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		args := []string{"synth", "--quiet", "-o", cliRun.outdir, "-c", "sessionTimeout=200h"}
		for _, name := range cdkJSONStages() {
			args = append(args, "-c", "stages."+name+".sessionTimeout=200h")
		}
		cmd := exec.CommandContext(ctx, cdk, args...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "AWS_EC2_METADATA_DISABLED=true", "CDK_DISABLE_CLI_TELEMETRY=true")
		cliRun.out, cliRun.err = cmd.CombinedOutput()
	}()
}

// TestCLIRefusesBadValue checks the real CDK CLI run: `cdk synth -c <bad value>`
// must exit non-zero with the message and write no template. It needs the
// pinned CLI from `make deps`; it is skipped under -short.
func TestCLIRefusesBadValue(t *testing.T) {
	if cliRun.done == nil {
		t.Skip("runs the CDK CLI; skipped with -short")
	}
	<-cliRun.done
	if cliRun.setup != nil {
		t.Fatal(cliRun.setup)
	}
	if cliRun.err == nil {
		t.Fatalf("cdk synth -c sessionTimeout=200h succeeded:\n%s", cliRun.out)
	}
	if !strings.Contains(string(cliRun.out), "sessionTimeout") || !strings.Contains(string(cliRun.out), "7 days") {
		t.Errorf("output does not name the key and the limit:\n%s", cliRun.out)
	}
	for _, pattern := range []string{"*.template.json", "*/*.template.json"} {
		if m, _ := filepath.Glob(filepath.Join(cliRun.outdir, pattern)); len(m) > 0 {
			t.Errorf("templates were written, or an earlier synth's left: %v", m)
		}
	}
	if _, err := os.Stat(filepath.Join(cliRun.outdir, "manifest.json")); err == nil {
		t.Error("an earlier synth's manifest.json was left in the output folder")
	}
	if _, err := os.Stat(filepath.Join(cliRun.outdir, staleAssembly[2])); err != nil {
		t.Errorf("the built asset was removed: %v", err)
	}
	if !strings.Contains(string(cliRun.out), "nothing was synthesized (the previous synth's templates were removed from") {
		t.Errorf("output does not say the stale templates were removed:\n%s", cliRun.out)
	}
}

// staleAssembly is what TestCLIRefusesBadValue's output folder holds before the
// refused run, as if an earlier synth had succeeded.
var staleAssembly = []string{"manifest.json", "AlbCognitoSite.template.json", "asset.0123/bootstrap",
	"assembly-dev/devAlbCognitoSite0123ABCD.template.json"}

// absentPackage returns a functionPackage that names no folder under
// lambda/ in moduleDir, whatever apps a user has added there (the docs'
// lambda/myapp among them).
func absentPackage(moduleDir string) string {
	for i := 0; ; i++ {
		p := fmt.Sprintf("lambda/absent%d", i)
		if _, err := os.Stat(filepath.Join(moduleDir, p)); errors.Is(err, fs.ErrNotExist) {
			return p
		}
	}
}
