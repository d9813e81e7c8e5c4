package albsim

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// MaxHTTPTargetResponse bounds the response body HTTPTarget reads from an
// upstream. The load balancer sets no such limit on HTTP targets; the
// simulation holds the body in memory, so it needs one.
const MaxHTTPTargetResponse = 64 << 20

// httpTargetTimeout is how long HTTPTarget waits for an upstream's
// response: the load balancer's default idle timeout.
const httpTargetTimeout = 60 * time.Second

// HTTPTarget returns a target with the Lambda target's signature that
// forwards each event to the HTTP server at base (http://host:port) as the
// load balancer forwards a request to an instance or IP target: one
// HTTP/1.1 request on a connection of its own whose request target is the
// event's path exactly as the client sent it (still percent-encoded, dot
// segments and all, which an http.Client would rewrite) and its query, with
// the event's headers (Host, X-Forwarded-For/Proto/Port, X-Amzn-Trace-Id and
// x-amzn-oidc-*) and body. It is how the simulation puts every policy's
// listener rule in front of one HTTP target group: the request carries no
// Lambda event, so the server cannot tell which rule forwarded it.
//
// The query is rebuilt from the event's parameters (keys in sorted order,
// each key's values in the order sent, "k=" for a key sent without "=");
// single-value events (Headers, QueryStringParameters) are used when the
// multi-value maps are nil. Header names or values holding CR, LF or NUL,
// a path that does not start with "/" or holds a space, and a base that is
// not http://host:port return an error: the load balancer would not send
// them. The response comes back as a multi-value, base64 response, its body
// at most MaxHTTPTargetResponse bytes.
func HTTPTarget(base string) (func(context.Context, events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error), error) {
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "http" || u.Host == "" || u.Port() == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return nil, fmt.Errorf("albsim: HTTP target %q: want http://host:port", base)
	}
	addr := u.Host
	return func(ctx context.Context, ev events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
		raw, err := targetRequest(ev)
		if err != nil {
			return events.ALBTargetGroupResponse{}, err
		}
		ctx, cancel := context.WithTimeout(ctx, httpTargetTimeout)
		defer cancel()
		var d net.Dialer
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return events.ALBTargetGroupResponse{}, fmt.Errorf("albsim: HTTP target: %w", err)
		}
		defer conn.Close()
		if dl, ok := ctx.Deadline(); ok {
			_ = conn.SetDeadline(dl)
		}
		stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
		defer stop()
		if _, err := conn.Write(raw); err != nil {
			return events.ALBTargetGroupResponse{}, fmt.Errorf("albsim: HTTP target: write request: %w", err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: ev.HTTPMethod})
		if err != nil {
			return events.ALBTargetGroupResponse{}, fmt.Errorf("albsim: HTTP target: read response: %w", err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(io.LimitReader(resp.Body, MaxHTTPTargetResponse+1))
		if err != nil {
			return events.ALBTargetGroupResponse{}, fmt.Errorf("albsim: HTTP target: read body: %w", err)
		}
		if len(body) > MaxHTTPTargetResponse {
			return events.ALBTargetGroupResponse{}, fmt.Errorf("albsim: HTTP target: response body over %d bytes", MaxHTTPTargetResponse)
		}
		out := events.ALBTargetGroupResponse{
			StatusCode:        resp.StatusCode,
			StatusDescription: resp.Status,
			MultiValueHeaders: map[string][]string{},
			Body:              base64.StdEncoding.EncodeToString(body),
			IsBase64Encoded:   true,
		}
		for k, vs := range resp.Header {
			out.MultiValueHeaders[k] = append([]string(nil), vs...)
		}
		return out, nil
	}, nil
}

// targetRequest is the HTTP/1.1 request the load balancer sends an HTTP
// target for ev.
func targetRequest(ev events.ALBTargetGroupRequest) ([]byte, error) {
	if !strings.HasPrefix(ev.Path, "/") || strings.ContainsAny(ev.Path, " ?#") || hasCTL(ev.Path) {
		return nil, fmt.Errorf("albsim: HTTP target: path %q is not an origin-form path", ev.Path)
	}
	if ev.HTTPMethod == "" || strings.ContainsAny(ev.HTTPMethod, " /") || hasCTL(ev.HTTPMethod) {
		return nil, errors.New("albsim: HTTP target: bad method")
	}
	query := ev.MultiValueQueryStringParameters
	if query == nil && ev.QueryStringParameters != nil {
		query = map[string][]string{}
		for k, v := range ev.QueryStringParameters {
			query[k] = []string{v}
		}
	}
	var q []string
	for _, k := range slices.Sorted(maps.Keys(query)) {
		for _, v := range query[k] {
			q = append(q, k+"="+v)
		}
	}
	target := ev.Path
	if len(q) > 0 {
		target += "?" + strings.Join(q, "&")
		if strings.ContainsAny(target, " #") || hasCTL(target) {
			return nil, errors.New("albsim: HTTP target: bad query")
		}
	}
	headers := ev.MultiValueHeaders
	if headers == nil && ev.Headers != nil {
		headers = map[string][]string{}
		for k, v := range ev.Headers {
			headers[k] = []string{v}
		}
	}
	body := []byte(ev.Body)
	if ev.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(ev.Body)
		if err != nil {
			return nil, fmt.Errorf("albsim: HTTP target: body: %w", err)
		}
		body = b
	}
	var b bytes.Buffer
	b.WriteString(ev.HTTPMethod + " " + target + " HTTP/1.1\r\n")
	host := ""
	for _, k := range slices.Sorted(maps.Keys(headers)) {
		switch strings.ToLower(k) {
		case "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer":
			continue // hop-by-hop, or set below
		case "host":
			if vs := headers[k]; len(vs) > 0 {
				host = vs[len(vs)-1]
			}
			continue
		}
		if k == "" || strings.ContainsAny(k, " :") || hasCTL(k) {
			return nil, fmt.Errorf("albsim: HTTP target: header name %q", k)
		}
		for _, v := range headers[k] {
			if strings.ContainsAny(v, "\r\n\x00") {
				return nil, fmt.Errorf("albsim: HTTP target: header %s holds CR, LF or NUL", k)
			}
			b.WriteString(k + ": " + v + "\r\n")
		}
	}
	if host == "" || strings.ContainsAny(host, "\r\n\x00 ") {
		return nil, errors.New("albsim: HTTP target: the request has no usable host header")
	}
	b.WriteString("Host: " + host + "\r\n")
	b.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\nConnection: close\r\n\r\n")
	b.Write(body)
	return b.Bytes(), nil
}

func hasCTL(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] == 0x7f {
			return true
		}
	}
	return false
}

// WriteHTTPTargetResponse writes a response HTTPTarget returned to w: the
// status, every header value, the body. Unlike WriteResponse it applies no
// Lambda limit (an HTTP target's response may exceed 1 MB).
func WriteHTTPTargetResponse(w http.ResponseWriter, resp events.ALBTargetGroupResponse) error {
	body, err := base64.StdEncoding.DecodeString(resp.Body)
	if err != nil || !resp.IsBase64Encoded {
		http.Error(w, "502 Bad Gateway", http.StatusBadGateway)
		return errors.New("albsim: not a response of HTTPTarget")
	}
	out := w.Header()
	for k, vs := range resp.MultiValueHeaders {
		if skipResponseHeader(k) {
			continue
		}
		ck := http.CanonicalHeaderKey(k)
		out[ck] = append(out[ck], vs...)
	}
	out.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(resp.StatusCode)
	_, err = w.Write(body)
	return err
}
