// Package jwtstrict holds the strict checks on a JWS compact-serialized JWT
// that every verifier under lambda/ applies before and after the signature
// check: the load balancer's ES256 user-claims token (lambda/albjwt) and
// Cognito's RS256 access token (lambda/accesstoken).
//
// Go's decoders are lenient where the specifications are not:
// encoding/base64 skips CR and LF, encoding/json's Unmarshal keeps the last
// of duplicate member names and silently replaces invalid UTF-8, and
// golang-jwt rounds nbf to whole seconds. None of that lets anyone forge a
// token (the signature covers the segments exactly as sent), but it lets
// anyone vary a genuine token's text and have it still accepted. These
// functions close those gaps, each rule citing the section that requires it:
//
//   - [Split]: the token is exactly three non-empty segments of base64url
//     characters (RFC 7515 §7.1, §2 "Base64url Encoding"): no whitespace, no
//     CR or LF, nothing outside A–Z a–z 0–9 '-' '_', and "=" padding only
//     when the caller allows it, only at a segment's end and only as much as
//     the length requires. Unsigned tokens (empty signature, RFC 7515 §A.5)
//     are refused: nothing here accepts them.
//   - [DecodeSegment]: canonical base64url only (RFC 4648 §3.5: the unused
//     bits of the last character must be zero), so each segment has one
//     spelling.
//   - [DecodeObject]: the decoded header and payload are UTF-8 (RFC 8259
//     §8.1) and exactly one JSON object (RFC 7515 §5.2 step 4, RFC 7519 §7.2
//     step 10), with nothing after it but JSON whitespace, and no member name
//     twice at any depth (RFC 7515 §4, RFC 7519 §4 allow parsers to reject
//     duplicates; we do). Numbers are kept as [encoding/json.Number].
//   - [CheckHeader]: alg is a string (RFC 7515 §4.1.1); kid, typ and cty are
//     strings when present (§4.1.4, §4.1.9, §4.1.10); crit is refused
//     outright, since we understand no extensions (§4.1.11), and so is b64,
//     which is only valid when listed in crit (RFC 7797 §6).
//   - [CheckClaimTypes]: registered claims have their specified types
//     (RFC 7519 §4.1; scope and client_id RFC 8693 §4.2, §4.3; token_use is
//     Cognito's and a string): exp, nbf and iat are NumericDates
//     (finite JSON numbers, 0 ≤ n ≤ 253402300799, so they convert to a
//     time.Time without overflow); iss, sub, jti, scope, client_id and
//     token_use are strings; aud is a string or an array of strings.
//   - [CheckExpiry], [CheckNotBefore], [CheckIssuedAt]: time checks at full
//     precision (fractions of a second count), with the caller's leeway
//     (RFC 7519 §4.1.4, §4.1.5 allow "some small leeway").
//
// [Parse] runs Split, DecodeSegment, DecodeObject, CheckHeader and
// CheckClaimTypes in that order, so a caller gets the whole shape check in
// one call and can check alg and kid before fetching any key.
//
// Every error wraps one of the sentinel errors ([ErrMalformed], [ErrCrit],
// [ErrClaimType], [ErrMissing], [ErrExpired], [ErrNotYetValid],
// [ErrIssuedInFuture]) so callers map it to their own reasons with
// errors.Is. Messages name claims and rules, never token text.
//
// This package imports no verifier, so both verifiers can import it.
package jwtstrict
