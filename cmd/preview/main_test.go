package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/config"
	"github.com/alb-cognito/alb-cognito-cdk/internal/syncbuf"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
)

// syncBuffer is written by run while the test polls it.
// syncBuffer is the log output tests read while it is written.
type syncBuffer = syncbuf.Buffer

func TestRunRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeModule(t, dir, nil)
	differ := filepath.Join(dir, "other", "cdk.json")
	writeCDKJSON(t, differ, withStageRoutes(config.ExampleStages(), "prod"))
	noContext := filepath.Join(dir, "nocontext.json")
	if err := os.WriteFile(noContext, []byte(`{"app": "go run ."}`), 0o600); err != nil {
		t.Fatal(err)
	}
	notObject := filepath.Join(dir, "array.json")
	if err := os.WriteFile(notObject, []byte(`["a"]`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"help", []string{"-h"}, 0, "Ctrl-C and run it"},
		{"all interfaces", []string{"-addr", "0.0.0.0:8080"}, 1, "loopback only"},
		{"no host", []string{"-addr", ":8080"}, 1, "loopback only"},
		{"claim without =", []string{"-claim", "oops"}, 2, "want name=value"},
		{"missing user file", []string{"-user", filepath.Join(dir, "nope.json")}, 2, "no such file"},
		{"user file not an object", []string{"-user", notObject}, 2, "want a JSON object"},
		{"stray argument", []string{"serve"}, 2, "unexpected arguments"},
		{"unknown flag", []string{"-port", "1"}, 2, "flag provided but not defined"},
		{"issuer form not lower case", []string{"-issuer", "UPDATED"}, 2, `-issuer "UPDATED": want original or updated`},
		{"routes from a missing cdk.json", []string{"-routes", filepath.Join(dir, "cdk.json")}, 2, "no such file"},
		{"routes from a file that is not a cdk.json", []string{"-routes", notObject}, 2, "cannot unmarshal array"},
		{"routes from a file without context", []string{"-routes", noContext}, 2, `no "context" object`},
		{"stages whose routes differ", []string{"-routes", differ}, 2, "stages dev, prod have different route tables; name one with -stage (dev or prod)"},
		{"a stage cdk.json does not have", []string{"-routes", differ, "-stage", "qa"}, 2, `there is no stage "qa"`},
		{"a stage with nothing to read", []string{"-routes", "none", "-function", "lambda/whoami", "-stage", "dev"}, 2, "-stage selects a stage of cdk.json"},
		{"a stage without a cdk.json", []string{"-stage", "dev"}, 2, "no such file"},
		{"a remote upstream", []string{"-upstream", "http://10.1.2.3:9000"}, 2, "-upstream: upstream \"http://10.1.2.3:9000\": refusing a host that is not loopback"},
		{"an https upstream", []string{"-upstream", "https://127.0.0.1:9000"}, 2, "want http://127.0.0.1:<port>"},
		{"an upstream and a function", []string{"-upstream", "http://127.0.0.1:9000", "-function", "lambda/notes"}, 2, "-function and -upstream"},
		{"an upstream config without upstream", []string{"-upstream-config", filepath.Join(dir, "x.json")}, 2, "-upstream-config needs -upstream"},
		{"a group claim that cannot hold groups", []string{"-group-claims", "sub"}, 2, `preview: group claims: claims[0]: "sub" cannot hold groups`},
		{"a separator without group claims", []string{"-group-claim-separator", "comma"}, 2, "-group-claim-separator needs -group-claims"},
		{"an unknown separator", []string{"-group-claims", "custom:groups", "-group-claim-separator", "tab"}, 2, `"tab" is not a separator`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), dir, tc.args, &stdout, &stderr); code != tc.wantCode {
				t.Errorf("run(%q) = %d, want %d; stderr:\n%s", tc.args, code, tc.wantCode, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tc.wantErr, stderr.String())
			}
		})
	}
}

// TestRunServesUntilCancelled runs the command as make preview does, with a
// user file and flags on top, fetches the page and stops it as Ctrl-C does.
func TestRunServesUntilCancelled(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "user.json")
	if err := os.WriteFile(file, []byte(`{"sub":"file-sub","email":"file@example.com","username":"fileuser","custom:team":"core","exp":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"-addr", "127.0.0.1:0", "-routes", "example", "-user", file, "-email", "flag@example.com", "-groups", "admins, staff", "-scopes", "openid,https://api.example.com/read", "-claim", "custom:tier=gold", "-claim", "custom:x=a=b"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan int, 1)
	dir := t.TempDir()
	writeModule(t, dir, nil)
	go func() { done <- run(ctx, dir, args, stdout, stderr) }()

	var url string
	for deadline := time.Now().Add(10 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		for _, line := range strings.Split(stdout.String(), "\n") {
			if u, ok := strings.CutPrefix(strings.TrimSpace(line), "open "); ok {
				url = strings.TrimSpace(u)
			}
		}
	}
	if url == "" {
		t.Fatalf("no URL printed; stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	}
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	for _, want := range []string{`"email":"flag@example.com"`, `"username":"fileuser"`, `"sub":"file-sub"`, `"custom:team":"core"`,
		`"groups":["admins","staff"]`, `"scopes":["openid","https://api.example.com/read"]`, `"custom:tier":"gold"`, `"custom:x":"a=b"`,
		`{"name":"admin","paths":["/admin","/admin/*"],"groups":["admins"],"allowed":true`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("claims lack %s: %s", want, body)
		}
	}
	for _, want := range []string{"signed in as flag@example.com", "groups [admins staff]",
		"function: lambda/whoami (the default; no cdk.json in " + dir + ")", "routes: the example configuration's (-routes example)",
		"route admin      /admin /admin/*  (group admins) → you may enter",
		"route api-read   GET HEAD /api /api/*  (unauthenticated: deny) → you may enter",
		"route api-write  /api /api/*  (group editors; unauthenticated: deny) → you get 403"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
		}
	}
	// The request's log line carries the function's metric fields
	// (lambda/identity, metrics.go), which CloudWatch extracts from the
	// deployed function's log line.
	for _, want := range []string{"msg=request", "_aws.Timestamp=", `_aws.CloudWatchMetrics="[{\"Namespace\":\"AlbCognito\"`,
		"FunctionName=preview", "Outcome=ok", "Requests=1", "Refusals=0", "VerifyLatency="} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("the preview's log lacks %s:\n%s", want, stderr.String())
		}
	}
	if !strings.Contains(stdout.String(), "signed in as flag@example.com") || !strings.Contains(stderr.String(), `claim "exp" is set by the load balancer`) {
		t.Errorf("stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 || !strings.Contains(stdout.String(), "Preview stopped.") {
			t.Errorf("run = %d; stdout:\n%s", code, stdout.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop after cancel")
	}
	if _, err := http.Get(url); err == nil {
		t.Error("server still answers after shutdown")
	}
}

// TestRunUpstream: with -upstream the preview prints how to start the
// upstream and writes its document to -upstream-config, one the
// middleware accepts as it stands.
func TestRunUpstream(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeModule(t, dir, nil)
	file := filepath.Join(dir, "identity.json")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, dir, []string{"-addr", "127.0.0.1:0", "-routes", "example", "-upstream", "http://127.0.0.1:9000", "-upstream-config", file}, stdout, stderr)
	}()
	want := `cd examples/container && IDENTITY_CONFIG="$(cat '` + file + `')" PORT=9000 go run .`
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(stdout.String(), "Ctrl-C stops") && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
	}
	for _, w := range []string{"Preview in front of http://127.0.0.1:9000", want} {
		if !strings.Contains(stdout.String(), w) {
			t.Errorf("stdout lacks %q:\n%s\nstderr:\n%s", w, stdout.String(), stderr.String())
		}
	}
	doc, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(file); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("mode of %s: %v %v", file, info.Mode(), err)
	}
	if _, err := identity.ConfigFromDocument(doc); err != nil {
		t.Errorf("the document is refused: %v\n%s", err, doc)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("run = %d; stderr:\n%s", code, stderr.String())
	}
}

func TestShellQuote(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{`{"a":"b"}`: `'{"a":"b"}'`, `it's`: `'it'\''s'`, ``: `''`} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestRunListsGroupClaimAccess: the startup listing reads the user's groups
// from the configured group claim (cdk.json's groupClaims, or
// -group-claims), in the form signed with -claim, as the function does.
func TestRunListsGroupClaimAccess(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := config.Example()
	ctx["routes"] = config.ExampleRoutes()
	ctx["identityProviders"] = []any{"COGNITO", "Google"}
	ctx["groupClaims"] = []any{"custom:groups"}
	writeModule(t, dir, ctx)
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"from cdk.json", []string{"-claim", "custom:groups=[staff, admins]", "-groups", "editors"}, []string{
			"groups: custom:groups (bracketed) [staff admins] → [staff admins]",
			"route admin      /admin /admin/*  (group admins) → you may enter",
			"route api-write  /api /api/*  (group editors; unauthenticated: deny) → you get 403"}},
		{"beside cognito:groups by flag", []string{"-group-claims", "cognito:groups,custom:groups", "-claim", `custom:groups=["admins"]`, "-groups", "editors"}, []string{
			"groups: cognito:groups (access-token) [editors], custom:groups (json-in-string) [admins] → [editors admins]",
			"route admin      /admin /admin/*  (group admins) → you may enter",
			"route api-write  /api /api/*  (group editors; unauthenticated: deny) → you may enter"}},
		{"an invalid claim", []string{"-claim", "custom:groups=[staff,admins]", "-groups", "admins"}, []string{
			"groups: none: group claim custom:groups: separator_in_name (form bracketed, 1 elements); every route with groups answers 403",
			"route admin      /admin /admin/*  (group admins) → you get 403"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			stdout, stderr := &syncBuffer{}, &syncBuffer{}
			done := make(chan int, 1)
			go func() { done <- run(ctx, dir, append([]string{"-addr", "127.0.0.1:0"}, tc.args...), stdout, stderr) }()
			for deadline := time.Now().Add(10 * time.Second); !strings.Contains(stdout.String(), "Ctrl-C stops") && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			}
			cancel()
			if code := <-done; code != 0 {
				t.Fatalf("run = %d; stderr:\n%s", code, stderr.String())
			}
			for _, want := range tc.want {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
				}
			}
		})
	}
}
