package albhttp_test

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/albhttp"
)

// FuzzNewRequest: whatever the event holds, NewRequest returns one of its
// named errors or a request whose RequestURI begins with the path exactly
// as given and whose URL.Path is that path decoded once; it never panics.
func FuzzNewRequest(f *testing.F) {
	for _, s := range [][3]string{
		{"GET", "/a|b%2Fc", ""}, {"POST", "/%zz", "eA=="}, {"GET /", "/", ""},
		{"GET", "/a?b", ""}, {"GET", "/%", "!"}, {"PUT", "/caf%C3%A9", "aGk="},
	} {
		f.Add(s[0], s[1], s[2], true, "k", "v%20")
	}
	named := []error{albhttp.ErrInvalidMethod, albhttp.ErrInvalidPath, albhttp.ErrInvalidEscape, albhttp.ErrInvalidBody}
	f.Fuzz(func(t *testing.T, method, path, body string, b64 bool, qk, qv string) {
		for _, multi := range []bool{false, true} {
			ev := events.ALBTargetGroupRequest{HTTPMethod: method, Path: path, Body: body, IsBase64Encoded: b64}
			if multi {
				ev.MultiValueHeaders = map[string][]string{"host": {"h"}}
				ev.MultiValueQueryStringParameters = map[string][]string{qk: {qv}}
			} else {
				ev.Headers = map[string]string{"host": "h"}
				ev.QueryStringParameters = map[string]string{qk: qv}
			}
			r, err := albhttp.NewRequest(context.Background(), &ev)
			if err != nil {
				if !slices.ContainsFunc(named, func(e error) bool { return errors.Is(err, e) }) {
					t.Fatalf("unnamed error %v", err)
				}
				continue
			}
			raw, _, _ := strings.Cut(r.RequestURI, "?")
			if raw != path {
				t.Fatalf("RequestURI %q, path %q", r.RequestURI, path)
			}
			if want, _ := url.PathUnescape(path); r.URL.Path != want {
				t.Fatalf("URL.Path %q, want %q", r.URL.Path, want)
			}
		}
	})
}
