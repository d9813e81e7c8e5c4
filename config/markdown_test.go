package config

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite the configuration table in ../README.md")

const (
	tableStart = "<!-- config-table:start (generated from config.Keys by `go test ./config -update-readme`) -->\n"
	tableEnd   = "<!-- config-table:end -->"
)

// TestReadmeConfigTable keeps the README's configuration reference equal to
// the keys the decoder actually reads.
func TestReadmeConfigTable(t *testing.T) {
	const path = "../README.md"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	i, j := strings.Index(readme, tableStart), strings.Index(readme, tableEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md has no %q ... %q section", tableStart, tableEnd)
	}
	want := MarkdownTable()
	got := readme[i+len(tableStart) : j]
	if got == want {
		return
	}
	if *updateReadme {
		if err := os.WriteFile(path, []byte(readme[:i+len(tableStart)]+want+readme[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's configuration table is out of date; run `go test ./config -update-readme`.\nwant:\n%s", want)
}
