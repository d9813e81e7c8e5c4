package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/version"
)

// TestVersionFlag: -version prints the project's version and serves nothing.
func TestVersionFlag(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), ".", []string{"-version"}, &stdout, &stderr); code != 0 {
		t.Fatalf("run(-version) = %d; stderr:\n%s", code, stderr.String())
	}
	if got, want := stdout.String(), "alb-cognito-cdk preview "+version.Version+"\n"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
}
