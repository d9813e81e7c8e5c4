package config

import (
	"fmt"
	"strings"
	"testing"
)

// A scope of the resource server the stack creates must be one it defines:
// the server gets exactly the scopes the machine routes require, and
// Cognito refuses an app client a scope its server does not define.
func TestScopesOfTheCreatedResourceServer(t *testing.T) {
	t.Parallel()
	const server = "https://app.example.com"
	admin := func(scopes ...any) map[string]any {
		return map[string]any{"name": "admin", "paths": []any{"/admin", "/admin/*"}, "groups": []any{"admins"}, "scopes": scopes}
	}
	machine := ExampleMachine()["routes"].([]any)[1:]
	wantProblem(t, machineCtx(append([]any{admin(server + "/admin")}, machine...), nil),
		"routes[0].scopes[0]", "which the stack creates (createResourceServer) with only the scopes its machine routes require")
	wantProblem(t, machineCtx(nil, map[string]any{"oauthScopes": []any{"openid", server + "/admin"}}),
		"oauthScopes", "does not define")
	// A scope a machine route defines may be asked by a sign-in route too.
	mustDecode(t, machineCtx(append([]any{admin(server + "/reports.read")}, machine...), nil))
	// With an existing resource server, its scopes are not known at synth.
	ctx := machineCtx(append([]any{admin(server + "/admin")}, machine...), nil)
	delete(ctx, "createResourceServer")
	ctx["resourceServerId"] = server
	mustDecode(t, ctx)
}

// Cognito's limits: the identifier's pattern (no " or \, and no trailing
// slash, which doubles the scopes' slash), a scope of at most 256
// characters, 100 scopes per resource server, 50 per app client.
func TestCognitoScopeLimits(t *testing.T) {
	t.Parallel()
	wantProblem(t, machineCtx(nil, map[string]any{"resourceServerId": `https://app.example.com/"x"`}), "resourceServerId", "not a valid resource server identifier")
	wantProblem(t, machineCtx(nil, map[string]any{"resourceServerId": `app\orders`}), "resourceServerId", "not a valid resource server identifier")
	wantProblem(t, machineCtx(nil, map[string]any{"resourceServerId": "https://app.example.com/"}), "resourceServerId", "double slash")
	wantProblem(t, exampleWith(map[string]any{"routes": []any{map[string]any{"name": "a", "paths": []any{"/a"}, "scopes": []any{`a"b/read`}}}}),
		"routes[0].scopes[0]", "not a valid identifier")
	long := "https://app.example.com/" + strings.Repeat("s", 240)
	wantProblem(t, exampleWith(map[string]any{"oauthScopes": []any{"openid", long}}), "oauthScopes", "at most 256")

	// 101 scopes on the created resource server: 11 machine routes of 10
	// scopes (the load balancer checks at most 10 per route).
	var rs []any
	var clients []any
	n := 0
	for i := range 11 {
		var scopes []any
		for range 10 {
			if n < 101 {
				scopes = append(scopes, fmt.Sprintf("https://app.example.com/s%d", n))
				n++
			}
		}
		client := fmt.Sprintf("client-%d", i)
		clients = append(clients, client)
		rs = append(rs, map[string]any{"name": fmt.Sprintf("r%d", i), "paths": []any{fmt.Sprintf("/r%d/*", i)}, "scopes": scopes, "clients": []any{client}})
	}
	wantProblem(t, machineCtx(rs, map[string]any{"machineClients": clients}), "routes", "Cognito allows a resource server 100")

	// 60 scopes for one machine client: six routes listing it.
	for i := range rs {
		rs[i].(map[string]any)["clients"] = []any{"client-0"}
	}
	wantProblem(t, machineCtx(rs[:6], map[string]any{"machineClients": []any{"client-0"}}), "machineClients", `"client-0" would be granted 60 scopes`)

	// 51 scopes for the site's client: sign-in routes asking for them.
	var signIn []any
	for i := range 6 {
		var scopes []any
		for j := range 9 {
			scopes = append(scopes, fmt.Sprintf("https://api.example.com/s%d-%d", i, j))
		}
		signIn = append(signIn, map[string]any{"name": fmt.Sprintf("r%d", i), "paths": []any{fmt.Sprintf("/r%d/*", i)}, "scopes": scopes})
	}
	wantProblem(t, exampleWith(map[string]any{"routes": signIn}), "routes", "the site's app client would be granted 55 scopes")
}
