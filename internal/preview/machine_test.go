package preview

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// mint asks the preview's token endpoint for a client-credentials token, as
// a script asks Cognito's: HTTP Basic with the client's id and secret.
func mint(t *testing.T, s *Server, c MachineClient, scope string) (int, string) {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}}
	if scope != "" {
		form.Set("scope", scope)
	}
	req, err := http.NewRequest(http.MethodPost, s.TokenEndpoint, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(c.ID, c.Secret)
	resp, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	if resp.StatusCode == http.StatusOK && (body.TokenType != "Bearer" || body.ExpiresIn != 900) {
		t.Errorf("token response type %q, expires_in %d", body.TokenType, body.ExpiresIn)
	}
	return resp.StatusCode, body.AccessToken
}

func machineClient(t *testing.T, s *Server, name string) MachineClient {
	t.Helper()
	for _, c := range s.MachineClients {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no machine client %s in %+v", name, s.MachineClients)
	return MachineClient{}
}

// The whole machine flow against the preview: mint a token at the token
// endpoint, call the API with it and get JSON from the function; a token
// lacking the route's scope, another client's token, no token and a
// browser session get the load balancer's 401 and never reach the function.
func TestPreviewMachineRoutes(t *testing.T) {
	table, err := ExampleMachineRoutes()
	if err != nil {
		t.Fatal(err)
	}
	s := start(t, Options{Routes: table})
	billing, nightly := machineClient(t, s, "billing-sync"), machineClient(t, s, "nightly-report")
	if got := strings.Join(billing.Scopes, " "); got != "https://app.example.com/reports.read https://app.example.com/billing.write" {
		t.Errorf("billing-sync may request %q", got)
	}

	status, tok := mint(t, s, billing, "")
	if status != http.StatusOK || tok == "" {
		t.Fatalf("token endpoint: %d", status)
	}
	resp, body := get(t, s.URL+"api/billing/run", "Authorization", "Bearer "+tok, "Accept", "text/html")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("billing-sync on /api/billing/run: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	var who map[string]any
	if err := json.Unmarshal([]byte(body), &who); err != nil || who["machine"] != true || who["client"] != "billing-sync" {
		t.Errorf("body %s (%v)", body, err)
	}
	if resp.Header.Get("Set-Cookie") != "" {
		t.Errorf("a machine request got a session cookie: %s", resp.Header.Get("Set-Cookie"))
	}

	_, narrow := mint(t, s, billing, "https://app.example.com/reports.read")
	_, nightlyTok := mint(t, s, nightly, "")
	rejected := []struct {
		name, path string
		header     []string
	}{
		{"token lacking the route's scope", "api/billing/run", []string{"Authorization", "Bearer " + narrow}},
		{"a client the route does not list", "api/billing/run", []string{"Authorization", "Bearer " + nightlyTok}},
		{"no token", "api/reports", nil},
		{"Basic credentials", "api/reports", []string{"Authorization", "Basic " + billing.ID + ":" + billing.Secret}},
		{"a browser session cookie", "api/reports", []string{"Cookie", SessionCookie + "=x"}},
	}
	for _, tc := range rejected {
		resp, body := get(t, s.URL+tc.path, tc.header...)
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(resp.Header.Get("X-Preview-Rejected"), "jwt-validation") {
			t.Errorf("%s: %d, X-Preview-Rejected %q; want the load balancer's 401", tc.name, resp.StatusCode, resp.Header.Get("X-Preview-Rejected"))
		}
		if strings.Contains(body, "machine") && strings.Contains(body, "{") {
			t.Errorf("%s: the function answered: %s", tc.name, body)
		}
	}
	// The narrow token still opens the route whose scope it holds.
	if resp, body := get(t, s.URL+"api/reports", "Authorization", "Bearer "+narrow); resp.StatusCode != http.StatusOK {
		t.Errorf("narrow token on /api/reports: %d %s", resp.StatusCode, body)
	}
	// Sign-in routes still sign users in as before.
	if resp, _ := get(t, s.URL+"admin"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("/admin without group admins: %d, want 403", resp.StatusCode)
	}
}

func TestPreviewTokenEndpointRefuses(t *testing.T) {
	table, err := ExampleMachineRoutes()
	if err != nil {
		t.Fatal(err)
	}
	s := start(t, Options{Routes: table})
	nightly := machineClient(t, s, "nightly-report")
	wrong := nightly
	wrong.Secret = "not-the-secret"
	if status, _ := mint(t, s, wrong, ""); status != http.StatusUnauthorized {
		t.Errorf("wrong secret: %d, want 401", status)
	}
	if status, _ := mint(t, s, nightly, "https://app.example.com/billing.write"); status != http.StatusBadRequest {
		t.Errorf("scope the client may not have: %d, want 400", status)
	}
	resp, err := noFollow.Get(s.TokenEndpoint)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", resp.StatusCode)
	}
}
