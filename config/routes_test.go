package config

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// withRoutes is the example context with the example routes and the
// providers and scopes they need.
func withRoutes(set map[string]any) map[string]any {
	ctx := exampleWith(map[string]any{
		"routes":            ExampleRoutes(),
		"identityProviders": []any{"COGNITO", "Google"},
		"oauthScopes":       []any{"openid", "email"},
	})
	for k, v := range set {
		if v == absent {
			delete(ctx, k)
		} else {
			ctx[k] = v
		}
	}
	return ctx
}

func TestRouteTable(t *testing.T) {
	t.Parallel()
	c := mustDecode(t, withRoutes(nil))
	tab := c.RouteTable()
	const base = "AWSELBAuthSessionCookie"
	req := []string{"openid", "email"}
	want := routes.Table{
		Routes: []routes.Route{
			{Name: "admin", Paths: []string{"/admin", "/admin/*"}, Groups: []string{"admins"}, Priority: 100,
				RequestScopes: req, SessionCookieName: base},
			{Name: "api-read", Paths: []string{"/api", "/api/*"}, Methods: []string{"GET", "HEAD"}, OnUnauthenticatedRequest: "deny", Priority: 200,
				RequestScopes: req, SessionCookieName: base},
			{Name: "api-write", Paths: []string{"/api", "/api/*"}, Groups: []string{"editors"}, OnUnauthenticatedRequest: "deny", Priority: 300,
				RequestScopes: req, SessionCookieName: base},
			{Name: "partners", Paths: []string{"/partners/*"}, Groups: []string{"partners"},
				AuthenticationRequestExtraParams: map[string]string{"identity_provider": "Google"}, Priority: 400,
				RequestScopes: req, SessionCookieName: base},
		},
		OnUnauthenticatedRequest: "authenticate",
	}
	if !reflect.DeepEqual(tab, want) {
		t.Errorf("RouteTable():\n got %+v\nwant %+v", tab, want)
	}
	// The function reads exactly this table back.
	parsed, err := routes.Parse([]byte(c.RouteTableJSON()))
	if err != nil {
		t.Fatalf("routes.Parse(RouteTableJSON()): %v", err)
	}
	if !reflect.DeepEqual(parsed, want) {
		t.Errorf("parsed table differs:\n got %+v\nwant %+v", parsed, want)
	}
	if got := c.ClientScopes(); !slices.Equal(got, req) {
		t.Errorf("ClientScopes() = %v", got)
	}
	// The function expires these at logout: the recipes all use the
	// default action's session.
	if got := tab.CookieNames(c.SessionCookieName); !slices.Equal(got, []string{base}) {
		t.Errorf("CookieNames() = %v", got)
	}
	// Without routes: an empty table.
	plain := mustDecode(t, Example())
	if got := plain.RouteTableJSON(); got != `{"routes":[],"onUnauthenticatedRequest":"authenticate"}` {
		t.Errorf("RouteTableJSON() without routes = %s", got)
	}
	if _, err := routes.Parse([]byte(plain.RouteTableJSON())); err != nil {
		t.Errorf("routes.Parse of the empty table: %v", err)
	}
}

// Appending a route, or inserting one with a priority in a gap, renumbers no
// other route.
func TestRoutePrioritiesAreStable(t *testing.T) {
	t.Parallel()
	prios := func(rs ...any) []int {
		c := mustDecode(t, exampleWith(map[string]any{"routes": rs}))
		var out []int
		for _, r := range c.RouteTable().Routes {
			out = append(out, r.Priority)
		}
		return out
	}
	a := map[string]any{"name": "a", "paths": []any{"/a/*"}}
	b := map[string]any{"name": "b", "paths": []any{"/b/*"}}
	x := map[string]any{"name": "x", "paths": []any{"/x/*"}, "priority": 150.0}
	y := map[string]any{"name": "y", "paths": []any{"/y/*"}}
	for _, tc := range []struct {
		got, want []int
	}{
		{prios(a, b), []int{100, 200}},
		{prios(a, b, y), []int{100, 200, 300}},
		{prios(a, x, b), []int{100, 150, 200}},
		{prios(a, x, b, y), []int{100, 150, 200, 300}},
	} {
		if !slices.Equal(tc.got, tc.want) {
			t.Errorf("priorities %v, want %v", tc.got, tc.want)
		}
	}
}

func TestRoutesFromCommandLine(t *testing.T) {
	t.Parallel()
	data, err := json.Marshal(ExampleRoutes())
	if err != nil {
		t.Fatal(err)
	}
	want := mustDecode(t, withRoutes(nil))
	for _, s := range []string{string(data), " " + string(data) + "\n"} {
		got := mustDecode(t, withRoutes(map[string]any{"routes": s}))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("-c routes=%s decodes to\n%+v\nwant\n%+v", s, got.Routes, want.Routes)
		}
	}
	for _, empty := range []any{"", nil, []any{}, "[]"} {
		c := mustDecode(t, exampleWith(map[string]any{"routes": empty}))
		if len(c.Routes) != 0 {
			t.Errorf("routes=%#v gives %d routes", empty, len(c.Routes))
		}
	}
}

func TestInvalidRoutes(t *testing.T) {
	t.Parallel()
	r := func(fields ...any) map[string]any {
		m := map[string]any{"name": "r", "paths": []any{"/r/*"}}
		for i := 0; i < len(fields); i += 2 {
			if fields[i+1] == absent {
				delete(m, fields[i].(string))
			} else {
				m[fields[i].(string)] = fields[i+1]
			}
		}
		return m
	}
	long := strings.Repeat("a", 60)
	var big []any
	for i := range 30 {
		big = append(big, r("name", "route-"+string(rune('a'+i%26))+string(rune('a'+i/26)), "paths", []any{"/" + long + "/" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + "/*"},
			"groups", []any{long}, "scopes", []any{"https://api.example.com/" + long}))
	}
	tests := []struct {
		name string
		set  map[string]any
		key  string
		hint string
	}{
		// Decoding.
		{"not a list", map[string]any{"routes": 5.0}, "routes", "expected a list of route objects"},
		{"object, not list", map[string]any{"routes": map[string]any{"name": "a"}}, "routes", "got an object"},
		{"cli string not JSON", map[string]any{"routes": "admin:/admin/*"}, "routes", "expected a list of route objects"},
		{"cli string broken JSON", map[string]any{"routes": `[{"name":"a",}]`}, "routes", "not valid JSON"},
		{"element not an object", map[string]any{"routes": []any{"/admin/*"}}, "routes[0]", "expected a route object"},
		{"misspelt field", map[string]any{"routes": []any{r("group", []any{"admins"})}}, "routes[0]", `unknown field "group"; did you mean groups?`},
		{"unknown field", map[string]any{"routes": []any{r("verbs", []any{"GET"})}}, "routes[0]", "the fields are name, paths"},
		{"method in lower case", map[string]any{"routes": []any{r("methods", []any{"post"})}}, "routes[0].methods[0]", "must be upper case"},
		{"methods not a list", map[string]any{"routes": []any{r("methods", "POST")}}, "routes[0].methods", "expected a list of strings"},
		{"too many condition values", map[string]any{"routes": []any{r("methods", []any{"POST", "PUT", "PATCH", "DELETE", "GET"})}}, "routes[0].methods", "at most 4 methods fit"},
		{"deny route whose session nothing creates", map[string]any{"routes": []any{r("scopes", []any{"https://api.example.com/read"}, "onUnauthenticatedRequest", "deny")}},
			"routes[0].onUnauthenticatedRequest", "no sign-in creates this route's session"},
		{"wrong type", map[string]any{"routes": []any{r("paths", "/a/*")}}, "routes[0].paths", "expected a list of strings, got a JSON string"},
		{"wrong param type", map[string]any{"routes": []any{r("authenticationRequestExtraParams", map[string]any{"x": 1.0})}},
			"routes[0].authenticationRequestExtraParams", "expected an object of strings"},
		{"fractional priority", map[string]any{"routes": []any{r("priority", 1.5)}}, "routes[0].priority", "expected a whole number"},
		// Derived fields.
		{"cookie given", map[string]any{"routes": []any{r("sessionCookieName", "X")}}, "routes[0].sessionCookieName", "is derived"},
		{"request scopes given", map[string]any{"routes": []any{r("requestScopes", []any{"openid"})}}, "routes[0].requestScopes", "is derived"},
		// The routes package's checks, named by field.
		{"too many patterns", map[string]any{"routes": []any{r("paths", []any{"/a", "/b", "/c", "/d"})}}, "routes[0].paths", "at most 3"},
		{"bad pattern", map[string]any{"routes": []any{r("paths", []any{"/a b"})}}, "routes[0].paths[0]", `contains " "`},
		{"shadowed", map[string]any{"routes": []any{r("name", "all", "paths", []any{"/*"}), r("name", "admin", "paths", []any{"/admin/*"})}},
			"routes[1].paths[0]", `shadowed by "/*" of the earlier route "all"`},
		{"duplicate names", map[string]any{"routes": []any{r(), r("paths", []any{"/s"})}}, "routes[1].name", "unique"},
		{"admin scope", map[string]any{"routes": []any{r("scopes", []any{"aws.cognito.signin.user.admin"})}}, "routes[0].scopes[0]", "remove it"},
		{"scope no client gets", map[string]any{"routes": []any{r("scopes", []any{"admin"})}}, "routes[0].scopes[0]", "no app client can get"},
		{"reserved param", map[string]any{"routes": []any{r("authenticationRequestExtraParams", map[string]any{"redirect_uri": "https://evil.example"})}},
			"routes[0].authenticationRequestExtraParams.redirect_uri", "sets redirect_uri itself"},
		{"unknown provider", map[string]any{"routes": []any{r("authenticationRequestExtraParams", map[string]any{"identity_provider": "Google"})}},
			"routes[0].authenticationRequestExtraParams.identity_provider", `"Google" is not in identityProviders (COGNITO)`},
		{"bad action", map[string]any{"routes": []any{r("onUnauthenticatedRequest", "redirect")}}, "routes[0].onUnauthenticatedRequest", "use authenticate"},
		{"allow with groups", map[string]any{"routes": []any{r("onUnauthenticatedRequest", "allow", "groups", []any{"g"})}}, "routes[0].onUnauthenticatedRequest", "is allow, but"},
		{"priority order", map[string]any{"routes": []any{r("priority", 500.0), r("name", "s", "paths", []any{"/s"}, "priority", 400.0)}},
			"routes[1].priority", "not greater than routes[0].priority's 500"},
		// Configuration-wide limits.
		{"cookie too long to derive", map[string]any{"sessionCookieName": strings.Repeat("c", 60), "routes": []any{r("scopes", []any{"email"})}},
			"sessionCookieName", "shorten it to 55 characters"},
		{"table too big for the environment", map[string]any{"routes": big}, "routes", "more than the 3072 the function's environment can hold"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := FromContext(exampleWith(tc.set))
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("FromContext = %v, want Problems", err)
			}
			for _, p := range ps {
				if p.Key == tc.key && strings.Contains(p.Message, tc.hint) {
					return
				}
			}
			t.Errorf("no problem for %s containing %q; got:\n%v", tc.key, tc.hint, err)
		})
	}
}

// Every problem of a hostile table is reported at once, each naming its
// field, sorted with the routes key, and nothing is reported twice.
func TestEveryRouteProblemIsReportedAtOnce(t *testing.T) {
	t.Parallel()
	_, err := FromContext(exampleWith(map[string]any{
		"tlsPolicy": "TLS12",
		"routes": `[
			{"name": "all", "paths": ["/*"]},
			{"name": "admin", "paths": ["/admin/*", "/x y"], "groups": ["admins"], "onUnauthenticatedRequest": "allow", "scope": ["x/y"]},
			{"name": "all", "paths": ["/api/*"], "scopes": ["openid", "api"], "authenticationRequestExtraParams": {"state": "x"}}
		]`,
		"stackName": "1bad",
	}))
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("FromContext = %v, want Problems", err)
	}
	want := []string{
		"tlsPolicy",
		"routes[1]", "routes[1].paths[1]", "routes[1].onUnauthenticatedRequest", "routes[1].paths[0]",
		"routes[2].name", "routes[2].scopes[0]", "routes[2].scopes[1]", "routes[2].authenticationRequestExtraParams.state", "routes[2].paths[0]",
		"stackName",
	}
	if got := ps.Keys(); !slices.Equal(got, want) {
		t.Errorf("problems for\n%v\nwant\n%v\n%v", got, want, err)
	}
	if lines := strings.Split(err.Error(), "\n"); len(lines) != len(ps) || !strings.HasPrefix(lines[1], `routes[1]: unknown field "scope"; did you mean scopes?`) {
		t.Errorf("Error() lines:\n%v", err)
	}
}
