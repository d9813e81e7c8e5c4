package jwtstrict

import (
	"bytes"
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

// decodeChecked is [DecodeSegment] for a segment checkSegment has passed.
func decodeChecked(seg string) ([]byte, error) {
	enc := base64.RawURLEncoding.Strict()
	if strings.HasSuffix(seg, "=") {
		enc = base64.URLEncoding.Strict()
	}
	b, err := enc.DecodeString(seg)
	if err != nil {
		return nil, wrap(ErrMalformed, "not canonical base64url")
	}
	return b, nil
}

// DecodeObject decodes a header or payload: valid UTF-8 (RFC 8259 §8.1)
// holding exactly one JSON object (RFC 7515 §5.2 step 4, RFC 7519 §7.2
// step 10) with nothing after it but JSON whitespace, no member name twice
// in any object (RFC 7515 §4 and RFC 7519 §4 let parsers reject
// duplicates rather than keep the last), and nesting at most 32 deep.
// Numbers are returned as json.Number, objects as map[string]any and
// arrays as []any: what encoding/json's Decoder with UseNumber returns.
//
// encoding/json validates the text (json.Valid: the grammar, string
// contents, numbers, nothing after the value); only then is it walked once
// to build the values, which finds duplicate names as it inserts them.
func DecodeObject(data []byte) (map[string]any, error) {
	if !utf8.Valid(data) {
		return nil, wrap(ErrMalformed, "not UTF-8")
	}
	if !json.Valid(data) {
		return nil, wrap(ErrMalformed, "not a JSON object")
	}
	w := walker{data: data}
	w.space()
	if w.i == len(data) || data[w.i] != '{' {
		return nil, wrap(ErrMalformed, "not a JSON object")
	}
	v, err := w.value(0)
	if err != nil {
		return nil, err
	}
	return v.(map[string]any), nil
}

// walker builds values from JSON text that json.Valid accepted, so it
// checks nothing but nesting depth and duplicate names.
type walker struct {
	data []byte
	i    int
}

// space skips JSON whitespace.
func (w *walker) space() {
	for w.i < len(w.data) {
		switch w.data[w.i] {
		case ' ', '\t', '\n', '\r':
			w.i++
		default:
			return
		}
	}
}

// value decodes the value at w.i, depth objects and arrays deep.
func (w *walker) value(depth int) (any, error) {
	switch c := w.data[w.i]; {
	case c == '{' || c == '[':
		if depth == maxDepth {
			return nil, wrap(ErrMalformed, "JSON nested deeper than %d", maxDepth)
		}
		if c == '{' {
			return w.object(depth + 1)
		}
		return w.array(depth + 1)
	case c == '"':
		return w.string()
	case c == 't':
		w.i += len("true")
		return true, nil
	case c == 'f':
		w.i += len("false")
		return false, nil
	case c == 'n':
		w.i += len("null")
		return nil, nil
	}
	start := w.i // a number: it runs to the next delimiter
	for w.i < len(w.data) && !isDelimiter(w.data[w.i]) {
		w.i++
	}
	return json.Number(w.data[start:w.i]), nil
}

func isDelimiter(c byte) bool {
	return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

func (w *walker) object(depth int) (any, error) {
	obj := map[string]any{}
	w.i++ // {
	for {
		w.space()
		if w.data[w.i] == '}' {
			w.i++
			return obj, nil
		}
		if w.data[w.i] == ',' {
			w.i++
			w.space()
		}
		name, err := w.string()
		if err != nil {
			return nil, err
		}
		if _, dup := obj[name]; dup {
			return nil, wrap(ErrMalformed, "duplicate member name")
		}
		w.space()
		w.i++ // :
		w.space()
		v, err := w.value(depth)
		if err != nil {
			return nil, err
		}
		obj[name] = v
	}
}

func (w *walker) array(depth int) (any, error) {
	arr := []any{}
	w.i++ // [
	for {
		w.space()
		if w.data[w.i] == ']' {
			w.i++
			return arr, nil
		}
		if w.data[w.i] == ',' {
			w.i++
			w.space()
		}
		v, err := w.value(depth)
		if err != nil {
			return nil, err
		}
		arr = append(arr, v)
	}
}

// string decodes the string at w.i. One without escapes is its bytes
// (already valid UTF-8); one with escapes is unescaped by encoding/json,
// so "a" and "\u0061" are the same name.
func (w *walker) string() (string, error) {
	start := w.i + 1
	end := stringEnd(w.data, start)
	w.i = end + 1
	raw := w.data[start:end]
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw), nil
	}
	var s string
	if err := json.Unmarshal(w.data[start-1:end+1], &s); err != nil {
		return "", wrap(ErrMalformed, "invalid JSON string")
	}
	return s, nil
}

// stringEnd returns the index of the quote that ends the JSON string whose
// first byte is data[start]: the first quote not escaped by an odd number
// of backslashes. data is valid JSON, so there is one.
func stringEnd(data []byte, start int) int {
	for j := start; ; {
		q := j + bytes.IndexByte(data[j:], '"')
		n := 0
		for q-1-n >= start && data[q-1-n] == '\\' {
			n++
		}
		if n%2 == 0 {
			return q
		}
		j = q + 1
	}
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
	hb, err := decodeChecked(h64) // Split checked all three segments
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	header, err := DecodeObject(hb)
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if err := CheckHeader(header); err != nil {
		return nil, err
	}
	pb, err := decodeChecked(p64)
	if err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	payload, err := DecodeObject(pb)
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
