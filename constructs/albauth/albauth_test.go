package albauth

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

func TestTokenValidityFitsTheSession(t *testing.T) {
	t.Parallel()
	cases := []struct {
		session     time.Duration
		id, refresh time.Duration
	}{
		{time.Second, 5 * time.Minute, time.Hour},
		{15 * time.Minute, 15 * time.Minute, time.Hour},
		{time.Hour, time.Hour, 2 * time.Hour},
		{8 * time.Hour, 8 * time.Hour, 9 * time.Hour},
		{90*time.Minute + 30*time.Second, 91 * time.Minute, 151 * time.Minute},
		{7 * 24 * time.Hour, 24 * time.Hour, 7 * 24 * time.Hour},
	}
	for _, tc := range cases {
		got := tokenValidity(tc.session)
		if got.id != tc.id || got.refresh != tc.refresh {
			t.Errorf("tokenValidity(%s) = id %s, refresh %s; want %s, %s", tc.session, got.id, got.refresh, tc.id, tc.refresh)
		}
		// Cognito's limits: ID/access 5 min..1 day; refresh 1 h..10 years, longer than ID.
		if got.id < 5*time.Minute || got.id > 24*time.Hour || got.refresh < time.Hour || got.refresh <= got.id {
			t.Errorf("tokenValidity(%s) = %+v breaks Cognito's limits", tc.session, got)
		}
		if got.refresh < tc.session {
			t.Errorf("tokenValidity(%s): refresh token %s ends before the session", tc.session, got.refresh)
		}
	}
}

func TestOpenIDIsAlwaysFirstAndScopesAreUnique(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want []string }{
		{nil, []string{"openid"}},
		{[]string{"email"}, []string{"openid", "email"}},
		{[]string{"email", "openid", "email", "profile"}, []string{"openid", "email", "profile"}},
	}
	for _, tc := range cases {
		if got := withOpenID(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("withOpenID(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestPropsAreChecked(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		props *Props
		want  string
	}{
		{"nil", nil, "props are required"},
		{"no vpc", &Props{}, "Vpc is required"},
	}
	for _, tc := range cases {
		_, err := tc.props.withDefaults()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestRouteTableIsDerivedAndChecked(t *testing.T) {
	t.Parallel()
	base := Props{Scopes: []string{"openid", "email"}, SessionCookieName: "S"}
	ok := base
	ok.Routes = []routes.Route{
		{Name: "admin", Paths: []string{"/admin/*"}, Groups: []string{"admins"}},
		{Name: "api", Paths: []string{"/api/*"}, Scopes: []string{"api/read"}, OnUnauthenticatedRequest: "deny"},
	}
	table, data, err := routeTable(ok)
	if err != nil {
		t.Fatal(err)
	}
	if table.Routes[0].SessionCookieName != "S" || table.Routes[1].SessionCookieName == "S" || table.Routes[1].Priority != 200 {
		t.Errorf("derived table %+v", table)
	}
	if _, err := routes.Parse(data); err != nil {
		t.Errorf("the function would refuse the table: %v", err)
	}
	bad := base
	bad.Routes = []routes.Route{{Name: "all", Paths: []string{"/*"}}, {Name: "admin", Paths: []string{"/admin/*"}}}
	if _, _, err := routeTable(bad); err == nil || !strings.Contains(err.Error(), "shadowed") {
		t.Errorf("shadowed route: err = %v", err)
	}
	big := base
	for i := range 40 {
		big.Routes = append(big.Routes, routes.Route{Name: fmt.Sprintf("r%d", i), Paths: []string{fmt.Sprintf("/%s%d/*", strings.Repeat("p", 60), i)}})
	}
	if _, _, err := routeTable(big); err == nil || !strings.Contains(err.Error(), "environment") {
		t.Errorf("oversized table: err = %v", err)
	}
}
