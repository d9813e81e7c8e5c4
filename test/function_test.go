package test

import (
	"testing"
)

// notesSite is the example configuration with the example app as the
// function (config key functionPackage).
var notesSite = shared("notes", func() (*synthesized, error) {
	return synth(exampleContext(map[string]any{"functionPackage": "lambda/notes"}))
})

// TestFunctionAssetFollowsFunctionPackage: the function's code asset is
// named by a hash of what the build uses, the entry package included, so
// switching functionPackage deploys new code and nothing else changes.
func TestFunctionAssetFollowsFunctionPackage(t *testing.T) {
	ex, notes := exampleSite(t), notesSite(t)
	_, fnEx := ex.only(t, typeFunction)
	_, fnNotes := notes.only(t, typeFunction)
	keyEx := js(props(fnEx)["Code"].(map[string]any)["S3Key"])
	keyNotes := js(props(fnNotes)["Code"].(map[string]any)["S3Key"])
	if keyEx == keyNotes {
		t.Errorf("the function's code asset %s is the same for lambda/whoami and lambda/notes", keyEx)
	}
	if len(ex.resources(typeFunction)) != 1 || len(ex.doc["Resources"].(map[string]any)) != len(notes.doc["Resources"].(map[string]any)) {
		t.Errorf("switching the app changed the resources: %d vs %d",
			len(ex.doc["Resources"].(map[string]any)), len(notes.doc["Resources"].(map[string]any)))
	}
}

// TestSnapshotNormalizesTheFunctionAsset: the function's S3Key is an asset
// hash, so the golden templates hold the placeholder instead and a change to
// the function's code leaves them as they are.
func TestSnapshotNormalizesTheFunctionAsset(t *testing.T) {
	_, fn := exampleSite(t).only(t, typeFunction)
	key, _ := props(fn)["Code"].(map[string]any)["S3Key"].(string)
	if !assetHashRe.MatchString(key) {
		t.Fatalf("the function's S3Key %q holds no asset hash", key)
	}
	if got := string(normalizeAssetHashes([]byte(key))); got != assetHashPlaceholder+".zip" {
		t.Errorf("S3Key %q normalizes to %q", key, got)
	}
}
