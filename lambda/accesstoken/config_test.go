package accesstoken_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/accesstoken"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albjwt"
)

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	base := func() accesstoken.Config {
		return accesstoken.Config{Issuer: testIssuer, ClientIDs: []string{testClient}}
	}
	cases := []struct {
		name   string
		mod    func(*accesstoken.Config)
		fields []string // fields reported, in order; nil means valid
	}{
		{"minimal", func(*accesstoken.Config) {}, nil},
		{"UPDATED issuer form", func(c *accesstoken.Config) {
			c.Issuer = "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123"
		}, nil},
		{"China", func(c *accesstoken.Config) {
			c.Issuer = "https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_AbC123"
		}, nil},
		{"GovCloud", func(c *accesstoken.Config) {
			c.Issuer = "https://cognito-idp.us-gov-west-1.amazonaws.com/us-gov-west-1_AbC123"
		}, nil},
		{"loopback http JWKS", func(c *accesstoken.Config) { c.JWKSURL = "http://127.0.0.1:8080/jwks.json" }, nil},
		{"localhost http JWKS", func(c *accesstoken.Config) { c.JWKSURL = "http://localhost/jwks.json" }, nil},
		{"all limits", func(c *accesstoken.Config) {
			c.Leeway, c.KeyFetchBurst, c.KeyFetchInterval, c.KeyFetchPenalty = time.Minute, 100, time.Second, time.Hour
		}, nil},
		{"everything missing", func(c *accesstoken.Config) { *c = accesstoken.Config{} }, []string{"Issuer", "ClientIDs"}},
		{"issuer http", func(c *accesstoken.Config) { c.Issuer = strings.Replace(testIssuer, "https", "http", 1) }, []string{"Issuer"}},
		{"issuer trailing slash", func(c *accesstoken.Config) { c.Issuer = testIssuer + "/" }, []string{"Issuer"}},
		{"issuer region mismatch", func(c *accesstoken.Config) {
			c.Issuer = "https://cognito-idp.us-east-1.amazonaws.com/eu-west-1_AbC123"
		}, []string{"Issuer"}},
		{"issuer another host", func(c *accesstoken.Config) { c.Issuer = "https://evil.example/eu-west-1_AbC123" }, []string{"Issuer"}},
		{"issuer dotted UPDATED form", func(c *accesstoken.Config) {
			c.Issuer = "https://issuer.cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123"
		}, []string{"Issuer"}},
		{"issuer pool ID with a dash", func(c *accesstoken.Config) { c.Issuer = testIssuer + "-x" }, []string{"Issuer"}},
		{"client ID empty", func(c *accesstoken.Config) { c.ClientIDs = []string{""} }, []string{"ClientIDs[0]"}},
		{"client ID with a space", func(c *accesstoken.Config) { c.ClientIDs = []string{testClient, "a b"} }, []string{"ClientIDs[1]"}},
		{"client ID twice", func(c *accesstoken.Config) { c.ClientIDs = []string{testClient, testClient} }, []string{"ClientIDs[1]"}},
		{"client ID too long", func(c *accesstoken.Config) { c.ClientIDs = []string{strings.Repeat("a", 129)} }, []string{"ClientIDs[0]"}},
		{"JWKS http elsewhere", func(c *accesstoken.Config) { c.JWKSURL = "http://example.com/jwks.json" }, []string{"JWKSURL"}},
		{"JWKS relative", func(c *accesstoken.Config) { c.JWKSURL = "/jwks.json" }, []string{"JWKSURL"}},
		{"JWKS user info", func(c *accesstoken.Config) { c.JWKSURL = "https://u:p@example.com/jwks.json" }, []string{"JWKSURL"}},
		{"JWKS ftp", func(c *accesstoken.Config) { c.JWKSURL = "ftp://example.com/jwks.json" }, []string{"JWKSURL"}},
		{"leeway negative", func(c *accesstoken.Config) { c.Leeway = -time.Second }, []string{"Leeway"}},
		{"leeway too large", func(c *accesstoken.Config) { c.Leeway = 61 * time.Second }, []string{"Leeway"}},
		{"every limit wrong", func(c *accesstoken.Config) {
			c.KeyFetchBurst, c.KeyFetchInterval, c.KeyFetchPenalty = 101, time.Millisecond, 2*time.Hour
		}, []string{"KeyFetchBurst", "KeyFetchInterval", "KeyFetchPenalty"}},
		{"several at once", func(c *accesstoken.Config) {
			c.Issuer, c.ClientIDs, c.JWKSURL, c.Leeway = "x", nil, "x", time.Hour
		}, []string{"Issuer", "ClientIDs", "JWKSURL", "Leeway"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := base()
			tc.mod(&c)
			err := c.Validate()
			_, newErr := accesstoken.New(c)
			if (err == nil) != (newErr == nil) {
				t.Fatalf("Validate %v but New %v", err, newErr)
			}
			var got []string
			if err != nil {
				for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
					var fe *albjwt.FieldError
					if !errors.As(e, &fe) {
						t.Fatalf("%v is not a *FieldError", e)
					}
					got = append(got, fe.Field)
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.fields, ",") {
				t.Fatalf("fields %v, want %v (%v)", got, tc.fields, err)
			}
		})
	}
}

func TestDefaultJWKSURL(t *testing.T) {
	t.Parallel()
	v, err := accesstoken.New(accesstoken.Config{Issuer: testIssuer, ClientIDs: []string{testClient}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := v.JWKSURL(), testIssuer+"/.well-known/jwks.json"; got != want {
		t.Fatalf("JWKSURL = %q, want %q", got, want)
	}
}

func TestClaimsAccessors(t *testing.T) {
	t.Parallel()
	c := &accesstoken.Claims{Groups: []string{"admin", "ops"}, Scopes: []string{"openid", "api.example.com/read"}}
	scopeCases := []struct {
		required []string
		missing  []string
	}{
		{nil, nil},
		{[]string{"openid"}, nil},
		{[]string{"openid", "api.example.com/read"}, nil},
		{[]string{"api.example.com/admin"}, []string{"api.example.com/admin"}},
		{[]string{"a", "openid", "b", "a"}, []string{"a", "b"}},
		{[]string{"OPENID"}, []string{"OPENID"}},
	}
	for _, tc := range scopeCases {
		if got := c.HasScopes(tc.required...); strings.Join(got, " ") != strings.Join(tc.missing, " ") {
			t.Errorf("HasScopes(%q) = %q, want %q", tc.required, got, tc.missing)
		}
	}
	groupCases := []struct {
		groups []string
		want   bool
	}{
		{nil, false},
		{[]string{"admin"}, true},
		{[]string{"x", "ops"}, true},
		{[]string{"Admin"}, false},
		{[]string{"x", "y"}, false},
	}
	for _, tc := range groupCases {
		if got := c.InAnyGroup(tc.groups...); got != tc.want {
			t.Errorf("InAnyGroup(%q) = %v, want %v", tc.groups, got, tc.want)
		}
	}
	empty := &accesstoken.Claims{}
	if empty.InAnyGroup("admin") || len(empty.HasScopes("openid")) != 1 {
		t.Error("empty claims grant something")
	}
}
