// Package elbarn derives Elastic Load Balancing names from ARNs: the load
// balancer of an Application Load Balancer listener, and the full names
// CloudWatch uses as the LoadBalancer and TargetGroup metric dimensions.
// The config package validates with it and the constructs derive with it,
// so the stack and its checks agree on what an ARN means.
//
// The forms are the Elastic Load Balancing ARNs of the Service Authorization
// Reference ("Resource types defined by Elastic Load Balancing V2"):
//
//	arn:${Partition}:elasticloadbalancing:${Region}:${Account}:listener/app/${LoadBalancerName}/${LoadBalancerId}/${ListenerId}
//	arn:${Partition}:elasticloadbalancing:${Region}:${Account}:loadbalancer/app/${LoadBalancerName}/${LoadBalancerId}
//	arn:${Partition}:elasticloadbalancing:${Region}:${Account}:targetgroup/${TargetGroupName}/${TargetGroupId}
package elbarn

import (
	"fmt"
	"regexp"
	"strings"
)

// ARN is an Elastic Load Balancing ARN split into its fields.
type ARN struct {
	Partition, Region, Account string
	// Resource is everything after the account: listener/app/..., targetgroup/...
	Resource string
}

// String reassembles the ARN.
func (a ARN) String() string {
	return "arn:" + a.Partition + ":elasticloadbalancing:" + a.Region + ":" + a.Account + ":" + a.Resource
}

var (
	// A load balancer's or target group's name: 1 to 32 alphanumerics or
	// hyphens, not starting or ending with a hyphen (CreateLoadBalancer,
	// CreateTargetGroup); IDs are 16 lower-case hex digits.
	nameRe       = `[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?`
	idRe         = `[0-9a-f]{16}`
	listenerRe   = regexp.MustCompile(`^listener/app/(` + nameRe + `)/(` + idRe + `)/(` + idRe + `)$`)
	targetGroupR = regexp.MustCompile(`^targetgroup/(` + nameRe + `)/(` + idRe + `)$`)
	loadBalancer = regexp.MustCompile(`^loadbalancer/app/(` + nameRe + `)/(` + idRe + `)$`)
)

// Parse splits an Elastic Load Balancing ARN. It checks the shape only
// (six colon-separated fields, service elasticloadbalancing), not the
// resource.
func Parse(s string) (ARN, error) {
	f := strings.SplitN(s, ":", 6)
	if len(f) != 6 || f[0] != "arn" {
		return ARN{}, fmt.Errorf("%q is not an ARN (arn:<partition>:elasticloadbalancing:<region>:<account>:<resource>)", s)
	}
	if f[2] != "elasticloadbalancing" {
		return ARN{}, fmt.Errorf("is an ARN of service %s, not of Elastic Load Balancing (elasticloadbalancing)", f[2])
	}
	return ARN{Partition: f[1], Region: f[3], Account: f[4], Resource: f[5]}, nil
}

// Listener checks that s is the ARN of an Application Load Balancer's
// listener and returns it split, with its load balancer's name.
func Listener(s string) (ARN, error) {
	a, err := Parse(s)
	if err != nil {
		return a, err
	}
	switch {
	case strings.HasPrefix(a.Resource, "listener/net/"):
		return a, fmt.Errorf("is a Network Load Balancer's listener (listener/net/...); authentication needs an Application Load Balancer's HTTPS listener (listener/app/...)")
	case strings.HasPrefix(a.Resource, "listener/gwy/"):
		return a, fmt.Errorf("is a Gateway Load Balancer's listener (listener/gwy/...); authentication needs an Application Load Balancer's HTTPS listener (listener/app/...)")
	case strings.HasPrefix(a.Resource, "listener-rule/"):
		return a, fmt.Errorf("is a listener rule's ARN (listener-rule/...); give the listener's ARN: listener/app/<name>/<load balancer id>/<listener id>")
	case strings.HasPrefix(a.Resource, "loadbalancer/"):
		return a, fmt.Errorf("is a load balancer's ARN; give the ARN of its HTTPS listener: listener/app/<name>/<load balancer id>/<listener id> (EC2 console: Load balancers > yours > Listeners and rules > HTTPS:443 > ARN)")
	case !listenerRe.MatchString(a.Resource):
		return a, fmt.Errorf("resource %q is not an Application Load Balancer listener; it looks like listener/app/<name>/<16 hex digits>/<16 hex digits>", a.Resource)
	}
	return a, nil
}

// LoadBalancerOfListener returns the ARN of the load balancer a listener
// belongs to: listener/app/NAME/LBID/LISTENERID becomes
// loadbalancer/app/NAME/LBID, in the same partition, region and account.
func LoadBalancerOfListener(listenerArn string) (string, error) {
	a, err := Listener(listenerArn)
	if err != nil {
		return "", err
	}
	m := listenerRe.FindStringSubmatch(a.Resource)
	a.Resource = "loadbalancer/app/" + m[1] + "/" + m[2]
	return a.String(), nil
}

// LoadBalancerFullName returns the CloudWatch LoadBalancer dimension of an
// Application Load Balancer's ARN: app/NAME/LBID.
func LoadBalancerFullName(loadBalancerArn string) (string, error) {
	a, err := Parse(loadBalancerArn)
	if err != nil {
		return "", err
	}
	if !loadBalancer.MatchString(a.Resource) {
		return "", fmt.Errorf("resource %q is not an Application Load Balancer (loadbalancer/app/<name>/<16 hex digits>)", a.Resource)
	}
	return strings.TrimPrefix(a.Resource, "loadbalancer/"), nil
}

// TargetGroup checks that s is a target group's ARN and returns it split.
func TargetGroup(s string) (ARN, error) {
	a, err := Parse(s)
	if err != nil {
		return a, err
	}
	if !targetGroupR.MatchString(a.Resource) {
		return a, fmt.Errorf("resource %q is not a target group; a target group's ARN ends in targetgroup/<name>/<16 hex digits>", a.Resource)
	}
	return a, nil
}

// TargetGroupFullName returns the CloudWatch TargetGroup dimension of a
// target group's ARN: targetgroup/NAME/ID.
func TargetGroupFullName(targetGroupArn string) (string, error) {
	a, err := TargetGroup(targetGroupArn)
	if err != nil {
		return "", err
	}
	return a.Resource, nil
}
