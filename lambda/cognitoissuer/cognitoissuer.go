// Package cognitoissuer is the one place that knows the two forms of an
// Amazon Cognito user pool's token issuer (the iss claim) and its key set.
//
// A user pool's IssuerConfiguration (Cognito API reference,
// IssuerConfigurationType) is ORIGINAL or UPDATED:
//
//   - ORIGINAL: https://cognito-idp.<region>.amazonaws.com/<user pool id>
//   - UPDATED:  https://issuer-cognito-idp.<region>.amazonaws.com/<user pool id>,
//     "recommended for all user pools", where region is the pool's primary
//     region.
//
// The pool publishes its keys under its issuer, <issuer>/.well-known/jwks.json.
// The stack (config, the albauth and machineauth constructs) builds the
// issuer and key set URL with [URL] and [JWKSURL]; the function's verifiers
// (lambda/albjwt, lambda/accesstoken) accept both forms of the configured
// pool with [Accepted] and explain a mismatch with [Mismatch].
//
// The package uses only the standard library, so config (which has no CDK
// types) and the function share it.
package cognitoissuer

import (
	"fmt"
	"regexp"
	"strings"
)

// Form is a user pool's issuer configuration, as the configuration key
// userPoolIssuer spells it.
type Form string

const (
	// Original is IssuerConfiguration ORIGINAL: cognito-idp.<region>.
	Original Form = "original"
	// Updated is IssuerConfiguration UPDATED: issuer-cognito-idp.<region>.
	Updated Form = "updated"
)

// Forms are the valid forms, Original first.
func Forms() []Form { return []Form{Original, Updated} }

// Valid reports whether f is Original or Updated.
func (f Form) Valid() bool { return f == Original || f == Updated }

// APIName is the form as the Cognito API and CloudFormation write it
// (IssuerConfiguration.Type): ORIGINAL or UPDATED.
func (f Form) APIName() string { return strings.ToUpper(string(f)) }

// host returns the issuer host's first label.
func (f Form) host() string {
	if f == Updated {
		return "issuer-cognito-idp"
	}
	return "cognito-idp"
}

// URL returns the issuer of user pool poolID in region, under dnsSuffix
// (amazonaws.com, amazonaws.com.cn in China). Any argument may be a CDK
// token string: the CDK turns the concatenation into Fn::Join. An invalid
// form is taken as Original.
func URL(f Form, region, dnsSuffix, poolID string) string {
	return "https://" + f.host() + "." + region + "." + dnsSuffix + "/" + poolID
}

// JWKSURL returns the key set URL of issuer: issuer + "/.well-known/jwks.json",
// where Cognito publishes a pool's signing keys ("Verifying a JSON Web
// Token", Amazon Cognito Developer Guide).
func JWKSURL(issuer string) string {
	return strings.TrimSuffix(issuer, "/") + "/.well-known/jwks.json"
}

// Parts is a Cognito issuer split into its fields.
type Parts struct {
	Form      Form
	Region    string
	DNSSuffix string
	PoolID    string
}

// String is the issuer the parts make.
func (p Parts) String() string { return URL(p.Form, p.Region, p.DNSSuffix, p.PoolID) }

// In returns p with another form: the same pool's issuer in form f.
func (p Parts) In(f Form) Parts { p.Form = f; return p }

// issuerRe matches both forms; the pool ID is <region>_<alphanumerics>.
var issuerRe = regexp.MustCompile(`^https://(issuer-)?cognito-idp\.([a-z]{2}(?:-[a-z]+)+-\d{1,2})\.(amazonaws\.com(?:\.cn)?)/([a-z]{2}(?:-[a-z]+)+-\d{1,2}_[A-Za-z0-9]+)$`)

// Parse splits a Cognito user pool issuer in either form. It reports false
// for anything else: another identity provider's issuer, a trailing slash,
// a pool ID of another region than the host's.
func Parse(iss string) (Parts, bool) {
	m := issuerRe.FindStringSubmatch(iss)
	if m == nil || !strings.HasPrefix(m[4], m[2]+"_") {
		return Parts{}, false
	}
	p := Parts{Form: Original, Region: m[2], DNSSuffix: m[3], PoolID: m[4]}
	if m[1] != "" {
		p.Form = Updated
	}
	return p, true
}

// Accepted returns the issuers a verifier configured with issuer accepts:
// for a Cognito issuer both forms of the same pool (issuer first), for any
// other issuer only itself.
//
// Why both: a pool's IssuerConfiguration can be changed in place, and tokens
// issued before the change keep the old form until they expire; AWS's
// documentation does not say which form the load balancer writes into its
// user claims (x-amzn-oidc-data) for a pool with the UPDATED issuer; and
// both forms name the same pool, on AWS's own hosts, whose signing keys the
// verifier still fetches from one configured key set URL, so a token of
// another pool fails either way. awslabs' aws-jwt-verify accepts both forms
// too.
func Accepted(issuer string) []string {
	p, ok := Parse(issuer)
	if !ok {
		return []string{issuer}
	}
	other := Updated
	if p.Form == Updated {
		other = Original
	}
	return []string{issuer, p.In(other).String()}
}

// Mismatch explains why got, a token's iss, is none of accepted, without
// echoing got (it came from an unverified token): whether it is missing,
// another user pool's or another region's Cognito issuer, or no Cognito
// issuer at all, and which issuers, in which form, were expected.
func Mismatch(got string, accepted []string) error {
	var what string
	gp, gotCognito := Parse(got)
	var want Parts
	wantCognito := len(accepted) > 0
	if wantCognito {
		want, wantCognito = Parse(accepted[0])
	}
	switch {
	case got == "":
		what = "the token has no iss"
	case !gotCognito:
		what = "the token's iss is not a Cognito user pool issuer"
	case wantCognito && gp.PoolID == want.PoolID:
		what = "the token's iss names this user pool at another host (" + gp.Region + "." + gp.DNSSuffix + ")"
	default:
		what = fmt.Sprintf("the token's iss is the %s-form issuer of another user pool", gp.Form)
	}
	if !wantCognito {
		return fmt.Errorf("%s; want %s", what, strings.Join(accepted, " or "))
	}
	var forms []string
	for _, a := range accepted {
		if p, ok := Parse(a); ok {
			forms = append(forms, fmt.Sprintf("%s (%s)", a, p.Form.APIName()))
		}
	}
	return fmt.Errorf("%s; want %s", what, strings.Join(forms, " or "))
}
