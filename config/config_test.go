package config

import (
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// absent, as an override value, removes the key from the context.
var absent = &struct{}{}

// exampleWith returns the example context with keys overridden.
func exampleWith(overrides map[string]any) map[string]any {
	ctx := Example()
	for k, v := range overrides {
		if v == absent {
			delete(ctx, k)
		} else {
			ctx[k] = v
		}
	}
	return ctx
}

func mustDecode(t *testing.T, ctx map[string]any) Config {
	t.Helper()
	c, err := FromContext(ctx)
	if err != nil {
		t.Fatalf("FromContext: unexpected error:\n%v", err)
	}
	return c
}

func TestExampleDecodesWithDefaults(t *testing.T) {
	t.Parallel()
	c := mustDecode(t, Example())
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate of a decoded config: %v", err)
	}
	want := Config{
		UserPoolArn:              "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Example1",
		UserPoolDomain:           "example-app",
		HostedZoneID:             "Z0123456789EXAMPLE0AB",
		HostedZoneName:           "example.com",
		RecordName:               "app.example.com",
		CertificateArn:           "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555",
		AvailabilityZones:        []string{"eu-west-1a", "eu-west-1b"},
		IPAddressType:            "ipv4",
		OAuthScopes:              []string{"openid"},
		IdentityProviders:        []string{"COGNITO"},
		SessionCookieName:        "AWSELBAuthSessionCookie",
		LoginPages:               "managed",
		SessionTimeout:           8 * time.Hour,
		IDTokenValidity:          time.Hour,
		AccessTokenValidity:      time.Hour,
		RefreshTokenValidity:     9 * time.Hour,
		OnUnauthenticatedRequest: "authenticate",
		TLSPolicy:                "TLS13_13_PQ",
		DeletionProtection:       true,
		AccessLogsExpirationDays: 90,
		LogRetentionDays:         30,
		FunctionPackage:          "lambda/whoami",
		FunctionMemoryMiB:        256,
		FunctionTimeoutSeconds:   10,
		ReservedConcurrency:      0,
		MachineTokenValidity:     15 * time.Minute,
		StackName:                "AlbCognitoSite",
		UserPoolIssuer:           "original",
		GroupClaims:              []string{"cognito:groups"},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("FromContext(Example()):\n got %+v\nwant %+v", c, want)
	}

	derived := []struct{ name, got, want string }{
		{"Region", c.Region(), "eu-west-1"},
		{"Account", c.Account(), "123456789012"},
		{"Partition", c.Partition(), "aws"},
		{"UserPoolID", c.UserPoolID(), "eu-west-1_Example1"},
		{"Issuer", c.Issuer(), "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example1"},
		{"UserPoolDomainHost", c.UserPoolDomainHost(), "example-app.auth.eu-west-1.amazoncognito.com"},
		{"SiteURL", c.SiteURL(), "https://app.example.com"},
		{"CallbackURL", c.CallbackURL(), "https://app.example.com/oauth2/idpresponse"},
		{"TokenEndpoint", c.TokenEndpoint(), "https://example-app.auth.eu-west-1.amazoncognito.com/oauth2/token"},
		{"JWKSURL", c.JWKSURL(), "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example1/.well-known/jwks.json"},
	}
	for _, d := range derived {
		if d.got != d.want {
			t.Errorf("%s() = %q, want %q", d.name, d.got, d.want)
		}
	}
	if !c.IsExample() {
		t.Error("IsExample() = false for the example configuration")
	}
	if c.IsCustomUserPoolDomain() {
		t.Error("IsCustomUserPoolDomain() = true for a Cognito prefix")
	}
}

func TestExampleIsAFreshCopy(t *testing.T) {
	t.Parallel()
	a := Example()
	a["recordName"] = "changed.example.com"
	a["oauthScopes"].([]any)[0] = "changed"
	b := Example()
	if b["recordName"] != "app.example.com" || b["oauthScopes"].([]any)[0] != "openid" {
		t.Errorf("Example() returned a shared map: %v", b)
	}
}

func TestValidConfigurations(t *testing.T) {
	t.Parallel()
	govPool := "arn:aws-us-gov:cognito-idp:us-gov-west-1:123456789012:userpool/us-gov-west-1_Gov1"
	govCert := "arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
	cnPool := "arn:aws-cn:cognito-idp:cn-north-1:123456789012:userpool/cn-north-1_Cn1"
	cnCert := "arn:aws-cn:acm:cn-north-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
	tests := []struct {
		name  string
		set   map[string]any
		check func(t *testing.T, c Config)
	}{
		{"no reserved concurrency, explicitly", map[string]any{"reservedConcurrency": 0.0}, func(t *testing.T, c Config) {
			if c.ReservedConcurrency != 0 {
				t.Errorf("ReservedConcurrency = %d", c.ReservedConcurrency)
			}
		}},
		{"reserved concurrency", map[string]any{"reservedConcurrency": "25"}, func(t *testing.T, c Config) {
			if c.ReservedConcurrency != 25 {
				t.Errorf("ReservedConcurrency = %d", c.ReservedConcurrency)
			}
		}},
		{"updated issuer", map[string]any{"userPoolIssuer": "updated"}, func(t *testing.T, c Config) {
			if got := c.Issuer(); got != "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example1" {
				t.Errorf("Issuer() = %q", got)
			}
			if got := c.JWKSURL(); got != "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example1/.well-known/jwks.json" {
				t.Errorf("JWKSURL() = %q", got)
			}
		}},
		{"original issuer, explicitly", map[string]any{"userPoolIssuer": "original"}, func(t *testing.T, c Config) {
			if got := c.Issuer(); got != "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example1" {
				t.Errorf("Issuer() = %q", got)
			}
		}},
		{"updated issuer in China", map[string]any{"userPoolIssuer": "updated", "userPoolArn": cnPool, "certificateArn": cnCert, "userPoolDomain": "auth.example.com"}, func(t *testing.T, c Config) {
			if got := c.Issuer(); got != "https://issuer-cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_Cn1" {
				t.Errorf("Issuer() = %q", got)
			}
		}},
		{"custom user pool domain", map[string]any{"userPoolDomain": "auth.example.com"}, func(t *testing.T, c Config) {
			if got := c.UserPoolDomainHost(); got != "auth.example.com" {
				t.Errorf("UserPoolDomainHost() = %q", got)
			}
			if !c.IsCustomUserPoolDomain() {
				t.Error("IsCustomUserPoolDomain() = false")
			}
		}},
		{"full Cognito host is reduced to the prefix", map[string]any{"userPoolDomain": "example-app.auth.eu-west-1.amazoncognito.com"}, func(t *testing.T, c Config) {
			if c.UserPoolDomain != "example-app" || c.UserPoolDomainHost() != "example-app.auth.eu-west-1.amazoncognito.com" || c.IsCustomUserPoolDomain() {
				t.Errorf("UserPoolDomain = %q, host %q", c.UserPoolDomain, c.UserPoolDomainHost())
			}
		}},
		{"GovCloud", map[string]any{"userPoolArn": govPool, "certificateArn": govCert}, func(t *testing.T, c Config) {
			if c.Partition() != "aws-us-gov" || c.Region() != "us-gov-west-1" {
				t.Errorf("Partition() = %q, Region() = %q", c.Partition(), c.Region())
			}
			if got := c.Issuer(); got != "https://cognito-idp.us-gov-west-1.amazonaws.com/us-gov-west-1_Gov1" {
				t.Errorf("Issuer() = %q", got)
			}
			if got := c.UserPoolDomainHost(); got != "example-app.auth-fips.us-gov-west-1.amazoncognito.com" {
				t.Errorf("UserPoolDomainHost() = %q", got)
			}
		}},
		{"China", map[string]any{"userPoolArn": cnPool, "certificateArn": cnCert}, func(t *testing.T, c Config) {
			if got := c.Issuer(); got != "https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_Cn1" {
				t.Errorf("Issuer() = %q", got)
			}
			if got := c.UserPoolDomainHost(); got != "example-app.auth.cn-north-1.amazoncognito.com.cn" {
				t.Errorf("UserPoolDomainHost() = %q", got)
			}
			if !slices.Equal(c.AvailabilityZones, []string{"cn-north-1a", "cn-north-1b"}) {
				t.Errorf("AvailabilityZones = %v", c.AvailabilityZones)
			}
		}},
		{"explicit account and region", map[string]any{"account": "123456789012", "region": "eu-west-1"}, func(t *testing.T, c Config) {
			if c.Account() != "123456789012" || c.Region() != "eu-west-1" {
				t.Errorf("Account() = %q, Region() = %q", c.Account(), c.Region())
			}
		}},
		{"record at the zone apex", map[string]any{"recordName": "example.com"}, func(t *testing.T, c Config) {
			if c.SiteURL() != "https://example.com" {
				t.Errorf("SiteURL() = %q", c.SiteURL())
			}
		}},
		{"scopes get openid first and lose duplicates", map[string]any{"oauthScopes": []any{"email", "openid", "email", "https://api.example.com/read"}}, func(t *testing.T, c Config) {
			if want := []string{"openid", "email", "https://api.example.com/read"}; !slices.Equal(c.OAuthScopes, want) {
				t.Errorf("OAuthScopes = %q, want %q", c.OAuthScopes, want)
			}
		}},
		{"openid is added", map[string]any{"oauthScopes": "email,profile"}, func(t *testing.T, c Config) {
			if want := []string{"openid", "email", "profile"}; !slices.Equal(c.OAuthScopes, want) {
				t.Errorf("OAuthScopes = %q, want %q", c.OAuthScopes, want)
			}
		}},
		{"existing VPC", map[string]any{"vpcId": "vpc-0123456789abcdef0", "availabilityZones": "eu-west-1a,eu-west-1c",
			"publicSubnetIds": []any{"subnet-0123456789abcdef0", "subnet-0fedcba9876543210"}}, func(t *testing.T, c Config) {
			if c.VpcID != "vpc-0123456789abcdef0" || len(c.PublicSubnetIDs) != 2 || c.AvailabilityZones[1] != "eu-west-1c" {
				t.Errorf("VpcID = %q, PublicSubnetIDs = %q, AvailabilityZones = %q", c.VpcID, c.PublicSubnetIDs, c.AvailabilityZones)
			}
		}},
		{"existing access logs bucket has no expiration", map[string]any{"accessLogsBucket": "my-alb-access-logs"}, func(t *testing.T, c Config) {
			if c.AccessLogsExpirationDays != 0 {
				t.Errorf("AccessLogsExpirationDays = %d, want 0", c.AccessLogsExpirationDays)
			}
		}},
		{"null and empty -c values mean the default", map[string]any{"vpcId": "", "sessionTimeout": "", "deletionProtection": nil, "oauthScopes": ""}, func(t *testing.T, c Config) {
			if c.VpcID != "" || c.SessionTimeout != 8*time.Hour || !c.DeletionProtection || !slices.Equal(c.OAuthScopes, []string{"openid"}) {
				t.Errorf("got %+v", c)
			}
		}},
		{"dual stack", map[string]any{"ipAddressType": "dualstack"}, func(t *testing.T, c Config) {
			if c.IPAddressType != "dualstack" {
				t.Errorf("IPAddressType = %q", c.IPAddressType)
			}
		}},
		{"dual stack in an existing VPC", map[string]any{"ipAddressType": "dualstack", "vpcId": "vpc-0123456789abcdef0",
			"publicSubnetIds": "subnet-0123456789abcdef0,subnet-0fedcba9876543210"}, func(t *testing.T, c Config) {
			if c.IPAddressType != "dualstack" || c.VpcID == "" {
				t.Errorf("IPAddressType = %q, VpcID = %q", c.IPAddressType, c.VpcID)
			}
		}},
		{"classic hosted UI", map[string]any{"loginPages": "classic"}, func(t *testing.T, c Config) {
			if c.LoginPages != "classic" || c.ManagedLogin() {
				t.Errorf("LoginPages = %q, ManagedLogin() = %v", c.LoginPages, c.ManagedLogin())
			}
		}},
		{"managed login is the default", map[string]any{"loginPages": ""}, func(t *testing.T, c Config) {
			if !c.ManagedLogin() {
				t.Errorf("LoginPages = %q, ManagedLogin() = false", c.LoginPages)
			}
		}},
		{"token lifetimes at Cognito's lower limits", map[string]any{"sessionTimeout": "1s", "idTokenValidity": "5m", "accessTokenValidity": 300.0, "refreshTokenValidity": "60m"}, func(t *testing.T, c Config) {
			if c.IDTokenValidity != 5*time.Minute || c.AccessTokenValidity != 5*time.Minute || c.RefreshTokenValidity != time.Hour {
				t.Errorf("token validities %s, %s, %s", c.IDTokenValidity, c.AccessTokenValidity, c.RefreshTokenValidity)
			}
		}},
		{"token lifetimes at Cognito's upper limits", map[string]any{"sessionTimeout": "168h", "idTokenValidity": "24h", "accessTokenValidity": "1440m", "refreshTokenValidity": "87600h"}, func(t *testing.T, c Config) {
			if c.IDTokenValidity != 24*time.Hour || c.AccessTokenValidity != 24*time.Hour || c.RefreshTokenValidity != 3650*24*time.Hour {
				t.Errorf("token validities %s, %s, %s", c.IDTokenValidity, c.AccessTokenValidity, c.RefreshTokenValidity)
			}
		}},
		{"the default refresh token outlives a long session", map[string]any{"sessionTimeout": "168h"}, func(t *testing.T, c Config) {
			if c.RefreshTokenValidity != 169*time.Hour {
				t.Errorf("RefreshTokenValidity = %s, want 169h", c.RefreshTokenValidity)
			}
		}},
		{"the default refresh token is whole minutes", map[string]any{"sessionTimeout": "90m30s"}, func(t *testing.T, c Config) {
			if c.RefreshTokenValidity != 151*time.Minute {
				t.Errorf("RefreshTokenValidity = %s, want 2h31m", c.RefreshTokenValidity)
			}
		}},
		{"a refresh token one minute longer than the session", map[string]any{"sessionTimeout": "24h", "refreshTokenValidity": "1441m"}, func(t *testing.T, c Config) {
			if c.RefreshTokenValidity != 1441*time.Minute {
				t.Errorf("RefreshTokenValidity = %s", c.RefreshTokenValidity)
			}
		}},
		{"federated providers", map[string]any{"identityProviders": "COGNITO,Google,MyCorp-SAML"}, func(t *testing.T, c Config) {
			if want := []string{"COGNITO", "Google", "MyCorp-SAML"}; !slices.Equal(c.IdentityProviders, want) {
				t.Errorf("IdentityProviders = %q", c.IdentityProviders)
			}
		}},
		{"CDK's own keys are ignored", map[string]any{
			"@aws-cdk/core:enableStackNameDuplicates":                                  true,
			"@aws-cdk-containers/ecs-service-extensions:enableDefaultLogDriver":        true,
			"aws:cdk:enable-path-metadata":                                             true,
			"aws:cdk:enable-asset-metadata":                                            true,
			"aws:cdk:version-reporting":                                                true,
			"aws:cdk:bundling-stacks":                                                  []any{"**"},
			"@aws-cdk/core:failSynthOnValidationErrors":                                false,
			"aws-cdk:enableDiffNoFail":                                                 "true",
			"acknowledged-issue-numbers":                                               []any{32775.0},
			"availability-zones:account=123456789012:region=eu-west-1":                 []any{"eu-west-1a"},
			"hosted-zone:account=123456789012:domainName=example.com:region=eu-west-1": map[string]any{"Id": "/hostedzone/Z1"},
			"cdk-nag": "x", "cli-telemetry": false,
		}, func(t *testing.T, c Config) {}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := mustDecode(t, exampleWith(tc.set))
			tc.check(t, c)
		})
	}
}

func TestInvalidConfigurations(t *testing.T) {
	t.Parallel()
	const (
		certPrefix = "arn:aws:acm:eu-west-1:123456789012:certificate/"
		certID     = "11111111-2222-3333-4444-555555555555"
		poolPrefix = "arn:aws:cognito-idp:eu-west-1:123456789012:"
	)
	tests := []struct {
		name string
		set  map[string]any
		key  string // the key the problem must name
		hint string // part of the message that says how to fix it
	}{
		// ARNs.
		{"pool ARN of another service", map[string]any{"userPoolArn": "arn:aws:cognito-identity:eu-west-1:123456789012:identitypool/eu-west-1:1234"},
			"userPoolArn", `not of a Cognito user pool (service cognito-idp)`},
		{"pool ARN of another resource type", map[string]any{"userPoolArn": poolPrefix + "identitypool/eu-west-1_Example1"},
			"userPoolArn", "ends in userpool/<region>_<id>"},
		{"pool ARN in the wrong partition", map[string]any{"userPoolArn": "arn:aws-cn:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Example1"},
			"userPoolArn", "region eu-west-1 is in partition aws, not aws-cn; write arn:aws:cognito-idp:eu-west-1:..."},
		{"pool ARN in an unsupported partition", map[string]any{"userPoolArn": "arn:aws-iso:cognito-idp:us-iso-east-1:123456789012:userpool/us-iso-east-1_X"},
			"userPoolArn", "use aws, aws-cn or aws-us-gov"},
		{"pool ID of another region", map[string]any{"userPoolArn": poolPrefix + "userpool/us-east-1_Example1"},
			"userPoolArn", "copy the ARN again from the Cognito console"},
		{"pool ID instead of ARN", map[string]any{"userPoolArn": "eu-west-1_Example1"},
			"userPoolArn", "not its ARN; use arn:aws:cognito-idp:<region>:<account>:userpool/eu-west-1_Example1"},
		{"pool ARN with a short account", map[string]any{"userPoolArn": "arn:aws:cognito-idp:eu-west-1:12345:userpool/eu-west-1_Example1"},
			"userPoolArn", "12-digit"},
		{"not an ARN", map[string]any{"userPoolArn": "my-pool"}, "userPoolArn", "set it to your user pool's ARN"},
		// IP address type.
		{"dual stack without public IPv4", map[string]any{"ipAddressType": "dualstack-without-public-ipv4"},
			"ipAddressType", "Without a public IPv4 address the load balancer can't complete the authentication process, resulting in HTTP 500 errors"},
		{"dual stack in upper case", map[string]any{"ipAddressType": "DualStack"}, "ipAddressType", "must be lower case: use dualstack"},
		{"IPv6 only", map[string]any{"ipAddressType": "ipv6"}, "ipAddressType", "use ipv4 or dualstack"},
		{"IAM server certificate", map[string]any{"certificateArn": "arn:aws:iam::123456789012:server-certificate/site"},
			"certificateArn", "import the certificate into ACM"},
		{"certificate ARN of another service", map[string]any{"certificateArn": "arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/" + certID},
			"certificateArn", "not of an ACM certificate (service acm)"},
		{"certificate ARN of another resource type", map[string]any{"certificateArn": "arn:aws:acm:eu-west-1:123456789012:key/" + certID},
			"certificateArn", "ends in certificate/<uuid>"},
		{"certificate ID not a UUID", map[string]any{"certificateArn": certPrefix + "ABC"}, "certificateArn", "not a lower-case UUID"},
		{"certificate in another region", map[string]any{"certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/" + certID},
			"certificateArn", "region us-east-1 differs from userPoolArn's region eu-west-1; an ALB certificate must be in the ALB's region: import or request the certificate in eu-west-1"},
		{"pool in another account", map[string]any{"userPoolArn": "arn:aws:cognito-idp:eu-west-1:210987654321:userpool/eu-west-1_Example1"},
			"userPoolArn", "account 210987654321, but the stack deploys to account 123456789012"},
		{"pool in another account than account", map[string]any{"account": "210987654321", "certificateArn": "arn:aws:acm:eu-west-1:210987654321:certificate/" + certID},
			"userPoolArn", "account 123456789012, but the stack deploys to account 210987654321"},
		{"certificate in another partition", map[string]any{"certificateArn": "arn:aws-cn:acm:cn-north-1:123456789012:certificate/" + certID},
			"certificateArn", "all resources must be in one partition: use a certificate in aws"},
		{"pool in another region than region", map[string]any{"region": "eu-west-1", "userPoolArn": "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Example1"},
			"region", "the stack must be deployed in the user pool's region: set region to us-east-1"},
		{"region differs from pool and certificate", map[string]any{"region": "eu-central-1"},
			"region", "differs from userPoolArn's and certificateArn's region eu-west-1"},
		{"region syntax", map[string]any{"region": "Europe"}, "region", "use one like eu-west-1"},
		{"account differs from certificate's", map[string]any{"account": "111111111111"},
			"account", "can only use an ACM certificate of its own account: set account to 123456789012"},
		{"account not 12 digits", map[string]any{"account": "12345"}, "account", "is not a 12-digit account ID"},

		// Issuer.
		{"issuer form upper case", map[string]any{"userPoolIssuer": "UPDATED"}, "userPoolIssuer", `"UPDATED" must be lower case: use updated`},
		{"issuer URL instead of its form", map[string]any{"userPoolIssuer": "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example1"},
			"userPoolIssuer", "is an issuer URL; give its form: updated"},
		{"issuer form unknown", map[string]any{"userPoolIssuer": "new"}, "userPoolIssuer", "use original (issuer https://cognito-idp.<region>.amazonaws.com/<pool id>) or updated"},

		// Domains.
		{"pool domain as a URL", map[string]any{"userPoolDomain": "https://example-app.auth.eu-west-1.amazoncognito.com/"},
			"userPoolDomain", "give the domain name, not a URL: e.g. myapp or auth.example.com"},
		{"upper-case pool domain", map[string]any{"userPoolDomain": "Example-App"}, "userPoolDomain", "must be lower case: use example-app"},
		{"reserved word in prefix", map[string]any{"userPoolDomain": "my-cognito-app"}, "userPoolDomain", "Cognito reserves"},
		{"prefix with underscore", map[string]any{"userPoolDomain": "my_app"}, "userPoolDomain", "not a valid Cognito domain prefix"},
		{"Cognito host of another region", map[string]any{"userPoolDomain": "example-app.auth.us-east-1.amazoncognito.com"},
			"userPoolDomain", "the user pool is in eu-west-1; use the pool's own domain"},
		{"pool domain same as the site", map[string]any{"userPoolDomain": "app.example.com"}, "userPoolDomain", "e.g. auth.example.com"},
		{"custom pool domain in GovCloud", map[string]any{
			"userPoolArn":    "arn:aws-us-gov:cognito-idp:us-gov-west-1:123456789012:userpool/us-gov-west-1_Gov1",
			"certificateArn": "arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/" + certID,
			"userPoolDomain": "auth.example.com",
		}, "userPoolDomain", "use the pool's Cognito domain prefix"},
		{"upper-case record", map[string]any{"recordName": "App.Example.com"}, "recordName", "must be lower case: use app.example.com"},
		{"trailing-dot zone", map[string]any{"hostedZoneName": "example.com."}, "hostedZoneName", "remove the trailing dot: use example.com"},
		{"record with a scheme", map[string]any{"recordName": "https://app.example.com"}, "recordName", "give the domain name, not a URL: e.g. app.example.com"},
		{"record not fully qualified", map[string]any{"recordName": "app"}, "recordName", "give the whole name, e.g. app.example.com"},
		{"record label starting with a hyphen", map[string]any{"recordName": "-app.example.com"}, "recordName", "not starting or ending with a hyphen"},
		{"record outside the zone", map[string]any{"recordName": "app.example.org"},
			"recordName", "outside hostedZoneName example.com; use a name in that zone"},
		{"record in a look-alike zone", map[string]any{"recordName": "app.notexample.com"}, "recordName", "outside hostedZoneName"},
		{"zone ID with prefix", map[string]any{"hostedZoneId": "/hostedzone/Z0123456789EXAMPLE0AB"}, "hostedZoneId", "give just the ID: Z0123456789EXAMPLE0AB"},
		{"lower-case zone ID", map[string]any{"hostedZoneId": "z0123abc"}, "hostedZoneId", "must be upper case: use Z0123ABC"},
		{"bad zone ID", map[string]any{"hostedZoneId": "ABC-123"}, "hostedZoneId", "zone IDs are Z followed by upper-case letters and digits"},

		// Empty and whitespace values.
		{"empty value", map[string]any{"userPoolArn": ""}, "userPoolArn", "is empty; set it to your user pool's ARN"},
		{"whitespace-only value", map[string]any{"hostedZoneId": "   "}, "hostedZoneId", "is blank (only whitespace); set it to your Route 53 hosted zone's ID"},
		{"surrounding whitespace", map[string]any{"recordName": " app.example.com "}, "recordName", `remove it: "app.example.com"`},
		{"missing required key", map[string]any{"certificateArn": absent}, "certificateArn", "is not set; set it to the ARN of an ACM certificate"},

		// Session.
		{"session timeout 0", map[string]any{"sessionTimeout": 0.0}, "sessionTimeout", "use 1s to 7 days"},
		{"session timeout over 7 days", map[string]any{"sessionTimeout": "169h"}, "sessionTimeout", "use 1s to 7 days"},
		{"session timeout one second over", map[string]any{"sessionTimeout": 604801.0}, "sessionTimeout", "use 1s to 7 days"},
		{"session timeout abc", map[string]any{"sessionTimeout": "abc"}, "sessionTimeout", `e.g. "sessionTimeout": "8h"`},
		{"session timeout fraction", map[string]any{"sessionTimeout": 1.5}, "sessionTimeout", "not a whole number of seconds; round it"},
		{"session timeout bool", map[string]any{"sessionTimeout": true}, "sessionTimeout", "expected a duration"},
		{"cookie name with a space", map[string]any{"sessionCookieName": "my cookie"}, "sessionCookieName", "use 1 to 64 letters, digits, hyphens or underscores"},
		{"upper-case action", map[string]any{"onUnauthenticatedRequest": "DENY"}, "onUnauthenticatedRequest", "must be lower case: use deny"},

		// Sign-in pages.
		{"upper-case login pages", map[string]any{"loginPages": "Managed"}, "loginPages", "must be lower case: use managed"},
		{"login pages as a version", map[string]any{"loginPages": "2"}, "loginPages", "ManagedLoginVersion 2 is managed login; use managed"},
		{"login pages as a number", map[string]any{"loginPages": 1.0}, "loginPages", "write it in quotes"},
		{"login pages hosted UI", map[string]any{"loginPages": "hosted-ui"}, "loginPages", "use classic"},
		{"unknown login pages", map[string]any{"loginPages": "custom"}, "loginPages", "describe-user-pool-domain"},

		// Token lifetimes, alone and against the session.
		{"ID token under 5 minutes", map[string]any{"idTokenValidity": "4m"}, "idTokenValidity", "Cognito allows ID tokens of 5m to 24h"},
		{"ID token over a day", map[string]any{"idTokenValidity": "25h"}, "idTokenValidity", "Cognito allows ID tokens of 5m to 24h"},
		{"ID token in seconds", map[string]any{"idTokenValidity": "90m30s"}, "idTokenValidity", "not a whole number of minutes"},
		{"access token of 0", map[string]any{"accessTokenValidity": 0.0}, "accessTokenValidity", "Cognito allows access tokens of 5m to 24h"},
		{"access token over a day", map[string]any{"accessTokenValidity": "1441m"}, "accessTokenValidity", "5m to 24h"},
		{"access token in seconds", map[string]any{"accessTokenValidity": 301.0}, "accessTokenValidity", "round it, e.g. 5m"},
		{"refresh token under an hour", map[string]any{"sessionTimeout": "30m", "refreshTokenValidity": "59m"}, "refreshTokenValidity", "Cognito allows refresh tokens of 1h to 3650 days"},
		{"refresh token over 10 years", map[string]any{"refreshTokenValidity": "87601h"}, "refreshTokenValidity", "3650 days (87600h)"},
		{"refresh token in seconds", map[string]any{"refreshTokenValidity": "24h30s"}, "refreshTokenValidity", "not a whole number of minutes"},
		{"refresh token as long as the session", map[string]any{"refreshTokenValidity": "8h"}, "refreshTokenValidity", "does not outlive sessionTimeout 8h"},
		{"refresh token shorter than a long session", map[string]any{"sessionTimeout": "72h", "refreshTokenValidity": "24h"}, "refreshTokenValidity", "e.g. 73h (sessionTimeout + 1h"},
		{"refresh token shorter than a session in seconds", map[string]any{"sessionTimeout": 5400.0, "refreshTokenValidity": "1h"}, "refreshTokenValidity", "sessionTimeout 1h30m"},
		{"ID token outlives the refresh token", map[string]any{"sessionTimeout": "30m", "idTokenValidity": "2h", "refreshTokenValidity": "1h"}, "idTokenValidity", "set idTokenValidity to 1h or less"},
		{"access token outlives the refresh token", map[string]any{"sessionTimeout": "30m", "accessTokenValidity": "24h", "refreshTokenValidity": "2h"}, "accessTokenValidity", "access token may not last longer than its refresh token"},
		{"unknown action", map[string]any{"onUnauthenticatedRequest": "redirect"}, "onUnauthenticatedRequest", "use authenticate"},

		// Scopes and providers.
		{"unknown scope", map[string]any{"oauthScopes": "openid,address"}, "oauthScopes", "use openid, email, profile, phone or a custom scope"},
		{"scope with spaces", map[string]any{"oauthScopes": []any{"openid email"}}, "oauthScopes", "write each element without spaces"},
		{"space after comma", map[string]any{"oauthScopes": "openid, email"}, "oauthScopes", "write each element without spaces: openid,email"},
		{"admin scope", map[string]any{"oauthScopes": []any{"openid", "aws.cognito.signin.user.admin"}}, "oauthScopes", "remove it"},
		{"malformed custom scope", map[string]any{"oauthScopes": "openid,orders/"}, "oauthScopes", "write <resource-server-id>/<scope>"},
		{"upper-case scope", map[string]any{"oauthScopes": "openid,Email"}, "oauthScopes", "must be lower case: use email"},
		{"empty list element", map[string]any{"oauthScopes": "openid,,email"}, "oauthScopes", "an empty element"},
		{"invalid JSON array string", map[string]any{"oauthScopes": `["openid",`}, "oauthScopes", "not valid JSON"},
		{"lower-case COGNITO", map[string]any{"identityProviders": "cognito"}, "identityProviders", "must be written COGNITO"},
		{"no providers", map[string]any{"identityProviders": []any{}}, "identityProviders", "list at least one identity provider"},
		{"provider name too long", map[string]any{"identityProviders": strings.Repeat("x", 33)}, "identityProviders", "longer than 32 characters"},

		// Unknown keys.
		{"misspelt key", map[string]any{"recordname": "app.example.com"}, "recordname", "did you mean recordName?"},
		{"key with an ID typo", map[string]any{"hostedZoneID": "Z1"}, "hostedZoneID", "did you mean hostedZoneId?"},
		{"key with a transposition", map[string]any{"sesionTimeout": "1h"}, "sesionTimeout", "did you mean sessionTimeout?"},
		{"key part of a name", map[string]any{"certificate": "x"}, "certificate", "did you mean certificateArn?"},
		{"unrelated key", map[string]any{"colour": "blue"}, "colour", "remove it or correct its name"},

		// JSON types.
		{"bool for a string", map[string]any{"recordName": true}, "recordName", `expected a string, got boolean true; e.g. "recordName": "app.example.com"`},
		{"number for a string", map[string]any{"account": 123456789012.0}, "account", "write it in quotes"},
		{"maybe for a bool", map[string]any{"deletionProtection": "maybe"}, "deletionProtection", `expected true or false, got string "maybe"; e.g. "deletionProtection": true`},
		{"True for a bool", map[string]any{"wafEnabled": "True"}, "wafEnabled", "-c wafEnabled=false"},
		{"number for a list", map[string]any{"oauthScopes": 5.0}, "oauthScopes", "expected a list of strings"},
		{"object for a list", map[string]any{"identityProviders": map[string]any{"name": "COGNITO"}}, "identityProviders", "got an object"},
		{"object for a string", map[string]any{"userPoolDomain": map[string]any{}}, "userPoolDomain", `"userPoolDomain": "example-app"`},
		{"non-string list element", map[string]any{"availabilityZones": []any{"eu-west-1a", 5.0}}, "availabilityZones", "element 1 is number 5, not a string"},
		{"fraction for an integer", map[string]any{"functionMemoryMiB": 256.5}, "functionMemoryMiB", "expected a whole number"},
		{"padded integer string", map[string]any{"functionMemoryMiB": " 256"}, "functionMemoryMiB", "remove the surrounding whitespace"},

		// TLS.
		{"TLS 1.2 policy", map[string]any{"tlsPolicy": "TLS12"}, "tlsPolicy", "use one of TLS13_13_PQ, TLS13_12_RES_PQ"},
		{"TLS 1.0 policy", map[string]any{"tlsPolicy": "TLS13_10"}, "tlsPolicy", "nothing older than TLS 1.2"},
		{"ELB policy name", map[string]any{"tlsPolicy": "ELBSecurityPolicy-2016-08"}, "tlsPolicy", "give the CDK SslPolicy name"},

		// Network.
		{"vpcId without subnets", map[string]any{"vpcId": "vpc-0123456789abcdef0"}, "publicSubnetIds", "is required when vpcId is set"},
		{"subnets without vpcId", map[string]any{"publicSubnetIds": "subnet-0123456789abcdef0,subnet-0fedcba9876543210"},
			"publicSubnetIds", "set vpcId to the VPC these subnets are in"},
		{"subnet count differs from zones", map[string]any{"vpcId": "vpc-0123456789abcdef0",
			"publicSubnetIds": "subnet-0123456789abcdef0,subnet-0fedcba9876543210,subnet-0aaaaaaaaaaaaaaaa"},
			"publicSubnetIds", "lists 3 subnets for 2 availabilityZones"},
		{"bad subnet ID", map[string]any{"vpcId": "vpc-0123456789abcdef0", "publicSubnetIds": "subnet-1,subnet-0fedcba9876543210"},
			"publicSubnetIds", "subnet IDs look like subnet-0123456789abcdef0"},
		{"bad VPC ID", map[string]any{"vpcId": "vpc-xyz", "publicSubnetIds": "subnet-0123456789abcdef0,subnet-0fedcba9876543210"},
			"vpcId", "VPC IDs look like vpc-0123456789abcdef0"},
		{"zones of another region", map[string]any{"availabilityZones": "us-east-1a,us-east-1b"}, "availabilityZones", "use zones of eu-west-1"},
		{"one zone", map[string]any{"availabilityZones": "eu-west-1a"}, "availabilityZones", "needs at least two"},
		{"duplicate zone", map[string]any{"availabilityZones": "eu-west-1a,eu-west-1a"}, "availabilityZones", "remove the duplicate"},

		// Logs, function, stack.
		{"bad log retention", map[string]any{"logRetentionDays": 31.0}, "logRetentionDays", "(nearest: 30)"},
		{"expiration with an existing bucket", map[string]any{"accessLogsBucket": "my-alb-access-logs", "accessLogsExpirationDays": 30.0},
			"accessLogsExpirationDays", "remove accessLogsExpirationDays"},
		{"expiration out of range", map[string]any{"accessLogsExpirationDays": "0"}, "accessLogsExpirationDays", "use 1 to 3650"},
		{"bucket as a URL", map[string]any{"accessLogsBucket": "s3://my-logs"}, "accessLogsBucket", "give the bucket's name"},
		{"upper-case bucket", map[string]any{"accessLogsBucket": "My-Logs"}, "accessLogsBucket", "use my-logs"},
		{"function timeout too short", map[string]any{"functionTimeoutSeconds": 3.0}, "functionTimeoutSeconds", "3-second timeout"},
		{"function memory too small", map[string]any{"functionMemoryMiB": "64"}, "functionMemoryMiB", "use 128 to 10240"},
		{"negative concurrency", map[string]any{"reservedConcurrency": -1.0}, "reservedConcurrency", "use 1 to 1000, or 0 for no reservation"},
		{"too much concurrency", map[string]any{"reservedConcurrency": "1001"}, "reservedConcurrency", "use 1 to 1000, or 0 for no reservation"},
		{"bad stack name", map[string]any{"stackName": "1st_stack"}, "stackName", "use a letter followed by up to 127 letters, digits or hyphens"},
		// Machine clients.
		{"machine clients without a resource server", map[string]any{"machineClients": "nightly-report"}, "resourceServerId", "set createResourceServer to true"},
		{"machine client name with an underscore", map[string]any{"machineClients": "nightly_report", "createResourceServer": true},
			"machineClients", "letters, digits or inner hyphens"},
		{"machine client listed twice", map[string]any{"machineClients": "a,a", "createResourceServer": true}, "machineClients", "remove the duplicate"},
		{"resource server id with a space", map[string]any{"resourceServerId": "my api"}, "resourceServerId", "without spaces"},
		{"resource server id padded", map[string]any{"resourceServerId": " https://api.example.com"}, "resourceServerId", "leading or trailing whitespace"},
		{"machine tokens too short", map[string]any{"machineTokenValidity": "1m"}, "machineTokenValidity", "5m to 24h"},
		{"machine tokens too long", map[string]any{"machineTokenValidity": "25h"}, "machineTokenValidity", "5m to 24h"},
		{"machine tokens in seconds", map[string]any{"machineTokenValidity": "601"}, "machineTokenValidity", "whole number of minutes"},
		// The function's package (its form; the folder is checked by CheckFunctionPackage).
		{"function package empty", map[string]any{"functionPackage": " "}, "functionPackage", "a folder under lambda/ holding a package main"},
		{"function package outside lambda", map[string]any{"functionPackage": "cmd/app"}, "functionPackage", "move your app to lambda/<name>"},
		{"function package is lambda itself", map[string]any{"functionPackage": "lambda"}, "functionPackage", "is not under lambda/"},
		{"function package climbs out", map[string]any{"functionPackage": "lambda/../cmd/preview"}, "functionPackage", `contains ".."`},
		{"function package absolute", map[string]any{"functionPackage": "/home/me/app/lambda/notes"}, "functionPackage", "relative to the module root"},
		{"function package with backslashes", map[string]any{"functionPackage": `lambda\notes`}, "functionPackage", "write it with forward slashes, lambda/notes"},
		{"function package with a trailing slash", map[string]any{"functionPackage": "lambda/notes/"}, "functionPackage", "write it as lambda/notes"},
		{"function package with ./", map[string]any{"functionPackage": "./lambda/notes"}, "functionPackage", "write it as lambda/notes"},
		{"function package in testdata", map[string]any{"functionPackage": "lambda/notes/testdata"}, "functionPackage", "not testdata"},
		{"function package ignored by go", map[string]any{"functionPackage": "lambda/_draft"}, "functionPackage", "not starting with '.' or '_'"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := FromContext(exampleWith(tc.set))
			if err == nil {
				t.Fatalf("FromContext: no error; want one for %s", tc.key)
			}
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("error is %T, want Problems", err)
			}
			for _, p := range ps {
				if p.Key == tc.key && strings.Contains(p.Message, tc.hint) {
					if !strings.Contains(err.Error(), tc.key+": ") {
						t.Errorf("error text does not name %s:\n%v", tc.key, err)
					}
					return
				}
			}
			t.Errorf("no problem for %s containing %q; got:\n%v", tc.key, tc.hint, err)
		})
	}
}

func TestEveryProblemIsReportedAtOnce(t *testing.T) {
	t.Parallel()
	ctx := exampleWith(map[string]any{
		"certificateArn":     "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555",
		"recordName":         "app.example.org",
		"sessionTimeout":     "abc",
		"deletionProtection": "maybe",
		"tlsPolicy":          "TLS12",
		"logRetentionDays":   31.0,
		"recrodName":         "x",
	})
	_, err := FromContext(ctx)
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error %v (%T), want Problems", err, err)
	}
	wantKeys := []string{"certificateArn", "recordName", "sessionTimeout", "tlsPolicy", "deletionProtection", "logRetentionDays", "recrodName"}
	if len(ps) != len(wantKeys) {
		t.Errorf("got %d problems, want %d:\n%v", len(ps), len(wantKeys), err)
	}
	if lines := strings.Split(err.Error(), "\n"); len(lines) != len(ps) {
		t.Errorf("Error() has %d lines for %d problems", len(lines), len(ps))
	}
	for _, k := range wantKeys {
		if !slices.Contains(ps.Keys(), k) {
			t.Errorf("no problem for %s:\n%v", k, err)
		}
	}
	// Problems come in the order of Keys, unknown keys last.
	if ps[0].Key != "recordName" || ps[len(ps)-1].Key != "recrodName" {
		t.Errorf("problems out of order:\n%v", err)
	}
}

func TestDecodeProblemsAreNotRepeatedByValidate(t *testing.T) {
	t.Parallel()
	_, err := FromContext(exampleWith(map[string]any{"userPoolArn": 5.0, "sessionTimeout": true}))
	var ps Problems
	errors.As(err, &ps)
	if len(ps) != 2 {
		t.Errorf("want one problem per bad key, got:\n%v", err)
	}
}

func TestEmptyContextListsEveryRequiredKey(t *testing.T) {
	t.Parallel()
	_, err := FromContext(nil)
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error %v, want Problems", err)
	}
	var required []string
	for _, k := range Keys() {
		if k.Required {
			required = append(required, k.Name)
		}
	}
	if !slices.Equal(ps.Keys(), required) {
		t.Errorf("problems for %v, want %v:\n%v", ps.Keys(), required, err)
	}
}

func TestValidateZeroConfig(t *testing.T) {
	t.Parallel()
	err := Config{}.Validate()
	var ps Problems
	if !errors.As(err, &ps) || len(ps) < 10 {
		t.Fatalf("Validate of a zero Config: %v", err)
	}
	c := mustDecode(t, Example())
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	c.UserPoolDomain = "example-app.auth.eu-west-1.amazoncognito.com"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "give just its prefix: example-app") {
		t.Errorf("Validate with a full Cognito host: %v", err)
	}
}

// TestCommandLineValues checks that -c key=value strings decode like their
// cdk.json equivalents.
func TestCommandLineValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key  string
		json any
		cli  []string
	}{
		{"deletionProtection", false, []string{"false"}},
		{"wafEnabled", true, []string{"true"}},
		{"sessionTimeout", 3600.0, []string{"3600", "1h", "60m", "3600s"}},
		{"sessionTimeout", "8h", []string{"28800", "480m"}},
		{"functionMemoryMiB", 512.0, []string{"512"}},
		{"functionTimeoutSeconds", 30.0, []string{"30"}},
		{"reservedConcurrency", 100.0, []string{"100"}},
		{"logRetentionDays", 90.0, []string{"90"}},
		{"accessLogsExpirationDays", 30.0, []string{"30"}},
		{"oauthScopes", []any{"openid", "email"}, []string{"openid,email", `["openid","email"]`, `["openid", "email"]`, "email", "[openid,email]"}},
		{"identityProviders", []any{"COGNITO", "Google"}, []string{"COGNITO,Google", `["COGNITO","Google"]`}},
		{"availabilityZones", []any{"eu-west-1a", "eu-west-1c"}, []string{"eu-west-1a,eu-west-1c"}},
		{"region", "eu-west-1", []string{"eu-west-1"}},
		{"stackName", "MySite", []string{"MySite"}},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			t.Parallel()
			want := mustDecode(t, exampleWith(map[string]any{tc.key: tc.json}))
			for _, s := range tc.cli {
				got := mustDecode(t, exampleWith(map[string]any{tc.key: s}))
				if !reflect.DeepEqual(got, want) {
					t.Errorf("-c %s=%s decodes to\n%+v\nwant (as cdk.json %v)\n%+v", tc.key, s, got, tc.json, want)
				}
			}
		})
	}
}

func TestIsCDKKey(t *testing.T) {
	t.Parallel()
	for key, want := range map[string]bool{
		"@aws-cdk/aws-lambda:recognizeLayerVersion":             true,
		"@aws-cdk-containers/ecs-service-extensions:enableLogs": true,
		"aws:cdk:enable-path-metadata":                          true,
		"aws:cdk:bundling-stacks":                               true,
		"aws:cdk:disable-version-reporting":                     true,
		"aws-cdk:enableDiffNoFail":                              true,
		"cdk:something":                                         true,
		"cdk-nag":                                               true,
		"cli-telemetry":                                         true,
		"acknowledged-issue-numbers":                            true,
		"vpc-provider:account=123456789012:filter.vpc-id=vpc-1:region=eu-west-1": true,
		"userPoolArn":  false,
		"recordname":   false,
		"foo":          false,
		"awsRegion":    false,
		"acknowledged": false,
	} {
		if got := IsCDKKey(key); got != want {
			t.Errorf("IsCDKKey(%q) = %v, want %v", key, got, want)
		}
	}
}

// TestKeysDescribeTheConfig checks that Keys and Config agree: one key per
// field, each field's comment naming its key, complete documentation, and
// example values that are valid.
func TestKeysDescribeTheConfig(t *testing.T) {
	t.Parallel()
	docs := fieldDocs(t)
	keys := Keys()
	if n := reflect.TypeFor[Config]().NumField(); len(keys) != n {
		t.Errorf("%d keys for %d Config fields", len(keys), n)
	}
	seenField := map[string]bool{}
	example := Example()
	for i, k := range keys {
		s := specs[i]
		field := fieldName(s)
		if seenField[field] {
			t.Errorf("%s: field %s already has a key", k.Name, field)
		}
		seenField[field] = true
		if !strings.Contains(docs[field], `context key "`+k.Name+`"`) {
			t.Errorf("the comment of Config.%s does not name context key %q: %q", field, k.Name, docs[field])
		}
		if k.Type == "" || k.Description == "" || k.Example == "" {
			t.Errorf("%s: incomplete documentation: %+v", k.Name, k)
		}
		if k.Required != (k.Default == "") {
			t.Errorf("%s: Required %v but Default %q", k.Name, k.Required, k.Default)
		}
		if _, inExample := example[k.Name]; k.Required && !inExample {
			t.Errorf("%s: required but not in example.json", k.Name)
		}
		if k.Type == "string" && k.Name != "account" && k.Name != "region" && !k.Required && s.setDefault == nil && s.what == "" {
			t.Errorf("%s: optional string without a phrase for empty values", k.Name)
		}

		var v any
		if err := json.Unmarshal([]byte(k.Example), &v); err != nil {
			t.Errorf("%s: Example %s is not JSON: %v", k.Name, k.Example, err)
			continue
		}
		partners := map[string]any{}
		switch k.Name { // keys that need a partner
		case "vpcId":
			partners["publicSubnetIds"] = "subnet-0123456789abcdef0,subnet-0fedcba9876543210"
		case "publicSubnetIds":
			partners["vpcId"] = "vpc-0123456789abcdef0"
		case "machineClients", "createResourceServer":
			maps.Copy(partners, machinePartners(k.Name))
		case "listenerArn", "loadBalancerSecurityGroupId", "loadBalancerDnsName", "loadBalancerCanonicalHostedZoneId", "rulePriorityBase", "addCognitoEgressRule":
			maps.Copy(partners, attachPartners())
		case "targetGroupArn", "identityParameterName":
			maps.Copy(partners, targetPartners())
		}
		delete(partners, k.Name)
		set := maps.Clone(partners)
		set[k.Name] = v
		if _, err := FromContext(exampleWith(set)); err != nil {
			t.Errorf("%s: Example %s does not validate:\n%v", k.Name, k.Example, err)
		}
		cli := maps.Clone(partners)
		cli[k.Name] = s.cliExample()
		if _, err := FromContext(exampleWith(cli)); err != nil && k.Name != "vpcId" && k.Name != "publicSubnetIds" {
			t.Errorf("%s: -c %s=%s does not validate:\n%v", k.Name, k.Name, s.cliExample(), err)
		}
	}
	for key := range example {
		if _, ok := lookup(key); !ok {
			t.Errorf("example.json has unknown key %q", key)
		}
	}
}

// attachPartners are the keys that attach the example to a shared listener,
// without the example's deletionProtection, which attach mode refuses.
func attachPartners() map[string]any {
	return map[string]any{
		"listenerArn":                       exampleListenerArn,
		"loadBalancerSecurityGroupId":       "sg-0123456789abcdef0",
		"loadBalancerDnsName":               "shared-alb-1234567890.eu-west-1.elb.amazonaws.com",
		"loadBalancerCanonicalHostedZoneId": "Z32O12XQLNTSW2",
		"rulePriorityBase":                  1000.0,
		"deletionProtection":                absent,
	}
}

// targetPartners are the keys that make the example forward to an existing
// target group, in an existing VPC.
func targetPartners() map[string]any {
	return map[string]any{
		"targetGroupArn":  exampleTargetGroupArn,
		"vpcId":           "vpc-0123456789abcdef0",
		"publicSubnetIds": []any{"subnet-0123456789abcdef0", "subnet-0fedcba9876543210"},
	}
}

const (
	exampleListenerArn    = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shared-alb/50dc6c495c0c9188/f2f7dc8efc522ab2"
	exampleTargetGroupArn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/my-service/73e2d6bc24d8a067"
)

// machinePartners returns the keys the example of key (machineClients or
// createResourceServer) needs to validate: the other one and a machine route
// that lists the example's clients.
func machinePartners(key string) map[string]any {
	m := map[string]any{
		"machineClients":       []any{"nightly-report", "billing-sync"},
		"createResourceServer": true,
		"routes": []any{map[string]any{
			"name": "reports", "paths": []any{"/api/reports/*"},
			"scopes": []any{"https://app.example.com/reports.read"}, "clients": []any{"nightly-report", "billing-sync"},
		}},
	}
	delete(m, key)
	return m
}

// fieldName finds the Config field a spec decodes into.
func fieldName(s spec) string {
	var c Config
	ptr := s.field(&c)
	v := reflect.ValueOf(&c).Elem()
	for i := range v.NumField() {
		if v.Field(i).Addr().Interface() == ptr {
			return v.Type().Field(i).Name
		}
	}
	return ""
}

// fieldDocs returns the doc comments of Config's fields, from the source.
func fieldDocs(t *testing.T) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "config.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok || ts.Name.Name != "Config" {
			return true
		}
		for _, fl := range ts.Type.(*ast.StructType).Fields.List {
			for _, name := range fl.Names {
				docs[name.Name] = fl.Doc.Text()
			}
		}
		return false
	})
	return docs
}

func TestIsExample(t *testing.T) {
	t.Parallel()
	c := mustDecode(t, exampleWith(map[string]any{
		"userPoolArn":    "arn:aws:cognito-idp:eu-west-1:210987654321:userpool/eu-west-1_Real1",
		"certificateArn": "arn:aws:acm:eu-west-1:210987654321:certificate/11111111-2222-3333-4444-555555555555",
	}))
	if c.IsExample() {
		t.Error("IsExample() = true for account 210987654321")
	}
}

// TestCDKJSONIsValid checks the project's own cdk.json, whatever values it
// holds: its context, flat or with stages, passes StagesFromContext in every
// stage. This is the test that checks a user's configuration in their CI; the
// tests above use the shipped examples (Example, ExampleStages) instead.
func TestCDKJSONIsValid(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("..", "cdk.json"))
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("no cdk.json")
	}
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatalf("cdk.json: %v", err)
	}
	delete(file.Context, StageKey) // every stage, not one
	stages, err := StagesFromContext(file.Context)
	if err != nil {
		t.Fatalf("cdk.json's context does not pass validation:\n%v", err)
	}
	for _, s := range stages {
		t.Logf("stage %q: %s in %s/%s", s.Name, s.Config.SiteURL(), s.Config.Account(), s.Config.Region())
	}
}
