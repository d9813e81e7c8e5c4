package webapp_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/webapp"
)

func TestFromEnv(t *testing.T) {
	t.Parallel()
	env := validEnv()
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	if h, err := webapp.FromEnv(func(k string) string { return env[k] }, logger); err != nil || h == nil {
		t.Fatalf("FromEnv: %v", err)
	}
	var line map[string]any
	if err := json.Unmarshal(bytes.TrimSpace(logs.Bytes()), &line); err != nil {
		t.Fatalf("log is not one JSON line: %q", logs.String())
	}
	if line["msg"] != "initialised" || line["alb_arn"] != env[webapp.EnvALBARN] ||
		line["key_endpoint"] != "https://public-keys.auth.elb.eu-west-1.amazonaws.com" {
		t.Errorf("log line %v", line)
	}

	delete(env, webapp.EnvIssuer)
	delete(env, webapp.EnvAppURL)
	_, err := webapp.FromEnv(func(k string) string { return env[k] }, logger)
	var ce *webapp.ConfigError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "TOKEN_ISSUER: required") || !strings.Contains(err.Error(), "APP_URL: required") {
		t.Fatalf("FromEnv without TOKEN_ISSUER and APP_URL: %v", err)
	}
}
