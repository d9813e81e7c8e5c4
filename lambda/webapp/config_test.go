package webapp_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/webapp"
)

func validEnv() map[string]string {
	return map[string]string{
		webapp.EnvALBARN:         "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188",
		webapp.EnvClientID:       "4lbc0gn1t0cl13nt1d",
		webapp.EnvIssuer:         "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123",
		webapp.EnvUserPoolDomain: "myprefix.auth.eu-west-1.amazoncognito.com",
		webapp.EnvAppURL:         "https://app.example.com",
	}
}

func TestConfigFromEnv(t *testing.T) {
	t.Parallel()
	env := validEnv()
	cfg, err := webapp.ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Token.ALBARN != env[webapp.EnvALBARN] || cfg.Token.ClientID != env[webapp.EnvClientID] ||
		cfg.Token.Issuer != env[webapp.EnvIssuer] || cfg.Token.KeyEndpoint != "" ||
		cfg.UserPoolDomain != env[webapp.EnvUserPoolDomain] || cfg.AppURL != env[webapp.EnvAppURL] ||
		cfg.SessionCookieName != webapp.DefaultSessionCookieName {
		t.Errorf("cfg = %+v", cfg)
	}

	env[webapp.EnvKeyEndpoint] = "http://127.0.0.1:8123"
	env[webapp.EnvSessionCookieName] = "MyCookie"
	env[webapp.EnvUserPoolDomain] = "auth.example.com"
	cfg, err = webapp.ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Token.KeyEndpoint != "http://127.0.0.1:8123" || cfg.SessionCookieName != "MyCookie" {
		t.Errorf("cfg = %+v", cfg)
	}
}

func TestConfigFromEnvErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, variable, value string
	}{
		{"missing ARN", webapp.EnvALBARN, ""},
		{"ARN of a target group", webapp.EnvALBARN, "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/tg/50dc6c495c0c9188"},
		{"ARN of a network LB", webapp.EnvALBARN, "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/n/50dc6c495c0c9188"},
		{"aws-cn ARN without endpoint", webapp.EnvKeyEndpoint, ""}, // the ARN is set below
		{"missing client", webapp.EnvClientID, ""},
		{"client with spaces", webapp.EnvClientID, "a b"},
		{"missing issuer", webapp.EnvIssuer, ""},
		{"http issuer", webapp.EnvIssuer, "http://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123"},
		{"issuer is pool id", webapp.EnvIssuer, "eu-west-1_AbC123"},
		{"endpoint relative", webapp.EnvKeyEndpoint, "keys.example.com"},
		{"endpoint plain http remote", webapp.EnvKeyEndpoint, "http://keys.example.com"},
		{"missing domain", webapp.EnvUserPoolDomain, ""},
		{"domain is URL", webapp.EnvUserPoolDomain, "https://myprefix.auth.eu-west-1.amazoncognito.com"},
		{"domain with path", webapp.EnvUserPoolDomain, "auth.example.com/logout"},
		{"domain with port", webapp.EnvUserPoolDomain, "auth.example.com:443"},
		{"domain single label", webapp.EnvUserPoolDomain, "localhost"},
		{"domain bad label", webapp.EnvUserPoolDomain, "-x.example.com"},
		{"missing app URL", webapp.EnvAppURL, ""},
		{"app URL http", webapp.EnvAppURL, "http://app.example.com"},
		{"app URL host only", webapp.EnvAppURL, "app.example.com"},
		{"app URL with query", webapp.EnvAppURL, "https://app.example.com/?next=/"},
		{"cookie name with semicolon", webapp.EnvSessionCookieName, "a;b"},
		{"cookie name with space", webapp.EnvSessionCookieName, "a b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := validEnv()
			env[tc.variable] = tc.value
			if tc.name == "aws-cn ARN without endpoint" {
				env[webapp.EnvALBARN] = "arn:aws-cn:elasticloadbalancing:cn-north-1:123456789012:loadbalancer/app/a/50dc6c495c0c9188"
			}
			_, err := webapp.ConfigFromEnv(func(k string) string { return env[k] })
			var ce *webapp.ConfigError
			if !errors.As(err, &ce) || len(ce.Problems) != 1 {
				t.Fatalf("err = %v, want one problem", err)
			}
			if !strings.HasPrefix(ce.Problems[0], tc.variable+": ") {
				t.Errorf("problem %q does not start with %s", ce.Problems[0], tc.variable)
			}
			if tc.value != "" && len(tc.value) > 8 && strings.Contains(err.Error(), "Token.") {
				t.Errorf("error names a Go field: %v", err)
			}
		})
	}
}

func TestConfigFromEnvAllMissing(t *testing.T) {
	t.Parallel()
	_, err := webapp.ConfigFromEnv(func(string) string { return "" })
	if err == nil {
		t.Fatal("empty environment accepted")
	}
	for _, v := range []string{webapp.EnvALBARN, webapp.EnvClientID, webapp.EnvIssuer, webapp.EnvUserPoolDomain, webapp.EnvAppURL} {
		if !strings.Contains(err.Error(), v+": required") {
			t.Errorf("error does not report %s: %v", v, err)
		}
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error spans lines: %q", err)
	}
}

func TestConfigValidateNamesFields(t *testing.T) {
	t.Parallel()
	err := webapp.Config{}.Validate()
	for _, f := range []string{"Token.ALBARN", "Token.ClientID", "Token.Issuer", "UserPoolDomain", "AppURL", "SessionCookieName"} {
		if err == nil || !strings.Contains(err.Error(), f+":") {
			t.Errorf("Validate error does not name %s: %v", f, err)
		}
	}
}
