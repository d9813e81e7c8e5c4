package identity

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/accesstoken"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albjwt"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/page"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// UserVerifier checks the load balancer's x-amzn-oidc-data token.
// *albjwt.Verifier implements it.
type UserVerifier interface {
	Verify(ctx context.Context, token string) (*albjwt.Claims, error)
}

// AccessVerifier checks the Cognito access token the load balancer forwards
// in x-amzn-oidc-accesstoken. *accesstoken.Verifier implements it.
type AccessVerifier interface {
	Verify(ctx context.Context, token string) (*accesstoken.Claims, error)
}

// Options are the middleware's dependencies besides its Config.
type Options struct {
	// Users verifies x-amzn-oidc-data (required): albjwt.New(cfg.Token).
	Users UserVerifier
	// Access verifies x-amzn-oidc-accesstoken (required): accesstoken.New
	// with the pool's issuer, JWKS URL and ClientIDs = {cfg.Token.ClientID}.
	Access AccessVerifier
	// Machine verifies the bearer tokens of machine routes (required when
	// the route table has machine routes): accesstoken.New with the pool's
	// issuer and ClientIDs = the machine clients' ids (cfg.MachineClients).
	Machine AccessVerifier
	// Logger receives one line per request; nil means JSON on stderr.
	Logger *slog.Logger
	// RequestID, if set, returns an id for the log line from the request's
	// context (the Lambda entry reads the Lambda request id).
	RequestID func(context.Context) string
}

// Header names the load balancer sets. Its authenticate action replaces any
// the client sent ("Authenticate users using an Application Load Balancer",
// Elastic Load Balancing User Guide).
const (
	HeaderUserClaims  = "X-Amzn-Oidc-Data"
	HeaderAccessToken = "X-Amzn-Oidc-Accesstoken"
)

// LogoutPath is the path the middleware answers itself by signing out.
const LogoutPath = "/logout"

// ReauthCookie marks a browser the middleware has just sent to sign in
// again because its access token had expired (see Middleware.Handler). It
// lives 2 minutes; while it is present an expired access token gets the 401
// page instead of another redirect, so a clock out of step can never cause
// a redirect loop.
const ReauthCookie = "alb-cognito-reauth"

// maxLoggedPath and maxLoggedMethod bound what a request can write to logs.
const (
	maxLoggedPath   = 256
	maxLoggedMethod = 16
)

// Middleware verifies and authorizes each request before the application
// sees it. Create it with New (or FromEnv); it is safe for concurrent use.
type Middleware struct {
	users     UserVerifier
	access    AccessVerifier
	log       *slog.Logger
	requestID func(context.Context) string
	table     routes.Table
	machine   AccessVerifier
	clients   map[string]string
	logoutURL string
	// expire holds one Set-Cookie value per session cookie shard.
	expire []string
	pages  problemPages
}

// New validates cfg and returns the middleware. It fails if cfg is invalid
// (every problem at once, in a *ConfigError) or a verifier is missing.
func New(cfg Config, o Options) (*Middleware, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if o.Users == nil || o.Access == nil {
		return nil, errors.New("identity: Options.Users and Options.Access are required")
	}
	if len(cfg.Routes.Machine()) > 0 && o.Machine == nil {
		return nil, errors.New("identity: the route table has machine routes: Options.Machine is required")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	m := &Middleware{
		machine:   o.Machine,
		clients:   cfg.MachineClients,
		users:     o.Users,
		access:    o.Access,
		log:       o.Logger,
		requestID: o.RequestID,
		table:     cfg.Routes,
		logoutURL: "https://" + cfg.UserPoolDomain + "/logout?client_id=" + url.QueryEscape(cfg.Token.ClientID) +
			"&logout_uri=" + url.QueryEscape(cfg.AppURL),
	}
	for _, name := range cfg.Routes.CookieNames(cfg.SessionCookieName) {
		// The load balancer shards a session cookie over 4K into several,
		// <name>-0, <name>-1, ... (up to 11K of claims and token, so four
		// shards).
		for i := range 4 {
			m.expire = append(m.expire, name+"-"+strconv.Itoa(i)+
				"=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Secure; HttpOnly")
		}
	}
	var err error
	if m.pages, err = renderProblemPages(); err != nil {
		return nil, err
	}
	return m, nil
}

// Routes returns the route table the middleware enforces.
func (m *Middleware) Routes() routes.Table { return m.table }

// Handler returns next wrapped by the middleware; its shape,
// func(http.Handler) http.Handler, fits chi's Use and similar routers.
//
// For each request, in this order:
//
//  1. /logout is answered here (see logout): session cookies expired, a
//     redirect to Cognito's logout endpoint.
//  2. The route is found with the load balancer's path-pattern semantics
//     (routes.Table.Match), for the decoded path handlers route on and, if
//     different, the path as sent; every route matched is enforced. No
//     route: any signed-in user, as the default action.
//     A machine route (or a path whose matches include one) is answered by
//     machineRequest instead of steps 3 to 5: only Authorization: Bearer
//     counts there, and refusals are JSON.
//  3. x-amzn-oidc-data must be present exactly once and verify (albjwt):
//     401 if not, 503 if its key cannot be fetched. A route with
//     onUnauthenticatedRequest "allow" and no groups or scopes lets a
//     request without it through, with no identity in the context.
//  4. x-amzn-oidc-accesstoken is verified whenever it is present and
//     required on routes with groups or scopes: exactly once, a Cognito
//     access token of this pool and client (accesstoken), whose sub equals
//     the user claims' sub. 401 if not, 503 if keys are unavailable. An
//     access token that has merely expired while the session is valid
//     starts a fresh sign-in in a browser (see reauthenticate); an API
//     request gets 401 JSON.
//  5. Authorization: one of the route's groups, all of its scopes; 403
//     naming what is missing.
//  6. next runs with the Identity in the context (FromContext).
//
// Nothing in next runs for a request refused at any step. Refusals are
// HTML, or JSON when the request's Accept asks for JSON and not HTML, and
// never contain a token or an internal error. One log line per request.
func (m *Middleware) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.serve(w, r, next)
	})
}

// outcome is what the log line says about a request.
type outcome struct {
	status int
	reason string
	detail string
	route  string
	sub    string
}

func (m *Middleware) serve(w http.ResponseWriter, r *http.Request, next http.Handler) {
	out := m.decide(w, r, next)
	m.logLine(r, out)
}

func (m *Middleware) decide(w http.ResponseWriter, r *http.Request, next http.Handler) outcome {
	if r.URL.Path == LogoutPath {
		m.logout(w)
		return outcome{status: http.StatusFound, reason: "logout"}
	}
	asJSON := page.WantsJSON(r.Header.Values("Accept"))

	route, routed := m.table.Match(r.URL.Path)
	var buf [2]routes.Route
	enforce := buf[:0]
	if routed {
		enforce = append(enforce, route)
	}
	if raw := r.URL.EscapedPath(); raw != r.URL.Path {
		if rr, ok := m.table.Match(raw); ok && (!routed || rr.Name != route.Name) {
			enforce = append(enforce, rr)
		}
	}
	out := outcome{route: route.Name}
	if slices.ContainsFunc(enforce, routes.Route.Machine) {
		return m.machineRequest(w, r, next, enforce, route, out)
	}
	needAccess, allowAnon, deny := false, len(enforce) > 0, false
	for _, rt := range enforce {
		needAccess = needAccess || rt.NeedsAccessToken()
		allowAnon = allowAnon && rt.Unauthenticated() == routes.Allow && !rt.NeedsAccessToken()
		deny = deny || rt.Unauthenticated() == routes.Deny
	}

	// 3. The user claims.
	tokens := r.Header.Values(HeaderUserClaims)
	if len(tokens) != 1 {
		if len(tokens) == 0 && allowAnon {
			out.status, out.reason = m.run(w, r, next, nil)
			out.reason = "anonymous"
			return out
		}
		out.status, out.reason = http.StatusUnauthorized, albjwt.ReasonMissing
		if len(tokens) > 1 {
			out.reason = "token_duplicate"
		}
		m.problem(w, out.status, asJSON)
		return out
	}
	user, err := m.users.Verify(r.Context(), tokens[0])
	if err != nil {
		out.status, out.reason, out.detail = statusOf(err), albjwt.Reason(err), err.Error()
		m.problem(w, out.status, asJSON)
		return out
	}
	out.sub = user.Subject
	id := &Identity{
		Subject:       user.Subject,
		Username:      user.Username,
		Email:         user.Email,
		EmailVerified: user.EmailVerified,
		Route:         route,
		Routed:        routed,
		ExpiresAt:     user.ExpiresAt,
		Claims:        user.All,
	}

	// 4. The access token.
	access := r.Header.Values(HeaderAccessToken)
	switch {
	case len(access) == 0 && needAccess:
		out.status, out.reason = http.StatusUnauthorized, "access_token_missing"
		m.problem(w, out.status, asJSON)
		return out
	case len(access) > 1:
		out.status, out.reason = http.StatusUnauthorized, "access_token_duplicate"
		m.problem(w, out.status, asJSON)
		return out
	case len(access) == 1:
		ac, err := m.access.Verify(r.Context(), access[0])
		if err != nil {
			out.status, out.reason, out.detail = statusOf(err), "access_"+albjwt.Reason(err), err.Error()
			if out.status == http.StatusUnauthorized && albjwt.Reason(err) == albjwt.ReasonExpired {
				if m.reauthenticate(w, r, asJSON, deny) {
					out.status, out.reason = http.StatusFound, "access_expired_reauth"
					return out
				}
			}
			m.problem(w, out.status, asJSON)
			return out
		}
		if ac.Subject != user.Subject {
			// Both tokens verified, but for different users: the headers
			// were not set together by the load balancer for one session.
			out.status, out.reason = http.StatusUnauthorized, "sub_mismatch"
			m.problem(w, out.status, asJSON)
			return out
		}
		id.AccessVerified = true
		id.Groups, id.Scopes, id.AccessClaims = ac.Groups, ac.Scopes, ac.All
	}

	// 5. Authorization.
	for _, rt := range enforce {
		if ok, why := id.MayEnter(rt); !ok {
			out.status, out.route = http.StatusForbidden, rt.Name
			switch {
			case why.NoAccessToken:
				out.reason = "access_token_missing"
			case why.Groups != nil:
				out.reason = "group_missing"
			default:
				out.reason = "scope_missing"
			}
			m.forbidden(w, rt, why, asJSON)
			return out
		}
	}

	// 6. The application.
	out.status, out.reason = m.run(w, r, next, id)
	return out
}

// run calls next, with id in the context when it is not nil, and returns
// the status it wrote.
func (m *Middleware) run(w http.ResponseWriter, r *http.Request, next http.Handler, id *Identity) (int, string) {
	if id != nil {
		r = r.WithContext(NewContext(r.Context(), id))
	}
	sw := &statusWriter{ResponseWriter: w}
	next.ServeHTTP(sw, r)
	if sw.status == 0 {
		sw.status = http.StatusOK
	}
	return sw.status, "ok"
}

// statusOf maps a verifier error to 503 when the key could not be
// obtained, 401 otherwise.
func statusOf(err error) int {
	if errors.Is(err, albjwt.ErrKeyUnavailable) {
		return http.StatusServiceUnavailable
	}
	return http.StatusUnauthorized
}

// statusWriter records the status the application writes, for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer (Flush,
// deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logLine writes the request's one log line. It builds the record itself
// and leaves its PC zero instead of walking the stack for it: the source
// would always be this function.
func (m *Middleware) logLine(r *http.Request, out outcome) {
	level := slog.LevelInfo
	switch {
	case out.status == http.StatusServiceUnavailable && out.reason != "ok":
		level = slog.LevelError
	case out.status == http.StatusUnauthorized || out.status == http.StatusForbidden:
		if out.reason != "ok" {
			level = slog.LevelWarn
		}
	}
	ctx := r.Context()
	if !m.log.Enabled(ctx, level) {
		return
	}
	rec := slog.NewRecord(time.Now(), level, "request", 0)
	rec.AddAttrs(
		slog.Int("status", out.status),
		slog.String("reason", out.reason),
		slog.String("method", bound(r.Method, maxLoggedMethod)),
		slog.String("path", bound(r.URL.Path, maxLoggedPath)),
	)
	if out.route != "" {
		rec.AddAttrs(slog.String("route", out.route))
	}
	if out.detail != "" {
		rec.AddAttrs(slog.String("detail", out.detail))
	}
	if m.requestID != nil {
		if id := m.requestID(ctx); id != "" {
			rec.AddAttrs(slog.String("request_id", id))
		}
	}
	if out.sub != "" {
		rec.AddAttrs(slog.String("sub", out.sub))
	}
	_ = m.log.Handler().Handle(ctx, rec)
}

func bound(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
