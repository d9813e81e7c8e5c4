// Package albsim simulates what an Application Load Balancer with an
// authenticate-cognito action sends to its Lambda target: a P-256 signing key
// with a UUID kid, the public key endpoint serving that key as PEM, user-claims
// tokens minted exactly like the load balancer mints them, and
// events.ALBTargetGroupRequest values carrying them.
//
// It exists for tests and the local preview server; nothing in it is secret
// or fit for production. Options let tests forge hostile tokens.
package albsim

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// Defaults used by New for empty Config fields.
const (
	DefaultARN      = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/albsim/0123456789abcdef"
	DefaultClientID = "albsimclient0123456789abcd"
	DefaultIssuer   = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AlbSim000"
	DefaultTTL      = 2 * time.Minute
)

// Key is a P-256 signing key and the kid it is published under.
type Key struct {
	// ID is the kid: a random (version 4) UUID.
	ID string
	// Private signs tokens.
	Private *ecdsa.PrivateKey
}

// NewKey generates a P-256 key with a random UUID kid.
func NewKey() (*Key, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("albsim: generate key: %w", err)
	}
	id, err := NewUUID()
	if err != nil {
		return nil, err
	}
	return &Key{ID: id, Private: priv}, nil
}

// NewUUID returns a random version 4 UUID in lower-case 8-4-4-4-12 form.
func NewUUID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("albsim: random uuid: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32], nil
}

// PublicKeyPEM returns the public key as a PEM "PUBLIC KEY" block, the form
// the load balancer key endpoint serves.
func (k *Key) PublicKeyPEM() []byte {
	return PublicKeyPEM(&k.Private.PublicKey)
}

// PublicKeyPEM encodes any public key (ECDSA, RSA, ...) as a PEM "PUBLIC KEY"
// block. It panics if the key type is not supported by x509, which only a
// broken test can cause.
func PublicKeyPEM(pub any) []byte {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		panic(fmt.Sprintf("albsim: marshal public key: %v", err))
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// KeyServer is an http.Handler standing in for the public key endpoint: GET
// /<kid> answers the PEM registered for kid, or 404. It counts every request
// it receives, so tests can assert that forged tokens caused no fetch.
type KeyServer struct {
	mu       sync.RWMutex
	bodies   map[string][]byte
	requests atomic.Int64
}

// NewKeyServer returns a KeyServer publishing keys.
func NewKeyServer(keys ...*Key) *KeyServer {
	s := &KeyServer{bodies: make(map[string][]byte)}
	for _, k := range keys {
		s.AddKey(k)
	}
	return s
}

// AddKey publishes k's public key under k.ID.
func (s *KeyServer) AddKey(k *Key) { s.Serve(k.ID, k.PublicKeyPEM()) }

// Serve makes GET /<kid> answer body verbatim (for hostile tests: RSA keys,
// other curves, garbage). A nil body removes kid.
func (s *KeyServer) Serve(kid string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if body == nil {
		delete(s.bodies, kid)
		return
	}
	s.bodies[kid] = body
}

// Requests returns how many requests the server has received.
func (s *KeyServer) Requests() int { return int(s.requests.Load()) }

// ServeHTTP implements http.Handler.
func (s *KeyServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	kid := strings.TrimPrefix(r.URL.Path, "/")
	s.mu.RLock()
	body, ok := s.bodies[kid]
	s.mu.RUnlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/x-pem-file")
	_, _ = w.Write(body)
}

// Config configures a LoadBalancer. Zero fields get defaults.
type Config struct {
	ARN      string           // default DefaultARN
	ClientID string           // default DefaultClientID
	Issuer   string           // default DefaultIssuer
	Key      *Key             // default a fresh NewKey
	Now      func() time.Time // default time.Now
	TTL      time.Duration    // token lifetime; default DefaultTTL
}

// LoadBalancer mints tokens and requests the way one load balancer does.
type LoadBalancer struct {
	// ARN goes into every token's signer.
	ARN string
	// ClientID goes into every token's client.
	ClientID string
	// Issuer goes into every token's iss.
	Issuer string
	// Key signs tokens; its kid goes into the header.
	Key *Key
	// Keys publishes Key; serve it (httptest.NewServer(lb.Keys)) and point the
	// verifier's key endpoint at it.
	Keys *KeyServer

	now func() time.Time
	ttl time.Duration
}

// New returns a LoadBalancer whose KeyServer publishes its key.
func New(cfg Config) (*LoadBalancer, error) {
	lb := &LoadBalancer{ARN: cfg.ARN, ClientID: cfg.ClientID, Issuer: cfg.Issuer, Key: cfg.Key, now: cfg.Now, ttl: cfg.TTL}
	if lb.ARN == "" {
		lb.ARN = DefaultARN
	}
	if lb.ClientID == "" {
		lb.ClientID = DefaultClientID
	}
	if lb.Issuer == "" {
		lb.Issuer = DefaultIssuer
	}
	if lb.Key == nil {
		k, err := NewKey()
		if err != nil {
			return nil, err
		}
		lb.Key = k
	}
	if lb.now == nil {
		lb.now = time.Now
	}
	if lb.ttl <= 0 {
		lb.ttl = DefaultTTL
	}
	lb.Keys = NewKeyServer(lb.Key)
	return lb, nil
}

// Expiry returns the exp the load balancer would put in a token minted now.
func (lb *LoadBalancer) Expiry() time.Time { return lb.now().Add(lb.ttl).Truncate(time.Second) }

// User describes the signed-in user for Claims.
type User struct {
	Sub      string // default a fixed UUID
	Username string // default "alice"
	Email    string // default "alice@example.com"
}

// Claims returns a payload like the one the load balancer forwards from
// Cognito's userinfo endpoint: UserClaims(u) plus the exp and iss the load
// balancer adds.
func (lb *LoadBalancer) Claims(u User) map[string]any {
	c := UserClaims(u)
	lb.Stamp(c)
	return c
}

// Stamp sets the exp and iss the load balancer puts in every payload, for a
// token minted now, replacing any already in claims.
func (lb *LoadBalancer) Stamp(claims map[string]any) {
	claims["exp"] = lb.Expiry().Unix()
	claims["iss"] = lb.Issuer
}

// UserClaims returns the userinfo claims Cognito gives the load balancer for
// u: sub, email, email_verified and username, with User's defaults for empty
// fields. The load balancer adds exp and iss (see Stamp).
func UserClaims(u User) map[string]any {
	if u.Sub == "" {
		u.Sub = "6c7d8e9f-1a2b-4c3d-8e4f-5a6b7c8d9e0f"
	}
	if u.Username == "" {
		u.Username = "alice"
	}
	if u.Email == "" {
		u.Email = "alice@example.com"
	}
	return map[string]any{
		"sub":            u.Sub,
		"email_verified": "true",
		"email":          u.Email,
		"username":       u.Username,
	}
}

// Option changes how one token is minted, to forge hostile ones.
type Option func(*mint)

type mint struct {
	header   map[string]any
	signer   *ecdsa.PrivateKey
	sign     func(signingInput []byte) []byte
	unpadded bool
}

// WithHeader sets header field name to value (any JSON-encodable value),
// replacing the load balancer's own.
func WithHeader(name string, value any) Option {
	return func(m *mint) { m.header[name] = value }
}

// WithoutHeader removes header field name.
func WithoutHeader(name string) Option {
	return func(m *mint) { delete(m.header, name) }
}

// WithSigningKey signs with key instead of the load balancer's key; the kid
// stays the load balancer's.
func WithSigningKey(key *ecdsa.PrivateKey) Option {
	return func(m *mint) { m.signer = key }
}

// WithSignature replaces the signature: the token's third segment encodes
// whatever f returns for the signing input (e.g. nil, a DER signature, an
// HMAC).
func WithSignature(f func(signingInput []byte) []byte) Option {
	return func(m *mint) { m.sign = f }
}

// WithoutPadding encodes the segments without "=" padding and signs that
// text. The load balancer never does this.
func WithoutPadding() Option {
	return func(m *mint) { m.unpadded = true }
}

// Mint returns a token carrying claims as its payload, minted as the load
// balancer mints x-amzn-oidc-data: an ES256 JWT whose header holds alg, kid,
// signer, iss, client, exp and typ; every segment base64url encoded WITH "="
// padding; a 64-byte r‖s signature over the padded "header.payload" text.
func (lb *LoadBalancer) Mint(claims map[string]any, opts ...Option) (string, error) {
	m := mint{
		header: map[string]any{
			"typ":    "JWT",
			"alg":    "ES256",
			"kid":    lb.Key.ID,
			"signer": lb.ARN,
			"iss":    lb.Issuer,
			"client": lb.ClientID,
			"exp":    lb.Expiry().Unix(),
		},
		signer: lb.Key.Private,
	}
	for _, o := range opts {
		o(&m)
	}
	enc := base64.URLEncoding
	if m.unpadded {
		enc = base64.RawURLEncoding
	}
	h, err := json.Marshal(m.header)
	if err != nil {
		return "", fmt.Errorf("albsim: encode header: %w", err)
	}
	p, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("albsim: encode claims: %w", err)
	}
	input := enc.EncodeToString(h) + "." + enc.EncodeToString(p)
	var sig []byte
	if m.sign != nil {
		sig = m.sign([]byte(input))
	} else if sig, err = SignES256(m.signer, []byte(input)); err != nil {
		return "", err
	}
	return input + "." + enc.EncodeToString(sig), nil
}

// SignES256 signs input with key and returns the 64-byte r‖s signature.
func SignES256(key *ecdsa.PrivateKey, input []byte) ([]byte, error) {
	sum := sha256.Sum256(input)
	r, s, err := ecdsa.Sign(rand.Reader, key, sum[:])
	if err != nil {
		return nil, fmt.Errorf("albsim: sign: %w", err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return sig, nil
}

// Request mints a token for claims and returns the request the load balancer
// would send for GET path (see NewRequest).
func (lb *LoadBalancer) Request(path string, claims map[string]any, opts ...Option) (events.ALBTargetGroupRequest, error) {
	tok, err := lb.Mint(claims, opts...)
	if err != nil {
		return events.ALBTargetGroupRequest{}, err
	}
	sub, _ := claims["sub"].(string)
	return NewRequest(path, tok, sub), nil
}
