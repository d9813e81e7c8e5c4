package cognitoissuer_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/cognitoissuer"
)

const (
	original = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example1"
	updated  = "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example1"
)

// The two forms of IssuerConfigurationType, as the Cognito API reference
// writes them, and the key set under each.
func TestURL(t *testing.T) {
	for _, tc := range []struct {
		form      cognitoissuer.Form
		want, api string
	}{
		{cognitoissuer.Original, original, "ORIGINAL"},
		{cognitoissuer.Updated, updated, "UPDATED"},
	} {
		if got := cognitoissuer.URL(tc.form, "eu-west-1", "amazonaws.com", "eu-west-1_Example1"); got != tc.want {
			t.Errorf("URL(%s) = %s, want %s", tc.form, got, tc.want)
		}
		if got := cognitoissuer.JWKSURL(tc.want); got != tc.want+"/.well-known/jwks.json" {
			t.Errorf("JWKSURL(%s) = %s", tc.want, got)
		}
		if got := tc.form.APIName(); got != tc.api || !tc.form.Valid() {
			t.Errorf("%s: APIName %s, Valid %v", tc.form, got, tc.form.Valid())
		}
	}
	if cognitoissuer.Form("ORIGINAL").Valid() || cognitoissuer.Form("").Valid() {
		t.Error("only the lower-case forms are valid")
	}
	if got := cognitoissuer.URL(cognitoissuer.Updated, "cn-north-1", "amazonaws.com.cn", "cn-north-1_X"); got != "https://issuer-cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_X" {
		t.Errorf("China: %s", got)
	}
}

func TestParse(t *testing.T) {
	for _, iss := range []string{original, updated, "https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_Ab1"} {
		p, ok := cognitoissuer.Parse(iss)
		if !ok || p.String() != iss {
			t.Errorf("Parse(%s) = %+v, %v", iss, p, ok)
		}
	}
	for _, iss := range []string{
		"", original + "/", "http://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example1",
		"https://cognito-idp.eu-west-1.amazonaws.com/us-east-1_Example1", // pool of another region
		"https://evil-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example1",
		"https://cognito-idp.eu-west-1.amazonaws.com.evil.example/eu-west-1_Example1",
		"https://accounts.google.com",
	} {
		if p, ok := cognitoissuer.Parse(iss); ok {
			t.Errorf("Parse(%q) accepted: %+v", iss, p)
		}
	}
}

// Both forms of the configured pool are accepted, the configured one first;
// another identity provider's issuer only as itself.
func TestAccepted(t *testing.T) {
	if got := cognitoissuer.Accepted(original); !slices.Equal(got, []string{original, updated}) {
		t.Errorf("Accepted(original) = %q", got)
	}
	if got := cognitoissuer.Accepted(updated); !slices.Equal(got, []string{updated, original}) {
		t.Errorf("Accepted(updated) = %q", got)
	}
	if got := cognitoissuer.Accepted("https://idp.example.com"); !slices.Equal(got, []string{"https://idp.example.com"}) {
		t.Errorf("Accepted(other idp) = %q", got)
	}
}

// A mismatch names what was expected, with the form, and what kind of iss
// came, never the token's value.
func TestMismatch(t *testing.T) {
	accepted := cognitoissuer.Accepted(original)
	for _, tc := range []struct{ got, want string }{
		{"", "the token has no iss"},
		{"https://attacker.example/<script>", "not a Cognito user pool issuer"},
		{"https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other99", "the updated-form issuer of another user pool"},
		{"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other99", "the original-form issuer of another user pool"},
		{"https://cognito-idp.eu-west-1.amazonaws.com.cn/eu-west-1_Example1", "this user pool at another host"},
	} {
		msg := cognitoissuer.Mismatch(tc.got, accepted).Error()
		if !strings.Contains(msg, tc.want) {
			t.Errorf("Mismatch(%q) = %q, want it to say %q", tc.got, msg, tc.want)
		}
		if !strings.Contains(msg, original+" (ORIGINAL) or "+updated+" (UPDATED)") {
			t.Errorf("Mismatch(%q) = %q does not name both expected forms", tc.got, msg)
		}
		if tc.got != "" && strings.Contains(msg, tc.got) {
			t.Errorf("Mismatch echoes the token's iss: %q", msg)
		}
	}
	if msg := cognitoissuer.Mismatch("x", []string{"https://idp.example.com"}).Error(); !strings.Contains(msg, "want https://idp.example.com") {
		t.Errorf("other idp: %q", msg)
	}
}
