package identity_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
)

func TestFromEnv(t *testing.T) {
	t.Parallel()
	env := validEnv()
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	if h, err := identity.FromEnv(func(k string) string { return env[k] }, identity.Options{Logger: logger}); err != nil || h == nil {
		t.Fatalf("FromEnv: %v", err)
	}
	var line map[string]any
	if err := json.Unmarshal(bytes.TrimSpace(logs.Bytes()), &line); err != nil {
		t.Fatalf("log is not one JSON line: %q", logs.String())
	}
	if line["msg"] != "initialised" || line["alb_arn"] != env[identity.EnvALBARN] ||
		line["key_endpoint"] != "https://public-keys.auth.elb.eu-west-1.amazonaws.com" {
		t.Errorf("log line %v", line)
	}

	delete(env, identity.EnvIssuer)
	delete(env, identity.EnvAppURL)
	_, err := identity.FromEnv(func(k string) string { return env[k] }, identity.Options{Logger: logger})
	var ce *identity.ConfigError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "TOKEN_ISSUER: required") || !strings.Contains(err.Error(), "APP_URL: required") {
		t.Fatalf("FromEnv without TOKEN_ISSUER and APP_URL: %v", err)
	}
}
