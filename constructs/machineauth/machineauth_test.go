package machineauth_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	elb "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/jsii-runtime-go"

	"github.com/alb-cognito/alb-cognito-cdk/constructs/machineauth"
	"github.com/alb-cognito/alb-cognito-cdk/internal/jsiitest"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/cognitoissuer"
)

func TestMain(m *testing.M) { jsiitest.Main(m) }

const (
	poolArn = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Example1"
	server  = "https://app.example.com"
)

// synthesize builds a stack with an HTTPS listener and the construct, and
// returns its template in both forms.
func synthesize(create bool) (assertions.Template, map[string]any, error) {
	return synthesizeWith(func(p *machineauth.Props) { p.CreateResourceServer = create })
}

// synthesizeWith is synthesize with the props changed by mod.
func synthesizeWith(mod func(*machineauth.Props)) (assertions.Template, map[string]any, error) {
	var err error
	var tmpl assertions.Template
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = &panicError{r}
			}
		}()
		app := awscdk.NewApp(nil)
		stack := awscdk.NewStack(app, jsii.String("Machine"), &awscdk.StackProps{
			Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("eu-west-1")},
		})
		vpc := awsec2.Vpc_FromVpcAttributes(stack, jsii.String("Vpc"), &awsec2.VpcAttributes{
			VpcId:             jsii.String("vpc-0123456789abcdef0"),
			AvailabilityZones: jsii.Strings("eu-west-1a", "eu-west-1b"),
			PublicSubnetIds:   jsii.Strings("subnet-0123456789abcdef0", "subnet-0fedcba9876543210"),
		})
		lb := elb.NewApplicationLoadBalancer(stack, jsii.String("LB"), &elb.ApplicationLoadBalancerProps{Vpc: vpc, InternetFacing: jsii.Bool(true)})
		tg := elb.NewApplicationTargetGroup(stack, jsii.String("TG"), &elb.ApplicationTargetGroupProps{TargetType: elb.TargetType_LAMBDA})
		listener := lb.AddListener(jsii.String("Https"), &elb.BaseApplicationListenerProps{
			Port:     jsii.Number(443),
			Protocol: elb.ApplicationProtocol_HTTPS,
			Certificates: &[]elb.IListenerCertificate{elb.ListenerCertificate_FromArn(
				jsii.String("arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"))},
			DefaultAction: elb.ListenerAction_FixedResponse(jsii.Number(404), nil),
		})
		props := &machineauth.Props{
			Listener:         listener,
			UserPool:         awscognito.UserPool_FromUserPoolArn(stack, jsii.String("Pool"), jsii.String(poolArn)),
			ResourceServerID: server,
			Clients:          []string{"nightly-report", "billing-sync"},
			Routes: []machineauth.Route{
				{Name: "reports", Priority: 10, Paths: []string{"/api/reports/*"}, Scopes: []string{server + "/reports.read"}, Clients: []string{"nightly-report", "billing-sync"}, TargetGroup: tg},
				{Name: "billing", Priority: 20, Paths: []string{"/api/billing", "/api/billing/*"}, Scopes: []string{server + "/billing.write", server + "/reports.read"}, Clients: []string{"billing-sync"}, TargetGroup: tg},
			},
		}
		mod(props)
		machineauth.New(stack, "Machine", props)
		tmpl = assertions.Template_FromStack(stack, nil)
	}()
	if err != nil {
		return nil, nil, err
	}
	return tmpl, *tmpl.ToJSON(), nil
}

type panicError struct{ v any }

func (e *panicError) Error() string { b, _ := json.Marshal(e.v); return "synth panicked: " + string(b) }

var created = sync.OnceValues(func() (*synth, error) {
	t, doc, err := synthesize(true)
	return &synth{t, doc}, err
})

type synth struct {
	tmpl assertions.Template
	doc  map[string]any
}

func get(t *testing.T) *synth {
	t.Helper()
	s, err := created()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// guard turns a failed CDK assertion (a jsii panic) into a test failure.
func guard(t *testing.T, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("%v", r)
		}
	}()
	f()
}

func resources(doc map[string]any, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range doc["Resources"].(map[string]any) {
		if res := r.(map[string]any); res["Type"] == typ {
			out[id] = res["Properties"].(map[string]any)
		}
	}
	return out
}

func js(v any) string { b, _ := json.Marshal(v); return string(b) }

// The issuer and key set are the pool's, the additional claims pin a Cognito
// access token from the allowed clients with the route's scopes, and the
// escape hatch wrote them into the jwt-validation action, which runs before
// forward.
func TestRuleValidatesTheTokenThenForwards(t *testing.T) {
	s := get(t)
	issuer := map[string]any{"Fn::Join": []any{"", []any{"https://cognito-idp.eu-west-1.", map[string]any{"Ref": "AWS::URLSuffix"}, "/eu-west-1_Example1"}}}
	jwks := map[string]any{"Fn::Join": []any{"", []any{"https://cognito-idp.eu-west-1.", map[string]any{"Ref": "AWS::URLSuffix"}, "/eu-west-1_Example1/.well-known/jwks.json"}}}
	clients := resources(s.doc, "AWS::Cognito::UserPoolClient")
	idOf := map[string]string{}
	for id, p := range clients {
		idOf[p["ClientName"].(string)] = id
	}
	rules := resources(s.doc, "AWS::ElasticLoadBalancingV2::ListenerRule")
	if len(rules) != 2 {
		t.Fatalf("want 2 listener rules, got %d", len(rules))
	}
	want := map[float64]struct {
		paths   []any
		clients []any
		scopes  []any
	}{
		10: {[]any{"/api/reports/*"}, []any{map[string]any{"Ref": idOf["nightly-report"]}, map[string]any{"Ref": idOf["billing-sync"]}}, []any{server + "/reports.read"}},
		20: {[]any{"/api/billing", "/api/billing/*"}, []any{map[string]any{"Ref": idOf["billing-sync"]}}, []any{server + "/billing.write", server + "/reports.read"}},
	}
	for id, p := range rules {
		w, ok := want[p["Priority"].(float64)]
		if !ok {
			t.Fatalf("%s: unexpected priority %v", id, p["Priority"])
		}
		conds := js(p["Conditions"])
		if conds != js([]any{map[string]any{"Field": "path-pattern", "PathPatternConfig": map[string]any{"Values": w.paths}}}) {
			t.Errorf("%s: conditions %s", id, conds)
		}
		actions := p["Actions"].([]any)
		if len(actions) != 2 {
			t.Fatalf("%s: want 2 actions, got %s", id, js(actions))
		}
		jwt, fwd := actions[0].(map[string]any), actions[1].(map[string]any)
		if jwt["Type"] != "jwt-validation" || jwt["Order"] != 1.0 || fwd["Type"] != "forward" || fwd["Order"] != 2.0 {
			t.Errorf("%s: actions %s; want jwt-validation (1) then forward (2)", id, js(actions))
		}
		wantCfg := map[string]any{
			"Issuer":       issuer,
			"JwksEndpoint": jwks,
			"AdditionalClaims": []any{
				map[string]any{"Name": "token_use", "Format": "single-string", "Values": []any{"access"}},
				map[string]any{"Name": "client_id", "Format": "single-string", "Values": w.clients},
				map[string]any{"Name": "scope", "Format": "space-separated-values", "Values": w.scopes},
			},
		}
		if got := js(jwt["JwtValidationConfig"]); got != js(wantCfg) {
			t.Errorf("%s: JwtValidationConfig\n got %s\nwant %s", id, got, js(wantCfg))
		}
	}
	guard(t, func() {
		s.tmpl.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::ListenerRule"), map[string]any{
			"Actions": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
				"Type": "jwt-validation",
			})}),
		})
	})
}

// Each machine client may only use client credentials, has a secret, and gets
// only the scopes of the routes that list it.
func TestClientsAreClientCredentialsOnly(t *testing.T) {
	s := get(t)
	clients := resources(s.doc, "AWS::Cognito::UserPoolClient")
	if len(clients) != 2 {
		t.Fatalf("want 2 clients, got %d", len(clients))
	}
	wantScopes := map[string]string{
		"nightly-report": js([]any{server + "/reports.read"}),
		"billing-sync":   js([]any{server + "/reports.read", server + "/billing.write"}),
	}
	for id, p := range clients {
		name := p["ClientName"].(string)
		checks := []struct{ what, got, want string }{
			{"AllowedOAuthFlows", js(p["AllowedOAuthFlows"]), `["client_credentials"]`},
			{"AllowedOAuthFlowsUserPoolClient", js(p["AllowedOAuthFlowsUserPoolClient"]), `true`},
			{"GenerateSecret", js(p["GenerateSecret"]), `true`},
			{"AllowedOAuthScopes", js(p["AllowedOAuthScopes"]), wantScopes[name]},
			{"AccessTokenValidity", js(p["AccessTokenValidity"]), `15`},
			{"TokenValidityUnits.AccessToken", js(p["TokenValidityUnits"].(map[string]any)["AccessToken"]), `"minutes"`},
			{"ExplicitAuthFlows", js(p["ExplicitAuthFlows"]), `["ALLOW_REFRESH_TOKEN_AUTH"]`},
			{"CallbackURLs", js(p["CallbackURLs"]), `null`},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("client %s (%s): %s = %s, want %s", name, id, c.what, c.got, c.want)
			}
		}
	}
}

// The created resource server defines each scope once, and every client
// depends on it, so CloudFormation creates the scopes before granting them.
func TestResourceServerDefinesTheRoutesScopes(t *testing.T) {
	s := get(t)
	servers := resources(s.doc, "AWS::Cognito::UserPoolResourceServer")
	if len(servers) != 1 {
		t.Fatalf("want one resource server, got %d", len(servers))
	}
	var serverID string
	for id, p := range servers {
		serverID = id
		if p["Identifier"] != server || p["UserPoolId"] != "eu-west-1_Example1" {
			t.Errorf("resource server %s", js(p))
		}
		var names []string
		for _, sc := range p["Scopes"].([]any) {
			names = append(names, sc.(map[string]any)["ScopeName"].(string))
		}
		if strings.Join(names, " ") != "reports.read billing.write" {
			t.Errorf("scopes %v, want reports.read billing.write", names)
		}
	}
	for id, r := range s.doc["Resources"].(map[string]any) {
		res := r.(map[string]any)
		if res["Type"] != "AWS::Cognito::UserPoolClient" {
			continue
		}
		if !strings.Contains(js(res["DependsOn"]), serverID) {
			t.Errorf("client %s does not depend on the resource server: DependsOn %s", id, js(res["DependsOn"]))
		}
	}
}

// With an existing resource server nothing is created and the scopes are
// granted by name.
func TestExistingResourceServer(t *testing.T) {
	_, doc, err := synthesize(false)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(resources(doc, "AWS::Cognito::UserPoolResourceServer")); n != 0 {
		t.Errorf("%d resource servers created for an existing one", n)
	}
	for _, p := range resources(doc, "AWS::Cognito::UserPoolClient") {
		if p["ClientName"] == "nightly-report" && js(p["AllowedOAuthScopes"]) != js([]any{server + "/reports.read"}) {
			t.Errorf("nightly-report scopes %s", js(p["AllowedOAuthScopes"]))
		}
	}
}

// With an UPDATED pool the rules' issuer and key set are the
// issuer-cognito-idp host's; by default, and with Original, cognito-idp's.
func TestRuleIssuerFollowsTheIssuerForm(t *testing.T) {
	for _, tc := range []struct {
		form cognitoissuer.Form
		host string
	}{
		{"", "https://cognito-idp.eu-west-1."},
		{cognitoissuer.Original, "https://cognito-idp.eu-west-1."},
		{cognitoissuer.Updated, "https://issuer-cognito-idp.eu-west-1."},
	} {
		_, doc, err := synthesizeWith(func(p *machineauth.Props) { p.UserPoolIssuer = tc.form })
		if err != nil {
			t.Fatalf("%q: %v", tc.form, err)
		}
		issuer := js(map[string]any{"Fn::Join": []any{"", []any{tc.host, map[string]any{"Ref": "AWS::URLSuffix"}, "/eu-west-1_Example1"}}})
		jwks := js(map[string]any{"Fn::Join": []any{"", []any{tc.host, map[string]any{"Ref": "AWS::URLSuffix"}, "/eu-west-1_Example1/.well-known/jwks.json"}}})
		for id, p := range resources(doc, "AWS::ElasticLoadBalancingV2::ListenerRule") {
			cfg := p["Actions"].([]any)[0].(map[string]any)["JwtValidationConfig"].(map[string]any)
			if got := js(cfg["Issuer"]); got != issuer {
				t.Errorf("%q: %s: Issuer %s, want %s", tc.form, id, got, issuer)
			}
			if got := js(cfg["JwksEndpoint"]); got != jwks {
				t.Errorf("%q: %s: JwksEndpoint %s, want %s", tc.form, id, got, jwks)
			}
		}
	}
	if _, _, err := synthesizeWith(func(p *machineauth.Props) { p.UserPoolIssuer = "UPDATED" }); err == nil || !strings.Contains(err.Error(), "UserPoolIssuer") {
		t.Errorf("an invalid form: err = %v", err)
	}
}

// Every access-token lifetime Cognito allows synthesizes, the ends and
// either side of the 60-minute refresh token minimum included: the CDK
// refuses an access token that outlives the refresh token, so the machine
// clients' refresh token (which client credentials never issue) grows with
// it.
func TestEveryTokenValiditySynthesizes(t *testing.T) {
	for _, d := range []time.Duration{5 * time.Minute, 60 * time.Minute, 61 * time.Minute, 24 * time.Hour} {
		_, doc, err := synthesizeWith(func(p *machineauth.Props) { p.TokenValidity = d })
		if err != nil {
			t.Errorf("TokenValidity %s: %v", d, err)
			continue
		}
		for id, p := range resources(doc, "AWS::Cognito::UserPoolClient") {
			access, refresh := p["AccessTokenValidity"].(float64), p["RefreshTokenValidity"].(float64)
			units := js(p["TokenValidityUnits"])
			if access != d.Minutes() || refresh != max(60, d.Minutes()) || units != `{"AccessToken":"minutes","IdToken":"minutes","RefreshToken":"minutes"}` {
				t.Errorf("TokenValidity %s: client %s: access %v, refresh %v, units %s", d, id, access, refresh, units)
			}
		}
	}
}

// resourceServerNameRe is CreateResourceServer's pattern for Name (Amazon
// Cognito API reference), anchored; \w and \s as in Java's regexes.
var resourceServerNameRe = regexp.MustCompile(`^[\w\s+=,.@-]+$`)

// The created resource server's name fits CreateResourceServer's Name
// (pattern and 1 to 256 characters) whatever the identifier; the CDK's
// default, the identifier itself, does not for a URL.
func TestResourceServerNameIsValid(t *testing.T) {
	for _, tc := range []struct{ id, want string }{
		{"https://app.example.com", "app.example.com"},
		{"https://api.example.com/v1/", "api.example.com-v1"},
		{"solar-system-data", "solar-system-data"},
		{"urn:example:api", "urn-example-api"},
		{"https://user@host:8443/a?b=c&d#e", "user@host-8443-a-b=c-d-e"},
		{"://", "resource-server"},
		{"/", "resource-server"},
		{"https://" + strings.Repeat("a", 248), strings.Repeat("a", 248)},
		{strings.Repeat("a/", 128), strings.Repeat("a-", 127) + "a"},
		{strings.Repeat("x", 256), strings.Repeat("x", 256)},
	} {
		got := machineauth.ResourceServerName(tc.id)
		if got != tc.want {
			t.Errorf("ResourceServerName(%q) = %q, want %q", tc.id, got, tc.want)
		}
		if !resourceServerNameRe.MatchString(got) || len(got) > machineauth.MaxResourceServerNameLength {
			t.Errorf("ResourceServerName(%q) = %q does not fit CreateResourceServer's Name", tc.id, got)
		}
	}
	// Every printable ASCII identifier Cognito accepts ([\x21\x23-\x5B\x5D-\x7E]{1,256}).
	var all strings.Builder
	for c := byte(0x21); c <= 0x7e; c++ {
		if c != '"' && c != '\\' {
			all.WriteByte(c)
		}
	}
	if got := machineauth.ResourceServerName(all.String()); !resourceServerNameRe.MatchString(got) {
		t.Errorf("every allowed character: %q", got)
	}
	// And in the template.
	s := get(t)
	for id, p := range resources(s.doc, "AWS::Cognito::UserPoolResourceServer") {
		if name, _ := p["Name"].(string); name != "app.example.com" || !resourceServerNameRe.MatchString(name) {
			t.Errorf("%s: Name %q, want app.example.com", id, name)
		}
	}
}

// On a shared listener every rule carries the host-header condition first,
// and it counts toward the rule's five condition values: a route with five
// paths and methods of its own is refused.
func TestHostHeaderOnASharedListener(t *testing.T) {
	_, doc, err := synthesizeWith(func(p *machineauth.Props) { p.HostHeader = "app.example.com" })
	if err != nil {
		t.Fatal(err)
	}
	for id, r := range resources(doc, "AWS::ElasticLoadBalancingV2::ListenerRule") {
		cs := r["Conditions"].([]any)
		first := cs[0].(map[string]any)
		if first["Field"] != "host-header" || js(first["HostHeaderConfig"]) != `{"Values":["app.example.com"]}` {
			t.Errorf("rule %s: first condition %s, want host-header app.example.com", id, js(first))
		}
	}
	_, _, err = synthesizeWith(func(p *machineauth.Props) {
		p.HostHeader = "app.example.com"
		p.Routes[1].Paths = []string{"/a", "/b", "/c"}
		p.Routes[1].Methods = []string{"GET", "POST"}
	})
	if err == nil || !strings.Contains(err.Error(), "at most 4 patterns and methods together") {
		t.Errorf("five paths and methods with a host header: %v", err)
	}
}
