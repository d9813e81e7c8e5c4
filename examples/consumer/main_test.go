package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

func TestMain(m *testing.M) {
	code := m.Run()
	jsii.Close()
	os.Exit(code)
}

// readContext returns a JSON file's context as the CDK CLI hands it to the
// app: cdk.json's "context" object, or cdk.context.json whole.
func readContext(t *testing.T, file string, key string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if key != "" {
		m, _ = m[key].(map[string]any)
	}
	return m
}

func readJSON(t *testing.T, file string, v any) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

// TestSynth synthesizes the app as `cdk synth` would, with this folder's
// cdk.json and cdk.context.json (bundling skipped, so no go build runs),
// and checks that the construct put the function behind the load balancer
// with Cognito sign-in, in the zones cdk.context.json names, with no lookup
// left for the CLI to do.
func TestSynth(t *testing.T) {
	ctx := readContext(t, "cdk.json", "context")
	for k, v := range readContext(t, "cdk.context.json", "") {
		ctx[k] = v
	}
	ctx["aws:cdk:bundling-stacks"] = []any{}
	outdir := t.TempDir()
	app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx, Outdir: jsii.String(outdir)})
	stack, auth := newStack(app, "Consumer", ".")
	app.Synth(nil)

	// The CLI looks up, with credentials, whatever the manifest lists as missing.
	var manifest struct {
		Missing []struct{ Key string }
	}
	readJSON(t, filepath.Join(outdir, "manifest.json"), &manifest)
	for _, m := range manifest.Missing {
		t.Errorf("synth needs context it does not have (the CLI would look it up with credentials): %s", m.Key)
	}
	var doc struct {
		Resources map[string]struct {
			Type       string
			Properties map[string]any
		}
	}
	readJSON(t, filepath.Join(outdir, *stack.TemplateFile()), &doc)
	count := map[string]int{}
	var zones []string
	var actions []string
	for _, r := range doc.Resources {
		count[r.Type]++
		switch r.Type {
		case "AWS::EC2::Subnet":
			zones = append(zones, r.Properties["AvailabilityZone"].(string))
		case "AWS::ElasticLoadBalancingV2::Listener":
			for _, a := range r.Properties["DefaultActions"].([]any) {
				actions = append(actions, a.(map[string]any)["Type"].(string))
			}
		}
	}
	for typ, n := range map[string]int{
		"AWS::ElasticLoadBalancingV2::LoadBalancer": 1,
		"AWS::ElasticLoadBalancingV2::TargetGroup":  1,
		"AWS::ElasticLoadBalancingV2::Listener":     2, // HTTPS, and port 80 redirecting to it
		"AWS::ElasticLoadBalancingV2::ListenerRule": 1, // the admin route
		"AWS::Cognito::UserPoolClient":              1,
		"AWS::Lambda::Function":                     1,
		"AWS::Route53::RecordSet":                   1,
		"AWS::EC2::Subnet":                          2,
	} {
		if count[typ] < n {
			t.Errorf("%d %s, want at least %d", count[typ], typ, n)
		}
	}
	if count["AWS::Cognito::UserPool"] != 0 || count["AWS::CertificateManager::Certificate"] != 0 || count["AWS::Route53::HostedZone"] != 0 {
		t.Errorf("the pool, certificate and zone are imported, yet the template creates some: %v", count)
	}
	if got := strings.Join(actions, ","); !strings.Contains(got, "authenticate-cognito,forward") {
		t.Errorf("listener default actions %s, want authenticate-cognito then forward", got)
	}
	for _, z := range zones {
		if !strings.HasPrefix(z, "eu-west-1") {
			t.Errorf("subnet in zone %q, not one of cdk.context.json's", z)
		}
	}
	if auth.URL() != "https://"+domainName {
		t.Errorf("URL %s", auth.URL())
	}
}

// TestFunctionFolderExists: the function's asset folder is a Go main package
// of this module, so `cdk synth` has something to build.
func TestFunctionFolderExists(t *testing.T) {
	b, err := os.ReadFile("function/main.go")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "package main") {
		t.Error("function/main.go is not package main")
	}
}
