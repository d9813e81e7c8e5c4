package routes

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// The cases follow the load balancer's documented semantics: case-sensitive,
// "*" zero or more characters, "/" included, "?" exactly one, the path only.
func TestMatchPattern(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern, path string
		want          bool
	}{
		// Literals, case.
		{"/admin", "/admin", true},
		{"/admin", "/Admin", false},
		{"/ADMIN/*", "/admin/x", false},
		{"/admin", "/admin/", false}, // a trailing slash is a different path
		{"/admin/", "/admin", false}, // and the other way round
		{"/admin", "/admins", false}, // no implicit prefix match
		{"/admin", "/xadmin", false}, // nor suffix match
		{"/admin", "", false},
		// "*" crosses "/" and may be empty.
		{"/api/*", "/api/", true},
		{"/api/*", "/api/v1/users/7", true},
		{"/api/*", "/api", false}, // "/api/*" needs the slash: cover /api with a second pattern
		{"/api*", "/api", true},
		{"/api*", "/apiary", true}, // and so this one reaches beyond /api/
		{"*", "/", true},
		{"/*", "/anything/at/all", true},
		{"*.png", "/img/a/b.png", true},
		{"/img/*/pics", "/img/a/b/pics", true},
		{"/img/*/pics", "/img//pics", true},
		{"/img/*/pics", "/img/pics", false},
		{"/a*b*c", "/abc", true},
		{"/a*b*c", "/aXbYc", true},
		{"/a*b*c", "/aXbY", false},
		{"/a*b", "/ab/b/b", true},
		{"/**", "/x", true},
		// "?" is exactly one character, "/" included.
		{"/v?/x", "/v1/x", true},
		{"/v?/x", "/v/x", false},
		{"/v?/x", "/v12/x", false},
		{"/a?b", "/a/b", true},
		{"/?", "/", false},
		{"/*?", "/", false},
		{"/*?", "/a", true},
		// Query strings are not part of the path: callers pass the path only,
		// so a "?" in the request URL never reaches the matcher; a literal
		// "?" in a path is matched by the pattern's "?" like any character.
		{"/search", "/search", true},
		{"/search*", "/search?q=1", true},
		// Bytes the pattern alphabet lacks are matched by wildcards only.
		{"/files/*", "/files/a%20b", true},
		{"/caf?", "/caf\xc3\xa9", false}, // "é" is two bytes
		{"/caf??", "/caf\xc3\xa9", true},
		{"/a&b", "/a&b", true},
		{"/x", "/x\x00", false},
		// A literal "*" or "?" in the path is one more character: a pattern's
		// "*" still matches it as a wildcard and may go on to take more.
		{"/admin/*", "/admin/*x%41", true},
		{"/admin/*", "/admin/*", true},
		{"/admin/*", "/admin*", false},
		{"/*", "/*a", true},
		{"/*", "/**", true},
		{"*", "*/", true},
		{"*", "*?x", true},
		{"/*a", "/*a", true},
		{"/*a", "/*ab", false},
		{"/*a", "/*ba", true},
		{"/*/x", "/*/y/*/x", true},
		{"/?", "/*", true},
		{"/?", "/?", true},
		{"/?x", "/*yx", false},
		{"/a?*", "/a?*?", true},
		{"/x*y", "/x*y*z", false},
		{"/x*y", "/x*y*y", true},
	}
	for _, tt := range tests {
		if got := MatchPattern(tt.pattern, tt.path); got != tt.want {
			t.Errorf("MatchPattern(%q, %q) = %t, want %t", tt.pattern, tt.path, got, tt.want)
		}
	}
}

// reference is MatchPattern written straight from the documented syntax, as
// a table over bytes: m[i][j] reports whether pattern[:i] matches path[:j].
// A "*" matches zero bytes (m[i-1][j]) or one more (m[i][j-1]), "?" any one
// byte, any other byte only itself. It is quadratic in space and slow, and
// has no backtracking to get wrong.
func reference(pattern, path string) bool {
	m := make([][]bool, len(pattern)+1)
	for i := range m {
		m[i] = make([]bool, len(path)+1)
	}
	m[0][0] = true
	for i := 1; i <= len(pattern); i++ {
		c := pattern[i-1]
		for j := 0; j <= len(path); j++ {
			switch {
			case c == '*':
				m[i][j] = m[i-1][j] || (j > 0 && m[i][j-1])
			case j == 0:
				m[i][j] = false
			case c == '?':
				m[i][j] = m[i-1][j-1]
			default:
				m[i][j] = m[i-1][j-1] && path[j-1] == c
			}
		}
	}
	return m[len(pattern)][len(path)]
}

// regexpReference is a second, differently built reading of the syntax: the
// pattern as an anchored regular expression over bytes. Each byte of the
// path and of the pattern becomes the rune of the same number (Latin-1), so
// "." and "?" count bytes, as MatchPattern does.
func regexpReference(pattern, path string) bool {
	var b strings.Builder
	b.WriteString(`\A`)
	for _, r := range latin1(pattern) {
		switch r {
		case '*':
			b.WriteString(`(?s:.*)`)
		case '?':
			b.WriteString(`(?s:.)`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`\z`)
	return regexp.MustCompile(b.String()).MatchString(latin1(path))
}

// latin1 maps each byte to the rune of the same number, so that a regular
// expression counts bytes.
func latin1(s string) string {
	r := make([]rune, len(s))
	for i := 0; i < len(s); i++ {
		r[i] = rune(s[i])
	}
	return string(r)
}

// The two references agree with each other, and MatchPattern with them, on
// random patterns and paths drawn from the same alphabet: paths hold literal
// "*" and "?" too, which the load balancer matches like any other character.
func TestMatchPatternAgreesWithReference(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	const alphabet = "/ab*?%\xc3"
	for range 20000 {
		p := randString(rng, alphabet, 8)
		s := randString(rng, alphabet, 10)
		want := reference(p, s)
		if re := regexpReference(p, s); re != want {
			t.Fatalf("references disagree on (%q, %q): table %t, regexp %t", p, s, want, re)
		}
		if got := MatchPattern(p, s); got != want {
			t.Fatalf("MatchPattern(%q, %q) = %t, reference says %t", p, s, got, want)
		}
	}
}

func randString(rng *rand.Rand, alphabet string, max int) string {
	b := make([]byte, rng.IntN(max+1))
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

// A pathological pattern against a long path stays fast: no exponential
// backtracking.
func TestMatchPatternWorstCase(t *testing.T) {
	t.Parallel()
	pattern := "/" + strings.Repeat("*a", 60) + "b"
	path := "/" + strings.Repeat("a", 8000)
	if MatchPattern(pattern, path) {
		t.Fatal("matched a path without b")
	}
}

// fuzzAlphabet is what FuzzMatchPattern maps the fuzzer's bytes onto: the
// wildcards, path punctuation, letters in both cases, digits, and non-ASCII
// bytes (the two bytes of "é" and two that are never UTF-8). A small
// alphabet lets the fuzzer meet every pairing of them, a literal "*" in the
// path under a "*" of the pattern among them, within seconds.
const fuzzAlphabet = "*?%/.aAbx41\xc3\xa9\x80\xff"

// onto maps each byte of s that alphabet lacks onto one it holds, so that
// seeds written in the alphabet stay as they are.
func onto(alphabet, s string) string {
	b := []byte(s)
	for i, c := range b {
		if strings.IndexByte(alphabet, c) < 0 {
			b[i] = alphabet[int(c)%len(alphabet)]
		}
	}
	return string(b)
}

func FuzzMatchPattern(f *testing.F) {
	// testdata/fuzz/FuzzMatchPattern holds the inputs that found bugs.
	f.Add("/a*/*", "/a/bx41")
	f.Add("/a*b?x", "/aAAb%x")
	f.Add("*", "")
	f.Fuzz(func(t *testing.T, pattern, path string) {
		if len(pattern) > 32 || len(path) > 64 {
			return
		}
		pattern, path = onto(fuzzAlphabet, pattern), onto(fuzzAlphabet, path)
		if got, want := MatchPattern(pattern, path), reference(pattern, path); got != want {
			t.Fatalf("MatchPattern(%q, %q) = %t, reference says %t", pattern, path, got, want)
		}
	})
}

func TestCovers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		earlier, later string
		want           bool
	}{
		{"/*", "/admin/*", true},
		{"*", "/x", true},
		{"/admin/*", "/admin/users/*", true},
		{"/admin/*", "/admin/?", true},
		{"/admin/*", "/admin", false},
		{"/admin*", "/admin", true},
		{"/a?c", "/abc", true},
		{"/a?c", "/a*c", false},
		{"/*?", "/?*", true}, // same language, written differently
		{"/?*", "/*?", true},
		{"/api/*", "/apiary", false},
		{"/x", "/x", true},
		{"/x", "/y", false},
		{"/*.png", "/img/*.png", true},
		{"/img/*.png", "/*.png", false},
		{"/*a*a*", "/*aa*", true},
	}
	for _, tt := range tests {
		if got := covers(tt.earlier, tt.later); got != tt.want {
			t.Errorf("covers(%q, %q) = %t, want %t", tt.earlier, tt.later, got, tt.want)
		}
	}
}

// covers never raises a false alarm: whenever it says earlier covers later,
// every path that later matches also matches earlier, both read by
// reference, not by MatchPattern. Paths are drawn as instances of later
// (its wildcards filled from an alphabet that holds literal "*" and "?"),
// and at random, kept when later matches them.
func TestCoversIsSound(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	const fill = "/ab*?%"
	covered := 0
	for range 5000 {
		q, p := "/"+randString(rng, "ab*?", 5), "/"+randString(rng, "ab*?", 5)
		if q == p || !covers(q, p) {
			continue
		}
		covered++
		for range 50 {
			s := instance(rng, p, fill)
			if !reference(p, s) {
				t.Fatalf("instance %q of %q does not match it", s, p)
			}
			if !reference(q, s) {
				t.Fatalf("covers(%q, %q) but %q matches only the second", q, p, s)
			}
		}
		for range 200 {
			if s := "/" + randString(rng, fill, 6); reference(p, s) && !reference(q, s) {
				t.Fatalf("covers(%q, %q) but %q matches only the second", q, p, s)
			}
		}
	}
	// Distinct pairs that cover each other are rare among random ones; make
	// sure enough were checked for the test to mean something.
	if covered < 300 {
		t.Fatalf("only %d distinct pairs where covers is true; draw more", covered)
	}
}

// instance draws a path that pattern matches, filling its wildcards with
// bytes of alphabet.
func instance(rng *rand.Rand, pattern, alphabet string) string {
	var b strings.Builder
	for _, c := range []byte(pattern) {
		switch c {
		case '*':
			b.WriteString(randString(rng, alphabet, 3))
		case '?':
			b.WriteByte(alphabet[rng.IntN(len(alphabet))])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// BenchmarkMatch finds the route of a request on a table of three routes, as
// the function does once per request; the regexp variant is what compiling
// patterns to regular expressions would cost per match (compiled once).
func BenchmarkMatch(b *testing.B) {
	tab, err := Parse([]byte(validJSON))
	if err != nil {
		b.Fatal(err)
	}
	paths := []string{"/partners/area/page", "/", "/api/v1/users/42", "/admin"}
	b.Run("MatchPattern", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			tab.Match("GET", paths[i%len(paths)])
		}
	})
	b.Run("regexp", func(b *testing.B) {
		var res [][]*regexp.Regexp
		for _, r := range tab.Routes {
			var rs []*regexp.Regexp
			for _, p := range r.Paths {
				q := regexp.QuoteMeta(p)
				q = strings.ReplaceAll(strings.ReplaceAll(q, `\*`, `.*`), `\?`, `.`)
				rs = append(rs, regexp.MustCompile(`(?s)\A`+q+`\z`))
			}
			res = append(res, rs)
		}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			p := paths[i%len(paths)]
		found:
			for _, rs := range res {
				for _, re := range rs {
					if re.MatchString(p) {
						break found
					}
				}
			}
		}
	})
}
