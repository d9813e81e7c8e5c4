package test

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"

	"github.com/alb-cognito/alb-cognito-cdk/constructs/albauth"
	"github.com/alb-cognito/alb-cognito-cdk/stacks"
)

// byID returns one resource by logical id.
func (s *synthesized) byID(t *testing.T, id string) map[string]any {
	t.Helper()
	r, ok := s.doc["Resources"].(map[string]any)[id].(map[string]any)
	if !ok {
		t.Fatalf("no resource %s", id)
	}
	return r
}

// nagFindings returns the cdk-nag AwsSolutions messages of one level on the stack.
func nagFindings(t *testing.T, s *synthesized, level string) []string {
	t.Helper()
	var out []string
	for _, m := range s.messagesAt(t, level) {
		if strings.HasPrefix(m.text, "AwsSolutions-") {
			out = append(out, m.path+": "+strings.SplitN(m.text, ":", 2)[0])
		}
	}
	return out
}

func TestNagHasNoUnsuppressedFindings(t *testing.T) {
	s := exampleSite(t)
	if errs := nagFindings(t, s, "error"); len(errs) > 0 {
		t.Errorf("unsuppressed cdk-nag errors:\n%s", strings.Join(errs, "\n"))
	}
	if warns := nagFindings(t, s, "warning"); len(warns) > 0 {
		t.Errorf("unsuppressed cdk-nag warnings:\n%s", strings.Join(warns, "\n"))
	}
}

// TestNagSuppressionsAreTheReviewedOnes reads cdk-nag's report from the cloud
// assembly: it must exist, and the only suppressions in it are the reviewed
// ones, each on one resource and with its reason.
func TestNagSuppressionsAreTheReviewedOnes(t *testing.T) {
	s := exampleSite(t)
	_ = s.app.Synth(nil)
	f, err := os.Open(filepath.Join(s.outdir, "AwsSolutions-"+*s.site.Stack.StackName()+"-NagReport.csv"))
	if err != nil {
		t.Fatalf("cdk-nag report missing from the cloud assembly: %v", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var suppressed []string
	for _, r := range rows[1:] {
		switch r[2] {
		case "Suppressed":
			if len(r[3]) < 40 {
				t.Errorf("suppression %s on %s has no real reason: %q", r[0], r[1], r[3])
			}
			suppressed = append(suppressed, r[0]+" "+r[1])
		case "Non-Compliant":
			t.Errorf("non-compliant: %s on %s", r[0], r[1])
		}
	}
	// Every synthesis of the app appends to the report; keep one row per finding.
	slices.Sort(suppressed)
	suppressed = slices.Compact(suppressed)
	want := []string{
		"AwsSolutions-EC23 " + *s.site.Stack.StackName() + "/Site/SecurityGroup/Resource",
		"AwsSolutions-S1 " + *s.site.Stack.StackName() + "/Site/AccessLogs/Resource",
	}
	if !slices.Equal(suppressed, want) {
		t.Errorf("suppressions = %q, want %q", suppressed, want)
	}
}

// TestNagCatchesAWildcardAction proves the checks are live: the variant stack
// (every option on, so also proving those options are nag-clean) has a wildcard
// IAM action added to the function's role, and that must be the one and only
// error cdk-nag reports.
func TestNagCatchesAWildcardAction(t *testing.T) {
	s := variantSite(t)
	errs := nagFindings(t, s, "error")
	if len(errs) == 0 {
		t.Fatal("cdk-nag did not flag the wildcard action")
	}
	for _, e := range errs {
		if !strings.Contains(e, "AwsSolutions-IAM5") || !strings.Contains(e, "/FunctionRole/") {
			t.Errorf("unexpected cdk-nag error (only the planted wildcard on the function role may fail): %s", e)
		}
	}
}

// addWildcard plants a deliberately bad change: a wildcard action.
func addWildcard(site *stacks.Site) {
	site.Auth.Function().AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("s3:*"),
		Resources: jsii.Strings("*"),
	}))
}

func TestLoadBalancerHardening(t *testing.T) {
	s := exampleSite(t)
	_, lb := s.only(t, typeLB)
	attrs := attributes(props(lb)["LoadBalancerAttributes"])
	want := map[string]any{
		"deletion_protection.enabled":                     "true",
		"routing.http.drop_invalid_header_fields.enabled": "true",
		"routing.http.desync_mitigation_mode":             "strictest",
		"access_logs.s3.enabled":                          "true",
	}
	for k, v := range want {
		if attrs[k] != v {
			t.Errorf("load balancer attribute %s = %q, want %q", k, attrs[k], v)
		}
	}
	l := s.listener(t, 443)
	la := attributes(l["ListenerAttributes"])
	if la["routing.http.response.strict_transport_security.header_value"] != albauth.HSTSHeaderValue {
		t.Errorf("HSTS header = %q", la["routing.http.response.strict_transport_security.header_value"])
	}
	if la["routing.http.response.server.enabled"] != "false" {
		t.Errorf("Server header not hidden: %v", la)
	}
}

func TestAccessLogBucket(t *testing.T) {
	s := exampleSite(t)
	id, b := s.only(t, "AWS::S3::Bucket")
	if b["DeletionPolicy"] != "Retain" || b["UpdateReplacePolicy"] != "Retain" {
		t.Errorf("log bucket DeletionPolicy %v, UpdateReplacePolicy %v; want Retain", b["DeletionPolicy"], b["UpdateReplacePolicy"])
	}
	p := props(b)
	if !strings.Contains(js(p["BucketEncryption"]), `"SSEAlgorithm":"AES256"`) {
		t.Errorf("log bucket encryption = %s, want SSE-S3", js(p["BucketEncryption"]))
	}
	pab := p["PublicAccessBlockConfiguration"].(map[string]any)
	for _, k := range []string{"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"} {
		if pab[k] != true {
			t.Errorf("public access block %s = %v", k, pab[k])
		}
	}
	if !strings.Contains(js(p["LifecycleConfiguration"]), `"ExpirationInDays":90`) {
		t.Errorf("lifecycle = %s, want expiry after 90 days", js(p["LifecycleConfiguration"]))
	}
	_, lb := s.only(t, typeLB)
	if js(attributes(props(lb)["LoadBalancerAttributes"])["access_logs.s3.bucket"]) != js(ref(id)) {
		t.Errorf("access logs do not go to the created bucket")
	}
	_, pol := s.only(t, "AWS::S3::BucketPolicy")
	doc := js(props(pol)["PolicyDocument"])
	if !strings.Contains(doc, `"aws:SecureTransport":"false"`) {
		t.Errorf("bucket policy does not deny plain HTTP: %s", doc)
	}
	// Log delivery: eu-west-1's Elastic Load Balancing account, as AWS documents.
	if !strings.Contains(doc, ":iam::156460612806:root") {
		t.Errorf("bucket policy does not let the region's load balancer account deliver logs: %s", doc)
	}
}

func TestLogGroupsAreRetainedWithRetention(t *testing.T) {
	s := exampleSite(t)
	groups := s.resources("AWS::Logs::LogGroup")
	if len(groups) != 2 {
		t.Fatalf("%d log groups, want the function's and the flow logs'", len(groups))
	}
	for id, g := range groups {
		if g["DeletionPolicy"] != "Retain" {
			t.Errorf("log group %s DeletionPolicy = %v, want Retain", id, g["DeletionPolicy"])
		}
		if props(g)["RetentionInDays"] != 30.0 {
			t.Errorf("log group %s retention = %v, want 30", id, props(g)["RetentionInDays"])
		}
	}
}

func TestFunctionRunsOnLeastPrivilege(t *testing.T) {
	s := exampleSite(t)
	_, fn := s.only(t, typeFunction)
	p := props(fn)
	// No reservation by default: Lambda keeps 100 of an account's concurrency
	// unreserved, so any reservation fails to deploy in accounts whose quota is
	// below 100 plus the reservation, as new accounts' quotas often are.
	if v, ok := p["ReservedConcurrentExecutions"]; ok {
		t.Errorf("reserved concurrency = %v by default, want none", v)
	}
	if js(p["LoggingConfig"]) == "null" || !strings.Contains(js(p["LoggingConfig"]), "FunctionLogs") {
		t.Errorf("function logs to %s, want the stack's log group", js(p["LoggingConfig"]))
	}
	roleID := p["Role"].(map[string]any)["Fn::GetAtt"].([]any)[0].(string)
	role := props(s.byID(t, roleID))
	if role["ManagedPolicyArns"] != nil {
		t.Errorf("function role has managed policies %s", js(role["ManagedPolicyArns"]))
	}
	var statements []any
	for _, pol := range s.resources("AWS::IAM::Policy") {
		if strings.Contains(js(props(pol)["Roles"]), roleID) {
			statements = append(statements, props(pol)["PolicyDocument"].(map[string]any)["Statement"].([]any)...)
		}
	}
	logGroupArn := js(getAtt(logGroupID(t, s, "FunctionLogs"), "Arn"))
	want := `[{"Action":["logs:CreateLogStream","logs:PutLogEvents"],"Effect":"Allow","Resource":` + logGroupArn + `}]`
	if js(statements) != want {
		t.Errorf("function role statements = %s\nwant only %s", js(statements), want)
	}
}

// TestFunctionWaitsForItsRolePolicy: the function is created only once its
// role's policy (the right to write its logs) is attached, so its first
// invocation can log. The CDK's Function adds that dependency itself; the
// stack adds none of its own, which would also make the invoke permission
// wait for the role for nothing.
func TestFunctionWaitsForItsRolePolicy(t *testing.T) {
	s := exampleSite(t)
	fnID, fn := s.only(t, typeFunction)
	roleID := props(fn)["Role"].(map[string]any)["Fn::GetAtt"].([]any)[0].(string)
	policyID := ""
	for id, pol := range s.resources("AWS::IAM::Policy") {
		if strings.Contains(js(props(pol)["Roles"]), roleID) {
			policyID = id
		}
	}
	if policyID == "" {
		t.Fatalf("no policy of the function's role %s", roleID)
	}
	if deps := js(fn["DependsOn"]); !strings.Contains(deps, `"`+policyID+`"`) {
		t.Errorf("%s DependsOn = %s, want it to include its role's policy %s", fnID, deps, policyID)
	}
	for id, perm := range s.resources("AWS::Lambda::Permission") {
		if deps := js(perm["DependsOn"]); strings.Contains(deps, roleID) || strings.Contains(deps, policyID) {
			t.Errorf("%s DependsOn = %s: an invoke permission needs neither the role nor its policy", id, deps)
		}
	}
}

func logGroupID(t *testing.T, s *synthesized, prefix string) string {
	t.Helper()
	for id := range s.resources("AWS::Logs::LogGroup") {
		if strings.HasPrefix(id, prefix) {
			return id
		}
	}
	t.Fatalf("no log group %s*", prefix)
	return ""
}

func TestFlowLogsRecordRejectedTraffic(t *testing.T) {
	s := exampleSite(t)
	vpcID, _ := s.only(t, "AWS::EC2::VPC")
	_, fl := s.only(t, "AWS::EC2::FlowLog")
	p := props(fl)
	if js(p["ResourceId"]) != js(ref(vpcID)) || p["TrafficType"] != "REJECT" || p["LogDestinationType"] != "cloud-watch-logs" {
		t.Errorf("flow log = %s", js(p))
	}
}

func TestNoWAFByDefault(t *testing.T) {
	s := exampleSite(t)
	if n := len(s.resources("AWS::WAFv2::WebACL")); n != 0 {
		t.Errorf("%d web ACLs by default; WAF costs money and is opt-in", n)
	}
}

// The variant stack turns on every option the example leaves at its default,
// and carries one planted cdk-nag violation (addWildcard).
var variantSite = shared("variant", func() (*synthesized, error) {
	return synthWith(exampleContext(map[string]any{
		"wafEnabled":          "true",
		"deletionProtection":  "false",
		"accessLogsBucket":    "my-existing-log-bucket",
		"vpcId":               "vpc-0123456789abcdef0",
		"publicSubnetIds":     "subnet-0123456789abcdef0,subnet-0fedcba9876543210",
		"tlsPolicy":           "TLS13_12_RES_PQ",
		"sessionTimeout":      "3600",
		"accessTokenValidity": "30m",
		"oauthScopes":         `["email","openid","profile"]`,
		"identityProviders":   "COGNITO,Okta",
		"functionMemoryMiB":   "512",
		"reservedConcurrency": "5",
		// The planted wildcard must reach cdk-nag's annotations, where the
		// tests read it, without failing the synthesis: with this flag on (as
		// cdk.json sets it), an error annotation fails synthesis outright.
		"@aws-cdk/core:annotationsInValidationReport": false,
	}), addWildcard)
})

func TestOptionsReachTheTemplate(t *testing.T) {
	s := variantSite(t)
	_, lb := s.only(t, typeLB)
	attrs := attributes(props(lb)["LoadBalancerAttributes"])
	if attrs["deletion_protection.enabled"] != "false" {
		t.Errorf("deletionProtection=false: attribute = %v", attrs["deletion_protection.enabled"])
	}
	if attrs["access_logs.s3.bucket"] != "my-existing-log-bucket" {
		t.Errorf("accessLogsBucket: logs go to %v", attrs["access_logs.s3.bucket"])
	}
	if n := len(s.resources("AWS::S3::Bucket")); n != 0 {
		t.Errorf("accessLogsBucket set, yet %d buckets created", n)
	}
	if n := len(s.resources("AWS::EC2::VPC")); n != 0 {
		t.Errorf("vpcId set, yet %d VPCs created", n)
	}
	if js(props(lb)["Subnets"]) != `["subnet-0123456789abcdef0","subnet-0fedcba9876543210"]` {
		t.Errorf("load balancer subnets = %s, want the configured public subnets", js(props(lb)["Subnets"]))
	}
	l := s.listener(t, 443)
	if l["SslPolicy"] != "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09" {
		t.Errorf("tlsPolicy: SslPolicy = %v", l["SslPolicy"])
	}
	c := l["DefaultActions"].([]any)[0].(map[string]any)["AuthenticateCognitoConfig"].(map[string]any)
	if c["Scope"] != "openid email profile" || c["SessionTimeout"] != "3600" {
		t.Errorf("scope %v, session timeout %v", c["Scope"], c["SessionTimeout"])
	}
	_, client := s.only(t, typeClient)
	cp := props(client)
	if js(cp["AllowedOAuthScopes"]) != `["openid","email","profile"]` || js(cp["SupportedIdentityProviders"]) != `["COGNITO","Okta"]` {
		t.Errorf("client scopes %s, providers %s", js(cp["AllowedOAuthScopes"]), js(cp["SupportedIdentityProviders"]))
	}
	if cp["IdTokenValidity"] != 60.0 || cp["RefreshTokenValidity"].(float64) < 60 {
		t.Errorf("one-hour session: ID token %v min, refresh %v min", cp["IdTokenValidity"], cp["RefreshTokenValidity"])
	}
	_, fn := s.only(t, typeFunction)
	if props(fn)["MemorySize"] != 512.0 || props(fn)["ReservedConcurrentExecutions"] != 5.0 {
		t.Errorf("memory %v, reserved concurrency %v", props(fn)["MemorySize"], props(fn)["ReservedConcurrentExecutions"])
	}
}

// TestExistingVpcSynthesizesWithoutWarnings: importing a VPC by ID makes the
// CDK warn that its subnets have no route table IDs; the stack never reads
// them, acknowledges the warning, and synth prints nothing a user cannot act on.
func TestExistingVpcSynthesizesWithoutWarnings(t *testing.T) {
	s := variantSite(t)
	for _, m := range s.messagesAt(t, "warning") {
		t.Errorf("synth warns at %s: %s", m.path, m.text)
	}
}

// TestVpcChangeKeepsTheLoadBalancer: with vpcId the load balancer and its
// security group keep their logical IDs; only the group's VpcId (which
// requires replacement) and the load balancer's Subnets change. This is why
// cdk diff plans the move to another VPC as an in-place update of the load
// balancer (docs/deploying.md: Moving the load balancer to another VPC).
func TestVpcChangeKeepsTheLoadBalancer(t *testing.T) {
	a, b := exampleSite(t), variantSite(t)
	lbA, _ := a.only(t, typeLB)
	lbB, _ := b.only(t, typeLB)
	sgA, sgPropsA := a.only(t, "AWS::EC2::SecurityGroup")
	sgB, sgPropsB := b.only(t, "AWS::EC2::SecurityGroup")
	if lbA != lbB || sgA != sgB {
		t.Errorf("logical IDs differ: load balancer %s / %s, security group %s / %s", lbA, lbB, sgA, sgB)
	}
	if js(props(sgPropsA)["VpcId"]) == js(props(sgPropsB)["VpcId"]) {
		t.Errorf("security group VpcId does not change with vpcId: %s", js(props(sgPropsB)["VpcId"]))
	}
}

// TestRedirectListenerHidesServerHeader: the port-80 listener's redirects do
// not name the server either.
func TestRedirectListenerHidesServerHeader(t *testing.T) {
	for name, site := range map[string]func(*testing.T) *synthesized{"example": exampleSite, "variant": variantSite} {
		l := site(t).listener(t, 80)
		if la := attributes(l["ListenerAttributes"]); la["routing.http.response.server.enabled"] != "false" {
			t.Errorf("%s: port 80 listener sends a Server header: attributes %v", name, la)
		}
	}
}

func TestWAFAttachesManagedRules(t *testing.T) {
	s := variantSite(t)
	aclID, acl := s.only(t, "AWS::WAFv2::WebACL")
	p := props(acl)
	if p["Scope"] != "REGIONAL" || js(p["DefaultAction"]) != `{"Allow":{}}` {
		t.Errorf("web ACL scope %v, default %s", p["Scope"], js(p["DefaultAction"]))
	}
	var names []string
	for _, r := range p["Rules"].([]any) {
		names = append(names, r.(map[string]any)["Statement"].(map[string]any)["ManagedRuleGroupStatement"].(map[string]any)["Name"].(string))
	}
	if !slices.Equal(names, albauth.ManagedRuleGroups) {
		t.Errorf("rule groups = %v, want %v", names, albauth.ManagedRuleGroups)
	}
	lbID, _ := s.only(t, typeLB)
	_, assoc := s.only(t, "AWS::WAFv2::WebACLAssociation")
	if js(props(assoc)["ResourceArn"]) != js(ref(lbID)) || js(props(assoc)["WebACLArn"]) != js(getAtt(aclID, "Arn")) {
		t.Errorf("association = %s", js(props(assoc)))
	}
}
