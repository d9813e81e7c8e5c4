package machineauth

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// TestScopeDescriptionFitsCognitosLimit: a created scope's description names
// the routes requiring it, and stays within Cognito's 256 characters however
// many routes (up to 50 of 32 characters) require the scope.
func TestScopeDescriptionFitsCognitosLimit(t *testing.T) {
	t.Parallel()
	if got := scopeDescription([]string{"reports", "billing"}); got != "Required by machine routes reports, billing" {
		t.Errorf("two routes: %q", got)
	}
	for _, n := range []int{1, 7, 8, 9, 50} {
		var names []string
		for i := range n {
			names = append(names, fmt.Sprintf("route-%02d-%s", i, strings.Repeat("x", 23)))
		}
		got := scopeDescription(names)
		if len(got) < 1 || len(got) > MaxScopeDescription {
			t.Errorf("%d routes: description of %d characters: %q", n, len(got), got)
		}
		if !strings.Contains(got, names[0]) {
			t.Errorf("%d routes: the first route is not named: %q", n, got)
		}
		if all := "Required by machine routes " + strings.Join(names, ", "); len(all) <= MaxScopeDescription && got != all {
			t.Errorf("%d routes: %q, want every name: %q", n, got, all)
		} else if len(all) > MaxScopeDescription && !strings.HasSuffix(got, " more") {
			t.Errorf("%d routes: %q does not say how many routes it leaves out", n, got)
		}
	}
}

// TestResourceServerNameIsValid: the created resource server's name matches
// Cognito's pattern for names, [\w\s+=,.@-]+, whatever the identifier.
func TestResourceServerNameIsValid(t *testing.T) {
	t.Parallel()
	nameRe := regexp.MustCompile(`^[\w\s+=,.@-]{1,256}$`)
	for id, want := range map[string]string{
		"https://app.example.com":         "app.example.com",
		"https://app.example.com/api/v1/": "app.example.com-api-v1",
		"orders":                          "orders",
		"urn:example:orders":              "urn-example-orders",
		"://":                             "resource-server",
		"https://":                        "resource-server",
	} {
		got := resourceServerName(id)
		if got != want || !nameRe.MatchString(got) {
			t.Errorf("resourceServerName(%q) = %q, want %q", id, got, want)
		}
	}
}
