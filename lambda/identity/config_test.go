package identity_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
)

func validEnv() map[string]string {
	return map[string]string{
		identity.EnvALBARN:            "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188",
		identity.EnvClientID:          "4lbc0gn1t0cl13nt1d",
		identity.EnvIssuer:            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123",
		identity.EnvUserPoolDomain:    "myprefix.auth.eu-west-1.amazoncognito.com",
		identity.EnvAppURL:            "https://app.example.com",
		identity.EnvTargetGroupPrefix: "Site-AbC123",
		identity.EnvRouteTable:        `{"routes":[]}`,
	}
}

func TestConfigFromEnv(t *testing.T) {
	t.Parallel()
	env := validEnv()
	cfg, err := identity.ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Token.ALBARN != env[identity.EnvALBARN] || cfg.Token.ClientID != env[identity.EnvClientID] ||
		cfg.Token.Issuer != env[identity.EnvIssuer] || cfg.Token.KeyEndpoint != "" ||
		cfg.UserPoolDomain != env[identity.EnvUserPoolDomain] || cfg.AppURL != env[identity.EnvAppURL] ||
		cfg.SessionCookieName != identity.DefaultSessionCookieName {
		t.Errorf("cfg = %+v", cfg)
	}

	env[identity.EnvKeyEndpoint] = "http://127.0.0.1:8123"
	env[identity.EnvSessionCookieName] = "MyCookie"
	env[identity.EnvUserPoolDomain] = "auth.example.com"
	cfg, err = identity.ConfigFromEnv(func(k string) string { return env[k] })
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
		{"missing ARN", identity.EnvALBARN, ""},
		{"ARN of a target group", identity.EnvALBARN, "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/tg/50dc6c495c0c9188"},
		{"ARN of a network LB", identity.EnvALBARN, "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/n/50dc6c495c0c9188"},
		{"aws-cn ARN without endpoint", identity.EnvKeyEndpoint, ""}, // the ARN is set below
		{"missing client", identity.EnvClientID, ""},
		{"client with spaces", identity.EnvClientID, "a b"},
		{"missing issuer", identity.EnvIssuer, ""},
		{"http issuer", identity.EnvIssuer, "http://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123"},
		{"issuer is pool id", identity.EnvIssuer, "eu-west-1_AbC123"},
		{"endpoint relative", identity.EnvKeyEndpoint, "keys.example.com"},
		{"endpoint plain http remote", identity.EnvKeyEndpoint, "http://keys.example.com"},
		{"missing domain", identity.EnvUserPoolDomain, ""},
		{"domain is URL", identity.EnvUserPoolDomain, "https://myprefix.auth.eu-west-1.amazoncognito.com"},
		{"domain with path", identity.EnvUserPoolDomain, "auth.example.com/logout"},
		{"domain with port", identity.EnvUserPoolDomain, "auth.example.com:443"},
		{"domain single label", identity.EnvUserPoolDomain, "localhost"},
		{"domain bad label", identity.EnvUserPoolDomain, "-x.example.com"},
		{"missing app URL", identity.EnvAppURL, ""},
		{"app URL http", identity.EnvAppURL, "http://app.example.com"},
		{"app URL host only", identity.EnvAppURL, "app.example.com"},
		{"app URL with query", identity.EnvAppURL, "https://app.example.com/?next=/"},
		{"cookie name with semicolon", identity.EnvSessionCookieName, "a;b"},
		{"cookie name with space", identity.EnvSessionCookieName, "a b"},
		{"missing route table", identity.EnvRouteTable, ""},
		{"route table not JSON", identity.EnvRouteTable, "routes: admin"},
		{"route table truncated", identity.EnvRouteTable, `{"routes":[{"name":"admin","paths":["/admin*"]`},
		{"route table with a bad pattern", identity.EnvRouteTable, `{"routes":[{"name":"admin","paths":["admin"]}]}`},
		{"route table with an unknown field", identity.EnvRouteTable, `{"routes":[],"extra":1}`},
		{"route table of an older stack, with sessionCookieNames", identity.EnvRouteTable, `{"routes":[],"sessionCookieNames":["AWSELBAuthSessionCookie"]}`},
		{"JWKS URL plain http remote", identity.EnvJWKSURL, "http://keys.example.com/jwks.json"},
		{"JWKS URL relative", identity.EnvJWKSURL, "/jwks.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := validEnv()
			env[tc.variable] = tc.value
			if tc.name == "aws-cn ARN without endpoint" {
				env[identity.EnvALBARN] = "arn:aws-cn:elasticloadbalancing:cn-north-1:123456789012:loadbalancer/app/a/50dc6c495c0c9188"
			}
			_, err := identity.ConfigFromEnv(func(k string) string { return env[k] })
			var ce *identity.ConfigError
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
	_, err := identity.ConfigFromEnv(func(string) string { return "" })
	if err == nil {
		t.Fatal("empty environment accepted")
	}
	for _, v := range []string{identity.EnvALBARN, identity.EnvClientID, identity.EnvIssuer, identity.EnvUserPoolDomain, identity.EnvAppURL, identity.EnvRouteTable} {
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
	err := identity.Config{}.Validate()
	for _, f := range []string{"Token.ALBARN", "Token.ClientID", "Token.Issuer", "UserPoolDomain", "AppURL", "SessionCookieName"} {
		if err == nil || !strings.Contains(err.Error(), f+":") {
			t.Errorf("Validate error does not name %s: %v", f, err)
		}
	}
}

// TestConfigFromEnvRouteTable: the table in ROUTE_TABLE is the one the
// middleware matches against.
func TestConfigFromEnvRouteTable(t *testing.T) {
	t.Parallel()
	env := validEnv()
	env[identity.EnvRouteTable] = `{"routes":[{"name":"admin","paths":["/admin","/admin/*"],"groups":["admins"]},` +
		`{"name":"api","paths":["/api/*"],"onUnauthenticatedRequest":"deny"}]}`
	cfg, err := identity.ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{"/admin": "admin", "/admin/x/y": "admin", "/api/v1": "api", "/Admin": "", "/": ""} {
		rt, ok := cfg.Routes.Match("GET", path)
		if ok != (want != "") || rt.Name != want {
			t.Errorf("Match(%q) = %q, %v; want %q", path, rt.Name, ok, want)
		}
	}
}

// The target decides the prefix: a function must have one (a missing one
// would silently drop the target group check), an HTTP server must not (no
// Lambda event could ever match it, so it would refuse every request).
func TestConfigFromEnvTarget(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, target, prefix string
		wantErr              string // "" for success
	}{
		{"lambda by default", "", "Site-AbC123", ""},
		{"lambda", identity.TargetLambda, "Site-AbC123", ""},
		{"lambda without prefix", "", "", identity.EnvTargetGroupPrefix + ": required"},
		{"explicit lambda without prefix", identity.TargetLambda, "", identity.EnvTargetGroupPrefix + ": required"},
		{"http", identity.TargetHTTP, "", ""},
		{"http with prefix", identity.TargetHTTP, "Site-AbC123", identity.EnvTargetGroupPrefix + ": must be unset"},
		{"unknown", "ecs", "Site-AbC123", identity.EnvTarget + `: must be lambda or http, not "ecs"`},
		{"case matters", "HTTP", "", identity.EnvTarget + ": must be lambda or http"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := validEnv()
			env[identity.EnvTarget] = tc.target
			env[identity.EnvTargetGroupPrefix] = tc.prefix
			cfg, err := identity.ConfigFromEnv(func(k string) string { return env[k] })
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if cfg.TargetGroupPrefix != tc.prefix {
					t.Errorf("TargetGroupPrefix = %q, want %q", cfg.TargetGroupPrefix, tc.prefix)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}
