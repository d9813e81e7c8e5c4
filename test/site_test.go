package test

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/alb-cognito/alb-cognito-cdk/config"
)

// The example configuration's values, as the template must show them.
var ex = func() config.Config {
	c, err := config.FromContext(config.Example())
	if err != nil {
		panic(err)
	}
	return c
}()

const (
	typeLB       = "AWS::ElasticLoadBalancingV2::LoadBalancer"
	typeListener = "AWS::ElasticLoadBalancingV2::Listener"
	typeTG       = "AWS::ElasticLoadBalancingV2::TargetGroup"
	typeSG       = "AWS::EC2::SecurityGroup"
	typeClient   = "AWS::Cognito::UserPoolClient"
	typeFunction = "AWS::Lambda::Function"
	typePerm     = "AWS::Lambda::Permission"
	typeRecord   = "AWS::Route53::RecordSet"
)

// listener returns the listener on a port.
func (s *synthesized) listener(t *testing.T, port float64) map[string]any {
	t.Helper()
	for _, l := range s.resources(typeListener) {
		if props(l)["Port"] == port {
			return props(l)
		}
	}
	t.Fatalf("no listener on port %v", port)
	return nil
}

// attributes turns a [{Key, Value}] list into a map; values may be references.
func attributes(list any) map[string]any {
	out := map[string]any{}
	items, _ := list.([]any)
	for _, it := range items {
		kv := it.(map[string]any)
		out[kv["Key"].(string)] = kv["Value"]
	}
	return out
}

// ref is a {"Ref": id} value; getAtt a {"Fn::GetAtt": [id, attr]} value.
func ref(id string) map[string]any { return map[string]any{"Ref": id} }
func getAtt(id, attr string) map[string]any {
	return map[string]any{"Fn::GetAtt": []any{id, attr}}
}

func TestLoadBalancerIsInternetFacingInPublicSubnets(t *testing.T) {
	s := exampleSite(t)
	_, lb := s.only(t, typeLB)
	p := props(lb)
	if p["Scheme"] != "internet-facing" || p["Type"] != "application" {
		t.Errorf("load balancer: Scheme %v, Type %v; want internet-facing application", p["Scheme"], p["Type"])
	}
	subnets, _ := p["Subnets"].([]any)
	if len(subnets) != 2 {
		t.Fatalf("load balancer subnets = %s, want the two public subnets", js(p["Subnets"]))
	}
	for _, sn := range subnets {
		id := sn.(map[string]any)["Ref"].(string)
		res := s.doc["Resources"].(map[string]any)[id].(map[string]any)
		if props(res)["MapPublicIpOnLaunch"] != true {
			t.Errorf("subnet %s is not public", id)
		}
	}
	if n := len(s.resources("AWS::EC2::NatGateway")); n != 0 {
		t.Errorf("%d NAT gateways; the Lambda target needs none", n)
	}
	azs := map[string]bool{}
	for _, sn := range s.resources("AWS::EC2::Subnet") {
		azs[props(sn)["AvailabilityZone"].(string)] = true
	}
	for _, az := range ex.AvailabilityZones {
		if !azs[az] {
			t.Errorf("no subnet in %s (configured zones %v, got %v)", az, ex.AvailabilityZones, azs)
		}
	}
}

func TestSecurityGroupAdmitsHTTPSAndHTTPAndSendsOnlyHTTPS(t *testing.T) {
	s := exampleSite(t)
	_, lb := s.only(t, typeLB)
	sgIDs := props(lb)["SecurityGroups"].([]any)
	if len(sgIDs) != 1 {
		t.Fatalf("load balancer security groups = %s, want one", js(sgIDs))
	}
	sgID := sgIDs[0].(map[string]any)["Fn::GetAtt"].([]any)[0].(string)
	sg := props(s.doc["Resources"].(map[string]any)[sgID].(map[string]any))

	var ports []float64
	for _, r := range sg["SecurityGroupIngress"].([]any) {
		rule := r.(map[string]any)
		if rule["FromPort"] != rule["ToPort"] || rule["IpProtocol"] != "tcp" {
			t.Errorf("ingress rule %s is not a single TCP port", js(rule))
		}
		ports = append(ports, rule["FromPort"].(float64))
	}
	slices.Sort(ports)
	if !slices.Equal(ports, []float64{80, 443}) {
		t.Errorf("ingress ports = %v, want [80 443]", ports)
	}
	egress := sg["SecurityGroupEgress"].([]any)
	if len(egress) != 1 {
		t.Fatalf("egress = %s, want only TCP 443", js(egress))
	}
	e := egress[0].(map[string]any)
	if e["IpProtocol"] != "tcp" || e["FromPort"] != 443.0 || e["ToPort"] != 443.0 {
		t.Errorf("egress = %s, want TCP 443 to the identity provider", js(e))
	}
}

func TestHTTPSListenerAuthenticatesThenForwards(t *testing.T) {
	s := exampleSite(t)
	l := s.listener(t, 443)
	if l["Protocol"] != "HTTPS" {
		t.Errorf("port 443 protocol = %v", l["Protocol"])
	}
	if got := js(l["Certificates"]); got != js([]any{map[string]any{"CertificateArn": ex.CertificateArn}}) {
		t.Errorf("certificates = %s, want the existing certificate %s", got, ex.CertificateArn)
	}
	if p, _ := l["SslPolicy"].(string); !strings.Contains(p, "TLS13-1-3") {
		t.Errorf("SslPolicy = %q, want a TLS 1.3-only policy", p)
	}
	actions := l["DefaultActions"].([]any)
	if len(actions) != 2 {
		t.Fatalf("default actions = %s, want authenticate-cognito then forward", js(actions))
	}
	auth, fwd := actions[0].(map[string]any), actions[1].(map[string]any)
	if auth["Type"] != "authenticate-cognito" || auth["Order"] != 1.0 {
		t.Errorf("first action = %s, want authenticate-cognito with order 1", js(auth))
	}
	if fwd["Type"] != "forward" || fwd["Order"] != 2.0 {
		t.Errorf("second action = %s, want forward with order 2", js(fwd))
	}
	tgID, _ := s.only(t, typeTG)
	if js(fwd["TargetGroupArn"]) != js(ref(tgID)) {
		t.Errorf("forward goes to %s, want the Lambda target group %s", js(fwd["TargetGroupArn"]), tgID)
	}
	clientID, _ := s.only(t, typeClient)
	c := auth["AuthenticateCognitoConfig"].(map[string]any)
	want := map[string]any{
		"UserPoolArn":              ex.UserPoolArn,
		"UserPoolClientId":         ref(clientID),
		"UserPoolDomain":           ex.UserPoolDomain,
		"Scope":                    "openid",
		"SessionCookieName":        "AWSELBAuthSessionCookie",
		"SessionTimeout":           "28800",
		"OnUnauthenticatedRequest": "authenticate",
	}
	for k, v := range want {
		if js(c[k]) != js(v) {
			t.Errorf("AuthenticateCognitoConfig.%s = %s, want %s", k, js(c[k]), js(v))
		}
	}
}

func TestHTTPListenerOnlyRedirects(t *testing.T) {
	s := exampleSite(t)
	l := s.listener(t, 80)
	actions := l["DefaultActions"].([]any)
	if len(actions) != 1 {
		t.Fatalf("port 80 actions = %s, want one redirect", js(actions))
	}
	a := actions[0].(map[string]any)
	rc, _ := a["RedirectConfig"].(map[string]any)
	if a["Type"] != "redirect" || rc["StatusCode"] != "HTTP_301" || rc["Protocol"] != "HTTPS" || rc["Port"] != "443" {
		t.Errorf("port 80 action = %s, want a 301 redirect to HTTPS 443", js(a))
	}
}

func TestLambdaTargetGroupDependsOnScopedPermission(t *testing.T) {
	s := exampleSite(t)
	_, tg := s.only(t, typeTG)
	fnID, _ := s.only(t, typeFunction)
	p := props(tg)
	if p["TargetType"] != "lambda" {
		t.Errorf("TargetType = %v, want lambda", p["TargetType"])
	}
	if js(p["Targets"]) != js([]any{map[string]any{"Id": getAtt(fnID, "Arn")}}) {
		t.Errorf("Targets = %s, want the function %s", js(p["Targets"]), fnID)
	}
	if attributes(p["TargetGroupAttributes"])["lambda.multi_value_headers.enabled"] != "true" {
		t.Errorf("multi-value headers not enabled: %s", js(p["TargetGroupAttributes"]))
	}

	perms := s.resources(typePerm)
	if len(perms) != 1 {
		t.Fatalf("%d Lambda permissions, want exactly one (the CDK's unscoped LambdaTarget grant must not appear)", len(perms))
	}
	var permID string
	var perm map[string]any
	for id, r := range perms {
		permID, perm = id, props(r)
	}
	if perm["Principal"] != "elasticloadbalancing.amazonaws.com" || perm["Action"] != "lambda:InvokeFunction" {
		t.Errorf("permission = %s", js(perm))
	}
	if perm["SourceAccount"] != ex.Account() {
		t.Errorf("SourceAccount = %v, want %s", perm["SourceAccount"], ex.Account())
	}
	name, _ := p["Name"].(string)
	if name == "" {
		t.Fatal("the target group has no explicit Name, so the permission cannot name it")
	}
	wantArn := "arn:aws:elasticloadbalancing:" + ex.Region() + ":" + ex.Account() + ":targetgroup/" + name + "/*"
	if got := resolveJoin(perm["SourceArn"]); got != wantArn {
		t.Errorf("SourceArn = %s, want %s", got, wantArn)
	}
	deps, _ := tg["DependsOn"].([]any)
	if !slices.Contains(deps, any(permID)) {
		t.Errorf("target group DependsOn = %v, want it to include the permission %s", deps, permID)
	}
}

// resolveJoin renders a literal string or an Fn::Join of literals and the
// AWS::Partition pseudo parameter (as "aws") as one string.
func resolveJoin(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		if r, ok := x["Ref"]; ok {
			switch r {
			case "AWS::Partition":
				return "aws"
			case "AWS::URLSuffix":
				return "amazonaws.com"
			}
			return "${" + r.(string) + "}"
		}
		if j, ok := x["Fn::Join"].([]any); ok {
			var parts []string
			for _, p := range j[1].([]any) {
				parts = append(parts, resolveJoin(p))
			}
			return strings.Join(parts, j[0].(string))
		}
	}
	return js(v)
}

func TestUserPoolClient(t *testing.T) {
	s := exampleSite(t)
	_, c := s.only(t, typeClient)
	p := props(c)
	checks := map[string]any{
		"UserPoolId":                      ex.UserPoolID(),
		"GenerateSecret":                  true,
		"AllowedOAuthFlows":               []any{"code"},
		"AllowedOAuthFlowsUserPoolClient": true,
		"AllowedOAuthScopes":              []any{"openid"},
		"CallbackURLs":                    []any{"https://app.example.com/oauth2/idpresponse"},
		"SupportedIdentityProviders":      []any{"COGNITO"},
		"ExplicitAuthFlows":               []any{"ALLOW_REFRESH_TOKEN_AUTH"},
		"PreventUserExistenceErrors":      "ENABLED",
		"EnableTokenRevocation":           true,
	}
	for k, v := range checks {
		if js(p[k]) != js(v) {
			t.Errorf("client %s = %s, want %s", k, js(p[k]), js(v))
		}
	}
	for _, u := range p["CallbackURLs"].([]any) {
		if u.(string) != strings.ToLower(u.(string)) {
			t.Errorf("callback %q is not lower case; the load balancer sends a lower-case redirect_uri", u)
		}
	}
	logout, _ := p["LogoutURLs"].([]any)
	if !slices.Contains(logout, any(ex.SiteURL())) {
		t.Errorf("LogoutURLs = %v, want the function's logout_uri %s", logout, ex.SiteURL())
	}
	for _, sc := range p["AllowedOAuthScopes"].([]any) {
		if sc == "aws.cognito.signin.user.admin" {
			t.Error("the client must never get aws.cognito.signin.user.admin")
		}
	}
	// Token lifetimes fit the 8-hour session: ID/access tokens no longer than
	// it, a refresh token that outlives it.
	units := p["TokenValidityUnits"].(map[string]any)
	for _, k := range []string{"IdToken", "AccessToken", "RefreshToken"} {
		if units[k] != "minutes" {
			t.Errorf("TokenValidityUnits.%s = %v, want minutes", k, units[k])
		}
	}
	if p["IdTokenValidity"].(float64) > 480 || p["AccessTokenValidity"].(float64) > 480 {
		t.Errorf("ID/access token validity %v/%v min exceeds the 480 min session", p["IdTokenValidity"], p["AccessTokenValidity"])
	}
	if p["RefreshTokenValidity"].(float64) < 480 {
		t.Errorf("refresh token validity %v min is shorter than the 480 min session", p["RefreshTokenValidity"])
	}
}

func TestAliasRecordPointsAtLoadBalancer(t *testing.T) {
	s := exampleSite(t)
	lbID, _ := s.only(t, typeLB)
	_, r := s.only(t, typeRecord)
	p := props(r)
	if p["Type"] != "A" || p["Name"] != ex.RecordName+"." || p["HostedZoneId"] != ex.HostedZoneID {
		t.Errorf("record = %s, want A %s. in zone %s", js(p), ex.RecordName, ex.HostedZoneID)
	}
	at := p["AliasTarget"].(map[string]any)
	if js(at["HostedZoneId"]) != js(getAtt(lbID, "CanonicalHostedZoneID")) {
		t.Errorf("alias zone = %s, want the load balancer's canonical zone", js(at["HostedZoneId"]))
	}
	if !strings.Contains(js(at["DNSName"]), js(getAtt(lbID, "DNSName"))) {
		t.Errorf("alias DNSName = %s, want the load balancer's DNS name", js(at["DNSName"]))
	}
}

func TestFunctionEnvironmentIsWiredFromRealResources(t *testing.T) {
	s := exampleSite(t)
	_, fn := s.only(t, typeFunction)
	lbID, _ := s.only(t, typeLB)
	clientID, _ := s.only(t, typeClient)
	p := props(fn)
	if p["Runtime"] != "provided.al2023" || js(p["Architectures"]) != `["arm64"]` || p["Handler"] != "bootstrap" {
		t.Errorf("function runtime %v, architectures %v, handler %v; want provided.al2023 on arm64", p["Runtime"], p["Architectures"], p["Handler"])
	}
	if p["MemorySize"] != float64(ex.FunctionMemoryMiB) || p["Timeout"] != float64(ex.FunctionTimeoutSeconds) {
		t.Errorf("memory %v, timeout %v", p["MemorySize"], p["Timeout"])
	}
	env := p["Environment"].(map[string]any)["Variables"].(map[string]any)
	want := map[string]string{
		"ALB_ARN":             js(ref(lbID)),
		"USER_POOL_CLIENT_ID": js(ref(clientID)),
		"TOKEN_ISSUER":        js(ex.Issuer()),
		"USER_POOL_DOMAIN":    js(ex.UserPoolDomainHost()),
		"APP_URL":             js(ex.SiteURL()),
		"SESSION_COOKIE_NAME": js(ex.SessionCookieName),
	}
	for k, v := range want {
		got := js(env[k])
		if m, ok := env[k].(map[string]any); ok && m["Fn::Join"] != nil {
			got = js(resolveJoin(env[k]))
		}
		if got != v {
			t.Errorf("environment %s = %s, want %s", k, got, v)
		}
	}
}

func TestOutputs(t *testing.T) {
	s := exampleSite(t)
	outputs := s.doc["Outputs"].(map[string]any)
	for _, name := range []string{"SiteUrl", "LoadBalancerDnsName", "UserPoolClientId", "CallbackUrl"} {
		if _, ok := outputs[name]; !ok {
			t.Errorf("missing output %s (have %v)", name, slices.Sorted(maps.Keys(outputs)))
		}
	}
	if v := outputs["CallbackUrl"].(map[string]any)["Value"]; v != ex.CallbackURL() {
		t.Errorf("CallbackUrl = %v, want %s", v, ex.CallbackURL())
	}
}

// TestExistingResourcesAreNeverManaged: the pool, its domain, the zone and the
// certificate exist before the app; none of them may appear as a resource, or
// a stack update or delete could replace or delete it.
func TestExistingResourcesAreNeverManaged(t *testing.T) {
	s := exampleSite(t)
	for _, typ := range []string{
		"AWS::Cognito::UserPool", "AWS::Cognito::UserPoolDomain",
		"AWS::Route53::HostedZone", "AWS::CertificateManager::Certificate",
	} {
		guard(t, func() { s.template.ResourceCountIs(jsii.String(typ), jsii.Number(0)) })
	}
}

// TestTemplateNeedsNoLookups: synth must not need credentials, so nothing in the
// assembly may ask for context lookups (AZs, hosted zones, VPCs).
func TestTemplateNeedsNoLookups(t *testing.T) {
	s := exampleSite(t)
	b := js(s.doc)
	for _, bad := range []string{"dummy1a", "DUMMY", "Fn::GetAZs"} {
		if strings.Contains(b, bad) {
			t.Errorf("template contains %q: a lookup or AZ placeholder leaked in", bad)
		}
	}
	for _, m := range s.messagesAt(t, "error") {
		t.Errorf("synth error at %s: %s", m.path, m.text)
	}
	// The manifest is read as JSON: jsii-runtime-go v1.142.0 cannot convert
	// CloudAssembly.Manifest() to Go (it fails on the tree artifact's
	// properties, "Of property Object.templateFile: ... value is undefined").
	var dir string
	guard(t, func() { dir = *s.app.Synth(nil).Directory() })
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var manifest struct {
		Missing []struct{ Key string } `json:"missing"`
	}
	if err := json.Unmarshal(raw, &manifest); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	if len(manifest.Missing) > 0 {
		t.Errorf("the cloud assembly asks the CLI for context lookups %v; synth would need credentials", manifest.Missing)
	}
}
