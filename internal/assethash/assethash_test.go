package assethash

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fixture is a module with a function (lambda/fn) that imports lambda/lib,
// which embeds static/ and imports lambda/deep, which imports a package
// outside lambda/ (internal/shared); and an app the function does not import
// (lambda/other), the CDK app at the root, tests, testdata and a file for
// another platform.
var fixture = map[string]string{
	"go.mod":                       "module example.com/app\n\ngo 1.24\n\nrequire github.com/aws/aws-lambda-go v1.47.0\n",
	"go.sum":                       "github.com/aws/aws-lambda-go v1.47.0 h1:abc=\n",
	"main.go":                      "package main\n\nfunc main() {}\n",
	"lambda/fn/main.go":            "package main\n\nimport \"example.com/app/lambda/lib\"\n\nfunc main() { lib.Serve() }\n",
	"lambda/fn/main_test.go":       "package main\n\nimport \"testing\"\n\nfunc TestX(t *testing.T) {}\n",
	"lambda/fn/main_windows.go":    "package main\n\nfunc init() {}\n",
	"lambda/fn/README.md":          "notes\n",
	"lambda/lib/lib.go":            "package lib\n\nimport (\n\t\"embed\"\n\n\t\"example.com/app/lambda/deep\"\n)\n\n//go:embed static\nvar static embed.FS\n\nfunc Serve() { deep.Do(); _ = static }\n",
	"lambda/lib/export_test.go":    "package lib\n",
	"lambda/lib/static/page.html":  "<p>hi</p>\n",
	"lambda/lib/static/.hidden":    "not embedded\n",
	"lambda/lib/static/_draft.txt": "not embedded\n",
	"lambda/lib/testdata/in.json":  "{}\n",
	"lambda/deep/deep.go":          "package deep\n\nimport \"example.com/app/internal/shared\"\n\nfunc Do() { shared.Do() }\n",
	"internal/shared/shared.go":    "package shared\n\nfunc Do() {}\n",
	"lambda/other/main.go":         "package main\n\nfunc main() {}\n",
}

func writeFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range fixture {
		write(t, dir, name, body)
	}
	return dir
}

func write(t *testing.T, dir, name, body string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendTo(t *testing.T, dir, name, text string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, name, string(b)+text)
}

var flags = []string{"-trimpath", `-ldflags="-s -w"`}

func mustHash(t *testing.T, dir, entry string, flags []string) string {
	t.Helper()
	h, err := Hash(dir, entry, flags)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestHashChangesExactlyWithTheClosure: the hash changes when, and only
// when, a file the function's build reads changes.
func TestHashChangesExactlyWithTheClosure(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, dir string)
		want   bool // the hash changes
	}{
		{"edit the function's main package", func(t *testing.T, d string) { appendTo(t, d, "lambda/fn/main.go", "// edit\n") }, true},
		{"add a file to the function's package", func(t *testing.T, d string) { write(t, d, "lambda/fn/util.go", "package main\n") }, true},
		{"edit a package it imports", func(t *testing.T, d string) { appendTo(t, d, "lambda/lib/lib.go", "// edit\n") }, true},
		{"edit a package it imports indirectly", func(t *testing.T, d string) { appendTo(t, d, "lambda/deep/deep.go", "// edit\n") }, true},
		{"edit a module package outside lambda/ it imports indirectly", func(t *testing.T, d string) { appendTo(t, d, "internal/shared/shared.go", "// edit\n") }, true},
		{"edit an embedded file", func(t *testing.T, d string) { appendTo(t, d, "lambda/lib/static/page.html", "<p>more</p>\n") }, true},
		{"add an embedded file", func(t *testing.T, d string) { write(t, d, "lambda/lib/static/new.css", "p{}\n") }, true},
		{"edit go.mod", func(t *testing.T, d string) { appendTo(t, d, "go.mod", "require golang.org/x/sync v0.1.0\n") }, true},
		{"edit go.sum", func(t *testing.T, d string) { appendTo(t, d, "go.sum", "golang.org/x/sync v0.1.0 h1:def=\n") }, true},

		{"edit a test file of the function", func(t *testing.T, d string) { appendTo(t, d, "lambda/fn/main_test.go", "// edit\n") }, false},
		{"add a test file to an imported package", func(t *testing.T, d string) { write(t, d, "lambda/lib/lib_test.go", "package lib\n") }, false},
		{"edit an app it does not import", func(t *testing.T, d string) { appendTo(t, d, "lambda/other/main.go", "// edit\n") }, false},
		{"add a package it does not import", func(t *testing.T, d string) {
			write(t, d, "lambda/hello/main.go", "package main\n\nimport \"example.com/app/lambda/lib\"\n\nfunc main() { lib.Serve() }\n")
		}, false},
		{"edit the CDK app", func(t *testing.T, d string) { appendTo(t, d, "main.go", "// edit\n") }, false},
		{"edit a file for another platform", func(t *testing.T, d string) { appendTo(t, d, "lambda/fn/main_windows.go", "// edit\n") }, false},
		{"edit a file behind a build constraint", func(t *testing.T, d string) {
			write(t, d, "lambda/lib/cgo.go", "//go:build cgo\n\npackage lib\n")
		}, false},
		{"edit testdata", func(t *testing.T, d string) { appendTo(t, d, "lambda/lib/testdata/in.json", "\n") }, false},
		{"edit a file the embed pattern leaves out", func(t *testing.T, d string) { appendTo(t, d, "lambda/lib/static/.hidden", "x\n") }, false},
		{"edit a file that is not Go source", func(t *testing.T, d string) { appendTo(t, d, "lambda/fn/README.md", "x\n") }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := writeFixture(t)
			before := mustHash(t, dir, "lambda/fn", flags)
			tc.change(t, dir)
			after := mustHash(t, dir, "lambda/fn", flags)
			if changed := before != after; changed != tc.want {
				files, _ := Files(dir, "lambda/fn")
				t.Errorf("hash changed = %v, want %v; files hashed: %q", changed, tc.want, files)
			}
		})
	}
}

func TestHashCoversEntryAndFlags(t *testing.T) {
	t.Parallel()
	dir := writeFixture(t)
	h := mustHash(t, dir, "lambda/fn", flags)
	if h != mustHash(t, dir, "lambda/fn", flags) {
		t.Fatal("hash differs between two runs over the same files")
	}
	if h == mustHash(t, dir, "lambda/fn", []string{"-trimpath"}) {
		t.Error("changing the build flags leaves the hash unchanged")
	}
	if h == mustHash(t, dir, "lambda/other", flags) {
		t.Error("another entry has the same hash")
	}
}

func TestFilesOfTheFixture(t *testing.T) {
	t.Parallel()
	dir := writeFixture(t)
	got, err := Files(dir, "lambda/fn")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"go.mod", "go.sum", "internal/shared/shared.go", "lambda/deep/deep.go", "lambda/fn/main.go",
		"lambda/lib/lib.go", "lambda/lib/static/page.html"}
	if !slices.Equal(got, want) {
		t.Errorf("Files =\n%q\nwant\n%q", got, want)
	}
}

// TestFilesOfTheShippedFunctions: whoami's closure is its own package and the
// library packages it uses, not the notes app; and the other way round.
func TestFilesOfTheShippedFunctions(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	whoami, err := Files(root, "lambda/whoami")
	if err != nil {
		t.Fatal(err)
	}
	notes, err := Files(root, "lambda/notes")
	if err != nil {
		t.Fatal(err)
	}
	has := func(files []string, prefix string) bool {
		return slices.ContainsFunc(files, func(f string) bool { return strings.HasPrefix(f, prefix) })
	}
	for _, want := range []string{"go.mod", "go.sum", "lambda/whoami/main.go", "lambda/webapp/", "lambda/identity/", "lambda/albhttp/"} {
		if !has(whoami, want) {
			t.Errorf("whoami's files lack %s: %q", want, whoami)
		}
	}
	for _, f := range append(slices.Clone(whoami), notes...) {
		if strings.HasSuffix(f, "_test.go") || strings.Contains(f, "/testdata/") {
			t.Errorf("hashed %s, which the build does not read", f)
		}
	}
	if has(whoami, "lambda/notes/") || has(notes, "lambda/whoami/") {
		t.Errorf("one app's closure holds the other's files:\nwhoami %q\nnotes %q", whoami, notes)
	}
	if !has(notes, "lambda/notes/main.go") {
		t.Errorf("notes' files lack its main.go: %q", notes)
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	dir := writeFixture(t)
	if _, err := Hash(dir, "lambda/missing", flags); err == nil || !strings.Contains(err.Error(), "lambda/missing") {
		t.Errorf("missing entry: %v", err)
	}
	write(t, dir, "lambda/fn/broken.go", "package main\n\nimport \"example.com/app/lambda/gone\"\n")
	if _, err := Hash(dir, "lambda/fn", flags); err == nil || !strings.Contains(err.Error(), "lambda/gone") {
		t.Errorf("import of a missing package: %v", err)
	}
	dir = writeFixture(t)
	write(t, dir, "lambda/lib/more.go", "package lib\n\nimport _ \"embed\"\n\n//go:embed nothing/*\nvar s string\n")
	if _, err := Hash(dir, "lambda/fn", flags); err == nil || !strings.Contains(err.Error(), "nothing/*") {
		t.Errorf("embed pattern without files: %v", err)
	}
	dir = t.TempDir()
	if _, err := Hash(dir, "lambda/fn", flags); err == nil {
		t.Error("no go.mod: no error")
	}
}

func TestModulePath(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"module example.com/m\n":                      "example.com/m",
		"// c\nmodule \"example.com/q\" // comment\n": "example.com/q",
		"\tmodule\texample.com/t\ngo 1.24\n":          "example.com/t",
	} {
		p := filepath.Join(t.TempDir(), "go.mod")
		if err := os.WriteFile(p, []byte(in), 0o644); err != nil {
			t.Fatal(err)
		}
		if got, err := modulePath(p); err != nil || got != want {
			t.Errorf("modulePath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}
