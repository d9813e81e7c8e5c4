package test

import (
	"strconv"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

const typeStyle = "AWS::Cognito::ManagedLoginBranding"

// Stacks at the edges of the token lifetimes Cognito allows, one of them on a
// pool whose domain serves the classic hosted UI.
var (
	lowerLimitsSite = shared("lower limits, classic", func() (*synthesized, error) {
		return synth(exampleContext(map[string]any{
			"loginPages":     "classic",
			"sessionTimeout": "1s", "idTokenValidity": "5m", "accessTokenValidity": "5m", "refreshTokenValidity": "60m",
		}))
	})
	upperLimitsSite = shared("upper limits", func() (*synthesized, error) {
		return synth(exampleContext(map[string]any{
			"sessionTimeout": "168h", "idTokenValidity": "24h", "accessTokenValidity": "24h", "refreshTokenValidity": "87600h",
		}))
	})
)

// TestManagedLoginStylePerLoginPages: on a managed login domain the new client
// gets a style with Cognito's defaults (without one its sign-in pages are
// "Login pages unavailable"); on a classic hosted UI domain it gets none.
func TestManagedLoginStylePerLoginPages(t *testing.T) {
	cases := []struct {
		name  string
		site  func(*testing.T) *synthesized
		style bool
	}{
		{"managed (default)", exampleSite, true},
		{"classic", lowerLimitsSite, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.site(t)
			styles := s.resources(typeStyle)
			if !tc.style {
				if len(styles) != 0 {
					t.Fatalf("loginPages classic, yet %d managed login styles: %s", len(styles), js(styles))
				}
				return
			}
			clientID, _ := s.only(t, typeClient)
			_, style := s.only(t, typeStyle)
			// Exactly these properties: Cognito refuses Settings or Assets
			// together with UseCognitoProvidedValues.
			want := map[string]any{"UserPoolId": ex.UserPoolID(), "ClientId": ref(clientID), "UseCognitoProvidedValues": true}
			if js(props(style)) != js(want) {
				t.Errorf("managed login style = %s, want %s", js(props(style)), js(want))
			}
		})
	}
}

// TestTokenLifetimesFitTheSession checks the client's token lifetimes across
// Cognito's allowed range, each against the listener's session: whole minutes,
// ID and access tokens no longer than the refresh token, a refresh token that
// outlives the session, and refresh token rotation off.
func TestTokenLifetimesFitTheSession(t *testing.T) {
	cases := []struct {
		name                string
		site                func(*testing.T) *synthesized
		session             string  // the listener's SessionTimeout, seconds
		id, access, refresh float64 // minutes
	}{
		{"defaults: 8h session", exampleSite, "28800", 60, 60, 540},
		{"one-hour session, 30-minute access token", variantSite, "3600", 60, 30, 120},
		{"Cognito's lower limits", lowerLimitsSite, "1", 5, 5, 60},
		{"Cognito's upper limits", upperLimitsSite, "604800", 24 * 60, 24 * 60, 3650 * 24 * 60},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.site(t)
			_, client := s.only(t, typeClient)
			p := props(client)
			got := []any{p["IdTokenValidity"], p["AccessTokenValidity"], p["RefreshTokenValidity"]}
			if js(got) != js([]float64{tc.id, tc.access, tc.refresh}) {
				t.Errorf("ID/access/refresh token validity = %s min, want [%v,%v,%v]", js(got), tc.id, tc.access, tc.refresh)
			}
			if js(p["TokenValidityUnits"]) != `{"AccessToken":"minutes","IdToken":"minutes","RefreshToken":"minutes"}` {
				t.Errorf("TokenValidityUnits = %s, want minutes for all three", js(p["TokenValidityUnits"]))
			}
			auth := s.listener(t, 443)["DefaultActions"].([]any)[0].(map[string]any)["AuthenticateCognitoConfig"].(map[string]any)
			if auth["SessionTimeout"] != tc.session {
				t.Fatalf("listener SessionTimeout = %v, want %s", auth["SessionTimeout"], tc.session)
			}
			sessionSeconds, err := strconv.ParseFloat(tc.session, 64)
			if err != nil {
				t.Fatal(err)
			}
			refresh := p["RefreshTokenValidity"].(float64)
			if refresh*60 <= sessionSeconds {
				t.Errorf("refresh token (%v min) does not outlive the %v s session", refresh, sessionSeconds)
			}
			if p["IdTokenValidity"].(float64) > refresh || p["AccessTokenValidity"].(float64) > refresh {
				t.Errorf("ID/access token outlives the refresh token: %s", js(got))
			}
			// Rotation is off: the load balancer is not documented to keep a
			// rotated refresh token. Off is Cognito's default, so the template
			// must not set it at all.
			guard(t, func() {
				s.template.HasResourceProperties(jsii.String(typeClient), map[string]any{
					"RefreshTokenRotation": assertions.Match_Absent(),
				})
			})
			if _, set := p["RefreshTokenRotation"]; set {
				t.Errorf("RefreshTokenRotation = %s, want it unset (off)", js(p["RefreshTokenRotation"]))
			}
		})
	}
}
