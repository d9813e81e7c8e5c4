package preview

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
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

// TestKeyEndpointOnlyLoopbackHostNames: the second listener (the load
// balancer's public keys, the pool's JWKS and the machine clients' token
// endpoint) answers rebinding names 421 as the app does. The token endpoint
// matters most: a page that learned a client secret (a README, a shell
// history shown on screen) could otherwise mint tokens through the
// developer's browser and read them.
func TestKeyEndpointOnlyLoopbackHostNames(t *testing.T) {
	t.Parallel()
	table, err := ExampleMachineRoutes()
	if err != nil {
		t.Fatal(err)
	}
	s := start(t, Options{Routes: table, target: func(context.Context, events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
		return events.ALBTargetGroupResponse{StatusCode: 200}, nil
	}})
	_, port, err := net.SplitHostPort(strings.TrimPrefix(s.KeyEndpoint, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	c := s.MachineClients[0]
	for _, tc := range []struct {
		name, method, url string
		form              bool
		okStatus          int
	}{
		{"JWKS", "GET", s.JWKSURL, false, http.StatusOK},
		{"load balancer key", "GET", s.KeyEndpoint + "/no-such-kid", false, http.StatusNotFound},
		{"token endpoint", "POST", s.TokenEndpoint, true, http.StatusOK},
	} {
		for _, h := range []struct {
			host string
			ok   bool
		}{
			{"127.0.0.1:" + port, true},
			{"localhost:" + port, true},
			{"[::1]:" + port, true},
			{"rebind.attacker.example:" + port, false},
			{"127.0.0.1.nip.io:" + port, false},
			{"127.0.0.1:1", false},
			{"127.0.0.1", false},
		} {
			var body io.Reader
			if tc.form {
				body = strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode())
			}
			req, err := http.NewRequest(tc.method, tc.url, body)
			if err != nil {
				t.Fatal(err)
			}
			if tc.form {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.SetBasicAuth(c.ID, c.Secret)
			}
			req.Host = h.host
			resp, err := noFollow.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			want := tc.okStatus
			if !h.ok {
				want = http.StatusMisdirectedRequest
			}
			if resp.StatusCode != want {
				t.Errorf("%s, Host %q: status %d, want %d", tc.name, h.host, resp.StatusCode, want)
			}
			if !h.ok && strings.Contains(string(b), "access_token") {
				t.Errorf("%s, Host %q: answered a token", tc.name, h.host)
			}
		}
	}
}
