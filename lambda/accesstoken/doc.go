// Package accesstoken verifies Amazon Cognito access tokens: the RS256 JWTs
// a user pool signs, which the load balancer forwards unsigned by itself in
// the x-amzn-oidc-accesstoken header, and which machine clients send as
// "Authorization: Bearer".
//
// A Verifier accepts a token only when all of these hold, checked in this
// order so that nothing is fetched for a token that fails a check that
// needs no key:
//
//   - the token is at most [MaxTokenSize] bytes and passes every rule of
//     lambda/jwtstrict: three unpadded base64url segments with no
//     whitespace, CR or LF, canonical base64, each of header and payload
//     exactly one UTF-8 JSON object with no duplicate member names and
//     nothing after it, no crit header, and the registered claims of their
//     specified types;
//   - the header alg is exactly RS256 (never none, HS256, RS384, PS256 or
//     ES256: the key's type does not choose the algorithm, the
//     configuration does);
//   - the header kid is a non-empty string of at most 128 printable ASCII
//     characters;
//   - the payload iss is [Config.Issuer] or the same pool's issuer in its
//     other form (ORIGINAL cognito-idp, UPDATED issuer-cognito-idp; see
//     package cognitoissuer), checked before any key is looked up, as
//     aws-jwt-verify does, since the issuer decides whose keys apply. A
//     mismatch's error names the expected issuers and their forms, never
//     the token's iss;
//   - the signature verifies with the RSA key that the pool's JWKS publishes
//     for that kid: kty RSA, at least 2048 bits, use "sig" and alg "RS256"
//     when those are given;
//   - token_use is "access" (an ID token of the same pool is refused);
//   - client_id is one of [Config.ClientIDs] (another app client's token is
//     refused);
//   - aud, when present, names one of [Config.Audiences]. Cognito adds aud to
//     an access token only when the client asked for a resource (resource
//     binding, RFC 8707); such a token is meant for that resource alone, so
//     a token bound to another API is refused ([ReasonAudienceMismatch]),
//     and with no Audiences every token with aud is. A token without aud is
//     accepted on client_id, as before resource binding; aud never grants
//     anything (groups and scopes do);
//   - exp is in the future, allowing at most [Config.Leeway] of clock skew
//     (exp equal to now is expired); nbf, when present, is not in the
//     future by any fraction of a second beyond the leeway; iat is present
//     and not in the future beyond the leeway;
//   - sub is a non-empty string; username, when present, is a string;
//     cognito:groups, when present, an array of strings; scope a
//     space-separated list of RFC 6749 §3.3 scope tokens; auth_time a
//     NumericDate.
//
// Keys: the JWKS ([Config.JWKSURL], by default the issuer's
// /.well-known/jwks.json) is fetched lazily, on the first token whose kid is
// not known, never by [New], so a process starts even while the endpoint is
// down; a token then fails with [albjwt.ErrKeyUnavailable] (answer 503)
// until a fetch succeeds. Each fetch replaces the known key set (so a
// revoked key goes away) and is bounded by the HTTP client's timeout.
// Concurrent misses for one kid share one fetch. Fetches for unknown kids
// are bounded exactly as lambda/albjwt bounds them, with its limiter
// ([albjwt.FetchLimiter]): a token bucket of [Config.KeyFetchBurst] that
// regains one token every [Config.KeyFetchInterval], and a penalty of
// [Config.KeyFetchPenalty] for a kid whose fetch failed, that the fetched
// set does not contain, or whose published key is unusable (such a kid is
// fetched again after its penalty, in case the JWKS was fixed). A refused
// fetch makes no request and fails with [albjwt.ReasonKeyThrottled]. Known
// kids never touch the limiter. A verifier derived with
// [Verifier.WithClients] shares the key set (a key fetched by either serves
// both, and concurrent misses for one kid through both make one request)
// but has a limiter of its own, so made-up kids sent to one verifier cannot
// use up the other's fetches.
//
// Errors are [*albjwt.Error] values wrapping [albjwt.ErrInvalidToken]
// (answer 401) or [albjwt.ErrKeyUnavailable] (answer 503), with a reason
// from albjwt's Reason constants or this package's (see
// [ReasonTokenUseMismatch]); an expired token has [albjwt.ReasonExpired],
// as with the user-claims token. They never contain the token.
//
// Libraries: golang-jwt's RS256 method verifies signatures and
// MicahParks/jwkset turns JWKs into RSA keys. keyfunc (and jwkset's HTTP
// storage) are not used for fetching: they fetch at construction (blocking
// for up to the HTTP timeout when the endpoint is down), refresh from a
// background goroutine, wait on the unknown-kid rate limiter instead of
// failing fast, keep no per-kid penalty and read response bodies without a
// size bound.
package accesstoken
