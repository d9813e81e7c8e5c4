package albsim

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// pathCases are request paths a client may send, each of which
// r.URL.EscapedPath() would change: it re-escapes the whole path as soon as
// one byte is outside what it considers valid, which decodes an escaped
// slash ("%2F") and so changes the path's segments.
var pathCases = []struct{ name, path string }{
	{"pipe", "/a|b"},
	{"braces", "/{id}/x"},
	{"quote caret backtick", "/q\"^`"},
	{"escaped dot segment", "/a/%2e%2e/b"},
	{"escaped slash", "/docs/a%2Fb"},
	{"escaped slash beside a pipe", "/x|y%2Fz"},
	{"escaped slash beside a brace", "/%7B{%2F"},
	{"lower and upper hex kept as sent", "/%2f%2F%7c"},
	{"plain", "/a/b"},
}

// TestFromHTTPKeepsThePathAsSent sends raw request lines to a real server
// and checks the event's Path is the request target's path byte for byte,
// as the load balancer passes it.
func TestFromHTTPKeepsThePathAsSent(t *testing.T) {
	t.Parallel()
	got := make(chan events.ALBTargetGroupRequest, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, err := FromHTTP(r, "", "")
		if err != nil {
			t.Error(err)
		}
		got <- ev
	}))
	defer srv.Close()
	for _, tc := range pathCases {
		for _, query := range []string{"", "?k=v%7C|"} {
			conn, err := net.DialTimeout("tcp", srv.Listener.Addr().String(), 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			conn.SetDeadline(time.Now().Add(5 * time.Second))
			fmt.Fprintf(conn, "GET %s%s HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n", tc.path, query)
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			conn.Close()
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("%s: the server refused %q: %v %v", tc.name, tc.path, resp, err)
			}
			ev := <-got
			if ev.Path != tc.path {
				t.Errorf("%s%s: event Path %q, want %q as sent", tc.name, query, ev.Path, tc.path)
			}
			if query != "" && len(ev.MultiValueQueryStringParameters["k"]) != 1 {
				t.Errorf("%s: query %v", tc.name, ev.MultiValueQueryStringParameters)
			}
		}
	}
}

// TestFromHTTPRequestTargetForms: the path of an absolute-form target (a
// request to a proxy, and what httptest.NewRequest makes of a full URL) is
// the part after the authority; a request that did not come from a server
// (no RequestURI) falls back to its URL; a target without a path ("*") is
// refused.
func TestFromHTTPRequestTargetForms(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, target, want string }{
		{"origin form", "/a|b%2Fc?x=1", "/a|b%2Fc"},
		{"absolute form", "http://example.com/a|b%2Fc?x=1", "/a|b%2Fc"},
		{"absolute form with a port", "http://127.0.0.1:8080/%2e/x", "/%2e/x"},
		{"absolute form without a path", "http://example.com", "/"},
		{"absolute form with only a query", "http://example.com?a=/b", "/"},
	} {
		r := httptest.NewRequest("GET", tc.target, nil)
		ev, err := FromHTTP(r, "", "")
		if err != nil || ev.Path != tc.want {
			t.Errorf("%s: Path %q, %v; want %q", tc.name, ev.Path, err, tc.want)
		}
	}

	r, err := http.NewRequest("GET", "http://example.com/a%2Fb", nil)
	if err != nil {
		t.Fatal(err)
	}
	if ev, err := FromHTTP(r, "", ""); err != nil || ev.Path != "/a%2Fb" {
		t.Errorf("no RequestURI: Path %q, %v", ev.Path, err)
	}

	r = httptest.NewRequest("OPTIONS", "/", nil)
	r.RequestURI = "*"
	if _, err := FromHTTP(r, "", ""); !errors.Is(err, ErrNoPath) {
		t.Errorf(`target "*": %v, want ErrNoPath`, err)
	}
	if strings.Contains(ErrNoPath.Error(), "*") {
		t.Error("the error echoes the target")
	}
}
