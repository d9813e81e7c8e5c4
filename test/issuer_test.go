package test

import (
	"strings"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
)

// machineUpdatedSite is the machine example on a pool whose
// IssuerConfiguration is UPDATED.
var machineUpdatedSite = shared("machine, updated issuer", func() (*synthesized, error) {
	ctx := machineContext()
	ctx["userPoolIssuer"] = "updated"
	return synth(ctx)
})

// The user pool's issuer has one source: the function's TOKEN_ISSUER (from
// which it derives its key set URL), every jwt-validation rule's Issuer and
// its JwksEndpoint are the same URL in the form userPoolIssuer names.
func TestIssuerIsTheSameEverywhere(t *testing.T) {
	for _, tc := range []struct {
		name string
		site func(*testing.T) *synthesized
		host string
	}{
		{"original (default)", machineSite, "https://cognito-idp.eu-west-1."},
		{"updated", machineUpdatedSite, "https://issuer-cognito-idp.eu-west-1."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.site(t)
			issuer := `{"Fn::Join":["",["` + tc.host + `",{"Ref":"AWS::URLSuffix"},"/eu-west-1_Example1"]]}`
			jwks := `{"Fn::Join":["",["` + tc.host + `",{"Ref":"AWS::URLSuffix"},"/eu-west-1_Example1/.well-known/jwks.json"]]}`
			_, fn := s.only(t, "AWS::Lambda::Function")
			env := props(fn)["Environment"].(map[string]any)["Variables"].(map[string]any)
			if got := js(env[identity.EnvIssuer]); got != issuer {
				t.Errorf("%s = %s, want %s", identity.EnvIssuer, got, issuer)
			}
			if v, ok := env[identity.EnvJWKSURL]; ok {
				t.Errorf("%s is set (%s): the function must derive its key set from %s", identity.EnvJWKSURL, js(v), identity.EnvIssuer)
			}
			rules := 0
			for id, r := range s.resources("AWS::ElasticLoadBalancingV2::ListenerRule") {
				actions := props(r)["Actions"].([]any)
				a := actions[0].(map[string]any)
				if a["Type"] != "jwt-validation" {
					continue
				}
				rules++
				cfg := a["JwtValidationConfig"].(map[string]any)
				if got := js(cfg["Issuer"]); got != issuer {
					t.Errorf("%s: Issuer %s, want %s", id, got, issuer)
				}
				if got := js(cfg["JwksEndpoint"]); got != jwks {
					t.Errorf("%s: JwksEndpoint %s, want %s", id, got, jwks)
				}
			}
			if rules != 2 {
				t.Errorf("%d jwt-validation rules, want 2", rules)
			}
			if strings.Contains(js(s.doc), "cognito-idp") && tc.host == "https://issuer-cognito-idp.eu-west-1." &&
				strings.Contains(js(s.doc), `"https://cognito-idp.`) {
				t.Errorf("the updated template still names the original issuer somewhere")
			}
		})
	}
}
