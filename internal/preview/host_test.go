package preview

import (
	"context"
	"net"
	"net/http"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// TestOnlyLoopbackHostNames: a web page the developer opens elsewhere can
// point its own DNS name at 127.0.0.1 (DNS rebinding) and then read the
// preview as same-origin. Its requests carry its own name in Host, so the
// preview answers only loopback names on its own port.
func TestOnlyLoopbackHostNames(t *testing.T) {
	t.Parallel()
	s := start(t, Options{target: func(context.Context, events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
		return events.ALBTargetGroupResponse{StatusCode: 200, Body: "signed-in page"}, nil
	}})
	addr := s.URL[len("http://") : len(s.URL)-1]
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		host string
		ok   bool
	}{
		{"127.0.0.1:" + port, true},
		{"localhost:" + port, true},
		{"LOCALHOST:" + port, true},
		{"[::1]:" + port, true},
		{"rebind.attacker.example:" + port, false},
		{"127.0.0.1.nip.io:" + port, false},
		{"localhost.:" + port, false},
		{"127.0.0.2:" + port, false},
		{"127.0.0.1:1", false},
		{"127.0.0.1", false},
		{"localhost", false},
	} {
		req, err := http.NewRequest("GET", s.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = tc.host
		resp, err := noFollow.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.StatusCode == http.StatusOK; got != tc.ok {
			t.Errorf("Host %q: status %d, want served = %v", tc.host, resp.StatusCode, tc.ok)
		}
		if !tc.ok && resp.StatusCode != http.StatusMisdirectedRequest {
			t.Errorf("Host %q: status %d, want 421", tc.host, resp.StatusCode)
		}
	}
}
