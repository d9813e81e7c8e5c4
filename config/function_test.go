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

// TestCheckFunctionPackageLinks: the asset hash reads every file under
// lambda/, and a symbolic link to a folder, or to nothing, stopped it with a
// stack trace, whatever functionPackage named. Such links are refused by
// name; links the hash skips (testdata, dot names, tests) and links to files
// are not.
func TestCheckFunctionPackageLinks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, body := range map[string]string{
		"go.mod":                           "module example.com/site\n\ngo 1.26\n",
		"lambda/app/main.go":               "package main\n\nfunc main() {}\n",
		"lambda/app/testdata/x.txt":        "x\n",
		"lambda/shared/helper.go.txt":      "not Go\n",
		"cmd/tool/main.go":                 "package main\n\nfunc main() {}\n",
		"lambda/other/main.go":             "package main\n\nfunc main() {}\n",
		"lambda/other/testdata/keep/a.txt": "a\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, name string) {
		t.Helper()
		if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	// Skipped by the hash, so allowed.
	link(filepath.Join(dir, "cmd"), "lambda/.hidden")
	link(filepath.Join(dir, "cmd"), "lambda/app/testdata/cmd")
	link(filepath.Join(dir, "cmd"), "lambda/app/dir_test.go")
	// A link to a file is read as the file.
	link(filepath.Join(dir, "lambda", "app", "main.go"), "lambda/other/copy.go.txt")
	if err := (Config{FunctionPackage: "lambda/app"}).CheckFunctionPackage(dir); err != nil {
		t.Fatalf("links the hash skips or reads: %v", err)
	}

	link(filepath.Join(dir, "lambda", "other"), "lambda/alias")
	link(filepath.Join(dir, "cmd", "tool"), "lambda/app/tool")
	link(filepath.Join(dir, "missing"), "lambda/shared/gone.go")
	for _, pkg := range []string{"lambda/app", "lambda/other"} {
		err := (Config{FunctionPackage: pkg}).CheckFunctionPackage(dir)
		var ps Problems
		if !errors.As(err, &ps) || len(ps) != 3 {
			t.Fatalf("%s: got %v, want three problems", pkg, err)
		}
		for i, want := range []string{"lambda/alias is a symbolic link to a folder", "lambda/app/tool is a symbolic link to a folder",
			"lambda/shared/gone.go is a symbolic link that leads nowhere"} {
			if ps[i].Key != "functionPackage" || !strings.Contains(ps[i].Message, want) {
				t.Errorf("%s: problem %d = %v, want functionPackage: %s...", pkg, i, ps[i], want)
			}
		}
	}
	// A functionPackage that is itself a link is refused before it is read.
	err := (Config{FunctionPackage: "lambda/alias"}).CheckFunctionPackage(dir)
	if err == nil || !strings.Contains(err.Error(), "lambda/alias is a symbolic link to a folder") {
		t.Errorf("lambda/alias: %v", err)
	}
	link(filepath.Join(dir, "cmd", "tool"), "lambda/escape")
	err = (Config{FunctionPackage: "lambda/escape"}).CheckFunctionPackage(dir)
	if err == nil || !strings.Contains(err.Error(), "outside lambda/; put the app itself under lambda/") {
		t.Errorf("lambda/escape: %v", err)
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
