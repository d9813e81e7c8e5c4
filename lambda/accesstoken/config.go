package accesstoken

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/albjwt"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/cognitoissuer"
)

const (
	// MaxTokenSize is the largest token, in bytes, that Verify will parse.
	// A Cognito access token is about 1 KiB plus its groups and scopes.
	MaxTokenSize = 16 << 10
	// MaxJWKSSize is the largest JWKS response body, in bytes, that is read.
	// Cognito publishes two RSA-2048 keys, well under 2 KiB.
	MaxJWKSSize = 64 << 10
	// MaxLeeway is the largest clock skew allowed by Config.Leeway.
	MaxLeeway = albjwt.MaxLeeway
	// DefaultFetchTimeout bounds one JWKS fetch when Config.HTTPClient is
	// nil or has no timeout of its own.
	DefaultFetchTimeout = albjwt.DefaultFetchTimeout
	// MinRSABits is the smallest RSA modulus accepted from the JWKS.
	MinRSABits = 2048
	// maxRSABits bounds the work one signature check can cost.
	maxRSABits = 8192
	// maxKeys bounds the number of keys kept from one JWKS.
	maxKeys = 64
)

// Config configures a Verifier. Issuer and ClientIDs are required.
type Config struct {
	// Issuer is the user pool's issuer:
	// https://cognito-idp.<region>.amazonaws.com/<user pool id>, or
	// https://issuer-cognito-idp.<region>.amazonaws.com/<user pool id> for a
	// pool whose IssuerConfiguration is UPDATED (amazonaws.com.cn in China).
	// The pool ID's region must be the host's. The token's iss must be this
	// pool's issuer in either form (cognitoissuer.Accepted): a pool's
	// issuer configuration can change while tokens of the old form are
	// still valid, and both forms name the same pool, whose keys come from
	// the one JWKSURL either way.
	Issuer string
	// ClientIDs are the app client IDs whose tokens are accepted (the
	// token's client_id must be one of them). At least one is required.
	ClientIDs []string
	// Audiences are the resource identifiers this verifier's API answers
	// for: the site's resource server (config key resourceServerId). A
	// token without aud, as Cognito issues unless the client asked for a
	// resource (resource binding), is accepted on client_id alone. A token
	// with aud was bound to the resources it names, so at least one must be
	// among Audiences (RFC 8707 §2, RFC 9068 §4: a resource server refuses
	// a token whose audience is not itself); with no Audiences every token
	// with aud is refused. aud never grants anything: groups and scopes do.
	Audiences []string
	// JWKSURL is where the pool's public keys are fetched. Empty means
	// cognitoissuer.JWKSURL(Issuer), Issuer + "/.well-known/jwks.json",
	// where Cognito publishes them. It
	// must be https, except that http is allowed for loopback hosts (tests
	// and the local preview).
	JWKSURL string
	// HTTPClient fetches the JWKS. Nil means a client with a
	// DefaultFetchTimeout timeout that does not follow redirects. Each fetch
	// is bounded by the client's Timeout, or by DefaultFetchTimeout if it
	// has none.
	HTTPClient *http.Client
	// Clock returns the current time. Nil means time.Now.
	Clock func() time.Time
	// Leeway is the clock skew allowed when checking exp, nbf and iat,
	// between 0 and MaxLeeway.
	Leeway time.Duration

	// KeyFetchBurst, KeyFetchInterval and KeyFetchPenalty bound the JWKS
	// fetches made for kids that are not known, by this Verifier and,
	// separately, by each derived from it with WithClients (each has its
	// own bucket and penalty box with these settings), exactly as the fields of
	// the same names bound albjwt's key fetches (same ranges, same
	// defaults: albjwt.DefaultKeyFetchBurst, DefaultKeyFetchInterval,
	// DefaultKeyFetchPenalty). The penalty applies to a kid whose fetch
	// failed or that a successfully fetched JWKS does not contain.
	KeyFetchBurst    int
	KeyFetchInterval time.Duration
	KeyFetchPenalty  time.Duration
}

// FieldError reports a problem with one Config field. It is albjwt's type,
// so callers handle both verifiers' configuration errors one way.
type FieldError = albjwt.FieldError

// Validate reports every problem with c at once, as *FieldError values
// joined with errors.Join. It returns nil when New would succeed.
func (c Config) Validate() error {
	_, err := c.resolve()
	return err
}

// issuerPattern matches the issuer of a user pool, in either of the forms
// of the pool's IssuerConfiguration (Cognito API reference,
// IssuerConfigurationType): ORIGINAL https://cognito-idp.<region>.amazonaws.com/<pool id>
// and UPDATED https://issuer-cognito-idp.<region>.amazonaws.com/<pool id>.
// The pool ID is <region>_<alphanumerics>, as aws-jwt-verify also requires.
var issuerPattern = regexp.MustCompile(`^https://(?:issuer-)?cognito-idp\.([a-z]{2}(?:-[a-z]+)+-\d{1,2})\.(?:amazonaws\.com|amazonaws\.com\.cn)/([a-z]{2}(?:-[a-z]+)+-\d{1,2})_[A-Za-z0-9]+$`)

const issuerShape = "https://cognito-idp.<region>.amazonaws.com/<region>_<pool id>, or issuer-cognito-idp for a pool with the UPDATED issuer (amazonaws.com.cn in China)"

type resolved struct {
	issuer        string
	clientIDs     map[string]bool
	audiences     []string
	jwksURL       string
	fetchBurst    int
	fetchInterval time.Duration
	fetchPenalty  time.Duration
}

func (c Config) resolve() (resolved, error) {
	var errs []error
	bad := func(field string, err error) { errs = append(errs, &FieldError{Field: field, Err: err}) }

	issuerOK := false
	switch m := issuerPattern.FindStringSubmatch(c.Issuer); {
	case c.Issuer == "":
		bad("Issuer", errors.New("required (want "+issuerShape+")"))
	case m == nil:
		bad("Issuer", errors.New("not a Cognito user pool issuer (want "+issuerShape+")"))
	case m[1] != m[2]:
		bad("Issuer", fmt.Errorf("the user pool ID's region %s is not the host's region %s", m[2], m[1]))
	default:
		issuerOK = true
	}
	ids := clientSet(c.ClientIDs, bad)
	for i, a := range c.Audiences {
		if a == "" || len(a) > 256 || strings.ContainsAny(a, " \t\r\n") {
			bad(fmt.Sprintf("Audiences[%d]", i), errors.New("must be a resource identifier of 1 to 256 characters without whitespace"))
		}
	}
	jwksURL := c.JWKSURL
	switch {
	case jwksURL != "":
		if err := checkURL(jwksURL); err != nil {
			bad("JWKSURL", err)
		}
	case issuerOK:
		jwksURL = cognitoissuer.JWKSURL(c.Issuer)
	}
	if c.Leeway < 0 || c.Leeway > MaxLeeway {
		bad("Leeway", fmt.Errorf("must be between 0 and %v, got %v", MaxLeeway, c.Leeway))
	}
	burst := c.KeyFetchBurst
	switch {
	case burst == 0:
		burst = albjwt.DefaultKeyFetchBurst
	case burst < 1 || burst > albjwt.MaxKeyFetchBurst:
		bad("KeyFetchBurst", fmt.Errorf("must be between 1 and %d (or 0 for %d), got %d", albjwt.MaxKeyFetchBurst, albjwt.DefaultKeyFetchBurst, burst))
	}
	interval := durationOr(c.KeyFetchInterval, albjwt.DefaultKeyFetchInterval, "KeyFetchInterval", bad)
	penalty := durationOr(c.KeyFetchPenalty, albjwt.DefaultKeyFetchPenalty, "KeyFetchPenalty", bad)
	if len(errs) > 0 {
		return resolved{}, errors.Join(errs...)
	}
	return resolved{
		issuer: c.Issuer, clientIDs: ids, audiences: slices.Clone(c.Audiences), jwksURL: jwksURL,
		fetchBurst: burst, fetchInterval: interval, fetchPenalty: penalty,
	}, nil
}

// durationOr returns d, or def when d is 0, reporting d to bad unless it is
// within albjwt's bounds for the same field.
func durationOr(d, def time.Duration, field string, bad func(string, error)) time.Duration {
	if d == 0 {
		return def
	}
	if d < albjwt.MinKeyFetchInterval || d > albjwt.MaxKeyFetchInterval {
		bad(field, fmt.Errorf("must be between %v and %v (or 0 for %v), got %v", albjwt.MinKeyFetchInterval, albjwt.MaxKeyFetchInterval, def, d))
	}
	return d
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() || u.Host == "" || u.User != nil || u.Fragment != "" {
		return errors.New("must be an absolute http(s) URL without user info or fragment")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		host := u.Hostname()
		if strings.EqualFold(host, "localhost") {
			return nil
		}
		if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
			return nil
		}
		return errors.New("plain http is only allowed for loopback hosts (127.0.0.1, ::1, localhost)")
	}
	return errors.New("scheme must be https")
}

// clientSet checks a list of accepted client IDs, reporting each problem to
// bad, and returns them as a set.
func clientSet(clientIDs []string, bad func(field string, err error)) map[string]bool {
	ids := make(map[string]bool, len(clientIDs))
	if len(clientIDs) == 0 {
		bad("ClientIDs", errors.New("required: at least one app client ID"))
	}
	for i, id := range clientIDs {
		if err := albjwt.CheckClientID(id); err != nil {
			bad(fmt.Sprintf("ClientIDs[%d]", i), err)
		} else if ids[id] {
			bad(fmt.Sprintf("ClientIDs[%d]", i), fmt.Errorf("%q is listed twice", id))
		}
		ids[id] = true
	}
	return ids
}
