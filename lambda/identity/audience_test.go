package identity_test

import (
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
)

// An access token Cognito bound to a resource (aud, resource binding) is
// accepted on a machine route only when aud names the site's resource server
// (RESOURCE_SERVER_ID), and a token without aud as before; the refusal's
// log line says bearer_aud_mismatch and names what was expected.
func TestBoundAccessTokens(t *testing.T) {
	t.Parallel()
	sim := simulate(t, machineTable)
	sim.env[identity.EnvMachineClients] = machineClientsJSON
	pool := sim.pool
	bound := func(aud any) string {
		c := pool.MachineClaims(nightlyID, []string{reportsRead}, time.Time{})
		if aud != nil {
			c["aud"] = aud
		}
		tok, err := pool.MintAccess(c)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	for _, tc := range []struct {
		name, resourceServer string
		aud                  any
		status               int
		logged               string
	}{
		{"no aud, no resource server", "", nil, 200, `"reason":"ok"`},
		{"no aud", "https://app.example.com", nil, 200, `"reason":"ok"`},
		{"aud the site's resource server", "https://app.example.com", "https://app.example.com", 200, `"reason":"ok"`},
		{"aud among others", "https://app.example.com", []any{"https://billing.example.com", "https://app.example.com"}, 200, `"reason":"ok"`},
		{"aud another resource", "https://app.example.com", "https://billing.example.com", 401, "want https://app.example.com"},
		{"aud while the site names none", "", "https://app.example.com", 401, "set resourceServerId"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := *sim
			s.env = maps.Clone(sim.env)
			s.env[identity.EnvResourceServerID] = tc.resourceServer
			logs := &lockedBuffer{}
			mw, _ := s.middleware(t, logs, identity.Options{})
			req := httptest.NewRequest(http.MethodGet, "/api/reports", nil)
			req.Header.Set("Authorization", "Bearer "+bound(tc.aud))
			rec := httptest.NewRecorder()
			mw.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })).ServeHTTP(rec, albsim.ForwardHTTP(mw.Routes(), req))
			body, _ := io.ReadAll(rec.Result().Body)
			if rec.Code != tc.status {
				t.Errorf("status %d, want %d: %s", rec.Code, tc.status, body)
			}
			if tc.status == 401 && !strings.Contains(logs.String(), `"reason":"bearer_aud_mismatch"`) {
				t.Errorf("log lacks bearer_aud_mismatch:\n%s", logs.String())
			}
			if !strings.Contains(logs.String(), tc.logged) {
				t.Errorf("log lacks %q:\n%s", tc.logged, logs.String())
			}
			if s, _ := tc.aud.(string); tc.status == 401 && strings.Contains(logs.String(), `"detail":`) && strings.Contains(logs.String(), s) && s != "https://app.example.com" {
				t.Errorf("log echoes the token's aud:\n%s", logs.String())
			}
		})
	}
	env := map[string]string{identity.EnvResourceServerID: "has space"}
	if _, err := identity.ConfigFromEnv(func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "RESOURCE_SERVER_ID: must be a resource server identifier") {
		t.Errorf("RESOURCE_SERVER_ID with a space: %v", err)
	}
}
