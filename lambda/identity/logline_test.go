package identity_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestLogLineBoundsRequestFields: the method and the path come from the
// client, so however long either is, the log line keeps a bounded prefix.
func TestLogLineBoundsRequestFields(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	r := httptest.NewRequest("GET", "https://app.example.com/"+strings.Repeat("p", 4096), nil)
	r.Method = strings.Repeat("M", 4096)
	f.mw.Handler(mustNotRun(t)).ServeHTTP(httptest.NewRecorder(), r)
	var line map[string]any
	for _, l := range strings.Split(strings.TrimSpace(f.logs.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		if m["msg"] == "request" {
			line = m
		}
	}
	if line == nil {
		t.Fatalf("no request log line: %q", f.logs.String())
	}
	method, _ := line["method"].(string)
	path, _ := line["path"].(string)
	if method == "" || len(method) > 32 {
		t.Errorf("method logged with %d bytes, want 1 to 32", len(method))
	}
	if path == "" || len(path) > 256 {
		t.Errorf("path logged with %d bytes, want 1 to 256", len(path))
	}
}
