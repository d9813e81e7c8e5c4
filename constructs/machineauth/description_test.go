package machineauth

import (
	"fmt"
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
