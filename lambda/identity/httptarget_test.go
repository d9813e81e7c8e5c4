package identity_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albctx"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// httpTarget is the middleware in http mode (IDENTITY_TARGET=http, no
// TARGET_GROUP_PREFIX) on a real net/http server, behind the simulated
// load balancer whose rules, one per policy as the stack writes them, all
// forward to it (albsim.HTTPTarget).
type httpTarget struct {
	*trickFixture
	srv     *httptest.Server
	forward func(context.Context, events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error)
	logs    *lockedBuffer
}

// httpMode turns a simulated function environment into an HTTP target's.
func httpMode(env map[string]string) {
	delete(env, identity.EnvTargetGroupPrefix)
	env[identity.EnvTarget] = identity.TargetHTTP
}

func newHTTPTarget(t *testing.T, table routes.Table, o identity.Options) *httpTarget {
	t.Helper()
	sim := simulate(t, table)
	httpMode(sim.env)
	f := &trickFixture{lb: sim.lb, pool: sim.pool, table: table, jobID: "jobclient0000000000000000a", seen: make(chan *seenRequest, 1)}
	if len(table.Machine()) > 0 {
		sim.env[identity.EnvMachineClients] = `{"job":"` + f.jobID + `"}`
	}
	logs := &lockedBuffer{}
	mw, cfg := sim.middleware(t, logs, o)
	if cfg.TargetGroupPrefix != "" {
		t.Fatal("not in http mode")
	}
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, _ := identity.FromContext(r.Context())
		f.seen <- &seenRequest{header: r.Header.Clone(), id: id}
		_, _ = io.WriteString(w, "app")
	})
	srv := httptest.NewServer(mw.Handler(app))
	t.Cleanup(srv.Close)
	fwd, err := albsim.HTTPTarget(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return &httpTarget{trickFixture: f, srv: srv, forward: fwd, logs: logs}
}

// send forwards ev to the server and returns what the application saw (or
// nil) and the response.
func (h *httpTarget) send(t *testing.T, ev events.ALBTargetGroupRequest) (*seenRequest, events.ALBTargetGroupResponse) {
	t.Helper()
	resp, err := h.forward(context.Background(), albsim.Forward(h.table, ev))
	if err != nil {
		t.Fatal(err)
	}
	select {
	case s := <-h.seen:
		return s, resp
	default:
		return nil, resp
	}
}

// TestPathTricksHTTP is TestPathTricks against an HTTP target: every trick
// path, with two methods, as every principal, sent over a real connection
// to the middleware in http mode on net/http's server, by the simulated load
// balancer whose listener rules (written from the table) decide whether
// and how the request is forwarded, though all of them forward to this one
// target. The target cannot tell which rule matched; whenever the
// application runs, the principal must still meet the checks of that
// rule's route, of the decoded path's route and of the cleaned path's
// route (judgeTrick), with nothing but the canonical-path refusal and the
// agreement of the raw and decoded paths' routes to ensure it.
func TestPathTricksHTTP(t *testing.T) {
	t.Parallel()
	cases, ran, refused := 0, 0, 0
	for tname, table := range trickTables {
		h := newHTTPTarget(t, table, identity.Options{})
		for _, raw := range trickPaths {
			for _, method := range []string{"GET", "POST"} {
				lbRoute, lbRouted := table.Match(method, strings.SplitN(raw, "?", 2)[0])
				for _, p := range trickPrincipals {
					if !h.lbForwards(lbRoute, lbRouted, p) {
						continue
					}
					cases++
					name := fmt.Sprintf("%s %s %q as %s", tname, method, raw, p.name)
					got, resp := h.send(t, h.event(t, method, raw, p, nil))
					if got == nil {
						refused++
						if resp.StatusCode < 300 {
							t.Errorf("%s: %d without the application", name, resp.StatusCode)
						}
						continue
					}
					ran++
					judgeTrick(t, name, table, method, raw, lbRoute, lbRouted, p, got)
				}
			}
		}
	}
	if cases < 100 || ran == 0 || refused == 0 {
		t.Fatalf("%d cases, the application ran for %d, %d refused: the test decides nothing", cases, ran, refused)
	}
	t.Logf("%d cases, the application ran for %d", cases, ran)
}

// TestHTTPTargetRequests sends requests as the load balancer sends them to
// an HTTP target, over a real connection: Host is the site's, with
// X-Forwarded-For/Proto/Port and the x-amzn-oidc-* headers.
func TestHTTPTargetRequests(t *testing.T) {
	t.Parallel()
	h := newHTTPTarget(t, testTable, identity.Options{})
	user := principal{name: "admin", user: true, groups: []string{"admins"}}
	base := func(method, path string, p principal) events.ALBTargetGroupRequest {
		ev := h.event(t, method, path, p, map[string]string{
			"accept": "text/html", "x-forwarded-for": "198.51.100.7", "x-forwarded-proto": "https", "x-forwarded-port": "443",
		})
		return ev
	}

	t.Run("signed in", func(t *testing.T) {
		got, resp := h.send(t, base("GET", "/admin/users", user))
		if got == nil || resp.StatusCode != 200 || got.id == nil || got.id.Subject != trickSub {
			t.Fatalf("status %d, saw %+v", resp.StatusCode, got)
		}
		if got.header.Get("X-Forwarded-For") != "198.51.100.7" {
			t.Errorf("the application did not see X-Forwarded-For: %v", got.header)
		}
	})
	t.Run("same-origin POST", func(t *testing.T) {
		ev := base("POST", "/admin/users", user)
		ev.MultiValueHeaders["origin"] = []string{"https://app.example.com"}
		ev.MultiValueHeaders["sec-fetch-site"] = []string{"same-origin"}
		if got, resp := h.send(t, ev); got == nil || resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
	})
	t.Run("cross-origin POST", func(t *testing.T) {
		ev := base("POST", "/admin/users", user)
		ev.MultiValueHeaders["origin"] = []string{"https://evil.example"}
		ev.MultiValueHeaders["sec-fetch-site"] = []string{"cross-site"}
		if got, resp := h.send(t, ev); got != nil || resp.StatusCode != 403 {
			t.Fatalf("status %d, application ran: %t", resp.StatusCode, got != nil)
		}
	})
	t.Run("no user claims", func(t *testing.T) {
		if got, resp := h.send(t, base("GET", "/admin/users", principal{name: "anonymous"})); got != nil || resp.StatusCode != 401 {
			t.Fatalf("status %d, application ran: %t", resp.StatusCode, got != nil)
		}
	})

	// Sign-out over HTTP: every shard of every session cookie expired, each
	// its own Set-Cookie header line (no single-value mode here).
	t.Run("logout", func(t *testing.T) {
		got, resp := h.send(t, base("GET", "/logout", principal{name: "anonymous"}))
		if got != nil || resp.StatusCode != 302 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		cookies := resp.MultiValueHeaders["Set-Cookie"]
		names := testTable.CookieNames(identity.DefaultSessionCookieName)
		if len(names) < 2 || len(cookies) != 4*len(names) {
			t.Fatalf("%d Set-Cookie lines for %d cookies: %q", len(cookies), len(names), cookies)
		}
		for _, n := range names {
			if !strings.Contains(strings.Join(cookies, "\n"), n+"-3=; Path=/; Expires=Thu, 01 Jan 1970") {
				t.Errorf("cookie %s-3 not expired", n)
			}
		}
		if loc := resp.MultiValueHeaders["Location"]; len(loc) != 1 || !strings.HasPrefix(loc[0], "https://"+testDomain+"/logout?client_id=") {
			t.Errorf("Location %q", loc)
		}
	})

	// An expired access token in a browser: the cookies expired and the
	// same URL again, then, with the reauth cookie, the 401 page.
	t.Run("reauthenticate", func(t *testing.T) {
		ev := base("GET", "/admin/users?tab=1", user)
		expired, err := h.pool.MintAccess(h.pool.AccessClaims(albsim.Access{Sub: trickSub, Groups: []string{"admins"}, ExpiresAt: time.Now().Add(-time.Hour)}))
		if err != nil {
			t.Fatal(err)
		}
		ev.MultiValueHeaders["x-amzn-oidc-accesstoken"] = []string{expired}
		got, resp := h.send(t, ev)
		if got != nil || resp.StatusCode != 302 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		cookies := strings.Join(resp.MultiValueHeaders["Set-Cookie"], "\n")
		if !strings.Contains(cookies, identity.ReauthCookie+"=1;") || !strings.Contains(cookies, "AdminSession-0=;") ||
			!strings.Contains(cookies, identity.DefaultSessionCookieName+"-2=;") {
			t.Errorf("Set-Cookie %q", cookies)
		}
		if loc := resp.MultiValueHeaders["Location"]; len(loc) != 1 || loc[0] != "/admin/users?tab=1" {
			t.Errorf("Location %q", loc)
		}
		ev.MultiValueHeaders["cookie"] = []string{identity.ReauthCookie + "=1"}
		if got, resp := h.send(t, ev); got != nil || resp.StatusCode != 401 {
			t.Fatalf("second time: status %d", resp.StatusCode)
		}
	})
}

// TestHTTPModeRefusesLambdaEvents: a middleware in http mode that gets a
// request through the Lambda adapter (an albctx event) was deployed behind
// Lambda target groups without their prefix, and would skip the check that
// holds there: it refuses. A middleware in lambda mode refuses a request
// without an event, as a plain net/http server delivers it.
func TestHTTPModeRefusesLambdaEvents(t *testing.T) {
	t.Parallel()
	sim := simulate(t, testTable)
	token, err := sim.lb.Mint(sim.lb.Claims(albsim.User{Sub: trickSub}))
	if err != nil {
		t.Fatal(err)
	}
	req := func(ctx context.Context) *http.Request {
		r := httptest.NewRequest("GET", "https://app.example.com/public/x", nil).WithContext(ctx)
		r.Header.Set(identity.HeaderUserClaims, token)
		return r
	}
	lambdaMW, _ := sim.middleware(t, &lockedBuffer{}, identity.Options{})
	httpMode(sim.env)
	logs := &lockedBuffer{}
	httpMW, _ := sim.middleware(t, logs, identity.Options{})

	for _, ev := range []albctx.Event{
		{TargetGroupARN: albsim.TargetGroupARNOf(testTable.DefaultPolicy()), MultiValueHeaders: true},
		{},
	} {
		rec := httptest.NewRecorder()
		httpMW.Handler(mustNotRun(t)).ServeHTTP(rec, req(albctx.NewContext(context.Background(), ev)))
		if rec.Code != 403 {
			t.Errorf("http mode, event %+v: status %d, want 403", ev, rec.Code)
		}
	}
	if !strings.Contains(logs.String(), `"reason":"target_group_unexpected"`) || !strings.Contains(logs.String(), `"level":"ERROR"`) {
		t.Errorf("log: %s", logs.String())
	}
	rec := httptest.NewRecorder()
	httpMW.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})).ServeHTTP(rec, req(context.Background()))
	if rec.Code != 200 {
		t.Errorf("http mode without an event: status %d, want 200", rec.Code)
	}

	// lambda mode on a plain net/http server: no event, refused.
	srv := httptest.NewServer(lambdaMW.Handler(mustNotRun(t)))
	defer srv.Close()
	r, _ := http.NewRequest("GET", srv.URL+"/public/x", nil)
	r.Header.Set(identity.HeaderUserClaims, token)
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("lambda mode without an event: status %d, want 403", resp.StatusCode)
	}
}
