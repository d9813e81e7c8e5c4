package preview

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
)

func TestCheckUpstream(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"http://127.0.0.1:9000", "http://localhost:9000", "http://[::1]:9000", "http://127.0.0.2:9000/"} {
		if err := CheckUpstream(u); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	for u, want := range map[string]string{
		"https://127.0.0.1:9000":        "want http://",
		"http://127.0.0.1":              "want http://",
		"127.0.0.1:9000":                "want http://",
		"http://127.0.0.1:9000/app":     "want http://",
		"http://127.0.0.1:9000/?x=1":    "want http://",
		"http://u:p@127.0.0.1:9000":     "want http://",
		"http://10.0.0.5:9000":          "not loopback",
		"http://0.0.0.0:9000":           "not loopback",
		"http://example.com:9000":       "not loopback",
		"http://127.0.0.1.nip.io:9000":  "not loopback",
		"http://[::ffff:10.0.0.1]:9000": "not loopback",
	} {
		if err := CheckUpstream(u); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", u, err, want)
		}
	}
	if _, err := Start("127.0.0.1:0", Options{Upstream: "http://192.0.2.1:80"}); err == nil || !strings.Contains(err.Error(), "not loopback") {
		t.Errorf("Start with a remote upstream: %v", err)
	}
	if _, err := Start("127.0.0.1:0", Options{Upstream: "http://127.0.0.1:9", Function: "lambda/notes"}); err == nil {
		t.Error("Start with a function and an upstream succeeded")
	}
}

// TestUpstream puts the preview in front of an HTTP server that runs the
// identity middleware configured only by the preview's UpstreamConfig: a
// signed-in page, a route the user's groups do not open, sign-out, and the
// upstream going away.
func TestUpstream(t *testing.T) {
	t.Parallel()
	table, err := ExampleRoutes()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := Start("127.0.0.1:0", Options{Routes: table, Groups: []string{"engineering"}, Upstream: "http://" + ln.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown(context.Background())
	if strings.Contains(string(srv.UpstreamConfig), identity.EnvTargetGroupPrefix) || !strings.Contains(string(srv.UpstreamConfig), `"IDENTITY_TARGET":"http"`) {
		t.Fatalf("UpstreamConfig %s", srv.UpstreamConfig)
	}
	mw, err := identity.FromDocument(srv.UpstreamConfig, identity.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	up := &http.Server{Handler: mw.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, _ := identity.FromContext(r.Context())
		fmt.Fprintf(w, "hello %s from %s via %s", id.Email, r.Host, r.Header.Get("X-Forwarded-Proto"))
	})), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = up.Serve(ln) }()

	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := client.Get(srv.URL + strings.TrimPrefix(path, "/"))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	host := strings.TrimSuffix(strings.TrimPrefix(srv.URL, "http://"), "/")
	if status, body := get("/"); status != 200 || body != "hello alice@example.com from "+host+" via http" {
		t.Errorf("GET /: %d %q", status, body)
	}
	if status, _ := get("/admin/"); status != 403 {
		t.Errorf("GET /admin/ without admins: %d", status)
	}
	if status, _ := get("/%61dmin/"); status != 400 {
		t.Errorf("GET /%%61dmin/: %d", status)
	}
	if status, body := get("/logout"); status != 200 || !strings.Contains(body, "would redirect") {
		t.Errorf("GET /logout: %d %q", status, body)
	}
	_ = up.Close()
	if status, _ := get("/"); status != 502 {
		t.Errorf("upstream gone: %d, want 502", status)
	}
}
