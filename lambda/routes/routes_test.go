package routes

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

const validJSON = `{"routes":[
 {"name":"admin","paths":["/admin","/admin/*"],"groups":["admins"],"priority":10,
  "requestScopes":["openid","email"],"sessionCookieName":"AWSELBAuthSessionCookie"},
 {"name":"api","paths":["/api/*"],"scopes":["https://api.example.com/read"],"onUnauthenticatedRequest":"deny","priority":20,
  "requestScopes":["openid","email","https://api.example.com/read"],"sessionCookieName":"AWSELBAuthSessionCookie-0a1b2c3d"},
 {"name":"partners","paths":["/partners/*"],"authenticationRequestExtraParams":{"identity_provider":"Google"},"priority":30}
]}`

func TestParse(t *testing.T) {
	t.Parallel()
	tab, err := Parse([]byte(validJSON))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path  string
		route string
	}{
		{"/admin", "admin"}, {"/admin/users", "admin"}, {"/api/v1", "api"}, {"/partners/x", "partners"},
		{"/", ""}, {"/api", ""}, {"/Admin", ""}, {"/adminx", ""},
	} {
		r, ok := tab.Match("GET", tt.path)
		if ok != (tt.route != "") || r.Name != tt.route {
			t.Errorf("Match(%q) = %q, %t; want %q", tt.path, r.Name, ok, tt.route)
		}
	}
	admin, _ := tab.Match("GET", "/admin")
	api, _ := tab.Match("GET", "/api/x")
	partners, _ := tab.Match("GET", "/partners/")
	if !admin.NeedsAccessToken() || !api.NeedsAccessToken() || partners.NeedsAccessToken() {
		t.Error("NeedsAccessToken: want true for routes with groups or scopes only")
	}
	if admin.Unauthenticated() != Authenticate || api.Unauthenticated() != Deny {
		t.Error("Unauthenticated: default authenticate, else the setting")
	}
	// JSON round-trips.
	data, err := tab.JSON()
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse(data)
	if err != nil || len(again.Routes) != 3 || again.Routes[2].AuthenticationRequestExtraParams["identity_provider"] != "Google" {
		t.Fatalf("round trip: %v %+v", err, again)
	}
	empty, err := (Table{}).JSON()
	if err != nil || string(empty) != `{"routes":[]}` {
		t.Fatalf("empty table JSON = %s, %v", empty, err)
	}
	if _, err := Parse(empty); err != nil {
		t.Fatalf("empty table: %v", err)
	}
}

func TestParseRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, data, want string }{
		{"unknown field", `{"routes":[{"name":"a","paths":["/a"],"group":["x"]}]}`, `unknown field "group"`},
		{"trailing data", `{"routes":[]} {}`, "data after"},
		{"trailing garbage", `{"routes":[]}x`, "data after"},
		{"null routes", `{"routes":null}`, "missing or null"},
		{"missing routes", `{}`, "missing or null"},
		{"not an object", `[]`, "cannot unmarshal"},
		{"empty", ``, "EOF"},
		{"wrong type", `{"routes":[{"name":"a","paths":"/a"}]}`, "cannot unmarshal"},
		// The list of cookie names is derived now (CookieNames): a table
		// that still carries it comes from an older stack, and the function
		// refuses it rather than run with a table it was not built for.
		{"cookie name list", `{"routes":[],"sessionCookieNames":["AWSELBAuthSessionCookie"]}`, `unknown field "sessionCookieNames"`},
		{"invalid table", `{"routes":[{"name":"a","paths":[]}]}`, "routes[0].paths: is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse(%s) = %v, want an error containing %q", tt.data, err, tt.want)
			}
		})
	}
}

func route(name string, paths ...string) Route { return Route{Name: name, Paths: paths} }

func TestValidate(t *testing.T) {
	t.Parallel()
	many := make([]Route, MaxRoutes+1)
	for i := range many {
		many[i] = route("r"+strings.Repeat("x", i%5)+string(rune('a'+i%26))+string(rune('a'+i/26)), "/p"+string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	params := map[string]string{}
	for i := range 11 {
		params["p"+string(rune('a'+i))] = "v"
	}
	tests := []struct {
		name   string
		routes []Route
		want   []string // each a problem's "field: start of message"
	}{
		{"too many routes", many, []string{"routes: has 51 routes"}},
		{"bad names", []Route{route("", "/a"), route("1x", "/b"), route("has space", "/c"), route(strings.Repeat("a", 33), "/d")},
			[]string{"routes[0].name", "routes[1].name", "routes[2].name", "routes[3].name"}},
		{"duplicate names", []Route{route("a", "/a"), route("a", "/b")}, []string{`routes[1].name: "a" is also the name of routes[0]`}},
		{"no paths", []Route{route("a")}, []string{"routes[0].paths: is empty"}},
		{"too many paths", []Route{route("a", "/a", "/b", "/c", "/d")}, []string{"routes[0].paths: lists 4 patterns"}},
		{"too many wildcards", []Route{route("a", "/a/*/*/*", "/b/??/*")}, []string{"routes[0].paths: use 6 wildcards"}},
		{"empty pattern", []Route{route("a", "")}, []string{"routes[0].paths[0]: is empty"}},
		{"long pattern", []Route{route("a", "/"+strings.Repeat("a", 128))}, []string{"routes[0].paths[0]: is 129 characters"}},
		{"relative pattern", []Route{route("a", "admin/*")}, []string{`routes[0].paths[0]: "admin/*" matches no request`}},
		{"bad characters", []Route{route("a", "/a b", "/a%20b", "/é")},
			[]string{`routes[0].paths[0]: "/a b" contains " "`, `routes[0].paths[1]: "/a%20b" contains "%"`, "routes[0].paths[2]: \"/é\" contains a non-ASCII"}},
		{"query in pattern", []Route{route("a", "/a=b")}, []string{`routes[0].paths[0]: "/a=b" contains "="`}},
		{"duplicate in route", []Route{route("a", "/a", "/a")}, []string{`routes[0].paths[1]: "/a" is also routes[0].paths[0]`}},
		{"redundant in route", []Route{route("a", "/a/*", "/a/b")}, []string{`routes[0].paths[1]: "/a/b" is redundant`}},
		{"redundant before its cover", []Route{route("a", "/a/b", "/a/*")}, []string{`routes[0].paths[0]: "/a/b" is redundant`}},
		{"equivalent patterns", []Route{route("a", "/*?", "/?*")}, []string{`routes[0].paths[1]: "/?*" is redundant: every path it matches also matches "/*?"`}},
		{"shadowed", []Route{route("all", "/*"), route("admin", "/admin/*")},
			[]string{`routes[1].paths[0]: "/admin/*" is shadowed by "/*" of the earlier route "all" (routes[0].paths[0])`}},
		{"duplicate across routes", []Route{route("a", "/x"), route("b", "/y", "/x")},
			[]string{`routes[1].paths[1]: "/x" duplicates "/x"`}},
		{"not shadowed", []Route{route("admin", "/admin/*"), route("all", "/*")}, nil},
		{"groups", []Route{{Name: "a", Paths: []string{"/a"}, Groups: []string{"", "x y", "ok", "ok", strings.Repeat("g", 129)}}},
			[]string{"routes[0].groups[0]: is empty", `routes[0].groups[1]: "x y" contains whitespace`, `routes[0].groups[3]: lists "ok" twice`, "routes[0].groups[4]: is longer"}},
		{"scopes", []Route{{Name: "a", Paths: []string{"/a"}, Scopes: []string{"openid", AdminScope, "Email", "admin", "x/y", "x/y", "bad/sc\"ope", "phone"}}},
			[]string{"routes[0].scopes[0]: openid is always requested", "routes[0].scopes[1]: aws.cognito.signin.user.admin lets",
				`routes[0].scopes[2]: scope "Email" must be lower case`, `routes[0].scopes[3]: no app client can get scope "admin"`,
				`routes[0].scopes[5]: lists "x/y" twice`, `routes[0].scopes[6]: custom scope "bad/sc\"ope" is malformed`}},
		{"unauthenticated", []Route{{Name: "a", Paths: []string{"/a"}, OnUnauthenticatedRequest: "Deny"},
			{Name: "b", Paths: []string{"/b"}, OnUnauthenticatedRequest: "allow", Groups: []string{"g"}},
			{Name: "c", Paths: []string{"/c"}, OnUnauthenticatedRequest: "allow"}},
			[]string{`routes[0].onUnauthenticatedRequest: "Deny" is not allowed`, "routes[1].onUnauthenticatedRequest: is allow, but"}},
		{"extra params", []Route{{Name: "a", Paths: []string{"/a"}, AuthenticationRequestExtraParams: map[string]string{
			"redirect_uri": "https://evil.example", "Scope": "x", "identity_provider": "", "bad key": "v", "lang": "en us", "login_hint": strings.Repeat("v", 257)}}},
			[]string{"routes[0].authenticationRequestExtraParams.Scope: the load balancer sets Scope itself; remove it and list",
				`routes[0].authenticationRequestExtraParams: key "bad key" is not`,
				"routes[0].authenticationRequestExtraParams.identity_provider: is empty",
				`routes[0].authenticationRequestExtraParams.lang: "en us" contains whitespace`,
				"routes[0].authenticationRequestExtraParams.login_hint: is 257 bytes",
				"routes[0].authenticationRequestExtraParams.redirect_uri: the load balancer sets redirect_uri itself"}},
		{"too many params", []Route{{Name: "a", Paths: []string{"/a"}, AuthenticationRequestExtraParams: params}},
			[]string{"routes[0].authenticationRequestExtraParams: has 11 parameters"}},
		{"priorities", []Route{{Name: "a", Paths: []string{"/a"}, Priority: 20}, {Name: "b", Paths: []string{"/b"}, Priority: 20},
			{Name: "c", Paths: []string{"/c"}, Priority: 50001}, {Name: "d", Paths: []string{"/d"}, Priority: -1}},
			[]string{"routes[1].priority: 20 is not greater than routes[0].priority's 20", "routes[2].priority: 50001 is out of range", "routes[3].priority: -1 is out of range"}},
		{"cookies", []Route{
			{Name: "a", Paths: []string{"/a"}, RequestScopes: []string{"openid", "email"}, SessionCookieName: "C"},
			{Name: "b", Paths: []string{"/b"}, RequestScopes: []string{"email", "openid"}, SessionCookieName: "D"},
			{Name: "c", Paths: []string{"/c"}, RequestScopes: []string{"openid", "x/y"}, SessionCookieName: "C", Scopes: []string{"x/y"}},
			{Name: "d", Paths: []string{"/d"}, SessionCookieName: "E;"},
			{Name: "e", Paths: []string{"/e"}, RequestScopes: []string{"openid"}, Scopes: []string{"x/z"}},
		},
			[]string{"routes[1].requestScopes: must start with openid", `routes[1].sessionCookieName: "D" differs from "C"`,
				`routes[2].sessionCookieName: "C" is also the cookie of a route requesting other scopes`,
				`routes[3].sessionCookieName: "E;" is not a valid cookie name`,
				`routes[4].requestScopes: lacks the route's scope "x/z"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Table{Routes: tt.routes}.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("Validate() = %v, want Problems", err)
			}
			if len(ps) != len(tt.want) {
				t.Errorf("got %d problems, want %d:\n%v", len(ps), len(tt.want), err)
			}
			for _, w := range tt.want {
				found := false
				for _, p := range ps {
					found = found || strings.HasPrefix(p.Error(), w)
				}
				if !found {
					t.Errorf("no problem starting %q in:\n%v", w, err)
				}
			}
		})
	}
}

func TestCookieName(t *testing.T) {
	t.Parallel()
	a := CookieName("AWSELBAuthSessionCookie", []string{"openid", "email", "x/y"})
	b := CookieName("AWSELBAuthSessionCookie", []string{"x/y", "openid", "email", "email"})
	c := CookieName("AWSELBAuthSessionCookie", []string{"openid", "x/y"})
	if a != b {
		t.Errorf("order or duplicates changed the name: %s vs %s", a, b)
	}
	if a == c {
		t.Errorf("different scope sets share %s", a)
	}
	if !strings.HasPrefix(a, "AWSELBAuthSessionCookie-") || len(a) != len("AWSELBAuthSessionCookie-")+8 {
		t.Errorf("CookieName = %s", a)
	}
}

func TestCookieNames(t *testing.T) {
	t.Parallel()
	const base = "AWSELBAuthSessionCookie"
	api := CookieName(base, []string{"openid", "x/api"})
	orders := CookieName(base, []string{"openid", "x/orders"})
	tests := []struct {
		name   string
		routes []Route
		want   []string
	}{
		{"no routes", nil, []string{base}},
		{"routes on the default cookie", []Route{{Name: "a", SessionCookieName: base}, {Name: "b", SessionCookieName: base}}, []string{base}},
		{"each name once, in table order", []Route{
			{Name: "orders", SessionCookieName: orders},
			{Name: "admin", SessionCookieName: base},
			{Name: "api", SessionCookieName: api},
			{Name: "orders2", SessionCookieName: orders},
		}, []string{base, orders, api}},
		{"machine routes and empty names skipped", []Route{
			{Name: "job", Clients: []string{"nightly"}, SessionCookieName: "MachineCookie"},
			{Name: "plain"},
			{Name: "api", SessionCookieName: api},
		}, []string{base, api}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (Table{Routes: tt.routes}).CookieNames(base); !slices.Equal(got, tt.want) {
				t.Errorf("CookieNames(%s) = %v, want %v", base, got, tt.want)
			}
		})
	}
	// Derive's table: the default cookie, then one per other scope set.
	tbl := Derive([]Route{
		{Name: "admin", Paths: []string{"/admin/*"}, Groups: []string{"admins"}},
		{Name: "api", Paths: []string{"/api/*"}, Scopes: []string{"x/api"}},
		{Name: "job", Paths: []string{"/job/*"}, Scopes: []string{"x/job"}, Clients: []string{"nightly"}},
		{Name: "api2", Paths: []string{"/api2/*"}, Scopes: []string{"x/api"}},
	}, []string{"openid"}, base)
	if got := tbl.CookieNames(base); !slices.Equal(got, []string{base, api}) {
		t.Errorf("CookieNames of a derived table = %v, want %v", got, []string{base, api})
	}
}

func TestHeadFallsThrough(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		methods []string
		want    bool
	}{
		{nil, false},                       // every method: HEAD is the route's
		{[]string{"GET"}, true},            // HEAD goes to a later rule
		{[]string{"GET", "HEAD"}, false},   // the recipe
		{[]string{"HEAD", "GET"}, false},   // in any order
		{[]string{"POST", "PUT"}, false},   // no GET handler to reach
		{[]string{"GET", "POST"}, true},    // GET among others
		{[]string{"HEAD"}, false},          // HEAD alone
		{[]string{"GET", "OPTIONS"}, true}, // still no HEAD
	} {
		if got := (Route{Name: "r", Paths: []string{"/r"}, Methods: tc.methods}).HeadFallsThrough(); got != tc.want {
			t.Errorf("Methods %v: HeadFallsThrough = %v, want %v", tc.methods, got, tc.want)
		}
	}
}
