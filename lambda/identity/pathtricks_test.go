package identity_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albhttp"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// The path-trick tables: the recipes of docs/authorization.md (an admin area, an API that
// anyone reads and editors change, an anonymous area), a machine route, and
// a site-wide group route behind them.
const trickScope = "https://app.example.com/reports.read"

var trickTables = map[string]routes.Table{
	"recipes": {Routes: []routes.Route{
		{Name: "admin", Paths: []string{"/admin", "/admin/*"}, Groups: []string{"admins"}},
		{Name: "api-read", Paths: []string{"/api", "/api/*"}, Methods: []string{"GET", "HEAD"}, OnUnauthenticatedRequest: routes.Deny},
		{Name: "api-write", Paths: []string{"/api", "/api/*"}, Groups: []string{"editors"}, OnUnauthenticatedRequest: routes.Deny},
		{Name: "public", Paths: []string{"/public/*"}, OnUnauthenticatedRequest: routes.Allow},
		{Name: "reports", Paths: []string{"/reports/*"}, Scopes: []string{trickScope}, Clients: []string{"job"}},
		{Name: "files", Paths: []string{"/files/*"}, Groups: []string{"staff"}, AllowEncodedSlashes: true},
		{Name: "codes", Paths: []string{"/codes/???"}, Groups: []string{"admins"}},
	}},
	"site-wide": {Routes: []routes.Route{
		{Name: "admin", Paths: []string{"/admin/*"}, Groups: []string{"admins"}},
		{Name: "public", Paths: []string{"/public/*"}, OnUnauthenticatedRequest: routes.Allow},
		{Name: "members", Paths: []string{"/*"}, Groups: []string{"members"}},
	}},
}

// trickPaths are requests an attacker sends to reach a protected resource
// under the checks of another route: encodings the load balancer matches
// literally and an application decodes, dot and empty segments an
// application cleans, backslashes, encoded slashes, controls, bad escapes,
// characters Go's URL.RawPath refuses, literal wildcards, path parameters.
var trickPaths = func() []string {
	out := []string{
		"/", "/x", "/public/x", "/public/", "/api", "/api/", "/files/a", "/reports/daily",
		"/%61dmin", "/%61dmin/x", "/adm%69n/users", "/ADMIN/x", "/Admin", "/admin%2F", "/admin%2fx", "/admin%2F..%2Fpublic",
		"/x/..%2Fadmin/secret.txt", "/x/..%2fadmin/secret.txt", "/x/%2e%2e/admin/x", "/x/%2E%2e/admin/x", "/x/.%2e/admin/x",
		"/%2Fadmin/x", "/%2fadmin", "//admin/x", "/admin//x", "///admin", "/admin/./x", "/./admin/x", "/admin/.", "/admin/..",
		"/public/../admin/x", "/public/%2e%2e/admin/x", "/public/..%2fadmin/x", "/public/%2e%2e%2fadmin/x", "/public%2f..%2fadmin/x",
		"/public/%252e%252e/admin/x", "/public/..\\admin/x", "/public\\..\\admin", "/public/%5c../admin", "/public/%5C..%5Cadmin",
		"/admin\\x", "/admin%5cx", "/admin;x", "/admin/..;/public/x", "/public/..;/admin/x", "/public/.;/x",
		"/admin%00", "/public/x%00/../../admin", "/admin%0d%0ax", "/admin%7f", "/admin%", "/admin%2", "/admin%zz", "/public/%",
		"/admin/*x%41", "/admin/*", "/*", "/*x%41", "/public/*%41", "/admin/?x", "/admin/%3F", "/admin%3Fx",
		"/admin/{x}", "/admin/|x|", "/admin/\"q\"", "/admin/^", "/adm|n", "/public/{x}", "/public/|%61",
		"/%61pi/x", "/ap%69", "/api%2Fx", "/api/%2e%2e/admin", "/api/x%2F..%2F..%2Fadmin",
		"/%72eports/daily", "/reports/%64aily", "/reports/../admin", "/reports/..%2fadmin", "/public/..%2freports/x",
		"/files/a%2Fb", "/files/a%2F..%2F..%2Fadmin", "/files/..%2fadmin", "/files/%2e%2e%2fadmin", "/files/a%2F%2Fb", "/files%2F..%2Fadmin",
		"/public/x%2F..%2F..%2Ffiles%2Fa", "/%66iles/a", "/public/%C0%AE%C0%AE/admin", "/public/caf%C3%A9",
		"/x?/admin", "/public/x?../../admin",
		"/codes/abc", "/codes/%41", "/codes/%41%42%43", "/codes/a%42", "/codes/%7C", "/codes/|||", "/codes/{x}",
	}
	return out
}()

// principal is who sends a trick request.
type principal struct {
	name    string
	user    bool     // a signed-in user with a session
	groups  []string // the user's groups
	machine bool     // a machine client with a bearer token for trickScope
}

var trickPrincipals = []principal{
	{name: "anonymous"},
	{name: "plain user", user: true},
	{name: "staff user", user: true, groups: []string{"staff"}},
	{name: "machine job", machine: true},
}

// satisfies reports whether p meets route r's checks (the default
// action's, per the table, when routed is false), computed here from the
// table's plain fields, not by the middleware's code.
func satisfies(t routes.Table, r routes.Route, routed bool, p principal) bool {
	if !routed {
		r = routes.Route{OnUnauthenticatedRequest: t.OnUnauthenticatedRequest}
	}
	if len(r.Clients) > 0 {
		return p.machine && slices.Contains(r.Clients, "job") && !slices.ContainsFunc(r.Scopes, func(s string) bool { return s != trickScope })
	}
	if r.OnUnauthenticatedRequest == routes.Allow && len(r.Groups) == 0 && len(r.Scopes) == 0 {
		return true // anyone, as nobody
	}
	if !p.user {
		return false
	}
	if len(r.Groups) > 0 && !slices.ContainsFunc(r.Groups, func(g string) bool { return slices.Contains(p.groups, g) }) {
		return false
	}
	return len(r.Scopes) == 0
}

// TestPathTricks sends every trick path, with two methods, as every
// principal, in both header modes, through the real adapter and
// middleware, forwarded as the listener rules written from the table would
// forward it (to the target group of the policy of the route that matches
// the path as sent, literally). Whenever the application runs, the
// principal meets the checks of the load balancer's rule, of the route of
// the decoded path and of the route of the cleaned path an application
// that cleans paths would serve; and the application sees no x-amzn-oidc-*
// header the middleware did not verify.
func TestPathTricks(t *testing.T) {
	t.Parallel()
	cases, ran := 0, 0
	for tname, table := range trickTables {
		f := newTrickFixture(t, table)
		for _, raw := range trickPaths {
			for _, method := range []string{"GET", "POST"} {
				lbRoute, lbRouted := table.Match(method, strings.SplitN(raw, "?", 2)[0])
				for _, p := range trickPrincipals {
					if !f.lbForwards(lbRoute, lbRouted, p) {
						continue // the load balancer answers itself: the function never sees it
					}
					for _, single := range []bool{false, true} {
						cases++
						name := fmt.Sprintf("%s %s %q as %s single=%t", tname, method, raw, p.name, single)
						got, status := f.send(t, method, raw, p, single)
						if got == nil {
							if status == 200 {
								t.Errorf("%s: 200 without the application", name)
							}
							continue
						}
						ran++
						judgeTrick(t, name, table, method, raw, lbRoute, lbRouted, p, got)
					}
				}
			}
		}
	}
	if cases < 100 {
		t.Fatalf("only %d cases", cases)
	}
	if ran == 0 || ran == cases {
		t.Fatalf("the application ran for %d of %d cases: the test decides nothing", ran, cases)
	}
	t.Logf("%d cases, the application ran for %d", cases, ran)
}

// judgeTrick is the oracle for a trick request the application ran for:
// the principal meets the checks of the load balancer's rule (lbRoute), of
// the route of the decoded path and of the cleaned path, the application
// got no identity it should not have, and saw no x-amzn-oidc-* header the
// middleware did not verify.
func judgeTrick(t *testing.T, name string, table routes.Table, method, raw string, lbRoute routes.Route, lbRouted bool, p principal, got *seenRequest) {
	t.Helper()
	if !satisfies(table, lbRoute, lbRouted, p) {
		t.Errorf("%s: the application ran, but the load balancer's rule (%s) refuses this principal", name, lbRoute.Name)
	}
	for _, view := range appViews(raw) {
		r, ok := table.Match(method, view)
		if !satisfies(table, r, ok, p) {
			t.Errorf("%s: the application ran, but the route of %q (%s) refuses this principal", name, view, r.Name)
		}
	}
	if got.id != nil && (got.id.Machine != p.machine || !p.user && !p.machine) {
		t.Errorf("%s: the application got the identity %+v", name, got.id)
	}
	for h, vs := range got.header {
		if !strings.HasPrefix(strings.ToLower(h), "x-amzn-oidc-") {
			continue
		}
		if !p.user || (h == identity.HeaderIdentity && (len(vs) != 1 || vs[0] != trickSub)) {
			t.Errorf("%s: the application saw unverified header %s", name, h)
		}
	}
}

// appViews are the paths an application may route raw on: decoded, and
// decoded then cleaned (http.FileServer, ServeMux, chi's CleanPath).
func appViews(raw string) []string {
	raw, _, _ = strings.Cut(raw, "?")
	dec, err := url.PathUnescape(raw)
	if err != nil {
		return nil
	}
	clean := path.Clean(strings.ReplaceAll(dec, "\\", "/"))
	if strings.HasSuffix(dec, "/") && clean != "/" {
		clean += "/"
	}
	return []string{dec, clean}
}

const trickSub = "b1e2c3d4-0000-4000-8000-00000000a11c"

type trickFixture struct {
	lb      *albsim.LoadBalancer
	pool    *albsim.Pool
	table   routes.Table
	adapter *albhttp.Adapter
	jobID   string
	seen    chan *seenRequest
	// creds are each principal's signed headers, minted once per fixture:
	// signing (RS256 above all) was most of these tests' time, and a
	// browser or a job sends the same tokens with every request too.
	creds sync.Map // what p is (not its name) → map[string]string
}

type seenRequest struct {
	header http.Header
	id     *identity.Identity
}

func newTrickFixture(t *testing.T, table routes.Table) *trickFixture {
	t.Helper()
	return newTrickFixtureWith(t, table, identity.Options{})
}

func newTrickFixtureWith(t *testing.T, table routes.Table, o identity.Options) *trickFixture {
	t.Helper()
	sim := simulate(t, table)
	f := &trickFixture{lb: sim.lb, pool: sim.pool, table: table, jobID: "jobclient0000000000000000a", seen: make(chan *seenRequest, 1)}
	if len(table.Machine()) > 0 {
		sim.env[identity.EnvMachineClients] = `{"job":"` + f.jobID + `"}`
	}
	mw, _ := sim.middleware(t, &lockedBuffer{}, o)
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, _ := identity.FromContext(r.Context())
		f.seen <- &seenRequest{header: r.Header.Clone(), id: id}
		w.WriteHeader(http.StatusOK)
	})
	f.adapter = albhttp.New(mw.Handler(app), &albhttp.Options{Logger: slog.New(slog.DiscardHandler)})
	return f
}

// lbForwards reports whether the load balancer's rule passes p's request
// to the function at all: a machine rule only with a valid bearer token
// (jwt-validation), a sign-in rule only with a session unless it allows
// requests without one (authenticate redirects and deny answers 401
// themselves).
func (f *trickFixture) lbForwards(r routes.Route, routed bool, p principal) bool {
	if routed && r.Machine() {
		return p.machine
	}
	unauth := f.table.OnUnauthenticatedRequest
	if routed {
		unauth = r.OnUnauthenticatedRequest
	}
	return p.user || unauth == routes.Allow
}

// send builds the load balancer's event for p's request (forged
// x-amzn-oidc-identity and access-token headers included, which a rule
// that allows anonymous requests passes on), runs it through the adapter,
// and returns what the application saw, or nil, and the status.
func (f *trickFixture) send(t *testing.T, method, raw string, p principal, single bool) (*seenRequest, int) {
	t.Helper()
	return f.sendWith(t, method, raw, p, nil, single)
}

// sendWith is send with extra headers.
func (f *trickFixture) sendWith(t *testing.T, method, raw string, p principal, headers map[string]string, single bool) (*seenRequest, int) {
	t.Helper()
	ev := albsim.Forward(f.table, f.event(t, method, raw, p, headers))
	if single {
		ev = albsim.SingleValue(ev)
	}
	resp, err := f.adapter.Serve(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case s := <-f.seen:
		return s, resp.StatusCode
	default:
		return nil, resp.StatusCode
	}
}

// credentials are the headers p's requests carry: a signed-in user's
// load-balancer token and access token, a job's bearer token, and for
// anyone else a forged access token. Minted on p's first request.
func (f *trickFixture) credentials(t *testing.T, p principal) map[string]string {
	t.Helper()
	key := fmt.Sprintf("user=%t machine=%t groups=%q", p.user, p.machine, p.groups)
	if c, ok := f.creds.Load(key); ok {
		return c.(map[string]string)
	}
	var c map[string]string
	switch {
	case p.user:
		tok, err := f.lb.Mint(f.lb.Claims(albsim.User{Sub: trickSub}))
		if err != nil {
			t.Fatal(err)
		}
		access, err := f.pool.MintAccess(f.pool.AccessClaims(albsim.Access{Sub: trickSub, Groups: p.groups}))
		if err != nil {
			t.Fatal(err)
		}
		c = map[string]string{"x-amzn-oidc-data": tok, "x-amzn-oidc-identity": trickSub, "x-amzn-oidc-accesstoken": access}
	case p.machine:
		tok, err := f.pool.MintAccess(f.pool.MachineClaims(f.jobID, []string{trickScope}, time.Now().Add(time.Hour)))
		if err != nil {
			t.Fatal(err)
		}
		c = map[string]string{"authorization": "Bearer " + tok}
	default:
		c = map[string]string{"x-amzn-oidc-accesstoken": "forged.access.token"}
	}
	f.creds.Store(key, c)
	return c
}

// event is the request p sends for raw as the load balancer passes it on,
// before a rule picks its target group.
func (f *trickFixture) event(t *testing.T, method, raw string, p principal, headers map[string]string) events.ALBTargetGroupRequest {
	t.Helper()
	target, query, _ := strings.Cut(raw, "?")
	ev := events.ALBTargetGroupRequest{
		HTTPMethod: method, Path: target,
		MultiValueQueryStringParameters: map[string][]string{},
		MultiValueHeaders: map[string][]string{
			"host": {"app.example.com"}, "accept": {"application/json"},
			"x-amzn-oidc-identity": {"forged-admin-sub"},
		},
	}
	if query != "" {
		k, v, _ := strings.Cut(query, "=")
		ev.MultiValueQueryStringParameters[k] = []string{v}
	}
	for k, v := range f.credentials(t, p) {
		ev.MultiValueHeaders[k] = []string{v}
	}
	for k, v := range headers {
		ev.MultiValueHeaders[k] = []string{v}
	}
	return ev
}
