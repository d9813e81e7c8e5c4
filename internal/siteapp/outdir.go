package siteapp

import (
	"os"
	"path/filepath"
	"strings"
)

// RemoveStaleAssembly removes what an earlier synth left at the top of the
// cloud assembly folder outdir (its manifest, templates, asset manifests, tree
// and cdk-nag reports), so that a refused synth leaves no template that looks
// current; it keeps the asset.* folders, which the next synth reuses. A folder
// without a manifest.json is not a cloud assembly and is left alone. It
// returns the names it removed.
func RemoveStaleAssembly(outdir string) []string {
	if outdir == "" {
		return nil
	}
	if _, err := os.Stat(filepath.Join(outdir, "manifest.json")); err != nil {
		return nil
	}
	entries, err := os.ReadDir(outdir)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !isAssemblyFile(name) {
			continue
		}
		if os.Remove(filepath.Join(outdir, name)) == nil {
			removed = append(removed, name)
		}
	}
	return removed
}

// isAssemblyFile reports whether name is a file a synth writes at the top of
// the cloud assembly.
func isAssemblyFile(name string) bool {
	switch name {
	case "manifest.json", "tree.json", "cdk.out":
		return true
	}
	return strings.HasSuffix(name, ".template.json") || strings.HasSuffix(name, ".assets.json") ||
		strings.HasSuffix(name, "-NagReport.csv") || strings.HasSuffix(name, "-NagReport.json")
}
