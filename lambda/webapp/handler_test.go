package webapp_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/internal/syncbuf"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albhttp"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albjwt"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/webapp"
)

// lockedBuffer collects log output; slog may write from the handler while a
// test reads.
// lockedBuffer is the log output tests read while it is written.
type lockedBuffer = syncbuf.Buffer

const (
	testDomain = "myprefix.auth.eu-west-1.amazoncognito.com"
	testAppURL = "https://app.example.com"
)

var testTable = routes.Table{
	Routes: []routes.Route{
		{Name: "admin", Paths: []string{"/admin", "/admin/*"}, Groups: []string{"admins"}},
		{Name: "reports", Paths: []string{"/reports/*"}, Scopes: []string{"api.example.com/reports"}},
		{Name: "docs", Paths: []string{"/docs/*"}, OnUnauthenticatedRequest: "allow"},
	},
}

type fixture struct {
	lb   *albsim.LoadBalancer
	pool *albsim.Pool
	h    http.Handler
	alb  func(context.Context, events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error)
	logs *lockedBuffer
	// getenv is the environment FromEnv read.
	getenv func(string) string
}

// newFixture wires webapp.FromEnv to a simulated load balancer and user
// pool, each with its key endpoint on an httptest server.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	lb, err := albsim.New(albsim.Config{})
	if err != nil {
		t.Fatal(err)
	}
	pool, err := albsim.NewPool(albsim.PoolConfig{Issuer: lb.Issuer, ClientID: lb.ClientID})
	if err != nil {
		t.Fatal(err)
	}
	keys := httptest.NewServer(lb.Keys)
	t.Cleanup(keys.Close)
	jwks := httptest.NewServer(pool.JWKS)
	t.Cleanup(jwks.Close)
	table, err := json.Marshal(testTable)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		identity.EnvALBARN:            lb.ARN,
		identity.EnvClientID:          lb.ClientID,
		identity.EnvIssuer:            lb.Issuer,
		identity.EnvKeyEndpoint:       keys.URL,
		identity.EnvJWKSURL:           jwks.URL,
		identity.EnvUserPoolDomain:    testDomain,
		identity.EnvAppURL:            testAppURL,
		identity.EnvTargetGroupPrefix: albsim.TargetGroupPrefix,
		identity.EnvRouteTable:        string(table),
	}
	getenv := func(k string) string { return env[k] }
	logs := &lockedBuffer{}
	h, err := webapp.FromEnv(getenv, slog.New(slog.NewJSONHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{lb: lb, pool: pool, h: h, alb: albhttp.New(h, &albhttp.Options{Logger: slog.New(slog.NewJSONHandler(logs, nil))}).Serve, logs: logs, getenv: getenv}
}

// event returns the ALB event for GET path with both tokens.
func (f *fixture) event(t testing.TB, path string, claims map[string]any, access albsim.Access) events.ALBTargetGroupRequest {
	t.Helper()
	req, err := f.lb.Request(path, claims)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := f.pool.MintAccess(f.pool.AccessClaims(access))
	if err != nil {
		t.Fatal(err)
	}
	req.MultiValueHeaders["x-amzn-oidc-accesstoken"] = []string{tok}
	return req
}

func (f *fixture) handle(t testing.TB, req events.ALBTargetGroupRequest) events.ALBTargetGroupResponse {
	t.Helper()
	resp, err := f.alb(context.Background(), albsim.Forward(testTable, req))
	if err != nil {
		t.Fatalf("handler returned error %v", err)
	}
	checkResponse(t, req, resp)
	return resp
}

// header returns a response header's values, whichever shape it uses.
func header(resp events.ALBTargetGroupResponse, name string) []string {
	if resp.MultiValueHeaders != nil {
		return resp.MultiValueHeaders[name]
	}
	if v, ok := resp.Headers[name]; ok {
		return []string{v}
	}
	return nil
}

// checkResponse asserts what every response must satisfy.
func checkResponse(t testing.TB, req events.ALBTargetGroupRequest, resp events.ALBTargetGroupResponse) {
	t.Helper()
	if multi := req.MultiValueHeaders != nil; multi != (resp.MultiValueHeaders != nil) || multi == (resp.Headers != nil) {
		t.Errorf("response shape: request multi=%v, response Headers=%v MultiValueHeaders=%v", multi, resp.Headers != nil, resp.MultiValueHeaders != nil)
	}
	if resp.StatusCode == 400 {
		return
	}
	want := map[string]string{
		"Cache-Control":          "no-store",
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
		"Referrer-Policy":        "no-referrer",
	}
	for name, v := range want {
		if got := header(resp, name); len(got) != 1 || got[0] != v {
			t.Errorf("%s = %q, want %q", name, got, v)
		}
	}
	csp := header(resp, "Content-Security-Policy")
	if len(csp) != 1 || !strings.HasPrefix(csp[0], "default-src 'none'; style-src 'sha256-") || !strings.Contains(csp[0], "frame-ancestors 'none'") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
	if want := strconv.Itoa(resp.StatusCode) + " " + http.StatusText(resp.StatusCode); resp.StatusDescription != want {
		t.Errorf("StatusDescription = %q, want %q", resp.StatusDescription, want)
	}
	if resp.IsBase64Encoded || len(resp.Body) >= 1<<20 {
		t.Errorf("IsBase64Encoded=%v, body %d bytes", resp.IsBase64Encoded, len(resp.Body))
	}
}

func TestIdentityPageBothShapes(t *testing.T) {
	t.Parallel()
	for _, single := range []bool{false, true} {
		name := "multi-value"
		if single {
			name = "single-value"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			req := f.event(t, "/", f.lb.Claims(albsim.User{Sub: "sub-123", Username: "carol", Email: "carol@example.com"}),
				albsim.Access{Sub: "sub-123", Username: "carol", Groups: []string{"admins", "staff"}, Scopes: []string{"openid", "email"}})
			if single {
				req = albsim.SingleValue(req)
			}
			resp := f.handle(t, req)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, resp.Body)
			}
			if ct := header(resp, "Content-Type"); len(ct) != 1 || ct[0] != "text/html; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			for _, want := range []string{"carol", "carol@example.com", "(verified)", "sub-123", `href="/logout"`, "Sign out", "All claims", "email_verified",
				`<dd id="groups"><code>admins</code>, <code>staff</code></dd>`, `<dd id="scopes"><code>openid</code>, <code>email</code></dd>`,
				`<th scope="row">admin</th><td><code>/admin /admin/*</code></td><td>group admins</td><td><span class="ok">may enter</span>`,
				`<th scope="row">reports</th><td><code>/reports/*</code></td><td>scopes api.example.com/reports</td><td><span class="no">denied</span> <span class="note">(scope api.example.com/reports not granted)</span>`,
				`<th scope="row">docs</th><td><code>/docs/*</code></td><td>nothing (sign-in optional)</td><td><span class="ok">may enter</span>`,
			} {
				if !strings.Contains(resp.Body, want) {
					t.Errorf("page lacks %q:\n%s", want, resp.Body)
				}
			}
			for _, bad := range []string{"<script", "http://", "<link"} {
				if strings.Contains(resp.Body, bad) {
					t.Errorf("page contains %q", bad)
				}
			}
			if !strings.Contains(f.logs.String(), `"status":200,"reason":"ok","method":"GET","path":"/"`) {
				t.Errorf("log:\n%s", f.logs.String())
			}
		})
	}
}

func TestIdentityPageWithoutGroups(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	resp := f.handle(t, f.event(t, "/", f.lb.Claims(albsim.User{}), albsim.Access{}))
	for _, want := range []string{`<dd id="groups">none</dd>`,
		`<th scope="row">admin</th><td><code>/admin /admin/*</code></td><td>group admins</td><td><span class="no">denied</span> <span class="note">(not in admins)</span>`} {
		if !strings.Contains(resp.Body, want) {
			t.Errorf("page lacks %q:\n%s", want, resp.Body)
		}
	}
	// Without an access token (the load balancer always sends one; this
	// is the middleware's "no route" path), groups are unknown.
	req := f.event(t, "/", f.lb.Claims(albsim.User{}), albsim.Access{})
	delete(req.MultiValueHeaders, "x-amzn-oidc-accesstoken")
	resp = f.handle(t, req)
	if !strings.Contains(resp.Body, `<dd id="groups">unknown (no access token)</dd>`) || !strings.Contains(resp.Body, "no access token was verified") {
		t.Errorf("page:\n%s", resp.Body)
	}
}

func TestJSON(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.lb.Claims(albsim.User{Sub: "s-1", Username: "erin", Email: "erin@example.com"})
	c["custom:n"] = 12345678901234
	req := f.event(t, "/anything", c, albsim.Access{Sub: "s-1", Groups: []string{"admins"}})
	req.MultiValueHeaders["accept"] = []string{"application/json"}
	resp := f.handle(t, req)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if ct := header(resp, "Content-Type"); len(ct) != 1 || ct[0] != "application/json; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	var got struct {
		Username, Email, Sub string
		EmailVerified        bool   `json:"email_verified"`
		ExpiresAt            string `json:"expires_at"`
		AccessVerified       bool   `json:"access_token_verified"`
		Groups, Scopes       []string
		Routes               []struct {
			Name    string
			Allowed bool
		}
		Claims map[string]any
	}
	dec := json.NewDecoder(strings.NewReader(resp.Body))
	dec.UseNumber()
	if err := dec.Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.Username != "erin" || got.Email != "erin@example.com" || got.Sub != "s-1" || !got.EmailVerified || !got.AccessVerified ||
		got.ExpiresAt != tokenExpiry(t, c).UTC().Format(time.RFC3339) || got.Claims["custom:n"] != json.Number("12345678901234") ||
		len(got.Groups) != 1 || got.Groups[0] != "admins" || len(got.Scopes) != 1 || got.Scopes[0] != "openid" ||
		len(got.Routes) != 3 || !got.Routes[0].Allowed || got.Routes[1].Allowed || !got.Routes[2].Allowed {
		t.Errorf("JSON = %+v", got)
	}
}

// tokenExpiry is the exp the load balancer stamped into claims: the expiry
// the handler must report. Computing a fresh one (lb.Expiry) instead would
// fail whenever a second boundary passes between minting and checking.
func tokenExpiry(t *testing.T, claims map[string]any) time.Time {
	t.Helper()
	exp, ok := claims["exp"].(int64)
	if !ok {
		t.Fatalf("claims have no int64 exp: %#v", claims["exp"])
	}
	return time.Unix(exp, 0)
}

func TestHostileClaimsEscaped(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const evil = `<script>alert(1)</script>`
	c := f.lb.Claims(albsim.User{Username: evil, Email: `"><img src=x onerror=alert(1)>@x`})
	c[evil] = evil
	c["nested"] = map[string]any{"x": evil}
	resp := f.handle(t, f.event(t, "/", c, albsim.Access{Groups: []string{evil}}))
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if strings.Contains(resp.Body, "<script") || strings.Contains(resp.Body, "<img") {
		t.Fatalf("unescaped claim in page:\n%s", resp.Body)
	}
	if !strings.Contains(resp.Body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("escaped claim missing")
	}
	req := f.event(t, "/", c, albsim.Access{})
	req.MultiValueHeaders["accept"] = []string{"application/json"}
	if resp := f.handle(t, req); strings.Contains(resp.Body, "<script") {
		t.Errorf("JSON contains raw <script")
	}
}

// TestPageLayout pins what the Go side of the page computes: the
// placeholder for a missing username or email, who the user is shown as,
// the rows sorted by claim name, and values that are not strings shown as
// JSON, each still escaped.
func TestPageLayout(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.lb.Claims(albsim.User{Sub: "s<1>"})
	delete(c, "username")
	delete(c, "email")
	c["b"] = []any{"<x>", 2}
	c["a"] = true
	resp := f.handle(t, f.event(t, "/", c, albsim.Access{Sub: "s<1>"}))
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, resp.Body)
	}
	exp := tokenExpiry(t, c)
	for _, want := range []string{
		"<h1>Signed in as s&lt;1&gt;</h1>",
		"<dt>Username</dt><dd>—</dd><dt>Email</dt><dd>— <span class=\"note\">(verified)</span></dd>",
		"<dd><code>s&lt;1&gt;</code></dd>",
		`<tr><th scope="row"><code>a</code></th><td>true</td></tr>` + "\n" +
			`<tr><th scope="row"><code>b</code></th><td>[&#34;\u003cx\u003e&#34;,2]</td></tr>` + "\n" +
			`<tr><th scope="row"><code>email_verified</code></th><td>true</td></tr>` + "\n" +
			`<tr><th scope="row"><code>exp</code></th><td>` + strconv.FormatInt(exp.Unix(), 10) + `</td></tr>`,
		`<time datetime="` + exp.UTC().Format(time.RFC3339) + `">` + exp.UTC().Format("Mon, 2 Jan 2006 15:04:05 UTC") + `</time>`,
	} {
		if !strings.Contains(resp.Body, want) {
			t.Errorf("page lacks %q:\n%s", want, resp.Body)
		}
	}
}

// TestAnonymous: a route that allows unauthenticated requests reaches the
// page without an identity, and the page says so.
func TestAnonymous(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	req := albsim.NewRequest("/docs/intro", "", "")
	resp := f.handle(t, req)
	if resp.StatusCode != 200 || !strings.Contains(resp.Body, "Not signed in") {
		t.Fatalf("status %d body %s", resp.StatusCode, resp.Body)
	}
	req = albsim.NewRequest("/admin", "", "")
	if resp := f.handle(t, req); resp.StatusCode != 401 {
		t.Fatalf("/admin without a session: status %d", resp.StatusCode)
	}
}

// TestRefusalsThroughTheEntry runs the middleware's refusals through the
// function's entry: 403 for a missing group, 401 for a missing session, the
// logout cookies in the multi-value response.
func TestRefusalsThroughTheEntry(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	resp := f.handle(t, f.event(t, "/admin", f.lb.Claims(albsim.User{}), albsim.Access{}))
	if resp.StatusCode != 403 || !strings.Contains(resp.Body, "<code>admins</code>") {
		t.Errorf("403: status %d body %s", resp.StatusCode, resp.Body)
	}
	resp = f.handle(t, albsim.NewRequest("/logout", "", ""))
	if resp.StatusCode != 302 || len(resp.MultiValueHeaders["Set-Cookie"]) != 4 {
		t.Errorf("logout: status %d cookies %q", resp.StatusCode, resp.MultiValueHeaders["Set-Cookie"])
	}
}

func TestLargestTokenStaysUnderBodyLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.lb.Claims(albsim.User{})
	c["x"] = strings.Repeat("<", 1900) // JSON-escaped to \u003c: close to MaxTokenSize
	req := f.event(t, "/", c, albsim.Access{})
	if n := len(req.MultiValueHeaders["x-amzn-oidc-data"][0]); n > albjwt.MaxTokenSize || n < albjwt.MaxTokenSize-2048 {
		t.Fatalf("token is %d bytes; adjust the filler", n)
	}
	for _, accept := range []string{"text/html", "application/json"} {
		req.MultiValueHeaders["accept"] = []string{accept}
		resp := f.handle(t, req)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d", accept, resp.StatusCode)
		}
	}
}
