// Package albjwt verifies the user-claims token that an Application Load
// Balancer with an authenticate-cognito (or authenticate-oidc) action puts in
// the x-amzn-oidc-data request header.
//
// The token is an ES256 JWT whose segments are base64url encoded with "="
// padding, signed over the padded "header.payload" text. A Verifier accepts a
// token only when all of these hold:
//
//   - the token is at most [MaxTokenSize] bytes and passes the strict shape
//     checks of package jwtstrict, shared with the access-token verifier:
//     exactly three segments of base64url characters (no whitespace, CR or
//     LF anywhere; padding only as the length requires), canonical base64,
//     a header and a payload that are each exactly one UTF-8 JSON object
//     with nothing after it and no member name twice, no crit (or b64)
//     header, and registered claims of their types (exp, nbf and iat
//     NumericDates from 0 to 9999-12-31, iss, sub, jti and scope strings,
//     aud a string or an array of strings);
//   - the header alg is ES256 and the signature is a 64-byte r‖s pair;
//   - the header signer is exactly the configured load balancer ARN. Any load
//     balancer in any account can mint validly signed tokens, so a valid
//     signature alone proves nothing;
//   - the header client equals the configured app client ID, and the header
//     iss the configured issuer or, for a Cognito user pool, the same pool's
//     issuer in its other form (cognito-idp or issuer-cognito-idp: AWS does
//     not document which one the load balancer writes for a pool whose
//     IssuerConfiguration is UPDATED; see package cognitoissuer); the
//     payload iss, which the load balancer always sends, equals the
//     header's. A mismatch's error says which issuers, in which form, were
//     expected and what kind of iss came, never the token's value;
//   - the header exp, and the payload exp when present, are numbers in the
//     future, and the payload nbf, when present, is not in the future by
//     any fraction of a second, allowing at most [Config.Leeway] of clock
//     skew;
//   - the header kid is a UUID, and the signature verifies with the P-256
//     public key published for that kid at the key endpoint, which must
//     answer exactly one PEM "PUBLIC KEY" block without headers holding a
//     P-256 SubjectPublicKeyInfo, and nothing else (see [ParsePublicKeyPEM]).
//
// Everything that can be checked on the unverified header is checked before
// any key is fetched, so forged tokens cause no outbound requests. The key
// endpoint comes from configuration or from the ARN's partition and region,
// never from the token. Keys are cached per kid in a bounded cache, and
// concurrent misses for one kid share a single fetch. A fetched key enters
// the cache only after a token naming our signer has verified with it. The
// key endpoint serves the keys of every load balancer in the region, so a
// key that fetches and parses is not yet ours: tokens naming our signer but
// other load balancers' kids fetch valid keys, fail their signature check,
// and leave the cache, and our key in it, untouched.
//
// The ARN, client ID and issuer are not secrets, so anyone can still send
// tokens that pass the header checks with made-up kids, each a cache miss.
// Fetches for kids that are not cached are therefore bounded, as
// aws-jwt-verify's "penalty box" does: they draw from a token bucket that
// starts full with [Config.KeyFetchBurst] tokens ([DefaultKeyFetchBurst]) and
// regains one every [Config.KeyFetchInterval] ([DefaultKeyFetchInterval]), and
// a kid whose fetch failed is not fetched again for [Config.KeyFetchPenalty]
// ([DefaultKeyFetchPenalty]). A refused fetch makes no request and fails with
// [ErrKeyUnavailable] and [ReasonKeyThrottled]. With the defaults a process
// makes at most 5 fetches at once and 6 a minute after that, whatever it is
// sent. A key that fetches but does not verify is fetched again by the next
// token naming it; that draws from the same bucket, so the bound holds. It
// is not penalized, since anyone can forge a signature over our real kid. The
// first kid after start-up is always fetched, and a rotated key is
// fetched at once while the bucket has a token; cache hits never touch the
// limiter. The price is that an attacker who keeps the bucket empty delays a
// new key until a token refills, racing legitimate requests for it; keys
// already cached keep working.
//
// Errors wrap either [ErrInvalidToken] (answer 401) or [ErrKeyUnavailable]
// (answer 503) and carry a short machine-readable reason (see [Reason]); they
// never contain the token.
package albjwt
