package test

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/alb-cognito/alb-cognito-cdk/config"
	"github.com/alb-cognito/alb-cognito-cdk/internal/siteapp"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
	"github.com/alb-cognito/alb-cognito-cdk/stacks"
)

const typeRule = "AWS::ElasticLoadBalancingV2::ListenerRule"

// routesContext is the example configuration with the example routes (an
// admin area by group, an API that answers 401 and needs a custom scope, a
// partner area that signs in with Google), in a stack of its own name.
func routesContext(extra ...any) map[string]any {
	rs := config.ExampleRoutes()
	rs = append(rs, extra...)
	return exampleContext(map[string]any{
		"stackName":         "AlbCognitoSiteRoutes",
		"oauthScopes":       []any{"openid", "email"},
		"identityProviders": []any{"COGNITO", "Google"},
		"routes":            rs,
	})
}

var routesSite = shared("example with routes", func() (*synthesized, error) {
	return synth(routesContext())
})

// The configuration the routes stack was built from.
var exRoutes = func() config.Config {
	c, err := config.FromContext(routesContext())
	if err != nil {
		panic(err)
	}
	return c
}()

// rule is a listener rule as the tests read it.
type rule struct {
	id       string
	priority float64
	props    map[string]any
}

// rules returns the stack's listener rules by priority.
func (s *synthesized) rules() []rule {
	var out []rule
	for id, r := range s.resources(typeRule) {
		p := props(r)
		out = append(out, rule{id, p["Priority"].(float64), p})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].priority < out[j].priority })
	return out
}

func TestNoRoutesNoRules(t *testing.T) {
	s := exampleSite(t)
	if n := len(s.resources(typeRule)); n != 0 {
		t.Errorf("the example without routes has %d listener rules, want none", n)
	}
	_, fn := s.only(t, typeFunction)
	env := props(fn)["Environment"].(map[string]any)["Variables"].(map[string]any)
	if env[routes.EnvVar] != ex.RouteTableJSON() {
		t.Errorf("%s = %v, want %s", routes.EnvVar, env[routes.EnvVar], ex.RouteTableJSON())
	}
}

// targetGroups returns the stack's target groups by name.
func (s *synthesized) targetGroups() map[string]string {
	out := map[string]string{}
	for id, tg := range s.resources(typeTG) {
		if name, ok := props(tg)["Name"].(string); ok {
			out[name] = id
		}
	}
	return out
}

// functionEnv is the function's environment.
func (s *synthesized) functionEnv(t *testing.T) map[string]any {
	_, fn := s.only(t, typeFunction)
	return props(fn)["Environment"].(map[string]any)["Variables"].(map[string]any)
}

// TestRouteRules checks one listener rule per route, in the table's order,
// each a path condition (and a method condition when the route names
// methods), authenticate-cognito with the route's settings, then forward to
// the target group of the route's authorization policy.
func TestRouteRules(t *testing.T) {
	s := routesSite(t)
	table := exRoutes.RouteTable()
	rules := s.rules()
	if len(rules) != len(table.Routes) {
		t.Fatalf("%d listener rules for %d routes", len(rules), len(table.Routes))
	}
	listenerID := ""
	for id, l := range s.resources(typeListener) {
		if props(l)["Port"] == 443.0 {
			listenerID = id
		}
	}
	prefix, _ := s.functionEnv(t)["TARGET_GROUP_PREFIX"].(string)
	tgs := s.targetGroups()
	if len(tgs) != len(table.Policies()) || len(table.Policies()) != 5 {
		t.Errorf("%d target groups %v for the table's %d policies, want 5", len(tgs), tgs, len(table.Policies()))
	}
	clientID, _ := s.only(t, typeClient)
	wantPrio := []float64{100, 200, 300, 400}
	cookies := map[string]string{} // scope set -> cookie
	for i, r := range table.Routes {
		got := rules[i]
		if got.priority != wantPrio[i] {
			t.Errorf("route %s: priority %v, want %v", r.Name, got.priority, wantPrio[i])
		}
		if !strings.Contains(got.id, "Route"+strings.ReplaceAll(r.Name, "-", "")) {
			t.Errorf("route %s: rule %s, want a logical ID from the route's name (stable when routes are added)", r.Name, got.id)
		}
		if js(got.props["ListenerArn"]) != js(ref(listenerID)) {
			t.Errorf("route %s: listener %s, want the HTTPS listener %s", r.Name, js(got.props["ListenerArn"]), listenerID)
		}
		wantCond := []any{map[string]any{"Field": "path-pattern", "PathPatternConfig": map[string]any{"Values": toAny(r.Paths)}}}
		if len(r.Methods) > 0 {
			wantCond = append(wantCond, map[string]any{"Field": "http-request-method", "HttpRequestMethodConfig": map[string]any{"Values": toAny(r.Methods)}})
		}
		if js(got.props["Conditions"]) != js(wantCond) {
			t.Errorf("route %s: conditions %s, want %s", r.Name, js(got.props["Conditions"]), js(wantCond))
		}
		actions := got.props["Actions"].([]any)
		if len(actions) != 2 {
			t.Fatalf("route %s: actions %s, want authenticate-cognito then forward", r.Name, js(actions))
		}
		auth, fwd := actions[0].(map[string]any), actions[1].(map[string]any)
		if auth["Type"] != "authenticate-cognito" || auth["Order"] != 1.0 || fwd["Type"] != "forward" || fwd["Order"] != 2.0 {
			t.Errorf("route %s: actions %s, want authenticate-cognito (1) then forward (2)", r.Name, js(actions))
		}
		tgID := tgs[routes.TargetGroupName(prefix, r.Policy())]
		if tgID == "" || js(fwd["TargetGroupArn"]) != js(ref(tgID)) {
			t.Errorf("route %s: forwards to %s, want the target group of its policy, %s", r.Name, js(fwd["TargetGroupArn"]), routes.TargetGroupName(prefix, r.Policy()))
		}
		c := auth["AuthenticateCognitoConfig"].(map[string]any)
		want := map[string]any{
			"UserPoolArn":              exRoutes.UserPoolArn,
			"UserPoolClientId":         ref(clientID),
			"UserPoolDomain":           exRoutes.UserPoolDomain,
			"Scope":                    strings.Join(r.RequestScopes, " "),
			"SessionCookieName":        r.SessionCookieName,
			"SessionTimeout":           28800, // the CDK writes a number here, a string in the listener's default action
			"OnUnauthenticatedRequest": r.Unauthenticated(),
		}
		if len(r.AuthenticationRequestExtraParams) > 0 {
			want["AuthenticationRequestExtraParams"] = r.AuthenticationRequestExtraParams
		}
		for k, v := range want {
			if js(c[k]) != js(v) {
				t.Errorf("route %s: AuthenticateCognitoConfig.%s = %s, want %s", r.Name, k, js(c[k]), js(v))
			}
		}
		if len(c) != len(want) {
			t.Errorf("route %s: AuthenticateCognitoConfig has %d keys, want %d: %s", r.Name, len(c), len(want), js(c))
		}
		if !strings.HasPrefix(c["Scope"].(string), "openid ") {
			t.Errorf("route %s: scope %q does not start with openid", r.Name, c["Scope"])
		}
		set := routes.ScopeSetKey(strings.Fields(c["Scope"].(string)))
		if prev, ok := cookies[set]; ok && prev != c["SessionCookieName"] {
			t.Errorf("route %s: scope set %q has cookies %s and %v", r.Name, set, prev, c["SessionCookieName"])
		}
		cookies[set] = c["SessionCookieName"].(string)
	}
	// Different scope sets, different cookies; the default action's set keeps
	// the default cookie.
	seen := map[string]bool{}
	for _, c := range cookies {
		if seen[c] {
			t.Errorf("cookie %s serves two scope sets: %v", c, cookies)
		}
		seen[c] = true
	}
	if cookies["email openid"] != "AWSELBAuthSessionCookie" {
		t.Errorf("routes that request the default scopes use %q, want the default cookie", cookies["email openid"])
	}
	// The same, through the CDK's assertions: the admin rule as a reviewer reads it.
	guard(t, func() {
		s.template.HasResourceProperties(jsii.String(typeRule), map[string]any{
			"Priority":   100,
			"Conditions": []any{map[string]any{"Field": "path-pattern", "PathPatternConfig": map[string]any{"Values": []any{"/admin", "/admin/*"}}}},
			"Actions": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
				"Type": "authenticate-cognito",
				"AuthenticateCognitoConfig": assertions.Match_ObjectLike(&map[string]any{
					"Scope": "openid email", "SessionCookieName": "AWSELBAuthSessionCookie", "OnUnauthenticatedRequest": "authenticate",
				}),
			})}),
		})
		s.template.HasResourceProperties(jsii.String(typeRule), map[string]any{
			"Priority": 200,
			"Conditions": []any{
				map[string]any{"Field": "path-pattern", "PathPatternConfig": map[string]any{"Values": []any{"/api", "/api/*"}}},
				map[string]any{"Field": "http-request-method", "HttpRequestMethodConfig": map[string]any{"Values": []any{"GET", "HEAD"}}},
			},
			"Actions": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
				"AuthenticateCognitoConfig": assertions.Match_ObjectLike(&map[string]any{
					"Scope": "openid email", "OnUnauthenticatedRequest": "deny",
				}),
			})}),
		})
	})
}

// TestEachPolicyHasItsTargetGroup: one Lambda target group per policy,
// named <TARGET_GROUP_PREFIX>-<policy id>, each targeting the function and
// created after an invoke permission scoped to its own name.
func TestEachPolicyHasItsTargetGroup(t *testing.T) {
	s := routesSite(t)
	prefix, _ := s.functionEnv(t)["TARGET_GROUP_PREFIX"].(string)
	if prefix == "" || len(prefix) > routes.MaxTargetGroupPrefix {
		t.Fatalf("TARGET_GROUP_PREFIX = %q", prefix)
	}
	fnID, _ := s.only(t, typeFunction)
	perms := s.resources("AWS::Lambda::Permission")
	for _, p := range exRoutes.RouteTable().Policies() {
		name := routes.TargetGroupName(prefix, p)
		id := s.targetGroups()[name]
		if id == "" {
			t.Errorf("no target group %s for policy %+v", name, p)
			continue
		}
		tg := s.template.ToJSON()
		res := (*tg)["Resources"].(map[string]any)[id].(map[string]any)
		tp := props(res)
		if tp["TargetType"] != "lambda" || js(tp["Targets"]) != js([]any{map[string]any{"Id": getAtt(fnID, "Arn")}}) {
			t.Errorf("%s: %s", name, js(tp))
		}
		deps, _ := res["DependsOn"].([]any)
		scoped := false
		for _, d := range deps {
			if perm, ok := perms[d.(string)]; ok && strings.Contains(js(props(perm)["SourceArn"]), "targetgroup/"+name+"/*") {
				scoped = true
			}
		}
		if !scoped {
			t.Errorf("%s does not depend on an invoke permission for its own name: DependsOn %v", name, deps)
		}
	}
	if len(perms) != len(exRoutes.RouteTable().Policies()) {
		t.Errorf("%d invoke permissions for %d target groups", len(perms), len(exRoutes.RouteTable().Policies()))
	}
}

// TestScopedRoutesHaveTheirOwnSession: routes that request scopes besides
// the site's get a session cookie of their scope set, and a deny route is
// accepted once an authenticate route creates that session.
func TestScopedRoutesHaveTheirOwnSession(t *testing.T) {
	s, err := synth(exampleContext(map[string]any{
		"stackName":   "AlbCognitoSiteScoped",
		"oauthScopes": []any{"openid", "email"},
		"routes": []any{
			map[string]any{"name": "reports", "paths": []any{"/reports", "/reports/*"}, "scopes": []any{"https://api.example.com/read"}},
			map[string]any{"name": "reports-api", "paths": []any{"/api/reports/*"}, "scopes": []any{"https://api.example.com/read"}, "onUnauthenticatedRequest": "deny"},
		},
	}))
	if err != nil {
		t.Fatal(err)
	}
	rules := s.rules()
	if len(rules) != 2 {
		t.Fatalf("%d rules", len(rules))
	}
	var cookies []string
	for _, r := range rules {
		c := r.props["Actions"].([]any)[0].(map[string]any)["AuthenticateCognitoConfig"].(map[string]any)
		cookies = append(cookies, c["SessionCookieName"].(string))
	}
	if cookies[0] != cookies[1] || cookies[0] == "AWSELBAuthSessionCookie" || !strings.HasPrefix(cookies[0], "AWSELBAuthSessionCookie-") {
		t.Errorf("session cookies %v, want one of the scope set's own for both", cookies)
	}
}

// TestRoutesReachClientAndFunction: the client allows the union of the
// requested scopes, and the function gets config's table, byte for byte.
func TestRoutesReachClientAndFunction(t *testing.T) {
	s := routesSite(t)
	_, c := s.only(t, typeClient)
	if got, want := js(props(c)["AllowedOAuthScopes"]), js(toAny(exRoutes.ClientScopes())); got != want {
		t.Errorf("client AllowedOAuthScopes = %s, want %s", got, want)
	}
	if want := `["openid","email"]`; js(toAny(exRoutes.ClientScopes())) != want {
		t.Errorf("ClientScopes() = %v, want %s", exRoutes.ClientScopes(), want)
	}
	_, fn := s.only(t, typeFunction)
	env := props(fn)["Environment"].(map[string]any)["Variables"].(map[string]any)
	got, _ := env[routes.EnvVar].(string)
	if got != exRoutes.RouteTableJSON() {
		t.Errorf("%s =\n%s\nwant config's\n%s", routes.EnvVar, got, exRoutes.RouteTableJSON())
	}
	tab, err := routes.Parse([]byte(got))
	if err != nil {
		t.Fatalf("the function would refuse its table: %v", err)
	}
	// The cookies the function expires at logout: the recipes all share
	// SESSION_COOKIE_NAME's.
	cookie, _ := env["SESSION_COOKIE_NAME"].(string)
	if names := tab.CookieNames(cookie); len(tab.Routes) != 4 || len(names) != 1 || names[0] != exRoutes.SessionCookieName {
		t.Errorf("table has %d routes and cookies %v", len(tab.Routes), names)
	}
	// Every variable together stays within Lambda's 4 KB.
	b, _ := json.Marshal(env)
	if len(b) > 4096 {
		t.Errorf("environment is %d bytes", len(b))
	}
	// The route rules add no egress: the security group still sends only HTTPS.
	for _, sg := range s.resources(typeSG) {
		if eg, _ := props(sg)["SecurityGroupEgress"].([]any); len(eg) > 1 {
			t.Errorf("security group egress %s, want one rule", js(eg))
		}
	}
}

// TestAppendingARouteChangesNoOtherRule: a route added at the end gets the
// next priority, and the existing rules keep their logical IDs and
// priorities, so CloudFormation updates nothing else.
func TestAppendingARouteChangesNoOtherRule(t *testing.T) {
	before := routesSite(t).rules()
	after, err := synth(routesContext(map[string]any{"name": "reports", "paths": []any{"/reports/*"}, "groups": []any{"auditors"}}))
	if err != nil {
		t.Fatal(err)
	}
	got := after.rules()
	if len(got) != len(before)+1 {
		t.Fatalf("%d rules after adding one to %d", len(got), len(before))
	}
	for i, r := range before {
		if got[i].id != r.id || got[i].priority != r.priority || js(got[i].props) != js(r.props) {
			t.Errorf("rule %s (priority %v) changed to %s (priority %v)", r.id, r.priority, got[i].id, got[i].priority)
		}
	}
	if last := got[len(got)-1]; last.priority != 500 || !strings.Contains(last.id, "Routereports") {
		t.Errorf("new rule %s has priority %v, want 500", last.id, last.priority)
	}
}

// TestHostileRoutesAreRefused: route tables the load balancer or the function
// could not honour never reach synthesis.
func TestHostileRoutesAreRefused(t *testing.T) {
	cases := []struct {
		name   string
		routes any
		want   []string
	}{
		{"shadowed route", `[{"name":"all","paths":["/*"]},{"name":"admin","paths":["/admin/*"],"groups":["admins"]}]`,
			[]string{"routes[1].paths[0]", "shadowed"}},
		{"too many patterns", []any{map[string]any{"name": "a", "paths": []any{"/a", "/b", "/c", "/d"}}}, []string{"routes[0].paths", "at most 3"}},
		{"scope no client can get", []any{map[string]any{"name": "a", "paths": []any{"/a"}, "scopes": []any{"admin"}}}, []string{"routes[0].scopes[0]", "no app client"}},
		{"reserved extra param", []any{map[string]any{"name": "a", "paths": []any{"/a"}, "authenticationRequestExtraParams": map[string]any{"redirect_uri": "https://x"}}},
			[]string{"redirect_uri", "itself"}},
		{"misspelt field", []any{map[string]any{"name": "a", "paths": []any{"/a"}, "group": []any{"x"}}}, []string{"routes[0]", "did you mean groups"}},
		{"deny route whose session no sign-in creates", []any{map[string]any{"name": "api", "paths": []any{"/api/*"}, "scopes": []any{"email"}, "onUnauthenticatedRequest": "deny"}},
			[]string{"routes[0].onUnauthenticatedRequest", "no sign-in creates this route's session", "Add a route with the same scopes"}},
		{"more methods than the rule holds", []any{map[string]any{"name": "a", "paths": []any{"/a", "/b"}, "methods": []any{"GET", "PUT", "POST", "DELETE"}}},
			[]string{"routes[0].methods", "at most 3 methods fit"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := exampleContext(map[string]any{"routes": tc.routes})
			guard(t, func() {
				app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx, Outdir: jsii.String(t.TempDir())})
				site, err := siteapp.Build(app, siteapp.Options{})
				if err == nil || site != nil {
					t.Fatalf("routes %v were accepted", tc.routes)
				}
				for _, w := range tc.want {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("message does not contain %q:\n%v", w, err)
					}
				}
			})
		})
	}
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// The route rules bring no cdk-nag finding of their own.
func TestRoutesNagClean(t *testing.T) {
	s := routesSite(t)
	for _, level := range []string{"error", "warning"} {
		if f := nagFindings(t, s, level); len(f) > 0 {
			t.Errorf("unsuppressed cdk-nag %ss with routes:\n%s", level, strings.Join(f, "\n"))
		}
	}
}

// warnings returns the stack's synth warnings with this ID.
func warnings(t *testing.T, s *synthesized, id string) []string {
	t.Helper()
	var out []string
	for _, m := range s.messagesAt(t, "warning") {
		if strings.Contains(m.text, id) {
			out = append(out, m.text)
		}
	}
	return out
}

// A route that takes GET but not HEAD gets a synth warning naming it: HEAD
// requests on its paths fall to a later rule's checks while the app's GET
// handler answers them. The example routes list HEAD beside GET.
// getOnlyContext has a route that takes GET without HEAD, which synth warns about.
func getOnlyContext() map[string]any {
	return exampleContext(map[string]any{"stackName": "AlbCognitoSiteGetOnly", "routes": []any{
		map[string]any{"name": "reports", "paths": []any{"/reports/*"}, "methods": []any{"GET"}, "groups": []any{"auditors"}},
		map[string]any{"name": "files", "paths": []any{"/files/*"}, "methods": []any{"GET", "HEAD"}, "groups": []any{"auditors"}},
	}})
}

func TestRouteWithGetButNotHeadWarns(t *testing.T) {
	s, err := synth(getOnlyContext())
	if err != nil {
		t.Fatal(err)
	}
	got := warnings(t, s, stacks.HeadWarning)
	if len(got) != 1 || !strings.Contains(got[0], "Route reports takes GET but not HEAD") {
		t.Errorf("warnings %q, want one for route reports", got)
	}
	if w := warnings(t, routesSite(t), stacks.HeadWarning); len(w) > 0 {
		t.Errorf("the example routes warn: %q", w)
	}
}
