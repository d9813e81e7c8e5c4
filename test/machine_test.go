package test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/alb-cognito/alb-cognito-cdk/config"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/bearer"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// machineContext is the example plus config.ExampleMachine: two machine
// clients, machine routes under /api next to a sign-in route, and the
// resource server created by the stack (its identifier defaults to the
// site's URL).
func machineContext() map[string]any {
	ctx := exampleContext(config.ExampleMachine())
	ctx["stackName"] = "AlbCognitoSiteMachine"
	return ctx
}

var machineSite = shared("machine", func() (*synthesized, error) { return synth(machineContext()) })

// Each machine route is a listener rule whose first action is jwt-validation
// against the pool's issuer and key set, with the additional claims written
// through the escape hatch, then forward to the function's target group.
func TestMachineRulesValidateTheBearerToken(t *testing.T) {
	s := machineSite(t)
	issuer := `{"Fn::Join":["",["https://cognito-idp.eu-west-1.",{"Ref":"AWS::URLSuffix"},"/eu-west-1_Example1"]]}`
	jwks := `{"Fn::Join":["",["https://cognito-idp.eu-west-1.",{"Ref":"AWS::URLSuffix"},"/eu-west-1_Example1/.well-known/jwks.json"]]}`
	clientRef := map[string]string{}
	for id, r := range s.resources("AWS::Cognito::UserPoolClient") {
		if name, ok := props(r)["ClientName"].(string); ok {
			clientRef[name] = `{"Ref":"` + id + `"}`
		}
	}
	prefix, _ := s.functionEnv(t)["TARGET_GROUP_PREFIX"].(string)
	table, err := config.FromContext(machineContext())
	if err != nil {
		t.Fatal(err)
	}
	tgOf := map[string]string{} // first path -> its target group's logical id
	for _, r := range table.RouteTable().Machine() {
		tgOf[r.Paths[0]] = s.targetGroups()[routes.TargetGroupName(prefix, r.Policy())]
	}
	want := map[string]struct{ paths, clients, scopes string }{
		"/api/reports":   {`["/api/reports","/api/reports/*"]`, "[" + clientRef["nightly-report"] + "," + clientRef["billing-sync"] + "]", `["https://app.example.com/reports.read"]`},
		"/api/billing/*": {`["/api/billing/*"]`, "[" + clientRef["billing-sync"] + "]", `["https://app.example.com/billing.write","https://app.example.com/reports.read"]`},
	}
	found := 0
	for id, r := range s.resources("AWS::ElasticLoadBalancingV2::ListenerRule") {
		p := props(r)
		actions, _ := p["Actions"].([]any)
		if len(actions) == 0 || actions[0].(map[string]any)["Type"] != "jwt-validation" {
			continue
		}
		paths := js(p["Conditions"].([]any)[0].(map[string]any)["PathPatternConfig"].(map[string]any)["Values"])
		var w struct{ paths, clients, scopes string }
		tgID := ""
		for first, c := range want {
			if strings.Contains(paths, `"`+first+`"`) {
				w, tgID = c, tgOf[first]
			}
		}
		if w.paths != paths {
			t.Errorf("%s: jwt-validation rule on unexpected paths %s", id, paths)
			continue
		}
		found++
		if len(actions) != 2 {
			t.Fatalf("%s: actions %s", id, js(actions))
		}
		jwt, fwd := actions[0].(map[string]any), actions[1].(map[string]any)
		cfg := jwt["JwtValidationConfig"].(map[string]any)
		claims := `[{"Format":"single-string","Name":"token_use","Values":["access"]},` +
			`{"Format":"single-string","Name":"client_id","Values":` + w.clients + `},` +
			`{"Format":"space-separated-values","Name":"scope","Values":` + w.scopes + `}]`
		checks := []struct{ what, got, want string }{
			{"jwt-validation order", js(jwt["Order"]), "1"},
			{"issuer", js(cfg["Issuer"]), issuer},
			{"JWKS endpoint", js(cfg["JwksEndpoint"]), jwks},
			{"additional claims", js(cfg["AdditionalClaims"]), claims},
			{"next action", js(fwd["Type"]) + js(fwd["Order"]), `"forward"2`},
			{"target group", js(fwd["TargetGroupArn"]), `{"Ref":"` + tgID + `"}`},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s: %s = %s, want %s", id, c.what, c.got, c.want)
			}
		}
		if strings.Contains(js(actions), "authenticate-cognito") {
			t.Errorf("%s: a machine rule also signs users in: %s", id, js(actions))
		}
	}
	if found != 2 {
		t.Errorf("found %d machine rules, want 2", found)
	}
	// One rule per route: the sign-in route's authenticate-cognito rule, and
	// no sign-in rule for a machine route.
	rules := s.resources("AWS::ElasticLoadBalancingV2::ListenerRule")
	if len(rules) != 3 {
		t.Errorf("%d listener rules, want 3 (admin, reports, billing)", len(rules))
	}
	for id, r := range rules {
		p := js(props(r))
		if strings.Contains(p, "authenticate-cognito") && strings.Contains(p, "/api/") {
			t.Errorf("%s: a machine route got a sign-in rule: %s", id, p)
		}
	}
	guard(t, func() {
		s.template.ResourcePropertiesCountIs(jsii.String("AWS::ElasticLoadBalancingV2::ListenerRule"), map[string]any{
			"Actions": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{"Type": "jwt-validation"})}),
		}, jsii.Number(2))
	})
}

// The machine clients may only use client credentials, get only their routes'
// scopes, and the user sign-in client gets none of them.
func TestMachineClients(t *testing.T) {
	s := machineSite(t)
	want := map[string]string{
		"nightly-report": `["https://app.example.com/reports.read"]`,
		"billing-sync":   `["https://app.example.com/reports.read","https://app.example.com/billing.write"]`,
	}
	for id, r := range s.resources("AWS::Cognito::UserPoolClient") {
		p := props(r)
		name, machine := p["ClientName"].(string)
		if !machine {
			if strings.Contains(js(p["AllowedOAuthScopes"]), "reports.read") || strings.Contains(js(p["AllowedOAuthFlows"]), "client_credentials") {
				t.Errorf("sign-in client %s: scopes %s, flows %s", id, js(p["AllowedOAuthScopes"]), js(p["AllowedOAuthFlows"]))
			}
			continue
		}
		if js(p["AllowedOAuthFlows"]) != `["client_credentials"]` || p["GenerateSecret"] != true || js(p["AllowedOAuthScopes"]) != want[name] ||
			p["AccessTokenValidity"] != 15.0 || p["CallbackURLs"] != nil {
			t.Errorf("machine client %s (%s): %s", name, id, js(p))
		}
		delete(want, name)
	}
	if len(want) != 0 {
		t.Errorf("machine clients missing: %v", want)
	}
	_, server := s.only(t, "AWS::Cognito::UserPoolResourceServer")
	if got := js(props(server)["Identifier"]); got != `"https://app.example.com"` {
		t.Errorf("resource server identifier %s", got)
	}
	// Not the CDK's default (the identifier): CreateResourceServer's Name
	// allows no ':' or '/'.
	if got := js(props(server)["Name"]); got != `"app.example.com"` {
		t.Errorf("resource server name %s, want \"app.example.com\"", got)
	}
}

// Outputs give the token endpoint and each client id; no output, and nothing
// the function gets, reads a client secret.
func TestMachineOutputsHoldNoSecret(t *testing.T) {
	s := machineSite(t)
	outputs := s.doc["Outputs"].(map[string]any)
	if got := js(outputs["TokenEndpoint"].(map[string]any)["Value"]); got != `"https://example-app.auth.eu-west-1.amazoncognito.com/oauth2/token"` {
		t.Errorf("TokenEndpoint = %s", got)
	}
	for _, id := range []string{"MachineClientIdNightlyReport", "MachineClientIdBillingSync"} {
		o, ok := outputs[id].(map[string]any)
		if !ok || !strings.HasPrefix(js(o["Value"]), `{"Ref":"MachineClient`) {
			t.Errorf("output %s = %s", id, js(o))
		}
	}
	for id, o := range outputs {
		if v := js(o.(map[string]any)["Value"]); strings.Contains(v, "ClientSecret") {
			t.Errorf("output %s reveals a client secret: %s", id, v)
		}
	}
	_, fn := s.only(t, "AWS::Lambda::Function")
	env := js(props(fn)["Environment"])
	if strings.Contains(env, "ClientSecret") {
		t.Errorf("the function's environment holds a client secret: %s", env)
	}
	vars := props(fn)["Environment"].(map[string]any)["Variables"].(map[string]any)
	// The one audience a bound access token (aud) may name.
	if got := vars[identity.EnvResourceServerID]; got != "https://app.example.com" {
		t.Errorf("%s = %v, want https://app.example.com", identity.EnvResourceServerID, got)
	}
	raw, _ := json.Marshal(vars[bearer.ClientsEnvVar])
	for _, name := range []string{"nightly-report", "billing-sync"} {
		if !strings.Contains(string(raw), name) {
			t.Errorf("%s lacks client %s: %s", bearer.ClientsEnvVar, name, raw)
		}
	}
}

// The machine clients, resource server and rules bring no cdk-nag finding.
func TestMachineNagClean(t *testing.T) {
	s := machineSite(t)
	for _, level := range []string{"error", "warning"} {
		if f := nagFindings(t, s, level); len(f) > 0 {
			t.Errorf("unsuppressed cdk-nag %ss with machine routes:\n%s", level, strings.Join(f, "\n"))
		}
	}
}

// A sign-in route may require a scope of the resource server the stack
// creates (one a machine route requires, so the server defines it). The
// site's app client is then granted that scope and must wait for the
// server, as the machine clients do: otherwise the first deploy may create
// the client first, and Cognito refuses a scope that does not exist yet.
func TestSiteClientWaitsForTheResourceServerOfItsScopes(t *testing.T) {
	ctx := machineContext()
	ctx["routes"].([]any)[0].(map[string]any)["scopes"] = []any{"https://app.example.com/reports.read"}
	s, err := synth(ctx)
	if err != nil {
		t.Fatal(err)
	}
	serverID, _ := s.only(t, "AWS::Cognito::UserPoolResourceServer")
	checked := 0
	for id, r := range s.resources("AWS::Cognito::UserPoolClient") {
		if _, machine := props(r)["ClientName"]; machine {
			continue
		}
		checked++
		if !strings.Contains(js(props(r)["AllowedOAuthScopes"]), "https://app.example.com/reports.read") {
			t.Errorf("site client %s is not granted the route's scope: %s", id, js(props(r)["AllowedOAuthScopes"]))
		}
		if !strings.Contains(js(r["DependsOn"]), `"`+serverID+`"`) {
			t.Errorf("site client %s DependsOn %s, want the resource server %s", id, js(r["DependsOn"]), serverID)
		}
	}
	if checked != 1 {
		t.Fatalf("%d site clients", checked)
	}
	// Granted none of its scopes (the example), the site client does not wait.
	for id, r := range machineSite(t).resources("AWS::Cognito::UserPoolClient") {
		if _, machine := props(r)["ClientName"]; !machine && r["DependsOn"] != nil {
			t.Errorf("site client %s DependsOn %s without a scope of the resource server", id, js(r["DependsOn"]))
		}
	}
}
