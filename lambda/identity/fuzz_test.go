package identity_test

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
)

// FuzzMiddleware sends arbitrary methods, paths, header values and cookies
// through the middleware. The application runs only for the genuine
// user-claims token (or, without one, on the route that allows anonymous
// requests), and then only with an identity whose groups and scopes satisfy
// the route; every refusal is a known status whose body echoes no header
// value; a redirect never leaves the site.
func FuzzMiddleware(f *testing.F) {
	fx := newFixture(f, fixtureOpts{})
	user := fx.userToken(f, albsim.User{})
	admin := fx.accessToken(f, albsim.Access{Groups: []string{"admins"}})
	expired := fx.accessToken(f, albsim.Access{ExpiresAt: time.Now().Add(-time.Hour)})
	f.Add("GET", "/admin", user, admin, "text/html", "")
	f.Add("GET", "/api/x", user, admin, "application/json", "")
	f.Add("GET", "//x/../admin?a=b", user, expired, "text/html", "")
	f.Add("HEAD", "/public/x", "", "", "", identity.ReauthCookie+"=1")
	f.Add("POST", "/logout", "a.b.c", "x", "application/json", "")

	f.Fuzz(func(t *testing.T, method, target, userTok, accessTok, accept, cookie string) {
		r, err := http.NewRequest(method, "https://app.example.com"+target, nil)
		if err != nil || !strings.HasPrefix(target, "/") {
			t.Skip()
		}
		setFuzzHeaders(r, userTok, accessTok, accept, cookie)
		ran := false
		next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ran = true
			id, ok := identity.FromContext(r.Context())
			if !ok {
				if rt, routed := testTable.Match(r.Method, r.URL.Path); !routed || rt.Name != "public" || userTok != "" {
					t.Fatalf("anonymous request ran on %q", r.URL.Path)
				}
				return
			}
			if userTok != user {
				t.Fatal("the application ran for a token that is not the genuine one")
			}
			if rt, routed := testTable.Match(r.Method, r.URL.Path); routed {
				if ok, why := id.MayEnter(rt); !ok {
					t.Fatalf("the application ran on route %s for a user it refuses: %+v", rt.Name, why)
				}
			}
		})
		w := httptest.NewRecorder()
		fx.mw.Handler(next).ServeHTTP(w, albsim.ForwardHTTP(fx.mw.Routes(), r))
		checkAnswer(t, w, ran, r.URL.Path, userTok, accessTok)
	})
}

// FuzzMiddlewareHTTP is FuzzMiddleware for an HTTP target: the middleware in
// http mode (no target group prefix, no Lambda event), each request parsed
// by net/http's own request reader from a request line holding the fuzzed
// method and target, as a server behind the load balancer receives it.
// With no event to say which listener rule matched, the application may
// run only for a principal that meets the checks of the routes of the path
// as sent (what the rules match), as decoded and as cleaned.
func FuzzMiddlewareHTTP(f *testing.F) {
	sim := simulate(f, testTable)
	httpMode(sim.env)
	mw, _ := sim.middleware(f, &lockedBuffer{}, identity.Options{})
	fx := &fixture{lb: sim.lb, pool: sim.pool, mw: mw}
	user := fx.userToken(f, albsim.User{})
	admin := fx.accessToken(f, albsim.Access{Groups: []string{"admins"}})
	reader := fx.accessToken(f, albsim.Access{Scopes: []string{"openid", readScope}})
	expired := fx.accessToken(f, albsim.Access{ExpiresAt: time.Now().Add(-time.Hour)})
	f.Add("GET", "/admin", user, admin, "text/html", "")
	f.Add("GET", "/api/x", user, reader, "application/json", "")
	f.Add("GET", "/public/%2e%2e/admin/x", user, admin, "text/html", "")
	f.Add("GET", "/public/..%2fapi/x", "", "", "text/html", "")
	f.Add("GET", "/%61dmin/x", user, "", "text/html", "")
	f.Add("GET", "//x/../admin?a=b", user, expired, "text/html", "")
	f.Add("HEAD", "/public/x", "", "", "", identity.ReauthCookie+"=1")
	f.Add("POST", "/logout", "a.b.c", "x", "application/json", "")

	f.Fuzz(func(t *testing.T, method, target, userTok, accessTok, accept, cookie string) {
		if strings.ContainsAny(method+target+userTok+accessTok+accept+cookie, "\r\n") {
			t.Skip()
		}
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(method + " " + target + " HTTP/1.1\r\nHost: app.example.com\r\n\r\n")))
		if err != nil || !strings.HasPrefix(r.RequestURI, "/") {
			t.Skip() // net/http's server answers 400 itself
		}
		setFuzzHeaders(r, userTok, accessTok, accept, cookie)
		sent, _, _ := strings.Cut(r.RequestURI, "?")
		views := append([]string{sent}, appViews(sent)...)
		ran := false
		next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ran = true
			id, ok := identity.FromContext(r.Context())
			if ok && userTok != user {
				t.Fatal("the application ran for a token that is not the genuine one")
			}
			for _, v := range views {
				rt, routed := testTable.Match(r.Method, v)
				switch {
				case !ok && (!routed || rt.Name != "public" || userTok != ""):
					t.Fatalf("anonymous request ran for %q, whose view %q is on route %q", sent, v, rt.Name)
				case ok && routed:
					if may, why := id.MayEnter(rt); !may {
						t.Fatalf("the application ran for %q on route %s (view %q) for a user it refuses: %+v", sent, rt.Name, v, why)
					}
				}
			}
		})
		w := httptest.NewRecorder()
		mw.Handler(next).ServeHTTP(w, r)
		checkAnswer(t, w, ran, r.URL.Path, userTok, accessTok)
	})
}

// setFuzzHeaders puts a fuzz input's tokens, Accept and Cookie on r: the
// token headers only when not empty, as the load balancer sends them.
func setFuzzHeaders(r *http.Request, userTok, accessTok, accept, cookie string) {
	if userTok != "" {
		r.Header.Set(identity.HeaderUserClaims, userTok)
	}
	if accessTok != "" {
		r.Header.Set(identity.HeaderAccessToken, accessTok)
	}
	r.Header.Set("Accept", accept)
	r.Header.Set("Cookie", cookie)
}

// checkAnswer checks a fuzzed request's answer: 200 only when the
// application ran, a redirect only to this site (or Cognito's logout), a
// refusal only without the application and never echoing a token.
func checkAnswer(t *testing.T, w *httptest.ResponseRecorder, ran bool, path, userTok, accessTok string) {
	t.Helper()
	switch w.Code {
	case 200:
		if !ran {
			t.Fatal("200 without the application")
		}
	case 302:
		loc := w.Header().Get("Location")
		if path != identity.LogoutPath && (!strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\")) {
			t.Fatalf("redirect to %q", loc)
		}
	case 400, 401, 403, 503:
		if ran {
			t.Fatal("the application ran for a refused request")
		}
		for _, v := range []string{userTok, accessTok} {
			if len(v) >= 8 && strings.Contains(w.Body.String(), v) {
				t.Fatal("a refusal echoes a header value")
			}
		}
	default:
		t.Fatalf("status %d", w.Code)
	}
}
