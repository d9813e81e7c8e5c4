package config

import (
	"testing"
	"time"
)

func TestMachineDefaults(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		set        map[string]any
		wantServer string
		wantTokens time.Duration
	}{
		{"none", nil, "", 15 * time.Minute},
		{"created, identifier from the site URL", map[string]any{"createResourceServer": "true"}, "https://app.example.com", 15 * time.Minute},
		{"created, identifier given", map[string]any{"createResourceServer": true, "resourceServerId": "orders"}, "orders", 15 * time.Minute},
		{"existing", map[string]any{"resourceServerId": "https://api.example.com", "machineTokenValidity": "1h"}, "https://api.example.com", time.Hour},
	}
	for _, tc := range cases {
		c, err := FromContext(exampleWith(tc.set))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if c.ResourceServerID != tc.wantServer || c.MachineTokenValidity != tc.wantTokens {
			t.Errorf("%s: resource server %q, token validity %s; want %q, %s", tc.name, c.ResourceServerID, c.MachineTokenValidity, tc.wantServer, tc.wantTokens)
		}
	}
}
