package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
)

// document is a valid IDENTITY_CONFIG; no request in these tests carries a
// token, so no key is ever fetched.
func document(t *testing.T) string {
	t.Helper()
	b, err := json.Marshal(map[string]string{
		identity.EnvALBARN:         "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188",
		identity.EnvClientID:       "4lbc0gn1t0cl13nt1d",
		identity.EnvIssuer:         "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123",
		identity.EnvUserPoolDomain: "myprefix.auth.eu-west-1.amazoncognito.com",
		identity.EnvAppURL:         "https://app.example.com",
		identity.EnvRouteTable:     `{"routes":[{"name":"admin","paths":["/admin/*"],"groups":["admins"],"sessionCookieName":"AdminSession"}]}`,
		identity.EnvTarget:         identity.TargetHTTP,
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// start runs the server on a free loopback port until the test ends.
func start(t *testing.T) (string, *syncBuffer) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	doc := document(t)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, func(k string) string {
			if k == identity.EnvConfig {
				return doc
			}
			return ""
		}, ln, logs)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("run did not return after shutdown")
		}
		if !strings.Contains(logs.String(), `"msg":"stopped"`) {
			t.Errorf("no graceful stop in the log: %s", logs.String())
		}
	})
	return ln.Addr().String(), logs
}

// raw sends one request line as written, as the load balancer's health
// check or a listener rule would, and returns the status and body.
func raw(t *testing.T, addr, method, target string) (int, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, method+" "+target+" HTTP/1.1\r\nHost: app.example.com\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	resp := string(b)
	var status int
	if len(resp) > 12 {
		for _, ch := range resp[9:12] {
			status = status*10 + int(ch-'0')
		}
	}
	_, body, _ := strings.Cut(resp, "\r\n\r\n")
	return status, body
}

// TestHealth: the health check is answered without authentication, only
// on its exact path, and with nothing but "ok"; every other spelling goes
// through the middleware, which refuses it.
func TestHealth(t *testing.T) {
	addr, _ := start(t)
	if status, body := raw(t, addr, "GET", HealthPath); status != 200 || body != "ok" {
		t.Errorf("GET %s: %d %q", HealthPath, status, body)
	}
	if status, body := raw(t, addr, "HEAD", HealthPath); status != 200 || body != "" {
		t.Errorf("HEAD %s: %d %q", HealthPath, status, body)
	}
	for _, tc := range []struct{ method, target string }{
		{"POST", HealthPath},
		{"GET", HealthPath + "?x=1"},
		{"GET", HealthPath + "/"},
		{"GET", "/" + HealthPath},
		{"GET", "/%68ealthz"},
		{"GET", HealthPath + "/../admin/x"},
		{"GET", HealthPath + "%2F..%2Fadmin"},
		{"GET", "http://app.example.com" + HealthPath},
		{"GET", "/admin/x"},
		{"GET", "/"},
	} {
		status, body := raw(t, addr, tc.method, tc.target)
		if status != 400 && status != 401 || body == "ok" {
			t.Errorf("%s %s: %d %q, want the middleware's refusal", tc.method, tc.target, status, body)
		}
	}
}

// TestLogout: /logout is the middleware's, over plain HTTP: every session
// cookie shard expired, each in its own header.
func TestLogout(t *testing.T) {
	addr, _ := start(t)
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Get("http://" + addr + "/logout")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// The default cookie and the admin route's, four shards each.
	if resp.StatusCode != 302 || len(resp.Header.Values("Set-Cookie")) != 8 {
		t.Errorf("status %d, Set-Cookie %q", resp.StatusCode, resp.Header.Values("Set-Cookie"))
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"no document", map[string]string{}, []string{"IDENTITY_CONFIG: required"}},
		{"not JSON", map[string]string{identity.EnvConfig: "ALB_ARN=x"}, []string{"IDENTITY_CONFIG: want a JSON object"}},
		{"missing keys", map[string]string{identity.EnvConfig: `{"IDENTITY_TARGET":"http","APP_URL":"http://x"}`},
			[]string{"ALB_ARN: required", "APP_URL: must be an https URL", "ROUTE_TABLE: required"}},
		{"bad port", map[string]string{identity.EnvConfig: document(t), "PORT": "80a"}, []string{"PORT: must be a port number"}},
		{"port zero", map[string]string{identity.EnvConfig: document(t), "PORT": "0"}, []string{"PORT: must be a port number"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), func(k string) string { return tc.env[k] }, nil, &out)
			if err == nil {
				t.Fatal("run succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err = %q, want %q", err, w)
				}
			}
		})
	}
}
