// Package accesstoken is a placeholder with the API branch i9-verifier
// provides (Cognito access-token verification); the merge of i9-verifier
// replaces this file. It verifies RS256 tokens against a JWKS fetched once.
package accesstoken

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/albjwt"
)

// Config configures a Verifier.
type Config struct {
	Issuer     string
	ClientIDs  []string
	JWKSURL    string
	HTTPClient *http.Client
	Clock      func() time.Time
}

// Claims is what a verified access token says.
type Claims struct {
	Subject   string
	Username  string
	ClientID  string
	Groups    []string
	Scopes    []string
	ExpiresAt time.Time
	All       map[string]any
}

// HasScopes returns the scopes in want that the token lacks.
func (c *Claims) HasScopes(want ...string) (missing []string) {
	for _, s := range want {
		if !slices.Contains(c.Scopes, s) {
			missing = append(missing, s)
		}
	}
	return missing
}

// InAnyGroup reports whether the user is in at least one of groups.
func (c *Claims) InAnyGroup(groups ...string) bool {
	for _, g := range groups {
		if slices.Contains(c.Groups, g) {
			return true
		}
	}
	return false
}

// Verifier verifies access tokens.
type Verifier struct {
	cfg  Config
	mu   sync.Mutex
	keys map[string]*rsa.PublicKey
}

// New returns a Verifier.
func New(cfg Config) (*Verifier, error) {
	if cfg.Issuer == "" || len(cfg.ClientIDs) == 0 || cfg.JWKSURL == "" {
		return nil, errors.New("accesstoken: Issuer, ClientIDs and JWKSURL are required")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 3 * time.Second}
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	return &Verifier{cfg: cfg}, nil
}

func bad(reason string, cause error) error {
	return &albjwt.Error{Kind: albjwt.ErrInvalidToken, Reason: reason, Cause: cause}
}

func (v *Verifier) key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if k, ok := v.keys[kid]; ok {
		return k, nil
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, v.cfg.JWKSURL, nil)
	resp, err := v.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, &albjwt.Error{Kind: albjwt.ErrKeyUnavailable, Reason: albjwt.ReasonKeyFetch, Cause: err}
	}
	defer resp.Body.Close()
	var set struct {
		Keys []struct{ Kid, Kty, N, E string } `json:"keys"`
	}
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&set) != nil {
		return nil, &albjwt.Error{Kind: albjwt.ErrKeyUnavailable, Reason: albjwt.ReasonKeyStatus}
	}
	v.keys = map[string]*rsa.PublicKey{}
	for _, k := range set.Keys {
		n, err1 := base64.RawURLEncoding.DecodeString(k.N)
		e, err2 := base64.RawURLEncoding.DecodeString(k.E)
		if k.Kty != "RSA" || err1 != nil || err2 != nil {
			continue
		}
		v.keys[k.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	}
	if k, ok := v.keys[kid]; ok {
		return k, nil
	}
	return nil, bad(albjwt.ReasonBadKID, nil)
}

// Verify checks token and returns its claims.
func (v *Verifier) Verify(ctx context.Context, token string) (*Claims, error) {
	p := jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}), jwt.WithJSONNumber(), jwt.WithTimeFunc(v.cfg.Clock),
		jwt.WithIssuer(v.cfg.Issuer), jwt.WithExpirationRequired())
	mc := jwt.MapClaims{}
	_, err := p.ParseWithClaims(token, mc, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		return v.key(ctx, kid)
	})
	if err != nil {
		var ae *albjwt.Error
		if errors.As(err, &ae) {
			return nil, ae
		}
		if errors.Is(err, jwt.ErrTokenExpired) {
			return nil, bad(albjwt.ReasonExpired, nil)
		}
		return nil, bad(albjwt.ReasonMalformed, err)
	}
	if use, _ := mc["token_use"].(string); use != "access" {
		return nil, bad(albjwt.ReasonBadClaims, errors.New("token_use"))
	}
	cid, _ := mc["client_id"].(string)
	if !slices.Contains(v.cfg.ClientIDs, cid) {
		return nil, bad(albjwt.ReasonClientMismatch, nil)
	}
	c := &Claims{All: map[string]any(mc), ClientID: cid}
	c.Subject, _ = mc["sub"].(string)
	c.Username, _ = mc["username"].(string)
	if s, ok := mc["scope"].(string); ok {
		c.Scopes = strings.Fields(s)
	}
	if gs, ok := mc["cognito:groups"].([]any); ok {
		for _, g := range gs {
			if s, ok := g.(string); ok {
				c.Groups = append(c.Groups, s)
			}
		}
	}
	if exp, err := mc.GetExpirationTime(); err == nil && exp != nil {
		c.ExpiresAt = exp.Time
	}
	if c.Subject == "" {
		return nil, bad(albjwt.ReasonNoSubject, fmt.Errorf("no sub"))
	}
	return c, nil
}
