package albhttp

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/albctx"
)

// MaxResponseBytes is the load balancer's limit on the response JSON a Lambda
// target may send: "The maximum size of the response JSON that the Lambda
// function can send is 1 MB". The guide does not say whether that is 10^6 or
// 2^20 bytes; the adapter takes the smaller, so that no response the load
// balancer might refuse (with a bare 502) gets through.
const MaxResponseBytes = 1_000_000

// Errors of NewRequest, for an event no client request could produce. None
// echoes the event.
var (
	ErrInvalidMethod = errors.New("albhttp: the method is not an HTTP token")
	ErrInvalidPath   = errors.New("albhttp: the path is not a request target's path")
	ErrInvalidEscape = errors.New("albhttp: the path holds an invalid percent-escape")
	ErrInvalidBody   = errors.New("albhttp: the body is not valid base64")
)

// ErrResponseTooLarge is what the ResponseWriter's Write returns once the body
// exceeds what the load balancer accepts; the client then gets a 500 that
// says so.
var ErrResponseTooLarge = errors.New("albhttp: response exceeds the load balancer's 1 MB limit for Lambda targets")

// Options configures an Adapter. The zero value is usable.
type Options struct {
	// Logger receives one line per request that failed in the adapter (a
	// panic, a response too large, an invalid response header, an event
	// that is not a valid request, a dropped cookie). Default: JSON on stderr, which Lambda sends to the
	// function's log group.
	Logger *slog.Logger
	// MaxResponseBytes caps the response JSON. Default and maximum:
	// MaxResponseBytes.
	MaxResponseBytes int
}

// Adapter is a lambda.Handler that serves ALB target group events with an
// http.Handler. Create it with New; it is safe for concurrent use.
type Adapter struct {
	h     http.Handler
	log   *slog.Logger
	limit int
}

// New returns an Adapter serving h. opts may be nil.
func New(h http.Handler, opts *Options) *Adapter {
	if h == nil {
		panic("albhttp: nil handler")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	if o.MaxResponseBytes <= 0 || o.MaxResponseBytes > MaxResponseBytes {
		o.MaxResponseBytes = MaxResponseBytes
	}
	return &Adapter{h: h, log: o.Logger, limit: o.MaxResponseBytes}
}

// Start runs h as the function's handler; it does not return. It is
// lambda.Start(New(h, opts)).
func Start(h http.Handler, opts *Options) {
	lambda.Start(New(h, opts))
}

// Invoke implements lambda.Handler: payload is the load balancer's event, the
// result its response JSON. It fails only when payload is not an ALB target
// group event; every request, good or bad, gets a response.
func (a *Adapter) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	var ev events.ALBTargetGroupRequest
	if !decodeEvent(payload, &ev) {
		ev = events.ALBTargetGroupRequest{}
		if err := json.Unmarshal(payload, &ev); err != nil {
			return nil, fmt.Errorf("albhttp: the payload is not an ALB target group event: %w", err)
		}
	}
	if ev.HTTPMethod == "" {
		return nil, errors.New("albhttp: the payload is not an ALB target group event: no httpMethod")
	}
	return a.serve(ctx, &ev)
}

// Serve answers one event and returns the response as the events type, for
// callers (tests, a local server) that hold an event rather than JSON.
func (a *Adapter) Serve(ctx context.Context, ev events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
	b, err := a.serve(ctx, &ev)
	if err != nil {
		return events.ALBTargetGroupResponse{}, err
	}
	var resp events.ALBTargetGroupResponse
	err = json.Unmarshal(b, &resp)
	return resp, err
}

func (a *Adapter) serve(ctx context.Context, ev *events.ALBTargetGroupRequest) ([]byte, error) {
	multi := ev.MultiValueHeaders != nil
	r, err := NewRequest(ctx, ev)
	if err != nil {
		a.log.LogAttrs(ctx, slog.LevelWarn, "bad request", slog.String("path", logPath(ev.Path)), slog.String("error", err.Error()))
		return a.encode(multi, plain(http.StatusBadRequest, "Bad Request"))
	}
	w := newWriter(r.Method == http.MethodHead, a.limit)
	defer w.release()
	if a.run(w, r) {
		return a.encode(multi, plain(http.StatusInternalServerError, "Internal Server Error"))
	}
	resp := w.response()
	if name, problem := invalidHeader(resp.header); problem != "" {
		a.log.LogAttrs(ctx, slog.LevelError, "invalid response header",
			slog.String("method", r.Method), slog.String("path", logPath(r.URL.Path)),
			slog.String("header", logHeaderName(name)), slog.String("problem", problem))
		return a.encode(multi, plain(http.StatusInternalServerError, "Internal Server Error"))
	}
	if w.tooLarge {
		return a.tooLarge(ctx, multi, r, w.body.Len())
	}
	if !multi {
		a.dropCookies(ctx, r, resp.header)
	}
	b, err := a.encode(multi, resp)
	if err != nil {
		return nil, err
	}
	if len(b) > a.limit {
		return a.tooLarge(ctx, multi, r, len(b))
	}
	return b, nil
}

// run calls the handler and reports whether it panicked.
func (a *Adapter) run(w *writer, r *http.Request) (panicked bool) {
	defer func() {
		if v := recover(); v != nil {
			panicked = true
			if v == http.ErrAbortHandler { //nolint:errorlint // net/http compares the same way
				return
			}
			a.log.LogAttrs(r.Context(), slog.LevelError, "handler panicked",
				slog.String("method", r.Method), slog.String("path", logPath(r.URL.Path)),
				slog.String("panic", fmt.Sprint(v)), slog.String("stack", string(debug.Stack())))
		}
	}()
	a.h.ServeHTTP(w, r)
	return false
}

func (a *Adapter) tooLarge(ctx context.Context, multi bool, r *http.Request, size int) ([]byte, error) {
	a.log.LogAttrs(ctx, slog.LevelError, "response too large",
		slog.String("method", r.Method), slog.String("path", logPath(r.URL.Path)),
		slog.Int("bytes", size), slog.Int("limit", a.limit),
		slog.String("hint", "the load balancer accepts at most 1 MB of response JSON from a Lambda target (base64 adds a third); page the response or serve large files from S3"))
	return a.encode(multi, plain(http.StatusInternalServerError,
		"Internal Server Error: the response is larger than the load balancer accepts from a Lambda function (1 MB)."))
}

// dropCookies keeps the first Set-Cookie, which is all a single-value
// response can carry, and logs the names of the others.
func (a *Adapter) dropCookies(ctx context.Context, r *http.Request, h http.Header) {
	cs := h["Set-Cookie"]
	if len(cs) < 2 {
		return
	}
	names := make([]string, 0, len(cs)-1)
	for _, c := range cs[1:] {
		name, _, _ := strings.Cut(c, "=")
		names = append(names, name)
	}
	h["Set-Cookie"] = cs[:1]
	a.log.LogAttrs(ctx, slog.LevelWarn, "cookies dropped",
		slog.String("path", logPath(r.URL.Path)), slog.Any("cookies", names),
		slog.String("hint", "a target group without multi-value headers carries one Set-Cookie per response; enable lambda.multi_value_headers.enabled"))
}

const maxLoggedPath = 256

func logPath(p string) string {
	if len(p) > maxLoggedPath {
		return p[:maxLoggedPath]
	}
	return p
}

// NewRequest returns the *http.Request for a load balancer event, as
// net/http's server would build it from the same request line, headers and
// body, with the event's target group and header mode in its context
// (albctx.FromContext).
//
// r.RequestURI is the request target as the load balancer passed it: the
// event's path byte for byte, then "?" and the query when there is one (the
// query rebuilt from the event's still-encoded parameters, see the package
// comment). Its path part, up to the first "?", is the authoritative raw
// path: r.URL.Path is that path decoded once, and r.URL.RawPath and
// r.URL.EscapedPath follow net/url's rules, which re-escape a path holding
// bytes such as '|' or '{', and so may differ from what the client sent
// ("%2F" becomes "/").
//
// It fails for an event no client request could produce, with one of the
// errors above: a method that is not an HTTP token (ErrInvalidMethod), a
// path not starting with "/" or holding '?', a space or a control character
// (ErrInvalidPath), a malformed percent-escape such as "%zz", "%4" or a
// trailing "%" (ErrInvalidEscape: net/http's server answers such a request
// 400), a body that is not valid base64 (ErrInvalidBody). In multi-value
// mode r.Header shares the event's value slices (the adapter's events are
// its own, decoded per invocation).
func NewRequest(ctx context.Context, ev *events.ALBTargetGroupRequest) (*http.Request, error) {
	if !isToken(ev.HTTPMethod) {
		return nil, ErrInvalidMethod
	}
	if !validPath(ev.Path) {
		return nil, ErrInvalidPath
	}
	u := &url.URL{Path: ev.Path}
	p, err := url.PathUnescape(ev.Path)
	if err != nil {
		return nil, ErrInvalidEscape
	}
	if p != ev.Path {
		u.Path, u.RawPath = p, ev.Path
	}
	if ev.MultiValueQueryStringParameters != nil {
		u.RawQuery = rawQuery(ev.MultiValueQueryStringParameters)
	} else {
		u.RawQuery = rawQuerySingle(ev.QueryStringParameters)
	}

	var h http.Header
	if ev.MultiValueHeaders != nil {
		h = make(http.Header, len(ev.MultiValueHeaders))
		for k, vs := range ev.MultiValueHeaders {
			ck := canonicalKey(k)
			if prev, ok := h[ck]; ok { // the same name in two cases
				h[ck] = append(prev[:len(prev):len(prev)], vs...)
			} else {
				h[ck] = vs // the event's own slice: nothing else holds it
			}
		}
	} else {
		h = make(http.Header, len(ev.Headers))
		for k, v := range ev.Headers {
			ck := canonicalKey(k)
			h[ck] = append(h[ck], v)
		}
	}

	body := []byte(ev.Body)
	if ev.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(ev.Body); err != nil {
			return nil, ErrInvalidBody
		}
	}

	requestURI := ev.Path
	if u.RawQuery != "" {
		requestURI += "?" + u.RawQuery
	}
	r := http.Request{ // copied by WithContext below
		Method:     ev.HTTPMethod,
		URL:        u,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     h,
		Host:       h.Get("Host"),
		RequestURI: requestURI,
		Body:       http.NoBody,
	}
	// net/http's server moves Host out of the header map and sets
	// ContentLength from the body it read.
	delete(h, "Host")
	if len(body) > 0 {
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	if ip := clientIP(h); ip != "" {
		r.RemoteAddr = net.JoinHostPort(ip, "0")
	}
	return r.WithContext(albctx.NewContext(ctx, albctx.Event{
		TargetGroupARN:    ev.RequestContext.ELB.TargetGroupArn,
		MultiValueHeaders: ev.MultiValueHeaders != nil,
	})), nil
}

// validPath reports whether p can be the path of an origin-form request
// target: it starts with "/" and holds no '?' (which would begin the query,
// so r.RequestURI's path part would not be p), no space and no control
// character, which a request line cannot carry and net/http's server
// refuses.
func validPath(p string) bool {
	if !strings.HasPrefix(p, "/") {
		return false
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; c <= ' ' || c == 0x7f || c == '?' {
			return false
		}
	}
	return true
}

// albHeaders are the canonical forms of header names the load balancer adds
// to every request, in the lower case it sends them: net/http interns the
// common ones, not these, and canonicalizing each would allocate per request.
var albHeaders = map[string]string{
	"x-amzn-oidc-data":        "X-Amzn-Oidc-Data",
	"x-amzn-oidc-accesstoken": "X-Amzn-Oidc-Accesstoken",
	"x-amzn-oidc-identity":    "X-Amzn-Oidc-Identity",
	"x-amzn-trace-id":         "X-Amzn-Trace-Id",
	"x-forwarded-port":        "X-Forwarded-Port",
	"x-forwarded-proto":       "X-Forwarded-Proto",
	"x-forwarded-for":         "X-Forwarded-For",
}

func canonicalKey(k string) string {
	if ck, ok := albHeaders[k]; ok {
		return ck
	}
	return http.CanonicalHeaderKey(k)
}

// clientIP is the last X-Forwarded-For entry: the address that connected to
// the load balancer, which appends it to whatever the client sent.
func clientIP(h http.Header) string {
	vs := h["X-Forwarded-For"]
	if len(vs) == 0 {
		return ""
	}
	last := vs[len(vs)-1]
	if i := strings.LastIndexByte(last, ','); i >= 0 {
		last = last[i+1:]
	}
	return strings.TrimSpace(last)
}

// rawQuery joins the load balancer's still-encoded keys and values back into
// a query string, keys sorted, each key's values in order.
func rawQuery(m map[string][]string) string {
	if len(m) == 0 {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		vs := m[k]
		if len(vs) == 0 {
			vs = []string{""}
		}
		for _, v := range vs {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			writeRaw(&b, k)
			b.WriteByte('=')
			writeRaw(&b, v)
		}
	}
	return b.String()
}

func rawQuerySingle(m map[string]string) string {
	if len(m) == 0 {
		return ""
	}
	mv := make(map[string][]string, len(m))
	for k, v := range m {
		mv[k] = []string{v}
	}
	return rawQuery(mv)
}

// writeRaw writes an undecoded key or value, escaping only what would change
// the query's structure ('&', '#') or is not allowed in a URL (controls,
// space), so decoding gives exactly what decoding the client's query gives.
func writeRaw(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '&' || c == '#' || c <= ' ' || c == 0x7f {
			fmt.Fprintf(b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
}

// isToken reports whether s is an RFC 9110 token: one or more tchar, which
// is any visible ASCII character but the delimiters "(),/:;<=>?@[\]{}.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !tchar[s[i]] {
			return false
		}
	}
	return true
}

// tchar marks the bytes isToken accepts.
var tchar = func() (t [256]bool) {
	for c := byte('!'); c <= '~'; c++ {
		t[c] = strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) < 0
	}
	return t
}()

// invalidHeader returns the header, the first in sorted order when there
// are several (so the log names the same one every time), that must not
// reach the load balancer, and what is wrong with it: a name that is not an
// RFC 9110 token (an empty one, one with a space, a colon, a control or a
// non-ASCII byte), or a value holding a control character other than
// horizontal tab (RFC 9110 §5.5: CR, LF and NUL are "invalid and
// dangerous"; the other controls are outside field-value too). obs-text,
// bytes 0x80 to 0xff, is allowed, as the grammar allows it; the response
// JSON carries it as UTF-8, so invalid UTF-8 arrives as U+FFFD. It does not
// allocate: it runs on every response.
func invalidHeader(h http.Header) (name, problem string) {
	for k, vs := range h {
		if problem != "" && k >= name {
			continue
		}
		if !isToken(k) {
			name, problem = k, "the name is not an HTTP token"
			continue
		}
		for _, v := range vs {
			if !validValue(v) {
				name, problem = k, "a value holds a control character (CR, LF, NUL, ...)"
				break
			}
		}
	}
	return name, problem
}

func validValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// maxLoggedHeader bounds the part of a header name that is logged.
const maxLoggedHeader = 64

// logHeaderName returns at most maxLoggedHeader bytes of name, every byte
// that is not visible ASCII (and every backslash and quote) written as
// \xNN, so a name made to forge log lines or hide in one is logged as
// inert text.
func logHeaderName(name string) string {
	if len(name) > maxLoggedHeader {
		name = name[:maxLoggedHeader]
	}
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c <= ' ' || c >= 0x7f || c == '\\' || c == '"' {
			fmt.Fprintf(&b, `\x%02x`, c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// response is what the handler produced, before encoding.
type response struct {
	status int
	header http.Header
	body   []byte
}

func plain(status int, msg string) response {
	return response{status: status, header: http.Header{
		"Content-Type":           {"text/plain; charset=utf-8"},
		"Cache-Control":          {"no-store"},
		"X-Content-Type-Options": {"nosniff"},
	}, body: []byte(msg + "\n")}
}

func (a *Adapter) encode(multi bool, resp response) ([]byte, error) {
	// The load balancer sets these itself from the body it sends.
	delete(resp.header, "Content-Length")
	delete(resp.header, "Transfer-Encoding")
	delete(resp.header, "Connection")
	// Room for the whole response, so the buffer is allocated once: the
	// headers, the body (base64, or text with room for its escapes) and the
	// fixed fields.
	b64 := bodyIsBinary(resp)
	size := 160
	for k, vs := range resp.header {
		size += len(k) + 6
		for _, v := range vs {
			size += len(v) + 4
		}
	}
	if b64 {
		size += base64.StdEncoding.EncodedLen(len(resp.body))
	} else {
		size += len(resp.body) + len(resp.body)/8
	}
	return appendResponse(make([]byte, 0, size), multi, resp, b64), nil
}

// isText reports whether a body of this content type may be sent as text:
// text/*, application/json, application/javascript, application/xml,
// application/x-www-form-urlencoded and +json or +xml types. Only the media
// type is read (parameters and case do not matter); the body must be valid
// UTF-8 as well before it goes as text.
func isText(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	switch {
	case mt == "":
		return false
	case strings.HasPrefix(mt, "text/"),
		mt == "application/json", mt == "application/javascript", mt == "application/xml",
		mt == "application/x-www-form-urlencoded",
		strings.HasSuffix(mt, "+json"), strings.HasSuffix(mt, "+xml"):
		return true
	}
	return false
}

// statusDescription is the "200 OK" form the load balancer expects.
func statusDescription(code int) string {
	if text := http.StatusText(code); text != "" {
		return strconv.Itoa(code) + " " + text
	}
	return strconv.Itoa(code)
}
