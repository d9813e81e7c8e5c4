// Command container is a web app that runs as a container (ECS) or on an
// instance behind the stack's load balancer, in an existing target group
// (config key targetGroupArn), with the same identity middleware the Lambda
// function runs, on net/http's own server.
//
// It reads its whole configuration from one environment variable,
// IDENTITY_CONFIG: the JSON document the stack publishes as an SSM
// parameter, which the ECS task definition injects (secrets, valueFrom).
// PORT (default 8080) is the port it listens on, on every interface. It
// answers the target group's health check on HealthPath without
// authentication, everything else only through the middleware, and stops
// gracefully on SIGTERM (what ECS sends before SIGKILL).
//
// It is a module of its own, using this repository through a replace
// directive (go.mod), like examples/consumer: copy the folder, drop the
// replace, require a tagged version. Build its image from the repository's
// root (the replace needs the whole checkout):
//
//	docker build -f examples/container/Dockerfile -t app .
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv, nil, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "container:", err)
		os.Exit(1)
	}
}

// run serves until ctx ends, then shuts down gracefully. It listens on ln,
// or on PORT when ln is nil. Logs (one JSON line per request) go to out.
func run(ctx context.Context, getenv func(string) string, ln net.Listener, out io.Writer) error {
	logger := slog.New(slog.NewJSONHandler(out, nil))
	srv, err := newServer(getenv, logger)
	if err != nil {
		return err
	}
	if ln == nil {
		port, err := listenPort(getenv("PORT"))
		if err != nil {
			return err
		}
		if ln, err = net.Listen("tcp", ":"+port); err != nil {
			return err
		}
	}
	logger.Info("listening", slog.String("addr", ln.Addr().String()), slog.String("health", HealthPath))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// The load balancer stops sending new requests once the target is
	// deregistering; let those in flight finish.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, errServerClosed) {
		return err
	}
	logger.Info("stopped")
	return nil
}
