// Package doclinks checks the project's Markdown: every relative link names a
// file that exists, and every #anchor names a heading of its target, with
// the anchors GitHub gives headings. Its test runs over README.md,
// CHANGELOG.md and docs/*.md.
package doclinks

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Anchor returns the anchor GitHub gives a heading with this text (before
// numbering duplicates): the rendered text in lower case, every character that
// is not a letter, mark, digit, underscore, hyphen or space dropped, and each
// space made a hyphen.
func Anchor(heading string) string {
	text := linkRe.ReplaceAllString(heading, "$1")
	text = htmlTagRe.ReplaceAllString(text, "")
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

var (
	headingRe = regexp.MustCompile(`^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$`)
	// linkRe matches an inline link or image: [text](target) or
	// [text](target "title"); group 1 is the text, group 2 the target.
	linkRe    = regexp.MustCompile(`!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)`)
	htmlTagRe = regexp.MustCompile(`<[^>]+>`)
)

// Anchors returns the anchors of a Markdown document's headings: duplicates
// get -1, -2, ... as on GitHub.
func Anchors(md string) map[string]bool {
	anchors := map[string]bool{}
	count := map[string]int{}
	for _, line := range prose(md) {
		m := headingRe.FindStringSubmatch(line.text)
		if m == nil {
			continue
		}
		base := Anchor(m[2])
		a := base
		for n := count[base]; anchors[a]; n++ {
			a = base + "-" + strconv.Itoa(n+1)
			count[base] = n + 1
		}
		anchors[a] = true
	}
	return anchors
}

// Link is a link target and the line it is on.
type Link struct {
	Target string
	Line   int
}

// Links returns the targets of the inline links and images of a Markdown
// document, outside fenced code blocks and code spans.
func Links(md string) []Link {
	var b strings.Builder
	for _, l := range prose(md) {
		b.WriteString(l.text)
		b.WriteByte('\n')
	}
	text := blankCode(b.String())
	var links []Link
	for _, m := range linkRe.FindAllStringSubmatchIndex(text, -1) {
		links = append(links, Link{Target: text[m[4]:m[5]], Line: 1 + strings.Count(text[:m[0]], "\n")})
	}
	return links
}

// blankCode replaces every code span of text with spaces (newlines kept): a
// run of N backticks up to the next run of exactly N, within a paragraph;
// an opening run with no match is literal.
func blankCode(text string) string {
	out := []byte(text)
	run := func(i int) int {
		j := i
		for j < len(text) && text[j] == '`' {
			j++
		}
		return j - i
	}
	for i := 0; i < len(text); {
		if text[i] != '`' {
			i++
			continue
		}
		n := run(i)
		end := -1
		for j := i + n; j < len(text); {
			if text[j] == '`' {
				m := run(j)
				if m == n {
					end = j + m
					break
				}
				j += m
				continue
			}
			if strings.HasPrefix(text[j:], "\n\n") {
				break
			}
			j++
		}
		if end < 0 {
			i += n
			continue
		}
		for k := i; k < end; k++ {
			if out[k] != '\n' {
				out[k] = ' '
			}
		}
		i = end
	}
	return string(out)
}

type line struct {
	text string
	n    int
}

// prose returns the lines of md, numbered from 1, with the lines of fenced
// code blocks (fences included) made empty.
func prose(md string) []line {
	var out []line
	fence := ""
	for i, l := range strings.Split(md, "\n") {
		t := strings.TrimLeft(l, " ")
		switch {
		case fence == "" && (strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~")):
			fence = t[:3]
			l = ""
		case fence != "":
			if strings.HasPrefix(t, fence) {
				fence = ""
			}
			l = ""
		}
		out = append(out, line{l, i + 1})
	}
	return out
}

// Check checks the Markdown files (slash-separated paths relative to root):
// every relative link's file exists, and every anchor, in the same file or
// in another Markdown file, is one of that file's headings. It returns one
// line per problem, "file:line: ...".
func Check(root string, files []string) ([]string, error) {
	var problems []string
	anchors := map[string]map[string]bool{}
	anchorsOf := func(rel string) (map[string]bool, error) {
		if a, ok := anchors[rel]; ok {
			return a, nil
		}
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			return nil, err
		}
		anchors[rel] = Anchors(string(b))
		return anchors[rel], nil
	}
	for _, file := range files {
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(file)))
		if err != nil {
			return nil, err
		}
		for _, l := range Links(string(b)) {
			t := l.Target
			if t == "" || strings.Contains(t, "://") || strings.HasPrefix(t, "mailto:") {
				continue
			}
			where := fmt.Sprintf("%s:%d", file, l.Line)
			path, frag, _ := strings.Cut(t, "#")
			target := file
			if path != "" {
				if strings.HasPrefix(path, "/") {
					problems = append(problems, fmt.Sprintf("%s: %s is an absolute path; link relative to the file", where, t))
					continue
				}
				target = filepath.ToSlash(filepath.Join(filepath.Dir(file), path))
				if strings.HasPrefix(target, "../") {
					problems = append(problems, fmt.Sprintf("%s: %s leaves the repository", where, t))
					continue
				}
				if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(target))); err != nil {
					problems = append(problems, fmt.Sprintf("%s: %s: no such file %s", where, t, target))
					continue
				}
			}
			if frag == "" {
				continue
			}
			if !strings.HasSuffix(target, ".md") {
				problems = append(problems, fmt.Sprintf("%s: %s: an anchor into a file that is not Markdown", where, t))
				continue
			}
			a, err := anchorsOf(target)
			if err != nil {
				return nil, err
			}
			if !a[frag] {
				problems = append(problems, fmt.Sprintf("%s: %s: %s has no heading with anchor #%s", where, t, target, frag))
			}
		}
	}
	return problems, nil
}
