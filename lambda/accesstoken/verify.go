package accesstoken

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/albjwt"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/cognitoissuer"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/jwtstrict"
)

// Reasons reported by albjwt.Reason for access tokens, in addition to
// albjwt's own (ReasonMissing, ReasonTooLarge, ReasonMalformed, ReasonBadAlg,
// ReasonBadKID, ReasonIssuerMismatch, ReasonClientMismatch, ReasonExpMissing,
// ReasonExpInvalid, ReasonExpired, ReasonNotYetValid, ReasonBadClaims,
// ReasonNoSubject, ReasonBadSignature and the ReasonKey* ones).
const (
	// ReasonTokenUseMismatch: token_use is not "access" (e.g. an ID token).
	ReasonTokenUseMismatch = "token_use_mismatch"
	// ReasonCritHeader: the header has crit (or b64), which we refuse; the
	// same reason as the user-claims verifier's.
	ReasonCritHeader = albjwt.ReasonCritHeader
	// ReasonUnknownKID: the JWKS, fetched successfully, has no key with the
	// token's kid. The token was not signed by the pool.
	ReasonUnknownKID = "kid_unknown"
	// ReasonAudienceMismatch: the token has aud (it was bound to resources
	// with Cognito's resource binding) and none of them is one of
	// Config.Audiences: it was issued for another API.
	ReasonAudienceMismatch = "aud_mismatch"
)

// Verifier checks Cognito access tokens. It is safe for concurrent use;
// create one per process and reuse it so its keys stay cached.
type Verifier struct {
	// issuers are the accepted iss values: Config.Issuer and the same
	// pool's issuer in its other form (cognitoissuer.Accepted).
	issuers   []string
	clientIDs map[string]bool
	audiences []string
	clock     func() time.Time
	leeway    time.Duration
	// keys is the pool's key set, shared with the verifiers WithClients
	// derives from this one and with the one this was derived from.
	keys *jwks
	// budget bounds this verifier's JWKS fetches; it is its own.
	budget *budget
}

// New validates cfg (see Config.Validate, which reports every problem at
// once) and returns a Verifier. It makes no request: the JWKS is fetched
// when the first token needs it.
func New(cfg Config) (*Verifier, error) {
	r, err := cfg.resolve()
	if err != nil {
		return nil, err
	}
	v := &Verifier{
		issuers:   cognitoissuer.Accepted(r.issuer),
		clientIDs: r.clientIDs,
		audiences: r.audiences,
		clock:     cfg.Clock,
		leeway:    cfg.Leeway,
	}
	if v.clock == nil {
		v.clock = time.Now
	}
	v.keys = &jwks{
		url:           r.jwksURL,
		fetchBurst:    r.fetchBurst,
		fetchInterval: r.fetchInterval,
		fetchPenalty:  r.fetchPenalty,
		now:           v.clock,
	}
	v.keys.client, v.keys.fetchTimeout = albjwt.KeyClient(cfg.HTTPClient)
	v.budget = v.keys.newBudget()
	return v, nil
}

// WithClients returns a Verifier that accepts tokens of the same pool issued
// to clientIDs instead of v's clients.
//
// It shares v's key set: a key fetched for either serves both, and
// concurrent misses for one kid through both make one JWKS request, so a
// process that verifies the site client's tokens and machine clients'
// tokens fetches the pool's JWKS once. It has its own fetch budget, with
// v's KeyFetchBurst, KeyFetchInterval and KeyFetchPenalty: its own token
// bucket, starting full, and its own penalty box. Each verifier's misses
// draw only on its own budget (when both miss one kid at once, each takes
// one token and the request is shared), so tokens with made-up kids sent to
// one verifier cannot keep the other from fetching a newly published key,
// and a kid penalized by one is not penalized by the other. The JWKS
// endpoint can therefore see up to the sum of the budgets.
func (v *Verifier) WithClients(clientIDs ...string) (*Verifier, error) {
	var errs []error
	ids := clientSet(clientIDs, func(field string, err error) { errs = append(errs, &FieldError{Field: field, Err: err}) })
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	w := *v
	w.clientIDs = ids
	w.budget = v.keys.newBudget()
	return &w, nil
}

// JWKSURL returns the URL keys are fetched from.
func (v *Verifier) JWKSURL() string { return v.keys.url }

// Verify checks token, a Cognito access token as sent (without "Bearer "),
// and returns its claims. Every error is an *albjwt.Error wrapping
// albjwt.ErrInvalidToken or albjwt.ErrKeyUnavailable; see the package
// documentation for the checks and their order.
func (v *Verifier) Verify(ctx context.Context, token string) (*Claims, error) {
	if token == "" {
		return nil, invalid(albjwt.ReasonMissing, nil)
	}
	if len(token) > MaxTokenSize {
		return nil, invalid(albjwt.ReasonTooLarge, nil)
	}
	tok, err := jwtstrict.Parse(token, jwtstrict.Options{})
	if err != nil {
		return nil, strictError(err)
	}
	if alg, _ := tok.Header["alg"].(string); alg != jwt.SigningMethodRS256.Alg() {
		return nil, invalid(albjwt.ReasonBadAlg, nil)
	}
	kid, _ := tok.Header["kid"].(string)
	if !saneKID(kid) {
		return nil, invalid(albjwt.ReasonBadKID, nil)
	}
	// Unverified, but it decides whose keys apply: a token from another
	// pool causes no fetch.
	if iss, _ := tok.Payload["iss"].(string); !slices.Contains(v.issuers, iss) {
		return nil, invalid(albjwt.ReasonIssuerMismatch, cognitoissuer.Mismatch(iss, v.issuers))
	}
	key, err := v.keys.key(ctx, v.budget, kid)
	if err != nil {
		return nil, err
	}
	if err := jwt.SigningMethodRS256.Verify(tok.SigningInput, tok.Signature, key); err != nil {
		return nil, invalid(albjwt.ReasonBadSignature, err)
	}
	return v.claims(tok.Payload)
}

// claims checks the signed payload and extracts the claims.
func (v *Verifier) claims(p map[string]any) (*Claims, error) {
	if use, _ := p["token_use"].(string); use != "access" {
		return nil, invalid(ReasonTokenUseMismatch, nil)
	}
	clientID, _ := p["client_id"].(string)
	if !v.clientIDs[clientID] {
		return nil, invalid(albjwt.ReasonClientMismatch, nil)
	}
	if err := v.checkAudience(p["aud"]); err != nil {
		return nil, err
	}
	now := v.clock()
	exp, err := jwtstrict.CheckExpiry(p, now, v.leeway, true)
	if err != nil {
		return nil, strictError(err)
	}
	if err := jwtstrict.CheckNotBefore(p, now, v.leeway); err != nil {
		return nil, strictError(err)
	}
	iat, err := jwtstrict.CheckIssuedAt(p, now, v.leeway, true)
	if err != nil {
		if errors.Is(err, jwtstrict.ErrMissing) {
			return nil, invalid(albjwt.ReasonBadClaims, err)
		}
		return nil, strictError(err)
	}
	sub, _ := p["sub"].(string)
	if sub == "" {
		return nil, invalid(albjwt.ReasonNoSubject, nil)
	}
	c := &Claims{
		Subject:   sub,
		ClientID:  clientID,
		TokenUse:  "access",
		ExpiresAt: exp,
		IssuedAt:  iat,
		All:       p,
	}
	if err := cognitoClaims(p, c); err != nil {
		return nil, invalid(albjwt.ReasonBadClaims, err)
	}
	return c, nil
}

// checkAudience accepts a token without aud, and one whose aud (a string or
// an array of strings, as jwtstrict checked) names one of v's audiences. The
// error says what was expected, never the token's aud.
func (v *Verifier) checkAudience(aud any) error {
	var got []string
	switch a := aud.(type) {
	case nil:
		return nil
	case string:
		got = []string{a}
	case []any:
		for _, e := range a {
			s, _ := e.(string)
			got = append(got, s)
		}
	}
	for _, g := range got {
		if slices.Contains(v.audiences, g) {
			return nil
		}
	}
	if len(v.audiences) == 0 {
		return invalid(ReasonAudienceMismatch, errors.New("the token is bound to a resource (aud), but this site names none (set resourceServerId)"))
	}
	return invalid(ReasonAudienceMismatch, fmt.Errorf("the token is bound to another resource (aud); want %s", strings.Join(v.audiences, " or ")))
}

// cognitoClaims checks the types of Cognito's own claims and fills in
// Username, Groups and Scopes.
func cognitoClaims(p map[string]any, c *Claims) error {
	for _, name := range [...]string{"username", "cognito:username"} {
		if val, ok := p[name]; ok {
			s, ok := val.(string)
			if !ok {
				return errors.New(name + " is not a string")
			}
			if c.Username == "" {
				c.Username = s
			}
		}
	}
	if val, ok := p["cognito:groups"]; ok {
		arr, ok := val.([]any)
		if !ok {
			return errors.New("cognito:groups is not an array")
		}
		for _, g := range arr {
			s, ok := g.(string)
			if !ok {
				return errors.New("cognito:groups has a member that is not a string")
			}
			c.Groups = append(c.Groups, s)
		}
	}
	if scope, _ := p["scope"].(string); scope != "" {
		c.Scopes = strings.Split(scope, " ")
		for _, s := range c.Scopes {
			if !isScopeToken(s) {
				return errors.New("scope is not a list of scope tokens separated by single spaces (RFC 6749 §3.3)")
			}
		}
	}
	if val, ok := p["auth_time"]; ok {
		if _, err := jwtstrict.NumericDate(val); err != nil {
			return errors.New("auth_time is not a NumericDate")
		}
	}
	return nil
}

// isScopeToken reports whether s is a scope-token of RFC 6749 §3.3:
// 1*( %x21 / %x23-5B / %x5D-7E ).
func isScopeToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// saneKID accepts 1 to 128 printable ASCII characters. Cognito's kids are
// base64 (with "+", "/" and "="). The kid is only a map key here, never
// part of a URL.
func saneKID(kid string) bool {
	if kid == "" || len(kid) > 128 {
		return false
	}
	for i := 0; i < len(kid); i++ {
		if c := kid[i]; c < 0x21 || c > 0x7e {
			return false
		}
	}
	return true
}

// strictError maps a jwtstrict error to an *albjwt.Error.
func strictError(err error) error {
	switch {
	case errors.Is(err, jwtstrict.ErrCrit):
		return invalid(ReasonCritHeader, err)
	case errors.Is(err, jwtstrict.ErrExpired):
		return invalid(albjwt.ReasonExpired, err)
	case errors.Is(err, jwtstrict.ErrNotYetValid), errors.Is(err, jwtstrict.ErrIssuedInFuture):
		return invalid(albjwt.ReasonNotYetValid, err)
	case errors.Is(err, jwtstrict.ErrMissing):
		return invalid(albjwt.ReasonExpMissing, err)
	case errors.Is(err, jwtstrict.ErrClaimType):
		return invalid(albjwt.ReasonBadClaims, err)
	}
	return invalid(albjwt.ReasonMalformed, err)
}

func invalid(reason string, cause error) *albjwt.Error {
	return &albjwt.Error{Kind: albjwt.ErrInvalidToken, Reason: reason, Cause: cause}
}

func unavailable(reason string, cause error) *albjwt.Error {
	return &albjwt.Error{Kind: albjwt.ErrKeyUnavailable, Reason: reason, Cause: cause}
}
