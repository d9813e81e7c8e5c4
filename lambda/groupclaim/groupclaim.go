// Package groupclaim reads a user's groups from the claims that hold them:
// the access token's cognito:groups (Cognito groups) and, for users of a
// federated identity provider (Entra ID, Okta, Google...), a claim of the
// load balancer's verified user claims (x-amzn-oidc-data, from Cognito's
// userInfo endpoint) such as custom:groups, a custom attribute the pool's
// attribute mapping fills from the provider's SAML or OIDC groups
// attribute at each federated sign-in.
//
// Config says which claims count (Config.Claims, in order) and how a plain
// string splits (Config.Separator); the stack writes it to the function's
// environment as EnvVar. Listing only a user claim uses it instead of
// cognito:groups; listing both uses the two beside each other.
//
// Parse reads one claim's value. Cognito stores custom attributes as
// strings, and the values seen in practice take these forms:
//
//   - FormJSONArray: a JSON array of strings, as the claim's JSON value.
//   - FormJSONString: a string holding a JSON array of strings,
//     ["g1","g2"] (an OIDC provider's groups array mapped to a string
//     attribute).
//   - FormBracketed: Cognito's join of a multi-valued SAML attribute,
//     [g1, g2]: brackets, the values joined by ", ", no quotes. AWS's own
//     sample for this setup (aws-samples/amazon-cognito-example-for-external-idp,
//     lambda/pretokengeneration/src/index.ts) says "this is how it is
//     received from SAML mapping if we have more than one group ... we
//     would use JSON.parse but the items in the list are not with quotes so
//     it will fail", and a single value arrives bare, "no [ or ] added".
//   - FormSingle: any other string is one group, unless the Config's
//     Separator says it is a list (FormSeparated): SeparatorComma
//     ("g1,g2" or "g1, g2") or SeparatorSpace ("g1 g2").
//
// Anything else fails closed with an *Error: numbers, objects, null, nested
// arrays, non-string elements, empty names, names with control or format
// characters, surrounding whitespace, a comma, a bracket, a quote or a
// backslash (so that a name can never carry a second name in any form),
// text that starts with "[" and is neither JSON nor the bracketed form,
// and values over MaxValueLength characters. Names are compared exactly:
// case, Unicode look-alikes and normalization forms all count, so Admins
// is not admins and a Cyrillic "а" is not a Latin "a".
//
// An *Error names the claim, the form and the number of elements, and
// never the claim's value, so it can be logged.
package groupclaim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// EnvVar is the function's environment variable holding Config as JSON. An
// unset variable means Default: the access token's cognito:groups only.
const EnvVar = "GROUP_CLAIMS"

// AccessTokenClaim names the access token's groups claim; every other claim
// a Config lists is one of the verified user claims.
const AccessTokenClaim = "cognito:groups"

// Limits.
const (
	// MaxValueLength is Cognito's limit on a custom attribute's value, in
	// characters: "the maximum value length of 2048 characters" (Amazon
	// Cognito Developer Guide, "Mapping IdP attributes to profiles and
	// tokens"). A longer value cannot come from Cognito.
	MaxValueLength = 2048
	// MaxNameLength bounds one group name, in bytes: Entra ID object ids are
	// 36, on-premises sAMAccountNames at most 256 (Cognito's own group names
	// at most 128 characters).
	MaxNameLength = 256
	// MaxGroups bounds the names one claim may hold (a 2048-character
	// bracketed value holds at most 683).
	MaxGroups = 1024
	// MaxClaims bounds Config.Claims.
	MaxClaims = 4
	// maxCustomName is Cognito's limit on a custom attribute's name (after
	// "custom:").
	maxCustomName = 20
)

// Separator says how a plain string (not JSON, not bracketed) is split.
type Separator string

const (
	// SeparatorNone (the default): a plain string is one group, as Cognito
	// writes a single-valued SAML attribute.
	SeparatorNone Separator = ""
	// SeparatorComma: a plain string is a comma-separated list; spaces
	// around each comma are ignored.
	SeparatorComma Separator = "comma"
	// SeparatorSpace: a plain string is a list separated by single spaces.
	SeparatorSpace Separator = "space"
)

// Config says which claims hold groups.
type Config struct {
	// Claims are the claims whose groups the user has, in order:
	// AccessTokenClaim or custom:<name> attributes of the user claims.
	// Empty means Default's.
	Claims []string `json:"claims"`
	// Separator splits plain strings of the user claims.
	Separator Separator `json:"separator,omitempty"`
}

// Default is the configuration without the setting: the access token's
// cognito:groups only.
func Default() Config { return Config{Claims: []string{AccessTokenClaim}} }

// IsDefault reports whether c means Default.
func (c Config) IsDefault() bool {
	return c.Separator == SeparatorNone && (len(c.Claims) == 0 || slices.Equal(c.Claims, []string{AccessTokenClaim}))
}

// claims returns c.Claims with the default applied.
func (c Config) claims() []string {
	if len(c.Claims) == 0 {
		return []string{AccessTokenClaim}
	}
	return c.Claims
}

// UserClaims returns the user claims c lists: every claim but
// AccessTokenClaim.
func (c Config) UserClaims() []string {
	var out []string
	for _, n := range c.claims() {
		if n != AccessTokenClaim {
			out = append(out, n)
		}
	}
	return out
}

// CustomAttributes returns the custom attributes c lists, with their
// custom: prefix, as an app client's ReadAttributes names them.
func (c Config) CustomAttributes() []string {
	var out []string
	for _, n := range c.claims() {
		if strings.HasPrefix(n, "custom:") {
			out = append(out, n)
		}
	}
	return out
}

// standardAttributes are the user pool's standard attributes that are
// free text, which a Config must not name: users can change their own
// (standardWhy).
var standardAttributes = []string{"name", "given_name", "family_name", "middle_name", "nickname", "profile", "website", "gender", "locale", "zoneinfo"}

// standardWhy is why a standard attribute cannot hold groups. UpdateUserAttributes
// takes "a signed-in user's access token. It must include the scope
// aws.cognito.signin.user.admin", which every access token from the API
// sign-in (InitiateAuth) carries, and an app client without
// WriteAttributes "can write the values of the Standard attributes".
// A custom attribute is written only by the clients whose WriteAttributes
// name it.
const standardWhy = "a standard attribute, and users can change their own: any app client of the pool that signs users in through " +
	"the API (InitiateAuth) gives them access tokens with aws.cognito.signin.user.admin, and a client may write every standard attribute " +
	"unless its WriteAttributes say otherwise; map the identity provider's groups to a custom attribute, e.g. custom:groups, which only " +
	"clients whose WriteAttributes name it can write"

// refused are claims that cannot hold groups, with the reason.
var refused = map[string]string{
	"sub": "the user's identifier", "username": "the user's name", "cognito:username": "the user's name",
	"preferred_username": "a sign-in alias", "email": "the user's email address", "email_verified": "a boolean",
	"phone_number": "the user's phone number", "phone_number_verified": "a boolean", "address": "an address object",
	"birthdate": "a date", "updated_at": "a time", "picture": "a URL", "identities": "the federated identities Cognito links",
	"iss": "the token's issuer", "aud": "the token's audience", "exp": "the token's expiry", "nbf": "the token's start",
	"iat": "the token's issue time", "jti": "the token's id", "token_use": "the token's type", "scope": "the access token's scopes",
	"client_id": "the app client", "auth_time": "a time", "origin_jti": "a token id", "event_id": "an event id",
	"nonce": "a nonce", "at_hash": "a hash", "cognito:roles": "IAM roles", "cognito:preferred_role": "an IAM role",
}

// CheckClaim says why name cannot be a groups claim, or returns nil.
func CheckClaim(name string) error {
	if name == AccessTokenClaim {
		return nil
	}
	if slices.Contains(standardAttributes, name) {
		return fmt.Errorf("%q cannot hold groups: it is %s", name, standardWhy)
	}
	if why, ok := refused[name]; ok {
		return fmt.Errorf("%q cannot hold groups: it is %s; map the identity provider's groups attribute to a custom attribute, e.g. custom:groups", name, why)
	}
	if attr, ok := strings.CutPrefix(name, "custom:"); ok {
		if attr == "" || len(attr) > maxCustomName || strings.IndexFunc(attr, func(r rune) bool {
			return !(r < utf8.RuneSelf && (r == '_' || r == '-' || r == '.' || unicode.IsLetter(r) || unicode.IsDigit(r)))
		}) >= 0 {
			return fmt.Errorf("%q is not a custom attribute name: write custom: and 1 to %d letters, digits, '_', '-' or '.', e.g. custom:groups", name, maxCustomName)
		}
		return nil
	}
	if strings.HasPrefix(name, "cognito:") {
		return fmt.Errorf("%q cannot hold groups: of Cognito's own claims only %s does", name, AccessTokenClaim)
	}
	if strings.EqualFold(name, AccessTokenClaim) || strings.HasPrefix(strings.ToLower(name), "custom:") {
		return fmt.Errorf("%q: claim names are case-sensitive; write cognito:groups or custom:<name> in lower case as shown", name)
	}
	return fmt.Errorf("%q is not a claim that can hold groups: use %s (the access token's Cognito groups) or a custom attribute such as custom:groups",
		name, AccessTokenClaim)
}

// Validate reports every problem of c at once, each naming the claim or
// field.
func (c Config) Validate() error {
	var errs []error
	if len(c.Claims) > MaxClaims {
		errs = append(errs, fmt.Errorf("claims: lists %d claims; at most %d are allowed", len(c.Claims), MaxClaims))
	}
	for i, n := range c.Claims {
		if err := CheckClaim(n); err != nil {
			errs = append(errs, fmt.Errorf("claims[%d]: %w", i, err))
		} else if slices.Contains(c.Claims[:i], n) {
			errs = append(errs, fmt.Errorf("claims[%d]: lists %q twice; remove the duplicate", i, n))
		}
	}
	switch c.Separator {
	case SeparatorNone, SeparatorComma, SeparatorSpace:
	default:
		errs = append(errs, fmt.Errorf("separator: %q is not a separator; use comma, space, or leave it out (a plain string is one group)", string(c.Separator)))
	}
	return errors.Join(errs...)
}

// ParseConfig decodes EnvVar's value: "" means Default; otherwise a JSON
// object {"claims": [...], "separator": "..."} with nothing else, which
// must pass Validate.
func ParseConfig(s string) (Config, error) {
	if s == "" {
		return Default(), nil
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	var c Config
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf(`not a JSON object {"claims":["custom:groups"],"separator":"comma"}: %w`, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Config{}, errors.New("data after the JSON object")
	}
	if len(c.Claims) == 0 {
		return Config{}, errors.New(`"claims" is missing or empty; leave the variable unset for cognito:groups only`)
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// JSON returns c as ParseConfig reads it.
func (c Config) JSON() string {
	b, err := json.Marshal(Config{Claims: c.claims(), Separator: c.Separator})
	if err != nil {
		panic("groupclaim: config does not encode: " + err.Error())
	}
	return string(b)
}

// Form is the shape a claim's value had.
type Form string

const (
	FormAbsent      Form = "absent"
	FormAccessToken Form = "access-token"
	FormJSONArray   Form = "json-array"
	FormJSONString  Form = "json-in-string"
	FormBracketed   Form = "bracketed"
	FormSingle      Form = "single"
	FormSeparated   Form = "separated"
	FormInvalid     Form = "invalid"
)

// Reasons an *Error gives.
const (
	ReasonType      = "not_string_or_array"
	ReasonTooLong   = "too_long"
	ReasonTooMany   = "too_many"
	ReasonElement   = "element_not_string"
	ReasonEmpty     = "empty_name"
	ReasonControl   = "control_character"
	ReasonSpace     = "surrounding_space"
	ReasonSeparator = "separator_in_name"
	ReasonNested    = "nested_or_quoted"
	ReasonMalformed = "malformed"
	ReasonNameLong  = "name_too_long"
)

// Error is a claim that holds no usable list of groups.
type Error struct {
	// Claim is the claim's name; Form what it looked like; Count the
	// elements seen (0 when none could be told apart); Reason one of the
	// Reason constants.
	Claim  string
	Form   Form
	Count  int
	Reason string
}

func (e *Error) Error() string {
	return fmt.Sprintf("group claim %s: %s (form %s, %d elements)", e.Claim, e.Reason, e.Form, e.Count)
}

// Parse returns the groups the value v of claim holds (v as the JSON
// decoder of the verified claims gives it: string, []any, json.Number,
// bool, map or nil for a JSON null) and its form. A claim that is absent
// is not Parse's to see: callers pass only present values.
func Parse(claim string, v any, sep Separator) ([]string, Form, error) {
	fail := func(form Form, n int, reason string) ([]string, Form, error) {
		return nil, form, &Error{Claim: claim, Form: form, Count: n, Reason: reason}
	}
	switch x := v.(type) {
	case []any:
		if len(x) > MaxGroups {
			return fail(FormJSONArray, len(x), ReasonTooMany)
		}
		out := make([]string, 0, len(x))
		total := 0
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return fail(FormJSONArray, len(x), ReasonElement)
			}
			if reason := checkName(s); reason != "" {
				return fail(FormJSONArray, len(x), reason)
			}
			total += utf8.RuneCountInString(s)
			out = append(out, s)
		}
		if total > MaxValueLength {
			return fail(FormJSONArray, len(x), ReasonTooLong)
		}
		return dedupe(out), FormJSONArray, nil
	case string:
		return parseString(claim, x, sep)
	}
	return fail(FormInvalid, 0, ReasonType)
}

func parseString(claim, s string, sep Separator) ([]string, Form, error) {
	fail := func(form Form, n int, reason string) ([]string, Form, error) {
		return nil, form, &Error{Claim: claim, Form: form, Count: n, Reason: reason}
	}
	if len(s) > 4*MaxValueLength || utf8.RuneCountInString(s) > MaxValueLength {
		return fail(FormInvalid, 0, ReasonTooLong)
	}
	if !utf8.ValidString(s) {
		return fail(FormInvalid, 0, ReasonControl)
	}
	if strings.HasPrefix(s, "[") {
		if list, ok, n := jsonStrings(s); ok {
			if list == nil {
				return fail(FormJSONString, n, ReasonElement)
			}
			if len(list) > MaxGroups {
				return fail(FormJSONString, len(list), ReasonTooMany)
			}
			for _, g := range list {
				if reason := checkName(g); reason != "" {
					return fail(FormJSONString, len(list), reason)
				}
			}
			return dedupe(list), FormJSONString, nil
		}
		inner, ok := strings.CutSuffix(s[1:], "]")
		if !ok || strings.ContainsAny(inner, `[]"\`) {
			return fail(FormInvalid, 0, ReasonMalformed)
		}
		if inner == "" {
			return []string{}, FormBracketed, nil
		}
		list := strings.Split(inner, ", ")
		if len(list) > MaxGroups {
			return fail(FormBracketed, len(list), ReasonTooMany)
		}
		for _, g := range list {
			if reason := checkName(g); reason != "" {
				return fail(FormBracketed, len(list), reason)
			}
		}
		return dedupe(list), FormBracketed, nil
	}
	var list []string
	form := FormSeparated
	switch sep {
	case SeparatorComma:
		list = strings.Split(s, ",")
		for i, g := range list {
			list[i] = strings.Trim(g, " ")
		}
	case SeparatorSpace:
		list = strings.Split(s, " ")
	default:
		list, form = []string{s}, FormSingle
	}
	if len(list) > MaxGroups {
		return fail(form, len(list), ReasonTooMany)
	}
	for _, g := range list {
		if reason := checkName(g); reason != "" {
			return fail(form, len(list), reason)
		}
	}
	return dedupe(list), form, nil
}

// jsonStrings decodes s as exactly one JSON array. ok is false when s is
// not JSON; list is nil (with n elements seen) when it is JSON but not an
// array of strings.
func jsonStrings(s string) (list []string, ok bool, n int) {
	if !json.Valid([]byte(s)) {
		return nil, false, 0
	}
	var arr []any
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	if err := dec.Decode(&arr); err != nil {
		// Valid JSON, but not an array (cannot start with "[" then) or
		// trailing data: treat as not JSON.
		return nil, false, 0
	}
	out := make([]string, 0, len(arr))
	for _, e := range arr {
		str, isStr := e.(string)
		if !isStr {
			return nil, true, len(arr)
		}
		out = append(out, str)
	}
	return out, true, len(arr)
}

// checkName says why g cannot be a group name, or "".
func checkName(g string) string {
	switch {
	case g == "":
		return ReasonEmpty
	case len(g) > MaxNameLength:
		return ReasonNameLong
	}
	for i, r := range g {
		switch {
		case r == utf8.RuneError, unicode.IsControl(r), unicode.Is(unicode.Cf, r), unicode.Is(unicode.Zl, r), unicode.Is(unicode.Zp, r),
			unicode.Is(unicode.Co, r), unicode.Is(unicode.Cs, r), !unicode.IsPrint(r) && !unicode.IsSpace(r):
			return ReasonControl
		case r == ',':
			return ReasonSeparator
		case r == '[' || r == ']' || r == '"' || r == '\\':
			return ReasonNested
		case unicode.IsSpace(r) && (i == 0 || i+utf8.RuneLen(r) == len(g)):
			return ReasonSpace
		case unicode.IsSpace(r) && r != ' ':
			// Tabs are controls (above); other spaces (no-break, ideographic)
			// inside a name are look-alikes of a separator.
			return ReasonControl
		}
	}
	return ""
}

func dedupe(list []string) []string {
	out := list[:0]
	for i, g := range list {
		if !slices.Contains(list[:i], g) {
			out = append(out, g)
		}
	}
	return out
}

// Source is what one claim contributed.
type Source struct {
	Claim  string
	Form   Form
	Groups []string
}

// Collect returns the user's groups from every claim c lists, in c's
// order without repeats: AccessTokenClaim's are access (the verified access
// token's cognito:groups, nil when none was verified), every other claim's
// are read from user (the verified user claims) with Parse. A user claim
// that is absent contributes nothing. The first claim that fails to parse
// makes the whole result an *Error: no groups at all, so a route's groups
// check fails closed.
func (c Config) Collect(user map[string]any, access []string) ([]string, []Source, error) {
	var groups []string
	sources := make([]Source, 0, len(c.claims()))
	for _, name := range c.claims() {
		if name == AccessTokenClaim {
			sources = append(sources, Source{Claim: name, Form: FormAccessToken, Groups: access})
			groups = append(groups, access...)
			continue
		}
		v, ok := user[name]
		if !ok {
			sources = append(sources, Source{Claim: name, Form: FormAbsent})
			continue
		}
		got, form, err := Parse(name, v, c.Separator)
		if err != nil {
			return nil, append(sources, Source{Claim: name, Form: form}), err
		}
		sources = append(sources, Source{Claim: name, Form: form, Groups: got})
		groups = append(groups, got...)
	}
	return dedupe(groups), sources, nil
}
