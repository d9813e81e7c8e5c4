package accesstoken

import (
	"slices"
	"time"
)

// Claims is what a verified access token says. Every field comes from the
// signed payload, after every check in the package documentation passed.
type Claims struct {
	// Subject is sub: the user's stable identifier in the pool (for a
	// client-credentials token, the app client ID).
	Subject string
	// Username is username (cognito:username when absent); empty for
	// client-credentials tokens.
	Username string
	// ClientID is client_id: the app client the token was issued to, one of
	// Config.ClientIDs.
	ClientID string
	// TokenUse is token_use, always "access".
	TokenUse string
	// Groups is cognito:groups: the user's groups, in the token's order;
	// nil when the user is in none.
	Groups []string
	// Scopes is scope split on single spaces: the OAuth scopes granted to
	// this client for this token; nil when there are none. Cognito grants
	// scopes per app client, not per user: use Groups to tell users apart.
	Scopes []string
	// ExpiresAt is exp; IssuedAt is iat.
	ExpiresAt, IssuedAt time.Time
	// All holds every payload claim; JSON numbers are json.Number.
	All map[string]any
}

// HasScopes returns the required scopes the token was not granted, in the
// order given and without repeats; nil means it has them all.
func (c *Claims) HasScopes(required ...string) (missing []string) {
	for _, s := range required {
		if !slices.Contains(c.Scopes, s) && !slices.Contains(missing, s) {
			missing = append(missing, s)
		}
	}
	return missing
}

// InAnyGroup reports whether the user is in at least one of groups. With
// no groups it reports false: callers that require no group should not
// call it.
func (c *Claims) InAnyGroup(groups ...string) bool {
	for _, g := range groups {
		if slices.Contains(c.Groups, g) {
			return true
		}
	}
	return false
}
