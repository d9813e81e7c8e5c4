package config

import (
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite ../docs/configuration.md from Keys")

// TestConfigurationDoc keeps docs/configuration.md equal to the keys the
// decoder actually reads.
func TestConfigurationDoc(t *testing.T) {
	const path = "../docs/configuration.md"
	want := ConfigurationDoc()
	got, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if string(got) == want {
		return
	}
	if *updateDocs {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("docs/configuration.md is out of date with config.Keys(); regenerate it from the module root with:\n\t%s", ConfigurationDocCommand)
}

// TestRequiredKeysExample: the snippet the page gives as the keys you must
// set is a configuration the app accepts.
func TestRequiredKeysExample(t *testing.T) {
	t.Parallel()
	snippet := strings.TrimSuffix(strings.TrimPrefix(RequiredKeysJSON(), "```json\n\"context\": "), "```\n")
	var ctx map[string]any
	if err := json.Unmarshal([]byte(snippet), &ctx); err != nil {
		t.Fatalf("the required keys' snippet is not JSON: %v\n%s", err, snippet)
	}
	if _, err := FromContext(ctx); err != nil {
		t.Errorf("the required keys' snippet is refused:\n%v\n%s", err, snippet)
	}
}
