package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

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
	for _, v := range []string{"ALB_ARN: not an application load balancer ARN", "USER_POOL_CLIENT_ID: required", "TOKEN_ISSUER: required", "USER_POOL_DOMAIN: required", "APP_URL: required", "ROUTE_TABLE: required"} {
		if !strings.Contains(msg, v) {
			t.Errorf("error %q lacks %q", msg, v)
		}
	}
	if line["level"] != "ERROR" || line["msg"] != "initialisation failed" {
		t.Errorf("log line %v", line)
	}
}
