package bearer

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

func TestToken(t *testing.T) {
	t.Parallel()
	const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
	cases := []struct {
		name   string
		values []string
		token  string
		reason string
	}{
		{"bearer", []string{"Bearer " + jwt}, jwt, ""},
		{"scheme in lower case", []string{"bearer " + jwt}, jwt, ""},
		{"none", nil, "", ReasonMissing},
		{"empty", []string{""}, "", ReasonMalformed},
		{"two headers", []string{"Bearer " + jwt, "Bearer " + jwt}, "", ReasonDuplicate},
		{"basic", []string{"Basic dXNlcjpwYXNz"}, "", ReasonWrongScheme},
		{"token without a scheme", []string{jwt}, "", ReasonWrongScheme},
		{"scheme alone", []string{"Bearer"}, "", ReasonMalformed},
		{"two spaces", []string{"Bearer  " + jwt}, jwt, ""},
		{"many spaces", []string{"Bearer" + strings.Repeat(" ", 9) + jwt}, jwt, ""},
		{"tab", []string{"Bearer\t" + jwt}, "", ReasonMalformed},
		{"space then tab", []string{"Bearer \t" + jwt}, "", ReasonMalformed},
		{"tab then space", []string{"Bearer\t " + jwt}, "", ReasonMalformed},
		{"spaces alone", []string{"Bearer   "}, "", ReasonMalformed},
		{"trailing space", []string{"Bearer " + jwt + " "}, "", ReasonMalformed},
		{"basic after a tab", []string{"Basic\tdXNlcjpwYXNz"}, "", ReasonWrongScheme},
		{"trailing data", []string{"Bearer " + jwt + " x"}, "", ReasonMalformed},
		{"quoted", []string{`Bearer "` + jwt + `"`}, "", ReasonMalformed},
		{"leading space", []string{" Bearer " + jwt}, "", ReasonMalformed},
	}
	for _, tc := range cases {
		h := http.Header{}
		for _, v := range tc.values {
			h.Add("Authorization", v)
		}
		token, reason := Token(h)
		if token != tc.token || reason != tc.reason {
			t.Errorf("%s: Token = %q, %q; want %q, %q", tc.name, token, reason, tc.token, tc.reason)
		}
	}
}

func TestAuthorize(t *testing.T) {
	t.Parallel()
	r := routes.Route{Name: "billing", Paths: []string{"/api/billing/*"}, Scopes: []string{"s/write", "s/read"}, Clients: []string{"billing-sync", "nightly-report"}}
	ids := map[string]string{"billing-sync": "id-billing", "nightly-report": "id-nightly", "other": "id-other"}
	cases := []struct {
		name       string
		route      routes.Route
		clientID   string
		scopes     []string
		wantName   string
		ok         bool
		wantClient bool
		wantScopes []string
	}{
		{"allowed", r, "id-billing", []string{"s/read", "s/write"}, "billing-sync", true, false, nil},
		{"second client", r, "id-nightly", []string{"s/write", "s/read", "s/extra"}, "nightly-report", true, false, nil},
		{"another client of the pool", r, "id-other", []string{"s/read", "s/write"}, "", false, true, nil},
		{"unknown client", r, "id-unknown", []string{"s/read", "s/write"}, "", false, true, nil},
		{"empty client id", r, "", []string{"s/read", "s/write"}, "", false, true, nil},
		{"missing scope", r, "id-billing", []string{"s/read"}, "billing-sync", false, false, []string{"s/write"}},
		{"no scopes", r, "id-billing", nil, "billing-sync", false, false, []string{"s/write", "s/read"}},
		{"not a machine route", routes.Route{Name: "admin", Paths: []string{"/admin"}}, "id-billing", nil, "", false, true, nil},
	}
	for _, tc := range cases {
		name, ok, why := Authorize(tc.route, ids, tc.clientID, tc.scopes)
		if name != tc.wantName || ok != tc.ok || why.Client != tc.wantClient || !slices.Equal(why.Scopes, tc.wantScopes) {
			t.Errorf("%s: Authorize = %q, %v, %+v; want %q, %v, client %v scopes %v", tc.name, name, ok, why, tc.wantName, tc.ok, tc.wantClient, tc.wantScopes)
		}
	}
}

func TestParseClients(t *testing.T) {
	t.Parallel()
	tbl := routes.Table{Routes: []routes.Route{{Name: "reports", Paths: []string{"/api/*"}, Scopes: []string{"s/r"}, Clients: []string{"job"}}}}
	if _, err := ParseClients(`{"job":"abc"}`, tbl); err != nil {
		t.Errorf("valid: %v", err)
	}
	for _, bad := range []string{"", `{}`, `{"job":""}`, `[1]`, `{"job":1}`} {
		if _, err := ParseClients(bad, tbl); err == nil {
			t.Errorf("ParseClients(%q): no error", bad)
		}
	}
	if ids, err := ParseClients("", routes.Table{}); err != nil || len(ids) != 0 {
		t.Errorf("no machine routes, no variable: %v, %v", ids, err)
	}
}
