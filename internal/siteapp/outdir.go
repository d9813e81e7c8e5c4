package siteapp

import (
	"os"
	"path/filepath"
	"strings"
)

// RemoveStaleAssembly removes every file at the top of the cloud assembly
// folder outdir (an earlier synth's manifest, templates, asset manifests, tree,
// reports) and the stages' nested assemblies (assembly-<stage>/, which hold
// their templates), so that a refused synth leaves no template that looks
// current; it keeps the asset folders (asset.*), which the next synth reuses,
// and every other folder. A folder without a
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
		if e.IsDir() && strings.HasPrefix(e.Name(), "assembly-") {
			if os.RemoveAll(filepath.Join(outdir, e.Name())) == nil {
				removed = append(removed, e.Name())
			}
			continue
		}
		if !e.Type().IsRegular() {
			continue
		}
		if os.Remove(filepath.Join(outdir, e.Name())) == nil {
			removed = append(removed, e.Name())
		}
	}
	return removed
}
