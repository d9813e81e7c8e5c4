package preview

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/config"
	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/accesstoken"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/bearer"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// MachineClient is a machine client of the preview's simulated user pool:
// its app client id, a secret made at start, and the scopes it may request
// (those of the machine routes that list it, as the stack grants them).
type MachineClient struct {
	Name, ID, Secret string
	Scopes           []string
}

// TokenPath is the path of the preview's token endpoint, as Cognito's:
// POST /oauth2/token with grant_type=client_credentials.
const TokenPath = "/oauth2/token"

// MachineTokenTTL is how long the preview's machine tokens last: the
// machineTokenValidity default.
const MachineTokenTTL = 15 * time.Minute

// ExampleMachineRoutes returns the route table the stack would build from
// the example configuration with config.ExampleMachine: a sign-in route for
// group admins and two machine routes under /api.
func ExampleMachineRoutes() (routes.Table, error) {
	ctx := config.Example()
	for k, v := range config.ExampleMachine() {
		ctx[k] = v
	}
	c, err := config.FromContext(ctx)
	if err != nil {
		return routes.Table{}, fmt.Errorf("example configuration: %w", err)
	}
	return c.RouteTable(), nil
}

// machineSim plays the load balancer's jwt-validation rules of the machine
// routes and the user pool's token endpoint for the machine clients.
type machineSim struct {
	pool    *albsim.Pool
	clients []MachineClient
	// rules holds one verifier per machine route, configured as the route's
	// listener rule is: the pool's issuer and keys, its clients' ids.
	rules map[string]*accesstoken.Verifier
	now   func() time.Time
}

// newMachineSim makes a client (id and secret) for every machine client the
// table names, and a rule per machine route. jwksURL is the pool's key set.
func newMachineSim(table routes.Table, pool *albsim.Pool, jwksURL string) (*machineSim, error) {
	m := &machineSim{pool: pool, rules: map[string]*accesstoken.Verifier{}, now: time.Now}
	for _, rt := range table.Machine() {
		for _, name := range rt.Clients {
			i := slices.IndexFunc(m.clients, func(c MachineClient) bool { return c.Name == name })
			if i < 0 {
				secret := make([]byte, 24)
				if _, err := rand.Read(secret); err != nil {
					return nil, err
				}
				sum := sha256.Sum256([]byte("preview machine client " + name))
				m.clients = append(m.clients, MachineClient{Name: name, ID: hex.EncodeToString(sum[:13]), Secret: hex.EncodeToString(secret)})
				i = len(m.clients) - 1
			}
			for _, s := range rt.Scopes {
				if !slices.Contains(m.clients[i].Scopes, s) {
					m.clients[i].Scopes = append(m.clients[i].Scopes, s)
				}
			}
		}
	}
	for _, rt := range table.Machine() {
		ids := make([]string, len(rt.Clients))
		for i, name := range rt.Clients {
			ids[i] = m.client(name).ID
		}
		v, err := accesstoken.New(accesstoken.Config{Issuer: pool.Issuer, ClientIDs: ids, JWKSURL: jwksURL})
		if err != nil {
			return nil, err
		}
		m.rules[rt.Name] = v
	}
	return m, nil
}

func (m *machineSim) client(name string) *MachineClient {
	for i := range m.clients {
		if m.clients[i].Name == name {
			return &m.clients[i]
		}
	}
	return nil
}

// ids is the function's MACHINE_CLIENTS value.
func (m *machineSim) ids() string {
	ids := map[string]string{}
	for _, c := range m.clients {
		ids[c.Name] = c.ID
	}
	b, _ := json.Marshal(ids)
	return string(b)
}

// validate is the route's jwt-validation rule: a bearer token in
// Authorization whose signature, iss and exp (nbf and iat when present)
// verify against the pool's key set, and whose additional claims match:
// token_use access, client_id one of the route's clients, scope holding
// every one of the route's scopes. It returns why it would reject the
// request, or "".
func (m *machineSim) validate(r *http.Request, rt routes.Route) string {
	token, reason := bearer.Token(r.Header)
	if reason != "" {
		return reason
	}
	claims, err := m.rules[rt.Name].Verify(r.Context(), token)
	if err != nil {
		return "token: " + err.Error()
	}
	if missing := claims.HasScopes(rt.Scopes...); missing != nil {
		return "scope lacks " + strings.Join(missing, " ")
	}
	return ""
}

// reject answers as the load balancer does when a jwt-validation rule
// rejects a request: 401, without calling the target. The AWS guide does
// not document the body or headers of that response; the preview names the
// reason in a header of its own, X-Preview-Rejected, to help debugging.
func reject(w http.ResponseWriter, reason string) {
	w.Header().Set("X-Preview-Rejected", "load balancer jwt-validation: "+reason)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusUnauthorized)
	fmt.Fprintln(w, "401 Unauthorized (the simulated load balancer's jwt-validation rule rejected the request)")
}

// ServeHTTP is the token endpoint, for the client-credentials grant only, as
// Cognito's /oauth2/token takes it: a form POST with grant_type and an
// optional space-separated scope, the client authenticated with HTTP Basic
// (client_id:client_secret). A missing scope means every scope the client
// may have, as Cognito documents for its GetClientToken API; docs/machine-clients.md's
// curl names the scopes, so it does not depend on that.
func (m *machineSim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fail := func(status int, code string) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"error":%q}`+"\n", code)
	}
	if r.Method != http.MethodPost {
		fail(http.StatusMethodNotAllowed, "invalid_request")
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
	}
	var c *MachineClient
	for i := range m.clients {
		if m.clients[i].ID == id && subtle.ConstantTimeCompare([]byte(m.clients[i].Secret), []byte(secret)) == 1 {
			c = &m.clients[i]
		}
	}
	if err := r.ParseForm(); err != nil {
		fail(http.StatusBadRequest, "invalid_request")
		return
	}
	switch {
	case c == nil:
		fail(http.StatusUnauthorized, "invalid_client")
		return
	case r.PostForm.Get("grant_type") != "client_credentials":
		fail(http.StatusBadRequest, "unsupported_grant_type")
		return
	}
	scopes := c.Scopes
	if s := r.PostForm.Get("scope"); s != "" {
		scopes = strings.Fields(s)
		for _, want := range scopes {
			if !slices.Contains(c.Scopes, want) {
				fail(http.StatusBadRequest, "invalid_scope")
				return
			}
		}
	}
	tok, err := m.pool.MintAccess(m.pool.MachineClaims(c.ID, scopes, m.now().Add(MachineTokenTTL)))
	if err != nil {
		fail(http.StatusInternalServerError, "server_error")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"access_token": tok, "expires_in": int(MachineTokenTTL.Seconds()), "token_type": "Bearer",
	})
}
