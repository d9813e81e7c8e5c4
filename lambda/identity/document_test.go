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

// validDocument is the document the stack publishes for an HTTP target,
// with the values of validEnv.
func validDocument(t *testing.T) map[string]string {
	t.Helper()
	doc := validEnv()
	delete(doc, identity.EnvTargetGroupPrefix)
	doc[identity.EnvTarget] = identity.TargetHTTP
	return doc
}

func marshalDoc(t *testing.T, doc map[string]string) []byte {
	t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestConfigFromDocument(t *testing.T) {
	t.Parallel()
	doc := validDocument(t)
	doc[identity.EnvSessionCookieName] = "MyCookie"
	doc[identity.EnvRouteTable] = `{"routes":[{"name":"admin","paths":["/admin/*"],"groups":["admins"]}]}`
	cfg, err := identity.ConfigFromDocument(marshalDoc(t, doc))
	if err != nil {
		t.Fatal(err)
	}
	// The same values through the environment: one path, one result.
	want, err := identity.ConfigFromEnv(func(k string) string { return doc[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Token.ALBARN != want.Token.ALBARN || cfg.Token.Issuer != want.Token.Issuer || cfg.AppURL != want.AppURL || cfg.SessionCookieName != "MyCookie" ||
		cfg.TargetGroupPrefix != "" || len(cfg.Routes.Routes) != 1 || cfg.Routes.Routes[0].Name != "admin" {
		t.Errorf("cfg = %+v", cfg)
	}

	var logs bytes.Buffer
	mw, err := identity.FromDocument(marshalDoc(t, doc), identity.Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	if err != nil || mw == nil || !strings.Contains(logs.String(), `"initialised"`) {
		t.Fatalf("FromDocument: %v, %s", err, logs.String())
	}
}

func TestParseDocumentErrors(t *testing.T) {
	t.Parallel()
	const secretish = "s3cr3t-looking-value-0123456789"
	good := string(marshalDoc(t, validDocument(t)))
	body := strings.TrimSuffix(strings.TrimPrefix(good, "{"), "}")
	for _, tc := range []struct {
		name, doc string
		want      string // in the error
	}{
		{"empty", "", "IDENTITY_CONFIG: required"},
		{"blank", " \n\t", "IDENTITY_CONFIG: required"},
		{"array", `["` + secretish + `"]`, "want a JSON object"},
		{"string", `"` + secretish + `"`, "want a JSON object"},
		{"null", `null`, "want a JSON object"},
		{"not json", `ALB_ARN=` + secretish, "want a JSON object of string values (syntax error at byte 1)"},
		{"cut short", `{"ALB_ARN":"x"`, "not valid JSON (it ends early)"},
		{"cut after key", `{"ALB_ARN"`, "not valid JSON"},
		{"bad value", `{"ALB_ARN": ` + secretish + `}`, `key "ALB_ARN": not valid JSON (syntax error at byte`},
		{"unknown key", `{` + body + `,"ALB_RAN":"` + secretish + `"}`, `key "ALB_RAN": unknown (known keys: ALB_ARN,`},
		{"long unknown key", `{"` + strings.Repeat("K", 500) + `":"x"}`, `key "` + strings.Repeat("K", 64) + `": unknown`},
		{"lower-case key", `{"alb_arn":"x"}`, `key "alb_arn": unknown`},
		{"target group prefix", `{` + body + `,"TARGET_GROUP_PREFIX":"Site-AbC123"}`, `key "TARGET_GROUP_PREFIX": not allowed`},
		{"duplicate", `{` + body + `,"ALB_ARN":"` + secretish + `"}`, `key "ALB_ARN": appears more than once`},
		{"escaped duplicate", `{` + body + `,"ALB\u005fARN":"` + secretish + `"}`, `key "ALB_ARN": appears more than once`},
		{"number", `{"ALB_ARN":12345678901234567890}`, `key "ALB_ARN": want a string, not a number`},
		{"bool", `{"ALB_ARN":true}`, `key "ALB_ARN": want a string, not a boolean`},
		{"null value", `{"ALB_ARN":null}`, `key "ALB_ARN": want a string, not null`},
		{"route table as object", `{"ROUTE_TABLE":{"routes":[]}}`, `key "ROUTE_TABLE": want a string, not an object`},
		{"array value", `{"MACHINE_CLIENTS":["` + secretish + `"]}`, `key "MACHINE_CLIENTS": want a string, not an array`},
		{"trailing object", good + `{}`, "data after the JSON object"},
		{"trailing garbage", good + ` x`, "data after the JSON object"},
		{"two documents", good + good, "data after the JSON object"},
		{"invalid utf-8", `{"APP_URL":"https://app.example.com/` + "\xff" + `"}`, "not valid UTF-8"},
		{"too large", `{"APP_URL":"` + strings.Repeat("a", identity.MaxDocument) + `"}`, "more than the 262144 a document may have"},
		{"target missing", strings.Replace(good, `,"IDENTITY_TARGET":"http"`, "", 1), `key "IDENTITY_TARGET": required: "http"`},
		{"target lambda", strings.Replace(good, `"IDENTITY_TARGET":"http"`, `"IDENTITY_TARGET":"lambda"`, 1), `key "IDENTITY_TARGET": must be "http"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := identity.ParseDocument([]byte(tc.doc))
			var de *identity.DocumentError
			if !errors.As(err, &de) {
				t.Fatalf("err = %v, want a *DocumentError", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %q, want it to contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), secretish) || len(err.Error()) > 400 {
				t.Errorf("err echoes a value or the document: %q", err)
			}
		})
	}
	if !strings.Contains(good, `"IDENTITY_TARGET":"http"`) {
		t.Fatalf("the good document is not in the shape the cases edit: %s", good)
	}
}

// TestConfigFromDocumentValues: the values are checked by ConfigFromEnv,
// so its errors name the document's keys.
func TestConfigFromDocumentValues(t *testing.T) {
	t.Parallel()
	doc := validDocument(t)
	delete(doc, identity.EnvIssuer)
	doc[identity.EnvAppURL] = "http://app.example.com"
	doc[identity.EnvRouteTable] = `{"routes":[{"name":"x"}]}`
	_, err := identity.ConfigFromDocument(marshalDoc(t, doc))
	var ce *identity.ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a *ConfigError", err)
	}
	for _, want := range []string{"TOKEN_ISSUER: required", "APP_URL: must be an https URL", "ROUTE_TABLE: not a valid route table"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("err = %q, want %q", err, want)
		}
	}
}
