package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckFunctionPackage builds small module trees on disk and checks each
// problem is found, named for functionPackage and says how to fix it.
func TestCheckFunctionPackage(t *testing.T) {
	t.Parallel()
	const mod = "example.com/site"
	files := map[string]string{
		"go.mod":                   "module " + mod + "\n\ngo 1.26\n",
		"lambda/app/main.go":       "package main\n\nimport _ \"" + mod + "/lambda/lib\"\n\nfunc main() {}\n",
		"lambda/app/main_test.go":  "package main_test\n",
		"lambda/lib/lib.go":        "package lib\n",
		"lambda/empty/README.md":   "nothing\n",
		"lambda/file.go":           "package lambda\n",
		"lambda/mixed/a.go":        "package main\n\nfunc main() {}\n",
		"lambda/mixed/b.go":        "package other\n",
		"lambda/winonly/main.go":   "//go:build windows\n\npackage main\n\nfunc main() {}\n",
		"lambda/outside/main.go":   "package main\n\nimport (\n\t_ \"" + mod + "/internal/x\"\n\t_ \"" + mod + "/lambda/lib\"\n\t_ \"net/http\"\n)\n\nfunc main() {}\n",
		"internal/x/x.go":          "package x\n",
		"cmd/tool/main.go":         "package main\n\nfunc main() {}\n",
		"lambda/tagged/main.go":    "package main\n\nfunc main() {}\n",
		"lambda/tagged/ignored.go": "//go:build ignore\n\npackage other\n",
	}
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(dir, "cmd", "tool"), filepath.Join(dir, "lambda", "escape")); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		pkg  string
		hint string // empty: no problem
	}{
		{"lambda/app", ""},
		{"lambda/tagged", ""},
		{"lambda/missing", "lambda/missing does not exist in "},
		{"lambda/empty", "holds no Go files for linux/arm64; add a main.go with package main"},
		{"lambda/winonly", "holds no Go files for linux/arm64"},
		{"lambda/lib", "is package lib, not package main"},
		{"lambda/mixed", "mixes packages main and other"},
		{"lambda/file.go", "is a file"},
		{"lambda/outside", "imports " + mod + "/internal/x, outside lambda/"},
		{"lambda/escape", "outside lambda/; put the app itself under lambda/"},
	} {
		err := Config{FunctionPackage: tc.pkg}.CheckFunctionPackage(dir)
		if tc.hint == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.pkg, err)
			}
			continue
		}
		var ps Problems
		if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Key != "functionPackage" || !strings.Contains(ps[0].Message, tc.hint) {
			t.Errorf("%s: got %v, want one functionPackage problem containing %q", tc.pkg, err, tc.hint)
		}
	}
}

// TestShippedFunctionPackagesBuild checks the default and the example app
// pass the disk check in this repository.
func TestShippedFunctionPackagesBuild(t *testing.T) {
	t.Parallel()
	for _, p := range []string{defaultFunctionPackage, "lambda/notes"} {
		if err := (Config{FunctionPackage: p}).CheckFunctionPackage(".."); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}
