package test

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

// dualStackSite is the flat example with ipAddressType dualstack.
var dualStackSite = shared("dual stack", func() (*synthesized, error) {
	return synth(exampleContext(map[string]any{"ipAddressType": "dualstack"}))
})

// TestDualStack: the load balancer is dualstack; the created VPC gets an
// Amazon-provided IPv6 block, an IPv6 block per public subnet and a ::/0 route
// to the internet gateway; the security group admits ::/0 where it admits
// 0.0.0.0/0 (and still sends only HTTPS, over IPv4, to Cognito); the zone gets
// an AAAA alias next to the A alias.
func TestDualStack(t *testing.T) {
	s := dualStackSite(t)
	_, lb := s.only(t, "AWS::ElasticLoadBalancingV2::LoadBalancer")
	if got := props(lb)["IpAddressType"]; got != "dualstack" {
		t.Errorf("load balancer IpAddressType %v, want dualstack", got)
	}
	guard(t, func() {
		s.template.HasResourceProperties(jsii.String("AWS::EC2::VPCCidrBlock"), map[string]any{"AmazonProvidedIpv6CidrBlock": true})
		s.template.ResourcePropertiesCountIs(jsii.String("AWS::EC2::Subnet"), map[string]any{
			"Ipv6CidrBlock":               assertions.Match_AnyValue(),
			"AssignIpv6AddressOnCreation": true,
		}, jsii.Number(2))
		s.template.ResourcePropertiesCountIs(jsii.String("AWS::EC2::Route"), map[string]any{
			"DestinationIpv6CidrBlock": "::/0",
			"GatewayId":                map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^VpcIGW"))},
		}, jsii.Number(2))
	})
	_, sg := s.only(t, "AWS::EC2::SecurityGroup")
	var v4, v6 []float64
	for _, r := range props(sg)["SecurityGroupIngress"].([]any) {
		rule := r.(map[string]any)
		switch {
		case rule["CidrIp"] == "0.0.0.0/0":
			v4 = append(v4, rule["FromPort"].(float64))
		case rule["CidrIpv6"] == "::/0":
			v6 = append(v6, rule["FromPort"].(float64))
		default:
			t.Errorf("unexpected ingress rule %s", js(rule))
		}
	}
	if js(v4) != "[443,80]" || js(v6) != "[443,80]" {
		t.Errorf("ingress ports: IPv4 %v, IPv6 %v; want 443 and 80 on both", v4, v6)
	}
	if egress := js(props(sg)["SecurityGroupEgress"]); egress != `[{"CidrIp":"0.0.0.0/0","Description":"Allow to IdP endpoint","FromPort":443,"IpProtocol":"tcp","ToPort":443}]` {
		t.Errorf("egress %s, want HTTPS to 0.0.0.0/0 only", egress)
	}
	records := map[string]bool{}
	for _, r := range s.resources("AWS::Route53::RecordSet") {
		p := props(r)
		if p["Name"] != "app.example.com." || p["AliasTarget"] == nil {
			t.Errorf("record %s", js(p))
		}
		records[p["Type"].(string)] = true
	}
	if !records["A"] || !records["AAAA"] || len(records) != 2 {
		t.Errorf("alias record types %v, want A and AAAA", records)
	}
	if f := append(nagFindings(t, s, "error"), nagFindings(t, s, "warning")...); len(f) > 0 {
		t.Errorf("cdk-nag findings: %q", f)
	}
}

// TestIPv4ByDefault: the example's load balancer and VPC have no IPv6 at all.
func TestIPv4ByDefault(t *testing.T) {
	s := exampleSite(t)
	_, lb := s.only(t, "AWS::ElasticLoadBalancingV2::LoadBalancer")
	if got, ok := props(lb)["IpAddressType"]; ok && got != "ipv4" {
		t.Errorf("IpAddressType %v", got)
	}
	if n := len(s.resources("AWS::EC2::VPCCidrBlock")); n != 0 {
		t.Errorf("%d IPv6 CIDR blocks", n)
	}
	for _, r := range s.resources("AWS::Route53::RecordSet") {
		if props(r)["Type"] != "A" {
			t.Errorf("record %s", js(props(r)))
		}
	}
}
