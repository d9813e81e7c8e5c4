package config

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// attachCtx is the example attached to a shared listener, with set applied
// (absent removes a key).
func attachCtx(set map[string]any) map[string]any {
	o := attachPartners()
	maps.Copy(o, set)
	return exampleWith(o)
}

// targetCtx is the example forwarding to an existing target group in an
// existing VPC, with set applied.
func targetCtx(set map[string]any) map[string]any {
	o := targetPartners()
	maps.Copy(o, set)
	return exampleWith(o)
}

func TestAttachDefaultsAndDerivations(t *testing.T) {
	t.Parallel()
	routes := []any{
		map[string]any{"name": "admin", "paths": []any{"/admin/*"}, "groups": []any{"admins"}},
		map[string]any{"name": "api", "paths": []any{"/api/*"}, "onUnauthenticatedRequest": "deny"},
	}
	c := mustDecode(t, attachCtx(map[string]any{"routes": routes}))
	if !c.Attach() || !c.HasFunction() {
		t.Fatalf("Attach() = %v, HasFunction() = %v", c.Attach(), c.HasFunction())
	}
	const lb = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/shared-alb/50dc6c495c0c9188"
	if got := c.LoadBalancerArn(); got != lb {
		t.Errorf("LoadBalancerArn() = %q, want %q", got, lb)
	}
	// Nothing of an own load balancer is defaulted.
	if c.AvailabilityZones != nil || c.TLSPolicy != "" || c.DeletionProtection || c.AccessLogsExpirationDays != 0 {
		t.Errorf("own load balancer defaults in attach mode: zones %v, tls %q, deletion protection %v, log expiry %d",
			c.AvailabilityZones, c.TLSPolicy, c.DeletionProtection, c.AccessLogsExpirationDays)
	}
	if want := SiteSessionCookieName("app.example.com"); c.SessionCookieName != want || !strings.HasPrefix(want, defaultSessionCookieName+"-") || len(want) != len(defaultSessionCookieName)+9 {
		t.Errorf("SessionCookieName = %q, want the site's own %q", c.SessionCookieName, want)
	}
	if SiteSessionCookieName("a.example.com") == SiteSessionCookieName("b.example.com") {
		t.Error("two sites get one session cookie name")
	}
	if first, last := c.RulePriorities(); first != 1000 || last != 1050 || c.CatchAllPriority() != 1050 {
		t.Errorf("RulePriorities() = %d, %d; CatchAllPriority() = %d; want 1000, 1050, 1050", first, last, c.CatchAllPriority())
	}
	table := c.RouteTable()
	if got := []int{table.Routes[0].Priority, table.Routes[1].Priority}; !slices.Equal(got, []int{1000, 1001}) {
		t.Errorf("route priorities %v, want [1000 1001]", got)
	}
	if c.Routes[0].Priority != 0 {
		t.Error("ListenerRoutes changed the configured routes")
	}
	// Without listenerArn nothing is derived.
	own := mustDecode(t, Example())
	if own.LoadBalancerArn() != "" || own.Attach() || own.SessionCookieName != defaultSessionCookieName {
		t.Errorf("own load balancer: LoadBalancerArn %q, Attach %v, cookie %q", own.LoadBalancerArn(), own.Attach(), own.SessionCookieName)
	}
}

func TestTargetGroupDefaults(t *testing.T) {
	t.Parallel()
	c := mustDecode(t, targetCtx(nil))
	if c.HasFunction() || c.IdentityParameterName != "/app.example.com/identity" {
		t.Errorf("HasFunction %v, IdentityParameterName %q", c.HasFunction(), c.IdentityParameterName)
	}
	if c.FunctionPackage != "" || c.FunctionMemoryMiB != 0 || c.FunctionTimeoutSeconds != 0 || c.LogRetentionDays != 0 {
		t.Errorf("function defaults with targetGroupArn: %q %d %d %d", c.FunctionPackage, c.FunctionMemoryMiB, c.FunctionTimeoutSeconds, c.LogRetentionDays)
	}
	both := mustDecode(t, attachCtx(map[string]any{"targetGroupArn": exampleTargetGroupArn}))
	if !both.Attach() || both.HasFunction() {
		t.Errorf("attach with a target group: Attach %v HasFunction %v", both.Attach(), both.HasFunction())
	}
	named := mustDecode(t, targetCtx(map[string]any{"identityParameterName": "/sites/app/identity"}))
	if named.IdentityParameterName != "/sites/app/identity" {
		t.Errorf("IdentityParameterName = %q", named.IdentityParameterName)
	}
}

func TestAttachProblems(t *testing.T) {
	t.Parallel()
	listener := exampleListenerArn
	cases := []struct {
		name string
		ctx  map[string]any
		key  string
		hint string
	}{
		// Partial settings name every missing key.
		{"listener only", exampleWith(map[string]any{"listenerArn": listener, "rulePriorityBase": 10.0, "deletionProtection": absent}),
			"loadBalancerDnsName", "is required with listenerArn"},
		{"listener only, zone", exampleWith(map[string]any{"listenerArn": listener, "rulePriorityBase": 10.0, "deletionProtection": absent}),
			"loadBalancerCanonicalHostedZoneId", "is required with listenerArn"},
		{"listener only, group", exampleWith(map[string]any{"listenerArn": listener, "rulePriorityBase": 10.0, "deletionProtection": absent}),
			"loadBalancerSecurityGroupId", "is required with listenerArn"},
		{"no listener", attachCtx(map[string]any{"listenerArn": absent}), "listenerArn", "is required with loadBalancerSecurityGroupId, loadBalancerDnsName"},
		{"no base", attachCtx(map[string]any{"rulePriorityBase": absent}), "rulePriorityBase", "is required with listenerArn"},

		// Forms.
		{"load balancer ARN", attachCtx(map[string]any{"listenerArn": strings.Replace(strings.TrimSuffix(listener, "/f2f7dc8efc522ab2"), "listener/", "loadbalancer/", 1)}),
			"listenerArn", "is a load balancer's ARN"},
		{"network listener", attachCtx(map[string]any{"listenerArn": strings.Replace(listener, "/app/", "/net/", 1)}), "listenerArn", "Network Load Balancer"},
		{"not an ARN", attachCtx(map[string]any{"listenerArn": "shared-alb"}), "listenerArn", "is not an ARN"},
		{"other region", attachCtx(map[string]any{"listenerArn": strings.Replace(listener, "eu-west-1", "us-east-1", 1),
			"loadBalancerDnsName": "shared-alb-1.us-east-1.elb.amazonaws.com"}), "listenerArn", "is in region us-east-1, but the stack deploys to eu-west-1"},
		{"other account", attachCtx(map[string]any{"listenerArn": strings.Replace(listener, "123456789012", "210987654321", 1)}),
			"listenerArn", "is in account 210987654321"},
		{"other partition", attachCtx(map[string]any{"listenerArn": strings.Replace(listener, "arn:aws:", "arn:aws-cn:", 1)}),
			"listenerArn", "region eu-west-1 is in partition aws"},
		{"security group", attachCtx(map[string]any{"loadBalancerSecurityGroupId": "sg-XYZ"}), "loadBalancerSecurityGroupId", "is not a security group ID"},
		{"dualstack prefix", attachCtx(map[string]any{"loadBalancerDnsName": "dualstack.shared-alb-1234567890.eu-west-1.elb.amazonaws.com"}),
			"loadBalancerDnsName", "add the dualstack. prefix themselves"},
		{"DNS name of another region", attachCtx(map[string]any{"loadBalancerDnsName": "shared-alb-1234567890.us-east-1.elb.amazonaws.com"}),
			"loadBalancerDnsName", "end in .eu-west-1.elb.amazonaws.com"},
		{"DNS name of another load balancer", attachCtx(map[string]any{"loadBalancerDnsName": "other-alb-1234567890.eu-west-1.elb.amazonaws.com"}),
			"loadBalancerDnsName", "is not the DNS name of listenerArn's load balancer shared-alb"},
		{"upper-case DNS name", attachCtx(map[string]any{"loadBalancerDnsName": "Shared-ALB-1234567890.eu-west-1.elb.amazonaws.com"}),
			"loadBalancerDnsName", "must be lower case"},
		{"zone id", attachCtx(map[string]any{"loadBalancerCanonicalHostedZoneId": "z32o12"}), "loadBalancerCanonicalHostedZoneId", "is not a hosted zone ID"},

		// Priorities.
		{"base too high for the rules", attachCtx(map[string]any{"rulePriorityBase": 50000.0,
			"routes": []any{map[string]any{"name": "a", "paths": []any{"/a"}}}}),
			"rulePriorityBase", "reserves 51 priorities (up to 50 routes, then the catch-all rule), 50000 to 50050"},
		{"base out of range", attachCtx(map[string]any{"rulePriorityBase": -3.0}), "rulePriorityBase", "out of range"},
		{"route priority", attachCtx(map[string]any{"routes": []any{map[string]any{"name": "a", "paths": []any{"/a"}, "priority": 10.0}}}),
			"routes[0].priority", "take rulePriorityBase, rulePriorityBase+1"},
		// The host header is a condition value too: 3 paths and 2 methods
		// fit an own listener's rule, not a shared one's.
		{"five condition values", attachCtx(map[string]any{"routes": []any{map[string]any{"name": "a", "paths": []any{"/a", "/b", "/c"},
			"methods": []any{"GET", "HEAD"}}}}), "routes[0].methods", "host-header condition (recordName) is one more"},

		// Keys of an own load balancer.
		{"vpcId", attachCtx(map[string]any{"vpcId": "vpc-0123456789abcdef0", "publicSubnetIds": []any{"subnet-0123456789abcdef0", "subnet-0fedcba9876543210"}}),
			"vpcId", "with listenerArn the site attaches to an existing load balancer"},
		{"publicSubnetIds", attachCtx(map[string]any{"vpcId": "vpc-0123456789abcdef0", "publicSubnetIds": []any{"subnet-0123456789abcdef0", "subnet-0fedcba9876543210"}}),
			"publicSubnetIds", "already has its subnets"},
		{"availabilityZones", attachCtx(map[string]any{"availabilityZones": []any{"eu-west-1a", "eu-west-1b"}}), "availabilityZones", "already has its zones"},
		{"tlsPolicy", attachCtx(map[string]any{"tlsPolicy": "TLS13_13"}), "tlsPolicy", "security policy applies to every site"},
		{"deletionProtection true", attachCtx(map[string]any{"deletionProtection": true}), "deletionProtection", "does not own the shared load balancer"},
		{"deletionProtection false", attachCtx(map[string]any{"deletionProtection": false}), "deletionProtection", "does not own the shared load balancer"},
		{"accessLogsBucket", attachCtx(map[string]any{"accessLogsBucket": "my-alb-access-logs"}), "accessLogsBucket", "its owner's to configure"},
		{"accessLogsExpirationDays", attachCtx(map[string]any{"accessLogsExpirationDays": 30.0}), "accessLogsExpirationDays", "creates no access-log bucket"},
		{"wafEnabled false", attachCtx(map[string]any{"wafEnabled": false}), "wafEnabled", "web ACL is associated with a whole load balancer"},

		// Attach-only keys without a listener.
		{"base without listener", exampleWith(map[string]any{"rulePriorityBase": 10.0}), "rulePriorityBase", "only applies when the site attaches"},
		{"egress without listener", exampleWith(map[string]any{"addCognitoEgressRule": false}), "addCognitoEgressRule", "only applies when the site attaches"},

		// Target group.
		{"target group without VPC", exampleWith(map[string]any{"targetGroupArn": exampleTargetGroupArn}), "vpcId", "is required with targetGroupArn"},
		{"target group ARN", targetCtx(map[string]any{"targetGroupArn": strings.Replace(exampleTargetGroupArn, "targetgroup/", "loadbalancer/app/", 1)}),
			"targetGroupArn", "is not a target group"},
		{"target group of another region", targetCtx(map[string]any{"targetGroupArn": strings.Replace(exampleTargetGroupArn, "eu-west-1", "eu-central-1", 1)}),
			"targetGroupArn", "is in region eu-central-1"},
		{"lambda ARN", targetCtx(map[string]any{"targetGroupArn": "arn:aws:lambda:eu-west-1:123456789012:function:f"}), "targetGroupArn", "service lambda"},
		{"function package", targetCtx(map[string]any{"functionPackage": "lambda/notes"}), "functionPackage", "with targetGroupArn the stack creates no function"},
		{"function memory", targetCtx(map[string]any{"functionMemoryMiB": 512.0}), "functionMemoryMiB", "creates no function"},
		{"function timeout", targetCtx(map[string]any{"functionTimeoutSeconds": 10.0}), "functionTimeoutSeconds", "creates no function"},
		{"reserved concurrency 0", targetCtx(map[string]any{"reservedConcurrency": 0.0}), "reservedConcurrency", "creates no function"},
		{"log retention", targetCtx(map[string]any{"logRetentionDays": 30.0}), "logRetentionDays", "creates neither"},
		{"parameter without target group", exampleWith(map[string]any{"identityParameterName": "/x/identity"}), "identityParameterName", "only applies with targetGroupArn"},
		{"parameter without slash", targetCtx(map[string]any{"identityParameterName": "x/identity"}), "identityParameterName", "does not start with /"},
		{"parameter with space", targetCtx(map[string]any{"identityParameterName": "/x/my%identity"}), "identityParameterName", "characters SSM does not allow"},
		{"parameter aws prefix", targetCtx(map[string]any{"identityParameterName": "/aws/identity"}), "identityParameterName", "starts with aws or ssm"},
		{"parameter empty level", targetCtx(map[string]any{"identityParameterName": "/x//identity"}), "identityParameterName", "empty level"},
		{"parameter too deep", targetCtx(map[string]any{"identityParameterName": strings.Repeat("/a", 16)}), "identityParameterName", "SSM allows 15"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			wantProblem(t, tc.ctx, tc.key, tc.hint)
		})
	}
}

// Every key of an own load balancer and of the function is refused in the
// mode that has none, whatever its value, and the message names the key.
func TestRefusedKeysCoverTheirModes(t *testing.T) {
	t.Parallel()
	valid := map[string]any{
		"availabilityZones": []any{"eu-west-1a", "eu-west-1b"}, "vpcId": "vpc-0123456789abcdef0",
		"publicSubnetIds": []any{"subnet-0123456789abcdef0", "subnet-0fedcba9876543210"}, "tlsPolicy": "TLS13_13",
		"deletionProtection": true, "accessLogsBucket": "my-alb-access-logs", "accessLogsExpirationDays": 30.0, "wafEnabled": true,
		"logRetentionDays": 30.0, "functionPackage": "lambda/notes", "functionMemoryMiB": 256.0, "functionTimeoutSeconds": 10.0, "reservedConcurrency": 5.0,
	}
	for _, r := range ownLoadBalancerOnly {
		wantProblem(t, attachCtx(map[string]any{r.key: valid[r.key]}), r.key, "remove "+r.key)
	}
	for _, r := range functionOnly {
		wantProblem(t, attachCtx(map[string]any{"targetGroupArn": exampleTargetGroupArn, r.key: valid[r.key]}), r.key, "remove "+r.key)
	}
	// A hand-built Config is refused the same way by Validate.
	c := mustDecode(t, attachCtx(nil))
	c.WAFEnabled = true
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "wafEnabled: is set, but with listenerArn") {
		t.Errorf("Validate with wafEnabled in attach mode: %v", err)
	}
}

// The dualstack ipAddressType stays meaningful in attach mode: an AAAA alias.
func TestAttachDualstack(t *testing.T) {
	t.Parallel()
	c := mustDecode(t, attachCtx(map[string]any{"ipAddressType": "dualstack"}))
	if c.IPAddressType != "dualstack" {
		t.Errorf("IPAddressType = %q", c.IPAddressType)
	}
}

// The largest base that fits is accepted: the catch-all rule at 50000.
func TestRulePriorityRangeEdge(t *testing.T) {
	t.Parallel()
	routes := []any{map[string]any{"name": "a", "paths": []any{"/a"}}, map[string]any{"name": "b", "paths": []any{"/b"}}}
	c := mustDecode(t, attachCtx(map[string]any{"rulePriorityBase": 49950.0, "routes": routes}))
	if _, last := c.RulePriorities(); last != 50000 {
		t.Errorf("last priority %d, want 50000", last)
	}
	wantProblem(t, attachCtx(map[string]any{"rulePriorityBase": 49951.0, "routes": routes}), "rulePriorityBase", "use at most 49950")
	// Four condition values with the host header's fifth fit.
	mustDecode(t, attachCtx(map[string]any{"routes": []any{map[string]any{"name": "a", "paths": []any{"/a", "/b"}, "methods": []any{"GET", "HEAD"}}}}))
}

func TestExampleAttachValidates(t *testing.T) {
	t.Parallel()
	c := mustDecode(t, ExampleAttach())
	if !c.Attach() || !c.HasFunction() || c.StackName != "AlbCognitoSiteAttach" {
		t.Errorf("ExampleAttach: Attach %v, HasFunction %v, stack %s", c.Attach(), c.HasFunction(), c.StackName)
	}
	if first, last := c.RulePriorities(); first != 1000 || last != 1050 {
		t.Errorf("priorities %d-%d, want 1000-1050", first, last)
	}
}

// Two stages on one listener need disjoint priority blocks, their own
// session cookie names and their own certificates.
func TestStagesSharingAListener(t *testing.T) {
	t.Parallel()
	stagesCtx := func(devBase, prodBase float64, cookie any) map[string]any {
		ctx := attachCtx(map[string]any{"recordName": absent, "rulePriorityBase": absent, "routes": []any{
			map[string]any{"name": "a", "paths": []any{"/a"}}, map[string]any{"name": "b", "paths": []any{"/b"}}}}) // 51 priorities each
		dev := map[string]any{"recordName": "dev.example.com", "rulePriorityBase": devBase}
		prod := map[string]any{"recordName": "prod.example.com", "rulePriorityBase": prodBase,
			"certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/66666666-7777-8888-9999-000000000000"}
		if cookie != nil {
			ctx["sessionCookieName"] = cookie
		}
		ctx[StagesKey] = map[string]any{"dev": dev, "prod": prod}
		return ctx
	}
	if _, err := StagesFromContext(stagesCtx(1000, 1001, nil)); err == nil || !strings.Contains(err.Error(), "stages.prod.rulePriorityBase: stages dev and prod attach to the same listener") {
		t.Errorf("overlapping blocks: %v", err)
	}
	if _, err := StagesFromContext(stagesCtx(1050, 1000, nil)); err == nil {
		t.Error("blocks overlapping at one priority were accepted")
	}
	if _, err := StagesFromContext(stagesCtx(1000, 2000, "Shared")); err == nil || !strings.Contains(err.Error(), "stages.prod.sessionCookieName: is Shared") {
		t.Errorf("one cookie name on one listener: %v", err)
	}
	// One certificate on one listener: deleting either stack would take it
	// from the other (the listener holds each certificate once).
	shared := stagesCtx(1000, 2000, nil)
	delete(shared[StagesKey].(map[string]any)["prod"].(map[string]any), "certificateArn")
	if _, err := StagesFromContext(shared); err == nil || !strings.Contains(err.Error(), "stages.prod.certificateArn: is stage dev's too") {
		t.Errorf("one certificate on one listener: %v", err)
	}
	stages, err := StagesFromContext(stagesCtx(1000, 1051, nil))
	if err != nil {
		t.Fatalf("adjacent blocks: %v", err)
	}
	if stages[0].Config.SessionCookieName == stages[1].Config.SessionCookieName {
		t.Error("the stages share the default cookie name")
	}
}

// Appending a route to an attached site changes the priority of no rule it
// already has, the catch-all rule included. A listener holds each priority
// once, and CloudFormation creates the new route's rule and updates the old
// ones in no set order: a new rule created at a priority an existing rule
// still holds fails the deploy with PriorityInUse.
func TestAttachAppendKeepsPriorities(t *testing.T) {
	t.Parallel()
	route := func(name string) any { return map[string]any{"name": name, "paths": []any{"/" + name + "/*"}} }
	priorities := func(c Config) map[string]int {
		out := map[string]int{"(catch-all)": c.CatchAllPriority()}
		for _, r := range c.RouteTable().Routes {
			out[r.Name] = r.Priority
		}
		return out
	}
	all := []any{route("a"), route("b"), route("c"), route("d")}
	for n := 0; n < len(all); n++ {
		before := priorities(mustDecode(t, attachCtx(map[string]any{"routes": all[:n]})))
		after := priorities(mustDecode(t, attachCtx(map[string]any{"routes": all[:n+1]})))
		for name, p := range before {
			if after[name] != p {
				t.Errorf("appending a route to %d: rule %s moves from priority %d to %d", n, name, p, after[name])
			}
		}
		seen := map[int]string{}
		for name, p := range after {
			if other, dup := seen[p]; dup {
				t.Errorf("%d routes: rules %s and %s share priority %d", n+1, name, other, p)
			}
			seen[p] = name
		}
	}
}

// In attach mode every rule carries a host-header condition for recordName,
// and the load balancer takes only some host names there: "The maximum
// length of each string is 128 characters. ... You must include at least
// one "." character. You can include only alphabetical characters after the
// final "." character." (Elastic Load Balancing API Reference,
// HostHeaderConditionConfig). Synth refuses the others, which would fail
// the deploy.
func TestAttachRecordNameFitsHostHeader(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 60) + "." + strings.Repeat("b", 55) + ".example.com" // 128
	cases := []struct {
		name, zone, record string
		ok                 bool
	}{
		{"128 characters", "example.com", long, true},
		{"129 characters", "example.com", "c" + long, false},
		{"punycode top-level domain", "example.xn--p1ai", "app.example.xn--p1ai", false},
		{"letters only", "example.com", "app.example.com", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := attachCtx(map[string]any{"hostedZoneName": tc.zone, "recordName": tc.record})
			if tc.ok {
				mustDecode(t, ctx)
				return
			}
			wantProblem(t, ctx, "recordName", "host-header")
			// Without listenerArn there is no host-header condition.
			own := exampleWith(map[string]any{"hostedZoneName": tc.zone, "recordName": tc.record})
			if _, err := FromContext(own); err != nil {
				t.Errorf("own load balancer: %v", err)
			}
		})
	}
}
