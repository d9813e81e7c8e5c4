package albauth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestREADMEGivesTheAccessLogsPolicy: the bucket policy the README gives for an
// existing access-log bucket names the prefix the construct writes under.
func TestREADMEGivesTheAccessLogsPolicy(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, want := range []string{
		`"Resource": "arn:aws:s3:::<bucket>/` + AccessLogsPrefix + `/AWSLogs/<account>/*"`,
		`"Principal": { "Service": "logdelivery.elasticloadbalancing.amazonaws.com" }`,
		"SSE-S3",
	} {
		if !strings.Contains(readme, want) {
			t.Errorf("README does not give %s", want)
		}
	}
}
