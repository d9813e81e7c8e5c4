package config

import (
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Validate checks c's values and how they fit together, and returns every
// problem found as a Problems (one per line), or nil. It does not apply
// defaults: a Config built by hand needs every field set, except AccountID and
// RegionCode (derived from CertificateArn), VpcID, PublicSubnetIDs and
// AccessLogsBucket (optional), and AccessLogsExpirationDays when
// AccessLogsBucket is set.
func (c Config) Validate() error {
	v := &validator{}
	pool, poolOK := v.userPoolArn(c.UserPoolArn)
	cert, certOK := v.certificateArn(c.CertificateArn)
	if poolOK && certOK {
		v.sameEnvironment(c, pool, cert)
	}
	v.userPoolDomain(c.UserPoolDomain, c.RecordName, pool, poolOK)
	v.userPoolIssuer(c.UserPoolIssuer)
	v.hostedZoneID(c.HostedZoneID)
	zoneOK := v.domainName("hostedZoneName", c.HostedZoneName, "example.com")
	recordOK := v.domainName("recordName", c.RecordName, "app.example.com")
	if zoneOK && recordOK && c.RecordName != c.HostedZoneName && !strings.HasSuffix(c.RecordName, "."+c.HostedZoneName) {
		v.add("recordName", "%s is outside hostedZoneName %s; use a name in that zone (%s or a name ending in .%s), "+
			"or set hostedZoneName and hostedZoneId to the zone that holds %s",
			c.RecordName, c.HostedZoneName, c.HostedZoneName, c.HostedZoneName, c.RecordName)
	}
	v.account(c.AccountID, cert, certOK)
	v.region(c.RegionCode, pool, poolOK, cert, certOK)
	if !c.Attach() {
		v.network(c)
	}
	v.attach(c)
	v.targetGroup(c)
	v.identityParameterName(c)
	v.ipAddressType(c.IPAddressType)
	v.oauthScopes(c.OAuthScopes)
	v.identityProviders(c.IdentityProviders)
	v.loginPages(c.LoginPages)
	v.session(c)
	v.tokens(c)
	v.routes(c)
	v.siteParams(c)
	v.groupClaims(c)
	if !c.Attach() {
		v.tlsPolicy(c.TLSPolicy)
		v.accessLogs(c.AccessLogsBucket, c.AccessLogsExpirationDays)
	}
	if c.HasFunction() {
		v.logRetention(c.LogRetentionDays)
		v.functionPackage(c.FunctionPackage)
		v.intRange("functionMemoryMiB", c.FunctionMemoryMiB, 128, 10240, "")
		v.intRange("functionTimeoutSeconds", c.FunctionTimeoutSeconds, 5, 60,
			" (the function fetches the load balancer's signing key with a 3-second timeout, so it needs at least 5)")
		if c.ReservedConcurrency != 0 {
			v.intRange("reservedConcurrency", c.ReservedConcurrency, 1, 1000, ", or 0 for no reservation (the default)")
		}
	}
	v.ps = append(v.ps, refusedKeys(c, nil)...)
	v.machine(c)
	v.alarmTopicArn(c)
	if v.text("stackName", c.StackName) && !stackNameRe.MatchString(c.StackName) {
		v.add("stackName", "%q is not a valid CloudFormation stack name; use a letter followed by up to 127 letters, digits or hyphens, e.g. %s",
			c.StackName, defaultStackName)
	}
	v.ps = withTokenProblems(v.ps, c)
	return v.ps.asError()
}

type validator struct {
	ps Problems
}

// withTokenProblems returns ps with every key whose string value, or a list
// element, holds a CDK token marker reported for that alone: such a value is
// not what the user meant to write, so other problems with it would mislead.
func withTokenProblems(ps Problems, c Config) Problems {
	var tokens Problems
	for _, s := range specs {
		for _, e := range stringsIn(s.field(&c)) {
			if msg := tokenProblem(e); msg != "" {
				tokens = append(tokens, Problem{s.Name, msg})
				break
			}
		}
	}
	if len(tokens) == 0 {
		return ps
	}
	out := tokens
	for _, p := range ps {
		if !slices.ContainsFunc(tokens, func(t Problem) bool { return p.Key == t.Key || strings.HasPrefix(p.Key, t.Key+"[") }) {
			out = append(out, p)
		}
	}
	return out
}

// stringsIn returns every string in the value ptr points to: the value
// itself, a list's elements, or, in structured values such as the route
// table, every string and object key at any depth.
func stringsIn(ptr any) []string {
	switch f := ptr.(type) {
	case *string:
		return []string{*f}
	case *[]string:
		return *f
	case *bool, *int, *time.Duration:
		return nil
	}
	b, err := json.Marshal(ptr)
	if err != nil {
		return nil
	}
	var v any
	if json.Unmarshal(b, &v) != nil {
		return nil
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(x)) {
				out = append(out, k)
				walk(x[k])
			}
		}
	}
	walk(v)
	return out
}

func (v *validator) add(key, format string, args ...any) {
	v.ps = append(v.ps, Problem{key, fmt.Sprintf(format, args...)})
}

// text checks that a string value is neither empty nor padded with whitespace.
func (v *validator) text(key, s string) bool {
	sp, _ := lookup(key)
	trimmed := strings.TrimSpace(s)
	switch {
	case s == "":
		v.add(key, "is empty; set it to %s, e.g. %s", sp.what, sp.cliExample())
	case trimmed == "":
		v.add(key, "is blank (only whitespace); set it to %s, e.g. %s", sp.what, sp.cliExample())
	case trimmed != s:
		v.add(key, "%q has leading or trailing whitespace; remove it: %q", s, trimmed)
	default:
		return true
	}
	return false
}

var (
	poolIDRe    = regexp.MustCompile(`^([a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-[0-9])_([0-9A-Za-z]+)$`)
	certIDRe    = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	zoneIDRe    = regexp.MustCompile(`^Z[A-Z0-9]{1,31}$`)
	vpcIDRe     = regexp.MustCompile(`^vpc-[0-9a-f]{8,17}$`)
	subnetIDRe  = regexp.MustCompile(`^subnet-[0-9a-f]{8,17}$`)
	azRe        = regexp.MustCompile(`^([a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-[0-9])[a-z]$`)
	prefixRe    = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)
	labelRe     = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$`)
	cookieRe    = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	stackNameRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{0,127}$`)
	bucketRe    = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	// Cognito's patterns for a custom scope's name (ResourceServerScopeType) and
	// resource server identifier (CreateResourceServer: printable ASCII without
	// space, " and \).
	scopeNameRe      = regexp.MustCompile(`^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]{1,256}$`)
	resourceServerRe = regexp.MustCompile(`^[\x21\x23-\x5B\x5D-\x7E]{1,256}$`)
	providerRe       = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,32}$`)
)

// arnCommon checks an ARN's partition, service, region and account.
func (v *validator) arnCommon(key string, a arn, service, what, example string) bool {
	if !slices.Contains(partitions, a.Partition) {
		v.add(key, "partition %q is not supported; use aws, aws-cn or aws-us-gov, e.g. %s", a.Partition, example)
		return false
	}
	if a.Service != service {
		v.add(key, "is an ARN of service %s, not of %s (service %s); e.g. %s", a.Service, what, service, example)
		return false
	}
	if !regionRe.MatchString(a.Region) {
		v.add(key, "region %q is not a region code; use one like eu-west-1, e.g. %s", a.Region, example)
		return false
	}
	if p := regionPartition(a.Region); p != a.Partition {
		if p == "" {
			v.add(key, "region %s is in an isolated partition, which this app does not support; use a region in aws, aws-cn or aws-us-gov", a.Region)
		} else {
			v.add(key, "region %s is in partition %s, not %s; write arn:%s:%s:%s:...", a.Region, p, a.Partition, p, a.Service, a.Region)
		}
		return false
	}
	if !accountRe.MatchString(a.Account) {
		v.add(key, "account %q is not a 12-digit account ID; e.g. %s", a.Account, example)
		return false
	}
	return true
}

func (v *validator) userPoolArn(s string) (arn, bool) {
	const key = "userPoolArn"
	if !v.text(key, s) {
		return arn{}, false
	}
	sp, _ := lookup(key)
	ex := sp.cliExample()
	if poolIDRe.MatchString(s) {
		v.add(key, "%s is a user pool ID, not its ARN; use arn:aws:cognito-idp:<region>:<account>:userpool/%s (Cognito console: your pool > Overview > User pool ARN)", s, s)
		return arn{}, false
	}
	a, ok := parseARN(s)
	if !ok {
		v.add(key, "%q is not an ARN; set it to %s, e.g. %s", s, sp.what, ex)
		return arn{}, false
	}
	if !v.arnCommon(key, a, "cognito-idp", "a Cognito user pool", ex) {
		return arn{}, false
	}
	id, ok := strings.CutPrefix(a.Resource, "userpool/")
	if !ok {
		v.add(key, "resource %q is not a user pool; the ARN of a user pool ends in userpool/<region>_<id>, e.g. %s", a.Resource, ex)
		return arn{}, false
	}
	m := poolIDRe.FindStringSubmatch(id)
	if m == nil {
		v.add(key, "user pool ID %q is malformed; pool IDs look like %s_AbCdEf123: copy the ARN from the Cognito console", id, a.Region)
		return arn{}, false
	}
	if m[1] != a.Region {
		v.add(key, "user pool ID %s is of region %s but the ARN names region %s; copy the ARN again from the Cognito console", id, m[1], a.Region)
		return arn{}, false
	}
	return a, true
}

func (v *validator) certificateArn(s string) (arn, bool) {
	const key = "certificateArn"
	if !v.text(key, s) {
		return arn{}, false
	}
	sp, _ := lookup(key)
	ex := sp.cliExample()
	a, ok := parseARN(s)
	if !ok {
		v.add(key, "%q is not an ARN; set it to the ARN of an ACM certificate for the site's domain name (ACM console: your certificate > ARN), e.g. %s", s, ex)
		return arn{}, false
	}
	if a.Service == "iam" {
		v.add(key, "is an IAM server certificate; import the certificate into ACM (or request one there) and use its ARN, e.g. %s", ex)
		return arn{}, false
	}
	if !v.arnCommon(key, a, "acm", "an ACM certificate", ex) {
		return arn{}, false
	}
	id, ok := strings.CutPrefix(a.Resource, "certificate/")
	if !ok {
		v.add(key, "resource %q is not a certificate; the ARN of an ACM certificate ends in certificate/<uuid>, e.g. %s", a.Resource, ex)
		return arn{}, false
	}
	if !certIDRe.MatchString(id) {
		v.add(key, "certificate ID %q is not a lower-case UUID; copy the ARN from the ACM console, e.g. %s", id, ex)
		return arn{}, false
	}
	return a, true
}

// sameEnvironment checks that the certificate is where the pool is: the load
// balancer, and so the stack, must be in the user pool's partition, region and
// account.
func (v *validator) sameEnvironment(c Config, pool, cert arn) {
	if pool.Partition != cert.Partition {
		v.add("certificateArn", "partition %s differs from userPoolArn's partition %s; all resources must be in one partition: use a certificate in %s",
			cert.Partition, pool.Partition, pool.Partition)
		return
	}
	if cert.Region != pool.Region {
		v.add("certificateArn", "region %s differs from userPoolArn's region %s; an ALB certificate must be in the ALB's region: "+
			"import or request the certificate in %s", cert.Region, pool.Region, pool.Region)
	}
	// The stack creates the user pool client on the pool, in its own account:
	// CloudFormation cannot create it on another account's pool.
	if account := c.Account(); accountRe.MatchString(account) && pool.Account != account {
		v.add("userPoolArn", "is in account %s, but the stack deploys to account %s (the certificate's%s), and creates the pool's client there, "+
			"which fails for another account's pool: use a user pool of account %s, or deploy to account %s with a certificate of that account",
			pool.Account, account, accountKeyNote(c), account, pool.Account)
	}
}

// accountKeyNote says where the stack's account comes from, for messages.
func accountKeyNote(c Config) string {
	if c.AccountID != "" {
		return " and the account key's"
	}
	return ""
}

func (v *validator) account(account string, cert arn, certOK bool) {
	const key = "account"
	if account == "" || !v.text(key, account) {
		return
	}
	if !accountRe.MatchString(account) {
		v.add(key, "%q is not a 12-digit account ID; use e.g. %s, or remove it to deploy to certificateArn's account", account, ExampleAccount)
		return
	}
	if certOK && account != cert.Account {
		v.add(key, "%s differs from certificateArn's account %s; a load balancer can only use an ACM certificate of its own account: "+
			"set account to %s (or remove it), or use a certificate of account %s", account, cert.Account, cert.Account, account)
	}
}

func (v *validator) region(region string, pool arn, poolOK bool, cert arn, certOK bool) {
	const key = "region"
	if region == "" || !v.text(key, region) {
		return
	}
	if !regionRe.MatchString(region) {
		v.add(key, "%q is not a region code; use one like eu-west-1, or remove it to deploy to certificateArn's region", region)
		return
	}
	if p := regionPartition(region); p == "" {
		v.add(key, "%s is in an isolated partition, which this app does not support; use a region in aws, aws-cn or aws-us-gov", region)
		return
	}
	switch {
	case poolOK && region != pool.Region:
		also := ""
		if certOK && cert.Region == pool.Region {
			also = " and certificateArn's"
		}
		v.add(key, "%s differs from userPoolArn's%s region %s; the stack must be deployed in the user pool's region: set region to %s (or remove it)",
			region, also, pool.Region, pool.Region)
	case !poolOK && certOK && region != cert.Region:
		// With a usable pool ARN, sameEnvironment compares the certificate with the pool.
		v.add(key, "%s differs from certificateArn's region %s; an ALB certificate must be in the ALB's region: set region to %s (or remove it), "+
			"or import or request the certificate in %s", region, cert.Region, cert.Region, region)
	}
}

func (v *validator) userPoolDomain(d, record string, pool arn, poolOK bool) {
	const key = "userPoolDomain"
	if !v.text(key, d) {
		return
	}
	const ex = "myapp or auth.example.com"
	if host, isURL := urlHost(d); isURL {
		if (&validator{}).userPoolDomainOK(host, record, pool, poolOK) != nil {
			host = ""
		}
		v.add(key, "%q is a URL; give the domain name, not a URL: e.g. %s%s", d, ex, here(host, d, ex))
		return
	}
	if lower := strings.ToLower(d); d != lower {
		if ps := (&validator{}).userPoolDomainOK(lower, record, pool, poolOK); ps != nil {
			v.add(key, "%q must be lower case, and in lower case: %s", d, ps[0].Message)
			return
		}
		v.add(key, "%q must be lower case: use %s", d, lower)
		return
	}
	if !strings.Contains(d, ".") {
		v.cognitoPrefix(d)
		return
	}
	if prefix, region, suffix, ok := splitCognitoHost(d); ok {
		switch {
		case !poolOK:
			// userPoolArn's own problem is reported; the host can't be checked against it.
		case region != pool.Region:
			v.add(key, "%s is a Cognito domain in region %s, but the user pool is in %s; use the pool's own domain (Cognito console: your pool > Domain)",
				d, region, pool.Region)
		case suffix != cognitoDomainSuffix(pool.Partition):
			v.add(key, "%s is not a Cognito domain of partition %s; give just the domain prefix%s", d, pool.Partition, prefixHint(prefix))
		default:
			v.add(key, "%s is a full Cognito domain host; give just its prefix%s", d, prefixHint(prefix))
		}
		return
	}
	if strings.HasSuffix(d, ".amazoncognito.com") || strings.HasSuffix(d, ".amazoncognito.com.cn") {
		v.add(key, "%s is not a Cognito domain host (<prefix>.auth.<region>.amazoncognito.com); give just the pool's domain prefix, e.g. myapp", d)
		return
	}
	if msg := domainProblem(d, "auth.example.com"); msg != "" {
		v.add(key, "%s", msg)
		return
	}
	if poolOK && pool.Partition == "aws-us-gov" {
		v.add(key, "%s is a custom domain, which Cognito does not support in AWS GovCloud (US); use the pool's Cognito domain prefix", d)
		return
	}
	if d == record {
		rest := strings.TrimPrefix(d, firstLabel(d)+".")
		eg := "auth." + rest
		if eg == record {
			eg = "login." + rest
		}
		v.add(key, "%s is also recordName; the sign-in pages need a domain name of their own, e.g. %s", d, eg)
	}
}

// userPoolDomainOK returns the problems userPoolDomain would report for d,
// nil when d is a valid value: to offer d as a fix only when it is one.
func (v *validator) userPoolDomainOK(d, record string, pool arn, poolOK bool) Problems {
	v.userPoolDomain(d, record, pool, poolOK)
	return v.ps
}

// prefixHint is ": <prefix>" when prefix is a valid Cognito domain prefix,
// else the prefix rules.
func prefixHint(prefix string) string {
	check := &validator{}
	if check.cognitoPrefix(prefix); check.ps != nil {
		return " (the pool's own prefix: " + check.ps[0].Message + ")"
	}
	return ": " + prefix
}

func firstLabel(name string) string {
	label, _, _ := strings.Cut(name, ".")
	return label
}

// cognitoPrefix checks a Cognito domain prefix.
func (v *validator) cognitoPrefix(p string) {
	const key = "userPoolDomain"
	if !prefixRe.MatchString(p) {
		v.add(key, "%q is not a valid Cognito domain prefix; use 1-63 lower-case letters, digits and hyphens, not starting or ending with a hyphen, e.g. myapp", p)
		return
	}
	for _, word := range []string{"aws", "amazon", "cognito"} {
		if strings.Contains(p, word) {
			v.add(key, "%q contains %q, which Cognito reserves in domain prefixes (aws, amazon, cognito); use the prefix your pool actually has, e.g. myapp", p, word)
			return
		}
	}
}

// urlHost reports whether s looks like a URL or host:port rather than a bare
// domain name, and if so the host name in it.
func urlHost(s string) (host string, isURL bool) {
	if !strings.ContainsAny(s, "/:?#@") {
		return "", false
	}
	rest := s
	if i := strings.Index(rest, "://"); i >= 0 {
		rest = rest[i+3:]
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndex(rest, "@"); i >= 0 {
		rest = rest[i+1:]
	}
	if h, _, err := net.SplitHostPort(rest); err == nil {
		rest = h
	}
	return strings.TrimSuffix(strings.ToLower(rest), "."), true
}

// here returns " (here: host)" to show which host name a URL holds, unless
// that adds nothing.
func here(host, original, example string) string {
	if host == "" || host == original || host == example || strings.ContainsAny(host, "/:?#@") {
		return ""
	}
	return " (here: " + host + ")"
}

// domainName checks a lower-case, fully qualified domain name without a
// trailing dot.
func (v *validator) domainName(key, name, example string) bool {
	if !v.text(key, name) {
		return false
	}
	if msg := domainProblem(name, example); msg != "" {
		v.add(key, "%s", msg)
		return false
	}
	return true
}

// domainProblem says what is wrong with name as a domain name, and how to fix
// it; "" when nothing is.
func domainProblem(name, example string) string {
	if host, isURL := urlHost(name); isURL {
		if domainProblem(host, example) != "" {
			host = ""
		}
		return fmt.Sprintf("%q is a URL; give the domain name, not a URL: e.g. %s%s", name, example, here(host, name, example))
	}
	if lower := strings.ToLower(name); lower != name {
		fixed := strings.TrimSuffix(lower, ".")
		if msg := domainProblem(fixed, example); msg != "" {
			return fmt.Sprintf("%q must be lower case, and in lower case without a trailing dot: %s", name, msg)
		}
		return fmt.Sprintf("%q must be lower case: use %s", name, fixed)
	}
	if trimmed := strings.TrimSuffix(name, "."); trimmed != name {
		if msg := domainProblem(trimmed, example); msg != "" {
			return fmt.Sprintf("%q ends with a dot, and without it: %s", name, msg)
		}
		return fmt.Sprintf("%q ends with a dot; remove the trailing dot: use %s", name, trimmed)
	}
	if len(name) > 253 {
		return fmt.Sprintf("is %d characters long; a domain name has at most 253", len(name))
	}
	labels := strings.Split(name, ".")
	if len(labels) < 2 {
		return fmt.Sprintf("%q is not a full domain name; give the whole name, e.g. %s", name, example)
	}
	for _, l := range labels {
		switch {
		case l == "":
			return fmt.Sprintf("%q has an empty label (a leading dot or two dots in a row); e.g. %s", name, example)
		case len(l) > 63:
			return fmt.Sprintf("%q has a label longer than 63 characters (%s...); shorten it", name, l[:20])
		case !labelRe.MatchString(l):
			return fmt.Sprintf("%q has an invalid label %q; labels are letters, digits and hyphens, not starting or ending with a hyphen, e.g. %s", name, l, example)
		}
	}
	return ""
}

func (v *validator) hostedZoneID(id string) {
	const key = "hostedZoneId"
	if !v.text(key, id) {
		return
	}
	switch {
	case strings.HasPrefix(id, "/hostedzone/"):
		bare := strings.TrimPrefix(id, "/hostedzone/")
		switch {
		case zoneIDRe.MatchString(bare):
			v.add(key, "%q has the /hostedzone/ prefix; give just the ID: %s", id, bare)
		case zoneIDRe.MatchString(strings.ToUpper(bare)):
			v.add(key, "%q has the /hostedzone/ prefix; give just the ID, in upper case: %s", id, strings.ToUpper(bare))
		default:
			v.add(key, "%q has the /hostedzone/ prefix, and %q is not a hosted zone ID either; zone IDs are Z followed by upper-case letters and digits, "+
				"e.g. Z0123456789EXAMPLE0AB (Route 53 console: Hosted zones > your zone > Hosted zone ID)", id, bare)
		}
	case zoneIDRe.MatchString(id):
	case zoneIDRe.MatchString(strings.ToUpper(id)):
		v.add(key, "%q must be upper case: use %s", id, strings.ToUpper(id))
	default:
		v.add(key, "%q is not a Route 53 hosted zone ID; zone IDs are Z followed by upper-case letters and digits, e.g. Z0123456789EXAMPLE0AB "+
			"(Route 53 console: Hosted zones > your zone > Hosted zone ID)", id)
	}
}

// listElements checks that a list's elements are neither empty nor contain
// whitespace, and are distinct. It returns the elements worth checking further.
func (v *validator) listElements(key string, list []string, example string) []string {
	var ok []string
	seen := make(map[string]bool)
	for _, e := range list {
		switch {
		case e == "":
			v.add(key, "has an empty element; remove it, e.g. %s", example)
		case strings.IndexFunc(e, unicode.IsSpace) >= 0:
			v.add(key, "element %q contains whitespace; write each element without spaces: %s or a JSON array", e, example)
		case seen[e]:
			v.add(key, "lists %q twice; remove the duplicate", e)
		default:
			seen[e] = true
			ok = append(ok, e)
		}
	}
	return ok
}

func (v *validator) network(c Config) {
	region := c.Region()
	regionOK := regionRe.MatchString(region)
	exampleAZs := "eu-west-1a,eu-west-1b"
	if regionOK {
		exampleAZs = region + "a," + region + "b"
	}
	azs := c.AvailabilityZones
	switch {
	case len(azs) == 0:
		if regionOK {
			v.add("availabilityZones", "is empty; list at least two availability zones of %s, e.g. %s", region, exampleAZs)
		}
	case len(azs) < 2:
		v.add("availabilityZones", "lists one zone; a load balancer needs at least two, e.g. %s", exampleAZs)
	}
	for _, az := range v.listElements("availabilityZones", azs, exampleAZs) {
		m := azRe.FindStringSubmatch(az)
		switch {
		case m == nil:
			v.add("availabilityZones", "%q is not an availability zone name; names are the region and a letter, e.g. %s", az, exampleAZs)
		case regionOK && m[1] != region:
			v.add("availabilityZones", "%s is not in region %s; use zones of %s, e.g. %s", az, region, region, exampleAZs)
		}
	}

	const subnetsExample = "subnet-0123456789abcdef0,subnet-0fedcba9876543210"
	if c.VpcID != "" && v.text("vpcId", c.VpcID) && !vpcIDRe.MatchString(c.VpcID) {
		v.add("vpcId", "%q is not a VPC ID; VPC IDs look like vpc-0123456789abcdef0 (VPC console: Your VPCs), or remove vpcId to let the stack create a VPC", c.VpcID)
	}
	subnets := c.PublicSubnetIDs
	switch {
	case c.VpcID == "" && len(subnets) > 0:
		v.add("publicSubnetIds", "is set but vpcId is not; set vpcId to the VPC these subnets are in, or remove publicSubnetIds to let the stack create a VPC")
		return
	case c.VpcID != "" && len(subnets) == 0:
		v.add("publicSubnetIds", "is required when vpcId is set; list the VPC's public subnets, one per availability zone in the order of availabilityZones, "+
			"e.g. %s, or remove vpcId to let the stack create a VPC", subnetsExample)
		return
	case len(subnets) == 0:
		return
	}
	for _, s := range v.listElements("publicSubnetIds", subnets, subnetsExample) {
		if !subnetIDRe.MatchString(s) {
			v.add("publicSubnetIds", "%q is not a subnet ID; subnet IDs look like subnet-0123456789abcdef0", s)
		}
	}
	switch {
	case len(subnets) < 2:
		v.add("publicSubnetIds", "lists one subnet; a load balancer needs public subnets in at least two availability zones, e.g. %s", subnetsExample)
	case len(azs) >= 2 && len(subnets) != len(azs):
		v.add("publicSubnetIds", "lists %d subnets for %d availabilityZones (%s); give exactly one public subnet per zone, in the same order",
			len(subnets), len(azs), strings.Join(azs, ", "))
	}
}

// ipAddressType allows ipv4 and dualstack. The ELB API reference
// (SetIpAddressType, https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetIpAddressType.html)
// says Application Load Balancer authentication reaches the identity provider
// and Cognito over IPv4 only, so without a public IPv4 address it fails with
// HTTP 500.
func (v *validator) ipAddressType(t string) {
	const key = "ipAddressType"
	if !v.text(key, t) {
		return
	}
	switch lower := strings.ToLower(t); {
	case t == "ipv4" || t == "dualstack":
	case lower == "ipv4" || lower == "dualstack":
		v.add(key, "%q must be lower case: use %s", t, lower)
	case lower == "dualstack-without-public-ipv4":
		v.add(key, "dualstack-without-public-ipv4 is refused: AWS documents that \"Application Load Balancer authentication supports IPv4 addresses only "+
			"when connecting to an Identity Provider (IdP) or Amazon Cognito endpoint. Without a public IPv4 address the load balancer can't complete "+
			"the authentication process, resulting in HTTP 500 errors\" (Elastic Load Balancing API Reference, SetIpAddressType); "+
			"use dualstack, which serves IPv6 clients and keeps the public IPv4 address authentication needs")
	default:
		v.add(key, "%q is not allowed; use ipv4 or dualstack (IPv4 and IPv6)", t)
	}
}

var standardScopes = []string{"openid", "email", "profile", "phone"}

func (v *validator) oauthScopes(scopes []string) {
	const key = "oauthScopes"
	const ex = "openid,email"
	if len(scopes) == 0 {
		v.add(key, "is empty; list at least openid, e.g. %s", ex)
		return
	}
	for _, s := range v.listElements(key, scopes, ex) {
		switch {
		case slices.Contains(standardScopes, s):
		case s == "aws.cognito.signin.user.admin":
			v.add(key, "must not include aws.cognito.signin.user.admin: that scope lets the access token, which the load balancer passes to the function "+
				"in x-amzn-oidc-accesstoken, change or delete the signed-in user through the Cognito API, and the site only needs to know who the user is; remove it")
		case strings.Contains(s, "/"):
			i := strings.LastIndex(s, "/")
			if !resourceServerRe.MatchString(s[:i]) || !scopeNameRe.MatchString(s[i+1:]) {
				v.add(key, "custom scope %q is malformed; write <resource-server-id>/<scope>, e.g. https://api.example.com/read or orders/write", s)
			}
		case slices.Contains(standardScopes, strings.ToLower(s)):
			v.add(key, "scope %q must be lower case: use %s", s, strings.ToLower(s))
		default:
			v.add(key, "unknown scope %q; use openid, email, profile, phone or a custom scope <resource-server-id>/<scope>, e.g. https://api.example.com/read", s)
		}
	}
	if !slices.Contains(scopes, "openid") {
		v.add(key, "must include openid, which the load balancer needs to get an ID token; add openid")
	}
}

func (v *validator) identityProviders(providers []string) {
	const key = "identityProviders"
	if len(providers) == 0 {
		v.add(key, "is empty; list at least one identity provider, e.g. COGNITO")
		return
	}
	for _, p := range v.listElements(key, providers, "COGNITO,MyCorpSAML") {
		switch {
		case p == "COGNITO":
		case strings.EqualFold(p, "COGNITO"):
			v.add(key, "%q must be written COGNITO, in upper case: provider names are case-sensitive", p)
		case len([]rune(p)) > 32:
			v.add(key, "provider name %q is longer than 32 characters; use the provider's name as shown in the Cognito console (your pool > Social and external providers)", p)
		case strings.Contains(p, ",") || !providerRe.MatchString(p):
			v.add(key, "provider name %q contains characters Cognito does not allow; use the provider's name as shown in the Cognito console (your pool > Social and external providers)", p)
		}
	}
}

// maxSessionTimeout is the longest session the load balancer allows.
const maxSessionTimeout = 7 * 24 * time.Hour

func (v *validator) session(c Config) {
	if v.text("sessionCookieName", c.SessionCookieName) && !cookieRe.MatchString(c.SessionCookieName) {
		v.add("sessionCookieName", "%q is not a valid cookie name; use 1 to 64 letters, digits, hyphens or underscores, e.g. %s",
			c.SessionCookieName, defaultSessionCookieName)
	}
	switch d := c.SessionTimeout; {
	case d < time.Second || d > maxSessionTimeout:
		v.add("sessionTimeout", "%s is out of range; use 1s to 7 days (604800 seconds, 168h), e.g. 8h", d)
	case d%time.Second != 0:
		v.add("sessionTimeout", "%s is not a whole number of seconds; round it, e.g. %s", d, d.Round(time.Second))
	}
	const key = "onUnauthenticatedRequest"
	s := c.OnUnauthenticatedRequest
	if !v.text(key, s) {
		return
	}
	switch allowed := []string{"authenticate", "deny", "allow"}; {
	case slices.Contains(allowed, s):
	case slices.Contains(allowed, strings.ToLower(s)):
		v.add(key, "%q must be lower case: use %s", s, strings.ToLower(s))
	default:
		v.add(key, "%q is not allowed; use authenticate (send to the sign-in page), deny (answer 401) or allow (pass on without user claims)", s)
	}
}

func (v *validator) tlsPolicy(p string) {
	const key = "tlsPolicy"
	if !v.text(key, p) {
		return
	}
	list := strings.Join(tlsPolicies, ", ")
	switch {
	case slices.Contains(tlsPolicies, p):
	case strings.HasPrefix(p, "ELBSecurityPolicy-"):
		v.add(key, "%q is an ELB policy name; give the CDK SslPolicy name of a policy with TLS 1.3 instead, one of %s", p, list)
	case slices.Contains(tlsPolicies, strings.ToUpper(p)):
		v.add(key, "%q must be upper case: use %s", p, strings.ToUpper(p))
	default:
		v.add(key, "%q is not allowed: the listener must offer TLS 1.3 and nothing older than TLS 1.2; use one of %s", p, list)
	}
}

// bucketProblem says what breaks S3's naming rules; "" when nothing does.
func bucketProblem(b string) string {
	switch {
	case strings.HasPrefix(b, "s3://") || strings.HasPrefix(b, "arn:") || strings.Contains(b, "/"):
		return "give the bucket's name, not a URL, ARN or path"
	case strings.ToLower(b) != b:
		if msg := bucketProblem(strings.ToLower(b)); msg != "" {
			return "bucket names are lower case; and " + msg
		}
		return "bucket names are lower case: use " + strings.ToLower(b)
	case len(b) < 3 || len(b) > 63:
		return "bucket names are 3 to 63 characters long"
	case !bucketRe.MatchString(b):
		return "bucket names are lower-case letters, digits, dots and hyphens, and start and end with a letter or digit"
	case strings.Contains(b, ".."):
		return "bucket names don't contain two dots in a row"
	case net.ParseIP(b) != nil:
		return "bucket names are not IP addresses"
	}
	for _, prefix := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(b, prefix) {
			return "bucket names don't start with " + prefix
		}
	}
	for _, suffix := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(b, suffix) {
			return "bucket names don't end with " + suffix
		}
	}
	return ""
}

func (v *validator) accessLogs(bucket string, days int) {
	if bucket != "" {
		if v.text("accessLogsBucket", bucket) {
			if msg := bucketProblem(bucket); msg != "" {
				v.add("accessLogsBucket", "%q is not a valid S3 bucket name: %s; e.g. my-alb-access-logs", bucket, msg)
			}
		}
		if days != 0 {
			v.add("accessLogsExpirationDays", "is set together with accessLogsBucket, but the stack doesn't manage an existing bucket's lifecycle: "+
				"remove accessLogsExpirationDays and configure expiration on %s yourself, or remove accessLogsBucket to let the stack create the bucket", bucket)
		}
		return
	}
	v.intRange("accessLogsExpirationDays", days, 1, 3650, "")
}

var logRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

func (v *validator) logRetention(days int) {
	if slices.Contains(logRetentionDays, days) {
		return
	}
	nearest := logRetentionDays[0]
	for _, d := range logRetentionDays {
		if abs(d-days) < abs(nearest-days) {
			nearest = d
		}
	}
	allowed := make([]string, len(logRetentionDays))
	for i, d := range logRetentionDays {
		allowed[i] = strconv.Itoa(d)
	}
	v.add("logRetentionDays", "%d is not a retention period CloudWatch Logs supports; use one of %s (nearest: %d)", days, strings.Join(allowed, ", "), nearest)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func (v *validator) intRange(key string, n, lo, hi int, why string) {
	if n < lo || n > hi {
		sp, _ := lookup(key)
		v.add(key, "%d is out of range; use %d to %d%s, e.g. %s", n, lo, hi, why, sp.cliExample())
	}
}

// groupClaims checks groupClaims and groupClaimSeparator (groupclaim's
// rules), and that the load balancer's userInfo call can return a custom
// attribute: Cognito's userInfo returns "all user attributes that the app
// client can read" for openid alone and custom attributes with profile, but
// for openid email and openid phone only "basic profile information and"
// those attributes ("The user attributes endpoint", Amazon Cognito
// Developer Guide).
func (v *validator) groupClaims(c Config) {
	if c.GroupClaims != nil && len(c.GroupClaims) == 0 {
		v.add("groupClaims", "is empty; list the claims holding groups, e.g. [\"custom:groups\"], or remove it for cognito:groups")
		return
	}
	gc := c.GroupClaimConfig()
	if err := gc.Validate(); err != nil {
		for _, e := range strings.Split(err.Error(), "\n") {
			key, msg := "groupClaims", e
			if rest, ok := strings.CutPrefix(e, "separator: "); ok {
				key, msg = "groupClaimSeparator", rest
			} else if i := strings.Index(e, ": "); i > 0 && strings.HasPrefix(e, "claims") {
				key, msg = "groupClaims"+strings.TrimPrefix(e[:i], "claims"), e[i+2:]
			}
			v.add(key, "%s", msg)
		}
		return
	}
	if len(gc.UserClaims()) == 0 {
		return
	}
	sets := [][]string{c.OAuthScopes}
	for _, r := range c.Routes {
		if !r.Machine() && len(r.Scopes) > 0 {
			sets = append(sets, append(slices.Clone(c.OAuthScopes), r.Scopes...))
		}
	}
	for _, set := range sets {
		if !slices.Contains(set, "profile") && (slices.Contains(set, "email") || slices.Contains(set, "phone")) {
			v.add("groupClaims", "names %s, a user attribute, but the load balancer requests the scopes %s, for which Cognito's userInfo endpoint "+
				"documents only basic profile information and the email or phone attributes; add profile to oauthScopes (it returns custom attributes), "+
				"or request openid alone", strings.Join(gc.UserClaims(), ", "), strings.Join(set, " "))
			return
		}
	}
}
