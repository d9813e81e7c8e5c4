package albjwt_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/albjwt"
)

// TestKeyClient: no client means a bounded one that refuses redirects (a
// key endpoint that redirects is not followed); a given client is used as
// is, bounded by its own timeout or, without one, the default.
func TestKeyClient(t *testing.T) {
	c, d := albjwt.KeyClient(nil)
	if c == nil || c.Timeout != albjwt.DefaultFetchTimeout || d != albjwt.DefaultFetchTimeout {
		t.Fatalf("KeyClient(nil) = %v, %v", c, d)
	}
	if c.CheckRedirect == nil || c.CheckRedirect(nil, nil) != http.ErrUseLastResponse {
		t.Fatal("the default client follows redirects")
	}
	own := &http.Client{Timeout: time.Second}
	if c, d := albjwt.KeyClient(own); c != own || d != time.Second {
		t.Fatalf("KeyClient(own) = %v, %v", c, d)
	}
	unbounded := &http.Client{}
	if c, d := albjwt.KeyClient(unbounded); c != unbounded || d != albjwt.DefaultFetchTimeout {
		t.Fatalf("KeyClient(unbounded) = %v, %v", c, d)
	}
}

func TestCheckClientID(t *testing.T) {
	cases := []struct {
		id string
		ok bool
	}{
		{"3n4b5urk1ft4fl3mg5e62d9ado", true},
		{"a+b_c", true},
		{strings.Repeat("a", 128), true},
		{"", false},
		{strings.Repeat("a", 129), false},
		{"a b", false},
		{"a\tb", false},
		{"é", false},
	}
	for _, tc := range cases {
		if err := albjwt.CheckClientID(tc.id); (err == nil) != tc.ok {
			t.Errorf("CheckClientID(%q) = %v, want ok=%v", tc.id, err, tc.ok)
		}
	}
}
