package test

import (
	"testing"
)

// Every machineTokenValidity in the documented range (5m to 24h)
// synthesizes: above 60m the CDK used to refuse the machine clients'
// access token for outliving their fixed one-hour refresh token, a Go panic
// at synth. The boundaries and either side of 60m.
func TestEveryMachineTokenValiditySynthesizes(t *testing.T) {
	for _, tc := range []struct {
		value           string
		access, refresh float64
	}{
		{"5m", 5, 60}, {"60m", 60, 60}, {"61m", 61, 61}, {"24h", 1440, 1440},
	} {
		t.Run(tc.value, func(t *testing.T) {
			ctx := machineContext()
			ctx["machineTokenValidity"] = tc.value
			s, err := synth(ctx)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for id, r := range s.resources("AWS::Cognito::UserPoolClient") {
				p := props(r)
				if _, machine := p["ClientName"]; !machine {
					continue
				}
				n++
				if p["AccessTokenValidity"] != tc.access || p["RefreshTokenValidity"] != tc.refresh {
					t.Errorf("%s: AccessTokenValidity %v, RefreshTokenValidity %v; want %v, %v", id, p["AccessTokenValidity"], p["RefreshTokenValidity"], tc.access, tc.refresh)
				}
			}
			if n != 2 {
				t.Errorf("%d machine clients, want 2", n)
			}
		})
	}
}
