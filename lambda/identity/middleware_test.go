package identity_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/internal/syncbuf"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

const (
	testDomain = "myprefix.auth.eu-west-1.amazoncognito.com"
	testAppURL = "https://app.example.com"
	readScope  = "api.example.com/read"
)

// testTable has a route of each kind: a group, a scope behind deny, and
// allow.
var testTable = routes.Table{
	Routes: []routes.Route{
		{Name: "admin", Paths: []string{"/admin", "/admin/*"}, Groups: []string{"admins", "ops"}, SessionCookieName: "AdminSession"},
		{Name: "api", Paths: []string{"/api/*"}, Scopes: []string{readScope}, OnUnauthenticatedRequest: "deny", SessionCookieName: "ApiSession"},
		{Name: "public", Paths: []string{"/public/*"}, OnUnauthenticatedRequest: "allow"},
	},
}

// lockedBuffer is the log output tests read while it is written.
type lockedBuffer = syncbuf.Buffer

type fixture struct {
	lb   *albsim.LoadBalancer
	pool *albsim.Pool
	mw   *identity.Middleware
	cfg  identity.Config
	logs *lockedBuffer
}

type fixtureOpts struct {
	keysDown bool // the load balancer's key endpoint answers 404
	jwksDown bool // the JWKS endpoint is closed
}

// simulated is a load balancer and a user pool serving their keys on
// local servers, and the function's environment naming them, for a table.
type simulated struct {
	lb         *albsim.LoadBalancer
	pool       *albsim.Pool
	keys, jwks *httptest.Server
	env        map[string]string
}

// simulate starts the key endpoint and the JWKS of a fresh load balancer
// and user pool for table. Callers add MACHINE_CLIENTS and the like to env.
func simulate(t testing.TB, table routes.Table) *simulated {
	t.Helper()
	lb, err := albsim.New(albsim.Config{})
	if err != nil {
		t.Fatal(err)
	}
	pool, err := albsim.NewPool(albsim.PoolConfig{Issuer: lb.Issuer, ClientID: lb.ClientID})
	if err != nil {
		t.Fatal(err)
	}
	s := &simulated{lb: lb, pool: pool, keys: httptest.NewServer(lb.Keys), jwks: httptest.NewServer(pool.JWKS)}
	t.Cleanup(s.keys.Close)
	t.Cleanup(s.jwks.Close)
	data, err := table.JSON()
	if err != nil {
		t.Fatal(err)
	}
	s.env = map[string]string{
		identity.EnvALBARN:            lb.ARN,
		identity.EnvClientID:          lb.ClientID,
		identity.EnvIssuer:            lb.Issuer,
		identity.EnvKeyEndpoint:       s.keys.URL,
		identity.EnvJWKSURL:           s.jwks.URL + "/.well-known/jwks.json",
		identity.EnvUserPoolDomain:    testDomain,
		identity.EnvAppURL:            testAppURL,
		identity.EnvTargetGroupPrefix: albsim.TargetGroupPrefix,
		identity.EnvRouteTable:        string(data),
	}
	return s
}

// middleware builds the middleware from s.env, logging to logs.
func (s *simulated) middleware(t testing.TB, logs *lockedBuffer, o identity.Options) (*identity.Middleware, identity.Config) {
	t.Helper()
	cfg, err := identity.ConfigFromEnv(func(k string) string { return s.env[k] })
	if err != nil {
		t.Fatal(err)
	}
	o.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	mw, err := identity.FromConfig(cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	return mw, cfg
}

func newFixture(t testing.TB, o fixtureOpts) *fixture {
	t.Helper()
	s := simulate(t, testTable)
	if o.keysDown {
		s.lb.Keys.Serve(s.lb.Key.ID, nil)
	}
	if o.jwksDown {
		s.jwks.Close()
	}
	logs := &lockedBuffer{}
	mw, cfg := s.middleware(t, logs, identity.Options{})
	return &fixture{lb: s.lb, pool: s.pool, mw: mw, cfg: cfg, logs: logs}
}

// userToken mints x-amzn-oidc-data for u.
func (f *fixture) userToken(t testing.TB, u albsim.User) string {
	t.Helper()
	tok, err := f.lb.Mint(f.lb.Claims(u))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// accessToken mints x-amzn-oidc-accesstoken for a.
func (f *fixture) accessToken(t testing.TB, a albsim.Access) string {
	t.Helper()
	tok, err := f.pool.MintAccess(f.pool.AccessClaims(a))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// mustNotRun is the application for requests that must be refused: it
// fails the test if it is ever called.
func mustNotRun(t *testing.T) http.Handler {
	return http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		t.Fatal("the application ran for a request that should have been refused")
	})
}

// recordIdentity is the application for requests that must pass: it
// stores the identity it finds and answers 200 "app".
func recordIdentity(got **identity.Identity, ok *bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		*got, *ok = identity.FromContext(r.Context())
		_, _ = io.WriteString(w, "app")
	})
}

func TestMiddleware(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	alice := f.userToken(t, albsim.User{})
	mallory := f.userToken(t, albsim.User{Sub: "0b9c2c1e-0000-4000-8000-000000000bad", Username: "mallory"})
	plain := f.accessToken(t, albsim.Access{})
	admin := f.accessToken(t, albsim.Access{Groups: []string{"ops"}})
	reader := f.accessToken(t, albsim.Access{Scopes: []string{"openid", readScope}})
	expired := f.accessToken(t, albsim.Access{Groups: []string{"admins"}, ExpiresAt: time.Now().Add(-time.Hour)})
	otherPool, err := albsim.NewPool(albsim.PoolConfig{Issuer: f.lb.Issuer, ClientID: f.lb.ClientID})
	if err != nil {
		t.Fatal(err)
	}
	forged, err := otherPool.MintAccess(otherPool.AccessClaims(albsim.Access{Groups: []string{"admins"}}))
	if err != nil {
		t.Fatal(err)
	}
	otherClient := f.pool.AccessClaims(albsim.Access{Groups: []string{"admins"}})
	otherClient["client_id"] = "someotherclient0123456789"
	otherClientTok, err := f.pool.MintAccess(otherClient)
	if err != nil {
		t.Fatal(err)
	}

	const html = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	const jsonAccept = "application/json"
	for _, tc := range []struct {
		name    string
		method  string // default GET
		path    string
		user    []string // x-amzn-oidc-data values
		access  []string // x-amzn-oidc-accesstoken values
		accept  string
		cookie  string
		status  int
		reason  string
		want    []string // in the body (or Location for redirects)
		notWant []string
	}{
		{name: "no route, both tokens", path: "/", user: []string{alice}, access: []string{plain}, accept: html, status: 200, reason: "ok"},
		{name: "no route, user claims only", path: "/", user: []string{alice}, accept: html, status: 200, reason: "ok"},
		{name: "no token", path: "/", accept: html, status: 401, reason: "token_missing", want: []string{"Not signed in"}},
		{name: "no token JSON", path: "/", accept: jsonAccept, status: 401, reason: "token_missing", want: []string{`{"error":"unauthorized"}`}},
		{name: "two user tokens", path: "/", user: []string{alice, alice}, access: []string{plain}, accept: html, status: 401, reason: "token_duplicate"},
		{name: "garbage user token", path: "/", user: []string{"a.b.c"}, accept: html, status: 401, reason: "token_malformed", notWant: []string{"a.b.c"}},
		{name: "user token as access token", path: "/admin", user: []string{alice}, access: []string{alice}, accept: html, status: 401, notWant: []string{alice}},
		{name: "admin by group", path: "/admin/users", user: []string{alice}, access: []string{admin}, accept: html, status: 200, reason: "ok"},
		{name: "admin without group", path: "/admin", user: []string{alice}, access: []string{plain}, accept: html, status: 403, reason: "group_missing",
			want: []string{"Access denied", "admin", "<code>admins</code>", "<code>ops</code>"}, notWant: []string{plain}},
		{name: "admin without group JSON", path: "/admin", user: []string{alice}, access: []string{plain}, accept: jsonAccept, status: 403, reason: "group_missing",
			want: []string{`{"error":"forbidden","route":"admin","required_any_group":["admins","ops"]}`}},
		{name: "admin without access token", path: "/admin", user: []string{alice}, accept: html, status: 401, reason: "access_token_missing"},
		{name: "admin with two access tokens", path: "/admin", user: []string{alice}, access: []string{admin, admin}, accept: html, status: 401, reason: "access_token_duplicate"},
		{name: "admin, access token of another user", path: "/admin", user: []string{mallory}, access: []string{admin}, accept: html, status: 401, reason: "sub_mismatch"},
		{name: "admin, access token signed by another key", path: "/admin", user: []string{alice}, access: []string{forged}, accept: html, status: 401},
		{name: "admin, access token of another client", path: "/admin", user: []string{alice}, access: []string{otherClientTok}, accept: html, status: 401},
		// The load balancer matches /%61dmin literally (default action); the
		// decoded path is the admin route's: the two policies differ.
		{name: "percent-encoded admin path", path: "/%61dmin", user: []string{alice}, access: []string{plain}, accept: html, status: 400, reason: "route_mismatch"},
		{name: "api with scope", path: "/api/items", user: []string{alice}, access: []string{reader}, accept: jsonAccept, status: 200, reason: "ok"},
		{name: "api without scope", path: "/api/items", user: []string{alice}, access: []string{admin}, accept: jsonAccept, status: 403, reason: "scope_missing",
			want: []string{`"missing_scopes":["` + readScope + `"]`}},
		{name: "api without scope HTML", path: "/api/items", user: []string{alice}, access: []string{admin}, accept: html, status: 403, reason: "scope_missing",
			want: []string{"<code>" + readScope + "</code>"}},
		{name: "api without session", path: "/api/items", accept: jsonAccept, status: 401, reason: "token_missing", want: []string{`{"error":"unauthorized"}`}},
		{name: "public without session", path: "/public/about", accept: html, status: 200, reason: "anonymous"},
		{name: "public with session", path: "/public/about", user: []string{alice}, access: []string{plain}, accept: html, status: 200, reason: "ok"},
		{name: "expired access token, browser", path: "/admin/users", user: []string{alice}, access: []string{expired}, accept: html,
			status: 302, reason: "access_expired_reauth", want: []string{"/admin/users"}},
		{name: "expired access token keeps the query", path: "/admin/users?page=2&q=a%20b", user: []string{alice}, access: []string{expired}, accept: html,
			status: 302, reason: "access_expired_reauth", want: []string{"/admin/users?page=2&q=a%20b"}},
		{name: "expired access token, no route", path: "/", user: []string{alice}, access: []string{expired}, accept: html, status: 302, reason: "access_expired_reauth"},
		{name: "expired access token, double slash refused", path: "//evil.example/x", user: []string{alice}, access: []string{expired}, accept: html,
			status: 400, reason: "path_empty_segment"},
		{name: "expired access token, JSON", path: "/admin/users", user: []string{alice}, access: []string{expired}, accept: jsonAccept,
			status: 401, reason: "access_expired", want: []string{`{"error":"unauthorized"}`}},
		{name: "expired access token, POST", method: "POST", path: "/admin/users", user: []string{alice}, access: []string{expired}, accept: html,
			status: 401, reason: "access_expired"},
		{name: "expired access token, deny route", path: "/api/items", user: []string{alice}, access: []string{expired}, accept: html,
			status: 401, reason: "access_expired"},
		{name: "expired access token, just sent round", path: "/admin", user: []string{alice}, access: []string{expired}, accept: html,
			cookie: identity.ReauthCookie + "=1", status: 401, reason: "access_expired"},
		{name: "logout", path: "/logout", accept: html, status: 302, reason: "logout", want: []string{"https://" + testDomain + "/logout?client_id="}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			method := tc.method
			if method == "" {
				method = http.MethodGet
			}
			r := httptest.NewRequest(method, "https://app.example.com"+tc.path, nil)
			for _, v := range tc.user {
				r.Header.Add(identity.HeaderUserClaims, v)
			}
			for _, v := range tc.access {
				r.Header.Add(identity.HeaderAccessToken, v)
			}
			r.Header.Set("Accept", tc.accept)
			if tc.cookie != "" {
				r.Header.Set("Cookie", tc.cookie)
			}
			var got *identity.Identity
			var ok bool
			next := mustNotRun(t)
			if tc.status == 200 {
				next = recordIdentity(&got, &ok)
			}
			w := httptest.NewRecorder()
			f.mw.Handler(next).ServeHTTP(w, albsim.ForwardHTTP(f.mw.Routes(), r))
			body := w.Body.String()
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d; body %q", w.Code, tc.status, body)
			}
			text := body + w.Header().Get("Location")
			for _, s := range tc.want {
				if !strings.Contains(text, s) {
					t.Errorf("response lacks %q:\n%s", s, text)
				}
			}
			for _, s := range tc.notWant {
				if strings.Contains(text, s) {
					t.Errorf("response contains %q", s)
				}
			}
			if w.Header().Get("Content-Security-Policy") == "" && tc.status != 200 {
				t.Error("refusal without the security headers")
			}
			if tc.status == 302 && !strings.HasPrefix(w.Header().Get("Location"), "/") == (tc.reason != "logout") {
				t.Errorf("Location %q", w.Header().Get("Location"))
			}
			if tc.status == 302 && strings.HasPrefix(w.Header().Get("Location"), "//") {
				t.Errorf("Location %q leaves the site", w.Header().Get("Location"))
			}
			if tc.reason != "" && !strings.Contains(f.logs.String(), `"reason":"`+tc.reason+`"`) {
				t.Errorf("no log line with reason %q:\n%s", tc.reason, f.logs.String())
			}
			if tc.status == 200 && tc.reason == "anonymous" && ok {
				t.Errorf("anonymous request has an identity: %+v", got)
			}
			if tc.status == 200 && tc.reason == "ok" {
				if !ok || got.Subject == "" || got.Username != "alice" || !got.EmailVerified || got.Email != "alice@example.com" {
					t.Errorf("identity %+v, %v", got, ok)
				}
				if got.AccessVerified != (len(tc.access) == 1) {
					t.Errorf("AccessVerified = %v", got.AccessVerified)
				}
			}
		})
	}
	for _, secret := range []string{alice, plain, admin, expired} {
		if strings.Contains(f.logs.String(), secret) {
			t.Fatal("a token was logged")
		}
	}
}

// TestIdentityFields checks what a handler reads from the context on a
// route that needs the access token.
func TestIdentityFields(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	r := httptest.NewRequest("GET", "/admin", nil)
	r.Header.Set(identity.HeaderUserClaims, f.userToken(t, albsim.User{Username: "bob", Email: "bob@example.com"}))
	r.Header.Set(identity.HeaderAccessToken, f.accessToken(t, albsim.Access{Username: "bob", Groups: []string{"admins", "staff"}, Scopes: []string{"openid", "email"}}))
	var got *identity.Identity
	var ok bool
	w := httptest.NewRecorder()
	f.mw.Handler(recordIdentity(&got, &ok)).ServeHTTP(w, albsim.ForwardHTTP(f.mw.Routes(), r))
	if w.Code != 200 || !ok {
		t.Fatalf("status %d, identity %v", w.Code, ok)
	}
	if got.Username != "bob" || got.Email != "bob@example.com" || !got.EmailVerified || !got.AccessVerified ||
		!slices.Equal(got.Groups, []string{"admins", "staff"}) || !slices.Equal(got.Scopes, []string{"openid", "email"}) ||
		!got.Routed || got.Route.Name != "admin" || got.Claims["email"] != "bob@example.com" || got.AccessClaims["token_use"] != "access" ||
		got.ExpiresAt.IsZero() {
		t.Errorf("identity %+v", got)
	}
	for _, rt := range testTable.Routes {
		ok, why := got.MayEnter(rt)
		if want := rt.Name != "api"; ok != want {
			t.Errorf("MayEnter(%s) = %v (%+v), want %v", rt.Name, ok, why, want)
		}
	}
}

func TestKeysUnavailable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		o      fixtureOpts
		path   string
		reason string
	}{
		{"user-claims key", fixtureOpts{keysDown: true}, "/", "key_status"},
		{"JWKS", fixtureOpts{jwksDown: true}, "/admin", "access_key_fetch_failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, tc.o)
			for _, accept := range []string{"text/html", "application/json"} {
				r := httptest.NewRequest("GET", tc.path, nil)
				r.Header.Set(identity.HeaderUserClaims, f.userToken(t, albsim.User{}))
				r.Header.Set(identity.HeaderAccessToken, f.accessToken(t, albsim.Access{Groups: []string{"admins"}}))
				r.Header.Set("Accept", accept)
				w := httptest.NewRecorder()
				f.mw.Handler(mustNotRun(t)).ServeHTTP(w, albsim.ForwardHTTP(f.mw.Routes(), r))
				if w.Code != 503 {
					t.Fatalf("%s: status %d, want 503", accept, w.Code)
				}
				if want := "Temporarily unavailable"; accept == "application/json" {
					if w.Body.String() != `{"error":"unavailable"}` {
						t.Errorf("JSON body %q", w.Body.String())
					}
				} else if !strings.Contains(w.Body.String(), want) {
					t.Errorf("HTML body lacks %q", want)
				}
			}
			if !strings.Contains(f.logs.String(), `"reason":"`+tc.reason) {
				t.Errorf("log lacks reason %s:\n%s", tc.reason, f.logs.String())
			}
		})
	}
}

// TestLogoutAndReauthCookies checks the cookies both redirects expire:
// every shard of every session cookie name, and nothing else.
func TestLogoutAndReauthCookies(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	var want []string
	for _, n := range []string{"AWSELBAuthSessionCookie", "AdminSession", "ApiSession"} {
		for _, i := range []string{"0", "1", "2", "3"} {
			want = append(want, n+"-"+i)
		}
	}
	check := func(t *testing.T, w *httptest.ResponseRecorder, extra ...string) {
		t.Helper()
		var names []string
		for _, c := range w.Result().Cookies() {
			names = append(names, c.Name)
			if c.Name == identity.ReauthCookie {
				continue
			}
			if c.MaxAge >= 0 || c.Value != "" || !c.Secure || !c.HttpOnly || c.Path != "/" {
				t.Errorf("cookie %s is not expired safely: %+v", c.Name, c)
			}
		}
		if w := append(slices.Clone(want), extra...); !slices.Equal(names, w) {
			t.Errorf("cookies %v, want %v", names, w)
		}
	}
	t.Run("logout", func(t *testing.T) {
		w := httptest.NewRecorder()
		f.mw.Handler(mustNotRun(t)).ServeHTTP(w, albsim.ForwardHTTP(f.mw.Routes(), httptest.NewRequest("GET", "/logout", nil)))
		if w.Code != 302 || w.Header().Get("Location") != "https://"+testDomain+"/logout?client_id="+f.lb.ClientID+"&logout_uri=https%3A%2F%2Fapp.example.com" {
			t.Fatalf("status %d Location %q", w.Code, w.Header().Get("Location"))
		}
		check(t, w)
	})
	t.Run("expired access token", func(t *testing.T) {
		r := httptest.NewRequest("GET", "/admin", nil)
		r.Header.Set(identity.HeaderUserClaims, f.userToken(t, albsim.User{}))
		r.Header.Set(identity.HeaderAccessToken, f.accessToken(t, albsim.Access{ExpiresAt: time.Now().Add(-time.Minute)}))
		w := httptest.NewRecorder()
		f.mw.Handler(mustNotRun(t)).ServeHTTP(w, albsim.ForwardHTTP(f.mw.Routes(), r))
		if w.Code != 302 || w.Header().Get("Location") != "/admin" {
			t.Fatalf("status %d Location %q", w.Code, w.Header().Get("Location"))
		}
		check(t, w, identity.ReauthCookie)
	})
}

func TestNewRefuses(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	bad := f.cfg
	bad.AppURL = "http://insecure.example.com"
	bad.Routes = routes.Table{Routes: slices.Clone(f.cfg.Routes.Routes)}
	bad.Routes.Routes[0].SessionCookieName = "bad name"
	_, err := identity.FromConfig(bad, identity.Options{})
	if err == nil || !strings.Contains(err.Error(), "AppURL") || !strings.Contains(err.Error(), "Routes") {
		t.Fatalf("err = %v, want AppURL and Routes problems", err)
	}
	if _, err := identity.New(f.cfg, identity.Options{}); err == nil {
		t.Fatal("New without verifiers succeeded")
	}
}
