package test

import (
	"maps"
	"reflect"
	"strings"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/config"
)

// The README promises users: put your own values in cdk.json, with or
// without stages, and `make test` stays green. Two kinds of test read
// cdk.json's settings: TestCDKJSONIsValid (config) and TestCDKJSONSynthesizes
// (here); everything else uses the shipped examples and only cdk.json's
// feature flags. TestOtherUsersCDKJSON runs those two checks on other users'
// values, and TestSnapshotsIgnoreCDKJSONSettings shows that the snapshots and
// assertions cannot see a user's settings, in this test binary, without a copy
// of the module or a second run of the suite.

// stagedUser is a user's configuration with three stages, none of them the
// example's: another account, other regions, pools, zones and names.
var stagedUser = map[string]any{
	"userPoolArn":    "arn:aws:cognito-idp:us-east-1:210987654321:userpool/us-east-1_Corp1",
	"userPoolDomain": "auth.corp.example.org",
	"hostedZoneId":   "Z09876543210FEDCBA987",
	"hostedZoneName": "corp.example.org",
	"certificateArn": "arn:aws:acm:us-east-1:210987654321:certificate/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
	"oauthScopes":    "openid,email",
	"stackName":      "Intranet",
	"stages": map[string]any{
		"qa":      map[string]any{"recordName": "qa.corp.example.org", "deletionProtection": false, "availabilityZones": []any{"us-east-1c", "us-east-1d"}},
		"staging": map[string]any{"recordName": "staging.corp.example.org", "ipAddressType": "dualstack"},
		"live": map[string]any{
			"recordName":     "intranet.corp.example.org",
			"account":        "345678901234",
			"userPoolArn":    "arn:aws:cognito-idp:eu-north-1:345678901234:userpool/eu-north-1_Live1",
			"userPoolDomain": "corp-live",
			"certificateArn": "arn:aws:acm:eu-north-1:345678901234:certificate/ffffffff-1111-2222-3333-444444444444",
			"wafEnabled":     true,
		},
	},
}

// flatUser is a user's single-environment configuration.
var flatUser = map[string]any{
	"userPoolArn":    "arn:aws:cognito-idp:ap-southeast-2:456789012345:userpool/ap-southeast-2_Flat1",
	"userPoolDomain": "flat-app",
	"hostedZoneId":   "Z1111111111111111111A",
	"hostedZoneName": "flat.example.net",
	"recordName":     "flat.example.net",
	"certificateArn": "arn:aws:acm:ap-southeast-2:456789012345:certificate/12345678-1234-1234-1234-123456789012",
	"sessionTimeout": 3600,
}

// TestOtherUsersCDKJSON: a cdk.json holding another user's values (three
// stages in two accounts; a flat configuration) passes what
// TestCDKJSONIsValid and TestCDKJSONSynthesizes check.
func TestOtherUsersCDKJSON(t *testing.T) {
	for _, tc := range []struct {
		name     string
		settings map[string]any
		sites    map[string]string // stage name: site URL in account/region
		stacks   map[string]string // stack name: account/region
	}{
		{"three stages", stagedUser,
			map[string]string{
				"qa":      "https://qa.corp.example.org in 210987654321/us-east-1",
				"staging": "https://staging.corp.example.org in 210987654321/us-east-1",
				"live":    "https://intranet.corp.example.org in 345678901234/eu-north-1",
			},
			map[string]string{"qa-Intranet": "210987654321/us-east-1", "staging-Intranet": "210987654321/us-east-1", "live-Intranet": "345678901234/eu-north-1"}},
		{"flat", flatUser,
			map[string]string{"": "https://flat.example.net in 456789012345/ap-southeast-2"},
			map[string]string{"AlbCognitoSite": "456789012345/ap-southeast-2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The user's cdk.json: the project's feature flags and their settings.
			cdkJSON := cdkJSONFlags()
			maps.Copy(cdkJSON, tc.settings)

			// TestCDKJSONIsValid's check.
			stages, err := config.StagesFromContext(cdkJSON)
			if err != nil {
				t.Fatalf("the configuration does not pass validation:\n%v", err)
			}
			sites := map[string]string{}
			for _, s := range stages {
				sites[s.Name] = s.Config.SiteURL() + " in " + s.Config.Account() + "/" + s.Config.Region()
			}
			if !reflect.DeepEqual(sites, tc.sites) {
				t.Errorf("stages %v, want %v", sites, tc.sites)
			}

			// TestCDKJSONSynthesizes' check.
			if got := checkCDKJSONContext(t, cdkJSON); !reflect.DeepEqual(got, tc.stacks) {
				t.Errorf("stacks %v, want %v", got, tc.stacks)
			}
		})
	}
}

// TestSnapshotsIgnoreCDKJSONSettings: the contexts the snapshots and
// assertions synthesize from hold the shipped example's settings and
// cdk.json's feature flags, nothing of cdk.json's settings, so a user's
// values in cdk.json cannot change them.
func TestSnapshotsIgnoreCDKJSONSettings(t *testing.T) {
	for name, tc := range map[string]struct{ ctx, example map[string]any }{
		"flat":   {exampleContext(nil), config.Example()},
		"stages": {exampleStagesContext(nil), config.ExampleStages()},
	} {
		for k, v := range tc.ctx {
			switch {
			case strings.HasPrefix(k, "@"):
				if !reflect.DeepEqual(v, cdkJSONContext()[k]) {
					t.Errorf("%s: feature flag %s = %v, not cdk.json's", name, k, v)
				}
			case k == "aws:cdk:bundling-stacks":
			case !reflect.DeepEqual(v, tc.example[k]):
				t.Errorf("%s: %s = %v, not the example's %v", name, k, v, tc.example[k])
			}
		}
	}
}
