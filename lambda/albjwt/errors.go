package albjwt

import (
	"errors"
)

// ErrInvalidToken is wrapped by every error that means the token must not be
// trusted: it is missing, malformed, forged, expired or meant for someone
// else. Callers answer 401.
var ErrInvalidToken = errors.New("invalid token")

// ErrKeyUnavailable is wrapped by errors that mean the token could not be
// checked because the public key could not be obtained: the key endpoint is
// unreachable, slow, answers other than 200, or serves something that is not
// a P-256 public key, or fetching it was refused because too many fetches
// were attempted (see [ReasonKeyThrottled]). Callers answer 503; the token is
// not trusted either.
var ErrKeyUnavailable = errors.New("public key unavailable")

// Reasons reported by [Error.Reason]. They are stable, short and safe to log.
const (
	ReasonMissing        = "token_missing"
	ReasonTooLarge       = "token_too_large"
	ReasonMalformed      = "token_malformed"
	ReasonBadAlg         = "bad_alg"
	ReasonBadKID         = "bad_kid"
	ReasonSignerMismatch = "signer_mismatch"
	ReasonClientMismatch = "client_mismatch"
	ReasonIssuerMismatch = "issuer_mismatch"
	ReasonExpMissing     = "exp_missing"
	ReasonExpInvalid     = "exp_invalid"
	ReasonExpired        = "expired"
	ReasonNotYetValid    = "not_yet_valid"
	ReasonBadClaims      = "bad_claims"
	ReasonNoSubject      = "no_subject"
	ReasonBadSignature   = "bad_signature"
	// ReasonCritHeader: the header has crit (or b64), which names an
	// extension the verifier must understand (RFC 7515 §4.1.11); it
	// understands none.
	ReasonCritHeader = "crit_header"

	ReasonKeyFetch    = "key_fetch_failed"
	ReasonKeyStatus   = "key_status"
	ReasonKeyTooLarge = "key_too_large"
	ReasonKeyUnusable = "key_unusable"
	ReasonKeyCanceled = "key_fetch_canceled"
	// ReasonKeyThrottled means no fetch was attempted: the kid's key failed
	// to fetch less than Config.KeyFetchPenalty ago, or the budget for
	// fetching keys that are not cached (Config.KeyFetchBurst and
	// Config.KeyFetchInterval) is spent. A flood of these suggests tokens
	// with made-up kids.
	ReasonKeyThrottled = "key_fetch_throttled"
)

// Error is the error type returned by [Verifier.Verify]. It wraps either
// [ErrInvalidToken] or [ErrKeyUnavailable], and the underlying cause if any.
// Neither its message nor its cause contains the token.
type Error struct {
	// Kind is ErrInvalidToken or ErrKeyUnavailable.
	Kind error
	// Reason is one of the Reason constants.
	Reason string
	// Cause is the underlying error, or nil.
	Cause error
}

// Error implements error.
func (e *Error) Error() string {
	msg := "albjwt: " + e.Kind.Error() + ": " + e.Reason
	if e.Cause != nil {
		msg += ": " + e.Cause.Error()
	}
	return msg
}

// Unwrap returns the kind and the cause, so errors.Is works with both.
func (e *Error) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Cause}
}

// Reason returns the machine-readable reason of an error returned by
// [Verifier.Verify], or "internal" for any other non-nil error and "" for nil.
func Reason(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return "internal"
}

func invalid(reason string, cause error) *Error {
	return &Error{Kind: ErrInvalidToken, Reason: reason, Cause: cause}
}

func unavailable(reason string, cause error) *Error {
	return &Error{Kind: ErrKeyUnavailable, Reason: reason, Cause: cause}
}
