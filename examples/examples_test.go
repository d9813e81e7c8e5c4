// Package examples runs the tests of each example under this folder: each is
// a module of its own (its own go.mod, using this repository through a
// replace directive), so `go test ./...` in the repository does not reach it;
// this test does, so `make test` checks that the examples still build,
// vet and synthesize against the code beside them.
package examples

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestExamples(t *testing.T) {
	mods, err := filepath.Glob(filepath.Join("*", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if len(mods) == 0 {
		t.Fatal("no example modules (*/go.mod) found")
	}
	for _, mod := range mods {
		dir := filepath.Dir(mod)
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			for _, args := range [][]string{{"vet", "./..."}, {"test", "-count=1", "./..."}} {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
				cmd := exec.CommandContext(ctx, "go", args...)
				cmd.Dir = dir
				out, err := cmd.CombinedOutput()
				cancel()
				if err != nil {
					t.Fatalf("go %s in examples/%s: %v\n%s", strings.Join(args, " "), dir, err, out)
				}
				t.Logf("go %s in examples/%s:\n%s", strings.Join(args, " "), dir, lastLines(string(out), 5))
			}
		})
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
