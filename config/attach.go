package config

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/alb-cognito/alb-cognito-cdk/internal/elbarn"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// Attach reports whether the site attaches to an existing listener
// (listenerArn) instead of creating its own load balancer.
func (c Config) Attach() bool { return c.ListenerArn != "" }

// HasFunction reports whether the stack creates the Go function as the
// target: unless targetGroupArn names an existing target group.
func (c Config) HasFunction() bool { return c.TargetGroupArn == "" }

// LoadBalancerArn returns the ARN of listenerArn's load balancer
// (elbarn.LoadBalancerOfListener), the signer the app's verifier expects;
// "" without listenerArn, when the stack creates the load balancer and
// only the template knows its ARN.
func (c Config) LoadBalancerArn() string {
	arn, err := elbarn.LoadBalancerOfListener(c.ListenerArn)
	if err != nil {
		return ""
	}
	return arn
}

// RuleCount is the number of listener rules the site adds in attach mode:
// one per route (machine routes included) and the catch-all rule.
func (c Config) RuleCount() int { return len(c.Routes) + 1 }

// RulePriorities returns the first and last listener rule priorities the
// site reserves on the shared listener: RulePriorityBase for the first
// route, one more for each next route, and the last, RulePriorityBase +
// routes.MaxRoutes, for the catch-all rule. The block does not depend on
// the number of routes, so appending a route moves no rule: a listener
// holds each priority once, and CloudFormation creates a new rule and
// updates the others in no set order, so a new rule at a priority the
// catch-all rule still held would fail the deploy (PriorityInUse).
func (c Config) RulePriorities() (first, last int) {
	return c.RulePriorityBase, c.RulePriorityBase + routes.MaxRoutes
}

// CatchAllPriority is the priority of the catch-all rule in attach mode,
// the last of RulePriorities.
func (c Config) CatchAllPriority() int {
	_, last := c.RulePriorities()
	return last
}

// ListenerRoutes returns Routes as the stack writes them: with the site's
// authorize parameters where a route has none (RoutesWithSiteParams), and
// in attach mode with the priorities RulePriorities assigns, in order;
// otherwise as configured (routes.Derive fills in the missing priorities).
func (c Config) ListenerRoutes() []routes.Route {
	rs := slices.Clone(c.RoutesWithSiteParams())
	if c.Attach() {
		for i := range rs {
			rs[i].Priority = c.RulePriorityBase + i
		}
	}
	return rs
}

// SiteSessionCookieName is the default session cookie name in attach mode:
// AWSELBAuthSessionCookie-<the first 8 hex digits of SHA-256(recordName)>,
// so that sites on one listener have distinct cookie names.
func SiteSessionCookieName(recordName string) string {
	sum := sha256.Sum256([]byte(recordName))
	return defaultSessionCookieName + "-" + hex.EncodeToString(sum[:4])
}

func (c Config) defaultSessionCookieName() string {
	if c.Attach() && c.RecordName != "" {
		return SiteSessionCookieName(c.RecordName)
	}
	return defaultSessionCookieName
}

// MaxConditionValuesAttached is how many paths and methods a route may
// have in attach mode: the load balancer's 5 condition values per rule,
// less the host-header condition's one.
const MaxConditionValuesAttached = routes.MaxConditionValues - 1

// maxHostHeaderValue is the longest value of a host-header condition: "The
// maximum length of each string is 128 characters" (Elastic Load Balancing
// API Reference, HostHeaderConditionConfig).
const maxHostHeaderValue = 128

var (
	securityGroupIDRe = regexp.MustCompile(`^sg-[0-9a-f]{8,17}$`)
	// An SSM parameter name: letters, digits, _ . - and / for its
	// hierarchy (PutParameter, Name).
	parameterNameRe = regexp.MustCompile(`^[A-Za-z0-9_./-]+$`)
)

// attachKeys are the keys that describe the shared listener, all required
// together.
var attachKeys = []string{"listenerArn", "loadBalancerSecurityGroupId", "loadBalancerDnsName", "loadBalancerCanonicalHostedZoneId"}

// attachValue is the value of one of attachKeys, read through its spec.
func (c Config) attachValue(key string) string {
	s, _ := lookup(key)
	return *s.field(&c).(*string)
}

// refusal is a key that means nothing in a mode, with the reason.
type refusal struct {
	key, why string
	set      func(Config) bool
}

// ownLoadBalancerOnly are the keys that only concern a load balancer the
// stack creates: refused with listenerArn.
var ownLoadBalancerOnly = []refusal{
	{"availabilityZones", "the shared load balancer already has its zones", func(c Config) bool { return len(c.AvailabilityZones) > 0 }},
	{"vpcId", "the shared load balancer is already in its VPC, and the stack creates none", func(c Config) bool { return c.VpcID != "" }},
	{"publicSubnetIds", "the shared load balancer already has its subnets", func(c Config) bool { return len(c.PublicSubnetIDs) > 0 }},
	{"tlsPolicy", "the shared listener's own security policy applies to every site on it, and the stack does not change it", func(c Config) bool { return c.TLSPolicy != "" }},
	{"deletionProtection", "the stack does not own the shared load balancer, so it cannot protect or unprotect it", func(c Config) bool { return c.DeletionProtection }},
	{"accessLogsBucket", "the shared load balancer's access logs are its owner's to configure", func(c Config) bool { return c.AccessLogsBucket != "" }},
	{"accessLogsExpirationDays", "the stack creates no access-log bucket for a shared load balancer", func(c Config) bool { return c.AccessLogsExpirationDays != 0 }},
	{"wafEnabled", "a web ACL is associated with a whole load balancer, which would change every site on the shared one; associate one with it yourself", func(c Config) bool { return c.WAFEnabled }},
}

// functionOnly are the keys that only concern the stack's function:
// refused with targetGroupArn.
var functionOnly = []refusal{
	{"logRetentionDays", "it is the function's log group's (and a created VPC's flow logs'), and with targetGroupArn the stack creates neither", func(c Config) bool { return c.LogRetentionDays != 0 }},
	{"functionPackage", "the stack creates no function", func(c Config) bool { return c.FunctionPackage != "" }},
	{"functionMemoryMiB", "the stack creates no function", func(c Config) bool { return c.FunctionMemoryMiB != 0 }},
	{"functionTimeoutSeconds", "the stack creates no function", func(c Config) bool { return c.FunctionTimeoutSeconds != 0 }},
	{"reservedConcurrency", "the stack creates no function", func(c Config) bool { return c.ReservedConcurrency != 0 }},
}

// attachOnly are the keys that only concern attach mode: refused without
// listenerArn.
var attachOnly = []refusal{
	{"rulePriorityBase", "", func(c Config) bool { return c.RulePriorityBase != 0 }},
	{"addCognitoEgressRule", "", func(c Config) bool { return c.AddCognitoEgressRule }},
}

// refusedKeys returns a problem for every key that is set (given reports it,
// or, when given is nil, the field is not its zero value) but means nothing
// in c's mode.
func refusedKeys(c Config, given func(string) bool) Problems {
	if given == nil {
		given = func(string) bool { return false }
	}
	var ps Problems
	check := func(list []refusal, msg func(refusal) string) {
		for _, r := range list {
			if given(r.key) || r.set(c) {
				ps = append(ps, Problem{r.key, msg(r)})
			}
		}
	}
	if c.Attach() {
		check(ownLoadBalancerOnly, func(r refusal) string {
			return "is set, but with listenerArn the site attaches to an existing load balancer: " + r.why + "; remove " + r.key
		})
	} else if c.ListenerArn == "" && !anyAttachValue(c) {
		check(attachOnly, func(r refusal) string {
			return "only applies when the site attaches to an existing listener (listenerArn); remove it, or set listenerArn and the load balancer's keys"
		})
	}
	if !c.HasFunction() {
		check(functionOnly, func(r refusal) string {
			return "is set, but with targetGroupArn " + r.why + "; remove " + r.key
		})
	} else if given("identityParameterName") || c.IdentityParameterName != "" {
		ps = append(ps, Problem{"identityParameterName", "only applies with targetGroupArn, when the stack publishes the app's identity settings " +
			"instead of giving them to its function; remove it, or set targetGroupArn"})
	}
	return ps
}

func anyAttachValue(c Config) bool {
	for _, k := range attachKeys {
		if c.attachValue(k) != "" {
			return true
		}
	}
	return false
}

// attach checks the shared listener's keys: each one's form, that all four
// are set together, the listener's environment, the priority range, and
// the routes' condition values with the host-header condition.
func (v *validator) attach(c Config) {
	var set, missing []string
	for _, k := range attachKeys {
		if c.attachValue(k) != "" {
			set = append(set, k)
		} else {
			missing = append(missing, k)
		}
	}
	if len(set) == 0 {
		return
	}
	for _, k := range missing {
		v.add(k, "is required with %s: attaching to an existing listener needs all of %s (their values are not looked up, so synth needs no credentials)",
			strings.Join(set, ", "), strings.Join(attachKeys, ", "))
	}
	var lbName string
	if c.ListenerArn != "" && v.text("listenerArn", c.ListenerArn) {
		lbName = v.listenerArn(c)
	}
	if id := c.LoadBalancerSecurityGroupID; id != "" && v.text("loadBalancerSecurityGroupId", id) && !securityGroupIDRe.MatchString(id) {
		v.add("loadBalancerSecurityGroupId", "%q is not a security group ID; they look like sg-0123456789abcdef0 "+
			"(EC2 console: Load balancers > yours > Security)", id)
	}
	if dns := c.LoadBalancerDNSName; dns != "" && v.text("loadBalancerDnsName", dns) {
		v.loadBalancerDNSName(c, dns, lbName)
	}
	if id := c.LoadBalancerCanonicalHostedZoneID; id != "" && v.text("loadBalancerCanonicalHostedZoneId", id) && !zoneIDRe.MatchString(id) {
		v.add("loadBalancerCanonicalHostedZoneId", "%q is not a hosted zone ID; the load balancer's canonical hosted zone ID is Z followed by "+
			"upper-case letters and digits, e.g. Z32O12XQLNTSW2 (EC2 console: Load balancers > yours > Details > Hosted zone)", id)
	}
	if c.ListenerArn == "" {
		return
	}
	if rn := c.RecordName; rn != "" && domainProblem(rn, "app.example.com") == "" {
		tld := rn[strings.LastIndexByte(rn, '.')+1:]
		switch {
		case len(rn) > maxHostHeaderValue:
			v.add("recordName", "is %d characters long, and on a shared listener every rule has a host-header condition for it, which takes at most %d "+
				"(HostHeaderConditionConfig); use a shorter name", len(rn), maxHostHeaderValue)
		case strings.IndexFunc(tld, func(r rune) bool { return r < 'a' || r > 'z' }) >= 0:
			v.add("recordName", "ends in .%s, and on a shared listener every rule has a host-header condition for it, which takes \"only alphabetical "+
				"characters after the final '.' character\" (HostHeaderConditionConfig); use a name in a zone whose top-level domain is letters only", tld)
		}
	}
	const key = "rulePriorityBase"
	first, last := c.RulePriorities()
	switch {
	case c.RulePriorityBase == 0:
		v.add(key, "is required with listenerArn: the first listener rule priority the site may take on the shared listener, "+
			"with the next %d free as well (one per route, up to %d routes, and the catch-all rule at the end), e.g. 1000", routes.MaxRoutes, routes.MaxRoutes)
	case first < 1 || first > routes.MaxPriority:
		v.add(key, "%d is out of range; listener rule priorities are 1 to %d", first, routes.MaxPriority)
	case last > routes.MaxPriority:
		v.add(key, "%d leaves no room: the site reserves %d priorities (up to %d routes, then the catch-all rule), %d to %d, and the highest is %d; "+
			"use at most %d", first, routes.MaxRoutes+1, routes.MaxRoutes, first, last, routes.MaxPriority, routes.MaxPriority-routes.MaxRoutes)
	}
	for i, r := range c.Routes {
		f := fmt.Sprintf("routes[%d]", i)
		if r.Priority != 0 {
			v.add(f+".priority", "is set, but with listenerArn the routes take rulePriorityBase, rulePriorityBase+1, ... in their order; remove it")
		}
		if n := len(r.Paths) + len(r.Methods); len(r.Paths) <= routes.MaxPatternsPerRoute && n <= routes.MaxConditionValues && n > MaxConditionValuesAttached {
			v.add(f+".methods", "with %d paths and %d methods the rule has %d condition values, and on a shared listener its host-header condition "+
				"(recordName) is one more: a load balancer rule takes %d; use at most %d paths and methods together, or split the route",
				len(r.Paths), len(r.Methods), n, routes.MaxConditionValues, MaxConditionValuesAttached)
		}
	}
}

// listenerArn checks the listener's ARN and that it is in the stack's
// partition, region and account; it returns the load balancer's name.
func (v *validator) listenerArn(c Config) string {
	const key = "listenerArn"
	sp, _ := lookup(key)
	a, err := elbarn.Listener(c.ListenerArn)
	if err != nil {
		v.add(key, "%s; e.g. %s", strings.TrimPrefix(err.Error(), fmt.Sprintf("%q ", c.ListenerArn)), sp.cliExample())
		return ""
	}
	if !v.arnCommon(key, arn{Partition: a.Partition, Service: "elasticloadbalancing", Region: a.Region, Account: a.Account, Resource: a.Resource},
		"elasticloadbalancing", "a listener", sp.cliExample()) {
		return ""
	}
	v.sameStackEnvironment(key, c, a)
	return strings.SplitN(a.Resource, "/", 4)[2]
}

// sameStackEnvironment checks that an Elastic Load Balancing resource is in
// the stack's partition, region and account (the certificate's and the
// user pool's).
func (v *validator) sameStackEnvironment(key string, c Config, a elbarn.ARN) {
	if p := c.Partition(); p != "" && a.Partition != p {
		v.add(key, "is in partition %s, but the stack's resources are in %s; use one of %s", a.Partition, p, p)
		return
	}
	if r := c.Region(); regionRe.MatchString(r) && a.Region != r {
		v.add(key, "is in region %s, but the stack deploys to %s (the certificate's and the user pool's): a listener rule, certificate and "+
			"target group must be in the load balancer's region; use one in %s", a.Region, r, r)
	}
	if acct := c.Account(); accountRe.MatchString(acct) && a.Account != acct {
		v.add(key, "is in account %s, but the stack deploys to account %s: CloudFormation adds rules and certificates only to its own "+
			"account's load balancers and target groups; use one of account %s", a.Account, acct, acct)
	}
}

// loadBalancerDNSName checks the load balancer's DNS name: a lower-case
// name <name>-<id>.<region>.elb.<suffix> of the stack's region, of the
// listener's load balancer (lbName, when known), without the dualstack.
// prefix that alias records add themselves.
func (v *validator) loadBalancerDNSName(c Config, dns, lbName string) {
	const key = "loadBalancerDnsName"
	if rest, ok := strings.CutPrefix(strings.ToLower(dns), "dualstack."); ok {
		v.add(key, "%q starts with dualstack.; give the load balancer's DNS name as the console shows it, %s: the alias records add "+
			"the dualstack. prefix themselves", dns, rest)
		return
	}
	if msg := domainProblem(dns, "shared-alb-1234567890.eu-west-1.elb.amazonaws.com"); msg != "" {
		v.add(key, "%s", msg)
		return
	}
	region := c.Region()
	suffix := ".elb." + dnsSuffix(c.Partition())
	if regionRe.MatchString(region) && !strings.HasSuffix(dns, "."+region+suffix) {
		v.add(key, "%s is not an Application Load Balancer's DNS name in %s; those end in .%s%s (EC2 console: Load balancers > yours > DNS name)",
			dns, region, region, suffix)
		return
	}
	if lbName == "" {
		return
	}
	host := strings.TrimPrefix(firstLabel(dns), "internal-")
	if want := strings.ToLower(lbName) + "-"; !strings.HasPrefix(host, want) {
		v.add(key, "%s is not the DNS name of listenerArn's load balancer %s, whose DNS name starts with %s (or internal-%s); "+
			"copy both from the same load balancer", dns, lbName, want, want)
	}
}

// targetGroup checks targetGroupArn and, with the stack's own load
// balancer, that vpcId names the target group's VPC.
func (v *validator) targetGroup(c Config) {
	const key = "targetGroupArn"
	if c.TargetGroupArn == "" || !v.text(key, c.TargetGroupArn) {
		return
	}
	sp, _ := lookup(key)
	a, err := elbarn.TargetGroup(c.TargetGroupArn)
	if err != nil {
		v.add(key, "%s; e.g. %s", strings.TrimPrefix(err.Error(), fmt.Sprintf("%q ", c.TargetGroupArn)), sp.cliExample())
		return
	}
	if !v.arnCommon(key, arn{Partition: a.Partition, Service: "elasticloadbalancing", Region: a.Region, Account: a.Account, Resource: a.Resource},
		"elasticloadbalancing", "a target group", sp.cliExample()) {
		return
	}
	v.sameStackEnvironment(key, c, a)
	if !c.Attach() && c.VpcID == "" {
		v.add("vpcId", "is required with targetGroupArn when the stack creates its load balancer: the load balancer must be in the target group's VPC, "+
			"which the stack cannot create; set vpcId and publicSubnetIds to that VPC's, or attach to an existing listener (listenerArn)")
	}
}

// MaxParameterNameLength is the longest SSM parameter name: "The maximum
// length constraint listed below includes capacity for additional system
// attributes that aren't part of the name", 1011 characters for the ARN
// form (PutParameter, Name); the name alone is kept within that.
const MaxParameterNameLength = 1011

func (v *validator) identityParameterName(c Config) {
	const key = "identityParameterName"
	n := c.IdentityParameterName
	if c.HasFunction() || n == "" || !v.text(key, n) {
		return
	}
	lower := strings.ToLower(strings.TrimPrefix(n, "/"))
	switch {
	case !strings.HasPrefix(n, "/"):
		v.add(key, "%q does not start with /; give a hierarchical name, e.g. /%s", n, n)
	case len(n) > MaxParameterNameLength:
		v.add(key, "is %d characters long; SSM parameter names have at most %d", len(n), MaxParameterNameLength)
	case !parameterNameRe.MatchString(n):
		v.add(key, "%q has characters SSM does not allow in a parameter name; use letters, digits, _ . - and /, e.g. /app.example.com/identity", n)
	case strings.Contains(n, "//") || strings.HasSuffix(n, "/"):
		v.add(key, "%q has an empty level (// or a trailing /); e.g. /app.example.com/identity", n)
	case strings.HasPrefix(lower, "aws") || strings.HasPrefix(lower, "ssm"):
		v.add(key, "%q starts with aws or ssm, which SSM reserves; e.g. /app.example.com/identity", n)
	case strings.Count(n, "/") > 15:
		v.add(key, "%q has %d levels; SSM allows 15", n, strings.Count(n, "/"))
	}
}
