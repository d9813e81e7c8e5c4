// Package preview serves the Lambda function's pages on this machine, with
// itself in the load balancer's place: for each browser request it mints an
// x-amzn-oidc-data token exactly as the load balancer does and a Cognito
// access token signed RS256 by a simulated user pool (package albsim),
// builds the ALB event, calls the handler the Lambda runs (built by
// webapp.FromEnv, pointed through ALB_PUBLIC_KEY_ENDPOINT and
// ACCESS_TOKEN_JWKS_URL at key endpoints of its own) and writes the ALB
// response back. Redirects that would leave the machine, such as sign-out's
// redirect to Cognito, stop at a local page saying where the deployment
// would go.
//
// Like the load balancer it keeps a session per browser, in a session
// cookie: a request without one is "signed in" at once (a new session), a
// response that expires the session cookie ends the session, and a session
// expires 8 hours after sign-in (the stack's default sessionTimeout). At
// most 1000 sessions are held; past that the oldest is dropped. With
// AccessTokenExpired, every request of a session after its first carries an
// access token that has expired, as when Cognito's access token runs out
// mid-session; the function then starts a fresh sign-in, which the preview
// answers with a new session.
//
// With Options.Upstream it fronts an HTTP server on this machine instead of
// the function, as the load balancer fronts an existing target group:
// requests go to it as the load balancer sends them to an HTTP target
// (albsim.HTTPTarget), and Server.UpstreamConfig is the configuration
// document the server reads (identity.FromDocument).
//
// cmd/preview is its command line; the browser test in e2e starts it in
// process with Start.
package preview

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/internal/lambdarun"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albhttp"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/cognitoissuer"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/groupclaim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/webapp"
)

// The handler's configuration besides the load balancer's own (ARN, client,
// issuer, key endpoint), which albsim provides.
const (
	// UserPoolDomain is the Cognito domain the handler sends sign-out to.
	UserPoolDomain = "example.auth.eu-west-1.amazoncognito.com"
	// AppURL is where Cognito would return the user after sign-out.
	AppURL = "https://app.example.com"
)

// Options configures a preview server.
type Options struct {
	// Claims are the signed-in user's claims, as Cognito's userinfo
	// endpoint gives them to the load balancer. On every request the load
	// balancer's exp and iss are set on a copy, replacing any given here. Nil
	// means albsim.UserClaims(albsim.User{}) (alice@example.com).
	Claims map[string]any
	// Groups are the user's Cognito groups, sent in the access token's
	// cognito:groups claim.
	Groups []string
	// Scopes are the scopes granted to the app client, sent in the access
	// token's scope claim. Nil means ["openid"].
	Scopes []string
	// AccessTokenExpired makes every request of a session after its first
	// carry an expired access token (see the package comment).
	AccessTokenExpired bool
	// Routes is the route table given to the function (ROUTE_TABLE), built
	// from the same configuration the stack uses (ExampleRoutes,
	// RoutesFromCDKJSON). The zero value means no routes: every path is
	// open to any signed-in user.
	Routes routes.Table
	// GroupClaims are the claims holding the user's groups (config keys
	// groupClaims, groupClaimSeparator), given to the function as
	// GROUP_CLAIMS; the zero value means cognito:groups only. A claim such
	// as custom:groups goes in Claims, in any form a provider sends.
	GroupClaims groupclaim.Config
	// Issuer is the form of the simulated user pool's issuer (config key
	// userPoolIssuer): both the load balancer's user claims and the access
	// tokens carry it in iss, and the function is given it as TOKEN_ISSUER.
	// Empty means cognitoissuer.Original (albsim.DefaultIssuer).
	Issuer cognitoissuer.Form
	// SignedOut forwards every request without a token, to show the
	// handler's 401 page. (The load balancer itself never does this: it
	// sends signed-out users to Cognito's sign-in page.)
	SignedOut bool
	// Logger receives the handler's line per request and the preview's own
	// errors. Nil discards them.
	Logger *slog.Logger

	// Function is the function's main package (config key functionPackage).
	// Empty or lambda/whoami serves the identity page in process; any other
	// package is built and run as Lambda runs it (package lambdarun), with
	// the same environment, its logs on FunctionOutput (default stderr).
	Function       string
	FunctionOutput io.Writer

	// Upstream, when set, puts the preview in front of an HTTP server
	// instead of a function, as the load balancer fronts an existing target
	// group of containers or instances: http://host:port on this machine
	// (CheckUpstream). Each request goes to it as the load balancer sends
	// it to an HTTP target (albsim.HTTPTarget), with the same signed
	// headers; the server verifies them with the configuration in
	// Server.UpstreamConfig. Function must then be empty.
	Upstream string

	// target replaces the handler (tests of the event and response shapes).
	target func(context.Context, events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error)
}

// Server is a running preview: the app on URL, the public key on
// KeyEndpoint.
type Server struct {
	// URL is the app's address, e.g. http://127.0.0.1:8080/.
	URL string
	// KeyEndpoint is the key server's base URL, given to the handler as
	// ALB_PUBLIC_KEY_ENDPOINT.
	KeyEndpoint string
	// JWKSURL is the simulated user pool's JWKS, on the same server, given
	// to the handler as ACCESS_TOKEN_JWKS_URL.
	JWKSURL string
	// Issuer is the simulated user pool's issuer, in every token's iss and
	// the handler's TOKEN_ISSUER.
	Issuer string
	// TokenEndpoint is the simulated user pool's token endpoint, on the same
	// server, where MachineClients get client-credentials tokens; empty
	// when the route table has no machine route.
	TokenEndpoint string
	// MachineClients are the machine clients of the route table's machine
	// routes, with ids and secrets made at start.
	MachineClients []MachineClient
	// UpstreamConfig is, with Options.Upstream, the document the upstream
	// reads from IDENTITY_CONFIG (identity.ParseDocument): the function's
	// configuration for an HTTP target, pointing at this preview's key
	// endpoints.
	UpstreamConfig []byte

	app, keys *http.Server
	fn        *lambdarun.Function
	errc      chan error
}

// CheckAddr reports whether addr (host:port) is one the preview may listen
// on: a loopback address or localhost. Anyone who can reach the preview is
// signed in, so it never listens beyond this machine.
func CheckAddr(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("address %q: %w", addr, err)
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("refusing to listen on %q: the preview signs in whoever reaches it, so it listens on loopback only (e.g. 127.0.0.1:8080)", addr)
}

// Start listens on addr, which must pass CheckAddr (port 0 picks a free
// port), and serves the app until Shutdown. It returns once both listeners
// are open, so URL answers at once.
func Start(addr string, opts Options) (*Server, error) {
	if err := CheckAddr(addr); err != nil {
		return nil, err
	}
	if opts.Upstream != "" {
		if err := CheckUpstream(opts.Upstream); err != nil {
			return nil, err
		}
		if opts.Function != "" {
			return nil, errors.New("a function and an upstream: the preview fronts one or the other")
		}
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	issuer, err := issuerOf(opts.Issuer)
	if err != nil {
		return nil, err
	}
	lb, err := albsim.New(albsim.Config{Issuer: issuer})
	if err != nil {
		return nil, err
	}
	pool, err := albsim.NewPool(albsim.PoolConfig{Issuer: lb.Issuer, ClientID: lb.ClientID})
	if err != nil {
		return nil, err
	}
	keyMux := http.NewServeMux()
	keyMux.Handle("GET /.well-known/jwks.json", pool.JWKS)
	keyMux.Handle("/", lb.Keys)
	host, _, _ := net.SplitHostPort(addr)
	keysLn, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return nil, fmt.Errorf("key endpoint: %w", err)
	}
	// The key listener checks Host as the app's does: it serves the token
	// endpoint, and a rebinding page must not reach that either.
	_, keysPort, _ := net.SplitHostPort(keysLn.Addr().String())
	s := &Server{
		KeyEndpoint: "http://" + keysLn.Addr().String(),
		keys:        &http.Server{Handler: loopbackOnly(keyMux, keysPort), ReadHeaderTimeout: 10 * time.Second},
		errc:        make(chan error, 2),
	}
	s.JWKSURL = s.KeyEndpoint + "/.well-known/jwks.json"
	s.Issuer = lb.Issuer
	machine, err := newMachineSim(opts.Routes, pool, s.JWKSURL)
	if err != nil {
		keysLn.Close()
		return nil, err
	}
	if len(machine.clients) > 0 {
		keyMux.Handle(TokenPath, machine)
		s.TokenEndpoint, s.MachineClients = s.KeyEndpoint+TokenPath, machine.clients
	}
	p := &proxy{machine: machine, lb: lb, pool: pool, signedOut: opts.SignedOut, log: logger, target: opts.target,
		groups: opts.Groups, scopes: opts.Scopes, expire: opts.AccessTokenExpired, routes: opts.Routes,
		sessions: map[string]session{}, now: time.Now}
	if opts.Claims != nil {
		p.claims = maps.Clone(opts.Claims)
	} else {
		p.claims = albsim.UserClaims(albsim.User{})
	}
	if p.target == nil {
		if !derived(opts.Routes) {
			opts.Routes = routes.Derive(opts.Routes.Routes, []string{"openid"}, identity.DefaultSessionCookieName)
		}
		table, err := opts.Routes.JSON()
		if err != nil {
			keysLn.Close()
			return nil, fmt.Errorf("route table: %w", err)
		}
		env := map[string]string{
			identity.EnvALBARN:            lb.ARN,
			identity.EnvClientID:          lb.ClientID,
			identity.EnvIssuer:            lb.Issuer,
			identity.EnvKeyEndpoint:       s.KeyEndpoint,
			identity.EnvJWKSURL:           s.JWKSURL,
			identity.EnvUserPoolDomain:    UserPoolDomain,
			identity.EnvAppURL:            AppURL,
			identity.EnvRouteTable:        string(table),
			identity.EnvMachineClients:    machine.ids(),
			identity.EnvTargetGroupPrefix: albsim.TargetGroupPrefix,
			// As Lambda would set it, and internal/lambdarun does: the
			// FunctionName dimension of the log line's metrics.
			identity.EnvFunctionName: "preview",
		}
		if !opts.GroupClaims.IsDefault() {
			env[identity.EnvGroupClaims] = opts.GroupClaims.JSON()
		}
		if opts.Upstream != "" {
			if s.UpstreamConfig, err = UpstreamDocument(env); err != nil {
				keysLn.Close()
				return nil, err
			}
			if p.target, err = albsim.HTTPTarget(opts.Upstream); err != nil {
				keysLn.Close()
				return nil, err
			}
			p.upstream = true
		} else if opts.Function != "" && opts.Function != "lambda/whoami" {
			go s.serve(s.keys, keysLn) // the function fetches keys while it starts
			fn, err := lambdarun.Start(context.Background(), lambdarun.Options{Package: opts.Function, Env: env, Output: opts.FunctionOutput})
			if err != nil {
				s.keys.Close()
				return nil, err
			}
			s.fn, p.target = fn, fn.Serve
		} else {
			h, err := webapp.FromEnv(func(k string) string { return env[k] }, logger)
			if err != nil {
				keysLn.Close()
				return nil, err
			}
			p.target = albhttp.New(h, &albhttp.Options{Logger: logger}).Serve
		}
	}
	appLn, err := net.Listen("tcp", addr)
	if err != nil {
		keysLn.Close()
		if s.fn != nil {
			s.fn.Close()
		}
		return nil, err
	}
	s.URL = "http://" + appLn.Addr().String() + "/"
	_, port, _ := net.SplitHostPort(appLn.Addr().String())
	s.app = &http.Server{Handler: loopbackOnly(p, port), ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	if s.fn == nil {
		go s.serve(s.keys, keysLn)
	}
	go s.serve(s.app, appLn)
	return s, nil
}

// issuerOf is the simulated pool's issuer (albsim.DefaultIssuer's pool) in
// form f.
func issuerOf(f cognitoissuer.Form) (string, error) {
	if f == "" {
		f = cognitoissuer.Original
	}
	p, ok := cognitoissuer.Parse(albsim.DefaultIssuer)
	if !f.Valid() || !ok {
		return "", fmt.Errorf("issuer %q: want %s or %s", f, cognitoissuer.Original, cognitoissuer.Updated)
	}
	return p.In(f).String(), nil
}

// derived reports whether routes.Derive has filled in t's routes (each
// sign-in route has its session cookie), as ExampleRoutes and
// RoutesFromCDKJSON return them; a table typed by hand is derived with the
// default scopes and cookie.
func derived(t routes.Table) bool {
	for _, r := range t.Routes {
		if !r.Machine() && r.SessionCookieName == "" {
			return false
		}
	}
	return true
}

func (s *Server) serve(srv *http.Server, ln net.Listener) {
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		s.errc <- err
	}
}

// Err delivers an error if a listener fails while serving.
func (s *Server) Err() <-chan error { return s.errc }

// Shutdown stops accepting requests, waits for those in flight until ctx
// ends, then closes the key endpoint. The key endpoint's only client is the
// handler's own key fetcher, which has nothing in flight once the app server
// has stopped; closing it outright (rather than a graceful Shutdown) also
// drops connections that the fetcher's transport dialled but never used,
// which a graceful Shutdown would wait up to five seconds for.
func (s *Server) Shutdown(ctx context.Context) error {
	err := errors.Join(s.app.Shutdown(ctx), s.keys.Close())
	if s.fn != nil {
		err = errors.Join(err, s.fn.Close())
	}
	return err
}

// SessionCookie is the session cookie the preview sets, as the load
// balancer sets its default <name>-0.
const SessionCookie = identity.DefaultSessionCookieName + "-0"

// proxy plays the load balancer in front of the target.
type proxy struct {
	machine   *machineSim
	lb        *albsim.LoadBalancer
	pool      *albsim.Pool
	claims    map[string]any
	groups    []string
	scopes    []string
	expire    bool
	routes    routes.Table
	signedOut bool
	log       *slog.Logger
	target    func(context.Context, events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error)
	// upstream: target is an HTTP server (albsim.HTTPTarget), whose
	// responses have no Lambda limits.
	upstream bool
	now      func() time.Time // the sessions' clock

	mu sync.Mutex
	// sessions maps a session cookie value to its session.
	sessions map[string]session
}

// Sessions last sessionTimeout from sign-in, the default of config key
// sessionTimeout, after which the browser's cookie starts a new session, as
// the load balancer's expired session does. Every request without a known
// session cookie starts one, so whatever reaches the preview could grow the
// session map without end: expired sessions are dropped whenever a session
// starts, and at most maxSessions are held, the oldest dropped first (its
// browser is simply signed in again).
const (
	sessionTimeout = 8 * time.Hour
	maxSessions    = 1000
)

// session is one browser's session with the simulated load balancer.
type session struct {
	requests int       // made so far
	started  time.Time // at sign-in
}

// session returns the request's session and how many requests it made
// before this one, starting a new session (and setting its cookie on w)
// when the request has none the preview knows.
func (p *proxy) session(w http.ResponseWriter, r *http.Request) (string, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, err := r.Cookie(SessionCookie); err == nil {
		if s, ok := p.live(c.Value); ok {
			n := s.requests
			s.requests++
			p.sessions[c.Value] = s
			return c.Value, n
		}
	}
	p.prune()
	id, _ := albsim.NewUUID()
	p.sessions[id] = session{requests: 1, started: p.now()}
	// Not Secure: the preview speaks plain http on loopback.
	w.Header().Add("Set-Cookie", SessionCookie+"="+id+"; Path=/; HttpOnly; SameSite=Lax")
	return id, 0
}

// live returns the session sid, forgetting it if it has expired. p.mu must
// be held.
func (p *proxy) live(sid string) (session, bool) {
	s, ok := p.sessions[sid]
	if ok && !p.now().Before(s.started.Add(sessionTimeout)) {
		delete(p.sessions, sid)
		return session{}, false
	}
	return s, ok
}

// prune drops the expired sessions and, when maxSessions are still held,
// the oldest, making room for one more. p.mu must be held. It reads every
// session, which at maxSessions is cheap next to the request it serves.
func (p *proxy) prune() {
	now := p.now()
	var oldest string
	var oldestStart time.Time
	for id, s := range p.sessions {
		switch {
		case !now.Before(s.started.Add(sessionTimeout)):
			delete(p.sessions, id)
		case oldest == "" || s.started.Before(oldestStart):
			oldest, oldestStart = id, s.started
		}
	}
	if len(p.sessions) >= maxSessions {
		delete(p.sessions, oldest)
	}
}

// endSession forgets sid when the target's response expires the session
// cookie, as the load balancer has no session once the browser drops it.
func (p *proxy) endSession(sid string, resp events.ALBTargetGroupResponse) {
	for _, c := range headerValues(resp, "Set-Cookie") {
		if strings.HasPrefix(c, SessionCookie+"=;") {
			p.mu.Lock()
			delete(p.sessions, sid)
			p.mu.Unlock()
			return
		}
	}
}

// anonymous reports whether the load balancer would forward r without
// signing anyone in: no session, on a route whose unauthenticated action is
// deny (the load balancer answers 401 itself; the preview forwards the
// request without tokens and shows the function's own 401) or allow.
func (p *proxy) anonymous(r *http.Request) bool {
	rt, ok := p.routes.Match(r.Method, sentPath(r))
	if !ok || rt.Unauthenticated() == routes.Authenticate {
		return false
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return true
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	_, known := p.live(c.Value)
	return !known
}

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var token, access, sub, sid string
	machine := false
	if rt, ok := p.routes.Match(r.Method, sentPath(r)); ok && rt.Machine() {
		// A machine route's rule validates the bearer token and signs no
		// one in: no session, no x-amzn-oidc-* headers.
		if reason := p.machine.validate(r, rt); reason != "" {
			reject(w, reason)
			return
		}
		machine = true
	}
	if !machine && !p.signedOut && r.URL.Path != identity.LogoutPath && !p.anonymous(r) {
		var n int
		sid, n = p.session(w, r)
		c := maps.Clone(p.claims)
		p.lb.Stamp(c)
		sub, _ = c["sub"].(string)
		username, _ := c["username"].(string)
		a := albsim.Access{Sub: sub, Username: username, Groups: p.groups, Scopes: p.scopes}
		if p.expire && n > 0 {
			a.ExpiresAt = time.Now().Add(-time.Minute)
		}
		var err error
		if token, err = p.lb.Mint(c); err == nil {
			access, err = p.pool.MintAccess(p.pool.AccessClaims(a))
		}
		if err != nil {
			p.log.Error("preview: mint token", slog.String("error", err.Error()))
			http.Error(w, "500 Internal Server Error: the preview could not mint a token (see its log)", http.StatusInternalServerError)
			return
		}
	}
	if r.URL.Path == identity.LogoutPath {
		if c, err := r.Cookie(SessionCookie); err == nil {
			sid = c.Value
		}
	}
	event, err := albsim.FromHTTP(r, token, sub)
	if err == nil {
		event = albsim.Forward(p.routes, event)
		if access != "" {
			event.MultiValueHeaders["x-amzn-oidc-accesstoken"] = []string{access}
		}
	}
	switch {
	case errors.Is(err, albsim.ErrBodyTooLarge):
		http.Error(w, "413 Request Entity Too Large", http.StatusRequestEntityTooLarge)
		return
	case err != nil:
		http.Error(w, "400 Bad Request", http.StatusBadRequest)
		return
	}
	resp, err := p.target(r.Context(), event)
	if err != nil {
		// The load balancer answers 502 when the function returns an error.
		p.log.Error("preview: handler returned an error", slog.String("error", err.Error()))
		http.Error(w, "502 Bad Gateway", http.StatusBadGateway)
		return
	}
	if sid != "" {
		p.endSession(sid, resp)
	}
	if loc, ok := offBox(resp, r); ok {
		p.interstitial(w, r, resp, loc)
		return
	}
	write := albsim.WriteResponse
	if p.upstream {
		write = albsim.WriteHTTPTargetResponse
	}
	if err := write(w, resp); err != nil {
		p.log.Error("preview: response", slog.String("error", err.Error()))
	}
}

// CheckUpstream reports whether u is an upstream the preview may front:
// http://host:port with a loopback host (127.0.0.0/8, ::1 or localhost)
// and nothing else. The preview signs in whoever reaches it and hands the
// upstream tokens for that user, so they stay on this machine.
func CheckUpstream(u string) error {
	parsed, err := url.Parse(u)
	if err != nil || parsed.Scheme != "http" || parsed.Port() == "" || parsed.User != nil ||
		(parsed.Path != "" && parsed.Path != "/") || parsed.RawQuery != "" || parsed.Fragment != "" {
		return fmt.Errorf("upstream %q: want http://127.0.0.1:<port> (http, a port, no path)", u)
	}
	host := parsed.Hostname()
	if ip := net.ParseIP(host); !strings.EqualFold(host, "localhost") && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("upstream %q: refusing a host that is not loopback: the preview hands the upstream tokens for a user it signed in without a password, so it fronts only a server on this machine (127.0.0.1, ::1 or localhost)", u)
	}
	return nil
}

// UpstreamDocument turns the function's environment into the document an
// HTTP target reads (identity.ParseDocument): the same keys, less those
// only a function has (TARGET_GROUP_PREFIX, the function name, no machine
// clients when there are none), and IDENTITY_TARGET http. It parses the
// result as the upstream will, so a document the upstream would refuse
// fails here.
func UpstreamDocument(env map[string]string) ([]byte, error) {
	doc := maps.Clone(env)
	delete(doc, identity.EnvTargetGroupPrefix)
	delete(doc, identity.EnvFunctionName)
	if doc[identity.EnvMachineClients] == "{}" {
		delete(doc, identity.EnvMachineClients)
	}
	doc[identity.EnvTarget] = identity.TargetHTTP
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	if _, err := identity.ConfigFromDocument(b); err != nil {
		return nil, fmt.Errorf("the upstream's document: %w", err)
	}
	return b, nil
}

// sentPath is the request's path as the client sent it, still
// percent-encoded: what the load balancer's rules match.
func sentPath(r *http.Request) string {
	if i := strings.IndexByte(r.RequestURI, '?'); i >= 0 {
		return r.RequestURI[:i]
	}
	return r.RequestURI
}

// offBox returns the Location of a redirect that would take the browser
// off this machine.
func offBox(resp events.ALBTargetGroupResponse, r *http.Request) (string, bool) {
	if resp.StatusCode < 300 || resp.StatusCode > 399 {
		return "", false
	}
	loc := headerValues(resp, "Location")
	if len(loc) == 0 {
		return "", false
	}
	u, err := url.Parse(loc[0])
	if err != nil {
		return loc[0], true // never send the browser somewhere unparseable
	}
	if u.Host == "" && u.Scheme == "" {
		return "", false // relative: stays here
	}
	return loc[0], !strings.EqualFold(u.Host, r.Host)
}

// headerValues returns the response's values for name, matching it
// case-insensitively, from whichever header map the load balancer would use.
func headerValues(resp events.ALBTargetGroupResponse, name string) []string {
	var out []string
	if resp.MultiValueHeaders != nil {
		for k, vs := range resp.MultiValueHeaders {
			if strings.EqualFold(k, name) {
				out = append(out, vs...)
			}
		}
		return out
	}
	for k, v := range resp.Headers {
		if strings.EqualFold(k, name) {
			out = append(out, v)
		}
	}
	return out
}

// interstitial answers an off-box redirect with a local page naming its
// Location. The response's cookies are still set, as the load balancer
// would pass them on, and listed.
func (p *proxy) interstitial(w http.ResponseWriter, r *http.Request, resp events.ALBTargetGroupResponse, loc string) {
	page := redirectPage{Status: resp.StatusCode, Location: loc, Path: r.URL.Path, SignOut: r.URL.Path == "/logout"}
	if u, err := url.Parse(loc); err == nil {
		page.Host = u.Host
	}
	for _, c := range headerValues(resp, "Set-Cookie") {
		w.Header().Add("Set-Cookie", c)
		name, _, _ := strings.Cut(c, "=")
		page.Cookies = append(page.Cookies, cookie{Name: strings.TrimSpace(name), Header: c})
	}
	body, err := renderRedirect(page)
	if err != nil {
		p.log.Error("preview: render redirect page", slog.String("error", err.Error()))
		http.Error(w, "500 Internal Server Error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, body)
}
