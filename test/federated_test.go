package test

import (
	"slices"
	"strings"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/config"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/groupclaim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// federatedContext: groups from a federated provider's custom:groups beside
// cognito:groups, and a site that sends users straight to Entra ID, with a
// route that inherits that, one with its own parameters and one with none.
func federatedContext() map[string]any {
	return exampleContext(map[string]any{
		"stackName":                        "AlbCognitoSiteFederated",
		"identityProviders":                []any{"COGNITO", "EntraID"},
		"groupClaims":                      []any{"cognito:groups", "custom:groups"},
		"groupClaimSeparator":              "comma",
		"authenticationRequestExtraParams": map[string]any{"identity_provider": "EntraID", "lang": "de"},
		"routes": []any{
			map[string]any{"name": "admin", "paths": []any{"/admin", "/admin/*"}, "groups": []any{"admins"}},
			map[string]any{"name": "local", "paths": []any{"/local/*"}, "authenticationRequestExtraParams": map[string]any{"identity_provider": "COGNITO", "prompt": "login"}},
			map[string]any{"name": "choose", "paths": []any{"/choose/*"}, "authenticationRequestExtraParams": map[string]any{}},
		},
	})
}

var (
	federatedSite = shared("federated", func() (*synthesized, error) { return synth(federatedContext()) })
	federatedCfg  = func() config.Config {
		c, err := config.FromContext(federatedContext())
		if err != nil {
			panic(err)
		}
		return c
	}()
)

// TestFederatedGroupClaimsTemplate: the function gets GROUP_CLAIMS as the
// configuration says, and the app client may read the custom attribute
// (the load balancer's userInfo call returns only attributes the client can
// read), besides every standard attribute it could read before.
func TestFederatedGroupClaimsTemplate(t *testing.T) {
	s := federatedSite(t)
	env := s.functionEnv(t)
	want := groupclaim.Config{Claims: []string{"cognito:groups", "custom:groups"}, Separator: groupclaim.SeparatorComma}.JSON()
	if env[identity.EnvGroupClaims] != want {
		t.Errorf("%s = %v, want %s", identity.EnvGroupClaims, env[identity.EnvGroupClaims], want)
	}
	// What the function will parse is what the configuration meant.
	if gc, err := groupclaim.ParseConfig(env[identity.EnvGroupClaims].(string)); err != nil || !slices.Equal(gc.Claims, federatedCfg.GroupClaims) {
		t.Errorf("the function reads %+v, %v", gc, err)
	}
	_, client := s.only(t, typeClient)
	read, _ := props(client)["ReadAttributes"].([]any)
	for _, a := range []string{"custom:groups", "email", "email_verified", "name", "preferred_username", "phone_number_verified"} {
		if !slices.Contains(read, any(a)) {
			t.Errorf("client ReadAttributes %s lacks %s", js(read), a)
		}
	}
	if slices.ContainsFunc(read, func(a any) bool { return strings.HasPrefix(a.(string), "custom:") && a != "custom:groups" }) {
		t.Errorf("client ReadAttributes %s has custom attributes not named by groupClaims", js(read))
	}
	// Cognito updates a mapped attribute at each federated sign-in through
	// this client, and refuses the sign-in if the client cannot write it.
	write, _ := props(client)["WriteAttributes"].([]any)
	for _, a := range []string{"custom:groups", "email", "name"} {
		if !slices.Contains(write, any(a)) {
			t.Errorf("client WriteAttributes %s lacks %s", js(write), a)
		}
	}
	// The write access is usable by no user: no token of this client can
	// carry the scope UpdateUserAttributes needs.
	scopes, _ := props(client)["AllowedOAuthScopes"].([]any)
	if slices.Contains(scopes, any("aws.cognito.signin.user.admin")) {
		t.Errorf("client scopes %s include aws.cognito.signin.user.admin", js(scopes))
	}
}

// TestDefaultGroupClaimsTemplate: without groupClaims nothing changes: no
// GROUP_CLAIMS (the function's default is cognito:groups) and no
// ReadAttributes or WriteAttributes (the client's defaults).
func TestDefaultGroupClaimsTemplate(t *testing.T) {
	s := exampleSite(t)
	if v, ok := s.functionEnv(t)[identity.EnvGroupClaims]; ok {
		t.Errorf("%s = %v without groupClaims", identity.EnvGroupClaims, v)
	}
	_, client := s.only(t, typeClient)
	for _, k := range []string{"ReadAttributes", "WriteAttributes"} {
		if v, ok := props(client)[k]; ok {
			t.Errorf("client %s = %s without groupClaims", k, js(v))
		}
	}
}

// TestAuthorizeParamsTemplate: the default action carries the site's
// authenticationRequestExtraParams; a route without its own inherits them,
// a route with its own has exactly those, a route with {} has none; and the
// function's route table says the same as the listener rules.
func TestAuthorizeParamsTemplate(t *testing.T) {
	s := federatedSite(t)
	site := map[string]any{"identity_provider": "EntraID", "lang": "de"}
	var found bool
	for _, l := range s.resources(typeListener) {
		p := props(l)
		if p["Port"] != 443.0 {
			continue
		}
		found = true
		c := p["DefaultActions"].([]any)[0].(map[string]any)["AuthenticateCognitoConfig"].(map[string]any)
		if js(c["AuthenticationRequestExtraParams"]) != js(site) {
			t.Errorf("default action AuthenticationRequestExtraParams = %s, want %s", js(c["AuthenticationRequestExtraParams"]), js(site))
		}
	}
	if !found {
		t.Fatal("no HTTPS listener")
	}
	want := map[string]any{"admin": site, "local": map[string]any{"identity_provider": "COGNITO", "prompt": "login"}, "choose": nil}
	table := federatedCfg.RouteTable()
	rules := s.rules()
	if len(rules) != len(table.Routes) {
		t.Fatalf("%d rules for %d routes", len(rules), len(table.Routes))
	}
	for i, r := range table.Routes {
		c := rules[i].props["Actions"].([]any)[0].(map[string]any)["AuthenticateCognitoConfig"].(map[string]any)
		got, has := c["AuthenticationRequestExtraParams"]
		if w := want[r.Name]; (w == nil) == has || (w != nil && js(got) != js(w)) {
			t.Errorf("route %s: AuthenticationRequestExtraParams = %s, want %s", r.Name, js(got), js(w))
		}
		if js(r.AuthenticationRequestExtraParams) != js(got) && !(got == nil && len(r.AuthenticationRequestExtraParams) == 0) {
			t.Errorf("route %s: the function's table has %s, the rule %s", r.Name, js(r.AuthenticationRequestExtraParams), js(got))
		}
	}
	if s.functionEnv(t)[routes.EnvVar] != federatedCfg.RouteTableJSON() {
		t.Errorf("%s differs from the configuration's table", routes.EnvVar)
	}
}
