package siteapp

import (
	"os"
	"path/filepath"
)

// RemoveStaleAssembly removes every file at the top of the cloud assembly
// folder outdir (an earlier synth's manifest, templates, asset manifests, tree,
// reports), so that a refused synth leaves no template that looks current; it
// keeps the folders (asset.*), which the next synth reuses. A folder without a
// manifest.json is not a cloud assembly and is left alone. It returns the
// names it removed.
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
		if !e.Type().IsRegular() {
			continue
		}
		if os.Remove(filepath.Join(outdir, e.Name())) == nil {
			removed = append(removed, e.Name())
		}
	}
	return removed
}
