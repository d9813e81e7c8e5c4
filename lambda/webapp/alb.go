package webapp

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// ServeALB runs h as the Lambda target of an ALB target group: a minimal
// shim from the ALB event to an *http.Request and from the response back,
// until the general adapter (issue 12) replaces it. It handles both header
// modes (answering in the request's), query strings as the load balancer
// sends them (not URL-decoded, so kept as the raw query), base64 request
// bodies, and binary response bodies (base64). It never returns an error,
// which the load balancer would turn into a 502.
//
// With single-value headers only the first value of each response header
// survives: expiring several session cookie shards needs multi-value
// headers, which the stack enables.
func ServeALB(h http.Handler) func(context.Context, events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
	return func(ctx context.Context, ev events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
		multi := ev.MultiValueHeaders != nil
		r, err := toRequest(ctx, ev)
		w := &albWriter{header: http.Header{}}
		if err != nil {
			w.header.Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, "400 Bad Request\n")
		} else {
			h.ServeHTTP(w, r)
		}
		return w.response(multi), nil
	}
}

func toRequest(ctx context.Context, ev events.ALBTargetGroupRequest) (*http.Request, error) {
	target := ev.Path
	if !strings.HasPrefix(target, "/") {
		target = "/" + target
	}
	if q := rawQuery(ev); q != "" {
		target += "?" + q
	}
	u, err := url.ParseRequestURI(target)
	if err != nil {
		return nil, err
	}
	var body []byte
	if ev.IsBase64Encoded {
		if body, err = base64.StdEncoding.DecodeString(ev.Body); err != nil {
			return nil, err
		}
	} else {
		body = []byte(ev.Body)
	}
	method := ev.HTTPMethod
	if method == "" {
		method = http.MethodGet
	}
	r, err := http.NewRequestWithContext(ctx, method, "/", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	r.URL = u
	r.RequestURI = u.RequestURI()
	if ev.MultiValueHeaders != nil {
		for k, vs := range ev.MultiValueHeaders {
			for _, v := range vs {
				r.Header.Add(k, v)
			}
		}
	} else {
		for k, v := range ev.Headers {
			r.Header.Add(k, v)
		}
	}
	r.Host = r.Header.Get("Host")
	r.ContentLength = int64(len(body))
	return r, nil
}

// rawQuery rebuilds the query string. The load balancer passes keys and
// values as sent, still percent-encoded, so they are joined, not encoded
// again. Keys are sorted (the event's maps have no order); repeated keys
// keep theirs.
func rawQuery(ev events.ALBTargetGroupRequest) string {
	var parts []string
	if ev.MultiValueQueryStringParameters != nil {
		keys := make([]string, 0, len(ev.MultiValueQueryStringParameters))
		for k := range ev.MultiValueQueryStringParameters {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			for _, v := range ev.MultiValueQueryStringParameters[k] {
				parts = append(parts, k+"="+v)
			}
		}
	} else {
		keys := make([]string, 0, len(ev.QueryStringParameters))
		for k := range ev.QueryStringParameters {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			parts = append(parts, k+"="+ev.QueryStringParameters[k])
		}
	}
	return strings.Join(parts, "&")
}

type albWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *albWriter) Header() http.Header { return w.header }

func (w *albWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *albWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}

func (w *albWriter) response(multi bool) events.ALBTargetGroupResponse {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	resp := events.ALBTargetGroupResponse{
		StatusCode:        w.status,
		StatusDescription: strconv.Itoa(w.status) + " " + http.StatusText(w.status),
	}
	if textual(w.header.Get("Content-Type")) || w.body.Len() == 0 {
		resp.Body = w.body.String()
	} else {
		resp.Body = base64.StdEncoding.EncodeToString(w.body.Bytes())
		resp.IsBase64Encoded = true
	}
	w.header.Del("Content-Length")
	if multi {
		resp.MultiValueHeaders = make(map[string][]string, len(w.header))
		for k, vs := range w.header {
			resp.MultiValueHeaders[k] = slices.Clone(vs)
		}
	} else {
		resp.Headers = make(map[string]string, len(w.header))
		for k, vs := range w.header {
			if len(vs) > 0 {
				resp.Headers[k] = vs[0]
			}
		}
	}
	return resp
}

func textual(contentType string) bool {
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
