package albjwt_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albjwt"
)

const (
	originalIssuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AlbSim000"
	updatedIssuer  = "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AlbSim000"
)

// AWS does not document which form of the pool's issuer the load balancer
// writes into x-amzn-oidc-data for a pool whose IssuerConfiguration is
// UPDATED, so a verifier configured with either form accepts both forms of
// the same pool, and nothing else.
func TestIssuerEitherFormOfThePool(t *testing.T) {
	for _, configured := range []string{originalIssuer, updatedIssuer} {
		for _, sent := range []string{originalIssuer, updatedIssuer} {
			f := newFixture(t, func(c *albjwt.Config) { c.Issuer = configured })
			c := f.lb.Claims(albsim.User{})
			c["iss"] = sent
			tok := f.mint(t, c, albsim.WithHeader("iss", sent))
			if _, err := f.v.Verify(context.Background(), tok); err != nil {
				t.Errorf("configured %s, token iss %s: %v", configured, sent, err)
			}
		}
	}
}

// A mismatch is issuer_mismatch, and its error (which the function logs as
// the detail) names the expected issuers with their forms and what kind of
// iss came, never the token's value.
func TestIssuerMismatchSaysWhichFormWasExpected(t *testing.T) {
	evil := "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Evil0000"
	for _, tc := range []struct {
		name          string
		header, claim string
		want          string
	}{
		{"another pool in the header", evil, evil, "original-form issuer of another user pool"},
		{"not Cognito", "https://idp.example.com/x", "https://idp.example.com/x", "not a Cognito user pool issuer"},
		{"payload another pool", originalIssuer, evil, "original-form issuer of another user pool"},
		{"payload in the other form than the header", originalIssuer, updatedIssuer, "the other form of the header's"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, nil)
			c := f.lb.Claims(albsim.User{})
			c["iss"] = tc.claim
			_, err := f.v.Verify(context.Background(), f.mint(t, c, albsim.WithHeader("iss", tc.header)))
			if albjwt.Reason(err) != albjwt.ReasonIssuerMismatch || !errors.Is(err, albjwt.ErrInvalidToken) {
				t.Fatalf("err = %v, want %s", err, albjwt.ReasonIssuerMismatch)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error %q does not say %q", msg, tc.want)
			}
			if !strings.Contains(msg, "the other form") && !strings.Contains(msg, originalIssuer+" (ORIGINAL) or "+updatedIssuer+" (UPDATED)") {
				t.Errorf("error %q does not name the expected issuers and forms", msg)
			}
			if strings.Contains(msg, "Evil0000") || strings.Contains(msg, "idp.example.com") {
				t.Errorf("error echoes the token's iss: %q", msg)
			}
		})
	}
}
