package preview

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/groupclaim"
)

// TestFederatedGroupClaim: the preview signs custom:groups into
// x-amzn-oidc-data in each form an identity provider sends, hands the
// function GROUP_CLAIMS, and the admin route and the identity page follow
// the configured claim, not the access token's cognito:groups.
func TestFederatedGroupClaim(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		value any
		sep   groupclaim.Separator
		form  string
		admin bool
	}{
		{"bracketed SAML join", "[staff, admins]", "", "bracketed", true},
		{"single SAML value", "admins", "", "single", true},
		{"JSON array in a string", `["staff","admins"]`, "", "json-in-string", true},
		{"JSON array", []any{"staff", "admins"}, "", "json-array", true},
		{"comma-separated", "staff, admins", groupclaim.SeparatorComma, "separated", true},
		{"space-separated", "staff admins", groupclaim.SeparatorSpace, "separated", true},
		{"case differs", "[staff, Admins]", "", "bracketed", false},
		{"a comma smuggling admins", `["x,admins"]`, "", "json-in-string", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := exampleRoutes(t)
			claims := albsim.UserClaims(albsim.User{})
			claims["custom:groups"] = tc.value
			o.Claims = claims
			o.Groups = []string{"editors"} // cognito:groups: not consulted
			o.GroupClaims = groupclaim.Config{Claims: []string{"custom:groups"}, Separator: tc.sep}
			s := start(t, o)
			c := client(t)
			resp, body := fetch(t, c, s.URL+"admin", "Accept", "application/json")
			if (resp.StatusCode == 200) != tc.admin {
				t.Fatalf("/admin: status %d, admin %v:\n%s", resp.StatusCode, tc.admin, body)
			}
			if resp, _ := send(t, c, "POST", s.URL+"api/items", "Accept", "application/json"); resp.StatusCode != 403 {
				t.Errorf("the editors route let a user in by cognito:groups: %d", resp.StatusCode)
			}
			_, body = fetch(t, c, s.URL, "Accept", "application/json")
			var page struct {
				Groups       []string `json:"groups"`
				GroupSources []struct {
					Claim, Form string
					Groups      []string
				} `json:"group_sources"`
				GroupClaimError string `json:"group_claim_error"`
			}
			if err := json.Unmarshal([]byte(body), &page); err != nil {
				t.Fatalf("identity page: %v\n%s", err, body)
			}
			if len(page.GroupSources) != 1 || page.GroupSources[0].Claim != "custom:groups" || page.GroupSources[0].Form != tc.form {
				t.Errorf("group_sources %+v, want custom:groups (%s)", page.GroupSources, tc.form)
			}
			if tc.name == "a comma smuggling admins" {
				if page.GroupClaimError == "" || len(page.Groups) != 0 || strings.Contains(body, `"x,admins"],"group`) {
					t.Errorf("invalid claim: groups %q, error %q", page.Groups, page.GroupClaimError)
				}
			}
			_, html := fetch(t, c, s.URL)
			note := "custom:groups, " + tc.form
			if tc.name == "a comma smuggling admins" {
				note = "separator_in_name"
			}
			if !strings.Contains(html, `id="group-sources"`) || !strings.Contains(html, note) {
				t.Errorf("identity page lacks the group source note")
			}
		})
	}
}
