package webapp_test

import (
	"strings"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
)

// TestPageShowsEmailVerification: the email is shown with whether Cognito has
// verified it (email_verified, the string "true" from its userInfo endpoint),
// so an unverified address is never taken for a proven one.
func TestPageShowsEmailVerification(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, tc := range []struct {
		verified any
		want     string
	}{
		{"true", `ann@example.com <span class="note">(verified)</span>`},
		{true, `ann@example.com <span class="note">(verified)</span>`},
		{"false", `ann@example.com <span class="note">(not verified)</span>`},
		{"TRUE", `ann@example.com <span class="note">(not verified)</span>`},
		{nil, `ann@example.com <span class="note">(not verified)</span>`},
	} {
		c := f.lb.Claims(albsim.User{Sub: "sub-1", Email: "ann@example.com"})
		if tc.verified == nil {
			delete(c, "email_verified")
		} else {
			c["email_verified"] = tc.verified
		}
		resp := f.handle(t, f.event(t, "/", c, albsim.Access{Sub: "sub-1"}))
		if !strings.Contains(resp.Body, tc.want) {
			t.Errorf("email_verified %#v: page lacks %q:\n%s", tc.verified, tc.want, resp.Body)
		}
	}
}
