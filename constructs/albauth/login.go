package albauth

import (
	"fmt"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Token lifetimes of the app client. Cognito allows ID and access tokens of 5
// minutes to 1 day and refresh tokens of 60 minutes to 10 years (API
// TokenValidityUnitsType); aws-cdk-lib's UserPoolClient writes them in minutes,
// takes 10 years as 3650 days and refuses an ID or access token that outlives
// the refresh token.
const (
	DefaultTokenValidity    = time.Hour
	MinTokenValidity        = 5 * time.Minute
	MaxTokenValidity        = 24 * time.Hour
	MinRefreshTokenValidity = 60 * time.Minute
	MaxRefreshTokenValidity = 3650 * 24 * time.Hour
	// RefreshTokenMargin is how much longer than the session the refresh token
	// lasts by default. The load balancer renews the session's tokens with the
	// refresh token each time the access token expires, until the session
	// times out or the refresh fails (Elastic Load Balancing User Guide,
	// "Authenticate users using an Application Load Balancer"), so a refresh
	// token that ends before the session ends it early.
	RefreshTokenMargin = time.Hour
)

// tokenDefaults fills in the token lifetimes left at zero and checks them:
// Cognito's ranges, whole minutes, and a refresh token that outlives both the
// session and the other tokens. SessionTimeout must already be set.
func (p *Props) tokenDefaults() error {
	if p.IDTokenValidity == 0 {
		p.IDTokenValidity = DefaultTokenValidity
	}
	if p.AccessTokenValidity == 0 {
		p.AccessTokenValidity = DefaultTokenValidity
	}
	if p.RefreshTokenValidity == 0 {
		p.RefreshTokenValidity = min(ceilMinute(p.SessionTimeout+RefreshTokenMargin), MaxRefreshTokenValidity)
	}
	for _, t := range []struct {
		name   string
		d      time.Duration
		lo, hi time.Duration
	}{
		{"IDTokenValidity", p.IDTokenValidity, MinTokenValidity, MaxTokenValidity},
		{"AccessTokenValidity", p.AccessTokenValidity, MinTokenValidity, MaxTokenValidity},
		{"RefreshTokenValidity", p.RefreshTokenValidity, MinRefreshTokenValidity, MaxRefreshTokenValidity},
	} {
		if t.d < t.lo || t.d > t.hi || t.d%time.Minute != 0 {
			return fmt.Errorf("%s must be whole minutes from %s to %s, not %s", t.name, t.lo, t.hi, t.d)
		}
		if t.d > p.RefreshTokenValidity {
			return fmt.Errorf("%s %s outlives RefreshTokenValidity %s", t.name, t.d, p.RefreshTokenValidity)
		}
	}
	if p.RefreshTokenValidity <= p.SessionTimeout {
		return fmt.Errorf("RefreshTokenValidity %s must be longer than SessionTimeout %s", p.RefreshTokenValidity, p.SessionTimeout)
	}
	return nil
}

// ceilMinute rounds d up to a whole minute.
func ceilMinute(d time.Duration) time.Duration {
	if r := d.Truncate(time.Minute); r < d {
		return r + time.Minute
	}
	return d
}

// newManagedLoginStyle gives the client a managed login style with Cognito's
// default look. On a domain that serves managed login (ManagedLoginVersion 2),
// an app client without a style has no working sign-in pages: "When an app
// client doesn't have a style assigned, your managed login pages for that app
// client are nonfunctional until you create a new style or switch the domain
// branding version" (Amazon Cognito API Reference, DeleteManagedLoginBranding).
// aws-cdk-lib has no L2 construct for styles, hence the L1 resource.
func newManagedLoginStyle(scope constructs.Construct, pool awscognito.IUserPool, client awscognito.UserPoolClient) awscognito.CfnManagedLoginBranding {
	return awscognito.NewCfnManagedLoginBranding(scope, jsii.String("ManagedLoginStyle"), &awscognito.CfnManagedLoginBrandingProps{
		UserPoolId: pool.UserPoolId(),
		ClientId:   client.UserPoolClientId(),
		// Cognito's defaults; "you must also omit values for Settings and
		// Assets" (AWS::Cognito::ManagedLoginBranding).
		UseCognitoProvidedValues: jsii.Bool(true),
	})
}
