package main

import (
	"errors"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
)

// HealthPath answers the target group's health check. The load balancer
// sends health checks to each target itself, not through the listener
// rules, so they carry no x-amzn-oidc-data and would be refused by the
// middleware: the check is answered before it. It is no way around the
// middleware: only a GET or HEAD whose request target is exactly this path
// (no query, no other spelling) gets it, and all it ever returns is 200 "ok"
// and nothing from the application. Any other request, including one to
// this path through a listener rule with a query or another method, goes
// through the middleware. Set the target group's health check path to it.
const HealthPath = "/healthz"

// shutdownGrace bounds the graceful shutdown: below ECS's default stop
// timeout (30 seconds between SIGTERM and SIGKILL).
const shutdownGrace = 25 * time.Second

var errServerClosed = http.ErrServerClosed

// newServer builds the server from the environment: the middleware from
// the IDENTITY_CONFIG document (every problem named at once), the app
// behind it, the health check in front.
func newServer(getenv func(string) string, logger *slog.Logger) (*http.Server, error) {
	mw, err := identity.FromDocument([]byte(getenv(identity.EnvConfig)), identity.Options{
		Logger: logger,
		// The log line's metrics carry a Lambda function name dimension;
		// a container has none.
		NoMetrics: true,
	})
	if err != nil {
		return nil, err
	}
	return &http.Server{
		Handler:           health(mw.Handler(app())),
		ReadHeaderTimeout: 10 * time.Second,
		// Longer than the load balancer's idle timeout (60 seconds by
		// default), so the target never closes a connection the load
		// balancer is about to reuse.
		IdleTimeout: 65 * time.Second,
		ErrorLog:    slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}, nil
}

// health answers HealthPath itself and hands everything else to next.
func health(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.RequestURI == HealthPath && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			h := w.Header()
			h.Set("Content-Type", "text/plain; charset=utf-8")
			h.Set("Cache-Control", "no-store")
			h.Set("Content-Length", "2")
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, "ok")
			return
		}
		next.ServeHTTP(w, r)
	})
}

var page = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Container app</title></head>
<body><h1>Hello, {{.Name}}</h1>
<p id="route">Route: {{if .Routed}}{{.Route}}{{else}}(default){{end}}</p>
<p id="groups">Groups: {{range .Groups}}<code>{{.}}</code> {{else}}none{{end}}</p>
<p><a href="/logout">Sign out</a></p>
</body></html>
`))

// app is the application: it reads who is signed in from the context the
// middleware filled, never from a header.
func app() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		id, ok := identity.FromContext(r.Context())
		data := struct {
			Name, Route string
			Routed      bool
			Groups      []string
		}{Name: "anonymous visitor"}
		if ok {
			data.Name, data.Route, data.Routed, data.Groups = id.Email, id.Route.Name, id.Routed, id.Groups
			if data.Name == "" {
				data.Name = id.Username
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if err := page.Execute(w, data); err != nil {
			http.Error(w, "500 Internal Server Error", http.StatusInternalServerError)
		}
	})
	return mux
}

// listenPort checks PORT: empty means 8080.
func listenPort(s string) (string, error) {
	if s == "" {
		return "8080", nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 65535 || strconv.Itoa(n) != s {
		return "", errors.New("PORT: must be a port number from 1 to 65535")
	}
	return s, nil
}
