package doclinks

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestAnchor(t *testing.T) {
	t.Parallel()
	for heading, want := range map[string]string{
		"What gets deployed":                                          "what-gets-deployed",
		"Stages: dev, staging, prod":                                  "stages-dev-staging-prod",
		"The user pool's issuer: `userPoolIssuer`":                    "the-user-pools-issuer-userpoolissuer",
		"Groups separate users; scopes separate clients":              "groups-separate-users-scopes-separate-clients",
		"What the load balancer decides, what the function re-checks": "what-the-load-balancer-decides-what-the-function-re-checks",
		"`aud` in access tokens":                                      "aud-in-access-tokens",
		"A [linked](other.md) heading":                                "a-linked-heading",
		"snake_case and 2 digits":                                     "snake_case-and-2-digits",
		"Café → naïve":                                                "café--naïve",
		"[0.4.0] - 2026-12-06":                                        "040---2026-12-06",
	} {
		if got := Anchor(heading); got != want {
			t.Errorf("Anchor(%q) = %q, want %q", heading, got, want)
		}
	}
}

func TestAnchorsNumberDuplicates(t *testing.T) {
	t.Parallel()
	md := "# Notes\n\n## Setup\n\n```sh\n# not a heading\n```\n\n## Setup\n\n### Setup ###\n\n## Setup 1\n"
	got := Anchors(md)
	want := map[string]bool{"notes": true, "setup": true, "setup-1": true, "setup-2": true, "setup-1-1": true}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Anchors = %v, want %v", got, want)
	}
}

func TestLinks(t *testing.T) {
	t.Parallel()
	md := "See [a](a.md#x) and ![pic](p.png \"title\").\n" +
		"`[not](code.md)` and ``[nor](this.md)`` but [a link\nacross lines](b.md).\n" +
		"```\n[fenced](no.md)\n```\n" +
		"[`code` text](#y) <https://example.com> [web](https://example.com/a_(b))\n"
	var got []string
	for _, l := range Links(md) {
		got = append(got, l.Target+"@"+string(rune('0'+l.Line)))
	}
	want := []string{"a.md#x@1", "p.png@1", "b.md@2", "#y@7", "https://example.com/a_(b@7"}
	if !slices.Equal(got, want) {
		t.Errorf("Links = %q, want %q", got, want)
	}
}

func TestCheckFindsBrokenLinks(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	write := func(name, body string) {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("README.md", "# Top\n\n[ok](docs/a.md#part-two) [ok](#top) [bad](docs/a.md#nope) [gone](docs/b.md) [self](#nope)\n")
	write("docs/a.md", "# A\n\n## Part two\n\n[up](../README.md#top) [pic](img.png) [out](../../x.md)\n")
	problems, err := Check(root, []string{"README.md", "docs/a.md"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"README.md:3: docs/a.md#nope: docs/a.md has no heading with anchor #nope",
		"README.md:3: docs/b.md: no such file docs/b.md",
		"README.md:3: #nope: README.md has no heading with anchor #nope",
		"docs/a.md:5: img.png: no such file docs/img.png",
		"docs/a.md:5: ../../x.md leaves the repository",
	}
	if !slices.Equal(problems, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(problems, "\n"), strings.Join(want, "\n"))
	}
}

// TestProjectDocs: every relative link and anchor in README.md, CHANGELOG.md
// and docs/*.md resolves.
func TestProjectDocs(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	files := []string{"README.md", "CHANGELOG.md"}
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) == 0 {
		t.Fatal("no docs/*.md")
	}
	for _, d := range docs {
		files = append(files, "docs/"+filepath.Base(d))
	}
	problems, err := Check(root, files)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}
