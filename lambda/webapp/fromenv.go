package webapp

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/albjwt"
)

// FromEnv is the one way from an environment to a ready Handler, used by the
// Lambda main (with os.Getenv) and by the local preview server (with its own
// variables): ConfigFromEnv(getenv), albjwt.New(cfg.Token), New. A nil
// logger means a JSON logger on stderr. On success it logs one "initialised"
// line naming the load balancer ARN and the key endpoint in use.
func FromEnv(getenv func(string) string, logger *slog.Logger) (*Handler, error) {
	if logger == nil {
		logger = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	cfg, err := ConfigFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	v, err := albjwt.New(cfg.Token)
	if err != nil {
		return nil, fmt.Errorf("build verifier: %w", err)
	}
	h, err := New(cfg, v, logger)
	if err != nil {
		return nil, fmt.Errorf("build handler: %w", err)
	}
	logger.Info("initialised", slog.String("alb_arn", cfg.Token.ALBARN), slog.String("key_endpoint", v.KeyEndpoint()))
	return h, nil
}
