package identity

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/accesstoken"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albctx"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albjwt"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/canonpath"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/groupclaim"
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
	// CrossOrigin checks requests that carry a session (the load balancer
	// signed a user in from its cookie) against cross-site request forgery:
	// unsafe methods (anything but GET, HEAD and OPTIONS) from another
	// origin, as the browser's Sec-Fetch-Site or Origin header tells, are
	// refused 403. Nil means net/http's CrossOriginProtection with no
	// trusted origins; give your own to trust other origins
	// (AddTrustedOrigin). Bearer-token (machine) requests carry no cookie
	// and are not checked.
	CrossOrigin *http.CrossOriginProtection
	// AllowCrossOrigin turns the cross-origin check off, for an
	// application that has its own CSRF protection (tokens in forms).
	AllowCrossOrigin bool
	// NoMetrics leaves the embedded metric format fields out of the log
	// line (metrics.go), for a target whose logs CloudWatch does not read.
	NoMetrics bool
}

// Header names the load balancer sets. Its authenticate action replaces any
// the client sent ("Authenticate users using an Application Load Balancer",
// Elastic Load Balancing User Guide).
const (
	HeaderUserClaims  = "X-Amzn-Oidc-Data"
	HeaderAccessToken = "X-Amzn-Oidc-Accesstoken"
	HeaderIdentity    = "X-Amzn-Oidc-Identity"
)

// LogoutPath is the path the middleware answers itself by signing out.
const LogoutPath = "/logout"

// ReauthCookie marks a browser the middleware has just sent to sign in
// again because its access token had expired (see Middleware.Handler). Its
// __Host- prefix makes browsers accept it only from this host, over HTTPS,
// for Path=/, so a sibling subdomain cannot set or shadow it. It lives 2
// minutes; while it is present an expired access token gets the 401
// page instead of another redirect, so a clock out of step can never cause
// a redirect loop.
const ReauthCookie = "__Host-alb-cognito-reauth"

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
	// crossOrigin checks session requests; nil when turned off.
	crossOrigin *http.CrossOriginProtection
	// tgPrefix and arnScope identify this site's target groups
	// (Config.TargetGroupPrefix; the arn:...:<region>:<account> of the
	// load balancer's ARN).
	tgPrefix, arnScope string
	// policies holds the table's policies by ID, routePolicy the ID of
	// each route's, defaultPolicy the default action's.
	policies      map[string]routes.Policy
	routePolicy   []string
	defaultPolicy string
	// functionName is the log line's FunctionName dimension (metrics.go);
	// noMetrics is Options.NoMetrics.
	functionName slog.Attr
	noMetrics    bool
	// groupClaims are Config.GroupClaims; customGroups is false for the
	// default (the access token's cognito:groups only), which keeps the
	// default path free of any claim parsing.
	groupClaims  groupclaim.Config
	customGroups bool
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
	if !o.AllowCrossOrigin {
		m.crossOrigin = o.CrossOrigin
		if m.crossOrigin == nil {
			m.crossOrigin = http.NewCrossOriginProtection()
		}
	}
	m.tgPrefix = cfg.TargetGroupPrefix
	if i := strings.Index(cfg.Token.ALBARN, ":loadbalancer/"); i >= 0 {
		m.arnScope = cfg.Token.ALBARN[:i]
	}
	m.policies = map[string]routes.Policy{}
	for _, p := range cfg.Routes.Policies() {
		m.policies[p.ID()] = p
	}
	m.defaultPolicy = cfg.Routes.DefaultPolicy().ID()
	for _, r := range cfg.Routes.Routes {
		m.routePolicy = append(m.routePolicy, r.Policy().ID())
	}
	m.noMetrics = o.NoMetrics
	m.groupClaims, m.customGroups = cfg.GroupClaims, !cfg.GroupClaims.IsDefault()
	m.functionName = slog.String(DimensionFunctionName, cfg.FunctionName)
	if cfg.FunctionName == "" {
		m.functionName = slog.String(DimensionFunctionName, "local")
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
//  1. The policy the load balancer applied: the listener rules forward each
//     route's requests to the target group of its policy
//     (routes.TargetGroupName), so the target group the Lambda event names
//     (albctx) is the load balancer's decision. A request from a target
//     group of another account, region or prefix, or of no policy of the
//     table, or (with a TargetGroupPrefix) with no event at all, is refused
//  403. Without a TargetGroupPrefix (an HTTP target, IDENTITY_TARGET=http)
//     the policy is that of the route the path as sent matches, and a
//     request that does carry a Lambda event is refused 403
//     (target_group_unexpected): see docs/http-targets.md for why the
//     path rules of steps 2 and 4 stand in for the target group.
//  2. The path as sent must be canonical (lambda/canonpath): no dot
//     segments, empty segments, backslashes, encoded slashes (unless the
//     policy allows them), controls or bad escapes, literal or encoded;
//     else 400.
//  3. /logout is answered here (see logout).
//  4. The function's own route lookup (routes.Table.Match, the load
//     balancer's path-pattern semantics plus the route's methods), for the
//     path as sent and for the decoded path handlers route on: both must
//     have the policy of step 1, else 400 (and an error log line naming the
//     routes). So the application never runs with fewer checks than either
//     the load balancer's rule or the route of the page it serves demands.
//     A machine policy is answered by machineRequest instead of steps 5 to
//     7: only Authorization: Bearer counts there, and refusals are JSON.
//  5. A request with a session (x-amzn-oidc-data) and an unsafe method
//     from another origin is refused 403 (Options.CrossOrigin). Then
//     x-amzn-oidc-data must be present exactly once and verify (albjwt):
//     401 if not, 503 if its key cannot be fetched. A policy with
//     onUnauthenticatedRequest "allow" lets a request without it through,
//     with no identity in the context.
//  6. x-amzn-oidc-accesstoken is verified whenever it is present and
//     required when the route has groups or scopes: exactly once, a Cognito
//     access token of this pool and client (accesstoken), whose sub equals
//     the user claims' sub. 401 if not, 503 if keys are unavailable. An
//     access token that has merely expired while the session is valid
//     starts a fresh sign-in in a browser (see reauthenticate); an API
//     request gets 401 JSON.
//  7. Authorization: one of the route's groups, all of its scopes; 403
//     naming what is missing. The groups are those of Config.GroupClaims
//     (by default the access token's cognito:groups); a configured group
//     claim whose value is not a list of groups (groupclaim) fails every
//     route with groups: 403, reason group_claim_invalid.
//  8. next runs with the Identity in the context (FromContext), and
//     without any x-amzn-oidc-* header the middleware did not verify.
//
// Nothing in next runs for a request refused at any step. Refusals are
// HTML, or JSON when the request's Accept asks for JSON and not HTML, and
// never contain a token, the path or an internal error. One log line per
// request.
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
	// verify is the time until the request was handed to the application
	// or refused (MetricVerifyLatency).
	verify time.Duration
}

func (m *Middleware) serve(w http.ResponseWriter, r *http.Request, next http.Handler) {
	start := time.Now()
	h := &handoff{next: next}
	out := m.decide(w, r, h)
	if h.at.IsZero() {
		h.at = time.Now()
	}
	out.verify = h.at.Sub(start)
	m.logLine(r, out)
}

// rawPath is the request's path exactly as the client sent it: the path of
// the request target (RequestURI), which net/http's server and the Lambda
// adapter both keep as received. Requests built without one (tests) fall
// back to the URL's escaped path.
func rawPath(r *http.Request) string {
	if u := r.RequestURI; u != "" && u[0] == '/' {
		if i := strings.IndexByte(u, '?'); i >= 0 {
			return u[:i]
		}
		return u
	}
	return r.URL.EscapedPath()
}

// lbPolicy returns the ID of the policy the load balancer applied to r
// (step 1), or a refusal reason.
func (m *Middleware) lbPolicy(r *http.Request, raw string) (id, reason string) {
	if m.tgPrefix == "" {
		// An HTTP target: nothing says which rule forwarded the request.
		// A Lambda event here means the middleware was deployed behind
		// Lambda target groups without their prefix, and would skip the
		// check that holds there: refuse rather than guess.
		if _, ok := albctx.FromContext(r.Context()); ok {
			return "", "target_group_unexpected"
		}
		return m.policyAt(m.table.Index(r.Method, raw)), ""
	}
	ev, ok := albctx.FromContext(r.Context())
	if !ok || ev.TargetGroupARN == "" {
		return "", "target_group_missing"
	}
	id, scope, ok := routes.TargetGroupPolicyID(ev.TargetGroupARN, m.tgPrefix)
	if ok && scope != m.arnScope {
		return "", "target_group_foreign"
	}
	if _, known := m.policies[id]; !ok || !known {
		return "", "target_group_unknown"
	}
	return id, ""
}

// policyAt is the policy ID of route i of the table, or the default
// policy's for -1.
func (m *Middleware) policyAt(i int) string {
	if i < 0 {
		return m.defaultPolicy
	}
	return m.routePolicy[i]
}

func (m *Middleware) decide(w http.ResponseWriter, r *http.Request, next http.Handler) outcome {
	asJSON := page.WantsJSON(r.Header.Values("Accept"))
	raw := rawPath(r)
	var out outcome

	// 1. The load balancer's decision.
	lb, reason := m.lbPolicy(r, raw)
	if reason != "" {
		out.status, out.reason = http.StatusForbidden, reason
		m.problem(w, out.status, asJSON)
		return out
	}
	// 2. A canonical path.
	if err := canonpath.Check(raw, m.policies[lb].AllowEncodedSlashes); err != nil {
		out.status, out.reason = http.StatusBadRequest, "path_not_canonical"
		var ce *canonpath.Error
		if errors.As(err, &ce) {
			out.reason = ce.Reason
		}
		m.problem(w, out.status, asJSON)
		return out
	}
	// 3. Sign-out.
	if r.URL.Path == LogoutPath {
		m.logout(w)
		out.status, out.reason = http.StatusFound, "logout"
		return out
	}
	// 4. The route, as sent and as decoded, under the same policy.
	i := m.table.Index(r.Method, r.URL.Path)
	j := i
	if raw != r.URL.Path {
		j = m.table.Index(r.Method, raw)
	}
	routed := i >= 0
	var route routes.Route
	if routed {
		route = m.table.Routes[i]
		out.route = route.Name
	}
	if m.policyAt(i) != lb || m.policyAt(j) != lb {
		out.status, out.reason = http.StatusBadRequest, "route_mismatch"
		out.detail = "the load balancer applied policy " + lb + "; the decoded path's route " + m.routeName(i) + " has policy " + m.policyAt(i) +
			", the path as sent's route " + m.routeName(j) + " has policy " + m.policyAt(j)
		m.problem(w, out.status, asJSON)
		return out
	}
	policy := m.policies[lb]
	if policy.Machine {
		return m.machineRequest(w, r, next, route, out)
	}
	allowAnon := policy.Unauthenticated == routes.Allow
	deny := policy.Unauthenticated == routes.Deny

	// 5. The user claims, on a request from this origin: the load balancer
	// signs a browser in from its cookie, which the browser also sends with
	// another site's form or fetch.
	tokens := r.Header.Values(HeaderUserClaims)
	if len(tokens) > 0 && m.crossOrigin != nil {
		if err := m.crossOrigin.Check(r); err != nil {
			out.status, out.reason = http.StatusForbidden, "cross_origin"
			m.problem(w, out.status, asJSON)
			return out
		}
	}
	if len(tokens) != 1 {
		if len(tokens) == 0 && allowAnon {
			out.status, _ = m.run(w, withoutOIDCHeaders(r, nil), next, nil)
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

	// 6. The access token.
	access := r.Header.Values(HeaderAccessToken)
	switch {
	case len(access) == 0 && route.NeedsAccessToken():
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
	if m.customGroups {
		// The configured group claims: cognito:groups of the verified
		// access token (none without one) and claims of the verified user
		// claims. A claim that holds no usable list leaves the user in no
		// group at all.
		var access []string
		if id.AccessVerified {
			access = id.Groups
		}
		id.Groups, id.GroupSources, id.GroupClaimError = m.groupClaims.Collect(user.All, access)
	}

	// 7. Authorization.
	if routed {
		if ok, why := id.MayEnter(route); !ok {
			out.status = http.StatusForbidden
			switch {
			case why.NoAccessToken:
				out.reason = "access_token_missing"
			case why.GroupClaimInvalid:
				// The claim's name, form and element count; never its value.
				out.reason, out.detail = "group_claim_invalid", id.GroupClaimError.Error()
			case why.Groups != nil:
				out.reason = "group_missing"
			default:
				out.reason = "scope_missing"
			}
			m.forbidden(w, route, why, asJSON)
			return out
		}
	}

	// 8. The application.
	out.status, out.reason = m.run(w, withoutOIDCHeaders(r, id), next, id)
	return out
}

// multiValue reports whether the response can carry several Set-Cookie
// headers: always, except behind a target group without multi-value
// headers, which keeps one value per header name.
func multiValue(r *http.Request) bool {
	ev, ok := albctx.FromContext(r.Context())
	return !ok || ev.MultiValueHeaders
}

// routeName names route i of the table in a log line.
func (m *Middleware) routeName(i int) string {
	if i < 0 {
		return "(none)"
	}
	return m.table.Routes[i].Name
}

// withoutOIDCHeaders returns r without the x-amzn-oidc-* headers the
// middleware has not verified for id: all of them for a request without
// an identity; for a user, all but x-amzn-oidc-data, x-amzn-oidc-accesstoken
// when its token was verified, and x-amzn-oidc-identity when it names the
// verified subject. The load balancer's authenticate action replaces such
// headers, but a rule that lets a request through without a session
// ("allow") passes the client's own. The request is copied only when there
// is something to remove.
func withoutOIDCHeaders(r *http.Request, id *Identity) *http.Request {
	keep := func(name string, vs []string) bool {
		if id == nil {
			return false
		}
		switch name {
		case HeaderUserClaims:
			return true
		case HeaderAccessToken:
			return id.AccessVerified
		case HeaderIdentity:
			return len(vs) == 1 && vs[0] == id.Subject
		}
		return false
	}
	var drop []string
	for name, vs := range r.Header {
		if len(name) >= len(oidcPrefix) && strings.EqualFold(name[:len(oidcPrefix)], oidcPrefix) &&
			!keep(name, vs) {
			drop = append(drop, name)
		}
	}
	if drop == nil {
		return r
	}
	r2 := *r
	r2.Header = r.Header.Clone()
	for _, name := range drop {
		delete(r2.Header, name)
	}
	return &r2
}

const oidcPrefix = "X-Amzn-Oidc-"

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
	case out.reason == "ok":
	case out.status == http.StatusServiceUnavailable, out.reason == "route_mismatch", strings.HasPrefix(out.reason, "target_group_"):
		// The function cannot reach its keys, or disagrees with the load
		// balancer about a request: worth an operator's look.
		level = slog.LevelError
	case out.status == http.StatusBadRequest || out.status == http.StatusUnauthorized || out.status == http.StatusForbidden:
		level = slog.LevelWarn
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
	m.addMetrics(&rec, out)
	_ = m.log.Handler().Handle(ctx, rec)
}

func bound(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
