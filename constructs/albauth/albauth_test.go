package albauth

import (
	"slices"
	"strings"
	"testing"
	"time"
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
