package siteapp

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestRemoveStaleAssembly(t *testing.T) {
	t.Parallel()
	files := []string{"manifest.json", "tree.json", "cdk.out", "AlbCognitoSite.template.json", "AlbCognitoSite.assets.json",
		"AwsSolutions-AlbCognitoSite-NagReport.csv", "AlbCognitoSite.metadata.json", "validation-report.json", "asset.0123/bootstrap",
		"assembly-prod/manifest.json", "assembly-prod/prodAlbCognitoSite6C5E20F7.template.json", "notes/keep.txt"}
	write := func(t *testing.T, dir string, names []string) {
		for _, f := range names {
			p := filepath.Join(dir, f)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte("{}"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	dir := t.TempDir()
	write(t, dir, files)
	removed := RemoveStaleAssembly(dir)
	want := []string{"AlbCognitoSite.assets.json", "AlbCognitoSite.metadata.json", "AlbCognitoSite.template.json",
		"AwsSolutions-AlbCognitoSite-NagReport.csv", "assembly-prod", "cdk.out", "manifest.json", "tree.json", "validation-report.json"}
	if !slices.Equal(removed, want) {
		t.Errorf("removed %v, want %v", removed, want)
	}
	for _, keep := range []string{"asset.0123/bootstrap", "notes/keep.txt"} {
		if _, err := os.Stat(filepath.Join(dir, keep)); err != nil {
			t.Errorf("%s was removed: %v", keep, err)
		}
	}

	// Not a cloud assembly (no manifest.json): nothing is touched.
	other := t.TempDir()
	write(t, other, []string{"site.template.json"})
	if removed := RemoveStaleAssembly(other); removed != nil {
		t.Errorf("removed %v from a folder without manifest.json", removed)
	}
	if RemoveStaleAssembly("") != nil || RemoveStaleAssembly(filepath.Join(other, "missing")) != nil {
		t.Error("removed something from an empty or missing path")
	}
}
