package test

import (
	"encoding/json"
	"os"
	"regexp"
	"testing"
)

// TestSnapshot compares each stack's template with its golden file under
// testdata/: the flat example's stack (AlbCognitoSite), the example with routes
// (AlbCognitoSiteRoutes), with machine routes, attached to a shared listener
// (AlbCognitoSiteAttach), that with an existing target group and federated
// groups (AlbCognitoSiteAttachTarget), federated groups with authorize
// parameters (AlbCognitoSiteFederated), and each stage's of the example with
// stages (dev-AlbCognitoSite, prod-AlbCognitoSite). Rewrite them with
// `go test ./test -update` and review the diff.
//
// Asset hashes (the function code's S3Key, and any other asset's) are
// replaced by a placeholder (normalizeAssetHashes): they change with the
// function's code and go.sum, which the snapshot does not pin. That the
// function's asset follows its code is TestFunctionAssetFollowsFunctionPackage's
// and internal/assethash's to check.
func TestSnapshot(t *testing.T) {
	t.Run("example", func(t *testing.T) { checkSnapshot(t, exampleSite(t)) })
	t.Run("example with routes", func(t *testing.T) { checkSnapshot(t, routesSite(t)) })
	t.Run("example with machine routes", func(t *testing.T) { checkSnapshot(t, machineSite(t)) })
	t.Run("example attached to a shared listener", func(t *testing.T) { checkSnapshot(t, attachSite(t)) })
	t.Run("shared listener, existing target group, federated groups", func(t *testing.T) { checkSnapshot(t, attachTargetSite(t)) })
	t.Run("federated groups and authorize parameters", func(t *testing.T) { checkSnapshot(t, federatedSite(t)) })
	for _, s := range exampleStages(t) {
		t.Run("example stage "+*s.site.Stack.StackName(), func(t *testing.T) { checkSnapshot(t, s) })
	}
}

func checkSnapshot(t *testing.T, s *synthesized) {
	t.Helper()
	got, err := json.MarshalIndent(s.doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(normalizeAssetHashes(got), '\n')
	path := goldenPath(*s.site.Stack.StackName())
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v\nrun `go test ./test -update` to create it", err)
	}
	if string(want) != string(got) {
		t.Errorf("template %s differs from %s (- golden, + now); if the change is intended, run `go test ./test -update`:\n%s",
			*s.site.Stack.StackName(), path, lineDiff(string(want), string(got)))
	}
}

// assetHashRe matches an asset hash: 64 lower-case hex digits (SHA-256), as
// in S3Key "<hash>.zip" and asset paths "asset.<hash>".
var assetHashRe = regexp.MustCompile(`\b[0-9a-f]{64}\b`)

// assetHashPlaceholder stands for every asset hash in a golden template.
const assetHashPlaceholder = "ASSET_HASH"

// normalizeAssetHashes replaces every asset hash in a template with
// assetHashPlaceholder.
func normalizeAssetHashes(template []byte) []byte {
	return assetHashRe.ReplaceAll(template, []byte(assetHashPlaceholder))
}
