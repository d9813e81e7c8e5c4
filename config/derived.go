package config

import (
	"regexp"
	"strings"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/cognitoissuer"
)

// Region returns the region to deploy to: the region key if set, else the
// certificate's region (or the user pool's if the certificate ARN is unusable).
func (c Config) Region() string {
	if c.RegionCode != "" {
		return c.RegionCode
	}
	if a, ok := parseARN(c.CertificateArn); ok {
		return a.Region
	}
	if a, ok := parseARN(c.UserPoolArn); ok {
		return a.Region
	}
	return ""
}

// Account returns the account to deploy to: the account key if set, else the
// certificate's account.
func (c Config) Account() string {
	if c.AccountID != "" {
		return c.AccountID
	}
	if a, ok := parseARN(c.CertificateArn); ok {
		return a.Account
	}
	return ""
}

// Partition returns the AWS partition of the configured resources: "aws",
// "aws-cn" or "aws-us-gov".
func (c Config) Partition() string {
	if a, ok := parseARN(c.CertificateArn); ok {
		return a.Partition
	}
	if a, ok := parseARN(c.UserPoolArn); ok {
		return a.Partition
	}
	return ""
}

// UserPoolID returns the user pool's ID from its ARN, e.g. eu-west-1_Example1.
func (c Config) UserPoolID() string {
	if a, ok := parseARN(c.UserPoolArn); ok {
		if id, ok := strings.CutPrefix(a.Resource, "userpool/"); ok {
			return id
		}
	}
	return ""
}

// Issuer returns the issuer of the user pool's tokens in the form
// UserPoolIssuer names (cognitoissuer.URL):
// https://cognito-idp.<region>.<dns suffix>/<pool id> (original) or
// https://issuer-cognito-idp.<region>.<dns suffix>/<pool id> (updated), where
// the DNS suffix is amazonaws.com, or amazonaws.com.cn in aws-cn.
func (c Config) Issuer() string {
	a, ok := parseARN(c.UserPoolArn)
	id := c.UserPoolID()
	if !ok || id == "" {
		return ""
	}
	return cognitoissuer.URL(c.IssuerForm(), a.Region, dnsSuffix(a.Partition), id)
}

// IssuerForm is UserPoolIssuer as a cognitoissuer.Form, for the stack.
func (c Config) IssuerForm() cognitoissuer.Form { return cognitoissuer.Form(c.UserPoolIssuer) }

// UserPoolDomainHost returns the host name of the user pool's domain, where its
// sign-in pages are. For a custom domain that is the domain itself. For a
// Cognito prefix it is <prefix>.auth.<region>.amazoncognito.com; in AWS
// GovCloud (US), which serves only FIPS endpoints,
// <prefix>.auth-fips.<region>.amazoncognito.com; in aws-cn
// <prefix>.auth.<region>.amazoncognito.com.cn (not verified against a China
// account: prefer a custom domain there).
func (c Config) UserPoolDomainHost() string {
	d := c.UserPoolDomain
	if d == "" || strings.Contains(d, ".") {
		return d
	}
	a, ok := parseARN(c.UserPoolArn)
	if !ok {
		return ""
	}
	auth := "auth"
	if a.Partition == "aws-us-gov" {
		auth = "auth-fips"
	}
	return d + "." + auth + "." + a.Region + "." + cognitoDomainSuffix(a.Partition)
}

// IsCustomUserPoolDomain reports whether UserPoolDomain is a custom domain
// name rather than a Cognito prefix.
func (c Config) IsCustomUserPoolDomain() bool {
	_, _, _, cognito := splitCognitoHost(c.UserPoolDomain)
	return strings.Contains(c.UserPoolDomain, ".") && !cognito
}

// SiteURL returns the site's address, https://<recordName>.
func (c Config) SiteURL() string {
	return "https://" + c.RecordName
}

// CallbackURL returns the OAuth callback URL the load balancer uses,
// https://<recordName>/oauth2/idpresponse; the user pool client must allow it.
func (c Config) CallbackURL() string {
	return c.SiteURL() + "/oauth2/idpresponse"
}

// TLSPolicies returns the accepted values of tlsPolicy: the names of the CDK
// SslPolicy constants whose policies negotiate TLS 1.3 and allow nothing older
// than TLS 1.2. The first is the default.
func TLSPolicies() []string {
	return append([]string(nil), tlsPolicies...)
}

var tlsPolicies = []string{
	"TLS13_13_PQ", "TLS13_12_RES_PQ", "TLS13_12_PQ", "TLS13_12_EXT1_PQ", "TLS13_12_EXT2_PQ",
	"TLS13_13", "TLS13_RES", "TLS13_EXT1", "TLS13_EXT2", "RECOMMENDED_TLS",
	"FIPS_TLS13_13_PQ", "FIPS_TLS13_12_RES_PQ", "FIPS_TLS13_13", "FIPS_TLS13_12_RES",
}

// arn is an ARN split into its fields.
type arn struct {
	Partition, Service, Region, Account, Resource string
}

func parseARN(s string) (arn, bool) {
	f := strings.SplitN(s, ":", 6)
	if len(f) != 6 || f[0] != "arn" {
		return arn{}, false
	}
	return arn{Partition: f[1], Service: f[2], Region: f[3], Account: f[4], Resource: f[5]}, true
}

var (
	regionRe  = regexp.MustCompile(`^[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-[0-9]$`)
	accountRe = regexp.MustCompile(`^[0-9]{12}$`)
	// cognitoHostRe matches a Cognito prefix domain's full host name.
	cognitoHostRe = regexp.MustCompile(`^([a-z0-9-]+)\.(?:auth|auth-fips)\.([a-z0-9-]+)\.(amazoncognito\.com(?:\.cn)?)$`)
)

// splitCognitoHost splits <prefix>.auth.<region>.amazoncognito.com.
func splitCognitoHost(host string) (prefix, region, suffix string, ok bool) {
	m := cognitoHostRe.FindStringSubmatch(host)
	if m == nil {
		return "", "", "", false
	}
	return m[1], m[2], m[3], true
}

// partitions are the partitions this app supports.
var partitions = []string{"aws", "aws-cn", "aws-us-gov"}

// regionPartition returns the partition a region belongs to, "" for the
// isolated partitions, which this app does not support.
func regionPartition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.Contains(region, "-iso"):
		return ""
	}
	return "aws"
}

func dnsSuffix(partition string) string {
	if partition == "aws-cn" {
		return "amazonaws.com.cn"
	}
	return "amazonaws.com"
}

func cognitoDomainSuffix(partition string) string {
	if partition == "aws-cn" {
		return "amazoncognito.com.cn"
	}
	return "amazoncognito.com"
}
