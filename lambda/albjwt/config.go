package albjwt

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const (
	// MaxTokenSize is the largest token, in bytes, that Verify will parse.
	MaxTokenSize = 16 << 10
	// MaxLeeway is the largest clock skew allowed by Config.Leeway.
	MaxLeeway = 60 * time.Second
	// DefaultCacheSize is the number of public keys kept when Config.CacheSize is 0.
	DefaultCacheSize = 32
	// DefaultFetchTimeout bounds one key fetch when Config.HTTPClient is nil
	// or has no timeout of its own.
	DefaultFetchTimeout = 3 * time.Second

	// DefaultKeyFetchBurst is Config.KeyFetchBurst when it is 0.
	DefaultKeyFetchBurst = 5
	// MaxKeyFetchBurst is the largest Config.KeyFetchBurst.
	MaxKeyFetchBurst = 100
	// DefaultKeyFetchInterval is Config.KeyFetchInterval when it is 0.
	DefaultKeyFetchInterval = 10 * time.Second
	// DefaultKeyFetchPenalty is Config.KeyFetchPenalty when it is 0.
	DefaultKeyFetchPenalty = 30 * time.Second
	// MinKeyFetchInterval and MaxKeyFetchInterval bound Config.KeyFetchInterval
	// and Config.KeyFetchPenalty.
	MinKeyFetchInterval = time.Second
	MaxKeyFetchInterval = time.Hour

	maxCacheSize = 4096
)

// Config configures a Verifier. ALBARN, ClientID and Issuer are required.
type Config struct {
	// ALBARN is the ARN of the one load balancer whose tokens are accepted;
	// the token header's signer must equal it exactly. Its partition and
	// region select the default key endpoint.
	ALBARN string
	// ClientID is the Cognito app client ID; the header's client must equal it.
	ClientID string
	// Issuer is the expected iss, e.g.
	// https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123. For a
	// Cognito user pool's issuer, the pool's other form is accepted too
	// (ORIGINAL cognito-idp or UPDATED issuer-cognito-idp, see
	// cognitoissuer.Accepted); the header's and the payload's iss must then
	// be the same one. Any other issuer must match exactly.
	Issuer string
	// KeyEndpoint is the base URL of the public key endpoint; the key for kid
	// K is fetched from KeyEndpoint + "/" + K. Empty means the endpoint AWS
	// documents for the ARN's region (see DefaultKeyEndpoint). It must be
	// https, except that http is allowed for loopback hosts (local tests).
	KeyEndpoint string
	// HTTPClient fetches keys. Nil means a client with a DefaultFetchTimeout
	// timeout that does not follow redirects. Each fetch is bounded by the
	// client's Timeout, or by DefaultFetchTimeout if it has none.
	HTTPClient *http.Client
	// Clock returns the current time. Nil means time.Now.
	Clock func() time.Time
	// CacheSize bounds the number of cached public keys when Cache is nil.
	// Zero means DefaultCacheSize.
	CacheSize int
	// Cache stores public keys by kid. Nil means NewLRUCache(CacheSize).
	Cache KeyCache
	// Leeway is the clock skew allowed when checking exp and nbf, between 0
	// and MaxLeeway.
	Leeway time.Duration

	// KeyFetchBurst, KeyFetchInterval and KeyFetchPenalty bound the fetches
	// made for kids that are not in the cache, which anyone who knows the
	// (non-secret) ARN, client ID and issuer can trigger with made-up kids.
	// A cache hit never consults them. A refused fetch makes Verify fail with
	// ErrKeyUnavailable and ReasonKeyThrottled, without any request.
	//
	// Fetches draw from a token bucket that starts full, so the first
	// KeyFetchBurst misses after start-up are fetched at once; after that one
	// more is allowed every KeyFetchInterval. The load balancer signs with
	// one key at a time and rotates rarely, so a process normally needs one
	// fetch, plus one per rotation.
	//
	// KeyFetchBurst is between 1 and MaxKeyFetchBurst; 0 means
	// DefaultKeyFetchBurst.
	KeyFetchBurst int
	// KeyFetchInterval is between MinKeyFetchInterval and
	// MaxKeyFetchInterval; 0 means DefaultKeyFetchInterval.
	KeyFetchInterval time.Duration
	// KeyFetchPenalty is how long a kid whose fetch failed (any error or
	// status other than 200, or a body that is not a P-256 key) is refused
	// before it is fetched again, so one bad kid cannot spend the whole
	// bucket. Up to 1024 failed kids are remembered. It is between
	// MinKeyFetchInterval and MaxKeyFetchInterval; 0 means
	// DefaultKeyFetchPenalty.
	KeyFetchPenalty time.Duration
}

// FieldError reports a problem with one Config field.
type FieldError struct {
	// Field is the Config field name, e.g. "ALBARN".
	Field string
	// Err describes the problem.
	Err error
}

// Error implements error.
func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }

// Unwrap returns the underlying problem.
func (e *FieldError) Unwrap() error { return e.Err }

// Validate reports every problem with c at once, as *FieldError values
// joined with errors.Join. It returns nil when New would succeed.
func (c Config) Validate() error {
	_, err := c.resolve()
	return err
}

// resolved holds a validated configuration with defaults applied.
type resolved struct {
	arn           string
	clientID      string
	issuer        string
	endpoint      string
	fetchBurst    int
	fetchInterval time.Duration
	fetchPenalty  time.Duration
}

func (c Config) resolve() (resolved, error) {
	var errs []error
	bad := func(field string, err error) { errs = append(errs, &FieldError{Field: field, Err: err}) }

	arn, arnErr := ParseARN(c.ALBARN)
	if arnErr != nil {
		bad("ALBARN", arnErr)
	}
	if err := CheckClientID(c.ClientID); err != nil {
		bad("ClientID", err)
	}
	if err := checkIssuer(c.Issuer); err != nil {
		bad("Issuer", err)
	}
	endpoint := strings.TrimRight(c.KeyEndpoint, "/")
	if c.KeyEndpoint != "" {
		if err := checkEndpoint(c.KeyEndpoint); err != nil {
			bad("KeyEndpoint", err)
		}
	} else if arnErr == nil {
		var err error
		if endpoint, err = DefaultKeyEndpoint(arn); err != nil {
			bad("KeyEndpoint", err)
		}
	}
	if c.CacheSize < 0 || c.CacheSize > maxCacheSize {
		bad("CacheSize", fmt.Errorf("must be between 0 and %d, got %d", maxCacheSize, c.CacheSize))
	}
	if c.Leeway < 0 || c.Leeway > MaxLeeway {
		bad("Leeway", fmt.Errorf("must be between 0 and %v, got %v", MaxLeeway, c.Leeway))
	}
	burst := c.KeyFetchBurst
	switch {
	case burst == 0:
		burst = DefaultKeyFetchBurst
	case burst < 1 || burst > MaxKeyFetchBurst:
		bad("KeyFetchBurst", fmt.Errorf("must be between 1 and %d (or 0 for %d), got %d", MaxKeyFetchBurst, DefaultKeyFetchBurst, burst))
	}
	interval := durationOr(c.KeyFetchInterval, DefaultKeyFetchInterval, "KeyFetchInterval", bad)
	penalty := durationOr(c.KeyFetchPenalty, DefaultKeyFetchPenalty, "KeyFetchPenalty", bad)
	if len(errs) > 0 {
		return resolved{}, errors.Join(errs...)
	}
	return resolved{
		arn: c.ALBARN, clientID: c.ClientID, issuer: c.Issuer, endpoint: endpoint,
		fetchBurst: burst, fetchInterval: interval, fetchPenalty: penalty,
	}, nil
}

// durationOr returns d, or def when d is 0, reporting d to bad unless it is
// between MinKeyFetchInterval and MaxKeyFetchInterval.
func durationOr(d, def time.Duration, field string, bad func(string, error)) time.Duration {
	if d == 0 {
		return def
	}
	if d < MinKeyFetchInterval || d > MaxKeyFetchInterval {
		bad(field, fmt.Errorf("must be between %v and %v (or 0 for %v), got %v", MinKeyFetchInterval, MaxKeyFetchInterval, def, d))
	}
	return d
}

// ARN is a parsed application load balancer ARN:
// arn:<partition>:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>.
type ARN struct {
	Partition string // e.g. "aws", "aws-us-gov"
	Region    string // e.g. "eu-west-1"
	Account   string // 12 digits
	Name      string // load balancer name
	ID        string // 16 hex digits
}

// String returns the ARN in its canonical text form.
func (a ARN) String() string {
	return "arn:" + a.Partition + ":elasticloadbalancing:" + a.Region + ":" + a.Account +
		":loadbalancer/app/" + a.Name + "/" + a.ID
}

const arnShape = "arn:<partition>:elasticloadbalancing:<region>:<12-digit account>:loadbalancer/app/<name>/<id>"

// ParseARN parses and strictly validates an application load balancer ARN.
func ParseARN(s string) (ARN, error) {
	if s == "" {
		return ARN{}, errors.New("required (want " + arnShape + ")")
	}
	fail := func(what string) (ARN, error) {
		return ARN{}, fmt.Errorf("not an application load balancer ARN: %s (want %s)", what, arnShape)
	}
	f := strings.Split(s, ":")
	if len(f) != 6 || f[0] != "arn" || f[2] != "elasticloadbalancing" {
		return fail("wrong prefix or number of fields")
	}
	a := ARN{Partition: f[1], Region: f[3], Account: f[4]}
	if !isPartition(a.Partition) {
		return fail("bad partition")
	}
	if !isRegion(a.Region) {
		return fail("bad region")
	}
	if len(a.Account) != 12 || !allDigits(a.Account) {
		return fail("account is not 12 digits")
	}
	r := strings.Split(f[5], "/")
	if len(r) != 4 || r[0] != "loadbalancer" || r[1] != "app" {
		return fail("resource is not loadbalancer/app/<name>/<id>")
	}
	a.Name, a.ID = r[2], r[3]
	if !isLBName(a.Name) {
		return fail("bad load balancer name")
	}
	if len(a.ID) != 16 || !allHex(a.ID) {
		return fail("load balancer id is not 16 hex digits")
	}
	return a, nil
}

// DefaultKeyEndpoint returns the public key endpoint AWS documents for the
// ARN's partition and region. For the aws partition that is
// https://public-keys.auth.elb.<region>.amazonaws.com; for aws-us-gov the two
// documented S3 endpoints. For other partitions (aws-cn, the isolated ones)
// AWS documents no endpoint that this package could confirm, so it returns
// an error and the caller must set Config.KeyEndpoint explicitly rather than
// rely on a guess that would fail every request at run time.
func DefaultKeyEndpoint(a ARN) (string, error) {
	switch a.Partition {
	case "aws":
		return "https://public-keys.auth.elb." + a.Region + ".amazonaws.com", nil
	case "aws-us-gov":
		switch a.Region {
		case "us-gov-west-1":
			return "https://s3-us-gov-west-1.amazonaws.com/aws-elb-public-keys-prod-us-gov-west-1", nil
		case "us-gov-east-1":
			return "https://s3.us-gov-east-1.amazonaws.com/aws-elb-public-keys-prod-us-gov-east-1", nil
		}
	}
	return "", fmt.Errorf("no documented default for partition %q region %q; set it explicitly", a.Partition, a.Region)
}

func checkIssuer(s string) error {
	if s == "" {
		return errors.New("required (e.g. https://cognito-idp.<region>.amazonaws.com/<user pool id>)")
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return errors.New("must be an https URL without query or fragment, e.g. https://cognito-idp.<region>.amazonaws.com/<user pool id>")
	}
	return nil
}

func checkEndpoint(s string) error {
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return errors.New("must be an absolute http(s) URL without query or fragment")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return errors.New("plain http is only allowed for loopback hosts (127.0.0.1, ::1, localhost)")
	}
	return errors.New("scheme must be https")
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func isPartition(s string) bool {
	if (s != "aws" && !strings.HasPrefix(s, "aws-")) || len(s) > 20 {
		return false
	}
	for _, p := range strings.Split(s, "-") {
		if p == "" || !allLower(p) {
			return false
		}
	}
	return true
}

// isRegion accepts names like eu-west-1, us-gov-west-1, ap-southeast-2.
func isRegion(s string) bool {
	p := strings.Split(s, "-")
	if len(p) < 3 || len(s) > 32 || len(p[0]) != 2 || !allLower(p[0]) {
		return false
	}
	for _, m := range p[1 : len(p)-1] {
		if m == "" || !allLower(m) {
			return false
		}
	}
	last := p[len(p)-1]
	return last != "" && len(last) <= 2 && allDigits(last)
}

func isLBName(s string) bool {
	if s == "" || len(s) > 32 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func allLower(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return s != ""
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func allHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return s != ""
}

// isUUID reports whether s is a UUID in its 8-4-4-4-12 hex form (either
// case). Nothing else can reach a key URL.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}
