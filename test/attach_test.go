package test

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/config"
	"github.com/alb-cognito/alb-cognito-cdk/constructs/albauth"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/groupclaim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
)

const (
	attachListenerArn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shared-alb/50dc6c495c0c9188/f2f7dc8efc522ab2"
	attachLBArn       = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/shared-alb/50dc6c495c0c9188"
	attachLBFullName  = "app/shared-alb/50dc6c495c0c9188"
	attachTGArn       = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop-service/73e2d6bc24d8a067"
	attachHost        = "shop.example.com"
)

// attachContext is config.ExampleAttach (the site attached to a shared
// listener, rule priorities from 1000) with overrides, the feature flags
// and no bundling.
func attachContext(overrides map[string]any) map[string]any {
	ctx := config.ExampleAttach()
	maps.Copy(ctx, testContext())
	maps.Copy(ctx, overrides)
	return ctx
}

var (
	// attachSite: the shipped attach example, the function as the target.
	attachSite = shared("attach", func() (*synthesized, error) { return synth(attachContext(nil)) })
	// attachTargetSite: an existing listener and an existing target group,
	// with the Cognito egress rule.
	attachTargetSite = shared("attach with target group", func() (*synthesized, error) {
		return synth(attachContext(map[string]any{"targetGroupArn": attachTGArn, "addCognitoEgressRule": true, "stackName": "AlbCognitoSiteAttachTarget",
			// Groups from a federated provider beside Cognito's: the combination issue 20 asks to synthesize.
			"groupClaims": []any{"cognito:groups", "custom:groups"}, "groupClaimSeparator": "comma"}))
	})
	// ownTargetSite: the stack's own load balancer, in an existing VPC,
	// forwarding to an existing target group.
	ownTargetSite = shared("own load balancer with target group", func() (*synthesized, error) {
		return synth(exampleContext(map[string]any{"targetGroupArn": attachTGArn, "vpcId": "vpc-0123456789abcdef0",
			"publicSubnetIds": []any{"subnet-0123456789abcdef0", "subnet-0fedcba9876543210"}, "stackName": "AlbCognitoSiteTarget"}))
	})
)

// listenerRules returns the template's listener rules ordered by priority.
func listenerRules(t *testing.T, s *synthesized) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, r := range s.resources("AWS::ElasticLoadBalancingV2::ListenerRule") {
		out = append(out, props(r))
	}
	sort.Slice(out, func(i, j int) bool { return out[i]["Priority"].(float64) < out[j]["Priority"].(float64) })
	return out
}

// conditionFields returns a rule's condition fields, in order.
func conditionFields(rule map[string]any) []string {
	var out []string
	for _, c := range rule["Conditions"].([]any) {
		out = append(out, c.(map[string]any)["Field"].(string))
	}
	return out
}

func hostValues(rule map[string]any) []any {
	for _, c := range rule["Conditions"].([]any) {
		cm := c.(map[string]any)
		if cm["Field"] == "host-header" {
			return cm["HostHeaderConfig"].(map[string]any)["Values"].([]any)
		}
	}
	return nil
}

func actionTypes(rule map[string]any) []string {
	var out []string
	for _, a := range rule["Actions"].([]any) {
		out = append(out, a.(map[string]any)["Type"].(string))
	}
	return out
}

// forwardTarget is the target group a rule's forward action names.
func forwardTarget(rule map[string]any) any {
	for _, a := range rule["Actions"].([]any) {
		am := a.(map[string]any)
		if am["Type"] == "forward" {
			return am["TargetGroupArn"]
		}
	}
	return nil
}

// In attach mode the stack owns no load balancer, listener, VPC, bucket,
// web ACL or security group; its rules are on the imported listener, each
// with a host-header condition for recordName, at 1000, 1001, ... in route
// order, the catch-all last.
func TestAttachAddsOnlyRulesToTheSharedListener(t *testing.T) {
	s := attachSite(t)
	for _, typ := range []string{"AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancingV2::Listener", "AWS::EC2::VPC",
		"AWS::EC2::Subnet", "AWS::S3::Bucket", "AWS::WAFv2::WebACL", "AWS::WAFv2::WebACLAssociation", "AWS::EC2::SecurityGroup",
		"AWS::EC2::SecurityGroupEgress", "AWS::EC2::SecurityGroupIngress", "AWS::EC2::FlowLog"} {
		if n := len(s.resources(typ)); n > 0 {
			t.Errorf("attach mode: %d %s", n, typ)
		}
	}
	rules := listenerRules(t, s)
	if len(rules) != 4 {
		t.Fatalf("%d listener rules, want 4 (admin, reports, api, catch-all)", len(rules))
	}
	wantActions := [][]string{
		{"authenticate-cognito", "forward"}, // admin
		{"jwt-validation", "forward"},       // reports, a machine route
		{"authenticate-cognito", "forward"}, // api
		{"authenticate-cognito", "forward"}, // catch-all
	}
	for i, r := range rules {
		if r["ListenerArn"] != attachListenerArn {
			t.Errorf("rule %d: ListenerArn %v, want the shared listener", i, r["ListenerArn"])
		}
		want := 1000 + i
		if i == len(rules)-1 {
			want = 1050 // the catch-all rule, at the end of the site's block
		}
		if p := r["Priority"].(float64); p != float64(want) {
			t.Errorf("rule %d: priority %v, want %d", i, p, want)
		}
		if h := hostValues(r); len(h) != 1 || h[0] != attachHost {
			t.Errorf("rule %d: host-header %v, want [%s]", i, h, attachHost)
		}
		if got := actionTypes(r); !slices.Equal(got, wantActions[i]) {
			t.Errorf("rule %d: actions %v, want %v", i, got, wantActions[i])
		}
		// The stack never lets an action add egress to a group it does not own.
		values := 0
		for _, c := range r["Conditions"].([]any) {
			for _, cfg := range c.(map[string]any) {
				if m, ok := cfg.(map[string]any); ok {
					if v, ok := m["Values"].([]any); ok {
						values += len(v)
					}
				}
			}
		}
		if values > 5 {
			t.Errorf("rule %d: %d condition values, the load balancer takes 5", i, values)
		}
	}
	if got := conditionFields(rules[3]); !slices.Equal(got, []string{"host-header"}) {
		t.Errorf("catch-all conditions %v, want host-header only", got)
	}
	if got := conditionFields(rules[0]); !slices.Equal(got, []string{"host-header", "path-pattern"}) {
		t.Errorf("admin conditions %v", got)
	}
	// The catch-all is the old default action: the site's own cookie, scope
	// openid and its unauthenticated action.
	auth := rules[3]["Actions"].([]any)[0].(map[string]any)["AuthenticateCognitoConfig"].(map[string]any)
	if auth["SessionCookieName"] != config.SiteSessionCookieName(attachHost) || auth["Scope"] != "openid" || auth["OnUnauthenticatedRequest"] != "authenticate" {
		t.Errorf("catch-all authenticate config %v", js(auth))
	}

	_, cert := s.only(t, "AWS::ElasticLoadBalancingV2::ListenerCertificate")
	if p := props(cert); p["ListenerArn"] != attachListenerArn || js(p["Certificates"]) != `[{"CertificateArn":"arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"}]` {
		t.Errorf("listener certificate %s", js(p))
	}
	_, rec := s.only(t, "AWS::Route53::RecordSet")
	alias := props(rec)["AliasTarget"].(map[string]any)
	if alias["DNSName"] != "dualstack.shared-alb-1234567890.eu-west-1.elb.amazonaws.com" || alias["HostedZoneId"] != "Z32O12XQLNTSW2" || props(rec)["Type"] != "A" {
		t.Errorf("alias record %s", js(props(rec)))
	}

	// The function's signer is the shared load balancer, derived from the listener.
	_, fn := s.only(t, "AWS::Lambda::Function")
	env := props(fn)["Environment"].(map[string]any)["Variables"].(map[string]any)
	if env[identity.EnvALBARN] != attachLBArn || env[identity.EnvSessionCookieName] != config.SiteSessionCookieName(attachHost) {
		t.Errorf("function environment: ALB_ARN %v, cookie %v", env[identity.EnvALBARN], env[identity.EnvSessionCookieName])
	}
	var table struct {
		Routes []struct {
			Name     string `json:"name"`
			Priority int    `json:"priority"`
		} `json:"routes"`
	}
	if err := json.Unmarshal([]byte(env[identity.EnvRouteTable].(string)), &table); err != nil {
		t.Fatal(err)
	}
	for i, r := range table.Routes {
		if r.Priority != 1000+i {
			t.Errorf("ROUTE_TABLE route %s: priority %d, want %d (the rule's)", r.Name, r.Priority, 1000+i)
		}
	}

	// Alarms on the shared load balancer's metrics carry its dimension.
	n := 0
	for id, a := range s.resources("AWS::CloudWatch::Alarm") {
		if props(a)["Namespace"] != "AWS/ApplicationELB" {
			continue
		}
		n++
		if d := js(props(a)["Dimensions"]); d != `[{"Name":"LoadBalancer","Value":"`+attachLBFullName+`"}]` {
			t.Errorf("alarm %s: dimensions %s", id, d)
		}
	}
	if n == 0 {
		t.Error("no load balancer alarm")
	}
	outputs := s.doc["Outputs"].(map[string]any)
	if o, ok := outputs["ListenerRulePriorities"].(map[string]any); !ok || o["Value"] != "1000-1050" {
		t.Errorf("ListenerRulePriorities output %v", outputs["ListenerRulePriorities"])
	}
	// Without addCognitoEgressRule the stack says what the group needs.
	note := albauth.EgressNote("sg-0123456789abcdef0")
	if !slices.ContainsFunc(s.messagesAt(t, "info"), func(m message) bool { return m.text == note }) {
		t.Errorf("no info note %q", note)
	}
	if errs := nagFindings(t, s, "error"); len(errs) > 0 {
		t.Errorf("cdk-nag errors:\n%s", strings.Join(errs, "\n"))
	}
	if warns := nagFindings(t, s, "warning"); len(warns) > 0 {
		t.Errorf("cdk-nag warnings:\n%s", strings.Join(warns, "\n"))
	}
}

// joined resolves an Fn::Join of strings and references into one string,
// each reference written as "<ref>", so that a JSON document built from
// tokens parses.
func joined(t *testing.T, v any) string {
	t.Helper()
	if s, ok := v.(string); ok {
		return s
	}
	j, ok := v.(map[string]any)["Fn::Join"].([]any)
	if !ok || j[0] != "" {
		t.Fatalf("not an Fn::Join with an empty separator: %s", js(v))
	}
	var b strings.Builder
	for _, part := range j[1].([]any) {
		if s, ok := part.(string); ok {
			b.WriteString(s)
		} else {
			b.WriteString("<ref>")
		}
	}
	return b.String()
}

// deployedValue stands in for what CloudFormation resolves a reference of
// the identity document to: the partition's URL suffix, or the id of an app
// client (the only other references the document has).
func deployedValue(t *testing.T, ref any) string {
	t.Helper()
	m, _ := ref.(map[string]any)
	if m["Ref"] == "AWS::URLSuffix" {
		return "amazonaws.com"
	}
	if id, ok := m["Ref"].(string); ok && strings.Contains(id, "Client") {
		return "4lbc0gn1t0cl13nt1d" + fmt.Sprint(len(id)%10) // an app client id: 1-128 word characters
	}
	t.Fatalf("unexpected reference in the identity document: %s", js(ref))
	return ""
}

// The document the stack publishes is one the app's reader accepts:
// identity.ConfigFromDocument, with its strict key list and every value
// check of the function's environment, agrees with what the stack writes,
// and reads back the route table the listener rules were written from.
func TestIdentityDocumentIsReadByTheApp(t *testing.T) {
	s := attachTargetSite(t)
	_, param := s.only(t, "AWS::SSM::Parameter")
	v := props(param)["Value"]
	var b strings.Builder
	if str, ok := v.(string); ok {
		b.WriteString(str)
	} else {
		for _, part := range v.(map[string]any)["Fn::Join"].([]any)[1].([]any) {
			if str, ok := part.(string); ok {
				b.WriteString(str)
			} else {
				b.WriteString(deployedValue(t, part))
			}
		}
	}
	cfg, err := identity.ConfigFromDocument([]byte(b.String()))
	if err != nil {
		t.Fatalf("the app refuses the published document: %v", err)
	}
	want, err := config.FromContext(config.ExampleAttach())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.TargetGroupPrefix != "" || cfg.Token.ALBARN != attachLBArn || cfg.AppURL != "https://"+attachHost {
		t.Errorf("read back prefix %q, ALB %q, app URL %q", cfg.TargetGroupPrefix, cfg.Token.ALBARN, cfg.AppURL)
	}
	got, _ := json.Marshal(cfg.Routes)
	if w := want.RouteTableJSON(); string(got) != w {
		t.Errorf("route table read back:\n%s\nwant\n%s", got, w)
	}
	if len(cfg.MachineClients) == 0 {
		t.Error("no machine clients read back")
	}
	if gc := cfg.GroupClaims; !slices.Equal(gc.Claims, []string{"cognito:groups", "custom:groups"}) || gc.Separator != groupclaim.SeparatorComma {
		t.Errorf("group claims read back: %+v", gc)
	}
}

// A user synthesizing the combined configuration sees no warning: the
// CDK warns on an imported target group for every rule that forwards to it,
// machine rules included, and the construct acknowledges them all.
func TestCombinedConfigurationSynthesizesWithoutWarnings(t *testing.T) {
	s := attachTargetSite(t)
	var warns []string
	for _, m := range s.messagesAt(t, "warning") {
		warns = append(warns, m.path+": "+m.text)
	}
	if len(warns) > 0 {
		t.Errorf("synth warns:\n%s", strings.Join(warns, "\n"))
	}
}

// With an existing target group the stack creates no function, target group
// or invoke permission; every rule forwards to the target group; the SSM
// parameter holds exactly the settings the app needs, as flat JSON.
func TestTargetGroupOnASharedListener(t *testing.T) {
	s := attachTargetSite(t)
	for _, typ := range []string{"AWS::Lambda::Function", "AWS::Lambda::Permission", "AWS::ElasticLoadBalancingV2::TargetGroup",
		"AWS::Logs::LogGroup", "AWS::IAM::Role", "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancingV2::Listener"} {
		if n := len(s.resources(typ)); n > 0 {
			t.Errorf("%d %s", n, typ)
		}
	}
	rules := listenerRules(t, s)
	if len(rules) != 4 {
		t.Fatalf("%d rules, want 4", len(rules))
	}
	for i, r := range rules {
		if got := forwardTarget(r); got != attachTGArn {
			t.Errorf("rule %d forwards to %v, want the existing target group", i, js(got))
		}
	}
	// Opted in: one egress rule, HTTPS to anywhere, on the shared group.
	_, eg := s.only(t, "AWS::EC2::SecurityGroupEgress")
	p := props(eg)
	if p["GroupId"] != "sg-0123456789abcdef0" || p["IpProtocol"] != "tcp" || p["FromPort"] != 443.0 || p["ToPort"] != 443.0 || p["CidrIp"] != "0.0.0.0/0" {
		t.Errorf("egress rule %s", js(p))
	}

	_, param := s.only(t, "AWS::SSM::Parameter")
	pp := props(param)
	if pp["Type"] != "String" || pp["Name"] != "/"+attachHost+"/identity" || pp["Tier"] != "Standard" {
		t.Errorf("parameter %v %v %v", pp["Type"], pp["Name"], pp["Tier"])
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(joined(t, pp["Value"])), &doc); err != nil {
		t.Fatalf("the parameter's value is not JSON: %v\n%s", err, joined(t, pp["Value"]))
	}
	want := []string{identity.EnvALBARN, identity.EnvAppURL, identity.EnvTarget, identity.EnvMachineClients, identity.EnvResourceServerID,
		identity.EnvRouteTable, identity.EnvSessionCookieName, identity.EnvIssuer, identity.EnvClientID, identity.EnvUserPoolDomain,
		identity.EnvGroupClaims}
	slices.Sort(want)
	if got := slices.Sorted(maps.Keys(doc)); !slices.Equal(got, want) {
		t.Errorf("parameter keys %v, want %v", got, want)
	}
	for k, v := range doc {
		if _, ok := v.(string); !ok {
			t.Errorf("%s is %T, not a string: the document is flat, string values only", k, v)
		}
	}
	cfg, err := config.FromContext(config.ExampleAttach())
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		identity.EnvTarget: identity.TargetHTTP, identity.EnvALBARN: attachLBArn, identity.EnvAppURL: "https://" + attachHost,
		identity.EnvSessionCookieName: config.SiteSessionCookieName(attachHost), identity.EnvRouteTable: cfg.RouteTableJSON(),
		identity.EnvIssuer:           "https://cognito-idp.eu-west-1.<ref>/eu-west-1_Example1", // <ref>: AWS::URLSuffix
		identity.EnvResourceServerID: "https://" + attachHost,
	} {
		if doc[k] != v {
			t.Errorf("%s = %v, want %v", k, doc[k], v)
		}
	}
	if !strings.Contains(doc[identity.EnvMachineClients].(string), `"nightly-report":"<ref>"`) {
		t.Errorf("MACHINE_CLIENTS = %v", doc[identity.EnvMachineClients])
	}
	outputs := s.doc["Outputs"].(map[string]any)
	for _, o := range []string{"LoadBalancerArn", "UserPoolClientId", "TokenIssuer", "JwksUrl", "UserPoolDomainHost", "SiteUrl",
		"SessionCookieName", "IdentityParameterName", "IdentityParameterArn"} {
		if outputs[o] == nil {
			t.Errorf("no output %s", o)
		}
	}
	if v := outputs["LoadBalancerArn"].(map[string]any)["Value"]; v != attachLBArn {
		t.Errorf("LoadBalancerArn output %v", v)
	}
	// No function, so only the load balancer's alarms.
	for id, a := range s.resources("AWS::CloudWatch::Alarm") {
		if ns := props(a)["Namespace"]; ns != "AWS/ApplicationELB" {
			t.Errorf("alarm %s watches %v without a function", id, ns)
		}
	}
	if n := len(s.resources("AWS::Logs::QueryDefinition")); n > 0 {
		t.Errorf("%d log queries without a function", n)
	}
	if errs := nagFindings(t, s, "error"); len(errs) > 0 {
		t.Errorf("cdk-nag errors:\n%s", strings.Join(errs, "\n"))
	}
}

// With its own load balancer the stack forwards the listener's default
// action to the existing target group and still creates no function.
func TestTargetGroupBehindTheStacksLoadBalancer(t *testing.T) {
	s := ownTargetSite(t)
	var https map[string]any
	for _, r := range s.resources("AWS::ElasticLoadBalancingV2::Listener") {
		if props(r)["Protocol"] == "HTTPS" {
			https = props(r)
		}
	}
	if got := forwardTarget(map[string]any{"Actions": https["DefaultActions"]}); got != attachTGArn {
		t.Errorf("default action forwards to %s", js(got))
	}
	for _, typ := range []string{"AWS::Lambda::Function", "AWS::Lambda::Permission", "AWS::ElasticLoadBalancingV2::TargetGroup"} {
		if n := len(s.resources(typ)); n > 0 {
			t.Errorf("%d %s", n, typ)
		}
	}
	_, param := s.only(t, "AWS::SSM::Parameter")
	var doc map[string]any
	if err := json.Unmarshal([]byte(joined(t, props(param)["Value"])), &doc); err != nil {
		t.Fatal(err)
	}
	if doc[identity.EnvALBARN] != "<ref>" || doc[identity.EnvTarget] != identity.TargetHTTP || doc[identity.EnvTargetGroupPrefix] != nil {
		t.Errorf("settings %v", doc)
	}
	if errs := nagFindings(t, s, "error"); len(errs) > 0 {
		t.Errorf("cdk-nag errors:\n%s", strings.Join(errs, "\n"))
	}
}
