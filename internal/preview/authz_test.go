package preview

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/config"
)

// client keeps cookies like a browser but does not follow redirects, so a
// test sees each step.
func client(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func fetch(t *testing.T, c *http.Client, url string, header ...string) (*http.Response, string) {
	t.Helper()
	return send(t, c, "GET", url, header...)
}

func send(t *testing.T, c *http.Client, method, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func exampleRoutes(t *testing.T) Options {
	t.Helper()
	table, err := ExampleRoutes()
	if err != nil {
		t.Fatal(err)
	}
	if len(table.Routes) != 4 || table.Routes[0].Name != "admin" || table.Routes[2].Name != "api-write" {
		t.Fatalf("example routes %+v", table.Routes)
	}
	return Options{Routes: table}
}

// TestAuthorization: the example routes (the recipes of docs/authorization.md) behind the
// preview: an admin area, an API any signed-in user may read and only
// editors may change, for a user in admins and editors and one in none.
func TestAuthorization(t *testing.T) {
	t.Parallel()
	o := exampleRoutes(t)
	o.Groups = []string{"admins", "editors"}
	admin := start(t, o)
	o.Groups = nil
	plain := start(t, o)
	for _, tc := range []struct {
		name   string
		srv    *Server
		method string
		path   string
		accept string
		status int
		want   string
	}{
		{"admin may enter", admin, "GET", "admin/users", "text/html", 200, `<span class="ok">may enter</span>`},
		{"others get 403 naming the group", plain, "GET", "admin", "text/html", 403, "<code>admins</code>"},
		{"any user reads the API", plain, "GET", "api/items", "application/json", 200, `"route":"api-read"`},
		{"HEAD reads too", plain, "HEAD", "api/items", "application/json", 200, ""},
		{"only editors change it", plain, "POST", "api/items", "application/json", 403, `"route":"api-write","required_any_group":["editors"]`},
		{"DELETE as well", plain, "DELETE", "api", "application/json", 403, `"required_any_group":["editors"]`},
		{"an unusual method falls to the writers' route", plain, "PROPFIND", "api/items", "application/json", 403, `"required_any_group":["editors"]`},
		{"an editor changes it", admin, "POST", "api/items", "application/json", 200, `"route":"api-write"`},
		{"partners only for the group", plain, "GET", "partners/x", "application/json", 403, `"required_any_group":["partners"]`},
		{"identity page lists the routes", plain, "GET", "", "text/html", 200, `(not in admins)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := client(t)
			fetch(t, c, tc.srv.URL) // sign in: the deny routes need a session
			resp, body := send(t, c, tc.method, tc.srv.URL+tc.path, "Accept", tc.accept)
			if resp.StatusCode != tc.status || !strings.Contains(body, tc.want) {
				t.Errorf("status %d, want %d; body lacks %q:\n%s", resp.StatusCode, tc.status, tc.want, body)
			}
		})
	}
}

// TestAPIWithoutSession: a fetch() on the deny route without a session
// gets 401 JSON, never a redirect to sign in.
func TestAPIWithoutSession(t *testing.T) {
	t.Parallel()
	s := start(t, exampleRoutes(t))
	resp, body := fetch(t, client(t), s.URL+"api/items", "Accept", "application/json")
	if resp.StatusCode != 401 || body != `{"error":"unauthorized"}` || resp.Header.Get("Location") != "" {
		t.Errorf("status %d Location %q body %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
}

// TestAccessTokenExpiresMidSession walks the -access-token-expired flow: a
// first request signs in; the next carries an expired access token, so
// the function expires the session and sends the browser to the same URL;
// that request starts a new session and lands on the page. A JSON request
// in the same state gets 401 JSON.
func TestAccessTokenExpiresMidSession(t *testing.T) {
	t.Parallel()
	o := exampleRoutes(t)
	o.Groups = []string{"admins"}
	o.AccessTokenExpired = true
	s := start(t, o)
	c := client(t)
	page := s.URL + "admin/users?tab=2"

	resp, body := fetch(t, c, page)
	if resp.StatusCode != 200 || !strings.Contains(body, "Signed in as") {
		t.Fatalf("first request: status %d", resp.StatusCode)
	}
	resp, _ = fetch(t, c, page, "Accept", "application/json")
	if resp.StatusCode != 401 {
		t.Fatalf("JSON request with an expired access token: status %d, want 401", resp.StatusCode)
	}
	resp, _ = fetch(t, c, page)
	if resp.StatusCode != 302 || resp.Header.Get("Location") != "/admin/users?tab=2" {
		t.Fatalf("expired access token: status %d Location %q, want 302 to the same page", resp.StatusCode, resp.Header.Get("Location"))
	}
	var expired bool
	for _, sc := range resp.Header.Values("Set-Cookie") {
		expired = expired || strings.HasPrefix(sc, SessionCookie+"=;")
	}
	if !expired {
		t.Errorf("the session cookie was not expired: %q", resp.Header.Values("Set-Cookie"))
	}
	resp, body = fetch(t, c, s.URL+strings.TrimPrefix(resp.Header.Get("Location"), "/"))
	if resp.StatusCode != 200 || !strings.Contains(body, "Signed in as") {
		t.Fatalf("after the fresh sign-in: status %d:\n%s", resp.StatusCode, body)
	}
}

// TestRoutesFromCDKJSON reads a cdk.json as a synth would: the shipped one
// (the example with stages), written here, so that a user's own values in the
// repository's cdk.json cannot fail this test.
func TestRoutesFromCDKJSON(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(map[string]any{"app": "go run .", "context": config.ExampleStages()})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "cdk.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	table, err := RoutesFromCDKJSON(path, "")
	if err != nil {
		t.Fatal(err)
	}
	// Derived as a synth derives it (Derive never leaves Routes nil).
	if table.Routes == nil || !derived(table) {
		t.Errorf("table %+v", table)
	}
	if _, err := RoutesFromCDKJSON(filepath.Join("..", "..", "go.mod"), ""); err == nil {
		t.Error("go.mod accepted as cdk.json")
	}
}

// TestRoutesFromCDKJSONWithStages: a cdk.json whose stages have different
// route tables needs a stage named; naming one gives that stage's table.
func TestRoutesFromCDKJSONWithStages(t *testing.T) {
	t.Parallel()
	ctx := config.ExampleStages()
	ctx["identityProviders"] = []any{"COGNITO", "Google"}
	ctx["stages"].(map[string]any)["prod"].(map[string]any)["routes"] = config.ExampleRoutes()
	b, err := json.Marshal(map[string]any{"app": "go run .", "context": ctx})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "cdk.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := RoutesFromCDKJSON(path, ""); err == nil || !strings.Contains(err.Error(), "stages dev, prod have different route tables; name one (-stage dev)") {
		t.Errorf("no stage named: err = %v", err)
	}
	prod, err := RoutesFromCDKJSON(path, "prod")
	if err != nil || len(prod.Routes) != len(config.ExampleRoutes()) {
		t.Errorf("stage prod: %d routes, err %v", len(prod.Routes), err)
	}
	dev, err := RoutesFromCDKJSON(path, "dev")
	if err != nil || len(dev.Routes) != 0 {
		t.Errorf("stage dev: %d routes, err %v", len(dev.Routes), err)
	}
	if _, err := RoutesFromCDKJSON(path, "qa"); err == nil || !strings.Contains(err.Error(), `there is no stage "qa"`) {
		t.Errorf("stage qa: err = %v", err)
	}
}
