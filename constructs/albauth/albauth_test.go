package albauth

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

func TestTokenLifetimesFitTheSession(t *testing.T) {
	t.Parallel()
	const minute, h, day = time.Minute, time.Hour, 24 * time.Hour
	cases := []struct {
		name                string
		session, id, access time.Duration // given; zero means the default
		refresh             time.Duration // given; zero means the default
		wantID, wantAccess  time.Duration
		wantRefresh         time.Duration
		wantErr             string
	}{
		{"defaults", 8 * h, 0, 0, 0, h, h, 9 * h, ""},
		{"shortest session", time.Second, 0, 0, 0, h, h, 61 * minute, ""},
		{"session in seconds rounds the refresh token up", 90*minute + 30*time.Second, 0, 0, 0, h, h, 151 * minute, ""},
		{"longest session", 7 * day, 0, 0, 0, h, h, 7*day + h, ""},
		{"Cognito's lower limits", time.Second, 5 * minute, 5 * minute, 60 * minute, 5 * minute, 5 * minute, 60 * minute, ""},
		{"Cognito's upper limits", 7 * day, day, day, 3650 * day, day, day, 3650 * day, ""},
		{"ID token too short", 8 * h, 4 * minute, 0, 0, 0, 0, 0, "IDTokenValidity must be whole minutes"},
		{"access token too long", 8 * h, 0, day + minute, 0, 0, 0, 0, "AccessTokenValidity must be whole minutes"},
		{"refresh token in seconds", 8 * h, 0, 0, 10*h + time.Second, 0, 0, 0, "RefreshTokenValidity must be whole minutes"},
		{"refresh token as long as the session", 8 * h, 0, 0, 8 * h, 0, 0, 0, "must be longer than SessionTimeout"},
		{"ID token outlives the refresh token", 30 * minute, 2 * h, 0, h, 0, 0, 0, "IDTokenValidity 2h0m0s outlives RefreshTokenValidity"},
	}
	for _, tc := range cases {
		p := Props{SessionTimeout: tc.session, IDTokenValidity: tc.id, AccessTokenValidity: tc.access, RefreshTokenValidity: tc.refresh}
		err := p.tokenDefaults()
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: err = %v, want %q", tc.name, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if p.IDTokenValidity != tc.wantID || p.AccessTokenValidity != tc.wantAccess || p.RefreshTokenValidity != tc.wantRefresh {
			t.Errorf("%s: ID %s, access %s, refresh %s; want %s, %s, %s", tc.name,
				p.IDTokenValidity, p.AccessTokenValidity, p.RefreshTokenValidity, tc.wantID, tc.wantAccess, tc.wantRefresh)
		}
		if p.RefreshTokenValidity <= p.SessionTimeout {
			t.Errorf("%s: refresh token %s ends before the %s session", tc.name, p.RefreshTokenValidity, p.SessionTimeout)
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
		{Name: "app", Paths: []string{"/app/*"}, Scopes: []string{"api/read"}},
		{Name: "api", Paths: []string{"/api/*"}, Scopes: []string{"api/read"}, OnUnauthenticatedRequest: "deny"},
	}
	table, data, err := routeTable(ok)
	if err != nil {
		t.Fatal(err)
	}
	if table.Routes[0].SessionCookieName != "S" || table.Routes[2].SessionCookieName == "S" || table.Routes[2].Priority != 300 {
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
	lonely := base
	lonely.Routes = []routes.Route{{Name: "api", Paths: []string{"/api/*"}, Scopes: []string{"api/read"}, OnUnauthenticatedRequest: "deny"}}
	if _, _, err := routeTable(lonely); err == nil || !strings.Contains(err.Error(), "no sign-in creates this route's session") {
		t.Errorf("deny route whose session no rule creates: err = %v", err)
	}
	big := base
	for i := range 40 {
		big.Routes = append(big.Routes, routes.Route{Name: fmt.Sprintf("r%d", i), Paths: []string{fmt.Sprintf("/%s%d/*", strings.Repeat("p", 60), i)}})
	}
	if _, _, err := routeTable(big); err == nil || !strings.Contains(err.Error(), "environment") {
		t.Errorf("oversized table: err = %v", err)
	}
}
