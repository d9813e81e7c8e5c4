package identity

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/albjwt"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/bearer"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/page"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// machineRequest answers a request on a machine route. The load balancer's
// jwt-validation rule has checked the bearer token already; it is checked
// again here, and nothing else about the request counts: the user-claims
// and access-token headers, which the load balancer's jwt-validation action
// does not set and is not documented to remove, and session cookies are
// never read. In order:
//
//  1. (Handler has checked that the load balancer's rule and the path, as
//     sent and decoded, agree on this machine policy.)
//  2. Exactly one Authorization header, scheme Bearer (bearer.Token): 401.
//  3. The token verifies as an access token of the pool issued to one of
//     the machine clients (accesstoken): 401, or 503 when keys cannot be
//     fetched.
//  4. Its client is one of each route's clients, and it holds all of each
//     route's scopes (bearer.Authorize): 403 naming the missing scopes.
//  5. next runs with a machine Identity in the context, and without the
//     x-amzn-oidc-* headers, so an application that reads them anyway sees
//     nothing a caller forged.
//
// Every refusal is JSON with a WWW-Authenticate: Bearer challenge (RFC
// 6750 §3) and never echoes the token.
func (m *Middleware) machineRequest(w http.ResponseWriter, r *http.Request, next http.Handler, route routes.Route, out outcome) outcome {
	token, reason := bearer.Token(r.Header)
	if reason != "" {
		out.status, out.reason = http.StatusUnauthorized, reason
		code := "invalid_request"
		if reason == bearer.ReasonMissing || reason == bearer.ReasonWrongScheme {
			code = "" // RFC 6750 §3.1: no error code when no token was sent
		}
		bearerProblem(w, out.status, code, nil)
		return out
	}
	claims, err := m.machine.Verify(r.Context(), token)
	if err != nil {
		out.status, out.reason, out.detail = statusOf(err), "bearer_"+albjwt.Reason(err), err.Error()
		bearerProblem(w, out.status, "invalid_token", nil)
		return out
	}
	out.sub = claims.Subject
	name, ok, why := bearer.Authorize(route, m.clients, claims.ClientID, claims.Scopes)
	if !ok {
		out.status = http.StatusForbidden
		if why.Client {
			out.reason = "client_not_allowed"
			bearerProblem(w, out.status, "insufficient_scope", nil)
		} else {
			out.reason = "scope_missing"
			bearerProblem(w, out.status, "insufficient_scope", why.Scopes)
		}
		return out
	}
	id := &Identity{
		Subject:        claims.Subject,
		Machine:        true,
		Client:         name,
		ClientID:       claims.ClientID,
		Scopes:         claims.Scopes,
		AccessVerified: true,
		Route:          route,
		Routed:         true,
		ExpiresAt:      claims.ExpiresAt,
		AccessClaims:   claims.All,
	}
	out.status, out.reason = m.run(w, withoutOIDCHeaders(r, nil), next, id)
	return out
}

// bearerProblem answers a machine request that is refused: JSON, never the
// HTML page, and the RFC 6750 challenge. need lists the scopes the token
// lacks (names from the route table, not from the token).
func bearerProblem(w http.ResponseWriter, status int, code string, need []string) {
	challenge := "Bearer"
	if code != "" {
		challenge += ` error="` + code + `"`
	}
	if len(need) > 0 {
		challenge += ` scope="` + strings.Join(need, " ") + `"`
	}
	w.Header().Set("WWW-Authenticate", challenge)
	body := map[string]any{"error": "unauthorized"}
	switch status {
	case http.StatusForbidden:
		body["error"] = "forbidden"
		if len(need) > 0 {
			body["missing_scopes"] = need
		}
	case http.StatusServiceUnavailable:
		body["error"] = "unavailable"
	}
	b, _ := json.Marshal(body)
	page.Write(w, status, page.TypeJSON, string(b))
}
