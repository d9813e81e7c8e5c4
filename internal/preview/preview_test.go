package preview

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
)

// start runs a preview on a free loopback port for the test's duration.
func start(t *testing.T, opts Options) *Server {
	t.Helper()
	s, err := Start("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// The shared client's transport may hold connections it dialled but
		// never used; the server counts those as active for five seconds.
		noFollow.CloseIdleConnections()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return s
}

// noFollow never follows redirects, so a test sees any redirect the
// preview sends.
var noFollow = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

func get(t *testing.T, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// TestPreview runs the real handler behind the preview, as make preview does.
func TestPreview(t *testing.T) {
	t.Parallel()
	claims := albsim.UserClaims(albsim.User{Email: "bob@example.com", Username: "bob", Sub: "sub-bob"})
	claims["custom:note"] = `<script>alert(1)</script>`
	claims["exp"] = 1 // replaced on every request, as the load balancer does
	in := start(t, Options{Claims: claims})
	out := start(t, Options{SignedOut: true})

	for _, tc := range []struct {
		name       string
		srv        *Server
		path       string
		header     []string
		wantStatus int
		want       []string
		notWant    []string
	}{
		{name: "signed in", srv: in, path: "/", wantStatus: 200,
			want:    []string{"Signed in as bob", "bob@example.com", "sub-bob", `href="/logout"`, "&lt;script&gt;alert(1)&lt;/script&gt;"},
			notWant: []string{"<script>"}},
		{name: "signed in, any path and query", srv: in, path: "/a/b?x=1&x=2", wantStatus: 200, want: []string{"bob@example.com"}},
		{name: "signed in as JSON", srv: in, path: "/", header: []string{"Accept", "application/json"}, wantStatus: 200,
			want: []string{`"email":"bob@example.com"`, `"sub":"sub-bob"`}},
		{name: "signed out", srv: out, path: "/", wantStatus: 401, want: []string{"Not signed in", `href="/"`},
			notWant: []string{"alice@example.com"}},
		{name: "signed out as JSON", srv: out, path: "/", header: []string{"Accept", "application/json"}, wantStatus: 401,
			want: []string{`{"error":"unauthorized"}`}},
		{name: "logout stays on the machine", srv: in, path: "/logout", wantStatus: 200,
			want: []string{
				"Signed out",
				"https://" + UserPoolDomain + "/logout?client_id=" + albsim.DefaultClientID + "&amp;logout_uri=https%3A%2F%2Fapp.example.com",
				"AWSELBAuthSessionCookie-0", "AWSELBAuthSessionCookie-3", `href="/"`,
			}},
		{name: "logout while signed out", srv: out, path: "/logout", wantStatus: 200, want: []string{"Signed out", UserPoolDomain}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp, body := get(t, strings.TrimSuffix(tc.srv.URL, "/")+tc.path, tc.header...)
			if resp.StatusCode != tc.wantStatus {
				t.Errorf("status %d, want %d; body:\n%s", resp.StatusCode, tc.wantStatus, body)
			}
			if loc := resp.Header.Get("Location"); loc != "" {
				t.Errorf("preview redirected to %q", loc)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %q:\n%s", w, body)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(body, w) {
					t.Errorf("body has %q:\n%s", w, body)
				}
			}
			if resp.Header.Get("Content-Security-Policy") == "" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("security headers missing: %v", resp.Header)
			}
		})
	}

	resp, _ := get(t, in.URL+"logout")
	cookies := resp.Header.Values("Set-Cookie")
	if len(cookies) != 4 {
		t.Fatalf("logout Set-Cookie = %q, want 4 headers", cookies)
	}
	for i, c := range cookies {
		if want := "AWSELBAuthSessionCookie-" + string(rune('0'+i)) + "=;"; !strings.HasPrefix(c, want) || !strings.Contains(c, "Max-Age=0") {
			t.Errorf("Set-Cookie[%d] = %q, want it to expire %s", i, c, want)
		}
	}
}

func TestCheckAddr(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:8080", true},
		{"127.0.0.1:0", true},
		{"127.1.2.3:80", true},
		{"[::1]:8080", true},
		{"localhost:8080", true},
		{"0.0.0.0:8080", false},
		{":8080", false},
		{"[::]:8080", false},
		{"192.168.1.10:8080", false},
		{"example.com:8080", false},
		{"127.0.0.1", false},
	} {
		if err := CheckAddr(tc.addr); (err == nil) != tc.ok {
			t.Errorf("CheckAddr(%q) = %v, want ok %v", tc.addr, err, tc.ok)
		}
	}
	if _, err := Start("0.0.0.0:0", Options{}); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("Start on all interfaces: %v", err)
	}
}

// TestLoadBalancerPart replaces the handler with a stand-in that records
// the event and answers what each case needs, to check both directions of
// the load balancer's translation through the preview.
func TestLoadBalancerPart(t *testing.T) {
	t.Parallel()
	png := []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0}
	for _, tc := range []struct {
		name       string
		req        func(base string) *http.Request
		resp       events.ALBTargetGroupResponse
		targetErr  error
		checkEvent func(t *testing.T, ev events.ALBTargetGroupRequest)
		wantStatus int
		wantBody   []byte
		wantHeader http.Header
		notHeader  []string
	}{
		{
			name: "event carries a load balancer token and the request",
			req: func(base string) *http.Request {
				r, _ := http.NewRequest("POST", base+"/up%2Fload?a=1&a=2&q=x%20y", bytes.NewReader(png))
				r.Header.Set("Content-Type", "application/octet-stream")
				r.Header.Set("X-Amzn-Oidc-Data", "forged-by-client")
				return r
			},
			resp: events.ALBTargetGroupResponse{StatusCode: 204, MultiValueHeaders: map[string][]string{}},
			checkEvent: func(t *testing.T, ev events.ALBTargetGroupRequest) {
				h := ev.MultiValueHeaders
				if ev.HTTPMethod != "POST" || ev.Path != "/up%2Fload" || !ev.IsBase64Encoded {
					t.Errorf("event %s %s base64 %v", ev.HTTPMethod, ev.Path, ev.IsBase64Encoded)
				}
				if b, err := base64.StdEncoding.DecodeString(ev.Body); err != nil || !bytes.Equal(b, png) {
					t.Errorf("body %q does not decode to the upload: %v", ev.Body, err)
				}
				if q := ev.MultiValueQueryStringParameters; !reflect.DeepEqual(q, map[string][]string{"a": {"1", "2"}, "q": {"x%20y"}}) {
					t.Errorf("query %v", q)
				}
				tok := h["x-amzn-oidc-data"]
				if len(tok) != 1 || tok[0] == "forged-by-client" || strings.Count(tok[0], ".") != 2 || !strings.HasSuffix(tok[0], "=") {
					t.Errorf("x-amzn-oidc-data = %q, want one padded token minted by the preview", tok)
				}
				if id := h["x-amzn-oidc-identity"]; len(id) != 1 || id[0] != "6c7d8e9f-1a2b-4c3d-8e4f-5a6b7c8d9e0f" {
					t.Errorf("x-amzn-oidc-identity = %q", id)
				}
				if len(h["x-amzn-oidc-accesstoken"]) != 1 {
					t.Errorf("no x-amzn-oidc-accesstoken")
				}
			},
			wantStatus: 204,
			wantBody:   []byte{},
		},
		{
			name: "several Set-Cookie and a base64 body",
			resp: events.ALBTargetGroupResponse{StatusCode: 200, IsBase64Encoded: true, Body: base64.StdEncoding.EncodeToString(png),
				MultiValueHeaders: map[string][]string{"Content-Type": {"image/png"}, "Set-Cookie": {"a=1; Path=/", "b=2; Path=/", "c=3; Path=/"}}},
			wantStatus: 200,
			wantBody:   png,
			wantHeader: http.Header{"Content-Type": {"image/png"}, "Set-Cookie": {"a=1; Path=/", "b=2; Path=/", "c=3; Path=/"}},
		},
		{
			name:       "redirect on this machine is passed on",
			resp:       events.ALBTargetGroupResponse{StatusCode: 302, MultiValueHeaders: map[string][]string{"Location": {"/elsewhere"}}},
			wantStatus: 302,
			wantBody:   []byte{},
			wantHeader: http.Header{"Location": {"/elsewhere"}},
		},
		{
			name: "redirect off the machine stops at a local page",
			resp: events.ALBTargetGroupResponse{StatusCode: 303, MultiValueHeaders: map[string][]string{
				"Location": {"https://evil.example/x?a=<b>"}, "Set-Cookie": {"s=; Max-Age=0"}}},
			wantStatus: 200,
			wantBody:   []byte("Redirect to evil.example"),
			wantHeader: http.Header{"Set-Cookie": {"s=; Max-Age=0"}},
			notHeader:  []string{"Location"},
		},
		{
			name:       "handler error is a 502",
			targetErr:  errors.New("boom"),
			wantStatus: 502,
			wantBody:   []byte("502 Bad Gateway"),
		},
		{
			name:       "undecodable base64 is a 502",
			resp:       events.ALBTargetGroupResponse{StatusCode: 200, IsBase64Encoded: true, Body: "%%%"},
			wantStatus: 502,
			wantBody:   []byte("502 Bad Gateway"),
		},
		{
			name: "body over 1 MB is a 413 and never reaches the handler",
			req: func(base string) *http.Request {
				r, _ := http.NewRequest("POST", base+"/", bytes.NewReader(make([]byte, albsim.MaxBody+1)))
				return r
			},
			checkEvent: func(t *testing.T, ev events.ALBTargetGroupRequest) { t.Error("handler called") },
			wantStatus: 413,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			events1 := make(chan events.ALBTargetGroupRequest, 1)
			s := start(t, Options{target: func(_ context.Context, ev events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
				events1 <- ev
				return tc.resp, tc.targetErr
			}})
			base := strings.TrimSuffix(s.URL, "/")
			req, _ := http.NewRequest("GET", base+"/", nil)
			if tc.req != nil {
				req = tc.req(base)
			}
			resp, err := noFollow.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.wantStatus {
				t.Errorf("status %d, want %d; body %q", resp.StatusCode, tc.wantStatus, body)
			}
			switch {
			case tc.wantBody == nil:
			case len(tc.wantBody) == 0 && len(body) != 0:
				t.Errorf("body %q, want none", body)
			case !bytes.Contains(body, tc.wantBody):
				t.Errorf("body %q, want %q", body, tc.wantBody)
			}
			for k, want := range tc.wantHeader {
				v := resp.Header.Values(k)
				if k == "Set-Cookie" {
					// The preview's own session cookie comes first.
					if len(v) == 0 || !strings.HasPrefix(v[0], SessionCookie+"=") {
						t.Errorf("no session cookie first in %q", v)
					} else {
						v = v[1:]
					}
				}
				if !reflect.DeepEqual(v, want) {
					t.Errorf("header %s = %q, want %q", k, v, want)
				}
			}
			for _, k := range tc.notHeader {
				if v := resp.Header.Values(k); len(v) > 0 {
					t.Errorf("header %s = %q, want none", k, v)
				}
			}
			select {
			case ev := <-events1:
				if tc.checkEvent != nil {
					tc.checkEvent(t, ev)
				}
			default:
				if tc.wantStatus != 413 {
					t.Error("the handler was not called")
				}
			}
		})
	}
}

// TestJSONClaimsFromFile checks that numbers decoded with UseNumber (as
// cmd/preview reads -user files) reach the page as numbers.
func TestJSONClaimsFromFile(t *testing.T) {
	t.Parallel()
	s := start(t, Options{Claims: map[string]any{"sub": "s", "custom:level": json.Number("42"), "flags": []any{true, "x"}}})
	_, body := get(t, s.URL, "Accept", "application/json")
	if !strings.Contains(body, `"custom:level":42`) || !strings.Contains(body, `"flags":[true,"x"]`) {
		t.Errorf("body %s", body)
	}
}

// TestRecorder serves one request through the proxy with httptest, without
// a listener for the app.
func TestRecorder(t *testing.T) {
	t.Parallel()
	s := start(t, Options{Claims: map[string]any{"sub": "s", "email": "rec@example.com"}})
	rec := httptest.NewRecorder()
	s.app.Handler.ServeHTTP(rec, httptest.NewRequest("GET", s.URL, nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "rec@example.com") {
		t.Errorf("status %d body %s", rec.Code, rec.Body.String())
	}
}
