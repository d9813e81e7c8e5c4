package albjwt

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"slices"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/sync/singleflight"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/cognitoissuer"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/jwtstrict"
)

// maxExp is 9999-12-31T23:59:59Z; larger exp values are rejected as invalid.
const maxExp = 253402300799

// Verifier checks load balancer user-claims tokens. It is safe for
// concurrent use; create one per process and reuse it so its key cache
// stays warm.
type Verifier struct {
	arn      string
	clientID string
	// issuers are the accepted iss values: Config.Issuer and, for a
	// Cognito issuer, the other form of the same pool (cognitoissuer.Accepted).
	issuers      []string
	endpoint     string
	client       *http.Client
	fetchTimeout time.Duration
	clock        func() time.Time
	leeway       time.Duration
	cache        KeyCache
	flight       singleflight.Group
	limit        *fetchLimiter
}

// Claims is what a verified token says. Header values have been checked
// against the configuration; payload values are as signed by the load
// balancer.
type Claims struct {
	// Subject is the payload sub: the user's stable identifier.
	Subject string
	// Username is the payload username, or cognito:username when absent.
	Username string
	// Email is the payload email, if any. It is whatever address the user
	// pool holds for the user: unless EmailVerified, nobody has proven that
	// the user controls it, so never treat it as an identity by itself.
	Email string
	// EmailVerified is true when the payload's email_verified is true, as the
	// string "true" (how Cognito's userInfo endpoint, the source of the load
	// balancer's claims, sends it) or the JSON boolean true. Anything else,
	// including a missing claim, is false.
	EmailVerified bool
	// ExpiresAt is the header exp: when this token stops being accepted.
	ExpiresAt time.Time
	// KeyID is the header kid of the key that signed the token.
	KeyID string
	// Signer is the header signer (equal to the configured ALB ARN).
	Signer string
	// All holds every payload claim; JSON numbers are json.Number.
	All map[string]any
}

// New validates cfg (see Config.Validate) and returns a Verifier.
func New(cfg Config) (*Verifier, error) {
	r, err := cfg.resolve()
	if err != nil {
		return nil, err
	}
	v := &Verifier{
		arn:      r.arn,
		clientID: r.clientID,
		issuers:  cognitoissuer.Accepted(r.issuer),
		endpoint: r.endpoint,
		clock:    cfg.Clock,
		leeway:   cfg.Leeway,
		cache:    cfg.Cache,
	}
	v.client, v.fetchTimeout = KeyClient(cfg.HTTPClient)
	if v.clock == nil {
		v.clock = time.Now
	}
	if v.cache == nil {
		size := cfg.CacheSize
		if size == 0 {
			size = DefaultCacheSize
		}
		v.cache = NewLRUCache(size)
	}
	v.limit = newFetchLimiter(r.fetchBurst, r.fetchInterval, r.fetchPenalty, v.clock)
	return v, nil
}

// KeyEndpoint returns the base URL keys are fetched from.
func (v *Verifier) KeyEndpoint() string { return v.endpoint }

// Verify checks token, the raw value of the x-amzn-oidc-data header, and
// returns its claims. Every error is an *Error wrapping ErrInvalidToken or
// ErrKeyUnavailable.
//
// First the token's shape, with no key: jwtstrict.Parse (three base64url
// segments with no whitespace, each header and payload exactly one JSON
// object with no duplicate names, no crit, registered claims of their
// types), then alg ES256 and the header's signer, kid, client, iss and exp.
// Only then is the key fetched; the signature is checked over the segments
// exactly as sent, and a fetched key is cached only once a signature has
// verified with it. Last, the signed payload: iss, exp, nbf and sub.
//
// The load balancer pads every segment with "="; segments without padding
// are decoded too, but the signature covers the segments exactly as sent,
// so stripping the padding from a real token invalidates it.
func (v *Verifier) Verify(ctx context.Context, token string) (*Claims, error) {
	if token == "" {
		return nil, invalid(ReasonMissing, nil)
	}
	if len(token) > MaxTokenSize {
		return nil, invalid(ReasonTooLarge, nil)
	}
	tok, err := jwtstrict.Parse(token, jwtstrict.Options{Padding: true})
	if err != nil {
		return nil, strictError(err)
	}
	if alg, _ := tok.Header["alg"].(string); alg != jwt.SigningMethodES256.Alg() {
		return nil, invalid(ReasonBadAlg, nil)
	}
	h, err := v.checkHeader(tok.Header)
	if err != nil {
		return nil, err
	}
	key, cached, err := v.key(ctx, h.kid)
	if err != nil {
		return nil, err
	}
	if err := jwt.SigningMethodES256.Verify(tok.SigningInput, tok.Signature, key); err != nil {
		return nil, invalid(ReasonBadSignature, err)
	}
	if !cached {
		// The header named our signer and the signature verified with
		// this key, so our load balancer signs with it: cache it. This
		// holds even if a later claim check fails.
		v.cache.Add(h.kid, key)
	}
	return v.claims(h, tok.Payload)
}

// strictError maps a jwtstrict error to an *Error with a reason.
func strictError(err error) error {
	switch {
	case errors.Is(err, jwtstrict.ErrCrit):
		return invalid(ReasonCritHeader, err)
	case errors.Is(err, jwtstrict.ErrExpired):
		return invalid(ReasonExpired, err)
	case errors.Is(err, jwtstrict.ErrNotYetValid):
		return invalid(ReasonNotYetValid, err)
	case errors.Is(err, jwtstrict.ErrClaimType), errors.Is(err, jwtstrict.ErrMissing):
		return invalid(ReasonBadClaims, err)
	}
	return invalid(ReasonMalformed, err)
}

type header struct {
	kid    string
	signer string
	iss    string
	exp    time.Time
}

// checkHeader checks everything the unverified header claims. The signer is
// checked first: a token from another load balancer is rejected however well
// it is signed.
func (v *Verifier) checkHeader(h map[string]any) (header, error) {
	signer, _ := h["signer"].(string)
	if signer != v.arn {
		return header{}, invalid(ReasonSignerMismatch, nil)
	}
	kid, _ := h["kid"].(string)
	if !isUUID(kid) {
		return header{}, invalid(ReasonBadKID, nil)
	}
	if client, _ := h["client"].(string); client != v.clientID {
		return header{}, invalid(ReasonClientMismatch, nil)
	}
	iss, _ := h["iss"].(string)
	if !slices.Contains(v.issuers, iss) {
		return header{}, invalid(ReasonIssuerMismatch, cognitoissuer.Mismatch(iss, v.issuers))
	}
	exp, err := v.checkExp(h["exp"])
	if err != nil {
		return header{}, err
	}
	return header{kid: kid, signer: signer, iss: iss, exp: exp}, nil
}

// checkExp requires val to be a positive JSON number of seconds since the
// epoch that is later than now minus the leeway.
func (v *Verifier) checkExp(val any) (time.Time, error) {
	var secs float64
	switch x := val.(type) {
	case nil:
		return time.Time{}, invalid(ReasonExpMissing, nil)
	case float64:
		secs = x
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return time.Time{}, invalid(ReasonExpInvalid, nil)
		}
		secs = f
	default:
		return time.Time{}, invalid(ReasonExpInvalid, nil)
	}
	if !(secs > 0 && secs <= maxExp) {
		return time.Time{}, invalid(ReasonExpInvalid, nil)
	}
	whole, frac := math.Modf(secs)
	exp := time.Unix(int64(whole), int64(frac*1e9))
	if !v.clock().Add(-v.leeway).Before(exp) {
		return time.Time{}, invalid(ReasonExpired, nil)
	}
	return exp, nil
}

// claims checks the signed payload and extracts the well-known claims. Its
// claims' types were checked by jwtstrict.Parse.
func (v *Verifier) claims(h header, payload map[string]any) (*Claims, error) {
	// The load balancer always sends iss; it must be this pool, in the
	// form the header names.
	if iss, _ := payload["iss"].(string); iss != h.iss {
		err := cognitoissuer.Mismatch(iss, v.issuers)
		if slices.Contains(v.issuers, iss) {
			err = errors.New("the payload's iss is the other form of the header's")
		}
		return nil, invalid(ReasonIssuerMismatch, err)
	}
	now := v.clock()
	if _, err := jwtstrict.CheckExpiry(payload, now, v.leeway, false); err != nil {
		return nil, strictError(err)
	}
	// nbf counts to the nanosecond: a token not valid for another half
	// second is not valid yet.
	if err := jwtstrict.CheckNotBefore(payload, now, v.leeway); err != nil {
		return nil, strictError(err)
	}
	sub, _ := payload["sub"].(string)
	if sub == "" {
		return nil, invalid(ReasonNoSubject, nil)
	}
	username, _ := payload["username"].(string)
	if username == "" {
		username, _ = payload["cognito:username"].(string)
	}
	email, _ := payload["email"].(string)
	verified := payload["email_verified"] == "true" || payload["email_verified"] == true
	return &Claims{
		Subject:       sub,
		Username:      username,
		Email:         email,
		EmailVerified: verified,
		ExpiresAt:     h.exp,
		KeyID:         h.kid,
		Signer:        h.signer,
		All:           payload,
	}, nil
}
