package webapp

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// freshRow renders route rt's row for id through the "route" template on
// every call, as the page did before rows were rendered once per outcome:
// the reference the cached rows must equal byte for byte.
func freshRow(t *testing.T, rt routes.Route, id *identity.Identity) string {
	t.Helper()
	ok, d := id.MayEnter(rt)
	ra := routeAccess{Name: rt.Name, Paths: strings.Join(rt.Paths, " "), Requires: requires(rt), Allowed: ok}
	switch {
	case ok:
	case rt.Machine() && !id.Machine:
		ra.Why = "machines only: a bearer token of a machine client, never a sign-in"
	case d.NoAccessToken:
		ra.Why = "no access token was verified"
	case d.Groups != nil:
		ra.Why = "not in " + strings.Join(d.Groups, " or ")
	default:
		ra.Why = "scope " + strings.Join(d.Scopes, ", ") + " not granted"
	}
	var b strings.Builder
	if err := routeTmpl.ExecuteTemplate(&b, "route", &ra); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// routeRows is writeRouteRows into a string.
func (p *Page) routeRows(id *identity.Identity) (string, error) {
	var b bytes.Buffer
	err := p.writeRouteRows(&b, id)
	return b.String(), err
}

var rowTable = routes.Table{Routes: []routes.Route{
	{Name: "admin", Paths: []string{"/admin", "/admin/*"}, Groups: []string{"admins"}},
	{Name: "both<&>", Paths: []string{"/b/*"}, Groups: []string{"a", "b&c"}, Scopes: []string{"s1", "s2", "s3"}},
	{Name: "scopes", Paths: []string{"/s"}, Scopes: []string{"x", "y"}},
	{Name: "docs", Paths: []string{"/docs/*"}, OnUnauthenticatedRequest: "allow"},
	{Name: "machine", Paths: []string{"/api/*"}, Scopes: []string{"s/read", "s/write"}, Clients: []string{"job"}},
}}

var rowIdentities = map[string]*identity.Identity{
	"no access token":      {Subject: "u"},
	"no groups, no scopes": {Subject: "u", AccessVerified: true},
	"admin, scope x":       {Subject: "u", AccessVerified: true, Groups: []string{"admins"}, Scopes: []string{"x"}},
	"group b&c, s2":        {Subject: "u", AccessVerified: true, Groups: []string{"b&c"}, Scopes: []string{"s2", "y"}},
	"every scope":          {Subject: "u", AccessVerified: true, Groups: []string{"a"}, Scopes: []string{"s1", "s2", "s3", "x", "y"}},
	"machine, s/read":      {Subject: "c", Machine: true, AccessVerified: true, Scopes: []string{"s/read"}},
	"machine, both":        {Subject: "c", Machine: true, AccessVerified: true, Scopes: []string{"s/write", "s/read"}},
}

// The route rows rendered once per outcome are byte for byte what
// rendering each row for each request gives, for every kind of outcome
// (allowed, machines only, no access token, groups, all and some scopes),
// and route table text is still escaped by html/template.
func TestRouteRowsMatchPerRequestRendering(t *testing.T) {
	t.Parallel()
	p := New(rowTable)
	for name, id := range rowIdentities {
		t.Run(name, func(t *testing.T) {
			var want strings.Builder
			for _, rt := range rowTable.Routes {
				want.WriteString(freshRow(t, rt, id))
			}
			for range 2 { // the first call may render, the second must reuse
				got, err := p.routeRows(id)
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != want.String() {
					t.Fatalf("rows:\n%s\nwant:\n%s", got, want.String())
				}
			}
		})
	}
	got, err := p.routeRows(rowIdentities["no access token"])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(got), `<th scope="row">both&lt;&amp;&gt;</th>`) || !strings.Contains(string(got), "group a or b&amp;c") {
		t.Errorf("route text not escaped:\n%s", got)
	}
}

// New renders every outcome the table alone decides; a request only adds
// the rows for a set of missing scopes, and those once.
func TestRouteRowsRenderedAtConstruction(t *testing.T) {
	t.Parallel()
	count := func(p *Page) (n int) {
		for i := range p.rows {
			p.rows[i].html.Range(func(any, any) bool { n++; return true })
		}
		return n
	}
	p := New(rowTable)
	// admin: ok, machines only, no token, groups (4); both<&>: + scopes (5);
	// scopes: 4; docs: 3; machine: 4.
	if n := count(p); n != 20 {
		t.Errorf("%d rows rendered at construction, want 20", n)
	}
	id := &identity.Identity{Subject: "u", AccessVerified: true, Groups: []string{"a"}, Scopes: []string{"s2"}, ExpiresAt: time.Unix(2e9, 0)}
	for range 3 {
		if _, err := p.routeRows(id); err != nil {
			t.Fatal(err)
		}
	}
	// both<&> lacks s1 and s3, scopes lacks x and y (already there): one new row.
	if n := count(p); n != 21 {
		t.Errorf("%d rows after three requests of one user, want 21", n)
	}
}

// Concurrent requests share the rows (run with -race).
func TestRouteRowsConcurrent(t *testing.T) {
	t.Parallel()
	p := New(rowTable)
	var wg sync.WaitGroup
	for _, id := range rowIdentities {
		wg.Go(func() {
			for range 20 {
				if _, err := p.routeRows(id); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
}
