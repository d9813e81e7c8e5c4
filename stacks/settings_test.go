package stacks

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsssm"

	"github.com/alb-cognito/alb-cognito-cdk/config"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
)

// tokenMark stands for a value unknown until deploy.
var tokenMark = "${Token[TOKEN.1]}"

// settingsOf is the identity document of cfg as publishSettings builds it
// for an app behind an existing target group on the stack's own load
// balancer: the unknown values are tokens.
func settingsOf(cfg config.Config) map[string]*string {
	s := func(v string) *string { return &v }
	m := map[string]*string{
		identity.EnvALBARN: &tokenMark, identity.EnvClientID: &tokenMark, identity.EnvIssuer: s(cfg.Issuer()),
		identity.EnvUserPoolDomain: &tokenMark, identity.EnvAppURL: s(cfg.SiteURL()), identity.EnvSessionCookieName: s(cfg.SessionCookieName),
		identity.EnvRouteTable: s(cfg.RouteTableJSON()), identity.EnvTarget: s(identity.TargetHTTP),
	}
	if len(cfg.MachineClients) > 0 {
		m[identity.EnvMachineClients] = &tokenMark
		m[identity.EnvResourceServerID] = s(cfg.ResourceServerID)
	}
	return m
}

func isToken(v *string) bool { return *v == tokenMark }

// routesCtx is the example with n routes whose names, paths and groups are
// as long as width makes them.
func routesCtx(n, width int) map[string]any {
	ctx := config.Example()
	rs := make([]any, n)
	for i := range rs {
		name := fmt.Sprintf("r%0*d", width, i)
		rs[i] = map[string]any{"name": name, "paths": []any{"/" + name + "/*"}, "groups": []any{"g-" + name}}
	}
	ctx["routes"] = rs
	return ctx
}

// The identity parameter's tier follows its size: the example's document is
// a standard parameter; the largest route table the configuration accepts
// (the function's environment bounds it, routes.MaxJSONBytes) makes one
// larger than 4 KB, which becomes Intelligent-Tiering, and never larger than
// an advanced parameter's 8 KB, so the synth error cannot be reached from a
// valid configuration.
func TestIdentityParameterTierFollowsTheSize(t *testing.T) {
	t.Parallel()
	small, err := config.FromContext(config.Example())
	if err != nil {
		t.Fatal(err)
	}
	n := SettingsBound(settingsOf(small), isToken, 0)
	if tier, err := IdentityParameterTier(n); err != nil || tier != awsssm.ParameterTier_STANDARD {
		t.Errorf("the example's document (at most %d bytes): tier %q, %v; want Standard", n, tier, err)
	}

	// The largest tables: as many routes as fit, for several name widths.
	largest := 0
	for _, width := range []int{2, 8, 20} {
		fits := 0
		for k := 1; k <= 50; k++ {
			if _, err := config.FromContext(routesCtx(k, width)); err != nil {
				break
			}
			fits = k
		}
		cfg, err := config.FromContext(routesCtx(fits, width))
		if err != nil {
			t.Fatal(err)
		}
		b := SettingsBound(settingsOf(cfg), isToken, 0)
		t.Logf("names of %d characters: %d routes fit (route table %d bytes), identity document at most %d bytes", width+1, fits, len(cfg.RouteTableJSON()), b)
		largest = max(largest, b)
	}
	if largest <= StandardParameterBytes {
		t.Fatalf("the largest document is %d bytes; the Intelligent-Tiering branch is never taken", largest)
	}
	if tier, err := IdentityParameterTier(largest); err != nil || tier != awsssm.ParameterTier_INTELLIGENT_TIERING {
		t.Errorf("%d bytes: tier %q, %v; want Intelligent-Tiering", largest, tier, err)
	}
	if _, err := IdentityParameterTier(AdvancedParameterBytes + 1); err == nil || !strings.Contains(err.Error(), "8192") {
		t.Errorf("beyond 8 KB: %v", err)
	}
	// Unknown values count at their bound, never at the token's length.
	m := map[string]*string{identity.EnvClientID: &tokenMark}
	if got := SettingsBound(m, isToken, 0); got != len(`{"USER_POOL_CLIENT_ID":""}`)+clientIDBound {
		t.Errorf("bound of one client id: %d", got)
	}
}
