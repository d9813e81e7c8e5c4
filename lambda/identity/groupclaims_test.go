package identity_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/groupclaim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
)

// groupFixture is the middleware with GROUP_CLAIMS set to gc.
func groupFixture(t *testing.T, gc string) *fixture {
	t.Helper()
	s := simulate(t, testTable)
	s.env[identity.EnvGroupClaims] = gc
	logs := &lockedBuffer{}
	mw, cfg := s.middleware(t, logs, identity.Options{})
	return &fixture{lb: s.lb, pool: s.pool, mw: mw, cfg: cfg, logs: logs}
}

// federated mints x-amzn-oidc-data for alice with extra user claims.
func (f *fixture) federated(t *testing.T, extra map[string]any) string {
	t.Helper()
	c := f.lb.Claims(albsim.User{})
	for k, v := range extra {
		c[k] = v
	}
	tok, err := f.lb.Mint(c)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// rawPayload mints x-amzn-oidc-data whose payload is exactly payload, signed
// by the load balancer's key: JSON that a map cannot produce, such as a
// duplicate member name.
func (f *fixture) rawPayload(t *testing.T, payload string) string {
	t.Helper()
	h, _ := json.Marshal(map[string]any{"typ": "JWT", "alg": "ES256", "kid": f.lb.Key.ID, "signer": f.lb.ARN,
		"iss": f.lb.Issuer, "client": f.lb.ClientID, "exp": f.lb.Expiry().Unix()})
	enc := base64.URLEncoding
	input := enc.EncodeToString(h) + "." + enc.EncodeToString([]byte(payload))
	sig, err := albsim.SignES256(f.lb.Key.Private, []byte(input))
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + enc.EncodeToString(sig)
}

// serveAdmin sends GET /admin with the two tokens and returns the status,
// the identity the application saw (if it ran) and the body.
func (f *fixture) serveAdmin(t *testing.T, user, access string) (int, *identity.Identity, string) {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, "https://app.example.com/admin", nil)
	r.Header.Set(identity.HeaderUserClaims, user)
	if access != "" {
		r.Header.Set(identity.HeaderAccessToken, access)
	}
	r.Header.Set("Accept", "application/json")
	var got *identity.Identity
	var ok bool
	w := httptest.NewRecorder()
	f.mw.Handler(recordIdentity(&got, &ok)).ServeHTTP(w, albsim.ForwardHTTP(f.mw.Routes(), r))
	return w.Code, got, w.Body.String()
}

func TestGroupClaimsInsteadOfCognitoGroups(t *testing.T) {
	t.Parallel()
	f := groupFixture(t, `{"claims":["custom:groups"]}`)
	plain := f.accessToken(t, albsim.Access{})
	cognitoAdmin := f.accessToken(t, albsim.Access{Groups: []string{"admins"}})

	code, id, _ := f.serveAdmin(t, f.federated(t, map[string]any{"custom:groups": "[staff, ops]"}), plain)
	if code != 200 || !slices.Equal(id.Groups, []string{"staff", "ops"}) {
		t.Fatalf("bracketed custom:groups with ops: %d, %+v", code, id)
	}
	if len(id.GroupSources) != 1 || id.GroupSources[0].Claim != "custom:groups" || id.GroupSources[0].Form != groupclaim.FormBracketed {
		t.Errorf("sources %+v", id.GroupSources)
	}
	// Instead of: cognito:groups no longer counts.
	if code, _, _ := f.serveAdmin(t, f.federated(t, nil), cognitoAdmin); code != 403 {
		t.Errorf("cognito:groups admins without custom:groups: %d, want 403", code)
	}
	// Case is significant.
	if code, _, _ := f.serveAdmin(t, f.federated(t, map[string]any{"custom:groups": "Admins"}), plain); code != 403 {
		t.Errorf("Admins entered the admins route: %d", code)
	}
	// The access token is still required on a route with groups.
	if code, _, _ := f.serveAdmin(t, f.federated(t, map[string]any{"custom:groups": "admins"}), ""); code != 401 {
		t.Errorf("no access token: %d, want 401", code)
	}
}

func TestGroupClaimsBesideCognitoGroups(t *testing.T) {
	t.Parallel()
	f := groupFixture(t, `{"claims":["cognito:groups","custom:groups"],"separator":"comma"}`)
	plain := f.accessToken(t, albsim.Access{})
	cognitoOps := f.accessToken(t, albsim.Access{Groups: []string{"ops"}})

	code, id, _ := f.serveAdmin(t, f.federated(t, nil), cognitoOps)
	if code != 200 || !slices.Equal(id.Groups, []string{"ops"}) {
		t.Fatalf("cognito:groups ops: %d, %+v", code, id)
	}
	code, id, _ = f.serveAdmin(t, f.federated(t, map[string]any{"custom:groups": "staff, admins"}), plain)
	if code != 200 || !slices.Equal(id.Groups, []string{"staff", "admins"}) {
		t.Fatalf("comma-separated custom:groups admins: %d, %+v", code, id)
	}
	if len(id.GroupSources) != 2 || id.GroupSources[0].Form != groupclaim.FormAccessToken || id.GroupSources[1].Form != groupclaim.FormSeparated {
		t.Errorf("sources %+v", id.GroupSources)
	}
}

// A claim that is not a list of groups fails every route with groups
// closed, even when another claim would let the user in, with the usual 403
// and one log line naming the claim, its form and count, never its value.
func TestGroupClaimInvalidFailsClosed(t *testing.T) {
	t.Parallel()
	f := groupFixture(t, `{"claims":["cognito:groups","custom:groups"]}`)
	cognitoAdmin := f.accessToken(t, albsim.Access{Groups: []string{"admins"}})
	const secret = `["x,admins","zz-secret-group"]`
	code, _, body := f.serveAdmin(t, f.federated(t, map[string]any{"custom:groups": secret}), cognitoAdmin)
	if code != 403 {
		t.Fatalf("status %d, want 403", code)
	}
	if strings.Contains(body, "zz-secret-group") || strings.Contains(body, "x,admins") {
		t.Errorf("body echoes the claim: %s", body)
	}
	logs := f.logs.String()
	for _, want := range []string{`"reason":"group_claim_invalid"`, "custom:groups", "separator_in_name", "json-in-string", "2 elements"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
	if strings.Contains(logs, "zz-secret-group") {
		t.Errorf("log echoes the claim's value:\n%s", logs)
	}
	if n := strings.Count(logs, `"msg":"request"`); n != 1 {
		t.Errorf("%d request log lines, want 1", n)
	}
	// A route without groups still serves the user.
	r := httptest.NewRequest(http.MethodGet, "https://app.example.com/", nil)
	r.Header.Set(identity.HeaderUserClaims, f.federated(t, map[string]any{"custom:groups": secret}))
	w := httptest.NewRecorder()
	var got *identity.Identity
	var ok bool
	f.mw.Handler(recordIdentity(&got, &ok)).ServeHTTP(w, albsim.ForwardHTTP(f.mw.Routes(), r))
	if w.Code != 200 || got.GroupClaimError == nil || len(got.Groups) != 0 {
		t.Errorf("default route: %d, %+v", w.Code, got)
	}
}

// The verifier refuses a payload with a member name twice (lambda/jwtstrict),
// so a second custom:groups cannot replace the first, whichever a JSON
// decoder would keep.
func TestGroupClaimDuplicateKeyRefused(t *testing.T) {
	t.Parallel()
	f := groupFixture(t, `{"claims":["custom:groups"]}`)
	plain := f.accessToken(t, albsim.Access{})
	base := f.lb.Claims(albsim.User{})
	b, _ := json.Marshal(base)
	for _, payload := range []string{
		strings.TrimSuffix(string(b), "}") + `,"custom:groups":"staff","custom:groups":"admins"}`,
		strings.TrimSuffix(string(b), "}") + `,"custom:groups":"admins","custom:groups":"staff"}`,
		// The same name spelled with an escape is the same member name.
		strings.TrimSuffix(string(b), "}") + `,"custom:groups":"staff","custom:group\u0073":"admins"}`,
	} {
		code, _, _ := f.serveAdmin(t, f.rawPayload(t, payload), plain)
		if code != 401 {
			t.Errorf("duplicate custom:groups: status %d, want 401 (token refused)", code)
		}
	}
	if !strings.Contains(f.logs.String(), `"reason":"token_malformed"`) {
		t.Errorf("no token_malformed log line:\n%s", f.logs.String())
	}
	// Control: the same construction without a duplicate is accepted.
	ok := strings.TrimSuffix(string(b), "}") + `,"custom:groups":"admins"}`
	if code, _, _ := f.serveAdmin(t, f.rawPayload(t, ok), plain); code != 200 {
		t.Errorf("control payload: status %d, want 200", code)
	}
}

func TestGroupClaimsEnv(t *testing.T) {
	t.Parallel()
	s := simulate(t, testTable)
	for _, bad := range []string{`{"claims":["sub"]}`, `custom:groups`, `{"claims":["custom:groups"],"separator":"tab"}`} {
		s.env[identity.EnvGroupClaims] = bad
		_, err := identity.ConfigFromEnv(func(k string) string { return s.env[k] })
		if err == nil || !strings.Contains(err.Error(), identity.EnvGroupClaims+": ") {
			t.Errorf("GROUP_CLAIMS=%s: %v, want an error naming the variable", bad, err)
		}
	}
	s.env[identity.EnvGroupClaims] = ""
	cfg, err := identity.ConfigFromEnv(func(k string) string { return s.env[k] })
	if err != nil || !cfg.GroupClaims.IsDefault() {
		t.Errorf("unset: %+v, %v", cfg.GroupClaims, err)
	}
	cfg.GroupClaims = groupclaim.Config{Claims: []string{"email"}}
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "GroupClaims: ") {
		t.Errorf("Validate with email as group claim: %v", err)
	}
}
