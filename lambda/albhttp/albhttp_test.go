package albhttp_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/alb-cognito/alb-cognito-cdk/internal/syncbuf"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albhttp"
)

// event loads a recorded event shape from testdata.
func event(t testing.TB, name string) events.ALBTargetGroupRequest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var ev events.ALBTargetGroupRequest
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

// seen is what the handler got.
type seen struct {
	method, path, rawPath, rawQuery, requestURI, host, remote string
	query                                                     map[string][]string
	header                                                    http.Header
	body                                                      []byte
	contentLength                                             int64
	requestID                                                 string
}

func recordTo(s *seen, then http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		*s = seen{
			method: r.Method, path: r.URL.Path, rawPath: r.URL.RawPath, rawQuery: r.URL.RawQuery,
			requestURI: r.RequestURI, host: r.Host, remote: r.RemoteAddr,
			query: r.URL.Query(), header: r.Header, body: b, contentLength: r.ContentLength,
		}
		if lc, ok := lambdacontext.FromContext(r.Context()); ok {
			s.requestID = lc.AwsRequestID
		}
		if then != nil {
			then(w, r)
		}
	}
}

// logBuffer is a concurrency-safe log sink.
// logBuffer is the log output tests read while it is written.
type logBuffer = syncbuf.Buffer

// invoke runs ev through an adapter serving h and returns the decoded
// response, the raw JSON's top-level keys and the log.
func invoke(t *testing.T, h http.Handler, ev events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, map[string]json.RawMessage, string) {
	t.Helper()
	var logs logBuffer
	a := albhttp.New(h, &albhttp.Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	payload, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-1"})
	out, err := a.Invoke(ctx, payload)
	if err != nil {
		t.Fatalf("Invoke: %v", err)
	}
	if len(out) > albhttp.MaxResponseBytes {
		t.Fatalf("response JSON is %d bytes, over the load balancer's limit", len(out))
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(out, &raw); err != nil {
		t.Fatal(err)
	}
	var resp events.ALBTargetGroupResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatal(err)
	}
	multi := ev.MultiValueHeaders != nil
	_, hasMulti := raw["multiValueHeaders"]
	_, hasSingle := raw["headers"]
	if hasMulti != multi || hasSingle == multi {
		t.Fatalf("request multi-value=%v, but the response has multiValueHeaders=%v headers=%v: %s", multi, hasMulti, hasSingle, out)
	}
	return resp, raw, logs.String()
}

// header reads a response header in either mode.
func header(resp events.ALBTargetGroupResponse, name string) []string {
	if resp.MultiValueHeaders != nil {
		return resp.MultiValueHeaders[http.CanonicalHeaderKey(name)]
	}
	if v, ok := resp.Headers[http.CanonicalHeaderKey(name)]; ok {
		return []string{v}
	}
	return nil
}

func body(t *testing.T, resp events.ALBTargetGroupResponse) []byte {
	t.Helper()
	if !resp.IsBase64Encoded {
		return []byte(resp.Body)
	}
	b, err := base64.StdEncoding.DecodeString(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func hello(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "hello")
}

func TestRecordedShapes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file   string
		remote string
		query  map[string][]string
		cookie []string
		proto  string
	}{
		{"single.json", "72.12.164.125:0", map[string][]string{"query": {"1234ABCD"}}, nil, "http"},
		{"multi.json", "72.12.164.125:0", map[string][]string{"myKey": {"val1", "val2"}}, []string{"name1=value1", "name2=value2"}, "https"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			var s seen
			resp, raw, _ := invoke(t, recordTo(&s, hello), event(t, tc.file))
			if s.method != "GET" || s.path != "/lambda" || s.host != "lambda-alb-123578498.us-east-2.elb.amazonaws.com" {
				t.Errorf("request %s %s host %q", s.method, s.path, s.host)
			}
			if s.remote != tc.remote {
				t.Errorf("RemoteAddr %q, want %q (the last X-Forwarded-For entry)", s.remote, tc.remote)
			}
			if !reflect.DeepEqual(s.query, tc.query) {
				t.Errorf("query %v, want %v", s.query, tc.query)
			}
			if got := s.header.Values("Cookie"); !reflect.DeepEqual(got, tc.cookie) {
				t.Errorf("cookies %q, want %q", got, tc.cookie)
			}
			if got := s.header.Get("X-Forwarded-Proto"); got != tc.proto {
				t.Errorf("X-Forwarded-Proto %q", got)
			}
			if s.header.Get("Host") != "" {
				t.Error("Host left in the header map; net/http moves it to r.Host")
			}
			if s.requestID != "req-1" {
				t.Errorf("lambdacontext not in the request context (got %q)", s.requestID)
			}
			if resp.StatusCode != 200 || resp.StatusDescription != "200 OK" || string(body(t, resp)) != "hello" || resp.IsBase64Encoded {
				t.Errorf("response %+v", resp)
			}
			if _, ok := raw["isBase64Encoded"]; !ok {
				t.Error("isBase64Encoded missing; the load balancer requires it")
			}
		})
	}
}

// TestQueryString checks that the still-encoded keys and values the load
// balancer sends reach the handler decoded exactly once, in both modes.
func TestQueryString(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		multi map[string][]string // as the load balancer sends them: raw
		want  map[string][]string // r.URL.Query()
	}{
		{"percent space", map[string][]string{"q": {"a%20b"}}, map[string][]string{"q": {"a b"}}},
		{"plus is space", map[string][]string{"q": {"a+b"}}, map[string][]string{"q": {"a b"}}},
		{"encoded plus", map[string][]string{"q": {"1%2B1%3D2"}}, map[string][]string{"q": {"1+1=2"}}},
		{"encoded ampersand", map[string][]string{"q": {"a%26b=c"}}, map[string][]string{"q": {"a&b=c"}}},
		{"encoded key", map[string][]string{"enco%2Fded": {"qu%2Fery"}, "foo%5Ba%5D": {"foo%5B"}}, map[string][]string{"enco/ded": {"qu/ery"}, "foo[a]": {"foo["}}},
		{"utf-8", map[string][]string{"name": {"Ma%C3%B1ana"}}, map[string][]string{"name": {"Mañana"}}},
		{"url value", map[string][]string{"next": {"https%3A%2F%2Fexample.com%2F%3Fa%3D1%26b%3D2"}}, map[string][]string{"next": {"https://example.com/?a=1&b=2"}}},
		{"empty and bare", map[string][]string{"flag": {""}, "x": {"1"}}, map[string][]string{"flag": {""}, "x": {"1"}}},
		{"repeated keep order", map[string][]string{"k": {"3", "1", "2%202"}}, map[string][]string{"k": {"3", "1", "2 2"}}},
		{"raw ampersand stays inside", map[string][]string{"a": {"x&y=z"}}, map[string][]string{"a": {"x&y=z"}}},
		{"malformed escape dropped like net/http", map[string][]string{"bad": {"%zz"}, "ok": {"1"}}, map[string][]string{"ok": {"1"}}},
		{"none", map[string][]string{}, map[string][]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// Multi-value mode.
			ev := event(t, "multi.json")
			ev.MultiValueQueryStringParameters = tc.multi
			var s seen
			invoke(t, recordTo(&s, hello), ev)
			if !reflect.DeepEqual(s.query, tc.want) {
				t.Errorf("multi-value: r.URL.Query() = %v, want %v (RawQuery %q)", s.query, tc.want, s.rawQuery)
			}
			if s.requestURI != "/lambda"+map[bool]string{true: "", false: "?" + s.rawQuery}[s.rawQuery == ""] {
				t.Errorf("RequestURI %q, RawQuery %q", s.requestURI, s.rawQuery)
			}
			// Single-value mode carries the last value of each key.
			ev = event(t, "single.json")
			ev.QueryStringParameters = map[string]string{}
			want := map[string][]string{}
			for k, vs := range tc.multi {
				ev.QueryStringParameters[k] = vs[len(vs)-1]
			}
			for k, vs := range tc.want {
				want[k] = vs[len(vs)-1:]
			}
			invoke(t, recordTo(&s, hello), ev)
			if !reflect.DeepEqual(s.query, want) {
				t.Errorf("single-value: r.URL.Query() = %v, want %v (RawQuery %q)", s.query, want, s.rawQuery)
			}
		})
	}
}

func TestPath(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ path, want, wantRaw string }{
		{"/a/b", "/a/b", ""},
		{"/files/a%20b.txt", "/files/a b.txt", "/files/a%20b.txt"},
		{"/docs/a%2Fb", "/docs/a/b", "/docs/a%2Fb"},
		// "/100%" is a 400: TestInvalidEscapeIsBadRequest.
	} {
		ev := event(t, "multi.json")
		ev.Path = tc.path
		var s seen
		resp, _, _ := invoke(t, recordTo(&s, hello), ev)
		if resp.StatusCode != 200 || s.path != tc.want || s.rawPath != tc.wantRaw {
			t.Errorf("%s: status %d, Path %q RawPath %q, want %q %q", tc.path, resp.StatusCode, s.path, s.rawPath, tc.want, tc.wantRaw)
		}
	}
}

func TestRequestBody(t *testing.T) {
	t.Parallel()
	img := pngBytes(t)
	for _, tc := range []struct {
		name  string
		body  string
		b64   bool
		ctype string
		want  []byte
	}{
		{"json as text", `{"a":1}`, false, "application/json", []byte(`{"a":1}`)},
		{"form as base64", base64.StdEncoding.EncodeToString([]byte("a=1&b=%20")), true, "application/x-www-form-urlencoded", []byte("a=1&b=%20")},
		{"png as base64", base64.StdEncoding.EncodeToString(img), true, "image/png", img},
		{"empty", "", false, "", nil},
	} {
		for _, file := range []string{"single.json", "multi.json"} {
			ev := event(t, file)
			ev.HTTPMethod, ev.Body, ev.IsBase64Encoded = "POST", tc.body, tc.b64
			if ev.MultiValueHeaders != nil {
				ev.MultiValueHeaders["content-type"] = []string{tc.ctype}
			} else {
				ev.Headers["content-type"] = tc.ctype
			}
			var s seen
			resp, _, _ := invoke(t, recordTo(&s, func(w http.ResponseWriter, r *http.Request) {}), ev)
			if resp.StatusCode != 200 || !bytes.Equal(s.body, tc.want) || s.contentLength != int64(len(tc.want)) {
				t.Errorf("%s %s: status %d, body %q (ContentLength %d), want %q", tc.name, file, resp.StatusCode, s.body, s.contentLength, tc.want)
			}
		}
	}
}

func pngBytes(t testing.TB) []byte {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, 4, 4))
	m.Set(1, 1, color.RGBA{255, 0, 0, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gzipped(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	z := gzip.NewWriter(&b)
	io.WriteString(z, s)
	z.Close()
	return b.Bytes()
}

// TestResponseBody checks which bodies go as text and which as base64, and
// that every one arrives byte for byte.
func TestResponseBody(t *testing.T) {
	t.Parallel()
	img := pngBytes(t)
	for _, tc := range []struct {
		name     string
		header   http.Header
		body     []byte
		b64      bool
		wantType string
	}{
		{"html", http.Header{"Content-Type": {"text/html; charset=utf-8"}}, []byte("<p>héllo & \"bye\"</p>"), false, "text/html; charset=utf-8"},
		{"json", http.Header{"Content-Type": {"application/json"}}, []byte(`{"a":"<b>"}`), false, "application/json"},
		{"problem+json", http.Header{"Content-Type": {"application/problem+json"}}, []byte(`{"title":"x"}`), false, "application/problem+json"},
		{"svg", http.Header{"Content-Type": {"image/svg+xml"}}, []byte(`<svg/>`), false, "image/svg+xml"},
		{"png", http.Header{"Content-Type": {"image/png"}}, img, true, "image/png"},
		{"png sniffed", http.Header{}, img, true, "image/png"},
		{"octet-stream", http.Header{"Content-Type": {"application/octet-stream"}}, []byte("plain bytes"), true, "application/octet-stream"},
		{"text not utf-8", http.Header{"Content-Type": {"text/plain; charset=iso-8859-1"}}, []byte("caf\xe9"), true, "text/plain; charset=iso-8859-1"},
		{"gzip json", http.Header{"Content-Type": {"application/json"}, "Content-Encoding": {"gzip"}}, gzipped(t, `{"a":1}`), true, "application/json"},
		{"html sniffed", http.Header{}, []byte("<!DOCTYPE html><p>hi</p>"), false, "text/html; charset=utf-8"},
	} {
		for _, file := range []string{"single.json", "multi.json"} {
			resp, _, _ := invoke(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tc.header {
					w.Header()[k] = v
				}
				w.Write(tc.body)
			}), event(t, file))
			if resp.IsBase64Encoded != tc.b64 {
				t.Errorf("%s %s: isBase64Encoded %v, want %v", tc.name, file, resp.IsBase64Encoded, tc.b64)
			}
			if got := body(t, resp); !bytes.Equal(got, tc.body) {
				t.Errorf("%s %s: body %q, want %q", tc.name, file, got, tc.body)
			}
			if got := header(resp, "Content-Type"); len(got) != 1 || got[0] != tc.wantType {
				t.Errorf("%s %s: Content-Type %q, want %q", tc.name, file, got, tc.wantType)
			}
		}
	}
}

func TestCookies(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "a", Value: "1", Path: "/", Secure: true, HttpOnly: true})
		http.SetCookie(w, &http.Cookie{Name: "b", Value: "2", Path: "/", MaxAge: -1})
		w.Header().Add("Vary", "Accept")
		w.Header().Add("Vary", "Cookie")
	})

	resp, _, logs := invoke(t, h, event(t, "multi.json"))
	want := []string{"a=1; Path=/; HttpOnly; Secure", "b=2; Path=/; Max-Age=0"}
	if got := resp.MultiValueHeaders["Set-Cookie"]; !reflect.DeepEqual(got, want) {
		t.Errorf("multi-value Set-Cookie %q, want %q", got, want)
	}
	if got := resp.MultiValueHeaders["Vary"]; !reflect.DeepEqual(got, []string{"Accept", "Cookie"}) {
		t.Errorf("multi-value Vary %q", got)
	}
	if logs != "" {
		t.Errorf("logged %s", logs)
	}

	resp, _, logs = invoke(t, h, event(t, "single.json"))
	if got := resp.Headers["Set-Cookie"]; got != want[0] {
		t.Errorf("single-value Set-Cookie %q, want the first cookie %q", got, want[0])
	}
	if got := resp.Headers["Vary"]; got != "Accept, Cookie" {
		t.Errorf("single-value Vary %q, want the values joined", got)
	}
	if !strings.Contains(logs, `"cookies dropped"`) || !strings.Contains(logs, `"cookies":["b"]`) || !strings.Contains(logs, "multi_value_headers") {
		t.Errorf("dropped cookie not logged with a hint: %s", logs)
	}
}

func TestStatus(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		h        http.HandlerFunc
		status   int
		desc     string
		location string
		body     string
	}{
		{"nothing written", func(w http.ResponseWriter, r *http.Request) {}, 200, "200 OK", "", ""},
		{"redirect", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/next?a=1", http.StatusFound)
		}, 302, "302 Found", "/next?a=1", "<a href=\"/next?a=1\">Found</a>.\n\n"},
		{"see other", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://example.com/", http.StatusSeeOther)
		}, 303, "303 See Other", "https://example.com/", "<a href=\"https://example.com/\">See Other</a>.\n\n"},
		{"not found", http.NotFound, 404, "404 Not Found", "", "404 page not found\n"},
		{"teapot", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(418) }, 418, "418 I'm a teapot", "", ""},
		{"unregistered code", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(299) }, 299, "299", "", ""},
		{"informational ignored", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusEarlyHints)
			w.WriteHeader(http.StatusCreated)
		}, 201, "201 Created", "", ""},
		{"no body for 204", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNoContent)
			if _, err := w.Write([]byte("x")); !errors.Is(err, http.ErrBodyNotAllowed) {
				panic("Write after 204 did not fail")
			}
		}, 204, "204 No Content", "", ""},
		{"header frozen at WriteHeader", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "/kept")
			w.WriteHeader(http.StatusFound)
			w.Header().Set("Location", "/ignored")
		}, 302, "302 Found", "/kept", ""},
	} {
		for _, file := range []string{"single.json", "multi.json"} {
			resp, _, _ := invoke(t, tc.h, event(t, file))
			var loc string
			if l := header(resp, "Location"); len(l) == 1 {
				loc = l[0]
			}
			if resp.StatusCode != tc.status || resp.StatusDescription != tc.desc || loc != tc.location || string(body(t, resp)) != tc.body {
				t.Errorf("%s %s: %d %q Location %q body %q, want %d %q %q %q", tc.name, file,
					resp.StatusCode, resp.StatusDescription, loc, body(t, resp), tc.status, tc.desc, tc.location, tc.body)
			}
		}
	}
}

func TestHead(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"single.json", "multi.json"} {
		ev := event(t, file)
		ev.HTTPMethod = http.MethodHead
		var s seen
		resp, raw, _ := invoke(t, recordTo(&s, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("ETag", `"v1"`)
			io.WriteString(w, "<!DOCTYPE html><p>a page</p>")
		}), ev)
		if s.method != "HEAD" {
			t.Errorf("%s: handler saw %s", file, s.method)
		}
		if resp.StatusCode != 200 || resp.Body != "" || string(raw["body"]) != `""` {
			t.Errorf("%s: HEAD answered %d with body %q", file, resp.StatusCode, resp.Body)
		}
		if got := header(resp, "ETag"); len(got) != 1 || got[0] != `"v1"` {
			t.Errorf("%s: ETag %q", file, got)
		}
		if got := header(resp, "Content-Type"); len(got) != 1 || got[0] != "text/html; charset=utf-8" {
			t.Errorf("%s: Content-Type %q, want it sniffed as for GET", file, got)
		}
	}
}

// TestTooLarge checks the 1 MB limit: bodies that fit pass, a body that
// does not gets a 500 saying so, whether it is over the limit as written or
// only once base64 has grown it, and the handler's Write reports it.
func TestTooLarge(t *testing.T) {
	t.Parallel()
	const tooBig = "Internal Server Error: the response is larger than the load balancer accepts from a Lambda function (1 MB).\n"
	for _, tc := range []struct {
		name   string
		ctype  string
		size   int
		status int
	}{
		{"text just fits", "text/plain", albhttp.MaxResponseBytes - 1024, 200},
		{"text over", "text/plain", albhttp.MaxResponseBytes + 1, 500},
		{"binary fits", "application/octet-stream", 700 << 10, 200},
		{"binary over once base64", "application/octet-stream", 900 << 10, 500},
	} {
		for _, file := range []string{"single.json", "multi.json"} {
			var writeErr error
			resp, _, logs := invoke(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tc.ctype)
				chunk := bytes.Repeat([]byte("x"), 64<<10)
				for n := 0; n < tc.size && writeErr == nil; n += len(chunk) {
					_, writeErr = w.Write(chunk[:min(len(chunk), tc.size-n)])
				}
			}), event(t, file))
			if resp.StatusCode != tc.status {
				t.Errorf("%s %s: status %d, want %d", tc.name, file, resp.StatusCode, tc.status)
			}
			if tc.status == 200 {
				if got := len(body(t, resp)); got != tc.size {
					t.Errorf("%s %s: body of %d bytes, want %d", tc.name, file, got, tc.size)
				}
				continue
			}
			if resp.StatusDescription != "500 Internal Server Error" || string(body(t, resp)) != tooBig {
				t.Errorf("%s %s: %q %q", tc.name, file, resp.StatusDescription, body(t, resp))
			}
			if !strings.Contains(logs, `"response too large"`) || !strings.Contains(logs, `"path":"/lambda"`) {
				t.Errorf("%s %s: not logged: %s", tc.name, file, logs)
			}
			if tc.size > albhttp.MaxResponseBytes && !errors.Is(writeErr, albhttp.ErrResponseTooLarge) {
				t.Errorf("%s %s: Write returned %v, want ErrResponseTooLarge", tc.name, file, writeErr)
			}
		}
	}
}

func TestFailures(t *testing.T) {
	t.Parallel()
	mustNotRun := func(t *testing.T) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { t.Error("handler ran") })
	}
	t.Run("panic", func(t *testing.T) {
		resp, _, logs := invoke(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "partial")
			panic("secret internal detail")
		}), event(t, "multi.json"))
		if resp.StatusCode != 500 || strings.Contains(resp.Body, "secret") {
			t.Errorf("panic answered %d %q", resp.StatusCode, resp.Body)
		}
		if !strings.Contains(logs, "secret internal detail") || !strings.Contains(logs, `"stack"`) {
			t.Errorf("panic not logged: %s", logs)
		}
	})
	t.Run("bad base64", func(t *testing.T) {
		ev := event(t, "single.json")
		ev.HTTPMethod, ev.Body, ev.IsBase64Encoded = "POST", "not base64!", true
		resp, _, _ := invoke(t, mustNotRun(t), ev)
		if resp.StatusCode != 400 || resp.StatusDescription != "400 Bad Request" {
			t.Errorf("answered %d %q", resp.StatusCode, resp.StatusDescription)
		}
	})
	t.Run("bad method", func(t *testing.T) {
		ev := event(t, "multi.json")
		ev.HTTPMethod = "GET /x"
		if resp, _, _ := invoke(t, mustNotRun(t), ev); resp.StatusCode != 400 {
			t.Errorf("answered %d", resp.StatusCode)
		}
	})
	t.Run("not an ALB event", func(t *testing.T) {
		a := albhttp.New(mustNotRun(t), nil)
		for _, p := range []string{`[]`, `{}`, `not json`} {
			if _, err := a.Invoke(context.Background(), []byte(p)); err == nil {
				t.Errorf("Invoke(%s) did not fail", p)
			}
		}
	})
}

// TestServe checks the typed entry point gives the same response as Invoke.
func TestServe(t *testing.T) {
	t.Parallel()
	a := albhttp.New(http.HandlerFunc(hello), nil)
	resp, err := a.Serve(context.Background(), event(t, "multi.json"))
	if err != nil || resp.StatusCode != 200 || resp.Body != "hello" || resp.MultiValueHeaders["Content-Type"][0] != "text/plain; charset=utf-8" {
		t.Errorf("Serve: %+v, %v", resp, err)
	}
}
