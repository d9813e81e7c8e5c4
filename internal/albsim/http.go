package albsim

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// MaxBody is the load balancer's limit, in bytes, on the request body it
// passes to a Lambda target and on the response JSON it accepts back.
const MaxBody = 1 << 20

// ErrBodyTooLarge is returned by FromHTTP for a body over MaxBody; the load
// balancer answers such requests 413 without invoking the target.
var ErrBodyTooLarge = errors.New("albsim: request body exceeds 1 MB")

// ErrNoPath is returned by FromHTTP for a request target without a path
// (OPTIONS *, CONNECT host:port), which a load balancer does not forward to
// a target.
var ErrNoPath = errors.New("albsim: the request target has no path")

// FromHTTP returns the event the load balancer sends its Lambda target for
// r, with multi-value headers enabled (as the stack configures the target
// group):
//
//   - HTTPMethod and Path: the path of the request target exactly as the
//     client sent it, still percent-encoded, from r.RequestURI (see
//     requestPath), not r.URL.EscapedPath(), which re-escapes a path holding
//     bytes such as '|' or '{' and so turns "%2F" into "/";
//   - MultiValueQueryStringParameters as sent: keys and values are not
//     percent-decoded, a key without "=" gets "", repeated keys keep order;
//   - MultiValueHeaders with lower-case names and every value kept apart,
//     plus host, x-forwarded-for (the client address appended),
//     x-forwarded-port, x-forwarded-proto and a fresh x-amzn-trace-id;
//   - the body as text for text/*, application/json, application/javascript
//     and application/xml, base64 with IsBase64Encoded otherwise.
//
// The load balancer's authenticate action replaces whatever x-amzn-oidc-*
// headers the client sent, so these are dropped; a non-empty token is sent
// as x-amzn-oidc-data with AccessToken as x-amzn-oidc-accesstoken, and a
// non-empty identity (the sub) as x-amzn-oidc-identity. A body over MaxBody
// returns ErrBodyTooLarge, a target without a path (OPTIONS *) ErrNoPath.
func FromHTTP(r *http.Request, token, identity string) (events.ALBTargetGroupRequest, error) {
	path, err := requestPath(r)
	if err != nil {
		return events.ALBTargetGroupRequest{}, err
	}
	req := events.ALBTargetGroupRequest{
		HTTPMethod:                      r.Method,
		Path:                            path,
		MultiValueQueryStringParameters: rawQuery(r.URL.RawQuery),
		RequestContext: events.ALBTargetGroupRequestContext{
			ELB: events.ELBContext{TargetGroupArn: TargetGroupARN},
		},
	}
	h := make(map[string][]string, len(r.Header)+8)
	for k, vs := range r.Header {
		name := strings.ToLower(k)
		if strings.HasPrefix(name, "x-amzn-oidc-") || name == "x-amzn-trace-id" {
			continue
		}
		h[name] = append([]string(nil), vs...)
	}
	h["host"] = []string{r.Host}
	client, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		client = r.RemoteAddr
	}
	if prev := h["x-forwarded-for"]; len(prev) > 0 {
		h["x-forwarded-for"] = []string{strings.Join(prev, ", ") + ", " + client}
	} else {
		h["x-forwarded-for"] = []string{client}
	}
	proto, port := "http", "80"
	if r.TLS != nil {
		proto, port = "https", "443"
	}
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if _, p, err := net.SplitHostPort(a.String()); err == nil {
			port = p
		}
	}
	h["x-forwarded-proto"] = []string{proto}
	h["x-forwarded-port"] = []string{port}
	h["x-amzn-trace-id"] = []string{traceID()}
	if token != "" {
		h["x-amzn-oidc-data"] = []string{token}
		h["x-amzn-oidc-accesstoken"] = []string{AccessToken}
	}
	if identity != "" {
		h["x-amzn-oidc-identity"] = []string{identity}
	}
	req.MultiValueHeaders = h

	if r.Body != nil {
		body, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
		if err != nil {
			return events.ALBTargetGroupRequest{}, fmt.Errorf("albsim: read request body: %w", err)
		}
		if len(body) > MaxBody {
			return events.ALBTargetGroupRequest{}, ErrBodyTooLarge
		}
		if len(body) > 0 {
			if isText(r.Header.Get("Content-Type")) {
				req.Body = string(body)
			} else {
				req.Body = base64.StdEncoding.EncodeToString(body)
				req.IsBase64Encoded = true
			}
		}
	}
	return req, nil
}

// requestPath returns the path of r's request target as the client sent it.
// A server request's RequestURI is the target unchanged: origin form
// ("/p?q"), or absolute form ("http://host/p?q", sent to proxies and made by
// httptest.NewRequest from a full URL), whose path starts after the
// authority and is "/" when empty. A request built for a client has no
// RequestURI; its URL's escaped path is the best there is.
func requestPath(r *http.Request) (string, error) {
	target := r.RequestURI
	if target == "" {
		return r.URL.EscapedPath(), nil
	}
	target, _, _ = strings.Cut(target, "?")
	if strings.HasPrefix(target, "/") {
		return target, nil
	}
	_, rest, ok := strings.Cut(target, "://")
	if !ok {
		return "", ErrNoPath // asterisk or authority form
	}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return rest[i:], nil
	}
	return "/", nil
}

// rawQuery splits a query string the way the load balancer does, without
// percent-decoding anything.
func rawQuery(q string) map[string][]string {
	m := map[string][]string{}
	for _, kv := range strings.Split(q, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		m[k] = append(m[k], v)
	}
	return m
}

// isText reports whether the load balancer passes a body of this content
// type as text rather than base64.
func isText(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch mt {
	case "application/json", "application/javascript", "application/xml":
		return true
	}
	return strings.HasPrefix(mt, "text/")
}

// traceID returns an X-Ray style Root=1-<epoch seconds, hex>-<96 random
// bits, hex> id.
func traceID() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return fmt.Sprintf("Root=1-%08x-%s", time.Now().Unix(), hex.EncodeToString(b[:]))
}

// WriteResponse writes resp to w the way the load balancer turns a Lambda
// target's response into HTTP: the status code; the headers from
// MultiValueHeaders, or from Headers when MultiValueHeaders is nil, each
// value its own header line (so several Set-Cookie survive); the body,
// base64-decoded when IsBase64Encoded. Content-Length, Transfer-Encoding and
// Connection from the target are ignored: the server sets its own.
//
// A response the load balancer would reject (a status outside 200-599, a
// body that is not valid base64, JSON over MaxBody) is answered 502 Bad
// Gateway, as the load balancer does, and the reason returned.
func WriteResponse(w http.ResponseWriter, resp events.ALBTargetGroupResponse) error {
	if err := checkResponse(resp); err != nil {
		http.Error(w, "502 Bad Gateway", http.StatusBadGateway)
		return err
	}
	body := []byte(resp.Body)
	if resp.IsBase64Encoded {
		body, _ = base64.StdEncoding.DecodeString(resp.Body) // checked above
	}
	out := w.Header()
	if resp.MultiValueHeaders != nil {
		for k, vs := range resp.MultiValueHeaders {
			if skipResponseHeader(k) {
				continue
			}
			ck := http.CanonicalHeaderKey(k)
			out[ck] = append(out[ck], vs...)
		}
	} else {
		for k, v := range resp.Headers {
			if skipResponseHeader(k) {
				continue
			}
			ck := http.CanonicalHeaderKey(k)
			out[ck] = append(out[ck], v)
		}
	}
	out.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(resp.StatusCode)
	_, err := w.Write(body)
	return err
}

func checkResponse(resp events.ALBTargetGroupResponse) error {
	if resp.StatusCode < 200 || resp.StatusCode > 599 {
		return fmt.Errorf("albsim: target returned status code %d", resp.StatusCode)
	}
	if resp.IsBase64Encoded {
		if _, err := base64.StdEncoding.DecodeString(resp.Body); err != nil {
			return fmt.Errorf("albsim: target body is not valid base64: %w", err)
		}
	}
	b, err := json.Marshal(resp)
	if err != nil {
		return fmt.Errorf("albsim: encode target response: %w", err)
	}
	if len(b) > MaxBody {
		return fmt.Errorf("albsim: target response JSON of %d bytes exceeds %d", len(b), MaxBody)
	}
	return nil
}

func skipResponseHeader(name string) bool {
	switch strings.ToLower(name) {
	case "content-length", "transfer-encoding", "connection":
		return true
	}
	return false
}
