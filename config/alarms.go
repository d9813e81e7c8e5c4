package config

import (
	"regexp"
	"strings"
)

// snsTopicNameRe is SNS's rule for topic names: 1 to 256 letters, digits,
// hyphens and underscores, and a FIFO topic's ".fifo" suffix.
var snsTopicNameRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}(\.fifo)?$`)

// alarmTopicArn checks alarmTopicArn: an SNS topic's ARN in the stack's
// partition and region, since an alarm notifies a topic of its own region.
func (v *validator) alarmTopicArn(c Config) {
	const key = "alarmTopicArn"
	s := c.AlarmTopicArn
	if s == "" || !v.text(key, s) {
		return
	}
	sp, _ := lookup(key)
	ex := sp.cliExample()
	if region := c.Region(); regionRe.MatchString(region) {
		ex = "arn:" + regionPartition(region) + ":sns:" + region + ":" + exampleAccount(c) + ":site-alarms"
	}
	a, ok := parseARN(s)
	if !ok {
		v.add(key, "%q is not an ARN; set it to %s, e.g. %s", s, sp.what, ex)
		return
	}
	if !v.arnCommon(key, a, "sns", "an SNS topic", ex) {
		return
	}
	if !snsTopicNameRe.MatchString(a.Resource) {
		why := "a topic name is 1 to 256 letters, digits, hyphens and underscores"
		if strings.Contains(a.Resource, ":") {
			why = "that is a subscription's ARN, not the topic's: drop the part after the topic name"
		}
		v.add(key, "%q does not end in an SNS topic name: %s; e.g. %s", s, why, ex)
		return
	}
	region := c.Region()
	if !regionRe.MatchString(region) {
		return // the region's own problem is reported
	}
	if p := regionPartition(region); a.Partition != p {
		v.add(key, "is in partition %s, but the stack deploys to %s (partition %s); an alarm can only notify a topic of its own partition and region: "+
			"use a topic in %s", a.Partition, region, p, region)
		return
	}
	if a.Region != region {
		v.add(key, "is in region %s, but the stack deploys to %s; an alarm can only notify a topic in its own region: create or use a topic in %s, e.g. %s",
			a.Region, region, region, ex)
	}
}

// exampleAccount is the stack's account for examples in messages.
func exampleAccount(c Config) string {
	if a := c.Account(); accountRe.MatchString(a) {
		return a
	}
	return ExampleAccount
}
