package bearer

import (
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// Reasons Token gives for a request without a usable bearer token. They name
// what was wrong with the request, never its content.
const (
	ReasonMissing     = "bearer_missing"
	ReasonDuplicate   = "bearer_duplicate"
	ReasonWrongScheme = "bearer_wrong_scheme"
	ReasonMalformed   = "bearer_malformed"
)

// b64token is RFC 6750 §2.1's b64token; a JWT's compact form is one.
var b64token = regexp.MustCompile(`^[A-Za-z0-9._~+/-]+=*$`)

// Token returns the token of the request's one Authorization header of
// scheme Bearer, or a reason when there is none: no header, several, another
// scheme (Basic, ...), or a value that is not the scheme, one or more spaces
// and one b64token. That is RFC 6750 §2.1's credentials = "Bearer" 1*SP
// b64token, the scheme case-insensitive; a tab is not SP, so a tab after the
// scheme, like anything after the token, makes the value malformed.
func Token(h http.Header) (token, reason string) {
	values := h.Values("Authorization")
	switch {
	case len(values) == 0:
		return "", ReasonMissing
	case len(values) > 1:
		return "", ReasonDuplicate
	}
	// The scheme ends at the first space or tab, so "Bearer\t..." is a
	// Bearer value with a bad separator, not another scheme.
	scheme, rest := values[0], ""
	if i := strings.IndexAny(scheme, " \t"); i >= 0 {
		scheme, rest = scheme[:i], scheme[i:]
	}
	token = strings.TrimLeft(rest, " ")
	switch {
	case !strings.EqualFold(scheme, "Bearer"):
		if scheme == "" {
			return "", ReasonMalformed
		}
		return "", ReasonWrongScheme
	case len(token) == len(rest) || !b64token.MatchString(token): // no SP, or not one b64token
		return "", ReasonMalformed
	}
	return token, ""
}

// Denial says why a verified machine token may not call a route. It names
// configuration (client and scope names), never token content.
type Denial struct {
	// Client is true when the token's client is not one of the route's.
	Client bool
	// Scopes are the route's scopes the token lacks.
	Scopes []string
}

// Authorize decides whether a token of app client clientID holding scopes
// may call machine route r: the client must be one of r.Clients (ids from
// ids, by name) and the token must hold every one of r.Scopes. It returns
// the client's name when it may.
func Authorize(r routes.Route, ids map[string]string, clientID string, scopes []string) (name string, ok bool, why Denial) {
	for _, n := range r.Clients {
		if id := ids[n]; id != "" && id == clientID {
			name = n
		}
	}
	why.Client = name == ""
	for _, s := range r.Scopes {
		if !slices.Contains(scopes, s) {
			why.Scopes = append(why.Scopes, s)
		}
	}
	return name, r.Machine() && !why.Client && why.Scopes == nil, why
}
