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
	}
	for _, tt := range tests {
		if got := MatchPattern(tt.pattern, tt.path); got != tt.want {
			t.Errorf("MatchPattern(%q, %q) = %t, want %t", tt.pattern, tt.path, got, tt.want)
		}
	}
}

// reference is the obvious, slow implementation: the pattern as an anchored
// regular expression.
func reference(pattern, path string) bool {
	var b strings.Builder
	b.WriteString(`(?s)\A`)
	for _, c := range []byte(pattern) {
		switch c {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString(`\z`)
	// Match bytes, not runes, as MatchPattern does.
	return regexp.MustCompile(b.String()).MatchReader(strings.NewReader(latin1(path)))
}

// latin1 maps each byte to one rune so the regexp counts bytes.
func latin1(s string) string {
	r := make([]rune, len(s))
	for i := 0; i < len(s); i++ {
		r[i] = rune(s[i])
	}
	return string(r)
}

func TestMatchPatternAgreesWithReference(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	const alphabet = "/ab*?"
	for range 20000 {
		p := randString(rng, "/ab*?", 8)
		s := randString(rng, alphabet[:3], 10)
		if got, want := MatchPattern(p, s), reference(p, s); got != want {
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

func FuzzMatchPattern(f *testing.F) {
	f.Add("/api/*", "/api/v1")
	f.Add("/a*b?c", "/aXXbYc")
	f.Add("*", "")
	f.Fuzz(func(t *testing.T, pattern, path string) {
		if len(pattern) > 64 || len(path) > 256 {
			return
		}
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
// paths drawn from later all match earlier.
func TestCoversIsSound(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		q, p := "/"+randString(rng, "ab*?", 5), "/"+randString(rng, "ab*?", 5)
		if !covers(q, p) {
			continue
		}
		for range 50 {
			s := instance(rng, p)
			if !MatchPattern(p, s) {
				t.Fatalf("instance %q of %q does not match it", s, p)
			}
			if !MatchPattern(q, s) {
				t.Fatalf("covers(%q, %q) but %q matches only the second", q, p, s)
			}
		}
	}
}

// instance draws a path that pattern matches.
func instance(rng *rand.Rand, pattern string) string {
	var b strings.Builder
	for _, c := range []byte(pattern) {
		switch c {
		case '*':
			b.WriteString(randString(rng, "/ab", 3))
		case '?':
			b.WriteString(randString(rng, "/ab", 0) + string("/ab"[rng.IntN(3)]))
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
