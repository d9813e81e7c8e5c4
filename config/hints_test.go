package config

import (
	"errors"
	"strings"
	"testing"
)

// TestFixHintsAreValidValues: where a message suggests a value ("use X",
// "write it as X"), X passes validation. A rewrite of the value that is
// still invalid (a Windows path with its backslashes turned, a fullwidth
// slash, an upper-case name that is also malformed) is not offered as the
// fix; the rule is given instead.
func TestFixHintsAreValidValues(t *testing.T) {
	t.Parallel()
	route := func(path string) []any { return []any{map[string]any{"name": "admin", "paths": []any{path}}} }
	cases := []struct {
		key     string // the problem's key
		set     map[string]any
		hint    any      // the value the message offers, applied to the same key; nil: none is offered
		never   []string // what the message must not offer
		applyTo string   // the context key the hint replaces; default key
	}{
		{"functionPackage", map[string]any{"functionPackage": `C:\work\lambda\notes`}, "lambda/notes", []string{"C:/work"}, ""},
		{"functionPackage", map[string]any{"functionPackage": `lambda\notes`}, "lambda/notes", nil, ""},
		{"functionPackage", map[string]any{"functionPackage": `lambda\..\notes`}, "lambda/notes", []string{"lambda/../notes"}, ""},
		{"functionPackage", map[string]any{"functionPackage": "lambda/"}, "lambda/notes", []string{"write it as lambda\n", "write it as lambda;"}, ""},
		{"functionPackage", map[string]any{"functionPackage": "lambda/./notes"}, "lambda/notes", nil, ""},
		{"functionPackage", map[string]any{"functionPackage": "/home/me/site/lambda/notes"}, "lambda/notes", nil, ""},
		{"userPoolDomain", map[string]any{"userPoolDomain": "MyApp"}, "myapp", nil, ""},
		{"userPoolDomain", map[string]any{"userPoolDomain": "My_App"}, nil, []string{"use my_app"}, ""},
		{"userPoolDomain", map[string]any{"userPoolDomain": "https://Auth_X.example.com/login"}, nil, []string{"here: auth_x.example.com"}, ""},
		{"userPoolDomain", map[string]any{"userPoolDomain": "auth.example.com", "recordName": "auth.example.com"}, "login.example.com", nil, ""},
		{"recordName", map[string]any{"recordName": "App.Example.com."}, "app.example.com", nil, ""},
		{"recordName", map[string]any{"recordName": "App_X.example.com"}, nil, []string{"use app_x.example.com"}, ""},
		{"recordName", map[string]any{"recordName": "app..example.com."}, nil, []string{"use app..example.com"}, ""},
		{"hostedZoneId", map[string]any{"hostedZoneId": "/hostedzone/Z0123456789EXAMPLE0AB"}, "Z0123456789EXAMPLE0AB", nil, ""},
		{"hostedZoneId", map[string]any{"hostedZoneId": "/hostedzone/z0123456789example0ab"}, "Z0123456789EXAMPLE0AB", []string{"ID: z0123"}, ""},
		{"hostedZoneId", map[string]any{"hostedZoneId": "/hostedzone/abc-1"}, nil, []string{"give just the ID: abc-1"}, ""},
		{"accessLogsBucket", map[string]any{"accessLogsBucket": "My-Bucket", "accessLogsExpirationDays": absent}, "my-bucket", nil, ""},
		{"accessLogsBucket", map[string]any{"accessLogsBucket": "My_Bucket", "accessLogsExpirationDays": absent}, nil, []string{"use my_bucket"}, ""},
		{"routes[0].paths[0]", map[string]any{"routes": route("admin/*")}, "/admin/*", nil, "routes"},
		{"routes[0].paths[0]", map[string]any{"routes": route("／admin")}, nil, []string{"write /"}, "routes"},
		{"routes[0].paths[0]", map[string]any{"routes": route("admin page")}, nil, []string{"write /"}, "routes"},
	}
	for _, tc := range cases {
		ctx := exampleWith(tc.set)
		_, err := FromContext(ctx)
		var ps Problems
		if !errors.As(err, &ps) {
			t.Errorf("%v: accepted (%v)", tc.set, err)
			continue
		}
		msg := ""
		for _, p := range ps {
			if p.Key == tc.key {
				msg = p.Message
			}
		}
		if msg == "" {
			t.Errorf("%v: no problem of %s:\n%v", tc.set, tc.key, err)
			continue
		}
		for _, n := range tc.never {
			if strings.Contains(msg+"\n", n) {
				t.Errorf("%v: the message offers %q, which is not valid:\n%s", tc.set, n, msg)
			}
		}
		if tc.hint == nil {
			continue
		}
		hint := tc.hint.(string)
		if !strings.Contains(msg, hint) {
			t.Errorf("%v: the message does not offer %s:\n%s", tc.set, hint, msg)
			continue
		}
		key, v := tc.applyTo, any(hint)
		if key == "" {
			key = tc.key
		} else {
			v = route(hint)
		}
		ctx[key] = v
		if _, err := FromContext(ctx); err != nil {
			t.Errorf("%v: the offered %s = %s is refused:\n%v", tc.set, key, hint, err)
		}
	}
	// The resource server's trailing slash.
	ctx := machineCtx(nil, map[string]any{"resourceServerId": "https://app.example.com/"})
	wantProblem(t, ctx, "resourceServerId", "remove the trailing slash: https://app.example.com")
	ctx["resourceServerId"] = "https://app.example.com"
	mustDecode(t, ctx)
}
