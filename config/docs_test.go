package config

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

// jsonBlocks returns the ```json blocks of a Markdown file's section (from
// the heading "## <section>" to the next "## "), or of the whole file when
// section is empty.
func jsonBlocks(t *testing.T, path, section string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	if section != "" {
		i := strings.Index(text, "\n## "+section+"\n")
		if i < 0 {
			t.Fatalf("%s has no section %q", path, section)
		}
		text = text[i+1:]
		if j := strings.Index(text[3:], "\n## "); j >= 0 {
			text = text[:j+3]
		}
	}
	var blocks []string
	for {
		i := strings.Index(text, "```json\n")
		if i < 0 {
			return blocks
		}
		text = text[i+len("```json\n"):]
		j := strings.Index(text, "```")
		blocks = append(blocks, text[:j])
		text = text[j+3:]
	}
}

// decodeFragment decodes a block that is a fragment of cdk.json's context
// ("key": value, ...) or a list of route objects ({...}, {...}).
func decodeFragment(t *testing.T, block string) any {
	t.Helper()
	s := strings.TrimSpace(block)
	if strings.HasPrefix(s, "{") {
		s = "[" + s + "]"
	} else {
		s = "{" + s + "}"
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("a JSON block is not a context fragment or a list of routes: %v\n%s", err, block)
	}
	return v
}

// TestRecipesAreTheExampleRoutes: the routes of docs/authorization.md's
// recipes, in order, are exactly config/example_routes.json, which the
// routes snapshot, the preview and the browser test use.
func TestRecipesAreTheExampleRoutes(t *testing.T) {
	t.Parallel()
	var got []any
	for _, block := range jsonBlocks(t, "../docs/authorization.md", "Recipes") {
		switch v := decodeFragment(t, block).(type) {
		case []any:
			got = append(got, v...)
		case map[string]any:
			if rs, ok := v["routes"].([]any); ok {
				got = append(got, rs...)
			}
		}
	}
	if want := ExampleRoutes(); !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", "  ")
		w, _ := json.MarshalIndent(want, "", "  ")
		t.Errorf("docs/authorization.md's recipes are not config/example_routes.json:\nrecipes:\n%s\nexample_routes.json:\n%s", g, w)
	}
}

// TestMachineExampleIsDocumented: the first JSON block of
// docs/machine-clients.md is config/example_machine.json.
func TestMachineExampleIsDocumented(t *testing.T) {
	t.Parallel()
	blocks := jsonBlocks(t, "../docs/machine-clients.md", "")
	if len(blocks) == 0 {
		t.Fatal("docs/machine-clients.md has no JSON block")
	}
	b, err := os.ReadFile("example_machine.json")
	if err != nil {
		t.Fatal(err)
	}
	var want any
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if got := decodeFragment(t, blocks[0]); !reflect.DeepEqual(got, want) {
		t.Errorf("docs/machine-clients.md's first JSON block is not config/example_machine.json:\n%s", blocks[0])
	}
}
