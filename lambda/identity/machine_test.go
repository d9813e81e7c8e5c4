package identity_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

const (
	reportsRead  = "https://app.example.com/reports.read"
	billingWrite = "https://app.example.com/billing.write"
	nightlyID    = "nightlyclient0123456789abc"
	billingID    = "billingclient0123456789abc"
	otherID      = "otherclient0123456789abcde" // a client of the pool that is no machine client
)

// machineTable has a sign-in route and two machine routes.
var machineTable = routes.Table{
	Routes: []routes.Route{
		{Name: "admin", Paths: []string{"/admin", "/admin/*"}, Groups: []string{"admins"}, Priority: 100},
		{Name: "reports", Paths: []string{"/api/reports", "/api/reports/*"}, Scopes: []string{reportsRead}, Clients: []string{"nightly-report", "billing-sync"}, Priority: 200},
		{Name: "billing", Paths: []string{"/api/billing/*"}, Scopes: []string{billingWrite, reportsRead}, Clients: []string{"billing-sync"}, Priority: 300},
	},
}

type machineFixture struct {
	*fixture
	other *albsim.Pool // another user pool, with its own key and issuer
}

func newMachineFixture(t testing.TB) *machineFixture {
	t.Helper()
	s := simulate(t, machineTable)
	other, err := albsim.NewPool(albsim.PoolConfig{Issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other0000"})
	if err != nil {
		t.Fatal(err)
	}
	s.env[identity.EnvMachineClients] = machineClientsJSON
	logs := &lockedBuffer{}
	mw, cfg := s.middleware(t, logs, identity.Options{})
	return &machineFixture{fixture: &fixture{lb: s.lb, pool: s.pool, mw: mw, cfg: cfg, logs: logs}, other: other}
}

// machineClientsJSON is MACHINE_CLIENTS for machineTable.
var machineClientsJSON = `{"billing-sync":"` + billingID + `","nightly-report":"` + nightlyID + `"}`

// machineToken mints a client-credentials access token of pool p.
func machineToken(t testing.TB, p *albsim.Pool, clientID string, scopes []string, exp time.Time) string {
	t.Helper()
	tok, err := p.MintAccess(p.MachineClaims(clientID, scopes, exp))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// unsigned returns a token with header alg and the given payload, signed
// with sig (base64url) or not at all.
func unsigned(t testing.TB, header map[string]any, claims map[string]any, sig string) string {
	t.Helper()
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	enc := base64.RawURLEncoding
	return enc.EncodeToString(h) + "." + enc.EncodeToString(c) + "." + sig
}

// Every hostile bearer request is refused before the application runs, with
// JSON and a Bearer challenge, and the body never holds the token.
func TestMachineRouteRefusesHostileBearers(t *testing.T) {
	t.Parallel()
	f := newMachineFixture(t)
	good := func() string {
		return machineToken(t, f.pool, billingID, []string{reportsRead, billingWrite}, time.Time{})
	}
	user := albsim.User{}
	hs256 := func() string {
		claims := f.pool.MachineClaims(billingID, []string{reportsRead, billingWrite}, time.Time{})
		h, _ := json.Marshal(map[string]any{"alg": "HS256", "kid": f.pool.KID})
		c, _ := json.Marshal(claims)
		enc := base64.RawURLEncoding
		input := enc.EncodeToString(h) + "." + enc.EncodeToString(c)
		mac := hmac.New(sha256.New, []byte(f.pool.JWKS.Body()))
		mac.Write([]byte(input))
		return input + "." + enc.EncodeToString(mac.Sum(nil))
	}
	cases := []struct {
		name    string
		path    string
		headers map[string][]string
		status  int
		reason  string
	}{
		{"no token", "/api/reports", nil, 401, "bearer_missing"},
		{"malformed token", "/api/reports", map[string][]string{"Authorization": {"Bearer not-a-jwt"}}, 401, "bearer_token_malformed"},
		{"Basic scheme", "/api/reports", map[string][]string{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(billingID+":secret"))}}, 401, "bearer_wrong_scheme"},
		{"two Authorization headers", "/api/reports", map[string][]string{"Authorization": {"Bearer " + good(), "Bearer " + good()}}, 401, "bearer_duplicate"},
		{"token with trailing data", "/api/reports", map[string][]string{"Authorization": {"Bearer " + good() + " x"}}, 401, "bearer_malformed"},
		{"ID token", "/api/reports", map[string][]string{"Authorization": {"Bearer " + func() string {
			c := f.pool.MachineClaims(billingID, []string{reportsRead}, time.Time{})
			c["token_use"], c["aud"] = "id", billingID
			tok, _ := f.pool.MintAccess(c)
			return tok
		}()}}, 401, "bearer_token_use_mismatch"},
		{"a user's access token on a machine-only route", "/api/reports", map[string][]string{"Authorization": {"Bearer " + f.accessToken(t, albsim.Access{Scopes: []string{"openid", reportsRead}})}}, 401, "bearer_client_mismatch"},
		{"another client of the pool", "/api/reports", map[string][]string{"Authorization": {"Bearer " + machineToken(t, f.pool, otherID, []string{reportsRead}, time.Time{})}}, 401, "bearer_client_mismatch"},
		{"a machine client the route does not list", "/api/billing/run", map[string][]string{"Authorization": {"Bearer " + machineToken(t, f.pool, nightlyID, []string{reportsRead, billingWrite}, time.Time{})}}, 403, "client_not_allowed"},
		{"missing scope", "/api/billing/run", map[string][]string{"Authorization": {"Bearer " + machineToken(t, f.pool, billingID, []string{reportsRead}, time.Time{})}}, 403, "scope_missing"},
		{"expired", "/api/reports", map[string][]string{"Authorization": {"Bearer " + machineToken(t, f.pool, billingID, []string{reportsRead}, time.Now().Add(-time.Minute))}}, 401, "bearer_expired"},
		{"another pool", "/api/reports", map[string][]string{"Authorization": {"Bearer " + machineToken(t, f.other, billingID, []string{reportsRead}, time.Time{})}}, 401, "bearer_issuer_mismatch"},
		{"another pool's key under this pool's issuer", "/api/reports", map[string][]string{"Authorization": {"Bearer " + func() string {
			c := f.other.MachineClaims(billingID, []string{reportsRead}, time.Time{})
			c["iss"] = f.pool.Issuer
			tok, _ := f.other.MintAccess(c)
			return tok
		}()}}, 401, "bearer_kid_unknown"},
		{"alg none, no signature", "/api/reports", map[string][]string{"Authorization": {"Bearer " + unsigned(t, map[string]any{"alg": "none", "kid": f.pool.KID},
			f.pool.MachineClaims(billingID, []string{reportsRead}, time.Time{}), "")}}, 401, "bearer_token_malformed"},
		{"alg none, with a signature", "/api/reports", map[string][]string{"Authorization": {"Bearer " + unsigned(t, map[string]any{"alg": "none", "kid": f.pool.KID},
			f.pool.MachineClaims(billingID, []string{reportsRead}, time.Time{}), "c2ln")}}, 401, "bearer_bad_alg"},
		{"HS256 keyed with the JWKS", "/api/reports", map[string][]string{"Authorization": {"Bearer " + hs256()}}, 401, "bearer_bad_alg"},
		{"session cookie and user headers, no bearer", "/api/reports", map[string][]string{
			"Cookie":                   {"AWSELBAuthSessionCookie-0=opaque"},
			identity.HeaderUserClaims:  {f.userToken(t, user)},
			identity.HeaderAccessToken: {f.accessToken(t, albsim.Access{Scopes: []string{"openid", reportsRead}})},
		}, 401, "bearer_missing"},
		{"user's access token as bearer plus valid user claims", "/api/reports", map[string][]string{
			"Authorization":           {"Bearer " + f.accessToken(t, albsim.Access{Scopes: []string{"openid", reportsRead}})},
			identity.HeaderUserClaims: {f.userToken(t, user)},
		}, 401, "bearer_client_mismatch"},
	}
	for _, tc := range cases {
		// In sequence, so that each case's log line is the one it wrote.
		t.Run(tc.name, func(t *testing.T) {
			before := len(f.logs.String())
			req := httptest.NewRequest(http.MethodGet, tc.path, nil)
			req.Header.Set("Accept", "text/html") // a browser's Accept still gets JSON
			for k, vs := range tc.headers {
				for _, v := range vs {
					req.Header.Add(k, v)
				}
			}
			rec := httptest.NewRecorder()
			f.mw.Handler(mustNotRun(t)).ServeHTTP(rec, albsim.ForwardHTTP(f.mw.Routes(), req))
			res := rec.Result()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tc.status {
				t.Errorf("status %d, want %d; body %s", res.StatusCode, tc.status, body)
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q: a machine route must answer JSON", ct)
			}
			if ch := res.Header.Get("WWW-Authenticate"); !strings.HasPrefix(ch, "Bearer") {
				t.Errorf("WWW-Authenticate %q, want a Bearer challenge", ch)
			}
			for _, vs := range tc.headers {
				for _, v := range vs {
					for _, part := range strings.Split(v, ".") {
						if len(part) > 20 && strings.Contains(string(body), part) {
							t.Errorf("body echoes part of a token: %s", body)
						}
					}
				}
			}
			if line := f.logs.String()[before:]; !strings.Contains(line, `"reason":"`+tc.reason+`"`) {
				t.Errorf("log line without reason %s:\n%s", tc.reason, line)
			}
			if tc.status == 403 && tc.reason == "scope_missing" && !strings.Contains(string(body), billingWrite) {
				t.Errorf("403 body does not name the missing scope: %s", body)
			}
		})
	}
}

// A valid token gets the application, with a machine identity; forged
// x-amzn-oidc-* headers and a session cookie added to it change nothing,
// and the application never sees them.
func TestMachineRouteAcceptsItsClientAndIgnoresUserHeaders(t *testing.T) {
	t.Parallel()
	f := newMachineFixture(t)
	tok := machineToken(t, f.pool, billingID, []string{reportsRead, billingWrite}, time.Time{})
	forged := map[string]string{
		identity.HeaderUserClaims:  f.userToken(t, albsim.User{Sub: "forged-user", Username: "mallory"}),
		identity.HeaderAccessToken: f.accessToken(t, albsim.Access{Sub: "forged-user", Groups: []string{"admins"}, Scopes: []string{"openid", reportsRead}}),
		"X-Amzn-Oidc-Identity":     "forged-user",
		"Cookie":                   "AWSELBAuthSessionCookie-0=opaque",
	}
	for _, withForged := range []bool{false, true} {
		var got *identity.Identity
		var sawOIDC bool
		app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got, _ = identity.FromContext(r.Context())
			for k := range r.Header {
				sawOIDC = sawOIDC || strings.HasPrefix(strings.ToLower(k), "x-amzn-oidc-")
			}
			w.WriteHeader(http.StatusOK)
		})
		req := httptest.NewRequest(http.MethodGet, "/api/billing/run", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		if withForged {
			for k, v := range forged {
				req.Header.Set(k, v)
			}
		}
		rec := httptest.NewRecorder()
		f.mw.Handler(app).ServeHTTP(rec, albsim.ForwardHTTP(f.mw.Routes(), req))
		if rec.Code != http.StatusOK || got == nil {
			t.Fatalf("forged=%v: status %d, identity %v", withForged, rec.Code, got)
		}
		if !got.Machine || got.Client != "billing-sync" || got.ClientID != billingID || got.Subject != billingID ||
			got.Username != "" || len(got.Groups) != 0 || got.Claims != nil || got.Route.Name != "billing" {
			t.Errorf("forged=%v: identity %+v", withForged, got)
		}
		if sawOIDC {
			t.Errorf("forged=%v: the application saw x-amzn-oidc-* headers", withForged)
		}
	}
	// The other machine route takes both its clients.
	for _, id := range []string{nightlyID, billingID} {
		req := httptest.NewRequest(http.MethodGet, "/api/reports", nil)
		req.Header.Set("Authorization", "bearer "+machineToken(t, f.pool, id, []string{reportsRead}, time.Time{}))
		rec := httptest.NewRecorder()
		f.mw.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})).ServeHTTP(rec, albsim.ForwardHTTP(f.mw.Routes(), req))
		if rec.Code != http.StatusOK {
			t.Errorf("client %s on /api/reports: %d", id, rec.Code)
		}
	}
}

// A machine token opens no sign-in route, and a sign-in route ignores
// Authorization: machines and users stay on their own paths.
func TestMachineTokenOpensNoSignInRoute(t *testing.T) {
	t.Parallel()
	f := newMachineFixture(t)
	req := httptest.NewRequest(http.MethodGet, "/admin", nil)
	req.Header.Set("Authorization", "Bearer "+machineToken(t, f.pool, billingID, []string{reportsRead, billingWrite}, time.Time{}))
	req.Header.Set("Accept", "application/json")
	rec := httptest.NewRecorder()
	f.mw.Handler(mustNotRun(t)).ServeHTTP(rec, albsim.ForwardHTTP(f.mw.Routes(), req))
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("machine token on /admin: %d, want 401 (no user claims)", rec.Code)
	}
}

// A function whose route table names a machine client without an id fails
// at start.
func TestMachineClientsMustCoverTheTable(t *testing.T) {
	t.Parallel()
	table, _ := machineTable.JSON()
	env := map[string]string{
		identity.EnvALBARN: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/x/0123456789abcdef", identity.EnvClientID: "c",
		identity.EnvIssuer: albsim.DefaultIssuer, identity.EnvUserPoolDomain: testDomain, identity.EnvAppURL: testAppURL, identity.EnvTargetGroupPrefix: albsim.TargetGroupPrefix,
		identity.EnvRouteTable: string(table), identity.EnvMachineClients: `{"nightly-report":"` + nightlyID + `"}`,
	}
	_, err := identity.ConfigFromEnv(func(k string) string { return env[k] })
	if err == nil || strings.Count(err.Error(), `"billing-sync"`) != 1 || !strings.Contains(err.Error(), identity.EnvMachineClients) {
		t.Errorf("ConfigFromEnv: %v; want one problem naming MACHINE_CLIENTS and billing-sync", err)
	}
}
