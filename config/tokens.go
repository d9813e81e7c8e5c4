package config

import (
	"strings"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/cognitoissuer"
)

// The sign-in pages a user pool domain serves (key loginPages). Cognito calls
// them branding versions: a domain's ManagedLoginVersion is 2 for managed login
// and 1 for the classic hosted UI.
const (
	loginPagesManaged = "managed"
	loginPagesClassic = "classic"
	defaultLoginPages = loginPagesManaged
)

// Default token lifetimes: Cognito's own one hour for ID and access tokens, and
// a refresh token that outlives the session by refreshTokenMargin.
const (
	defaultTokenValidity = time.Hour
	refreshTokenMargin   = time.Hour
)

// ManagedLogin reports whether the pool's domain serves managed login, so that
// the stack must give its app client a managed login style.
func (c Config) ManagedLogin() bool { return c.LoginPages == loginPagesManaged }

// Cognito's limits on an app client's token lifetimes (API TokenValidityUnitsType:
// ID and access tokens "from five minutes to one day", refresh tokens "from 60
// minutes to 10 years"; aws-cdk-lib's UserPoolClient takes 10 years as 3650 days).
const (
	minTokenValidity   = 5 * time.Minute
	maxTokenValidity   = 24 * time.Hour
	minRefreshValidity = 60 * time.Minute
	maxRefreshValidity = 3650 * 24 * time.Hour
)

// defaultRefreshTokenValidity outlives a session by refreshTokenMargin, in whole
// minutes as the app client stores it. The load balancer gets the refresh token
// a moment before it starts the session, so a refresh token exactly as long as
// the session would expire just before it.
func defaultRefreshTokenValidity(session time.Duration) time.Duration {
	d := session + refreshTokenMargin
	if r := d.Truncate(time.Minute); r < d {
		d = r + time.Minute
	}
	return min(d, maxRefreshValidity)
}

func (v *validator) loginPages(s string) {
	const key = "loginPages"
	if !v.text(key, s) {
		return
	}
	const how = "aws cognito-idp describe-user-pool-domain --domain <prefix or custom domain> shows the domain's ManagedLoginVersion"
	switch lower := strings.ToLower(s); {
	case s == loginPagesManaged || s == loginPagesClassic:
	case lower == loginPagesManaged || lower == loginPagesClassic:
		v.add(key, "%q must be lower case: use %s", s, lower)
	case lower == "2" || lower == "v2":
		v.add(key, "%q: ManagedLoginVersion 2 is managed login; use managed", s)
	case lower == "1" || lower == "v1" || strings.Contains(lower, "hosted"):
		v.add(key, "%q: the hosted UI (ManagedLoginVersion 1) is written classic; use classic", s)
	default:
		v.add(key, "%q is not allowed; use managed (the domain's ManagedLoginVersion is 2) or classic (version 1, the hosted UI); %s", s, how)
	}
}

// userPoolIssuer checks the issuer form (key userPoolIssuer).
func (v *validator) userPoolIssuer(s string) {
	const key = "userPoolIssuer"
	if !v.text(key, s) {
		return
	}
	const how = "aws cognito-idp describe-user-pool --user-pool-id <pool id> --query UserPool.IssuerConfiguration shows your pool's"
	switch lower := strings.ToLower(s); {
	case cognitoissuer.Form(s).Valid():
	case cognitoissuer.Form(lower).Valid():
		v.add(key, "%q must be lower case: use %s", s, lower)
	case strings.Contains(lower, "issuer-cognito-idp"):
		v.add(key, "%q is an issuer URL; give its form: updated (issuer-cognito-idp) or original (cognito-idp)", s)
	case strings.Contains(lower, "cognito-idp"):
		v.add(key, "%q is an issuer URL; give its form: original (cognito-idp) or updated (issuer-cognito-idp)", s)
	default:
		v.add(key, "%q is not allowed; use original (issuer https://cognito-idp.<region>.amazonaws.com/<pool id>) or updated "+
			"(https://issuer-cognito-idp.<region>.amazonaws.com/<pool id>), as your pool's IssuerConfiguration says; %s", s, how)
	}
}

// tokens checks the app client's token lifetimes against Cognito's limits and
// against the session: the refresh token must outlive it.
func (v *validator) tokens(c Config) {
	idOK := v.tokenValidity("idTokenValidity", "ID", c.IDTokenValidity, minTokenValidity, maxTokenValidity)
	accessOK := v.tokenValidity("accessTokenValidity", "access", c.AccessTokenValidity, minTokenValidity, maxTokenValidity)
	refresh := c.RefreshTokenValidity
	if !v.tokenValidity("refreshTokenValidity", "refresh", refresh, minRefreshValidity, maxRefreshValidity) {
		return
	}
	if session := c.SessionTimeout; session >= time.Second && session <= maxSessionTimeout && refresh <= session {
		v.add("refreshTokenValidity", "%s does not outlive sessionTimeout %s: the load balancer renews the session's tokens with the refresh token "+
			"each time the access token expires, so a refresh token that ends first sends users back to sign in before the session ends; "+
			"set it longer than sessionTimeout, e.g. %s (sessionTimeout + 1h, the default when refreshTokenValidity is not set), or shorten sessionTimeout",
			short(refresh), short(session), short(defaultRefreshTokenValidity(session)))
	}
	for _, t := range []struct {
		key, what string
		d         time.Duration
		ok        bool
	}{{"idTokenValidity", "ID", c.IDTokenValidity, idOK}, {"accessTokenValidity", "access", c.AccessTokenValidity, accessOK}} {
		if t.ok && t.d > refresh {
			v.add(t.key, "%s outlives refreshTokenValidity %s; an app client's %s token may not last longer than its refresh token: "+
				"set %s to %s or less, or lengthen refreshTokenValidity", short(t.d), short(refresh), t.what, t.key, short(refresh))
		}
	}
}

// tokenValidity checks one lifetime's range and that it is whole minutes, the
// unit the stack sets on the app client.
func (v *validator) tokenValidity(key, what string, d, lo, hi time.Duration) bool {
	switch {
	case d < lo || d > hi:
		sp, _ := lookup(key)
		v.add(key, "%s is out of range; Cognito allows %s tokens of %s to %s, e.g. %s", short(d), what, short(lo), rangeEnd(hi), sp.cliExample())
	case d%time.Minute != 0:
		v.add(key, "%s is not a whole number of minutes, the unit the app client stores; round it, e.g. %s", short(d), short(d.Round(time.Minute)))
	default:
		return true
	}
	return false
}

// rangeEnd writes a range's upper end as people say it.
func rangeEnd(d time.Duration) string {
	if d == maxRefreshValidity {
		return "3650 days (87600h)"
	}
	return short(d)
}

// short writes a duration without trailing zero units: 8h, 90m → 1h30m, 45s.
func short(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
