package config

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

func TestGroupClaimsAndAuthorizeParams(t *testing.T) {
	t.Parallel()
	route := func(kv ...any) map[string]any {
		m := map[string]any{"name": "r", "paths": []any{"/r/*"}}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	idps := []any{"COGNITO", "EntraID"}
	tests := []struct {
		name string
		set  map[string]any
		key  string // "" means valid
		hint string
	}{
		// groupClaims.
		{"custom attribute instead", map[string]any{"groupClaims": []any{"custom:groups"}}, "", ""},
		{"custom attribute beside", map[string]any{"groupClaims": "cognito:groups,custom:groups", "groupClaimSeparator": "comma"}, "", ""},
		{"standard attribute", map[string]any{"groupClaims": []any{"nickname"}}, "groupClaims[0]", "change their own"},
		{"sub", map[string]any{"groupClaims": []any{"sub"}}, "groupClaims[0]", "the user's identifier"},
		{"email", map[string]any{"groupClaims": []any{"custom:groups", "email"}}, "groupClaims[1]", "email address"},
		{"exp", map[string]any{"groupClaims": []any{"exp"}}, "groupClaims[0]", "expiry"},
		{"iss", map[string]any{"groupClaims": []any{"iss"}}, "groupClaims[0]", "issuer"},
		{"bad custom name", map[string]any{"groupClaims": []any{"custom:"}}, "groupClaims[0]", "custom attribute name"},
		{"upper case", map[string]any{"groupClaims": []any{"Custom:groups"}}, "groupClaims[0]", "case-sensitive"},
		{"twice", map[string]any{"groupClaims": []any{"custom:groups", "custom:groups"}}, "groupClaims[1]", "twice"},
		{"empty list", map[string]any{"groupClaims": []any{}}, "groupClaims", "is empty"},
		{"separator", map[string]any{"groupClaims": []any{"custom:groups"}, "groupClaimSeparator": "semicolon"}, "groupClaimSeparator", "not a separator"},
		{"email scope hides custom attributes", map[string]any{"groupClaims": []any{"custom:groups"}, "oauthScopes": []any{"openid", "email"}},
			"groupClaims", "add profile to oauthScopes"},
		{"email with profile", map[string]any{"groupClaims": []any{"custom:groups"}, "oauthScopes": []any{"openid", "email", "profile"}}, "", ""},
		{"route requests email", map[string]any{"groupClaims": []any{"custom:groups"}, "routes": []any{route("scopes", []any{"email"})}},
			"groupClaims", "add profile"},
		// Site-level authenticationRequestExtraParams.
		{"site provider", map[string]any{"identityProviders": idps, "authenticationRequestExtraParams": map[string]any{"identity_provider": "EntraID"}}, "", ""},
		{"site provider from -c", map[string]any{"identityProviders": "COGNITO,EntraID", "authenticationRequestExtraParams": `{"identity_provider":"EntraID","lang":"ja"}`}, "", ""},
		{"site unknown provider", map[string]any{"authenticationRequestExtraParams": map[string]any{"identity_provider": "EntraID"}},
			"authenticationRequestExtraParams.identity_provider", `"EntraID" is not in identityProviders (COGNITO)`},
		{"provider and identifier", map[string]any{"identityProviders": idps, "authenticationRequestExtraParams": map[string]any{"identity_provider": "EntraID", "idp_identifier": "example.com"}},
			"authenticationRequestExtraParams.identity_provider", "keep one"},
		{"identifier", map[string]any{"authenticationRequestExtraParams": map[string]any{"idp_identifier": "example.com"}}, "", ""},
		{"bad identifier", map[string]any{"authenticationRequestExtraParams": map[string]any{"idp_identifier": strings.Repeat("a", 41)}},
			"authenticationRequestExtraParams.idp_identifier", "not an identity provider identifier"},
		{"every language", map[string]any{"authenticationRequestExtraParams": map[string]any{"lang": "pt-BR"}}, "", ""},
		{"unknown language", map[string]any{"authenticationRequestExtraParams": map[string]any{"lang": "nl"}}, "authenticationRequestExtraParams.lang", "not a language of managed login"},
		{"language case", map[string]any{"authenticationRequestExtraParams": map[string]any{"lang": "pt-br"}}, "authenticationRequestExtraParams.lang", "case as shown"},
		{"language with the classic UI", map[string]any{"loginPages": "classic", "authenticationRequestExtraParams": map[string]any{"lang": "de"}},
			"authenticationRequestExtraParams.lang", "needs managed login"},
		{"prompt value", map[string]any{"authenticationRequestExtraParams": map[string]any{"prompt": "select_account"}}, "", ""},
		// Cognito takes several values separated by spaces; whether the load
		// balancer encodes a space in its redirect is not documented, so one
		// value it is.
		{"prompt values", map[string]any{"authenticationRequestExtraParams": map[string]any{"prompt": "login consent"}},
			"authenticationRequestExtraParams.prompt", "whitespace"},
		{"prompt none", map[string]any{"authenticationRequestExtraParams": map[string]any{"prompt": "none"}}, "authenticationRequestExtraParams.prompt", "login_required"},
		{"prompt unknown", map[string]any{"authenticationRequestExtraParams": map[string]any{"prompt": "create"}}, "authenticationRequestExtraParams.prompt", "not a prompt value"},
		{"prompt with the classic UI", map[string]any{"loginPages": "classic", "authenticationRequestExtraParams": map[string]any{"prompt": "login"}},
			"authenticationRequestExtraParams.prompt", "needs managed login"},
		{"unknown key", map[string]any{"authenticationRequestExtraParams": map[string]any{"domain_hint": "example.com"}},
			"authenticationRequestExtraParams.domain_hint", "not a parameter of Cognito's authorize endpoint"},
		{"reserved key", map[string]any{"authenticationRequestExtraParams": map[string]any{"redirect_uri": "https://evil.example"}},
			"authenticationRequestExtraParams.redirect_uri", "sets redirect_uri itself"},
		{"resource other than the resource server", map[string]any{"authenticationRequestExtraParams": map[string]any{"resource": "https://other.example"}},
			"authenticationRequestExtraParams.resource", "resourceServerId"},
		{"not an object", map[string]any{"authenticationRequestExtraParams": "identity_provider=EntraID"}, "authenticationRequestExtraParams", "expected an object of strings"},
		{"route lang", map[string]any{"routes": []any{route("authenticationRequestExtraParams", map[string]any{"lang": "xx"})}},
			"routes[0].authenticationRequestExtraParams.lang", "not a language"},
		{"route unknown key", map[string]any{"routes": []any{route("authenticationRequestExtraParams", map[string]any{"kc_idp_hint": "x"})}},
			"routes[0].authenticationRequestExtraParams.kc_idp_hint", "not a parameter"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.key == "" {
				if _, err := FromContext(exampleWith(tc.set)); err != nil {
					t.Fatalf("FromContext: %v", err)
				}
				return
			}
			wantProblem(t, exampleWith(tc.set), tc.key, tc.hint)
		})
	}
}

// A site-level problem is reported once, under the site's key, not again
// for every route that inherits the parameters.
func TestSiteParamsReportedOnce(t *testing.T) {
	t.Parallel()
	_, err := FromContext(exampleWith(map[string]any{
		"authenticationRequestExtraParams": map[string]any{"redirect_uri": "https://evil.example"},
		"routes":                           []any{map[string]any{"name": "a", "paths": []any{"/a/*"}}, map[string]any{"name": "b", "paths": []any{"/b/*"}}},
	}))
	if err == nil {
		t.Fatal("accepted")
	}
	if n := strings.Count(err.Error(), "sets redirect_uri itself"); n != 1 {
		t.Errorf("redirect_uri reported %d times:\n%v", n, err)
	}
}

// The default action gets the site's parameters; a route without its own
// inherits them, a route with its own keeps only those, and {} means none.
func TestRoutesInheritSiteParams(t *testing.T) {
	t.Parallel()
	c, err := FromContext(exampleWith(map[string]any{
		"identityProviders":                []any{"COGNITO", "EntraID"},
		"authenticationRequestExtraParams": map[string]any{"identity_provider": "EntraID"},
		"routes": []any{
			map[string]any{"name": "inherits", "paths": []any{"/a/*"}},
			map[string]any{"name": "own", "paths": []any{"/b/*"}, "authenticationRequestExtraParams": map[string]any{"lang": "de"}},
			map[string]any{"name": "none", "paths": []any{"/c/*"}, "authenticationRequestExtraParams": map[string]any{}},
		},
	}))
	if err != nil {
		t.Fatal(err)
	}
	got := c.RouteTable().Routes
	want := []map[string]string{{"identity_provider": "EntraID"}, {"lang": "de"}, nil}
	for i, r := range got {
		if len(r.AuthenticationRequestExtraParams) != len(want[i]) || (want[i] != nil && !maps.Equal(r.AuthenticationRequestExtraParams, want[i])) {
			t.Errorf("%s: params %v, want %v", r.Name, r.AuthenticationRequestExtraParams, want[i])
		}
	}
	// The configuration's own routes are not changed.
	if c.Routes[0].AuthenticationRequestExtraParams != nil {
		t.Error("RouteTable changed Config.Routes")
	}
	if !slices.Equal(c.GroupClaims, []string{"cognito:groups"}) || !c.GroupClaimConfig().IsDefault() {
		t.Errorf("default group claims %v", c.GroupClaims)
	}
}
