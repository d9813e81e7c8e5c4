package groupclaim_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/groupclaim"
)

// The attacker's tests: values an identity provider's administrator, a
// group owner or a user who can name groups could make Cognito store, each
// trying to make the function see a group ("admins") the user is not in.
func TestParseRefusesSmuggling(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		v      any
		sep    groupclaim.Separator
		reason string
	}{
		// A group named "x,admins" in the bracketed form: Cognito joins with
		// ", ", so an element holding a bare comma is not Cognito's.
		{"comma inside a bracketed element", "[staff, x,admins]", "", groupclaim.ReasonSeparator},
		{"comma inside a JSON element", `["x, admins"]`, "", groupclaim.ReasonSeparator},
		{"comma inside a JSON array value", []any{"x,admins"}, "", groupclaim.ReasonSeparator},
		// A single SAML group "x, admins" arrives bare; without a separator
		// it is one group, and a comma in a name is refused outright.
		{"comma in a single value", "x, admins", "", groupclaim.ReasonSeparator},
		// A single group "Sales admins" must not become "admins": without a
		// separator a plain string is one group (allowed, it matches no
		// route group, which cannot hold spaces), and with comma separation
		// the space stays inside the name.
		// (See TestParseForms for the accepted reading.)
		{"doubled space in space-separated", "staff  admins", groupclaim.SeparatorSpace, groupclaim.ReasonEmpty},
		{"tab smuggles a second name", "staff\tadmins", "", groupclaim.ReasonControl},
		{"newline smuggles a second name", "staff\nadmins", groupclaim.SeparatorComma, groupclaim.ReasonControl},
		{"no-break space as a separator look-alike", "staff\u00a0admins", "", groupclaim.ReasonControl},
		{"ideographic space", "staff\u3000admins", groupclaim.SeparatorSpace, groupclaim.ReasonControl},
		// `["admins"]` inside a string inside an array, and other nesting.
		{"JSON array inside a string inside an array", []any{`["admins"]`}, "", groupclaim.ReasonNested},
		{"JSON string inside a JSON string", `["[\"admins\"]"]`, "", groupclaim.ReasonNested},
		{"nested array", []any{[]any{"admins"}}, "", groupclaim.ReasonElement},
		{"nested array in a string", `[["admins"]]`, "", groupclaim.ReasonElement},
		{"quoted bracketed element", `[staff, "admins"]`, "", groupclaim.ReasonMalformed},
		{"bracket inside a bracketed element", "[staff, [admins]]", "", groupclaim.ReasonMalformed},
		{"backslash escape in a bracketed element", `[staff, adm\u0069ns]`, "", groupclaim.ReasonMalformed},
		// Invalid JSON that starts with "[" and is not the bracketed form.
		{"unterminated JSON", `["admins"`, "", groupclaim.ReasonMalformed},
		{"unterminated bracket", "[admins", "", groupclaim.ReasonMalformed},
		{"trailing data after the bracket", "[staff] admins", "", groupclaim.ReasonMalformed},
		{"trailing data after JSON", `["staff"] ["admins"]`, "", groupclaim.ReasonMalformed},
		// Types that cannot be a list of names.
		{"number", json.Number("1"), "", groupclaim.ReasonType},
		{"boolean", true, "", groupclaim.ReasonType},
		{"object", map[string]any{"admins": true}, "", groupclaim.ReasonType},
		{"null", nil, "", groupclaim.ReasonType},
		{"number element", []any{"staff", json.Number("1")}, "", groupclaim.ReasonElement},
		{"number element in a string", `["staff", 1]`, "", groupclaim.ReasonElement},
		{"object element in a string", `[{"admins":1}]`, "", groupclaim.ReasonElement},
		// Empty names.
		{"empty string", "", "", groupclaim.ReasonEmpty},
		{"empty bracketed element", "[staff, ]", "", groupclaim.ReasonEmpty},
		{"empty JSON element", `["staff",""]`, "", groupclaim.ReasonEmpty},
		{"empty comma element", "staff,,admins", groupclaim.SeparatorComma, groupclaim.ReasonEmpty},
		// Surrounding whitespace, which a different reader would trim.
		{"padded bracketed element", "[staff,  admins]", "", groupclaim.ReasonSpace},
		{"padded JSON element", `[" admins"]`, "", groupclaim.ReasonSpace},
		{"padded single value", "admins ", "", groupclaim.ReasonSpace},
		// Controls and invisible characters.
		{"NUL", "adm\x00ins", "", groupclaim.ReasonControl},
		{"escaped NUL in JSON", `["adm\u0000ins"]`, "", groupclaim.ReasonControl},
		{"zero-width space", "admins\u200b", "", groupclaim.ReasonControl},
		{"right-to-left override", "\u202eadmins", "", groupclaim.ReasonControl},
		{"invalid UTF-8", "adm\xffins", "", groupclaim.ReasonControl},
		// Size.
		{"over 2048 characters", "[" + strings.Repeat("g, ", 700) + "g]", "", groupclaim.ReasonTooLong},
		{"name over 256 bytes", strings.Repeat("a", 257), "", groupclaim.ReasonNameLong},
		{"array over 2048 characters", manyNames(100, 30), "", groupclaim.ReasonTooLong},
		{"too many names", manyNames(1100, 1), "", groupclaim.ReasonTooMany},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, form, err := groupclaim.Parse("custom:groups", tc.v, tc.sep)
			var ge *groupclaim.Error
			if !errors.As(err, &ge) {
				t.Fatalf("Parse = %q (form %s), nil error; want reason %s", got, form, tc.reason)
			}
			if got != nil {
				t.Errorf("groups = %q with an error; want none", got)
			}
			if ge.Reason != tc.reason {
				t.Errorf("reason = %s, want %s (%v)", ge.Reason, tc.reason, err)
			}
			if ge.Claim != "custom:groups" {
				t.Errorf("claim = %q", ge.Claim)
			}
			if s, ok := tc.v.(string); ok && len(s) > 3 && strings.Contains(err.Error(), s) {
				t.Errorf("error %q echoes the claim's value", err)
			}
			if strings.Contains(err.Error(), "admins") {
				t.Errorf("error %q echoes a group name", err)
			}
		})
	}
}

func manyNames(n, size int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = strings.Repeat("g", size-1) + string(rune('a'+i%26))
	}
	return out
}

func TestParseForms(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		v    any
		sep  groupclaim.Separator
		want []string
		form groupclaim.Form
	}{
		{"Cognito's bracketed SAML join", "[DemoAppAdmins, DemoAppUsers]", "", []string{"DemoAppAdmins", "DemoAppUsers"}, groupclaim.FormBracketed},
		{"bracketed names with inner spaces", "[Domain Users, admins]", "", []string{"Domain Users", "admins"}, groupclaim.FormBracketed},
		{"bracketed one name", "[admins]", "", []string{"admins"}, groupclaim.FormBracketed},
		{"bracketed Entra object ids", "[0b430838-9034-454d-ab07-43f8e1b9ff1d, 6e7a4320-6f27-417f-b51d-b9720f537f3d]", "",
			[]string{"0b430838-9034-454d-ab07-43f8e1b9ff1d", "6e7a4320-6f27-417f-b51d-b9720f537f3d"}, groupclaim.FormBracketed},
		{"empty brackets", "[]", "", []string{}, groupclaim.FormJSONString},
		{"single SAML value", "DemoAppUsers", "", []string{"DemoAppUsers"}, groupclaim.FormSingle},
		{"single value with a space is one group", "Sales admins", "", []string{"Sales admins"}, groupclaim.FormSingle},
		{"JSON array in a string", `["admins","staff"]`, "", []string{"admins", "staff"}, groupclaim.FormJSONString},
		{"JSON array in a string with spaces", `[ "admins" , "staff" ]`, "", []string{"admins", "staff"}, groupclaim.FormJSONString},
		{"JSON escapes decode", `["\u0061dmins"]`, "", []string{"admins"}, groupclaim.FormJSONString},
		{"JSON array value", []any{"admins", "staff"}, "", []string{"admins", "staff"}, groupclaim.FormJSONArray},
		{"comma-separated", "admins,staff", groupclaim.SeparatorComma, []string{"admins", "staff"}, groupclaim.FormSeparated},
		{"comma-separated with spaces", "admins, staff", groupclaim.SeparatorComma, []string{"admins", "staff"}, groupclaim.FormSeparated},
		{"comma-separated keeps inner spaces", "Domain Users, admins", groupclaim.SeparatorComma, []string{"Domain Users", "admins"}, groupclaim.FormSeparated},
		{"space-separated", "admins staff", groupclaim.SeparatorSpace, []string{"admins", "staff"}, groupclaim.FormSeparated},
		{"bracketed form wins over the separator", "[a b, c]", groupclaim.SeparatorSpace, []string{"a b", "c"}, groupclaim.FormBracketed},
		{"duplicates collapse", "[admins, admins]", "", []string{"admins"}, groupclaim.FormBracketed},
		{"unicode names", "[Ärzte, 管理者]", "", []string{"Ärzte", "管理者"}, groupclaim.FormBracketed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, form, err := groupclaim.Parse("custom:groups", tc.v, tc.sep)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !slices.Equal(got, tc.want) || form != tc.form {
				t.Errorf("Parse = %q (%s), want %q (%s)", got, form, tc.want, tc.form)
			}
		})
	}
}

// Names compare exactly: case, look-alikes and normalization forms are
// different groups. A route for "admins" must not admit any of these.
func TestCollectComparesExactly(t *testing.T) {
	t.Parallel()
	cfg := groupclaim.Config{Claims: []string{"custom:groups"}}
	for _, name := range []string{
		"Admins", "ADMINS",
		"аdmins",            // Cyrillic а
		"admіns",            // Cyrillic і
		"ａｄｍｉｎｓ",            // fullwidth
		"admins\u0301",      // combining accent
		"admin\u0073\u0307", // s with dot above, decomposed
	} {
		got, _, err := cfg.Collect(map[string]any{"custom:groups": "[" + name + "]"}, nil)
		if err != nil {
			continue // refused outright: fine too
		}
		if slices.Contains(got, "admins") {
			t.Errorf("%q read as admins", name)
		}
	}
}

func TestCollect(t *testing.T) {
	t.Parallel()
	user := map[string]any{"custom:groups": "[admins, staff]", "sub": "u1"}
	access := []string{"staff", "cognito-only"}

	t.Run("instead of cognito:groups", func(t *testing.T) {
		got, src, err := groupclaim.Config{Claims: []string{"custom:groups"}}.Collect(user, access)
		if err != nil || !slices.Equal(got, []string{"admins", "staff"}) {
			t.Fatalf("Collect = %q, %v", got, err)
		}
		if len(src) != 1 || src[0].Claim != "custom:groups" || src[0].Form != groupclaim.FormBracketed {
			t.Errorf("sources = %+v", src)
		}
	})
	t.Run("beside cognito:groups", func(t *testing.T) {
		got, src, err := groupclaim.Config{Claims: []string{"cognito:groups", "custom:groups"}}.Collect(user, access)
		if err != nil || !slices.Equal(got, []string{"staff", "cognito-only", "admins"}) {
			t.Fatalf("Collect = %q, %v", got, err)
		}
		if len(src) != 2 || !slices.Equal(src[0].Groups, access) || !slices.Equal(src[1].Groups, []string{"admins", "staff"}) {
			t.Errorf("sources = %+v", src)
		}
	})
	t.Run("absent claim adds nothing", func(t *testing.T) {
		got, src, err := groupclaim.Config{Claims: []string{"cognito:groups", "custom:groups"}}.Collect(map[string]any{}, access)
		if err != nil || !slices.Equal(got, access) || src[1].Form != groupclaim.FormAbsent {
			t.Fatalf("Collect = %q, %+v, %v", got, src, err)
		}
	})
	t.Run("one bad claim fails the whole result closed", func(t *testing.T) {
		got, _, err := groupclaim.Config{Claims: []string{"cognito:groups", "custom:groups"}}.Collect(map[string]any{"custom:groups": `["x,admins"]`}, []string{"admins"})
		if err == nil || got != nil {
			t.Fatalf("Collect = %q, %v; want an error and no groups, even cognito:groups'", got, err)
		}
	})
}

func TestCheckClaim(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"cognito:groups", "custom:groups", "custom:ADGroups", "custom:idp_groups"} {
		if err := groupclaim.CheckClaim(ok); err != nil {
			t.Errorf("CheckClaim(%q) = %v", ok, err)
		}
	}
	for name, want := range map[string]string{
		"sub": "identifier", "email": "email", "iss": "issuer", "exp": "expiry", "cognito:username": "name",
		"identities": "federated", "email_verified": "boolean", "custom:": "custom attribute name",
		"custom:a-very-long-attribute-name": "custom attribute name", "custom:grou ps": "custom attribute name",
		"cognito:roles": "IAM", "cognito:foo": "Cognito's own", "Cognito:Groups": "case-sensitive", "Custom:groups": "case-sensitive",
		"groups": "not a claim", "": "not a claim",
		// Users can write their own standard attributes: with any API
		// sign-in client of the pool, which writes them by default.
		"nickname": "change their own", "name": "change their own", "profile": "change their own", "locale": "change their own",
	} {
		err := groupclaim.CheckClaim(name)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckClaim(%q) = %v, want an error mentioning %q", name, err, want)
		}
	}
}

func TestParseConfig(t *testing.T) {
	t.Parallel()
	c, err := groupclaim.ParseConfig("")
	if err != nil || !c.IsDefault() {
		t.Fatalf("ParseConfig(\"\") = %+v, %v", c, err)
	}
	c, err = groupclaim.ParseConfig(`{"claims":["cognito:groups","custom:groups"],"separator":"comma"}`)
	if err != nil || c.IsDefault() || c.Separator != groupclaim.SeparatorComma {
		t.Fatalf("ParseConfig = %+v, %v", c, err)
	}
	if back, err := groupclaim.ParseConfig(c.JSON()); err != nil || !slices.Equal(back.Claims, c.Claims) || back.Separator != c.Separator {
		t.Errorf("round trip = %+v, %v", back, err)
	}
	for _, bad := range []string{
		`{"claims":["sub"]}`, `{"claims":[]}`, `{}`, `{"claims":["custom:groups"],"extra":1}`, `{"claims":["custom:groups"]} x`,
		`{"claims":["custom:groups"],"separator":"semicolon"}`, `{"claims":["custom:groups","custom:groups"]}`,
		`["custom:groups"]`, `custom:groups`,
		`{"claims":["custom:a","custom:b","custom:c","custom:d","custom:e"]}`,
	} {
		if _, err := groupclaim.ParseConfig(bad); err == nil {
			t.Errorf("ParseConfig(%s) accepted", bad)
		}
	}
}
