package preview

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// TestFunctionPackage serves another app than the identity page: the
// example app, built and run as Lambda runs it (Options.Function).
func TestFunctionPackage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds lambda/notes")
	}
	var out bytes.Buffer
	s := start(t, Options{Function: "lambda/notes", FunctionOutput: &out})
	res, err := noFollow.Get(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "Notes for alice") {
		t.Errorf("GET /: %d %s", res.StatusCode, body)
	}
}

func TestFunctionPackageThatDoesNotBuild(t *testing.T) {
	_, err := Start("127.0.0.1:0", Options{Function: "lambda/nonexistent"})
	if err == nil || !strings.Contains(err.Error(), "go build ./lambda/nonexistent") {
		t.Errorf("Start = %v", err)
	}
}
