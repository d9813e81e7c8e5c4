package config

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// wantProblem asserts that ctx is refused with a problem of key whose message
// contains hint.
func wantProblem(t *testing.T, ctx map[string]any, key, hint string) {
	t.Helper()
	_, err := FromContext(ctx)
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("FromContext = %v, want a problem of %s", err, key)
	}
	for _, p := range ps {
		if p.Key == key && strings.Contains(p.Message, hint) {
			return
		}
	}
	t.Errorf("no problem of %s containing %q; got:\n%v", key, hint, err)
}

// machineCtx is the example with config.ExampleMachine's two machine
// clients, resource server (created, https://app.example.com) and routes,
// with the routes replaced when routes is not nil.
func machineCtx(routes []any, set map[string]any) map[string]any {
	ctx := Example()
	for k, v := range ExampleMachine() {
		ctx[k] = v
	}
	if routes != nil {
		ctx["routes"] = routes
	}
	for k, v := range set {
		ctx[k] = v
	}
	return ctx
}

// An explicitly empty groups, scopes or clients list decodes to the same
// route as leaving the field out: no group, no scope, a sign-in route
// instead of a machine route. Writing one is a mistake, so it is refused,
// from cdk.json and from -c alike; a priority of 0 likewise.
func TestExplicitEmptyRouteFieldsAreRefused(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, field, value, hint string
	}{
		{"no groups", "groups", `[]`, "every signed-in user would enter"},
		{"no scopes", "scopes", `[]`, "requires no scope"},
		{"no clients", "clients", `[]`, "not a machine route"},
		{"no methods", "methods", `[]`, "means every method"},
		{"priority 0", "priority", `0`, "0 is not a listener rule priority"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cli := fmt.Sprintf(`[{"name":"admin","paths":["/admin/*"],"%s":%s}]`, tc.field, tc.value)
			wantProblem(t, exampleWith(map[string]any{"routes": cli}), "routes[0]."+tc.field, tc.hint)
			var v any = []any{}
			if tc.field == "priority" {
				v = 0.0
			}
			json := []any{map[string]any{"name": "admin", "paths": []any{"/admin/*"}, tc.field: v}}
			wantProblem(t, exampleWith(map[string]any{"routes": json}), "routes[0]."+tc.field, tc.hint)
		})
	}
	// A machine route whose clients are [] is refused, not turned into a
	// sign-in route; null still means "not set".
	routes := ExampleMachine()["routes"].([]any)
	routes[1].(map[string]any)["clients"] = []any{}
	wantProblem(t, machineCtx(routes, nil), "routes[1].clients", "not a machine route")
	mustDecode(t, exampleWith(map[string]any{"routes": `[{"name":"admin","paths":["/admin/*"],"groups":null,"priority":null}]`}))
}

// A route priority outside 1..50000 is refused, whether given or derived.
func TestRoutePrioritiesOutOfRange(t *testing.T) {
	t.Parallel()
	r := func(name string, prio any) map[string]any {
		m := map[string]any{"name": name, "paths": []any{"/" + name + "/*"}}
		if prio != nil {
			m["priority"] = prio
		}
		return m
	}
	wantProblem(t, exampleWith(map[string]any{"routes": []any{r("a", -5.0)}}), "routes[0].priority", "out of range")
	wantProblem(t, exampleWith(map[string]any{"routes": []any{r("a", 50001.0)}}), "routes[0].priority", "out of range")
	wantProblem(t, exampleWith(map[string]any{"routes": []any{r("a", 50000.0), r("b", nil)}}), "routes[1].priority",
		"is not set, and the priority derived for it, 50100 (the next multiple of 100 after routes[0]'s 50000), is above 50000")
	mustDecode(t, exampleWith(map[string]any{"routes": []any{r("a", 1.0), r("b", 50000.0)}}))
}
