package version

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// entryRe matches a Keep a Changelog version heading: ## [1.2.3] - 2006-01-02.
var entryRe = regexp.MustCompile(`(?m)^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?\s*$`)

// TestChangelogTopEntryIsTheVersion: the newest entry of CHANGELOG.md is
// Version, every entry has a date, and the versions decrease down the file.
func TestChangelogTopEntryIsTheVersion(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../CHANGELOG.md")
	if err != nil {
		t.Fatal(err)
	}
	entries := entryRe.FindAllStringSubmatch(string(b), -1)
	if len(entries) == 0 {
		t.Fatal("CHANGELOG.md has no version entry (## [x.y.z] - yyyy-mm-dd)")
	}
	if top := entries[0][1]; top != Version {
		t.Errorf("CHANGELOG.md's top entry is [%s], but version.Version is %q: add an entry for %s, or set Version to %s", top, Version, Version, top)
	}
	semver := regexp.MustCompile(`^\d+\.\d+\.\d+$`)
	for i, e := range entries {
		if !semver.MatchString(e[1]) {
			t.Errorf("CHANGELOG.md entry [%s] is not a version x.y.z", e[1])
		}
		if e[2] == "" {
			t.Errorf("CHANGELOG.md entry [%s] has no date (## [%s] - yyyy-mm-dd)", e[1], e[1])
		}
		if i > 0 && !less(e[1], entries[i-1][1]) {
			t.Errorf("CHANGELOG.md entry [%s] comes after [%s] but is not older", e[1], entries[i-1][1])
		}
		if i > 0 && e[2] > entries[i-1][2] {
			t.Errorf("CHANGELOG.md entry [%s] is dated %s, after the newer [%s] (%s)", e[1], e[2], entries[i-1][1], entries[i-1][2])
		}
	}
}

// less reports whether version a is lower than b (x.y.z, numerically).
func less(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := range min(len(pa), len(pb)) {
		if len(pa[i]) != len(pb[i]) {
			return len(pa[i]) < len(pb[i])
		}
		if pa[i] != pb[i] {
			return pa[i] < pb[i]
		}
	}
	return len(pa) < len(pb)
}
