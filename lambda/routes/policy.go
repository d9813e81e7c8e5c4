package routes

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
)

// Policy is what the function checks on a request before the application
// runs: the part of a route that is authorization, without its paths,
// methods and sign-in settings. Each distinct policy of a table has its own
// target group (TargetGroupName), and every listener rule forwards to the
// target group of its route's policy, so the target group a request arrives
// through says which policy the load balancer applied.
//
// Two routes with the same policy share a target group: the checks the
// function makes on their requests are identical, so telling them apart
// would add target groups (and invoke permissions) without adding any
// guarantee.
type Policy struct {
	// Machine: bearer-token only, Clients and Scopes apply.
	Machine bool
	// Unauthenticated is the rule's onUnauthenticatedRequest (user policies).
	Unauthenticated string
	// Groups (any of) and Scopes (all of), sorted.
	Groups, Scopes []string
	// Clients are the machine clients allowed, sorted.
	Clients []string
	// AllowEncodedSlashes: %2F is accepted in the path.
	AllowEncodedSlashes bool
}

// Policy returns the route's policy.
func (r Route) Policy() Policy {
	p := Policy{
		Machine:             r.Machine(),
		Groups:              sortedSet(r.Groups),
		Scopes:              sortedSet(r.Scopes),
		Clients:             sortedSet(r.Clients),
		AllowEncodedSlashes: r.AllowEncodedSlashes,
	}
	if !p.Machine {
		p.Unauthenticated = r.Unauthenticated()
	}
	return p
}

// DefaultPolicy is the policy of the listener's default action, for
// requests no route matches: any signed-in user, or what the table's
// OnUnauthenticatedRequest says about requests without a session.
func (t Table) DefaultPolicy() Policy {
	return Route{OnUnauthenticatedRequest: t.OnUnauthenticatedRequest}.Policy()
}

// PolicyOf returns the policy of a request's route: r's when routed, else
// the default policy.
func (t Table) PolicyOf(r Route, routed bool) Policy {
	if routed {
		return r.Policy()
	}
	return t.DefaultPolicy()
}

// Policies returns the table's distinct policies: the default policy first,
// then each route's, in table order, each once.
func (t Table) Policies() []Policy {
	out := []Policy{t.DefaultPolicy()}
	ids := []string{out[0].ID()}
	for _, r := range t.Routes {
		p := r.Policy()
		if id := p.ID(); !slices.Contains(ids, id) {
			out, ids = append(out, p), append(ids, id)
		}
	}
	return out
}

// ID is 8 lower-case hex digits of the SHA-256 of the policy's canonical
// form: equal policies have equal IDs, whatever the order of their lists.
// It names the policy's target group (TargetGroupName).
func (p Policy) ID() string {
	sum := sha256.Sum256([]byte(p.canonical()))
	return hex.EncodeToString(sum[:4])
}

// canonical is an unambiguous text form of the policy. Names of groups,
// scopes and clients cannot contain a newline or NUL (Validate), so the
// separators cannot occur inside a value.
func (p Policy) canonical() string {
	var b strings.Builder
	b.WriteString("v1\n")
	if p.Machine {
		b.WriteString("machine\n")
	} else {
		b.WriteString("user " + p.Unauthenticated + "\n")
	}
	for _, l := range []struct {
		name string
		vs   []string
	}{{"groups", p.Groups}, {"scopes", p.Scopes}, {"clients", p.Clients}} {
		b.WriteString(l.name)
		for _, v := range l.vs {
			b.WriteString("\x00" + v)
		}
		b.WriteString("\n")
	}
	if p.AllowEncodedSlashes {
		b.WriteString("encoded-slashes\n")
	}
	return b.String()
}

func sortedSet(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}

// Target group names: <prefix>-<policy ID>. A load balancer's target group
// name has at most 32 characters (letters, digits, hyphens, not starting or
// ending with a hyphen), so a prefix has at most MaxTargetGroupPrefix.
const (
	MaxTargetGroupName   = 32
	MaxTargetGroupPrefix = MaxTargetGroupName - 9
)

// TargetGroupName is the name of the target group for policy p.
func TargetGroupName(prefix string, p Policy) string {
	return prefix + "-" + p.ID()
}

// TargetGroupPolicyID returns the policy ID in the name of a target group
// named by TargetGroupName(prefix, ...), given its ARN
// (arn:<partition>:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>),
// and the ARN's arn:<partition>:elasticloadbalancing:<region>:<account>
// part, so callers can check it is their own account's and region's. ok is
// false when arn is not such an ARN or the name does not have this prefix.
func TargetGroupPolicyID(arn, prefix string) (id, scope string, ok bool) {
	i := strings.Index(arn, ":targetgroup/")
	if i < 0 {
		return "", "", false
	}
	scope = arn[:i]
	if strings.Count(scope, ":") != 4 || !strings.HasPrefix(scope, "arn:") || !strings.Contains(scope, ":elasticloadbalancing:") {
		return "", "", false
	}
	rest := arn[i+len(":targetgroup/"):]
	name, suffix, found := strings.Cut(rest, "/")
	if !found || suffix == "" || strings.Contains(suffix, "/") {
		return "", "", false
	}
	id, found = strings.CutPrefix(name, prefix+"-")
	if !found || len(id) != 8 || strings.Trim(id, "0123456789abcdef") != "" {
		return "", "", false
	}
	return id, scope, true
}
