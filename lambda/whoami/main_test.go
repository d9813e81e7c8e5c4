package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestBuild(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"ALB_ARN":             "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188",
		"USER_POOL_CLIENT_ID": "client123",
		"TOKEN_ISSUER":        "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123",
		"USER_POOL_DOMAIN":    "myprefix.auth.eu-west-1.amazoncognito.com",
		"APP_URL":             "https://app.example.com",
	}
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	if h, err := build(func(k string) string { return env[k] }, logger); err != nil || h == nil {
		t.Fatalf("build: %v", err)
	}
	delete(env, "TOKEN_ISSUER")
	if _, err := build(func(k string) string { return env[k] }, logger); err == nil || !strings.Contains(err.Error(), "TOKEN_ISSUER") {
		t.Fatalf("build without TOKEN_ISSUER: %v", err)
	}
}

// TestMainFailsOnBadConfig runs main in a child process with an empty
// environment: it must exit non-zero with one JSON log line naming the
// missing variables, before starting the Lambda runtime.
func TestMainFailsOnBadConfig(t *testing.T) {
	if os.Getenv("WHOAMI_RUN_MAIN") == "1" {
		main()
		return
	}
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^TestMainFailsOnBadConfig$")
	cmd.Env = []string{"WHOAMI_RUN_MAIN=1", "ALB_ARN=arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/x/y"}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("main exited with %v, want status 1; stderr: %s", err, stderr.String())
	}
	var line map[string]any
	if err := json.Unmarshal(bytes.TrimSpace(stderr.Bytes()), &line); err != nil {
		t.Fatalf("stderr is not one JSON line: %q", stderr.String())
	}
	msg, _ := line["error"].(string)
	for _, v := range []string{"ALB_ARN: not an application load balancer ARN", "USER_POOL_CLIENT_ID: required", "TOKEN_ISSUER: required", "USER_POOL_DOMAIN: required", "APP_URL: required"} {
		if !strings.Contains(msg, v) {
			t.Errorf("error %q lacks %q", msg, v)
		}
	}
	if line["level"] != "ERROR" || line["msg"] != "initialisation failed" {
		t.Errorf("log line %v", line)
	}
}
