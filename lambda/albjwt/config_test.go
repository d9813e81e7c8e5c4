package albjwt

import (
	"crypto/ecdsa"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseARN(t *testing.T) {
	t.Parallel()
	good := "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188"
	a, err := ParseARN(good)
	if err != nil {
		t.Fatal(err)
	}
	if a != (ARN{Partition: "aws", Region: "eu-west-1", Account: "123456789012", Name: "my-alb", ID: "50dc6c495c0c9188"}) || a.String() != good {
		t.Errorf("ParseARN = %+v", a)
	}
	for _, s := range []string{
		"arn:aws-us-gov:elasticloadbalancing:us-gov-west-1:123456789012:loadbalancer/app/a/50dc6c495c0c9188",
		"arn:aws-cn:elasticloadbalancing:cn-north-1:123456789012:loadbalancer/app/A-1/50dc6c495c0c9188",
		"arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:loadbalancer/app/" + strings.Repeat("n", 32) + "/50dc6c495c0c9188",
	} {
		if _, err := ParseARN(s); err != nil {
			t.Errorf("ParseARN(%q): %v", s, err)
		}
	}
	for _, s := range []string{
		"",
		"arn",
		"arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/my-nlb/50dc6c495c0c9188",
		"arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/tg/50dc6c495c0c9188",
		"arn:aws:elasticloadbalancing:eu-west-1:12345678901:loadbalancer/app/a/50dc6c495c0c9188",
		"arn:aws:elasticloadbalancing:eu-west-1:12345678901x:loadbalancer/app/a/50dc6c495c0c9188",
		"arn:aws:elasticloadbalancing:EU-west-1:123456789012:loadbalancer/app/a/50dc6c495c0c9188",
		"arn:aws:elasticloadbalancing:euwest1:123456789012:loadbalancer/app/a/50dc6c495c0c9188",
		"arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/-a/50dc6c495c0c9188",
		"arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/a_b/50dc6c495c0c9188",
		"arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/a/50dc6c495c0c918",
		"arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/a/50DC6C495C0C9188",
		"arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/a/50dc6c495c0c9188/x",
		"arn:evil:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/a/50dc6c495c0c9188",
		"arn:aws:ec2:eu-west-1:123456789012:loadbalancer/app/a/50dc6c495c0c9188",
		" arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/a/50dc6c495c0c9188",
	} {
		if _, err := ParseARN(s); err == nil {
			t.Errorf("ParseARN(%q) accepted", s)
		}
	}
}

func TestDefaultKeyEndpoint(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ partition, region, want string }{
		{"aws", "eu-west-1", "https://public-keys.auth.elb.eu-west-1.amazonaws.com"},
		{"aws", "ap-southeast-2", "https://public-keys.auth.elb.ap-southeast-2.amazonaws.com"},
		{"aws-us-gov", "us-gov-west-1", "https://s3-us-gov-west-1.amazonaws.com/aws-elb-public-keys-prod-us-gov-west-1"},
		{"aws-us-gov", "us-gov-east-1", "https://s3.us-gov-east-1.amazonaws.com/aws-elb-public-keys-prod-us-gov-east-1"},
		{"aws-us-gov", "us-gov-north-1", ""},
		{"aws-cn", "cn-north-1", ""},
		{"aws-iso", "us-iso-east-1", ""},
	} {
		got, err := DefaultKeyEndpoint(ARN{Partition: tc.partition, Region: tc.region})
		if got != tc.want || (err == nil) != (tc.want != "") {
			t.Errorf("DefaultKeyEndpoint(%s, %s) = %q, %v; want %q", tc.partition, tc.region, got, err, tc.want)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	base := Config{
		ALBARN:   "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188",
		ClientID: "abc123",
		Issuer:   "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123",
	}
	r, err := base.resolve()
	if err != nil || r.endpoint != "https://public-keys.auth.elb.eu-west-1.amazonaws.com" {
		t.Fatalf("resolve = %+v, %v", r, err)
	}
	if r.fetchBurst != DefaultKeyFetchBurst || r.fetchInterval != DefaultKeyFetchInterval || r.fetchPenalty != DefaultKeyFetchPenalty {
		t.Errorf("fetch limit defaults = %d, %v, %v", r.fetchBurst, r.fetchInterval, r.fetchPenalty)
	}
	for _, tc := range []struct {
		name  string
		mod   func(*Config)
		field string
	}{
		{"ok loopback http", func(c *Config) { c.KeyEndpoint = "http://127.0.0.1:8080/" }, ""},
		{"ok localhost http", func(c *Config) { c.KeyEndpoint = "http://localhost:9/keys" }, ""},
		{"ok ipv6 loopback", func(c *Config) { c.KeyEndpoint = "http://[::1]:9" }, ""},
		{"ok max leeway", func(c *Config) { c.Leeway = MaxLeeway }, ""},
		{"missing ARN", func(c *Config) { c.ALBARN = "" }, "ALBARN"},
		{"bad ARN", func(c *Config) { c.ALBARN = "arn:aws:iam::123456789012:role/x" }, "ALBARN"},
		{"missing client", func(c *Config) { c.ClientID = "" }, "ClientID"},
		{"client with space", func(c *Config) { c.ClientID = "a b" }, "ClientID"},
		{"missing issuer", func(c *Config) { c.Issuer = "" }, "Issuer"},
		{"http issuer", func(c *Config) { c.Issuer = "http://cognito-idp.eu-west-1.amazonaws.com/x" }, "Issuer"},
		{"issuer not URL", func(c *Config) { c.Issuer = "eu-west-1_AbC123" }, "Issuer"},
		{"relative endpoint", func(c *Config) { c.KeyEndpoint = "/keys" }, "KeyEndpoint"},
		{"http remote endpoint", func(c *Config) { c.KeyEndpoint = "http://example.com" }, "KeyEndpoint"},
		{"ftp endpoint", func(c *Config) { c.KeyEndpoint = "ftp://example.com" }, "KeyEndpoint"},
		{"endpoint with query", func(c *Config) { c.KeyEndpoint = "https://example.com/?a=b" }, "KeyEndpoint"},
		{"aws-cn needs endpoint", func(c *Config) {
			c.ALBARN = "arn:aws-cn:elasticloadbalancing:cn-north-1:123456789012:loadbalancer/app/a/50dc6c495c0c9188"
		}, "KeyEndpoint"},
		{"negative leeway", func(c *Config) { c.Leeway = -time.Second }, "Leeway"},
		{"leeway too large", func(c *Config) { c.Leeway = 61 * time.Second }, "Leeway"},
		{"negative cache", func(c *Config) { c.CacheSize = -1 }, "CacheSize"},
		{"ok fetch limits at minimum", func(c *Config) {
			c.KeyFetchBurst, c.KeyFetchInterval, c.KeyFetchPenalty = 1, MinKeyFetchInterval, MinKeyFetchInterval
		}, ""},
		{"ok fetch limits at maximum", func(c *Config) {
			c.KeyFetchBurst, c.KeyFetchInterval, c.KeyFetchPenalty = MaxKeyFetchBurst, MaxKeyFetchInterval, MaxKeyFetchInterval
		}, ""},
		{"negative burst", func(c *Config) { c.KeyFetchBurst = -1 }, "KeyFetchBurst"},
		{"burst too large", func(c *Config) { c.KeyFetchBurst = MaxKeyFetchBurst + 1 }, "KeyFetchBurst"},
		{"negative interval", func(c *Config) { c.KeyFetchInterval = -time.Second }, "KeyFetchInterval"},
		{"interval too short", func(c *Config) { c.KeyFetchInterval = MinKeyFetchInterval - 1 }, "KeyFetchInterval"},
		{"interval too long", func(c *Config) { c.KeyFetchInterval = MaxKeyFetchInterval + 1 }, "KeyFetchInterval"},
		{"negative penalty", func(c *Config) { c.KeyFetchPenalty = -time.Second }, "KeyFetchPenalty"},
		{"penalty too short", func(c *Config) { c.KeyFetchPenalty = time.Millisecond }, "KeyFetchPenalty"},
		{"penalty too long", func(c *Config) { c.KeyFetchPenalty = 2 * time.Hour }, "KeyFetchPenalty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := base
			tc.mod(&c)
			err := c.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("Validate = %v, want a FieldError for %s", err, tc.field)
			}
			if _, err := New(c); err == nil {
				t.Error("New accepted an invalid config")
			}
		})
	}
	// Every problem is reported at once.
	err = Config{}.Validate()
	for _, f := range []string{"ALBARN", "ClientID", "Issuer"} {
		if err == nil || !strings.Contains(err.Error(), f+":") {
			t.Errorf("empty config error %v does not name %s", err, f)
		}
	}
}

func TestIsUUID(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"6c7d8e9f-1a2b-4c3d-8e4f-5a6b7c8d9e0f":  true,
		"6C7D8E9F-1A2B-4C3D-8E4F-5A6B7C8D9E0F":  true,
		"6c7d8e9f1a2b4c3d8e4f5a6b7c8d9e0f":      false,
		"6c7d8e9f-1a2b-4c3d-8e4f-5a6b7c8d9e0":   false,
		"6c7d8e9f-1a2b-4c3d-8e4f-5a6b7c8d9e0f0": false,
		"6c7d8e9f-1a2b-4c3d-8e4f-5a6b7c8d9e0g":  false,
		"6c7d8e9f-1a2b-4c3d-8e4f/5a6b7c8d9e0f":  false,
		"../../../../../../../../../../../../":  false,
		"":                                      false,
	} {
		if got := isUUID(s); got != want {
			t.Errorf("isUUID(%q) = %v", s, got)
		}
	}
}

func TestLRUCache(t *testing.T) {
	t.Parallel()
	c := NewLRUCache(3)
	keys := make([]*ecdsa.PublicKey, 10)
	for i := range keys {
		keys[i] = &ecdsa.PublicKey{}
		c.Add(string(rune('a'+i)), keys[i])
		if c.Len() > 3 {
			t.Fatalf("Len = %d after %d adds", c.Len(), i+1)
		}
	}
	if _, ok := c.Get("a"); ok {
		t.Error("oldest key still cached")
	}
	if k, ok := c.Get("h"); !ok || k != keys[7] {
		t.Error("recent key missing")
	}
	c.Add("k", keys[0]) // evicts i, not the just-used h
	if _, ok := c.Get("h"); !ok {
		t.Error("recently used key evicted")
	}
	if _, ok := c.Get("i"); ok {
		t.Error("least recently used key kept")
	}
	c.Add("k", keys[1]) // replace in place
	if k, _ := c.Get("k"); k != keys[1] || c.Len() != 3 {
		t.Error("replace")
	}
	if NewLRUCache(0).max != 1 {
		t.Error("size floor")
	}
}
