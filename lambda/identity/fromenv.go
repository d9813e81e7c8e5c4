package identity

import (
	"fmt"
	"log/slog"
	"maps"
	"os"
	"slices"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/accesstoken"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albjwt"
)

// FromEnv is the one way from an environment to a ready Middleware, used by
// the Lambda main (with os.Getenv) and by the local preview server (with its
// own variables): ConfigFromEnv(getenv), then FromConfig. Every
// configuration problem is reported at once, in a *ConfigError naming each
// variable.
func FromEnv(getenv func(string) string, o Options) (*Middleware, error) {
	cfg, err := ConfigFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	return FromConfig(cfg, o)
}

// FromConfig returns the middleware for cfg. Verifiers not given in o are
// built from cfg: albjwt.New(cfg.Token) for the user claims, and
// accesstoken.New for access tokens of the same pool (cfg.Token.Issuer,
// its JWKS) and client (cfg.Token.ClientID), bound to no resource or to
// cfg.ResourceServerID, and, when there are machine
// clients, one for their tokens derived from it with WithClients (same pool
// and key set, their ids). A nil o.Logger means JSON on stderr. On success it logs one "initialised" line naming the load
// balancer ARN, the key endpoints in use and the routes.
func FromConfig(cfg Config, o Options) (*Middleware, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	keyEndpoint := cfg.Token.KeyEndpoint
	if o.Users == nil {
		users, err := albjwt.New(cfg.Token)
		if err != nil {
			return nil, fmt.Errorf("build user-claims verifier: %w", err)
		}
		o.Users, keyEndpoint = users, users.KeyEndpoint()
	}
	// One verifier of the pool's access tokens; the machine clients' verifier
	// is derived from it, so both share one JWKS fetch and key set.
	var pool *accesstoken.Verifier
	if o.Access == nil || (o.Machine == nil && len(cfg.MachineClients) > 0) {
		var err error
		var audiences []string
		if cfg.ResourceServerID != "" {
			audiences = []string{cfg.ResourceServerID}
		}
		pool, err = accesstoken.New(accesstoken.Config{
			Issuer:    cfg.Token.Issuer,
			ClientIDs: []string{cfg.Token.ClientID},
			JWKSURL:   cfg.JWKSURLOrDefault(),
			Audiences: audiences,
		})
		if err != nil {
			return nil, fmt.Errorf("build access-token verifier: %w", err)
		}
	}
	if o.Access == nil {
		o.Access = pool
	}
	if o.Machine == nil && len(cfg.MachineClients) > 0 {
		ids := slices.Sorted(maps.Values(cfg.MachineClients))
		machine, err := pool.WithClients(ids...)
		if err != nil {
			return nil, fmt.Errorf("build machine-token verifier: %w", err)
		}
		o.Machine = machine
	}
	m, err := New(cfg, o)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(cfg.Routes.Routes))
	for _, r := range cfg.Routes.Routes {
		names = append(names, r.Name)
	}
	o.Logger.Info("initialised", slog.String("alb_arn", cfg.Token.ALBARN), slog.String("key_endpoint", keyEndpoint),
		slog.String("jwks_url", cfg.JWKSURLOrDefault()), slog.Any("routes", names))
	return m, nil
}
