package albhttp_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/albctx"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albhttp"
)

// modes are the two event shapes, one per target group header mode.
var modes = []string{"single.json", "multi.json"}

// withQuery sets one raw query parameter in the event's mode.
func withQuery(ev *events.ALBTargetGroupRequest, k, v string) {
	if ev.MultiValueHeaders != nil {
		ev.MultiValueQueryStringParameters = map[string][]string{k: {v}}
	} else {
		ev.QueryStringParameters = map[string]string{k: v}
	}
}

func noQuery(ev *events.ALBTargetGroupRequest) {
	if ev.MultiValueHeaders != nil {
		ev.MultiValueQueryStringParameters = map[string][]string{}
	} else {
		ev.QueryStringParameters = map[string]string{}
	}
}

// TestContextCarriesTheEvent: the handler finds the target group and the
// header mode in albctx, in both modes, and through NewRequest too.
func TestContextCarriesTheEvent(t *testing.T) {
	t.Parallel()
	for _, file := range modes {
		ev := event(t, file)
		ev.RequestContext.ELB.TargetGroupArn = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/" + file + "/0123"
		want := albctx.Event{TargetGroupARN: ev.RequestContext.ELB.TargetGroupArn, MultiValueHeaders: file == "multi.json"}

		var got albctx.Event
		var found bool
		invoke(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got, found = albctx.FromContext(r.Context())
		}), ev)
		if !found || got != want {
			t.Errorf("%s: handler's albctx = %+v, %v; want %+v", file, got, found, want)
		}

		r, err := albhttp.NewRequest(context.Background(), &ev)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := albctx.FromContext(r.Context()); !ok || got != want {
			t.Errorf("%s: NewRequest's albctx = %+v, %v; want %+v", file, got, ok, want)
		}
	}
}

// TestRequestURIIsThePathAsSent: r.RequestURI is the event's path byte for
// byte, plus the query, whatever net/url thinks of the path's characters;
// r.URL.Path is the path decoded once. (u.RequestURI() re-escapes the whole
// path when one byte such as '|' is outside what net/url accepts raw, which
// turns "%2F" into "/".)
func TestRequestURIIsThePathAsSent(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ path, decoded string }{
		{"/a/b", "/a/b"},
		{"/files/a%20b.txt", "/files/a b.txt"},
		{"/docs/a%2Fb", "/docs/a/b"},
		{"/a|b", "/a|b"},
		{"/x|y%2Fz", "/x|y/z"},
		{`/q"^`, `/q"^`},
		{"/{id}/%7B%7d", "/{id}/{}"},
		{"/a/%2e%2e/admin", "/a/../admin"},
		{"/%2f%2F", "///"},
		{"/caf%C3%A9", "/café"},
	} {
		for _, file := range modes {
			for _, q := range []struct{ k, v, raw string }{{}, {"a", "1%7C2", "a=1%7C2"}} {
				ev := event(t, file)
				ev.Path = tc.path
				if q.k == "" {
					noQuery(&ev)
				} else {
					withQuery(&ev, q.k, q.v)
				}
				want := tc.path
				if q.raw != "" {
					want += "?" + q.raw
				}
				var s seen
				resp, _, _ := invoke(t, recordTo(&s, hello), ev)
				if resp.StatusCode != 200 || s.requestURI != want || s.path != tc.decoded {
					t.Errorf("%s %s: status %d, RequestURI %q Path %q; want %q %q", file, tc.path, resp.StatusCode, s.requestURI, s.path, want, tc.decoded)
				}
			}
		}
	}
}

// TestInvalidEscapeIsBadRequest: a path with a malformed percent-escape is
// answered 400 without running the handler, as net/http's server answers
// it, not passed on undecoded (where one reader decodes it and another does
// not). One log line names the path, bounded.
func TestInvalidEscapeIsBadRequest(t *testing.T) {
	t.Parallel()
	const secret = "tail-that-must-not-be-logged"
	long := "/" + strings.Repeat("p", 300) + "/%zz/" + secret
	for _, path := range []string{"/%zz", "/a%4", "/a%4/b", "/a%", "/100%", "/%%41", "/%g0", "/ok%2F%x1", long} {
		for _, file := range modes {
			ev := event(t, file)
			ev.Path = path
			ran := false
			resp, _, logs := invoke(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { ran = true }), ev)
			if ran || resp.StatusCode != 400 || resp.StatusDescription != "400 Bad Request" || body(t, resp) == nil || string(body(t, resp)) != "Bad Request\n" {
				t.Errorf("%s %.40q: handler ran %v, answered %d %q %q", file, path, ran, resp.StatusCode, resp.StatusDescription, body(t, resp))
			}
			if n := strings.Count(logs, "\n"); n != 1 || !strings.Contains(logs, `"bad request"`) || !strings.Contains(logs, "escape") {
				t.Errorf("%s %.40q: want one line naming the bad escape, got %d: %s", file, path, n, logs)
			}
			if strings.Contains(logs, secret) || len(logs) > 1024 {
				t.Errorf("%s: the log echoes more than the bounded path: %s", file, logs)
			}
		}
	}
}

// TestNewRequestErrors: each event no client request could produce gets its
// own named error, which echoes none of the event.
func TestNewRequestErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		edit func(*events.ALBTargetGroupRequest)
		want error
	}{
		{"method with a space", func(ev *events.ALBTargetGroupRequest) { ev.HTTPMethod = "GET /secret" }, albhttp.ErrInvalidMethod},
		{"relative path", func(ev *events.ALBTargetGroupRequest) { ev.Path = "secret" }, albhttp.ErrInvalidPath},
		{"empty path", func(ev *events.ALBTargetGroupRequest) { ev.Path = "" }, albhttp.ErrInvalidPath},
		{"question mark in the path", func(ev *events.ALBTargetGroupRequest) { ev.Path = "/a?secret" }, albhttp.ErrInvalidPath},
		{"space in the path", func(ev *events.ALBTargetGroupRequest) { ev.Path = "/a secret" }, albhttp.ErrInvalidPath},
		{"CR LF in the path", func(ev *events.ALBTargetGroupRequest) { ev.Path = "/a\r\nsecret" }, albhttp.ErrInvalidPath},
		{"NUL in the path", func(ev *events.ALBTargetGroupRequest) { ev.Path = "/a\x00secret" }, albhttp.ErrInvalidPath},
		{"bad escape", func(ev *events.ALBTargetGroupRequest) { ev.Path = "/%zzsecret" }, albhttp.ErrInvalidEscape},
		{"truncated escape", func(ev *events.ALBTargetGroupRequest) { ev.Path = "/secret%4" }, albhttp.ErrInvalidEscape},
		{"bad base64", func(ev *events.ALBTargetGroupRequest) { ev.Body, ev.IsBase64Encoded = "secret!", true }, albhttp.ErrInvalidBody},
	} {
		for _, file := range modes {
			ev := event(t, file)
			tc.edit(&ev)
			_, err := albhttp.NewRequest(context.Background(), &ev)
			if !errors.Is(err, tc.want) {
				t.Errorf("%s %s: %v, want %v", tc.name, file, err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "secret") {
				t.Errorf("%s %s: the error echoes the event: %v", tc.name, file, err)
			}
		}
	}
}
