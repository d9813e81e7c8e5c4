package albauth

import (
	"fmt"

	elb "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awswafv2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// ManagedRuleGroups are the AWS managed rule groups the optional web ACL runs,
// in priority order.
var ManagedRuleGroups = []string{
	"AWSManagedRulesAmazonIpReputationList",
	"AWSManagedRulesCommonRuleSet",
	"AWSManagedRulesKnownBadInputsRuleSet",
}

// newWebACL attaches a regional AWS WAF web ACL that allows by default and
// blocks what the AWS managed rule groups match. AWS WAF has no L2 construct.
func newWebACL(scope constructs.Construct, lb elb.ApplicationLoadBalancer) awswafv2.CfnWebACL {
	rules := make([]any, 0, len(ManagedRuleGroups))
	for i, name := range ManagedRuleGroups {
		rules = append(rules, &awswafv2.CfnWebACL_RuleProperty{
			Name:           jsii.String(name),
			Priority:       jsii.Number(float64(i)),
			OverrideAction: &awswafv2.CfnWebACL_OverrideActionProperty{None: map[string]any{}},
			Statement: &awswafv2.CfnWebACL_StatementProperty{
				ManagedRuleGroupStatement: &awswafv2.CfnWebACL_ManagedRuleGroupStatementProperty{
					VendorName: jsii.String("AWS"),
					Name:       jsii.String(name),
				},
			},
			VisibilityConfig: visibility(name),
		})
	}
	acl := awswafv2.NewCfnWebACL(scope, jsii.String("WebACL"), &awswafv2.CfnWebACLProps{
		Scope:            jsii.String("REGIONAL"),
		DefaultAction:    &awswafv2.CfnWebACL_DefaultActionProperty{Allow: map[string]any{}},
		VisibilityConfig: visibility("web-acl"),
		Rules:            rules,
	})
	awswafv2.NewCfnWebACLAssociation(scope, jsii.String("WebACLAssociation"), &awswafv2.CfnWebACLAssociationProps{
		ResourceArn: lb.LoadBalancerArn(),
		WebAclArn:   acl.AttrArn(),
	})
	return acl
}

func visibility(metric string) *awswafv2.CfnWebACL_VisibilityConfigProperty {
	return &awswafv2.CfnWebACL_VisibilityConfigProperty{
		CloudWatchMetricsEnabled: jsii.Bool(true),
		SampledRequestsEnabled:   jsii.Bool(true),
		MetricName:               jsii.String(fmt.Sprintf("albauth-%s", metric)),
	}
}
