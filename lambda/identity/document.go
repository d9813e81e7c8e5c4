package identity

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// EnvConfig is the environment variable an HTTP target (a container or
// instance behind the stack's existing target group, config key
// targetGroupArn) reads its whole configuration from: the JSON document the
// stack publishes as one SSM String parameter, which an ECS task definition
// injects into the container's environment with secrets/valueFrom. See
// ParseDocument for its shape.
const EnvConfig = "IDENTITY_CONFIG"

// MaxDocument bounds the document's size in bytes. An SSM String parameter
// holds at most 8 KB (advanced tier); the bound leaves room for a
// document written by hand and stops a runaway value early.
const MaxDocument = 256 << 10

// documentKeys are the keys a document may have: the environment variables
// ConfigFromEnv reads for an HTTP target. TARGET_GROUP_PREFIX is not one (an
// HTTP target receives no Lambda event naming its target group), nor is the
// Lambda-set function name.
var documentKeys = []string{
	EnvALBARN, EnvClientID, EnvIssuer, EnvKeyEndpoint, EnvUserPoolDomain, EnvAppURL,
	EnvSessionCookieName, EnvRouteTable, EnvJWKSURL, EnvResourceServerID, EnvMachineClients, EnvGroupClaims, EnvTarget,
}

// maxShownKey bounds how much of an unknown key an error repeats.
const maxShownKey = 64

// DocumentError is a document that is not a flat JSON object of known
// string values. It names the problem and the key, never a value.
type DocumentError struct {
	// Key is the offending key ("" when the problem is the document's
	// shape), cut to 64 bytes.
	Key string
	// Problem says what is wrong.
	Problem string
}

// Error implements error.
func (e *DocumentError) Error() string {
	if e.Key == "" {
		return EnvConfig + ": " + e.Problem
	}
	return fmt.Sprintf("%s: key %q: %s", EnvConfig, e.Key, e.Problem)
}

// ParseDocument reads the configuration document of an HTTP target: one
// flat JSON object whose keys are the environment variable names
// ConfigFromEnv reads (ALB_ARN, USER_POOL_CLIENT_ID, TOKEN_ISSUER,
// USER_POOL_DOMAIN, APP_URL, ROUTE_TABLE holding the route table's JSON as
// a string, and optionally SESSION_COOKIE_NAME, ACCESS_TOKEN_JWKS_URL,
// ALB_PUBLIC_KEY_ENDPOINT, RESOURCE_SERVER_ID, MACHINE_CLIENTS) and
// IDENTITY_TARGET, which must be "http". Every value is a string. It
// refuses, in a *DocumentError, anything else: invalid UTF-8 or JSON, a
// value that is not an object, an unknown or repeated key (after JSON
// unescaping, so "ALB\u005fARN" repeats ALB_ARN), a value that is not a
// string, and data after the object. It returns the document as a getenv
// function for ConfigFromEnv, which validates the values.
func ParseDocument(doc []byte) (func(string) string, error) {
	if len(bytes.TrimSpace(doc)) == 0 {
		return nil, &DocumentError{Problem: "required (the JSON document the stack publishes for an HTTP target)"}
	}
	if len(doc) > MaxDocument {
		return nil, &DocumentError{Problem: fmt.Sprintf("%d bytes, more than the %d a document may have", len(doc), MaxDocument)}
	}
	if !utf8.Valid(doc) {
		return nil, &DocumentError{Problem: "not valid UTF-8"}
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, &DocumentError{Problem: "want a JSON object of string values" + syntax(err)}
	}
	known := make(map[string]bool, len(documentKeys))
	for _, k := range documentKeys {
		known[k] = true
	}
	values := map[string]string{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, &DocumentError{Problem: "not valid JSON" + syntax(err)}
		}
		key, _ := tok.(string) // object keys are always strings
		shown := key
		if len(shown) > maxShownKey {
			shown = shown[:maxShownKey]
		}
		switch {
		case key == EnvTargetGroupPrefix:
			return nil, &DocumentError{Key: key, Problem: "not allowed: an HTTP target receives no Lambda event naming its target group"}
		case !known[key]:
			return nil, &DocumentError{Key: shown, Problem: "unknown (known keys: " + strings.Join(documentKeys, ", ") + ")"}
		}
		if _, dup := values[key]; dup {
			return nil, &DocumentError{Key: key, Problem: "appears more than once"}
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, &DocumentError{Key: key, Problem: "not valid JSON" + syntax(err)}
		}
		var s string
		if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
			return nil, &DocumentError{Key: key, Problem: "want a string, not " + jsonKind(raw)}
		}
		values[key] = s
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, &DocumentError{Problem: "not valid JSON" + syntax(err)}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &DocumentError{Problem: "data after the JSON object"}
	}
	switch t, ok := values[EnvTarget]; {
	case !ok:
		return nil, &DocumentError{Key: EnvTarget, Problem: `required: "` + TargetHTTP + `" (the document configures an HTTP target)`}
	case t != TargetHTTP:
		return nil, &DocumentError{Key: EnvTarget, Problem: `must be "` + TargetHTTP + `" (the document configures an HTTP target)`}
	}
	return func(k string) string { return values[k] }, nil
}

// syntax is the position of a JSON syntax error, if err is one. The
// decoder's own message can quote a character of the input; the offset
// is enough to find it.
func syntax(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf(" (syntax error at byte %d)", se.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return " (it ends early)"
	}
	return ""
}

// jsonKind names the JSON type of raw, for an error.
func jsonKind(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case '"':
		return "a string"
	}
	return "a number"
}

// ConfigFromDocument is ConfigFromEnv reading the document (ParseDocument)
// instead of the environment: the same checks, the same errors naming each
// key.
func ConfigFromDocument(doc []byte) (Config, error) {
	getenv, err := ParseDocument(doc)
	if err != nil {
		return Config{}, err
	}
	return ConfigFromEnv(getenv)
}

// FromDocument is FromEnv for an HTTP target: the middleware configured by
// the document (ConfigFromDocument), its verifiers built by FromConfig. An
// HTTP server's main reads the document from EnvConfig:
//
//	mw, err := identity.FromDocument([]byte(os.Getenv(identity.EnvConfig)), identity.Options{})
func FromDocument(doc []byte, o Options) (*Middleware, error) {
	cfg, err := ConfigFromDocument(doc)
	if err != nil {
		return nil, err
	}
	return FromConfig(cfg, o)
}
