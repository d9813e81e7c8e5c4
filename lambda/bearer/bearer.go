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
// scheme Bearer (RFC 6750 §2.1: the scheme is case-insensitive, one space,
// then the token), or a reason when there is none: no header, several, another
// scheme (Basic, ...), or a value that is not one b64token.
func Token(h http.Header) (token, reason string) {
	values := h.Values("Authorization")
	switch {
	case len(values) == 0:
		return "", ReasonMissing
	case len(values) > 1:
		return "", ReasonDuplicate
	}
	scheme, rest, found := strings.Cut(values[0], " ")
	switch {
	case !strings.EqualFold(scheme, "Bearer"):
		if scheme == "" {
			return "", ReasonMalformed
		}
		return "", ReasonWrongScheme
	case !found || !b64token.MatchString(rest):
		return "", ReasonMalformed
	}
	return rest, ""
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
