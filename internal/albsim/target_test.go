package albsim_test

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
)

// TestHTTPTarget: the upstream receives the path exactly as sent (no
// cleaning, no re-escaping), the query, Host and the load balancer's headers,
// and the body; its response comes back with every header value.
func TestHTTPTarget(t *testing.T) {
	t.Parallel()
	type seen struct {
		uri, host, body, xff, oidc string
	}
	got := make(chan seen, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- seen{r.RequestURI, r.Host, string(b), r.Header.Get("X-Forwarded-For"), r.Header.Get("X-Amzn-Oidc-Data")}
		w.Header().Add("Set-Cookie", "a=1")
		w.Header().Add("Set-Cookie", "b=2")
		w.WriteHeader(http.StatusTeapot)
		_, _ = io.WriteString(w, "\x00binary")
	}))
	defer srv.Close()
	fwd, err := albsim.HTTPTarget(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/a/../b", "//admin/x", "/x/%2e%2e/admin", "/admin%2F", "/adm|n/{x}", "/public/..;/admin/x"} {
		ev := events.ALBTargetGroupRequest{
			HTTPMethod: "POST", Path: path,
			MultiValueQueryStringParameters: map[string][]string{"q": {"1", "%2F"}, "a": {""}},
			MultiValueHeaders: map[string][]string{"host": {"app.example.com"}, "x-forwarded-for": {"192.0.2.1"},
				"x-amzn-oidc-data": {"tok"}, "content-length": {"999"}},
			Body: base64.StdEncoding.EncodeToString([]byte("body")), IsBase64Encoded: true,
		}
		resp, err := fwd(context.Background(), ev)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		s := <-got
		if want := path + "?a=&q=1&q=%2F"; s.uri != want || s.host != "app.example.com" || s.body != "body" || s.xff != "192.0.2.1" || s.oidc != "tok" {
			t.Errorf("%s: upstream saw %+v, want request target %q", path, s, want)
		}
		body, _ := base64.StdEncoding.DecodeString(resp.Body)
		if resp.StatusCode != http.StatusTeapot || len(resp.MultiValueHeaders["Set-Cookie"]) != 2 || string(body) != "\x00binary" {
			t.Errorf("%s: response %+v", path, resp)
		}
		rec := httptest.NewRecorder()
		if err := albsim.WriteHTTPTargetResponse(rec, resp); err != nil || rec.Code != http.StatusTeapot || len(rec.Result().Cookies()) != 2 || rec.Body.String() != "\x00binary" {
			t.Errorf("%s: written %d %v %q: %v", path, rec.Code, rec.Header(), rec.Body.String(), err)
		}
	}
}

func TestHTTPTargetRefuses(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"https://127.0.0.1:1", "http://127.0.0.1", "http://127.0.0.1:1/path", "127.0.0.1:1", "http://u@127.0.0.1:1"} {
		if _, err := albsim.HTTPTarget(base); err == nil {
			t.Errorf("HTTPTarget(%q) accepted", base)
		}
	}
	// A live upstream, so that only the request's own faults can fail.
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	fwd, err := albsim.HTTPTarget(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	host := map[string][]string{"host": {"app.example.com"}}
	if _, err := fwd(context.Background(), events.ALBTargetGroupRequest{HTTPMethod: "GET", Path: "/", MultiValueHeaders: host}); err != nil {
		t.Fatalf("a good request: %v", err)
	}
	for name, ev := range map[string]events.ALBTargetGroupRequest{
		"no slash":     {HTTPMethod: "GET", Path: "admin", MultiValueHeaders: host},
		"space":        {HTTPMethod: "GET", Path: "/a b", MultiValueHeaders: host},
		"CRLF in path": {HTTPMethod: "GET", Path: "/a\r\nX: y", MultiValueHeaders: host},
		"CRLF header":  {HTTPMethod: "GET", Path: "/", MultiValueHeaders: map[string][]string{"host": {"h"}, "x": {"a\r\nInjected: 1"}}},
		"no host":      {HTTPMethod: "GET", Path: "/", MultiValueHeaders: map[string][]string{}},
		"method space": {HTTPMethod: "GET /x", Path: "/", MultiValueHeaders: host},
		"bad base64":   {HTTPMethod: "GET", Path: "/", MultiValueHeaders: host, Body: "!", IsBase64Encoded: true},
		"header colon": {HTTPMethod: "GET", Path: "/", MultiValueHeaders: map[string][]string{"host": {"h"}, "a:b": {"x"}}},
	} {
		if _, err := fwd(context.Background(), ev); err == nil || !strings.HasPrefix(err.Error(), "albsim: HTTP target:") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}
