package config

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestMachineDefaults(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		set        map[string]any
		wantServer string
		wantTokens time.Duration
	}{
		{"none", nil, "", 15 * time.Minute},
		{"created, identifier from the site URL", withMachineRoute("https://app.example.com", map[string]any{"createResourceServer": "true"}), "https://app.example.com", 15 * time.Minute},
		{"created, identifier given", withMachineRoute("orders", map[string]any{"createResourceServer": true, "resourceServerId": "orders"}), "orders", 15 * time.Minute},
		{"existing", map[string]any{"resourceServerId": "https://api.example.com", "machineTokenValidity": "1h"}, "https://api.example.com", time.Hour},
	}
	for _, tc := range cases {
		c, err := FromContext(exampleWith(tc.set))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if c.ResourceServerID != tc.wantServer || c.MachineTokenValidity != tc.wantTokens {
			t.Errorf("%s: resource server %q, token validity %s; want %q, %s", tc.name, c.ResourceServerID, c.MachineTokenValidity, tc.wantServer, tc.wantTokens)
		}
	}
}

// withMachineRoute adds a machine client and a machine route requiring a scope
// of resource server server to set.
func withMachineRoute(server string, set map[string]any) map[string]any {
	set["machineClients"] = "nightly-report"
	set["routes"] = []any{map[string]any{
		"name": "reports", "paths": []any{"/api/reports/*"},
		"scopes": []any{server + "/reports.read"}, "clients": []any{"nightly-report"},
	}}
	return set
}

func TestMachineRouteProblems(t *testing.T) {
	t.Parallel()
	route := func(fields map[string]any) []any {
		r := map[string]any{"name": "reports", "paths": []any{"/api/reports/*"}, "scopes": []any{"https://app.example.com/reports.read"}, "clients": []any{"nightly-report"}}
		for k, v := range fields {
			if v == nil {
				delete(r, k)
			} else {
				r[k] = v
			}
		}
		return []any{r}
	}
	base := func(fields map[string]any) map[string]any {
		return map[string]any{"machineClients": "nightly-report", "createResourceServer": true, "routes": route(fields)}
	}
	cases := []struct {
		name      string
		set       map[string]any
		key, hint string
	}{
		{"unknown client", base(map[string]any{"clients": []any{"nightly-report", "billing"}}), "routes[0].clients[1]", "not in machineClients"},
		{"client on no route", map[string]any{"machineClients": "nightly-report,idle", "createResourceServer": true, "routes": route(nil)}, "machineClients", `"idle" is listed by no route`},
		{"scope of another server", base(map[string]any{"scopes": []any{"https://other.example.com/read"}}), "routes[0].scopes[0]", "not a scope of resource server https://app.example.com"},
		{"no scope", base(map[string]any{"scopes": nil}), "routes[0].scopes", "a machine route requires 1 to 10 custom scopes"},
		{"user scope", base(map[string]any{"scopes": []any{"email"}}), "routes[0].scopes[0]", "user scope"},
		{"groups", base(map[string]any{"groups": []any{"admins"}}), "routes[0].groups", "no groups"},
		{"deny", base(map[string]any{"onUnauthenticatedRequest": "deny"}), "routes[0].onUnauthenticatedRequest", "always gets 401"},
		{"eleven clients", base(map[string]any{"clients": []any{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"}}), "routes[0].clients", "at most 10"},
		{"client named badly", base(map[string]any{"clients": []any{"-x"}}), "routes[0].clients[0]", "not a machine client name"},
		{"server with no machine route", map[string]any{"createResourceServer": true}, "createResourceServer", "no route lists clients"},
	}
	for _, tc := range cases {
		_, err := FromContext(exampleWith(tc.set))
		var ps Problems
		if !errors.As(err, &ps) {
			t.Errorf("%s: err = %v, want Problems", tc.name, err)
			continue
		}
		found := false
		for _, p := range ps {
			if p.Key == tc.key && strings.Contains(p.Message, tc.hint) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no problem for %s containing %q; got:\n%v", tc.name, tc.key, tc.hint, err)
		}
	}
}

func TestExampleMachineValidates(t *testing.T) {
	t.Parallel()
	ctx := Example()
	for k, v := range ExampleMachine() {
		ctx[k] = v
	}
	c, err := FromContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.RouteTable().Machine()); n != 2 {
		t.Errorf("%d machine routes, want 2", n)
	}
}

func TestMachineRouteFieldsDecode(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, hint string
		route      map[string]any
	}{
		{"misspelt clients", "did you mean clients", map[string]any{"name": "r", "paths": []any{"/api/*"}, "client": []any{"job"}}},
		{"clients not a list", "a list of strings", map[string]any{"name": "r", "paths": []any{"/api/*"}, "clients": 3.0}},
	}
	for _, tc := range cases {
		_, err := FromContext(exampleWith(map[string]any{"routes": []any{tc.route}}))
		if err == nil || !strings.Contains(err.Error(), tc.hint) {
			t.Errorf("%s: %v; want %q", tc.name, err, tc.hint)
		}
	}
}

// The machine clients' ids count against the function's environment with
// the route table.
func TestMachineClientsFitTheEnvironment(t *testing.T) {
	t.Parallel()
	var names []any
	var routesList []any
	for i := range 40 {
		name := fmt.Sprintf("a-rather-long-machine-client-name-%02d", i)
		names = append(names, name)
		if i%10 == 0 {
			routesList = append(routesList, map[string]any{"name": fmt.Sprintf("r%d", i), "paths": []any{fmt.Sprintf("/api/r%d/*", i)},
				"scopes": []any{"https://app.example.com/read"}, "clients": []any{}})
		}
		r := routesList[len(routesList)-1].(map[string]any)
		r["clients"] = append(r["clients"].([]any), name)
	}
	_, err := FromContext(exampleWith(map[string]any{"machineClients": names, "createResourceServer": true, "routes": routesList}))
	if err == nil || !strings.Contains(err.Error(), "machineClients: the route table, the machine clients' ids and the resource server's identifier take about") {
		t.Errorf("FromContext: %v; want the environment budget problem", err)
	}
}

// Two machine clients whose names differ only in case and hyphens would
// have one output id (MachineClientIdNightlyReport), which stopped synth
// with a stack trace: refused, naming both.
func TestMachineClientOutputIDsCollide(t *testing.T) {
	t.Parallel()
	for _, pair := range [][2]string{{"nightly-report", "NightlyReport"}, {"nightly-report", "nightly--report"}, {"billing", "Billing"}} {
		routes := []any{map[string]any{"name": "reports", "paths": []any{"/api/reports/*"},
			"scopes": []any{"https://app.example.com/reports.read"}, "clients": []any{pair[0], pair[1]}}}
		ctx := exampleWith(map[string]any{"machineClients": []any{pair[0], pair[1]}, "createResourceServer": true, "routes": routes})
		_, err := FromContext(ctx)
		var ps Problems
		if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Key != "machineClients" ||
			!strings.Contains(ps[0].Message, fmt.Sprintf("%q and %q would both have the stack output %s", pair[0], pair[1], MachineClientOutputID(pair[0]))) {
			t.Errorf("%v: got %v", pair, err)
		}
	}
	if got := MachineClientOutputID("nightly-report"); got != "MachineClientIdNightlyReport" {
		t.Errorf("MachineClientOutputID(nightly-report) = %s", got)
	}
}
