package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// FromContext decodes the app's settings from CDK context (for example
// app.Node().GetAllContext), applies the defaults and validates the result.
//
// Values may be JSON values from cdk.json or strings from -c key=value:
// booleans accept true/false or "true"/"false"; integers accept whole numbers
// or decimal strings; durations accept a number of seconds or a string of
// seconds ("3600") or a Go duration ("8h"); lists accept a JSON array of
// strings or a string holding a JSON array (["openid","email"]), a
// comma-separated list (openid,email) or one in brackets ([openid,email], what
// a shell leaves of an unquoted JSON array). A null value, and an empty string for an
// optional key, mean the key is not set, so -c vpcId= restores the default.
// Strings are never trimmed: surrounding whitespace is an error.
//
// Keys that are neither settings nor the CDK's own (see IsCDKKey) are errors,
// with a suggestion when they look like a misspelt setting.
//
// The error, if any, is a Problems listing every problem found, one per line;
// the Config is then the zero value.
func FromContext(ctx map[string]any) (Config, error) {
	var c Config
	var ps Problems
	given := make(map[string]bool)
	failed := make(map[string]bool)
	for _, s := range specs {
		v, ok := ctx[s.Name]
		if !ok || v == nil || (!s.Required && v == "") {
			if s.Required {
				ps = append(ps, Problem{s.Name, fmt.Sprintf("is not set; set it to %s in cdk.json's context (%q: %s) or with -c %s=%s",
					s.what, s.Name, s.Example, s.Name, s.cliExample())})
				failed[s.Name] = true
			}
			continue
		}
		if s.kind() == kindRoutes {
			rs, usable, problems := decodeRoutes(s, v)
			ps = append(ps, problems...)
			if !usable {
				failed[s.Name] = true
				continue
			}
			// Routes with only unknown fields are still validated, so
			// that every problem is reported at once.
			*s.field(&c).(*[]routes.Route) = rs
			given[s.Name] = true
			continue
		}
		if msg := decodeValue(s, v); msg != "" {
			ps = append(ps, Problem{s.Name, msg})
			failed[s.Name] = true
			continue
		}
		decodeInto(s.field(&c), v)
		given[s.Name] = true
	}
	for _, s := range specs {
		if !given[s.Name] && s.setDefault != nil {
			s.setDefault(&c)
		}
	}
	c.normalize()
	ps = append(ps, unknownKeys(ctx)...)
	if err := c.Validate(); err != nil {
		for _, p := range err.(Problems) {
			if !failed[p.Key] {
				ps = append(ps, p)
			}
		}
	}
	// A key refused in the configuration's mode is refused even when its
	// value is the zero one Validate cannot tell from unset (false, 0).
	for _, p := range refusedKeys(c, func(k string) bool { return given[k] }) {
		if !failed[p.Key] && !slices.Contains(ps, p) {
			ps = append(ps, p)
		}
	}
	if err := ps.asError(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// normalize applies the rewrites FromContext promises: openid first in the
// scopes, no duplicate scopes or providers, and a Cognito host reduced to its
// prefix.
func (c *Config) normalize() {
	c.OAuthScopes = dedupe(append([]string{"openid"}, c.OAuthScopes...))
	c.IdentityProviders = dedupe(c.IdentityProviders)
	if prefix, region, suffix, ok := splitCognitoHost(c.UserPoolDomain); ok {
		if pool, ok := parseARN(c.UserPoolArn); ok && pool.Region == region && suffix == cognitoDomainSuffix(pool.Partition) {
			c.UserPoolDomain = prefix
		}
	}
}

func dedupe(list []string) []string {
	if list == nil {
		return nil
	}
	out := make([]string, 0, len(list))
	seen := make(map[string]bool, len(list))
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// decodeValue checks that v has the key's type and returns what is wrong, or
// "" when decodeInto can use it.
func decodeValue(s spec, v any) string {
	var err string
	switch s.kind() {
	case kindString:
		if str, ok := v.(string); ok {
			return tokenProblem(str)
		}
		if isNumber(v) {
			err = " (write it in quotes, as a string)"
		}
	case kindList:
		list, detail, ok := toList(v)
		if ok {
			for _, e := range list {
				if msg := tokenProblem(e); msg != "" {
					return msg
				}
			}
			return ""
		}
		err = detail
	case kindBool:
		if _, ok := toBool(v); ok {
			return ""
		}
	case kindInt:
		if _, ok := toInt(v); ok {
			return ""
		}
		if f, ok := v.(float64); ok && f == math.Trunc(f) {
			err = " (out of range)"
		}
	case kindDuration:
		if _, ok := toDuration(v); ok {
			return ""
		}
	case kindParams:
		m, detail, ok := toParams(v)
		if ok {
			for _, e := range m {
				if msg := tokenProblem(e); msg != "" {
					return msg
				}
			}
			return ""
		}
		err = detail
	}
	if str, ok := v.(string); ok && str != strings.TrimSpace(str) {
		err += " (remove the surrounding whitespace)"
	}
	return fmt.Sprintf("expected %s, got %s%s; e.g. %q: %s in cdk.json, or -c %s=%s",
		expectation(s.kind()), describe(v), err, s.Name, s.Example, s.Name, s.cliExample())
}

// The CDK reads three kinds of marker inside any string it writes to a template
// as a token, its encoding of a value only known later (aws-cdk-lib,
// core/lib/private/encoding.ts): "${Token[...]}" for a string, "#{Token[...]}"
// for a list, and -1.<digits>e+289 for a number. A configuration string
// holding one reaches the template as something other than what was written,
// or stops synth with "Unrecognized token key" or "Found an encoded list token
// string in a scalar string context". "${" is refused whole: nothing in a
// setting needs it, and it starts every string token.
var (
	tokenMarkers  = []string{"${", "#{Token["}
	numberTokenRe = regexp.MustCompile(`-1\.[0-9]{10,16}e\+289`)
)

// tokenProblem says why s cannot be used if it holds a CDK token marker; ""
// otherwise.
func tokenProblem(s string) string {
	marker := ""
	for _, m := range tokenMarkers {
		if strings.Contains(s, m) {
			marker = m
			break
		}
	}
	if marker == "" {
		marker = numberTokenRe.FindString(s)
	}
	if marker == "" {
		return ""
	}
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return fmt.Sprintf("%q contains %q, which the CDK reads as (the start of) a CDK token (a value resolved at deploy time), "+
		"not as text; configuration values are literal: write the value itself, without %s", s, marker, marker)
}

// decodeInto stores v, which decodeValue accepted, in the field ptr points to.
func decodeInto(ptr, v any) {
	switch p := ptr.(type) {
	case *string:
		*p = v.(string)
	case *[]string:
		*p, _, _ = toList(v)
	case *bool:
		*p, _ = toBool(v)
	case *int:
		*p, _ = toInt(v)
	case *time.Duration:
		*p, _ = toDuration(v)
	case *map[string]string:
		*p, _, _ = toParams(v)
	}
}

// toParams accepts a JSON object of strings, or a string holding one (from
// -c). When it doesn't, detail may say why.
func toParams(v any) (map[string]string, string, bool) {
	if str, ok := v.(string); ok {
		if !strings.HasPrefix(strings.TrimSpace(str), "{") {
			return nil, "", false
		}
		var obj map[string]any
		if err := json.Unmarshal([]byte(str), &obj); err != nil {
			return nil, " that starts like a JSON object but is not valid JSON (" + err.Error() + ")", false
		}
		v = obj
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, "", false
	}
	out := make(map[string]string, len(obj))
	for k, e := range obj {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Sprintf(" whose member %q is %s, not a string", k, describe(e)), false
		}
		out[k] = s
	}
	return out, "", true
}

func expectation(k kind) string {
	switch k {
	case kindRoutes:
		return `a list of route objects (a JSON array such as [{"name":"admin","paths":["/admin/*"],"groups":["admins"]}], or that array as a string)`
	case kindParams:
		return `an object of strings (a JSON object such as {"identity_provider":"EntraID"}, or that object as a string)`
	case kindList:
		return `a list of strings (a JSON array such as ["a","b"], or a string such as a,b)`
	case kindBool:
		return "true or false"
	case kindInt:
		return "a whole number"
	case kindDuration:
		return `a duration (a number of seconds such as 3600, or a string such as "3600", "8h" or "90m")`
	}
	return "a string"
}

// describe names v's JSON type and shows short values.
func describe(v any) string {
	switch x := v.(type) {
	case string:
		if len(x) > 80 {
			x = x[:77] + "..."
		}
		return fmt.Sprintf("string %q", x)
	case bool:
		return fmt.Sprintf("boolean %t", x)
	case float64:
		format := byte('g')
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			format = 'f'
		}
		return "number " + strconv.FormatFloat(x, format, -1, 64)
	case float32, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, json.Number:
		return fmt.Sprintf("number %v", x)
	case []any, []string:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("a value of Go type %T", v)
}

func isNumber(v any) bool {
	switch v.(type) {
	case float64, float32, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, json.Number:
		return true
	}
	return false
}

// toList accepts a JSON array of strings, or a string holding a JSON array, a
// comma-separated list, or a comma-separated list in brackets (a JSON array
// after a shell removed its quotes). When it doesn't, detail may say why.
func toList(v any) (list []string, detail string, ok bool) {
	switch x := v.(type) {
	case []string:
		return append([]string{}, x...), "", true
	case []any:
		list := make([]string, len(x))
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Sprintf(" whose element %d is %s, not a string", i, describe(e)), false
			}
			list[i] = s
		}
		return list, "", true
	case string:
		if strings.HasPrefix(strings.TrimSpace(x), "[") {
			var arr []any
			err := json.Unmarshal([]byte(x), &arr)
			if err == nil {
				return toList(arr)
			}
			// A JSON array whose quotes a shell removed, as make synth
			// CDK_ARGS='-c oauthScopes=["openid","email"]' does: [openid,email].
			inner, ok := strings.CutPrefix(x, "[")
			if inner, ok = strings.CutSuffix(inner, "]"); !ok || strings.ContainsAny(inner, `"[]`) {
				return nil, " that starts like a JSON array but is not valid JSON (" + err.Error() + ")", false
			}
			x = inner
		}
		list := strings.Split(x, ",")
		for _, e := range list {
			if e == "" {
				return nil, " with an empty element (a doubled, leading or trailing comma)", false
			}
		}
		return list, "", true
	}
	return nil, "", false
}

func toBool(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		switch x {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

var intRe = regexp.MustCompile(`^-?[0-9]{1,15}$`)

// maxWhole bounds whole numbers read from JSON: far beyond every range the
// validator accepts, and small enough to be exact in a float64 and an int.
const maxWhole = 1 << 50

func toInt(v any) (int, bool) {
	switch x := v.(type) {
	case float64:
		if x == math.Trunc(x) && math.Abs(x) <= maxWhole {
			return int(x), true
		}
	case int:
		return x, true
	case int32:
		return int(x), true
	case int64:
		if x >= -maxWhole && x <= maxWhole {
			return int(x), true
		}
	case json.Number:
		return toInt(string(x))
	case string:
		if intRe.MatchString(x) {
			n, err := strconv.Atoi(x)
			return n, err == nil
		}
	}
	return 0, false
}

// maxSeconds bounds durations read as seconds so they cannot overflow.
const maxSeconds = 1 << 32

func toDuration(v any) (time.Duration, bool) {
	if s, ok := v.(string); ok {
		if intRe.MatchString(s) {
			n, err := strconv.Atoi(s)
			if err != nil || n > maxSeconds || n < -maxSeconds {
				return 0, false
			}
			return time.Duration(n) * time.Second, true
		}
		d, err := time.ParseDuration(s)
		return d, err == nil
	}
	if _, ok := v.(bool); ok || !isNumber(v) {
		return 0, false
	}
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case json.Number:
		var err error
		if f, err = x.Float64(); err != nil {
			return 0, false
		}
	default:
		n, ok := toInt(v)
		if !ok {
			return 0, false
		}
		f = float64(n)
	}
	if math.IsNaN(f) || math.Abs(f) > maxSeconds {
		return 0, false
	}
	return time.Duration(f * float64(time.Second)), true
}

// IsCDKKey reports whether a context key belongs to the CDK rather than to this
// app: feature flags and library settings ("@aws-cdk/..." and other "@scope/..."
// keys), keys the CDK CLI and framework set ("aws:cdk:...", "aws-cdk:...",
// "cdk:...", "cdk-...", "cli-..."), acknowledged-issue-numbers, and the
// context providers' cached lookups in cdk.context.json (keys with ":account=").
// FromContext ignores these keys and rejects every other key it doesn't know.
func IsCDKKey(key string) bool {
	if key == "acknowledged-issue-numbers" || strings.Contains(key, ":account=") {
		return true
	}
	for _, prefix := range []string{"@", "aws:", "aws-cdk:", "cdk:", "cdk-", "cli-"} {
		if strings.HasPrefix(key, prefix) {
			return true
		}
	}
	return false
}

func unknownKeys(ctx map[string]any) Problems {
	var names []string
	for k := range ctx {
		if _, ok := lookup(k); !ok && !IsCDKKey(k) {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	var ps Problems
	for _, k := range names {
		msg := "is not a setting of this app, nor a CDK key"
		if s := suggest(k); s != "" {
			msg += fmt.Sprintf("; did you mean %s? Rename it to %s", s, s)
		} else {
			msg += "; remove it or correct its name (every setting is listed in docs/configuration.md)"
		}
		ps = append(ps, Problem{k, msg})
	}
	return ps
}

// suggest returns the setting closest to key, if it is close enough to be a
// misspelling: differences of case, a few edits, or one name containing the other.
func suggest(key string) string {
	k := strings.ToLower(key)
	best, bestDist := "", math.MaxInt
	for _, s := range specs {
		name := strings.ToLower(s.Name)
		d := editDistance(k, name)
		if d > max(2, len(name)/3) && !(len(k) >= 4 && (strings.Contains(name, k) || strings.Contains(k, name))) {
			continue
		}
		if d < bestDist {
			best, bestDist = s.Name, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// decodeRoutes decodes a list of route objects: a JSON array from cdk.json, or
// a string holding one from -c. Each route is decoded strictly, so a
// misspelt field is an error, and every route's problem is reported. The
// routes are usable for validation when the only problems are unknown
// fields: the known ones are then decoded all the same.
func decodeRoutes(s spec, v any) ([]routes.Route, bool, Problems) {
	wrong := func(detail string) ([]routes.Route, bool, Problems) {
		return nil, false, Problems{{s.Name, fmt.Sprintf("expected %s, got %s%s; e.g. %q: %s in cdk.json, or -c %s='%s'",
			expectation(kindRoutes), describe(v), detail, s.Name, s.Example, s.Name, s.cliExample())}}
	}
	if str, ok := v.(string); ok {
		if !strings.HasPrefix(strings.TrimSpace(str), "[") {
			return wrong("")
		}
		var arr []any
		if err := json.Unmarshal([]byte(str), &arr); err != nil {
			return wrong(" that starts like a JSON array but is not valid JSON (" + err.Error() + ")")
		}
		v = arr
	}
	arr, ok := v.([]any)
	if !ok {
		return wrong("")
	}
	out := make([]routes.Route, len(arr))
	usable := true
	var ps Problems
	for i, e := range arr {
		field := fmt.Sprintf("%s[%d]", s.Name, i)
		if _, ok := e.(map[string]any); !ok {
			ps = append(ps, Problem{field, fmt.Sprintf(`expected a route object such as {"name":"admin","paths":["/admin/*"]}, got %s`, describe(e))})
			usable = false
			continue
		}
		ps = append(ps, explicitRouteProblems(field, e.(map[string]any))...)
		data, err := json.Marshal(e)
		if err != nil {
			ps = append(ps, Problem{field, "cannot be encoded as JSON: " + err.Error()})
			usable = false
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&out[i]); err != nil {
			ps = append(ps, routeDecodeProblem(field, err))
			out[i] = routes.Route{}
			if json.Unmarshal(data, &out[i]) != nil {
				usable = false
			}
		}
	}
	return out, usable, ps
}

// explicitRouteProblems finds what only the route's JSON shows: a field
// written with a value that decodes to "not set". An empty groups, scopes,
// clients or methods list and a priority of 0 would silently mean the same
// as leaving the field out (no group, no scope, a sign-in route rather than
// a machine route, every method, a derived priority), which is not what
// writing them says.
func explicitRouteProblems(field string, r map[string]any) Problems {
	var ps Problems
	empty := map[string]string{
		"groups": "an empty list requires no group, as leaving groups out does, so every signed-in user would enter; " +
			`list the Cognito groups whose members may enter, e.g. ["admins"], or remove groups`,
		"scopes": "an empty list requires no scope, as leaving scopes out does; " +
			`list the scopes the access token must carry, e.g. ["https://app.example.com/reports.read"], or remove scopes`,
		"clients": "an empty list makes the route a sign-in route for users, as leaving clients out does, not a machine route; " +
			`list the machine clients that may call it, e.g. ["nightly-report"], or remove clients`,
		"methods": "an empty list limits the route to no method, and means every method, as leaving methods out does; " +
			`list the methods the route covers, e.g. ["POST", "PUT", "DELETE"], or remove methods`,
	}
	for _, name := range []string{"groups", "scopes", "clients", "methods"} {
		if list, ok := r[name].([]any); ok && len(list) == 0 {
			ps = append(ps, Problem{field + "." + name, empty[name]})
		}
	}
	if p := r["priority"]; isNumber(p) && fmt.Sprint(p) == "0" {
		ps = append(ps, Problem{field + ".priority", fmt.Sprintf("0 is not a listener rule priority; give one from 1 to %d, "+
			"or remove priority to have it derived (the next multiple of %d after the previous route's)", routes.MaxPriority, routes.PriorityStep)})
	}
	return ps
}

// routeFields are the fields a route may be given in configuration.
var routeFields = []string{"name", "paths", "methods", "groups", "scopes", "onUnauthenticatedRequest", "authenticationRequestExtraParams", "clients", "priority", "allowEncodedSlashes"}

// routeDecodeProblem turns a JSON decoding error into a problem naming the field.
func routeDecodeProblem(field string, err error) Problem {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		want := map[string]string{
			"name": "a string", "onUnauthenticatedRequest": "a string", "priority": "a whole number",
			"paths": "a list of strings", "methods": "a list of strings", "allowEncodedSlashes": "true or false", "groups": "a list of strings", "scopes": "a list of strings", "clients": "a list of strings",
			"authenticationRequestExtraParams": `an object of strings, e.g. {"identity_provider":"Google"}`,
		}
		top, _, _ := strings.Cut(te.Field, ".")
		w, ok := want[top]
		if !ok {
			w = "a " + te.Type.String()
		}
		return Problem{field + "." + te.Field, fmt.Sprintf("expected %s, got a JSON %s", w, te.Value)}
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if name, ok := strings.CutPrefix(msg, "unknown field "); ok {
		name = strings.Trim(name, `"`)
		hint := "the fields are " + strings.Join(routeFields, ", ")
		for _, f := range routeFields {
			if d := editDistance(strings.ToLower(name), strings.ToLower(f)); d <= max(2, len(f)/4) {
				hint = "did you mean " + f + "?"
				break
			}
		}
		return Problem{field, fmt.Sprintf("unknown field %q; %s", name, hint)}
	}
	return Problem{field, msg}
}
