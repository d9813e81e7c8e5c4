package config

import (
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestMakeSynthListForms runs `make synth` with the CDK CLI replaced by printf,
// so each argument arrives exactly as make's shell passes it to the CLI, and
// decodes the oauthScopes value that arrived. It proves the forms the README
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
