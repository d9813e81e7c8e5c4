package webapp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albjwt"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/webapp"
)

var testNow = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

func clock() time.Time { return testNow }

// lockedBuffer collects log output; slog may write from the handler while a
// test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type fixture struct {
	lb   *albsim.LoadBalancer
	h    *webapp.Handler
	logs *lockedBuffer
	cfg  webapp.Config
	v    *albjwt.Verifier
}

const (
	testDomain = "myprefix.auth.eu-west-1.amazoncognito.com"
	testAppURL = "https://app.example.com"
)

// newFixture wires a handler to a simulated load balancer. keys, if not nil,
// replaces the key endpoint handler; timeout bounds key fetches.
func newFixture(t testing.TB, keys func(lb *albsim.LoadBalancer) http.Handler, timeout time.Duration) *fixture {
	t.Helper()
	lb, err := albsim.New(albsim.Config{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	var kh http.Handler = lb.Keys
	if keys != nil {
		kh = keys(lb)
	}
	srv := httptest.NewServer(kh)
	t.Cleanup(srv.Close)
	env := map[string]string{
		webapp.EnvALBARN:         lb.ARN,
		webapp.EnvClientID:       lb.ClientID,
		webapp.EnvIssuer:         lb.Issuer,
		webapp.EnvKeyEndpoint:    srv.URL,
		webapp.EnvUserPoolDomain: testDomain,
		webapp.EnvAppURL:         testAppURL,
	}
	cfg, err := webapp.ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Token.Clock = clock
	cfg.Token.HTTPClient = &http.Client{Timeout: timeout}
	v, err := albjwt.New(cfg.Token)
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	h, err := webapp.New(cfg, v, slogJSON(logs))
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{lb: lb, h: h, logs: logs, cfg: cfg, v: v}
}

func (f *fixture) request(t testing.TB, path string, claims map[string]any, opts ...albsim.Option) events.ALBTargetGroupRequest {
	t.Helper()
	req, err := f.lb.Request(path, claims, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func (f *fixture) handle(t testing.TB, req events.ALBTargetGroupRequest) events.ALBTargetGroupResponse {
	t.Helper()
	resp, err := f.h.Handle(context.Background(), req)
	if err != nil {
		t.Fatalf("Handle returned error %v", err)
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

func slogJSON(w io.Writer) *slog.Logger { return slog.New(slog.NewJSONHandler(w, nil)) }

// logLines parses the JSON log lines written so far.
func logLines(t testing.TB, f *fixture) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(f.logs.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		out = append(out, m)
	}
	return out
}

func TestValidRequestBothShapes(t *testing.T) {
	t.Parallel()
	for _, single := range []bool{false, true} {
		name := "multi-value"
		if single {
			name = "single-value"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, nil, 2*time.Second)
			req := f.request(t, "/", f.lb.Claims(albsim.User{Sub: "sub-123", Username: "carol", Email: "carol@example.com"}))
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
			for _, want := range []string{"carol", "carol@example.com", "sub-123", `href="/logout"`, "Sign out", "All claims", "email_verified",
				`datetime="` + f.lb.Expiry().UTC().Format(time.RFC3339) + `"`} {
				if !strings.Contains(resp.Body, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			for _, bad := range []string{"<script", "http://", "https://fonts", "<link"} {
				if strings.Contains(resp.Body, bad) {
					t.Errorf("page contains %q", bad)
				}
			}
			lines := logLines(t, f)
			if len(lines) != 1 || lines[0]["status"] != 200.0 || lines[0]["sub"] != "sub-123" {
				t.Errorf("log = %v", lines)
			}
		})
	}
}

func TestCaseInsensitiveHeaders(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil, 2*time.Second)
	tok, err := f.lb.Mint(f.lb.Claims(albsim.User{Username: "dan"}))
	if err != nil {
		t.Fatal(err)
	}
	multi := events.ALBTargetGroupRequest{HTTPMethod: "GET", Path: "/", MultiValueHeaders: map[string][]string{
		"X-Amzn-OIDC-Data": {tok},
		"ACCEPT":           {"Application/JSON"},
	}}
	single := events.ALBTargetGroupRequest{HTTPMethod: "GET", Path: "/", Headers: map[string]string{
		"X-AMZN-OIDC-DATA": tok,
		"Accept":           "application/json",
	}}
	for _, req := range []events.ALBTargetGroupRequest{multi, single} {
		resp := f.handle(t, req)
		if resp.StatusCode != 200 || !strings.Contains(resp.Body, `"username":"dan"`) {
			t.Errorf("status %d body %s", resp.StatusCode, resp.Body)
		}
	}
}

func TestJSON(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil, 2*time.Second)
	c := f.lb.Claims(albsim.User{Sub: "s-1", Username: "erin", Email: "erin@example.com"})
	c["custom:n"] = 12345678901234
	req := f.request(t, "/anything", c)
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
		ExpiresAt            string `json:"expires_at"`
		Claims               map[string]any
	}
	dec := json.NewDecoder(strings.NewReader(resp.Body))
	dec.UseNumber()
	if err := dec.Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.Username != "erin" || got.Email != "erin@example.com" || got.Sub != "s-1" ||
		got.ExpiresAt != f.lb.Expiry().UTC().Format(time.RFC3339) || got.Claims["custom:n"] != json.Number("12345678901234") {
		t.Errorf("JSON = %+v", got)
	}
}

func TestHostileClaimsEscaped(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil, 2*time.Second)
	const evil = `<script>alert(1)</script>`
	c := f.lb.Claims(albsim.User{Username: evil, Email: `"><img src=x onerror=alert(1)>@x`})
	c[evil] = evil
	c["nested"] = map[string]any{"x": evil}
	resp := f.handle(t, f.request(t, "/", c))
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if strings.Contains(resp.Body, "<script") || strings.Contains(resp.Body, "<img") {
		t.Fatalf("unescaped claim in page:\n%s", resp.Body)
	}
	if !strings.Contains(resp.Body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("escaped claim missing")
	}
	req := f.request(t, "/", c)
	req.MultiValueHeaders["accept"] = []string{"application/json"}
	if resp := f.handle(t, req); strings.Contains(resp.Body, "<script") {
		t.Errorf("JSON contains raw <script")
	}
}

// TestPageLayout pins what the Go side of the claims page computes: the
// placeholder for a missing username or email, who the user is shown as,
// the rows sorted by claim name, and values that are not strings shown as
// JSON, each still escaped.
func TestPageLayout(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil, 2*time.Second)
	c := f.lb.Claims(albsim.User{Sub: "s<1>"})
	delete(c, "username")
	delete(c, "email")
	c["b"] = []any{"<x>", 2}
	c["a"] = true
	resp := f.handle(t, f.request(t, "/", c))
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, want := range []string{
		"<h1>Signed in as s&lt;1&gt;</h1>",
		"<dt>Username</dt><dd>—</dd><dt>Email</dt><dd>—</dd>",
		"<dd><code>s&lt;1&gt;</code></dd>",
		`<tr><th scope="row"><code>a</code></th><td>true</td></tr>` + "\n" +
			`<tr><th scope="row"><code>b</code></th><td>[&#34;\u003cx\u003e&#34;,2]</td></tr>` + "\n" +
			`<tr><th scope="row"><code>email_verified</code></th><td>true</td></tr>` + "\n" +
			`<tr><th scope="row"><code>exp</code></th><td>` + strconv.FormatInt(f.lb.Expiry().Unix(), 10) + `</td></tr>`,
		`<time datetime="` + f.lb.Expiry().UTC().Format(time.RFC3339) + `">` + f.lb.Expiry().UTC().Format("Mon, 2 Jan 2006 15:04:05 UTC") + `</time>`,
	} {
		if !strings.Contains(resp.Body, want) {
			t.Errorf("page lacks %q:\n%s", want, resp.Body)
		}
	}
}

func TestUnauthorized(t *testing.T) {
	t.Parallel()
	otherARN := "arn:aws:elasticloadbalancing:eu-west-1:999999999999:loadbalancer/app/evil/0123456789abcdef"
	for _, tc := range []struct {
		name   string
		req    func(t *testing.T, f *fixture) events.ALBTargetGroupRequest
		reason string
	}{
		{"missing", func(t *testing.T, f *fixture) events.ALBTargetGroupRequest {
			return albsim.NewRequest("/", "", "")
		}, "token_missing"},
		{"missing single-value", func(t *testing.T, f *fixture) events.ALBTargetGroupRequest {
			return albsim.SingleValue(albsim.NewRequest("/", "", ""))
		}, "token_missing"},
		{"duplicate values", func(t *testing.T, f *fixture) events.ALBTargetGroupRequest {
			req := f.request(t, "/", f.lb.Claims(albsim.User{}))
			tok := req.MultiValueHeaders["x-amzn-oidc-data"][0]
			req.MultiValueHeaders["x-amzn-oidc-data"] = []string{tok, tok}
			return req
		}, "token_duplicate"},
		{"duplicate names differing in case", func(t *testing.T, f *fixture) events.ALBTargetGroupRequest {
			req := f.request(t, "/", f.lb.Claims(albsim.User{}))
			req.MultiValueHeaders["X-Amzn-Oidc-Data"] = req.MultiValueHeaders["x-amzn-oidc-data"]
			return req
		}, "token_duplicate"},
		{"forged signer", func(t *testing.T, f *fixture) events.ALBTargetGroupRequest {
			return f.request(t, "/", f.lb.Claims(albsim.User{}), albsim.WithHeader("signer", otherARN))
		}, "signer_mismatch"},
		{"expired", func(t *testing.T, f *fixture) events.ALBTargetGroupRequest {
			return f.request(t, "/", f.lb.Claims(albsim.User{}), albsim.WithHeader("exp", testNow.Add(-time.Hour).Unix()))
		}, "expired"},
		{"bad signature", func(t *testing.T, f *fixture) events.ALBTargetGroupRequest {
			return f.request(t, "/", f.lb.Claims(albsim.User{}), albsim.WithSignature(func([]byte) []byte { return make([]byte, 64) }))
		}, "bad_signature"},
		{"oversize", func(t *testing.T, f *fixture) events.ALBTargetGroupRequest {
			c := f.lb.Claims(albsim.User{})
			c["x"] = strings.Repeat("y", albjwt.MaxTokenSize)
			return f.request(t, "/", c)
		}, "token_too_large"},
		{"garbage", func(t *testing.T, f *fixture) events.ALBTargetGroupRequest {
			return albsim.NewRequest("/", "Bearer not-a-jwt-at-all-but-long-enough", "x")
		}, "token_malformed"},
	} {
		for _, asJSON := range []bool{false, true} {
			t.Run(tc.name+map[bool]string{false: " html", true: " json"}[asJSON], func(t *testing.T) {
				t.Parallel()
				f := newFixture(t, nil, 2*time.Second)
				req := tc.req(t, f)
				if asJSON {
					if req.MultiValueHeaders != nil {
						req.MultiValueHeaders["accept"] = []string{"application/json"}
					} else {
						req.Headers["accept"] = "application/json"
					}
				}
				resp := f.handle(t, req)
				if resp.StatusCode != 401 {
					t.Fatalf("status %d, want 401", resp.StatusCode)
				}
				if asJSON && resp.Body != `{"error":"unauthorized"}` {
					t.Errorf("JSON body %q", resp.Body)
				}
				if !asJSON && !strings.Contains(resp.Body, "Not signed in") {
					t.Errorf("HTML body %q", resp.Body)
				}
				var tokens []string
				if req.MultiValueHeaders != nil {
					tokens = req.MultiValueHeaders["x-amzn-oidc-data"]
				} else if tok := req.Headers["x-amzn-oidc-data"]; tok != "" {
					tokens = []string{tok}
				}
				for _, bad := range append([]string{tc.reason, "albjwt", "signature", "expired"}, tokens...) {
					if strings.Contains(resp.Body, bad) {
						t.Errorf("401 body reveals %q", bad)
					}
				}
				lines := logLines(t, f)
				if len(lines) != 1 {
					t.Fatalf("%d log lines, want 1: %s", len(lines), f.logs.String())
				}
				if lines[0]["reason"] != tc.reason || lines[0]["status"] != 401.0 || lines[0]["level"] != "WARN" {
					t.Errorf("log = %v, want reason %s", lines[0], tc.reason)
				}
				for _, tok := range tokens {
					if strings.Contains(f.logs.String(), tok) {
						t.Error("log contains the token")
					}
				}
			})
		}
	}
}

func TestKeyEndpointFailure(t *testing.T) {
	t.Parallel()
	failing := func(*albsim.LoadBalancer) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "internal detail", http.StatusInternalServerError)
		})
	}
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	hanging := func(*albsim.LoadBalancer) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-release:
			}
		})
	}
	for _, tc := range []struct {
		name   string
		keys   func(*albsim.LoadBalancer) http.Handler
		reason string
		json   bool
	}{
		{"500", failing, "key_status", false},
		{"500 json", failing, "key_status", true},
		{"hanging", hanging, "key_fetch_failed", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			const timeout = 200 * time.Millisecond
			f := newFixture(t, tc.keys, timeout)
			req := f.request(t, "/", f.lb.Claims(albsim.User{}))
			if tc.json {
				req.MultiValueHeaders["accept"] = []string{"application/json"}
			}
			start := time.Now()
			resp := f.handle(t, req)
			if d := time.Since(start); d > timeout+2*time.Second {
				t.Errorf("took %v", d)
			}
			if resp.StatusCode != 503 {
				t.Fatalf("status %d, want 503", resp.StatusCode)
			}
			if tc.json && resp.Body != `{"error":"unavailable"}` {
				t.Errorf("body %q", resp.Body)
			}
			if strings.Contains(resp.Body, "internal detail") || strings.Contains(resp.Body, "key_") {
				t.Error("503 body leaks detail")
			}
			lines := logLines(t, f)
			if len(lines) != 1 || lines[0]["reason"] != tc.reason || lines[0]["level"] != "ERROR" || lines[0]["status"] != 503.0 {
				t.Errorf("log = %v", lines)
			}
		})
	}
}

func TestLogout(t *testing.T) {
	t.Parallel()
	wantLocation := "https://" + testDomain + "/logout?client_id=" + albsim.DefaultClientID + "&logout_uri=https%3A%2F%2Fapp.example.com"
	for _, tc := range []struct {
		name string
		req  events.ALBTargetGroupRequest
	}{
		{"no token", albsim.NewRequest("/logout", "", "")},
		{"garbage token", albsim.NewRequest("/logout", "garbage", "")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, nil, 2*time.Second)
			resp := f.handle(t, tc.req)
			if resp.StatusCode != 302 || resp.Body != "" {
				t.Fatalf("status %d body %q", resp.StatusCode, resp.Body)
			}
			if loc := header(resp, "Location"); len(loc) != 1 || loc[0] != wantLocation {
				t.Errorf("Location = %q, want %q", loc, wantLocation)
			}
			cookies := resp.MultiValueHeaders["Set-Cookie"]
			if len(cookies) != 4 {
				t.Fatalf("Set-Cookie = %q, want 4", cookies)
			}
			for i, c := range cookies {
				want := "AWSELBAuthSessionCookie-" + strconv.Itoa(i) + "=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Secure; HttpOnly"
				if c != want {
					t.Errorf("cookie %d = %q, want %q", i, c, want)
				}
				parsed, err := http.ParseSetCookie(c)
				if err != nil || parsed.MaxAge >= 0 || !parsed.Secure || !parsed.HttpOnly || parsed.Path != "/" || !parsed.Expires.Before(testNow) {
					t.Errorf("cookie %d parses as %+v, %v", i, parsed, err)
				}
			}
			if f.lb.Keys.Requests() != 0 {
				t.Error("logout fetched a key")
			}
			if lines := logLines(t, f); len(lines) != 1 || lines[0]["reason"] != "logout" {
				t.Errorf("log = %v", lines)
			}
		})
	}
	t.Run("single-value", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, nil, 2*time.Second)
		resp := f.handle(t, albsim.SingleValue(albsim.NewRequest("/logout", "", "")))
		if resp.StatusCode != 302 || resp.Headers["Location"] != wantLocation ||
			!strings.HasPrefix(resp.Headers["Set-Cookie"], "AWSELBAuthSessionCookie-0=;") {
			t.Errorf("response %+v", resp)
		}
	})
}

func TestLargestTokenStaysUnderBodyLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil, 2*time.Second)
	c := f.lb.Claims(albsim.User{})
	c["x"] = strings.Repeat("<", 1900) // JSON-escaped to \u003c: close to MaxTokenSize
	req := f.request(t, "/", c)
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

func TestNew(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil, time.Second)
	cfg := webapp.Config{
		Token:             albjwt.Config{ALBARN: f.lb.ARN, ClientID: f.lb.ClientID, Issuer: f.lb.Issuer},
		UserPoolDomain:    testDomain,
		AppURL:            testAppURL,
		SessionCookieName: webapp.DefaultSessionCookieName,
	}
	v, err := albjwt.New(cfg.Token)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := webapp.New(cfg, v, nil); err != nil {
		t.Errorf("New: %v", err)
	}
	if _, err := webapp.New(cfg, nil, nil); err == nil {
		t.Error("New accepted a nil verifier")
	}
	bad := cfg
	bad.AppURL = "http://app.example.com"
	if _, err := webapp.New(bad, v, nil); err == nil || !strings.Contains(err.Error(), "AppURL") {
		t.Errorf("New with bad AppURL: %v", err)
	}
}

// TestLogLineBoundsRequestFields: the method and the path come from the
// client, so the log line keeps at most 256 bytes of the path and 32 of the
// method, however long either is.
func TestLogLineBoundsRequestFields(t *testing.T) {
	f := newFixture(t, nil, time.Second)
	req := f.request(t, "/"+strings.Repeat("p", 4096), nil)
	req.HTTPMethod = strings.Repeat("M", 4096)
	f.handle(t, req)
	lines := logLines(t, f)
	if len(lines) != 1 {
		t.Fatalf("want one log line, got %d", len(lines))
	}
	method, _ := lines[0]["method"].(string)
	path, _ := lines[0]["path"].(string)
	if method == "" || len(method) > 32 {
		t.Errorf("method logged with %d bytes, want 1 to 32", len(method))
	}
	if path == "" || len(path) > 256 {
		t.Errorf("path logged with %d bytes, want 1 to 256", len(path))
	}
}

// TestPageShowsEmailVerification: the email is shown with whether Cognito has
// verified it, so an unverified address is never taken for a proven one.
func TestPageShowsEmailVerification(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil, 2*time.Second)
	for _, tc := range []struct {
		verified any
		want     string
	}{
		{"true", "<dt>Email</dt><dd>ann@example.com <span class=\"note\">(verified)</span></dd>"},
		{"false", "<dt>Email</dt><dd>ann@example.com <span class=\"note\">(not verified)</span></dd>"},
		{nil, "<dt>Email</dt><dd>ann@example.com <span class=\"note\">(not verified)</span></dd>"},
	} {
		c := f.lb.Claims(albsim.User{Email: "ann@example.com"})
		if tc.verified == nil {
			delete(c, "email_verified")
		} else {
			c["email_verified"] = tc.verified
		}
		resp := f.handle(t, f.request(t, "/", c))
		if !strings.Contains(resp.Body, tc.want) {
			t.Errorf("email_verified %v: page lacks %q:\n%s", tc.verified, tc.want, resp.Body)
		}
		req := f.request(t, "/", c)
		req.MultiValueHeaders["accept"] = []string{"application/json"}
		js := f.handle(t, req)
		want := `"email_verified":` + strconv.FormatBool(tc.verified == "true")
		if !strings.Contains(js.Body, want) {
			t.Errorf("email_verified %v: JSON lacks %s: %s", tc.verified, want, js.Body)
		}
	}
}
