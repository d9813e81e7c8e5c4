package routes

import (
	"strings"
	"testing"
)

// A machine route keeps its place and priority in the table but requests no
// scopes and has no session cookie: its rule signs no one in.
func TestDeriveLeavesMachineRoutesWithoutASession(t *testing.T) {
	t.Parallel()
	tbl := Derive([]Route{
		{Name: "admin", Paths: []string{"/admin/*"}, Groups: []string{"admins"}},
		{Name: "reports", Paths: []string{"/api/reports/*"}, Scopes: []string{"https://app.example.com/reports.read"}, Clients: []string{"nightly-report"}},
		{Name: "orders", Paths: []string{"/orders/*"}, Scopes: []string{"https://app.example.com/orders"}},
	}, []string{"openid"}, "AWSELBAuthSessionCookie")
	m := tbl.Routes[1]
	if !m.Machine() || m.Priority != 200 || m.RequestScopes != nil || m.SessionCookieName != "" {
		t.Errorf("machine route derived as %+v", m)
	}
	if got := strings.Join(tbl.Scopes(), " "); strings.Contains(got, "reports.read") {
		t.Errorf("Scopes() = %s: the user client would be granted a machine scope", got)
	}
	if err := tbl.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	if ms := tbl.Machine(); len(ms) != 1 || ms[0].Name != "reports" {
		t.Errorf("Machine() = %+v", ms)
	}
	if r, ok := tbl.Match("GET", "/api/reports/daily"); !ok || !r.Machine() {
		t.Errorf("Match(/api/reports/daily) = %+v, %v", r, ok)
	}
}

func TestMachineRouteValidation(t *testing.T) {
	t.Parallel()
	ok := Route{Name: "reports", Paths: []string{"/api/*"}, Scopes: []string{"https://app.example.com/read"}, Clients: []string{"job"}, Priority: 100}
	cases := []struct {
		name  string
		edit  func(*Route)
		field string
	}{
		{"no scopes", func(r *Route) { r.Scopes = nil }, "routes[0].scopes"},
		{"standard scope", func(r *Route) { r.Scopes = []string{"email"} }, "routes[0].scopes[0]"},
		{"groups", func(r *Route) { r.Groups = []string{"admins"} }, "routes[0].groups"},
		{"deny", func(r *Route) { r.OnUnauthenticatedRequest = Deny }, "routes[0].onUnauthenticatedRequest"},
		{"extra params", func(r *Route) { r.AuthenticationRequestExtraParams = map[string]string{"identity_provider": "Google"} }, "routes[0].authenticationRequestExtraParams"},
		{"duplicate client", func(r *Route) { r.Clients = []string{"job", "job"} }, "routes[0].clients[1]"},
		{"bad client name", func(r *Route) { r.Clients = []string{"a b"} }, "routes[0].clients[0]"},
		{"session cookie", func(r *Route) { r.SessionCookieName = "AWSELBAuthSessionCookie" }, "routes[0]"},
		{"eleven scopes", func(r *Route) {
			r.Scopes = nil
			for _, c := range "abcdefghijk" {
				r.Scopes = append(r.Scopes, "s/"+string(c))
			}
		}, "routes[0].scopes"},
	}
	if err := (Table{Routes: []Route{ok}}).Validate(); err != nil {
		t.Fatalf("valid machine route: %v", err)
	}
	for _, tc := range cases {
		r := ok
		r.Scopes, r.Clients = append([]string(nil), ok.Scopes...), append([]string(nil), ok.Clients...)
		tc.edit(&r)
		err := (Table{Routes: []Route{r}}).Validate()
		ps, _ := err.(Problems)
		found := false
		for _, p := range ps {
			found = found || p.Field == tc.field
		}
		if !found {
			t.Errorf("%s: no problem on %s; got %v", tc.name, tc.field, err)
		}
	}
}
