// Package assethash computes the function asset's hash from what its build
// reads: the Go files of the function's main package and of every package of
// the module it imports, directly or not, the files they embed, go.mod,
// go.sum and the build flags. Packages of the module the function does not
// import (another app under lambda/, the CDK app) and test files are left
// out, so adding or editing them leaves the asset, and the template, as they
// were.
//
// It reads files with the standard library's go/build only: no go command
// runs at synth.
package assethash

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"go/build"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// The platform the function is built for (GoFunction with Architecture
// ARM_64 and no cgo): build constraints are evaluated for it, so a file that
// only another platform compiles is not part of the closure.
const (
	GOOS   = "linux"
	GOARCH = "arm64"
)

// Hash returns the hex SHA-256 of the function's build inputs: the main
// package entry (slash-separated, relative to moduleDir, e.g.
// "lambda/whoami"), flags, and each file Files lists, by path and content.
func Hash(moduleDir, entry string, flags []string) (string, error) {
	files, err := Files(moduleDir, entry)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "entry:%s\n", entry)
	fmt.Fprintf(h, "platform:%s/%s cgo:0\n", GOOS, GOARCH)
	fmt.Fprintf(h, "flags:%s\n", strings.Join(flags, " "))
	for _, rel := range files {
		f, err := os.Open(filepath.Join(moduleDir, filepath.FromSlash(rel)))
		if err != nil {
			return "", err
		}
		fi, err := f.Stat()
		if err == nil {
			// The length keeps one file's end from passing for the next one's name.
			fmt.Fprintf(h, "file:%s %d\n", rel, fi.Size())
			_, err = io.Copy(h, f)
		}
		f.Close()
		if err != nil {
			return "", fmt.Errorf("hashing %s: %w", rel, err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Files lists, sorted and slash-separated relative to moduleDir, the files
// the build of the main package entry reads from the module:
//
//   - go.mod and go.sum (when present), whole. Which versions of other
//     modules the binary links is decided by minimal version selection over
//     every requirement, not by the lines of the modules the function
//     imports alone (an unrelated requirement can raise a shared
//     dependency's version), and go.mod's go and toolchain lines select the
//     compiler. Picking out the lines that matter would mean resolving the
//     module graph at synth, with the go command and the module cache; a
//     whole-file hash stays a pure function of two files, at the cost of a
//     new asset when the CDK app's own requirements change.
//   - for entry and every package of this module it imports, directly or
//     through other packages: the Go and assembly files (and .syso objects)
//     that go/build selects for GOOS/GOARCH without cgo, test files
//     excluded, and every file matched by their //go:embed patterns.
//
// Imports from other modules and the standard library are covered by go.mod,
// go.sum and the Go version, not read.
func Files(moduleDir, entry string) ([]string, error) {
	mod, err := modulePath(filepath.Join(moduleDir, "go.mod"))
	if err != nil {
		return nil, err
	}
	var files []string
	for _, name := range []string{"go.mod", "go.sum"} {
		if _, err := os.Stat(filepath.Join(moduleDir, name)); err == nil {
			files = append(files, name)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	ctx := build.Default
	ctx.GOOS, ctx.GOARCH, ctx.CgoEnabled = GOOS, GOARCH, false
	ctx.Dir = moduleDir

	seen := map[string]bool{}
	queue := []string{path.Clean(entry)}
	for len(queue) > 0 {
		rel := queue[0]
		queue = queue[1:]
		if seen[rel] {
			continue
		}
		seen[rel] = true
		dir := filepath.Join(moduleDir, filepath.FromSlash(rel))
		pkg, err := ctx.ImportDir(dir, 0)
		if err != nil {
			return nil, fmt.Errorf("package %s: %w", rel, err)
		}
		for _, group := range [][]string{pkg.GoFiles, pkg.SFiles, pkg.HFiles, pkg.SysoFiles} {
			for _, f := range group {
				files = append(files, path.Join(rel, f))
			}
		}
		embedded, err := embedFiles(dir, pkg.EmbedPatterns)
		if err != nil {
			return nil, fmt.Errorf("package %s: %w", rel, err)
		}
		for _, f := range embedded {
			files = append(files, path.Join(rel, f))
		}
		for _, imp := range pkg.Imports {
			if imp == mod {
				queue = append(queue, ".")
			} else if sub, ok := strings.CutPrefix(imp, mod+"/"); ok {
				queue = append(queue, sub)
			}
		}
	}
	slices.Sort(files)
	return slices.Compact(files), nil
}

// embedFiles resolves //go:embed patterns in dir as the go command does:
// a pattern names files or directories (glob syntax); a directory embeds
// every file below it except those whose names begin with '.' or '_',
// unless the pattern starts with "all:". The result is slash-separated,
// relative to dir.
func embedFiles(dir string, patterns []string) ([]string, error) {
	var out []string
	for _, pattern := range patterns {
		glob, all := strings.CutPrefix(pattern, "all:")
		matches, err := filepath.Glob(filepath.Join(dir, filepath.FromSlash(glob)))
		if err != nil {
			return nil, fmt.Errorf("//go:embed %s: %w", pattern, err)
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("//go:embed %s: no matching files", pattern)
		}
		for _, m := range matches {
			err := filepath.WalkDir(m, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if p != m {
					if name := d.Name(); !all && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
						if d.IsDir() {
							return filepath.SkipDir
						}
						return nil
					}
					if d.IsDir() {
						// A folder with its own go.mod is another module: not embedded.
						if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
							return filepath.SkipDir
						}
					}
				}
				if !d.Type().IsRegular() {
					return nil
				}
				rel, err := filepath.Rel(dir, p)
				if err != nil {
					return err
				}
				out = append(out, filepath.ToSlash(rel))
				return nil
			})
			if err != nil {
				return nil, fmt.Errorf("//go:embed %s: %w", pattern, err)
			}
		}
	}
	return out, nil
}

// modulePath reads the module line of a go.mod file.
func modulePath(goMod string) (string, error) {
	f, err := os.Open(goMod)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module"); ok && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
			if i := strings.Index(rest, "//"); i >= 0 {
				rest = rest[:i]
			}
			return strings.Trim(strings.TrimSpace(rest), `"`), nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", fmt.Errorf("%s: no module line", goMod)
}
