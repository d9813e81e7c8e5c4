package albjwt

import (
	"errors"
	"net/http"
	"time"
)

// This file holds what lambda/accesstoken does exactly as this package
// does, exported so that there is one definition of each.

// KeyClient returns the client a verifier fetches keys with and the bound
// on one fetch: c, or when c is nil a client with a DefaultFetchTimeout
// timeout that does not follow redirects; the bound is the client's
// Timeout, or DefaultFetchTimeout if it has none.
func KeyClient(c *http.Client) (*http.Client, time.Duration) {
	if c == nil {
		c = &http.Client{
			Timeout: DefaultFetchTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		}
	}
	if c.Timeout <= 0 {
		return c, DefaultFetchTimeout
	}
	return c, c.Timeout
}

// CheckClientID accepts 1 to 128 printable ASCII characters without
// spaces, a superset of Cognito's app client IDs ([\w+]+, at most 128).
func CheckClientID(s string) error {
	if s == "" {
		return errors.New("required")
	}
	if len(s) > 128 {
		return errors.New("longer than 128 characters")
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f {
			return errors.New("contains whitespace or non-ASCII characters")
		}
	}
	return nil
}
