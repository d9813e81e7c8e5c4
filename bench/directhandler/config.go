package directhandler

import (
	"errors"
	"net/url"
	"strings"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/albjwt"
)

// Environment variables read by ConfigFromEnv. The CDK stack sets them.
const (
	// EnvALBARN (required) is the ARN of the load balancer expected as the
	// token's signer.
	EnvALBARN = "ALB_ARN"
	// EnvClientID (required) is the Cognito app client ID expected as the
	// token's client.
	EnvClientID = "USER_POOL_CLIENT_ID"
	// EnvIssuer (required) is the expected iss, e.g.
	// https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123.
	EnvIssuer = "TOKEN_ISSUER"
	// EnvKeyEndpoint (optional) overrides the public key endpoint derived
	// from the ALB ARN; http is allowed only for loopback hosts.
	EnvKeyEndpoint = "ALB_PUBLIC_KEY_ENDPOINT"
	// EnvUserPoolDomain (required) is the Cognito domain host used for
	// logout, e.g. myprefix.auth.eu-west-1.amazoncognito.com.
	EnvUserPoolDomain = "USER_POOL_DOMAIN"
	// EnvAppURL (required) is the app's https URL, where Cognito sends the
	// user after logout. It must be one of the app client's sign-out URLs.
	EnvAppURL = "APP_URL"
	// EnvSessionCookieName (optional) is the load balancer's session cookie
	// name; default DefaultSessionCookieName.
	EnvSessionCookieName = "SESSION_COOKIE_NAME"
)

// DefaultSessionCookieName is the load balancer's default session cookie name.
const DefaultSessionCookieName = "AWSELBAuthSessionCookie"

// Config is everything the handler needs.
type Config struct {
	// Token configures the verifier: ALBARN, ClientID, Issuer and
	// optionally KeyEndpoint. ClientID is also used for logout.
	Token albjwt.Config
	// UserPoolDomain is the Cognito domain host (no scheme, no path).
	UserPoolDomain string
	// AppURL is the https URL Cognito redirects to after logout.
	AppURL string
	// SessionCookieName is the load balancer session cookie name; its
	// shards <name>-0 … <name>-3 are expired on logout.
	SessionCookieName string
}

// ConfigError lists every configuration problem found.
type ConfigError struct {
	// Problems each start with the variable (or field) name.
	Problems []string
}

// Error implements error.
func (e *ConfigError) Error() string {
	return "invalid configuration: " + strings.Join(e.Problems, "; ")
}

// ConfigFromEnv reads the configuration from the environment variables named
// by the Env constants, through getenv (os.Getenv in main, a map in tests and
// the preview server). It reports every missing or malformed variable at
// once, naming each, in a *ConfigError.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	get := func(name string) string { return strings.TrimSpace(getenv(name)) }
	cfg := Config{
		Token: albjwt.Config{
			ALBARN:      get(EnvALBARN),
			ClientID:    get(EnvClientID),
			Issuer:      get(EnvIssuer),
			KeyEndpoint: get(EnvKeyEndpoint),
		},
		UserPoolDomain:    get(EnvUserPoolDomain),
		AppURL:            get(EnvAppURL),
		SessionCookieName: get(EnvSessionCookieName),
	}
	if cfg.SessionCookieName == "" {
		cfg.SessionCookieName = DefaultSessionCookieName
	}
	if err := cfg.validate(envName); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// Validate reports every problem with c at once in a *ConfigError, naming
// Config fields.
func (c Config) Validate() error { return c.validate(fieldName) }

var envNames = map[string]string{
	"ALBARN":            EnvALBARN,
	"ClientID":          EnvClientID,
	"Issuer":            EnvIssuer,
	"KeyEndpoint":       EnvKeyEndpoint,
	"UserPoolDomain":    EnvUserPoolDomain,
	"AppURL":            EnvAppURL,
	"SessionCookieName": EnvSessionCookieName,
}

func envName(field string) string {
	if n, ok := envNames[field]; ok {
		return n
	}
	return "Token." + field
}

func fieldName(field string) string {
	switch field {
	case "UserPoolDomain", "AppURL", "SessionCookieName":
		return field
	}
	return "Token." + field
}

func (c Config) validate(name func(field string) string) error {
	var problems []string
	add := func(field string, err error) { problems = append(problems, name(field)+": "+err.Error()) }

	if err := c.Token.Validate(); err != nil {
		for _, e := range unjoin(err) {
			var fe *albjwt.FieldError
			if errors.As(e, &fe) {
				add(fe.Field, fe.Err)
			} else {
				problems = append(problems, e.Error())
			}
		}
	}
	if err := checkDomain(c.UserPoolDomain); err != nil {
		add("UserPoolDomain", err)
	}
	if err := checkAppURL(c.AppURL); err != nil {
		add("AppURL", err)
	}
	if err := checkCookieName(c.SessionCookieName); err != nil {
		add("SessionCookieName", err)
	}
	if len(problems) > 0 {
		return &ConfigError{Problems: problems}
	}
	return nil
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func checkDomain(s string) error {
	const want = "a host name such as myprefix.auth.eu-west-1.amazoncognito.com or auth.example.com"
	if s == "" {
		return errors.New("required (" + want + ")")
	}
	if strings.Contains(s, "://") || strings.ContainsAny(s, "/:?#@") {
		return errors.New("must be " + want + ", not a URL")
	}
	if len(s) > 253 || !strings.Contains(s, ".") {
		return errors.New("must be " + want)
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return errors.New("must be " + want)
		}
		for i := 0; i < len(label); i++ {
			ch := label[i]
			if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-') {
				return errors.New("must be " + want)
			}
		}
	}
	return nil
}

func checkAppURL(s string) error {
	const want = "an https URL such as https://app.example.com"
	if s == "" {
		return errors.New("required (" + want + ")")
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return errors.New("must be " + want + " without query or fragment")
	}
	return nil
}

func checkCookieName(s string) error {
	if s == "" || len(s) > 64 {
		return errors.New("must be 1 to 64 characters")
	}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_' || ch == '.') {
			return errors.New("may contain only letters, digits, '-', '_' and '.'")
		}
	}
	return nil
}
