package jwtstrict

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Sentinel errors. Every error returned by this package wraps exactly one.
var (
	// ErrMalformed: the token is not three strict base64url segments, a
	// segment is not one UTF-8 JSON object, or a header parameter has the
	// wrong type.
	ErrMalformed = errors.New("malformed token")
	// ErrCrit: the header has a crit (or b64) parameter. We understand no
	// extensions, so RFC 7515 §4.1.11 requires rejecting the token.
	ErrCrit = errors.New("unsupported critical header")
	// ErrClaimType: a registered claim has the wrong type or an out-of-range
	// value.
	ErrClaimType = errors.New("claim has the wrong type")
	// ErrMissing: a claim the caller requires is absent.
	ErrMissing = errors.New("required claim missing")
	// ErrExpired: exp is not after now minus the leeway.
	ErrExpired = errors.New("token expired")
	// ErrNotYetValid: nbf is after now plus the leeway.
	ErrNotYetValid = errors.New("token not valid yet")
	// ErrIssuedInFuture: iat is after now plus the leeway.
	ErrIssuedInFuture = errors.New("token issued in the future")
)

// MaxNumericDate is the largest NumericDate accepted: 9999-12-31T23:59:59Z.
// Anything larger is out of range, so conversions to time.Time never
// overflow.
const MaxNumericDate = 253402300799

// maxDepth bounds JSON nesting in a header or payload. Real tokens nest
// two or three levels deep.
const maxDepth = 32

func wrap(kind error, format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{kind}, args...)...)
}

// Options tunes [Split] and [Parse].
type Options struct {
	// Padding allows "=" padding at the end of each segment. The load
	// balancer pads its tokens; RFC 7515 §2 (and Cognito) do not. A segment
	// with padding must have exactly as much as its length requires.
	Padding bool
}

// Split checks the compact serialization (RFC 7515 §7.1) and returns its
// three segments as sent: exactly two "." separators, no empty segment (an
// empty signature is an unsigned token, RFC 7515 §A.5, which no verifier
// here accepts), and only base64url characters (RFC 7515 §2): no
// whitespace, CR or LF anywhere (encoding/base64 would skip CR and LF).
func Split(token string, opts Options) (header, payload, signature string, err error) {
	first := strings.IndexByte(token, '.')
	if first < 0 {
		return "", "", "", wrap(ErrMalformed, "not three segments")
	}
	rest := token[first+1:]
	second := strings.IndexByte(rest, '.')
	if second < 0 || strings.IndexByte(rest[second+1:], '.') >= 0 {
		return "", "", "", wrap(ErrMalformed, "not three segments")
	}
	header, payload, signature = token[:first], rest[:second], rest[second+1:]
	for i, seg := range [3]string{header, payload, signature} {
		if err := checkSegment(seg, opts.Padding); err != nil {
			return "", "", "", fmt.Errorf("segment %d: %w", i+1, err)
		}
	}
	return header, payload, signature, nil
}

// checkSegment enforces the base64url alphabet and, when padding is
// allowed, that "=" appears only at the end, at most twice, and makes the
// length a multiple of four.
func checkSegment(seg string, padding bool) error {
	if seg == "" {
		return wrap(ErrMalformed, "empty")
	}
	body := seg
	if padding {
		body = strings.TrimRight(seg, "=")
		if pad := len(seg) - len(body); pad > 0 && (pad > 2 || len(seg)%4 != 0) {
			return wrap(ErrMalformed, "wrong padding")
		}
	}
	for i := 0; i < len(body); i++ {
		if !base64URL[body[i]] {
			return wrap(ErrMalformed, "byte %d is not base64url", i)
		}
	}
	return nil
}

// base64URL marks the 64 characters of the base64url alphabet (RFC 4648
// §5), so checking a byte is one load.
var base64URL = func() (t [256]bool) {
	for _, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" {
		t[c] = true
	}
	return t
}()

// DecodeSegment decodes one segment strictly: the alphabet as in [Split],
// and canonical encoding only (RFC 4648 §3.5: the unused bits of the last
// character are zero), so a segment has exactly one spelling.
func DecodeSegment(seg string, opts Options) ([]byte, error) {
	if err := checkSegment(seg, opts.Padding); err != nil {
		return nil, err
	}
	return decodeChecked(seg)
}

// The strict encodings, made once (Strict returns a new copy each call).
var (
	rawURLStrict = base64.RawURLEncoding.Strict()
	urlStrict    = base64.URLEncoding.Strict()
)

// encodingOf is the strict encoding of a segment: padded or not.
func encodingOf(seg string) *base64.Encoding {
	if strings.HasSuffix(seg, "=") {
		return urlStrict
	}
	return rawURLStrict
}

// decodeChecked is [DecodeSegment] for a segment checkSegment has passed.
func decodeChecked(seg string) ([]byte, error) {
	b, err := encodingOf(seg).DecodeString(seg)
	if err != nil {
		return nil, wrap(ErrMalformed, "not canonical base64url")
	}
	return b, nil
}

// decodeObjectChecked is [DecodeSegment] then [DecodeObject] for a
// segment checkSegment has passed. The decoded bytes go to a buffer on the
// stack when they fit, so the text is copied to the heap once, as the
// string the values are cut from.
func decodeObjectChecked(seg string) (map[string]any, error) {
	var buf [2048]byte
	enc := encodingOf(seg)
	b := buf[:]
	if n := enc.DecodedLen(len(seg)); n > len(b) {
		b = make([]byte, n)
	}
	n, err := enc.Decode(b, []byte(seg))
	if err != nil {
		return nil, wrap(ErrMalformed, "not canonical base64url")
	}
	if !utf8.Valid(b[:n]) {
		return nil, wrap(ErrMalformed, "not UTF-8")
	}
	return decodeObject(string(b[:n]))
}

// DecodeObject decodes a header or payload: valid UTF-8 (RFC 8259 §8.1)
// holding exactly one JSON object (RFC 7515 §5.2 step 4, RFC 7519 §7.2
// step 10) with nothing after it but JSON whitespace, no member name twice
// in any object (RFC 7515 §4 and RFC 7519 §4 let parsers reject
// duplicates rather than keep the last), and nesting at most 32 deep.
// Numbers are returned as json.Number, objects as map[string]any and
// arrays as []any: what encoding/json's Decoder with UseNumber returns.
//
// One pass checks the text against JSON's grammar, exactly as json.Valid
// does, and builds the values, finding duplicate names as it inserts them.
func DecodeObject(data []byte) (map[string]any, error) {
	if !utf8.Valid(data) {
		return nil, wrap(ErrMalformed, "not UTF-8")
	}
	return decodeObject(string(data))
}

// errNotObject is the error for text that is not one JSON object.
var errNotObject = wrap(ErrMalformed, "not a JSON object")

// decodeObject is [DecodeObject] for valid UTF-8. Every string without
// escapes and every number it returns is a substring of s, so decoding
// copies the text once, not once per value.
func decodeObject(s string) (map[string]any, error) {
	d := decoder{s: s}
	if d.next() != '{' {
		return nil, errNotObject
	}
	obj, err := d.object(1, memberHint(s))
	if err == nil {
		if d.next(); d.i != len(s) {
			err = errNotObject // something after the object
		}
	}
	if err != nil && err != errNotObject && !json.Valid([]byte(s)) { //nolint:errorlint // our own sentinel
		// A duplicate name or deep nesting in text that is not valid JSON
		// further on: the text's invalidity is what is reported.
		err = errNotObject
	}
	if err != nil {
		return nil, err
	}
	return obj, nil
}

// memberHint is about the number of members of the object s holds, for
// making its map at its size: the number of colons right after a quote,
// which counts those in nested objects and escaped in strings too, up to
// 64.
func memberHint(s string) (n int) {
	for n < 64 {
		i := strings.IndexByte(s, ':')
		if i < 0 {
			break
		}
		if i > 0 && s[i-1] == '"' {
			n++
		}
		s = s[i+1:]
	}
	return n
}

// decoder reads JSON text, checking its grammar (RFC 8259) as it goes.
type decoder struct {
	s string
	i int
}

// next skips JSON whitespace and returns the next byte, or 0 at the end
// (where a 0 byte in the text is as invalid as the end).
func (d *decoder) next() byte {
	for ; d.i < len(d.s); d.i++ {
		switch c := d.s[d.i]; c {
		case ' ', '\t', '\n', '\r':
		default:
			return c
		}
	}
	return 0
}

// value decodes the value after d.i, depth objects and arrays deep.
func (d *decoder) value(depth int) (any, error) {
	switch c := d.next(); c {
	case '{', '[':
		if depth == maxDepth {
			return nil, wrap(ErrMalformed, "JSON nested deeper than %d", maxDepth)
		}
		if c == '{' {
			return d.object(depth+1, 0)
		}
		return d.array(depth + 1)
	case '"':
		return d.string()
	case 't':
		return true, d.literal("true")
	case 'f':
		return false, d.literal("false")
	case 'n':
		return nil, d.literal("null")
	}
	return d.number()
}

// object decodes the object whose "{" is at d.i, into a map made for size
// members.
func (d *decoder) object(depth, size int) (map[string]any, error) {
	obj := make(map[string]any, size)
	d.i++ // {
	if d.next() == '}' {
		d.i++
		return obj, nil
	}
	for {
		if d.next() != '"' {
			return nil, errNotObject
		}
		name, err := d.string()
		if err != nil {
			return nil, err
		}
		if _, dup := obj[name]; dup {
			return nil, wrap(ErrMalformed, "duplicate member name")
		}
		if d.next() != ':' {
			return nil, errNotObject
		}
		d.i++
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		obj[name] = v
		switch d.next() {
		case ',':
			d.i++
		case '}':
			d.i++
			return obj, nil
		default:
			return nil, errNotObject
		}
	}
}

// array decodes the array whose "[" is at d.i.
func (d *decoder) array(depth int) ([]any, error) {
	arr := []any{}
	d.i++ // [
	if d.next() == ']' {
		d.i++
		return arr, nil
	}
	for {
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		arr = append(arr, v)
		switch d.next() {
		case ',':
			d.i++
		case ']':
			d.i++
			return arr, nil
		default:
			return nil, errNotObject
		}
	}
}

// string decodes the string whose opening quote is at d.i: no control
// characters, only JSON's escapes. One without escapes is its text; one
// with escapes is unescaped by encoding/json, so "a" and "\u0061" are the
// same name.
func (d *decoder) string() (string, error) {
	start := d.i + 1
	escaped := false
	for i := start; i < len(d.s); i++ {
		switch c := d.s[i]; {
		case c == '"':
			d.i = i + 1
			if !escaped {
				return d.s[start:i], nil
			}
			var s string
			if err := json.Unmarshal([]byte(d.s[start-1:i+1]), &s); err != nil {
				return "", wrap(ErrMalformed, "invalid JSON string")
			}
			return s, nil
		case c == '\\':
			escaped = true
			if i++; i == len(d.s) {
				return "", errNotObject
			}
			switch d.s[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(d.s) || !isHex(d.s[i+1]) || !isHex(d.s[i+2]) || !isHex(d.s[i+3]) || !isHex(d.s[i+4]) {
					return "", errNotObject
				}
				i += 4
			default:
				return "", errNotObject
			}
		case c < ' ':
			return "", errNotObject
		}
	}
	return "", errNotObject // unterminated
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// number decodes the number at d.i: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (d *decoder) number() (json.Number, error) {
	s, start := d.s, d.i
	i := start
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		i = digits(s, i)
	default:
		return "", errNotObject
	}
	if i < len(s) && s[i] == '.' {
		if i++; i == len(s) || !isDigit(s[i]) {
			return "", errNotObject
		}
		i = digits(s, i)
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		if i++; i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i == len(s) || !isDigit(s[i]) {
			return "", errNotObject
		}
		i = digits(s, i)
	}
	d.i = i
	return json.Number(s[start:i]), nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// digits returns the index of the first byte at or after i that is not a
// digit.
func digits(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// literal consumes lit (true, false or null) at d.i.
func (d *decoder) literal(lit string) error {
	if !strings.HasPrefix(d.s[d.i:], lit) {
		return errNotObject
	}
	d.i += len(lit)
	return nil
}

// CheckHeader checks the types of the header parameters we read and
// refuses extensions: alg must be a non-empty string (RFC 7515 §4.1.1; the
// caller checks its value); kid, typ and cty must be strings when present
// (§4.1.4, §4.1.9, §4.1.10); crit must be absent (§4.1.11: we understand
// no extension, so any crit, even an empty list, is refused), and so must
// b64 (RFC 7797 §6: only meaningful when listed in crit).
func CheckHeader(h map[string]any) error {
	if _, ok := h["crit"]; ok {
		return wrap(ErrCrit, "crit header parameter")
	}
	if _, ok := h["b64"]; ok {
		return wrap(ErrCrit, "b64 header parameter")
	}
	if alg, ok := h["alg"].(string); !ok || alg == "" {
		return wrap(ErrMalformed, "alg is not a non-empty string")
	}
	for _, name := range [...]string{"kid", "typ", "cty"} {
		if v, ok := h[name]; ok {
			if _, ok := v.(string); !ok {
				return wrap(ErrMalformed, "header %s is not a string", name)
			}
		}
	}
	return nil
}

// NumericDateClaims are the claims [CheckClaimTypes] requires to be
// NumericDates (RFC 7519 §4.1.4–§4.1.6).
var NumericDateClaims = []string{"exp", "nbf", "iat"}

// StringClaims are the claims [CheckClaimTypes] requires to be strings:
// iss, sub, jti (RFC 7519 §4.1.1, §4.1.2, §4.1.7), scope and client_id
// (RFC 8693 §4.2, §4.3), and Cognito's token_use.
var StringClaims = []string{"iss", "sub", "jti", "scope", "client_id", "token_use"}

// CheckClaimTypes checks the types of the registered claims that are
// present (none is required here): [NumericDateClaims] must be
// NumericDates as [NumericDate] defines them, [StringClaims] strings, and
// aud a string or an array of strings (RFC 7519 §4.1.3). It returns the
// first problem, in the order of those lists, wrapping [ErrClaimType].
func CheckClaimTypes(claims map[string]any) error {
	for _, name := range NumericDateClaims {
		if v, ok := claims[name]; ok {
			if _, err := NumericDate(v); err != nil {
				return wrap(ErrClaimType, "%s is not a NumericDate", name)
			}
		}
	}
	for _, name := range StringClaims {
		if v, ok := claims[name]; ok {
			if _, ok := v.(string); !ok {
				return wrap(ErrClaimType, "%s is not a string", name)
			}
		}
	}
	if v, ok := claims["aud"]; ok {
		if _, err := StringOrStrings(v); err != nil {
			return wrap(ErrClaimType, "aud is not a string or an array of strings")
		}
	}
	return nil
}

// StringOrStrings returns v as a list if it is a string or an array of
// strings (the shape of aud, RFC 7519 §4.1.3).
func StringOrStrings(v any) ([]string, error) {
	switch x := v.(type) {
	case string:
		return []string{x}, nil
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, wrap(ErrClaimType, "array element %d is not a string", i)
			}
			out[i] = s
		}
		return out, nil
	}
	return nil, wrap(ErrClaimType, "not a string or an array of strings")
}

// NumericDate converts a NumericDate (RFC 7519 §2: seconds since the epoch,
// possibly fractional) to a time.Time. v must be a json.Number (as
// [DecodeObject] returns) or a float64, finite, and between 0 and
// [MaxNumericDate]. A plain decimal is converted exactly to the
// nanosecond (further digits are dropped); exponent forms go through
// float64.
func NumericDate(v any) (time.Time, error) {
	var text string
	var f float64
	switch x := v.(type) {
	case json.Number:
		if secs, ok := wholeSeconds(string(x)); ok {
			return time.Unix(secs, 0).UTC(), nil // what the rest gives, sooner
		}
		text = string(x)
		var err error
		if f, err = strconv.ParseFloat(text, 64); err != nil {
			return time.Time{}, wrap(ErrClaimType, "not a number")
		}
	case float64:
		f = x
	default:
		return time.Time{}, wrap(ErrClaimType, "not a number")
	}
	if !(f >= 0 && f <= MaxNumericDate) { // also false for NaN
		return time.Time{}, wrap(ErrClaimType, "out of range")
	}
	if t, ok := exactDecimal(text); ok {
		return t, nil
	}
	whole, frac := math.Modf(f)
	return time.Unix(int64(whole), int64(frac*1e9)).UTC(), nil
}

// wholeSeconds is s as a whole number of seconds when s is 1 to 12 digits
// and at most MaxNumericDate: how every real exp, nbf and iat is written.
func wholeSeconds(s string) (int64, bool) {
	if s == "" || len(s) > len("253402300799") {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int64(s[i]-'0')
	}
	return n, n <= MaxNumericDate
}

// exactDecimal converts "123" or "123.456" (already known to be in range)
// without going through float64.
func exactDecimal(s string) (time.Time, bool) {
	intPart, fracPart, _ := strings.Cut(s, ".")
	if intPart == "" || !allDigits(intPart) || (fracPart != "" && !allDigits(fracPart)) {
		return time.Time{}, false
	}
	secs, err := strconv.ParseInt(intPart, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	if len(fracPart) > 9 {
		fracPart = fracPart[:9]
	}
	var nanos int64
	if fracPart != "" {
		n, err := strconv.ParseInt(fracPart, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		for i := len(fracPart); i < 9; i++ {
			n *= 10
		}
		nanos = n
	}
	return time.Unix(secs, nanos).UTC(), true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// CheckExpiry checks exp (RFC 7519 §4.1.4): the token is accepted only
// while now is before exp plus leeway, so exp equal to now is expired
// when leeway is 0. A missing exp is [ErrMissing] when required, else the
// zero time and nil.
func CheckExpiry(claims map[string]any, now time.Time, leeway time.Duration, required bool) (time.Time, error) {
	v, ok := claims["exp"]
	if !ok {
		if required {
			return time.Time{}, wrap(ErrMissing, "exp")
		}
		return time.Time{}, nil
	}
	exp, err := NumericDate(v)
	if err != nil {
		return time.Time{}, wrap(ErrClaimType, "exp is not a NumericDate")
	}
	if !now.Add(-leeway).Before(exp) {
		return exp, wrap(ErrExpired, "exp has passed")
	}
	return exp, nil
}

// CheckNotBefore checks nbf when present (RFC 7519 §4.1.5): a token whose
// nbf is after now plus leeway is refused, by however small a fraction of
// a second.
func CheckNotBefore(claims map[string]any, now time.Time, leeway time.Duration) error {
	v, ok := claims["nbf"]
	if !ok {
		return nil
	}
	nbf, err := NumericDate(v)
	if err != nil {
		return wrap(ErrClaimType, "nbf is not a NumericDate")
	}
	if nbf.After(now.Add(leeway)) {
		return wrap(ErrNotYetValid, "nbf is in the future")
	}
	return nil
}

// CheckIssuedAt checks iat (RFC 7519 §4.1.6): a token claiming to be
// issued after now plus leeway is refused (RFC 7519 leaves this to the
// application; a real issuer never does it). A missing iat is [ErrMissing]
// when required, else the zero time and nil.
func CheckIssuedAt(claims map[string]any, now time.Time, leeway time.Duration, required bool) (time.Time, error) {
	v, ok := claims["iat"]
	if !ok {
		if required {
			return time.Time{}, wrap(ErrMissing, "iat")
		}
		return time.Time{}, nil
	}
	iat, err := NumericDate(v)
	if err != nil {
		return time.Time{}, wrap(ErrClaimType, "iat is not a NumericDate")
	}
	if iat.After(now.Add(leeway)) {
		return iat, wrap(ErrIssuedInFuture, "iat is in the future")
	}
	return iat, nil
}

// Token is a token that passed [Parse]: strictly shaped, its signature not
// yet verified. Nothing in it may be trusted before the caller verifies
// Signature over SigningInput.
type Token struct {
	// Header and Payload are the decoded JSON objects.
	Header, Payload map[string]any
	// SigningInput is "header.payload" exactly as sent: what the signature
	// covers (RFC 7515 §5.2 step 8).
	SigningInput string
	// Signature is the decoded signature.
	Signature []byte
}

// Parse runs [Split], [DecodeSegment] (whose alphabet check Split has
// made), [DecodeObject], [CheckHeader] and [CheckClaimTypes] on token,
// header first, so a token with a bad header is rejected before its
// payload is decoded. It verifies no signature and
// checks no claim values: the caller checks alg and kid, verifies the
// signature, then checks the claims.
func Parse(token string, opts Options) (*Token, error) {
	h64, p64, s64, err := Split(token, opts)
	if err != nil {
		return nil, err
	}
	header, err := decodeObjectChecked(h64) // Split checked all three segments
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if err := CheckHeader(header); err != nil {
		return nil, err
	}
	payload, err := decodeObjectChecked(p64)
	if err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	if err := CheckClaimTypes(payload); err != nil {
		return nil, err
	}
	sig, err := decodeChecked(s64)
	if err != nil {
		return nil, fmt.Errorf("signature: %w", err)
	}
	return &Token{
		Header:       header,
		Payload:      payload,
		SigningInput: token[:len(h64)+1+len(p64)],
		Signature:    sig,
	}, nil
}
