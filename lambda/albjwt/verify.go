package albjwt

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/sync/singleflight"
)

// maxExp is 9999-12-31T23:59:59Z; larger exp values are rejected as invalid.
const maxExp = 253402300799

// Verifier checks load balancer user-claims tokens. It is safe for
// concurrent use; create one per process and reuse it so its key cache
// stays warm.
type Verifier struct {
	arn          string
	clientID     string
	issuer       string
	endpoint     string
	client       *http.Client
	fetchTimeout time.Duration
	clock        func() time.Time
	leeway       time.Duration
	cache        KeyCache
	parser       *jwt.Parser
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
		issuer:   r.issuer,
		endpoint: r.endpoint,
		client:   cfg.HTTPClient,
		clock:    cfg.Clock,
		leeway:   cfg.Leeway,
		cache:    cfg.Cache,
	}
	if v.client == nil {
		v.client = &http.Client{
			Timeout: DefaultFetchTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		}
	}
	v.fetchTimeout = v.client.Timeout
	if v.fetchTimeout <= 0 {
		v.fetchTimeout = DefaultFetchTimeout
	}
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
	v.parser = jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodES256.Alg()}),
		jwt.WithPaddingAllowed(),
		jwt.WithStrictDecoding(),
		jwt.WithJSONNumber(),
		jwt.WithTimeFunc(v.clock),
		jwt.WithLeeway(v.leeway),
	)
	return v, nil
}

// KeyEndpoint returns the base URL keys are fetched from.
func (v *Verifier) KeyEndpoint() string { return v.endpoint }

// Verify checks token, the raw value of the x-amzn-oidc-data header, and
// returns its claims. Every error is an *Error wrapping ErrInvalidToken or
// ErrKeyUnavailable. Header checks that need no key (size, alg, signer, kid,
// client, iss, exp) run before any key is fetched. A fetched key is cached
// only once this token's signature has verified with it.
//
// The load balancer pads every segment with "=". Segments without padding
// are decoded too (jwt.WithPaddingAllowed accepts both), but the signature
// covers the segments exactly as sent, so stripping the padding from a real
// token invalidates it; only the key holder could sign an unpadded one.
func (v *Verifier) Verify(ctx context.Context, token string) (*Claims, error) {
	if token == "" {
		return nil, invalid(ReasonMissing, nil)
	}
	if len(token) > MaxTokenSize {
		return nil, invalid(ReasonTooLarge, nil)
	}
	var (
		hdr     header
		keyErr  error
		fetched *ecdsa.PublicKey // fetched for this token, not proven yet
		payload = jwt.MapClaims{}
		keyfunc = func(t *jwt.Token) (any, error) {
			h, err := v.checkHeader(t.Header)
			if err != nil {
				keyErr = err
				return nil, err
			}
			hdr = h
			k, cached, err := v.key(ctx, h.kid)
			if err != nil {
				keyErr = err
				return nil, err
			}
			if !cached {
				fetched = k
			}
			return k, nil
		}
	)
	tok, err := v.parser.ParseWithClaims(token, payload, keyfunc)
	if keyErr != nil {
		return nil, keyErr
	}
	if fetched != nil && signatureVerified(err) {
		// The header named our signer and the signature verified with
		// this key, so our load balancer signs with it: cache it. This
		// holds even if a later claim check fails.
		v.cache.Add(hdr.kid, fetched)
	}
	if err != nil {
		return nil, classify(tok, err)
	}
	return v.claims(hdr, payload)
}

type header struct {
	kid    string
	signer string
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
	if iss, _ := h["iss"].(string); iss != v.issuer {
		return header{}, invalid(ReasonIssuerMismatch, nil)
	}
	exp, err := v.checkExp(h["exp"])
	if err != nil {
		return header{}, err
	}
	return header{kid: kid, signer: signer, exp: exp}, nil
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

// claims checks the signed payload and extracts the well-known claims.
func (v *Verifier) claims(h header, payload jwt.MapClaims) (*Claims, error) {
	if payload == nil {
		return nil, invalid(ReasonBadClaims, errors.New("payload is not a JSON object"))
	}
	if exp, ok := payload["exp"]; ok {
		if _, err := v.checkExp(exp); err != nil {
			return nil, err
		}
	}
	if iss, ok := payload["iss"]; ok && iss != v.issuer {
		return nil, invalid(ReasonIssuerMismatch, nil)
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

// signatureVerified reports whether err, returned by ParseWithClaims after
// the key function returned a key, means the signature verified: either no
// error, or a claims error, which the parser reports only after the
// signature has verified. Any other error, including ones a future parser
// might add, counts as not verified, so the key is not cached.
func signatureVerified(err error) bool {
	return err == nil || (errors.Is(err, jwt.ErrTokenInvalidClaims) && !errors.Is(err, jwt.ErrTokenSignatureInvalid))
}

// classify maps a jwt parser error (other than one from the key function) to
// an *Error with a reason.
func classify(tok *jwt.Token, err error) error {
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed):
		return invalid(ReasonMalformed, err)
	case errors.Is(err, jwt.ErrTokenUnverifiable):
		// alg missing or unknown: the key function never ran.
		return invalid(ReasonBadAlg, err)
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		if tok == nil || tok.Method == nil || tok.Method.Alg() != jwt.SigningMethodES256.Alg() {
			return invalid(ReasonBadAlg, err)
		}
		return invalid(ReasonBadSignature, err)
	case errors.Is(err, jwt.ErrTokenExpired):
		return invalid(ReasonExpired, err)
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return invalid(ReasonNotYetValid, err)
	case errors.Is(err, jwt.ErrTokenInvalidClaims):
		return invalid(ReasonBadClaims, err)
	}
	return invalid(ReasonMalformed, err)
}
