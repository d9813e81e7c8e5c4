package albsim

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// DefaultAccessTTL is the lifetime of access tokens a Pool mints: Cognito's
// default access-token validity, one hour.
const DefaultAccessTTL = time.Hour

// PoolConfig configures a Pool. Zero fields get defaults.
type PoolConfig struct {
	Issuer   string           // default DefaultIssuer
	ClientID string           // default DefaultClientID
	Now      func() time.Time // default time.Now
	TTL      time.Duration    // access-token lifetime; default DefaultAccessTTL
}

// Pool simulates the part of a Cognito user pool the function sees: the
// RS256 access tokens the load balancer forwards in x-amzn-oidc-accesstoken
// and the JWKS document their keys are published in.
type Pool struct {
	// Issuer goes into every token's iss.
	Issuer string
	// ClientID goes into every token's client_id.
	ClientID string
	// KID is the kid of Key in the JWKS and in every token header.
	KID string
	// Key signs tokens (RSA 2048, as Cognito's).
	Key *rsa.PrivateKey
	// JWKS serves the public key as {"keys":[...]} at any path; serve it
	// with httptest.NewServer(p.JWKS) and point the verifier at it.
	JWKS *JWKSServer

	now func() time.Time
	ttl time.Duration
}

// NewPool generates a key and returns a Pool.
func NewPool(cfg PoolConfig) (*Pool, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("albsim: generate RSA key: %w", err)
	}
	kid, err := NewUUID()
	if err != nil {
		return nil, err
	}
	p := &Pool{Issuer: cfg.Issuer, ClientID: cfg.ClientID, KID: kid, Key: key, now: cfg.Now, ttl: cfg.TTL}
	if p.Issuer == "" {
		p.Issuer = DefaultIssuer
	}
	if p.ClientID == "" {
		p.ClientID = DefaultClientID
	}
	if p.now == nil {
		p.now = time.Now
	}
	if p.ttl <= 0 {
		p.ttl = DefaultAccessTTL
	}
	p.JWKS = &JWKSServer{}
	p.JWKS.body.Store(jwksBody(kid, &key.PublicKey))
	return p, nil
}

// JWKSServer serves a JWKS document and counts requests.
type JWKSServer struct {
	body     atomic.Value // []byte
	requests atomic.Int64
}

// Requests returns how many requests the server has received.
func (s *JWKSServer) Requests() int { return int(s.requests.Load()) }

// Body returns the JWKS document the server serves.
func (s *JWKSServer) Body() []byte { return s.body.Load().([]byte) }

// ServeHTTP implements http.Handler.
func (s *JWKSServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(s.body.Load().([]byte))
}

func jwksBody(kid string, pub *rsa.PublicKey) []byte {
	b, _ := json.Marshal(map[string]any{"keys": []map[string]string{{
		"kid": kid, "alg": "RS256", "kty": "RSA", "use": "sig",
		"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}})
	return b
}

// Access describes an access token for AccessClaims.
type Access struct {
	Sub      string   // default User{}'s default sub
	Username string   // default "alice"
	Groups   []string // cognito:groups; omitted when empty, as Cognito does
	Scopes   []string // default ["openid"]
	// ExpiresAt overrides the expiry (e.g. in the past); zero means now +
	// the pool's TTL.
	ExpiresAt time.Time
}

// AccessClaims returns the payload of a Cognito access token for a: the
// claims Cognito documents for access tokens (sub, cognito:groups,
// token_use "access", scope, auth_time, iss, exp, iat, jti, client_id,
// username, version, origin_jti, event_id). It has no aud.
func (p *Pool) AccessClaims(a Access) map[string]any {
	u := UserClaims(User{Sub: a.Sub, Username: a.Username})
	if a.Scopes == nil {
		a.Scopes = []string{"openid"}
	}
	now := p.now().Truncate(time.Second)
	exp := a.ExpiresAt
	if exp.IsZero() {
		exp = now.Add(p.ttl)
	}
	jti, _ := NewUUID()
	origin, _ := NewUUID()
	event, _ := NewUUID()
	c := map[string]any{
		"sub":        u["sub"],
		"token_use":  "access",
		"scope":      strings.Join(a.Scopes, " "),
		"auth_time":  now.Unix(),
		"iss":        p.Issuer,
		"exp":        exp.Unix(),
		"iat":        now.Unix(),
		"jti":        jti,
		"client_id":  p.ClientID,
		"username":   u["username"],
		"version":    2,
		"origin_jti": origin,
		"event_id":   event,
	}
	if len(a.Groups) > 0 {
		c["cognito:groups"] = a.Groups
	}
	return c
}

// MintAccess signs claims as Cognito signs an access token: RS256, header
// {"kid","alg"}, unpadded base64url segments.
func (p *Pool) MintAccess(claims map[string]any) (string, error) {
	h, err := json.Marshal(map[string]any{"kid": p.KID, "alg": "RS256"})
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("albsim: encode access claims: %w", err)
	}
	enc := base64.RawURLEncoding
	input := enc.EncodeToString(h) + "." + enc.EncodeToString(b)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, p.Key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("albsim: sign access token: %w", err)
	}
	return input + "." + enc.EncodeToString(sig), nil
}

// MachineClaims returns the payload of a Cognito access token issued to app
// client clientID by the client-credentials grant: sub and client_id are the
// client id, token_use is access, scope holds the granted custom scopes, and
// there is no username, no cognito:groups and no aud. A zero exp means now +
// the pool's TTL.
func (p *Pool) MachineClaims(clientID string, scopes []string, exp time.Time) map[string]any {
	now := p.now().Truncate(time.Second)
	if exp.IsZero() {
		exp = now.Add(p.ttl)
	}
	jti, _ := NewUUID()
	return map[string]any{
		"sub":       clientID,
		"token_use": "access",
		"scope":     strings.Join(scopes, " "),
		"auth_time": now.Unix(),
		"iss":       p.Issuer,
		"exp":       exp.Unix(),
		"iat":       now.Unix(),
		"version":   2,
		"jti":       jti,
		"client_id": clientID,
	}
}
