package config

import (
	"bufio"
	"errors"
	"fmt"
	"go/build"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// FunctionRoot is the folder, relative to the module root, that holds the
// function's main package and everything it may import from this module.
const FunctionRoot = "lambda"

var pkgSegmentRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)

// functionPackage checks the form of the functionPackage key: a clean,
// relative, slash-separated folder under lambda/ that the go tool would build.
// The folder itself is checked by CheckFunctionPackage.
func (v *validator) functionPackage(p string) {
	const key = "functionPackage"
	if !v.text(key, p) {
		return
	}
	const eg = "e.g. lambda/notes"
	switch {
	case strings.Contains(p, `\`):
		if fixed := strings.ReplaceAll(p, `\`, "/"); validFunctionPackage(fixed) {
			v.add(key, "%q uses backslashes; write it with forward slashes, %s", p, fixed)
		} else {
			v.add(key, "%q uses backslashes; write it with forward slashes, relative to the module root (the folder holding go.mod), e.g. %s",
				p, functionPackageExample(fixed))
		}
		return
	case path.IsAbs(p) || filepath.IsAbs(p):
		v.add(key, "%q is an absolute path; give the folder relative to the module root (the folder holding go.mod), e.g. %s", p, functionPackageExample(p))
		return
	case slicesContains(strings.Split(p, "/"), ".."):
		v.add(key, "%q contains \"..\"; name a folder under %s/ directly, %s", p, FunctionRoot, eg)
		return
	case path.Clean(p) != p:
		if fixed := path.Clean(p); validFunctionPackage(fixed) {
			v.add(key, "%q is not written plainly; write it as %s", p, fixed)
		} else {
			v.add(key, "%q is not written plainly; write it as a folder under %s/, e.g. %s", p, FunctionRoot, functionPackageExample(fixed))
		}
		return
	}
	rest, ok := strings.CutPrefix(p, FunctionRoot+"/")
	if !ok {
		v.add(key, "%q is not under %s/; the function may only be built from %s/ (its asset hash covers that folder): "+
			"move your app to %s/<name> and set %s", p, FunctionRoot, FunctionRoot, FunctionRoot, eg)
		return
	}
	for _, seg := range strings.Split(rest, "/") {
		if seg == "testdata" || !pkgSegmentRe.MatchString(seg) {
			v.add(key, "%q has folder name %q, which the go tool ignores or cannot import; use letters, digits, '-', '_' and '.', "+
				"not starting with '.' or '_' and not testdata, %s", p, seg, eg)
			return
		}
	}
}

// validFunctionPackage reports whether p is a valid functionPackage value
// (its form: CheckFunctionPackage checks the folder).
func validFunctionPackage(p string) bool {
	check := &validator{}
	check.functionPackage(p)
	return check.ps == nil
}

// functionPackageExample is the part of a slash-separated path from lambda/
// on (C:/work/lambda/notes: lambda/notes) when that is a valid
// functionPackage, else lambda/notes.
func functionPackageExample(p string) string {
	if i := strings.LastIndex("/"+p, "/"+FunctionRoot+"/"); i >= 0 && validFunctionPackage(p[i:]) {
		return p[i:]
	}
	return FunctionRoot + "/notes"
}

func slicesContains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// CheckFunctionPackage checks, on disk under moduleDir (the folder holding
// go.mod), that the functionPackage folder exists inside lambda/, that its Go
// files for the function's platform (linux/arm64, no cgo) are one package
// main, and that it imports nothing from this module outside lambda/ (which
// the asset hash would not cover). It reads files with the standard library
// only (go/build), so it needs no Node.js kernel; FromContext leaves it out
// because it depends on where the source is, so the app calls it after
// FromContext succeeds. The error is a Problems for key functionPackage.
// Without a function (targetGroupArn) there is nothing to check.
func (c Config) CheckFunctionPackage(moduleDir string) error {
	const key = "functionPackage"
	if !c.HasFunction() {
		return nil
	}
	p := c.FunctionPackage
	fail := func(format string, args ...any) error {
		return Problems{{key, fmt.Sprintf(format, args...)}}
	}
	dir := filepath.Join(moduleDir, filepath.FromSlash(p))
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fail("%s does not exist in %s; create the folder with your app's main.go "+
			"(see docs/own-app.md, \"Put your own app behind it\") or fix the path", p, moduleDir)
	case err != nil:
		return fail("%s cannot be read: %v", p, err)
	case !fi.IsDir():
		return fail("%s is a file; name the folder that holds your app's main package", p)
	}
	// A symbolic link must not lead the build outside lambda/.
	root, err1 := filepath.EvalSymlinks(filepath.Join(moduleDir, FunctionRoot))
	real, err2 := filepath.EvalSymlinks(dir)
	if err1 != nil || err2 != nil {
		return fail("%s cannot be resolved: %v", p, errors.Join(err1, err2))
	}
	if rel, err := filepath.Rel(root, real); err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return fail("%s resolves to %s, outside %s/; put the app itself under %s/", p, real, FunctionRoot, FunctionRoot)
	}

	if err := checkLinks(moduleDir); err != nil {
		return err
	}

	ctx := build.Default
	ctx.GOOS, ctx.GOARCH, ctx.CgoEnabled = "linux", "arm64", false
	pkg, err := ctx.ImportDir(dir, build.ImportComment)
	var noGo *build.NoGoError
	var multi *build.MultiplePackageError
	switch {
	case errors.As(err, &noGo):
		return fail("%s holds no Go files for linux/arm64; add a main.go with package main "+
			"(for example: func main() { albhttp.Start(yourHandler, nil) })", p)
	case errors.As(err, &multi):
		return fail("%s mixes packages %s; keep one package main in the folder", p, strings.Join(multi.Packages, " and "))
	case err != nil:
		return fail("%s cannot be read as a Go package: %v", p, err)
	case pkg.Name != "main":
		return fail("%s is package %s, not package main; the function's folder needs package main with a func main "+
			"(for example: albhttp.Start(yourHandler, nil)); keep library code in another folder under %s/", p, pkg.Name, FunctionRoot)
	}
	mod, err := modulePath(moduleDir)
	if err != nil {
		return fail("cannot read the module path from %s: %v", filepath.Join(moduleDir, "go.mod"), err)
	}
	var ps Problems
	for _, imp := range pkg.Imports {
		if strings.HasPrefix(imp, mod+"/") && !strings.HasPrefix(imp, mod+"/"+FunctionRoot+"/") {
			ps = append(ps, Problem{key, fmt.Sprintf("%s imports %s, outside %s/; the function may import only this module's packages under %s/ "+
				"(the asset hash covers that folder alone): move the package under %s/", p, imp, FunctionRoot, FunctionRoot, FunctionRoot)})
		}
	}
	return ps.asError()
}

// checkLinks refuses what the function's asset hash (stacks.sourceHash,
// which reads every file under lambda/ that can reach the binary) cannot
// read: a symbolic link to a folder, or to nothing. It skips what the hash
// skips: testdata, names starting with a dot, and _test.go files. A link to a
// file is read through, like the file.
func checkLinks(moduleDir string) error {
	const key = "functionPackage"
	root := filepath.Join(moduleDir, FunctionRoot)
	var ps Problems
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if path != root && (strings.HasPrefix(name, ".") || (d.IsDir() && name == "testdata")) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink == 0 || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(moduleDir, path)
		rel = filepath.ToSlash(rel)
		switch fi, err := os.Stat(path); {
		case err != nil:
			ps = append(ps, Problem{key, fmt.Sprintf("%s is a symbolic link that leads nowhere (%v); the function's build and asset hash "+
				"cover every file under %s/: remove the link, or point it at a file", rel, err, FunctionRoot)})
		case fi.IsDir():
			ps = append(ps, Problem{key, fmt.Sprintf("%s is a symbolic link to a folder; the function's asset hash covers every file under %s/, "+
				"and does not follow links to folders, so code behind one could change without the function being deployed again: "+
				"replace the link with the folder itself, or remove it", rel, FunctionRoot)})
		}
		return nil
	})
	if err != nil {
		return Problems{{key, fmt.Sprintf("%s/ cannot be read: %v", FunctionRoot, err)}}
	}
	return ps.asError()
}

// modulePath reads the module line of moduleDir's go.mod.
func modulePath(moduleDir string) (string, error) {
	f, err := os.Open(filepath.Join(moduleDir, "go.mod"))
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`), nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", errors.New("no module line")
}
