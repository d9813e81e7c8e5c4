package albauth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocsGiveTheAccessLogsPolicy: the bucket policy docs/deploying.md gives
// for an existing access-log bucket names the prefix the construct writes
// under.
func TestDocsGiveTheAccessLogsPolicy(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "deploying.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, want := range []string{
		`"Resource": "arn:aws:s3:::<bucket>/` + AccessLogsPrefix + `/AWSLogs/<account>/*"`,
		`"Principal": { "Service": "logdelivery.elasticloadbalancing.amazonaws.com" }`,
		"SSE-S3",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("docs/deploying.md does not give %s", want)
		}
	}
}
