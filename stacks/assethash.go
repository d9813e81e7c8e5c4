package stacks

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// sourceHash hashes what the function's build depends on: the main package
// built (entry, config key functionPackage), go.mod, go.sum, the build flags
// and every non-test Go file (and embedded asset) under FunctionRoot, by
// relative path and content. Hashing the whole folder rather than the entry's
// imports keeps the hash a pure function of the files (no go list at synth),
// at the cost of a new asset when any app under lambda/ changes. Test files
// and testdata are left out because they do not reach the binary.
func sourceHash(moduleDir, entry string) string {
	h := sha256.New()
	fmt.Fprintf(h, "entry:%s\n", entry)
	fmt.Fprintf(h, "flags:%s\n", strings.Join(buildFlags, " "))
	files := []string{"go.mod", "go.sum"}
	root := filepath.Join(moduleDir, FunctionRoot)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if name == "testdata" || (path != root && strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(name, "_test.go") || strings.HasPrefix(name, ".") {
			return nil
		}
		rel, err := filepath.Rel(moduleDir, path)
		if err != nil {
			return err
		}
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		panic(fmt.Sprintf("stacks: hashing the function's source: %v", err))
	}
	sort.Strings(files)
	for _, rel := range files {
		f, err := os.Open(filepath.Join(moduleDir, filepath.FromSlash(rel)))
		if err != nil {
			panic(fmt.Sprintf("stacks: hashing the function's source: %v", err))
		}
		fmt.Fprintf(h, "file:%s\n", rel)
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			panic(fmt.Sprintf("stacks: hashing %s: %v", rel, err))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
