package elbarn

import (
	"strings"
	"testing"
)

const (
	listener = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shared-alb/50dc6c495c0c9188/f2f7dc8efc522ab2"
	lb       = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/shared-alb/50dc6c495c0c9188"
	tg       = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/my-service/73e2d6bc24d8a067"
)

func TestLoadBalancerOfListener(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want, err string }{
		{in: listener, want: lb},
		{in: strings.Replace(listener, ":aws:", ":aws-cn:", 1), want: strings.Replace(lb, ":aws:", ":aws-cn:", 1)},
		{in: "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/a/0123456789abcdef/fedcba9876543210",
			want: "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/a/0123456789abcdef"},
		{in: lb, err: "load balancer's ARN"},
		{in: strings.Replace(listener, "listener/app/", "listener/net/", 1), err: "Network Load Balancer"},
		{in: strings.Replace(listener, "listener/app/", "listener/gwy/", 1), err: "Gateway Load Balancer"},
		{in: strings.Replace(listener, "listener/", "listener-rule/", 1) + "/0123456789abcdef", err: "listener rule"},
		{in: listener + "/extra", err: "is not an Application Load Balancer listener"},
		{in: strings.Replace(listener, "50dc6c495c0c9188", "50DC6C495C0C9188", 1), err: "is not an Application Load Balancer listener"},
		{in: strings.Replace(listener, "shared-alb", "-bad", 1), err: "is not an Application Load Balancer listener"},
		{in: strings.Replace(listener, "elasticloadbalancing", "ec2", 1), err: "service ec2"},
		{in: "listener/app/shared-alb/50dc6c495c0c9188/f2f7dc8efc522ab2", err: "is not an ARN"},
		{in: "", err: "is not an ARN"},
	} {
		got, err := LoadBalancerOfListener(tc.in)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("LoadBalancerOfListener(%q) = %q, %v; want an error containing %q", tc.in, got, err, tc.err)
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("LoadBalancerOfListener(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestFullNames(t *testing.T) {
	t.Parallel()
	if got, err := LoadBalancerFullName(lb); err != nil || got != "app/shared-alb/50dc6c495c0c9188" {
		t.Errorf("LoadBalancerFullName = %q, %v", got, err)
	}
	if _, err := LoadBalancerFullName(listener); err == nil {
		t.Error("LoadBalancerFullName accepted a listener ARN")
	}
	if _, err := LoadBalancerFullName(strings.Replace(lb, "/app/", "/net/", 1)); err == nil {
		t.Error("LoadBalancerFullName accepted a Network Load Balancer")
	}
	if got, err := TargetGroupFullName(tg); err != nil || got != "targetgroup/my-service/73e2d6bc24d8a067" {
		t.Errorf("TargetGroupFullName = %q, %v", got, err)
	}
	for _, bad := range []string{lb, tg + "/x", strings.Replace(tg, "targetgroup/", "targetgroups/", 1), "targetgroup/my-service/73e2d6bc24d8a067"} {
		if _, err := TargetGroupFullName(bad); err == nil {
			t.Errorf("TargetGroupFullName accepted %q", bad)
		}
	}
}

// The derivations agree with each other: the load balancer of a listener
// has the full name the listener's resource names.
func TestListenerAndFullNameAgree(t *testing.T) {
	t.Parallel()
	arn, err := LoadBalancerOfListener(listener)
	if err != nil {
		t.Fatal(err)
	}
	name, err := LoadBalancerFullName(arn)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(strings.TrimPrefix(strings.SplitN(listener, ":", 6)[5], "listener/"), name+"/") {
		t.Errorf("full name %s is not the listener's load balancer", name)
	}
}
