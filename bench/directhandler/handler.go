package directhandler

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/albjwt"
)

// Verifier checks the x-amzn-oidc-data token. *albjwt.Verifier implements it.
type Verifier interface {
	Verify(ctx context.Context, token string) (*albjwt.Claims, error)
}

// maxBody keeps responses well under the load balancer's 1 MB limit.
const maxBody = 900 << 10

// maxLoggedPath bounds the request path written to logs.
const maxLoggedPath = 256

const (
	headerToken  = "x-amzn-oidc-data"
	headerAccept = "accept"
)

// Handler serves the app. Create it with New; it is safe for concurrent use.
type Handler struct {
	verifier  Verifier
	log       *slog.Logger
	logoutURL string
	cookies   []string

	html401, html503 string
}

// New returns a Handler. cfg is validated (see Config.Validate); v verifies
// tokens, normally albjwt.New(cfg.Token); logger receives one JSON line per
// request and defaults to a JSON logger on stderr.
func New(cfg Config, v Verifier, logger *slog.Logger) (*Handler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if v == nil {
		return nil, errors.New("webapp: nil Verifier")
	}
	if logger == nil {
		logger = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	h := &Handler{
		verifier: v,
		log:      logger,
		logoutURL: "https://" + cfg.UserPoolDomain + "/logout?client_id=" + url.QueryEscape(cfg.Token.ClientID) +
			"&logout_uri=" + url.QueryEscape(cfg.AppURL),
	}
	for i := range 4 {
		h.cookies = append(h.cookies, cfg.SessionCookieName+"-"+strconv.Itoa(i)+
			"=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Secure; HttpOnly")
	}
	var err error
	if h.html401, err = renderProblem(problemPage{
		Title:   "Not signed in",
		Message: "Your sign-in could not be verified. Reload the page to sign in again.",
	}); err != nil {
		return nil, err
	}
	if h.html503, err = renderProblem(problemPage{
		Title:   "Temporarily unavailable",
		Message: "Your sign-in cannot be checked right now. Please try again in a moment.",
	}); err != nil {
		return nil, err
	}
	return h, nil
}

func renderProblem(p problemPage) (string, error) {
	var b strings.Builder
	if err := pages.ExecuteTemplate(&b, "problem", p); err != nil {
		return "", fmt.Errorf("webapp: render problem page: %w", err)
	}
	return b.String(), nil
}

// Handle serves one request forwarded by the load balancer. It always returns
// a response and a nil error (an error would make the load balancer answer
// 502). The response uses MultiValueHeaders when the request did, Headers
// otherwise, as the target group requires.
func (h *Handler) Handle(ctx context.Context, req events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
	multi := req.MultiValueHeaders != nil
	if req.Path == "/logout" {
		h.logLine(ctx, slog.LevelInfo, req, 302, "logout", "")
		return h.logout(multi), nil
	}
	hv := readHeaders(req)
	asJSON := wantsJSON(hv.accept)
	if hv.tokens != 1 {
		reason := albjwt.ReasonMissing
		if hv.tokens > 1 {
			reason = "token_duplicate"
		}
		h.logLine(ctx, slog.LevelWarn, req, 401, reason, "")
		return h.failure(multi, 401, asJSON), nil
	}
	claims, err := h.verifier.Verify(ctx, hv.token)
	if err != nil {
		status, level := 401, slog.LevelWarn
		if errors.Is(err, albjwt.ErrKeyUnavailable) {
			status, level = 503, slog.LevelError
		}
		h.logLine(ctx, level, req, status, albjwt.Reason(err), err.Error())
		return h.failure(multi, status, asJSON), nil
	}
	var body, ctype string
	if asJSON {
		body, err = renderJSON(claims)
		ctype = "application/json; charset=utf-8"
	} else {
		body, err = renderHTML(claims)
		ctype = "text/html; charset=utf-8"
	}
	if err == nil && len(body) > maxBody {
		err = fmt.Errorf("body of %d bytes exceeds %d", len(body), maxBody)
	}
	if err != nil {
		// Unreachable with tokens capped at albjwt.MaxTokenSize; fail closed.
		h.logLine(ctx, slog.LevelError, req, 503, "render_failed", err.Error())
		return h.failure(multi, 503, asJSON), nil
	}
	h.logLine(ctx, slog.LevelInfo, req, 200, "ok", "", slog.String("sub", claims.Subject))
	return h.respond(multi, 200, ctype, body, nil), nil
}

// logout expires the load balancer's session cookie shards and sends the user
// to Cognito's logout endpoint, which ends the Cognito session and returns
// the user to the app URL, where the load balancer starts a fresh sign-in.
//
// It needs no valid token, on purpose: a user whose session has expired, or
// whose token no longer verifies, must still be able to sign out, and the
// response reveals nothing and grants nothing — it only deletes cookies and
// redirects to a fixed URL built from configuration (no user input is
// reflected, so it is no open redirect). The cost is that another site can
// sign a user out (logout CSRF), which is a nuisance, not a breach.
//
// The four cookies need MultiValueHeaders: with a single-value target group
// only <name>-0 can be expired, so the stack should enable multi-value headers.
func (h *Handler) logout(multi bool) events.ALBTargetGroupResponse {
	return h.respond(multi, 302, "", "", []header{
		{"Location", []string{h.logoutURL}},
		{"Set-Cookie", h.cookies},
	})
}

func (h *Handler) failure(multi bool, status int, asJSON bool) events.ALBTargetGroupResponse {
	switch {
	case asJSON && status == 503:
		return h.respond(multi, status, "application/json; charset=utf-8", `{"error":"unavailable"}`, nil)
	case asJSON:
		return h.respond(multi, status, "application/json; charset=utf-8", `{"error":"unauthorized"}`, nil)
	case status == 503:
		return h.respond(multi, status, "text/html; charset=utf-8", h.html503, nil)
	}
	return h.respond(multi, status, "text/html; charset=utf-8", h.html401, nil)
}

type header struct {
	name   string
	values []string
}

// securityHeaders go on every response. Each value slice has len == cap, so
// sharing them between responses is safe even if a caller appends.
var securityHeaders = []header{
	{"Cache-Control", []string{"no-store"}},
	{"Content-Security-Policy", []string{csp}},
	{"Referrer-Policy", []string{"no-referrer"}},
	{"Strict-Transport-Security", []string{"max-age=31536000"}},
	{"X-Content-Type-Options", []string{"nosniff"}},
	{"X-Frame-Options", []string{"DENY"}},
}

func (h *Handler) respond(multi bool, status int, ctype, body string, extra []header) events.ALBTargetGroupResponse {
	resp := events.ALBTargetGroupResponse{StatusCode: status, StatusDescription: statusLine(status), Body: body}
	n := len(securityHeaders) + len(extra) + 1
	if multi {
		m := make(map[string][]string, n)
		for _, hd := range securityHeaders {
			m[hd.name] = hd.values
		}
		for _, hd := range extra {
			m[hd.name] = hd.values[:len(hd.values):len(hd.values)]
		}
		if ctype != "" {
			m["Content-Type"] = []string{ctype}
		}
		resp.MultiValueHeaders = m
		return resp
	}
	m := make(map[string]string, n)
	for _, hd := range securityHeaders {
		m[hd.name] = hd.values[0]
	}
	for _, hd := range extra {
		m[hd.name] = hd.values[0]
	}
	if ctype != "" {
		m["Content-Type"] = ctype
	}
	resp.Headers = m
	return resp
}

func statusLine(code int) string {
	switch code {
	case 200:
		return "200 OK"
	case 302:
		return "302 Found"
	case 401:
		return "401 Unauthorized"
	case 503:
		return "503 Service Unavailable"
	}
	return strconv.Itoa(code)
}

type requestHeaders struct {
	token  string
	tokens int // number of x-amzn-oidc-data values
	accept string
}

// readHeaders finds the headers the handler uses, matching names
// case-insensitively, in whichever shape the request came.
func readHeaders(req events.ALBTargetGroupRequest) requestHeaders {
	var rh requestHeaders
	if req.MultiValueHeaders != nil {
		for k, vs := range req.MultiValueHeaders {
			switch {
			case strings.EqualFold(k, headerToken):
				rh.tokens += len(vs)
				if len(vs) > 0 {
					rh.token = vs[0]
				}
			case strings.EqualFold(k, headerAccept) && len(vs) > 0:
				rh.accept = vs[0]
				if len(vs) > 1 {
					rh.accept = strings.Join(vs, ",")
				}
			}
		}
		return rh
	}
	for k, v := range req.Headers {
		switch {
		case strings.EqualFold(k, headerToken):
			rh.tokens++
			rh.token = v
		case strings.EqualFold(k, headerAccept):
			rh.accept = v
		}
	}
	return rh
}

// wantsJSON reports whether the client asked for JSON rather than HTML.
func wantsJSON(accept string) bool {
	a := strings.ToLower(accept)
	return strings.Contains(a, "application/json") && !strings.Contains(a, "text/html")
}

// logLine writes the request's one log line. It builds the record itself,
// as Logger.LogAttrs would, but leaves its PC zero instead of walking the
// stack for it: the source would always be this function, so a handler with
// AddSource simply omits it.
func (h *Handler) logLine(ctx context.Context, level slog.Level, req events.ALBTargetGroupRequest, status int, reason, detail string, more ...slog.Attr) {
	if !h.log.Enabled(ctx, level) {
		return
	}
	path := req.Path
	if len(path) > maxLoggedPath {
		path = path[:maxLoggedPath]
	}
	r := slog.NewRecord(time.Now(), level, "request", 0)
	r.AddAttrs(
		slog.Int("status", status),
		slog.String("reason", reason),
		slog.String("method", req.HTTPMethod),
		slog.String("path", path),
	)
	if detail != "" {
		r.AddAttrs(slog.String("detail", detail))
	}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		r.AddAttrs(slog.String("request_id", lc.AwsRequestID))
	}
	r.AddAttrs(more...)
	_ = h.log.Handler().Handle(ctx, r)
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// claimsTmpl is the page renderHTML executes, looked up once.
var claimsTmpl = pages.Lookup("claims")

// renderHTML renders the claims page. Every value is passed as a plain
// string, computed here once, and html/template escapes each for its context.
func renderHTML(c *albjwt.Claims) (string, error) {
	rows := make([]claimRow, 0, len(c.All))
	for k, v := range c.All {
		rows = append(rows, claimRow{Name: k, Value: claimText(v)})
	}
	slices.SortFunc(rows, func(a, b claimRow) int { return strings.Compare(a.Name, b.Name) })
	// Both renderings of the expiry share one allocation.
	var tb [64]byte
	exp := c.ExpiresAt.UTC()
	t := exp.AppendFormat(tb[:0], "2006-01-02T15:04:05Z")
	iso := len(t)
	times := string(exp.AppendFormat(t, "Mon, 2 Jan 2006 15:04:05 UTC"))
	page := claimsPage{
		Who:        firstNonEmpty(c.Username, c.Email, c.Subject),
		Username:   firstNonEmpty(c.Username, "—"),
		Email:      firstNonEmpty(c.Email, "—"),
		Sub:        c.Subject,
		Expires:    times[iso:],
		ExpiresISO: times[:iso],
		Claims:     rows,
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 256<<10 {
			bufPool.Put(buf)
		}
	}()
	if err := claimsTmpl.Execute(buf, &page); err != nil {
		return "", fmt.Errorf("webapp: render claims page: %w", err)
	}
	return buf.String(), nil
}

type whoami struct {
	Username  string         `json:"username"`
	Email     string         `json:"email"`
	Sub       string         `json:"sub"`
	ExpiresAt string         `json:"expires_at"`
	Claims    map[string]any `json:"claims"`
}

func renderJSON(c *albjwt.Claims) (string, error) {
	b, err := json.Marshal(whoami{
		Username:  c.Username,
		Email:     c.Email,
		Sub:       c.Subject,
		ExpiresAt: c.ExpiresAt.UTC().Format("2006-01-02T15:04:05Z"),
		Claims:    c.All,
	})
	if err != nil {
		return "", fmt.Errorf("webapp: encode claims: %w", err)
	}
	return string(b), nil
}

// claimText shows a claim value: strings and numbers as they are, anything
// else as compact JSON.
func claimText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
