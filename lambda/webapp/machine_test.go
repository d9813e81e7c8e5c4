package webapp_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/webapp"
)

// A machine client's request gets JSON even when it accepts HTML: the page
// is never rendered for a machine route.
func TestMachineIdentityGetsJSON(t *testing.T) {
	t.Parallel()
	rt := routes.Route{Name: "reports", Paths: []string{"/api/reports"}, Scopes: []string{"s/read"}, Clients: []string{"job"}}
	id := &identity.Identity{
		Machine: true, Client: "job", ClientID: "jobclientid", Subject: "jobclientid", Scopes: []string{"s/read"},
		AccessVerified: true, Route: rt, Routed: true, ExpiresAt: time.Unix(2000000000, 0),
		AccessClaims: map[string]any{"client_id": "jobclientid", "token_use": "access"},
	}
	req := httptest.NewRequest(http.MethodGet, "/api/reports", nil).WithContext(identity.NewContext(t.Context(), id))
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	rec := httptest.NewRecorder()
	webapp.New(routes.Table{Routes: []routes.Route{rt}}).ServeHTTP(rec, req)
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q, want JSON; body %s", ct, rec.Body.String())
	}
	var got map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got["machine"] != true || got["client"] != "job" || got["client_id"] != "jobclientid" || got["route"] != "reports" || got["username"] != nil {
		t.Errorf("body %s", rec.Body.String())
	}
}

// A signed-in user sees machine routes as closed to them, and why.
func TestUserSeesMachineRoutesAsMachinesOnly(t *testing.T) {
	t.Parallel()
	rt := routes.Route{Name: "reports", Paths: []string{"/api/reports"}, Scopes: []string{"s/read"}, Clients: []string{"job"}}
	id := &identity.Identity{Subject: "u", Username: "alice", AccessVerified: true, Scopes: []string{"s/read"}, ExpiresAt: time.Unix(2000000000, 0)}
	req := httptest.NewRequest(http.MethodGet, "/", nil).WithContext(identity.NewContext(t.Context(), id))
	rec := httptest.NewRecorder()
	webapp.New(routes.Table{Routes: []routes.Route{rt}}).ServeHTTP(rec, req)
	body := rec.Body.String()
	if !strings.Contains(body, "machines only") || !strings.Contains(body, "machine client job") {
		t.Errorf("identity page does not explain the machine route:\n%s", body)
	}
	if ok, _ := id.MayEnter(rt); ok {
		t.Error("MayEnter: a user may enter a machine route")
	}
}
