package routes

import (
	"fmt"
	"strings"
	"testing"
)

func TestPolicyIDIgnoresOrderAndNamesNotPolicy(t *testing.T) {
	t.Parallel()
	a := Route{Name: "a", Paths: []string{"/a/*"}, Groups: []string{"x", "y"}, Scopes: []string{"s1", "s2"}}
	b := Route{Name: "b", Paths: []string{"/b/*"}, Methods: []string{"POST"}, Groups: []string{"y", "x", "x"}, Scopes: []string{"s2", "s1"},
		AuthenticationRequestExtraParams: map[string]string{"lang": "fr"}, Priority: 7}
	if a.Policy().ID() != b.Policy().ID() {
		t.Errorf("same checks, different IDs: %+v vs %+v", a.Policy(), b.Policy())
	}
	if got := (Route{OnUnauthenticatedRequest: Authenticate}).Policy().ID(); got != (Route{}).Policy().ID() {
		t.Errorf("authenticate and the default (empty) differ: %s", got)
	}
	// Every field of a policy changes its ID.
	base := Route{Groups: []string{"g"}, Scopes: []string{"s"}}
	variants := map[string]Route{
		"base":         base,
		"deny":         {Groups: []string{"g"}, Scopes: []string{"s"}, OnUnauthenticatedRequest: Deny},
		"group":        {Groups: []string{"h"}, Scopes: []string{"s"}},
		"nogroup":      {Scopes: []string{"s"}},
		"scope":        {Groups: []string{"g"}, Scopes: []string{"t"}},
		"moregrp":      {Groups: []string{"g", "h"}, Scopes: []string{"s"}},
		"slashes":      {Groups: []string{"g"}, Scopes: []string{"s"}, AllowEncodedSlashes: true},
		"machine":      {Scopes: []string{"s"}, Clients: []string{"g"}},
		"machine2":     {Scopes: []string{"s"}, Clients: []string{"h"}},
		"groupAsScope": {Groups: []string{"s"}, Scopes: []string{"g"}},
		"allow":        {OnUnauthenticatedRequest: Allow},
		"default":      {},
	}
	seen := map[string]string{}
	for name, r := range variants {
		id := r.Policy().ID()
		if len(id) != 8 || strings.Trim(id, "0123456789abcdef") != "" {
			t.Errorf("%s: ID %q is not 8 hex digits", name, id)
		}
		if other, dup := seen[id]; dup {
			t.Errorf("%s and %s share ID %s", name, other, id)
		}
		seen[id] = name
	}
}

func TestPolicies(t *testing.T) {
	t.Parallel()
	tab := Table{Routes: []Route{
		{Name: "plain", Paths: []string{"/p/*"}}, // same as the default
		{Name: "admin", Paths: []string{"/admin/*"}, Groups: []string{"admins"}},
		{Name: "admin2", Paths: []string{"/ops/*"}, Groups: []string{"admins"}}, // same as admin
		{Name: "api", Paths: []string{"/api/*"}, OnUnauthenticatedRequest: Deny},
	}}
	ps := tab.Policies()
	if len(ps) != 3 {
		t.Fatalf("Policies() = %d policies, want 3 (default = plain, admin = admin2, api): %+v", len(ps), ps)
	}
	if ps[0].ID() != tab.DefaultPolicy().ID() || ps[1].ID() != tab.Routes[1].Policy().ID() || ps[2].ID() != tab.Routes[3].Policy().ID() {
		t.Errorf("Policies() order: %+v", ps)
	}
	tab.OnUnauthenticatedRequest = Allow
	if tab.DefaultPolicy().ID() == tab.Routes[0].Policy().ID() {
		t.Error("a default action that allows has the policy of a route that authenticates")
	}
	if got := len(tab.Policies()); got != 4 {
		t.Errorf("with an allowing default: %d policies, want 4", got)
	}
	if p := tab.PolicyOf(Route{}, false); p.Unauthenticated != Allow {
		t.Errorf("PolicyOf(unrouted) = %+v", p)
	}
}

func TestTargetGroupPolicyID(t *testing.T) {
	t.Parallel()
	p := Route{Groups: []string{"admins"}}.Policy()
	name := TargetGroupName("Site-AbC123", p)
	if len(name) > MaxTargetGroupName {
		t.Fatalf("%s is longer than %d", name, MaxTargetGroupName)
	}
	const scope = "arn:aws:elasticloadbalancing:eu-west-1:123456789012"
	good := scope + ":targetgroup/" + name + "/0123456789abcdef"
	id, gotScope, ok := TargetGroupPolicyID(good, "Site-AbC123")
	if !ok || id != p.ID() || gotScope != scope {
		t.Fatalf("TargetGroupPolicyID(%s) = %q, %q, %t", good, id, gotScope, ok)
	}
	for _, arn := range []string{
		"",
		name,
		scope + ":targetgroup/" + name,       // no id
		scope + ":targetgroup/" + name + "/", // empty id
		scope + ":targetgroup/" + name + "/abc/def",                                 // extra segment
		scope + ":targetgroup/Other-" + p.ID() + "/0123456789abcdef",                // another prefix
		scope + ":targetgroup/Site-AbC123x-" + p.ID() + "/0123",                     // longer prefix
		scope + ":targetgroup/Site-AbC123-" + strings.ToUpper("abcdef12") + "/0123", // not lower hex
		scope + ":targetgroup/Site-AbC123-" + p.ID() + "0/0123",                     // 9 digits
		scope + ":targetgroup/Site-AbC123-abcdefgh/0123",                            // not hex
		scope + ":targetgroup/Site-AbC123/0123",                                     // the prefix alone
		"arn:aws:lambda:eu-west-1:123456789012:targetgroup/" + name + "/0123",       // another service
		"arn:aws:elasticloadbalancing:eu-west-1:targetgroup/" + name + "/0123",      // no account field
		"xarn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/" + name + "/0123",
		scope + ":loadbalancer/app/" + name + "/0123",
	} {
		if id, _, ok := TargetGroupPolicyID(arn, "Site-AbC123"); ok {
			t.Errorf("TargetGroupPolicyID(%q) accepted, id %s", arn, id)
		}
	}
	// Another account or region is parsed, and reported in the scope for the
	// caller to refuse.
	_, s, ok := TargetGroupPolicyID("arn:aws:elasticloadbalancing:us-east-1:999999999999:targetgroup/"+name+"/0123", "Site-AbC123")
	if !ok || s == scope {
		t.Errorf("foreign ARN: scope %q, %t", s, ok)
	}
}

func TestMethods(t *testing.T) {
	t.Parallel()
	tab := Table{Routes: []Route{
		{Name: "write", Paths: []string{"/api/*"}, Methods: []string{"POST", "DELETE"}, Groups: []string{"editors"}},
		{Name: "read", Paths: []string{"/api/*"}},
	}}
	if err := tab.Validate(); err != nil {
		t.Fatalf("a method-limited route before the same paths for every method: %v", err)
	}
	for _, tt := range []struct{ method, path, want string }{
		{"POST", "/api/x", "write"}, {"DELETE", "/api/x", "write"},
		{"GET", "/api/x", "read"}, {"HEAD", "/api/x", "read"}, {"post", "/api/x", "read"}, {"PUT", "/api/x", "read"},
		{"POST", "/other", ""},
	} {
		r, _ := tab.Match(tt.method, tt.path)
		if r.Name != tt.want {
			t.Errorf("Match(%s %s) = %q, want %q", tt.method, tt.path, r.Name, tt.want)
		}
	}
	// The reverse order shadows: the first route takes every method.
	rev := Table{Routes: []Route{tab.Routes[1], tab.Routes[0]}}
	if err := rev.Validate(); err == nil || !strings.Contains(err.Error(), "routes[1].paths[0]: ") {
		t.Errorf("every-method route before a method-limited one: %v, want shadowed", err)
	}
	// A method-limited route shadows a later one only when it covers its methods.
	narrower := Table{Routes: []Route{
		{Name: "a", Paths: []string{"/x/*"}, Methods: []string{"POST", "PUT"}},
		{Name: "b", Paths: []string{"/x/*"}, Methods: []string{"PUT"}},
	}}
	if err := narrower.Validate(); err == nil || !strings.Contains(err.Error(), "routes[1].paths[0]: ") {
		t.Errorf("PUT after POST+PUT: %v, want shadowed", err)
	}
	disjoint := Table{Routes: []Route{
		{Name: "a", Paths: []string{"/x/*"}, Methods: []string{"POST"}},
		{Name: "b", Paths: []string{"/x/*"}, Methods: []string{"PUT"}},
	}}
	if err := disjoint.Validate(); err != nil {
		t.Errorf("PUT after POST: %v", err)
	}
}

func TestMethodValidation(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		methods []string
		paths   int
		want    string // "" = valid
	}{
		{[]string{"GET"}, 1, ""},
		{[]string{"MY_VERB", "X-Y"}, 1, ""},
		{[]string{"get"}, 1, "must be upper case"},
		{[]string{"GET "}, 1, "not a method the load balancer can match"},
		{[]string{"G*"}, 1, "not a method the load balancer can match"},
		{[]string{""}, 1, "is not a method"},
		{[]string{strings.Repeat("A", 41)}, 1, "is not a method"},
		{[]string{"GET", "GET"}, 1, "twice"},
		{[]string{"A", "B", "C", "D"}, 1, ""},
		{[]string{"A", "B", "C", "D", "E"}, 1, "at most 4 methods fit"},
		{[]string{"A", "B", "C"}, 3, "at most 2 methods fit"},
	} {
		paths := []string{"/a", "/b", "/c"}[:tt.paths]
		err := Table{Routes: []Route{{Name: "r", Paths: paths, Methods: tt.methods}}}.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%q: %v", tt.methods, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%q: %v, want %q", tt.methods, err, tt.want)
		}
	}
}

func TestTooManyPolicies(t *testing.T) {
	t.Parallel()
	var rs []Route
	for i := range MaxPolicies { // with the default: MaxPolicies+1
		rs = append(rs, Route{Name: fmt.Sprintf("r%d", i), Paths: []string{fmt.Sprintf("/r%d/*", i)}, Groups: []string{fmt.Sprintf("g%d", i)}})
	}
	if err := (Table{Routes: rs[:MaxPolicies-1]}).Validate(); err != nil {
		t.Fatalf("%d policies: %v", MaxPolicies, err)
	}
	err := Table{Routes: rs}.Validate()
	if err == nil || !strings.Contains(err.Error(), "distinct authorization policies") {
		t.Fatalf("%d policies: %v", MaxPolicies+1, err)
	}
	// Routes sharing a policy share a target group: no limit reached.
	for i := range rs {
		rs[i].Groups = []string{"same"}
	}
	if err := (Table{Routes: rs}).Validate(); err != nil {
		t.Fatalf("%d routes of one policy: %v", len(rs), err)
	}
}

func TestSessionProblems(t *testing.T) {
	t.Parallel()
	const cookie = "AWSELBAuthSessionCookie"
	scoped := []Route{{Name: "api", Paths: []string{"/api/*"}, Scopes: []string{"https://api.example.com/read"}, OnUnauthenticatedRequest: Deny}}
	tab := Derive(scoped, []string{"openid"}, cookie)
	ps := tab.SessionProblems(cookie)
	if len(ps) != 1 || ps[0].Field != "routes[0].onUnauthenticatedRequest" || !strings.Contains(ps[0].Message, "Add a route with the same scopes") {
		t.Fatalf("deny route with its own scopes and nothing to sign in with them: %v", ps)
	}
	// An authenticate route with the same scopes creates the session.
	withPage := append([]Route{{Name: "app", Paths: []string{"/app/*"}, Scopes: []string{"https://api.example.com/read"}}}, scoped...)
	if ps := Derive(withPage, []string{"openid"}, cookie).SessionProblems(cookie); ps != nil {
		t.Errorf("with a sign-in page of the same scopes: %v", ps)
	}
	// A deny route with the site's scopes uses the default action's session,
	// which exists when the default action authenticates.
	plain := Derive([]Route{{Name: "api", Paths: []string{"/api/*"}, Groups: []string{"g"}, OnUnauthenticatedRequest: Deny}}, []string{"openid"}, cookie)
	if ps := plain.SessionProblems(cookie); ps != nil {
		t.Errorf("deny route on the default session: %v", ps)
	}
	plain.OnUnauthenticatedRequest = Deny
	if ps := plain.SessionProblems(cookie); len(ps) != 1 {
		t.Errorf("deny route when nothing signs in at all: %v", ps)
	}
}
