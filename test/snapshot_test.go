package test

import (
	"encoding/json"
	"os"
	"testing"
)

// TestSnapshot compares each stack's template with its golden file under
// testdata/: the flat example's stack (AlbCognitoSite) and each stage's of the
// example with stages (dev-AlbCognitoSite, prod-AlbCognitoSite). Rewrite them
// with `go test ./test -update` and review the diff.
func TestSnapshot(t *testing.T) {
	all := append([]*synthesized{exampleSite(t)}, exampleStages(t)...)
	for _, s := range all {
		name := *s.site.Stack.StackName()
		t.Run(name, func(t *testing.T) {
			got, err := json.MarshalIndent(s.doc, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := goldenPath(name)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v\nrun `go test ./test -update` to create it", err)
			}
			if string(want) != string(got) {
				t.Errorf("template %s differs from %s (- golden, + now); if the change is intended, run `go test ./test -update`:\n%s",
					name, path, lineDiff(string(want), string(got)))
			}
		})
	}
}
