package config

import (
	"errors"
	"strings"
	"testing"
)

// TestTokenMarkersAreRefused: "${" starts a CDK string token (the CDK's
// encoding of a value that is resolved later), "#{Token[" a list token and
// -1.<digits>e+289 a number token, so a config string holding one would reach
// the template as something other than what was written, or make synth panic.
// Every string and string-list key refuses them, whether the value comes from
// cdk.json or -c; new keys are covered as soon as they are in Keys.
func TestTokenMarkersAreRefused(t *testing.T) {
	t.Parallel()
	tokens := []string{"${Token[TOKEN.123]}", "${Token[AWS.AccountId.6]}", "x${y", "#{Token[TOKEN.7]}", "-1.8881545897087626e+289"}
	n := 0
	for _, k := range Keys() {
		var values []any
		switch k.Type {
		case "string":
			for _, tok := range tokens {
				values = append(values, tok, "a"+tok+"b")
			}
		case "string list":
			for _, tok := range tokens {
				values = append(values, []any{"openid", tok}, "openid,"+tok, []any{tok})
			}
		case "list of objects":
			for _, tok := range tokens {
				values = append(values,
					[]any{map[string]any{"name": "admin", "paths": []any{"/admin" + tok}}},
					[]any{map[string]any{"name": "admin", "paths": []any{"/admin"}, "groups": []any{tok}}},
					[]any{map[string]any{"name": "admin", "paths": []any{"/admin"}, "authenticationRequestExtraParams": map[string]any{"identity_provider": tok}}},
					`[{"name":"admin","paths":["/admin"],"scopes":["`+tok+`"]}]`)
			}
		default:
			continue
		}
		n++
		for _, v := range values {
			_, err := FromContext(exampleWith(map[string]any{k.Name: v}))
			var ps Problems
			if !errors.As(err, &ps) {
				t.Errorf("%s = %#v: accepted (err %v)", k.Name, v, err)
				continue
			}
			found := false
			for _, p := range ps {
				if p.Key == k.Name && strings.Contains(p.Message, "CDK token") && (strings.Contains(p.Message, "${") ||
					strings.Contains(p.Message, "#{Token[") || strings.Contains(p.Message, "e+289")) {
					found = true
				}
			}
			if !found {
				t.Errorf("%s = %#v: no problem names the key and the token marker:\n%v", k.Name, v, err)
			}
		}
	}
	if n < 16 {
		t.Fatalf("only %d string keys checked", n)
	}
}

// TestValidateRefusesTokenMarkers: a Config built by hand is checked too.
func TestValidateRefusesTokenMarkers(t *testing.T) {
	t.Parallel()
	c := mustDecode(t, Example())
	c.RecordName = "app${Token[TOKEN.1]}.example.com"
	c.OAuthScopes = []string{"openid", "${Token[TOKEN.2]}"}
	err := c.Validate()
	for _, key := range []string{"recordName", "oauthScopes"} {
		if err == nil || !strings.Contains(err.Error(), key+": ") || !strings.Contains(err.Error(), "CDK token") {
			t.Errorf("%s with a token marker: Validate() = %v", key, err)
		}
	}
}
