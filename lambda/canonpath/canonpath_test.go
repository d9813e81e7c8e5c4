package canonpath

import (
	"errors"
	"net/url"
	"path"
	"regexp"
	"strings"
	"testing"
)

// reasonOf is Check's reason, or "" for nil; a non-nil error that is not an
// *Error fails the test.
func reasonOf(t *testing.T, raw string, allowEncodedSlash bool) string {
	t.Helper()
	err := Check(raw, allowEncodedSlash)
	if err == nil {
		return ""
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Check(%q, %t) = %v, not an *Error", raw, allowEncodedSlash, err)
	}
	return e.Reason
}

func TestCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw string
		// want is the reason without allowEncodedSlash, withSlash the reason
		// with it ("" for canonical).
		want, withSlash string
	}{
		// Attacks: each spelling makes the load balancer's literal match and
		// an application's cleaned, decoded path disagree.
		{"/x/..%2Fadmin/secret.txt", ReasonEncodedSlash, ReasonDotSegment},
		{"/x/..%2fadmin/secret.txt", ReasonEncodedSlash, ReasonDotSegment},
		{"/x/%2e%2e%2fadmin", ReasonEncodedSlash, ReasonDotSegment},
		{"/x%2f%2e%2e/admin", ReasonEncodedSlash, ReasonDotSegment},
		{"/x%2f.", ReasonEncodedSlash, ReasonDotSegment},
		{"/x/%2e%2e/admin/", ReasonDotSegment, ReasonDotSegment},
		{"/x/%2E%2e/admin", ReasonDotSegment, ReasonDotSegment},
		{"/x/.%2e/admin", ReasonDotSegment, ReasonDotSegment},
		{"/x/%2e./admin", ReasonDotSegment, ReasonDotSegment},
		{"/x/%2e/admin", ReasonDotSegment, ReasonDotSegment},
		{"/x/./admin", ReasonDotSegment, ReasonDotSegment},
		{"/x/../admin", ReasonDotSegment, ReasonDotSegment},
		{"/admin/.", ReasonDotSegment, ReasonDotSegment},
		{"/admin/..", ReasonDotSegment, ReasonDotSegment},
		{"/admin/../", ReasonDotSegment, ReasonDotSegment},
		{"/.", ReasonDotSegment, ReasonDotSegment},
		{"/..", ReasonDotSegment, ReasonDotSegment},
		{"/%2e", ReasonDotSegment, ReasonDotSegment},
		{"/./", ReasonDotSegment, ReasonDotSegment},
		// Path parameters: Tomcat, Jetty and Spring read "..;x" as "..".
		{"/x/..;/admin", ReasonDotSegment, ReasonDotSegment},
		{"/x/..;jsessionid=1/admin", ReasonDotSegment, ReasonDotSegment},
		{"/x/.;/admin", ReasonDotSegment, ReasonDotSegment},
		{"/x/%2e%2e;/admin", ReasonDotSegment, ReasonDotSegment},
		{"/x/..%3b/admin", ReasonDotSegment, ReasonDotSegment},
		{"/x/..%3B/admin", ReasonDotSegment, ReasonDotSegment},
		{"/admin/..;", ReasonDotSegment, ReasonDotSegment},
		{"/%2Fadmin/", ReasonEncodedSlash, ReasonEmptySegment},
		{"/%2fadmin/", ReasonEncodedSlash, ReasonEmptySegment},
		{"/admin%2F", ReasonEncodedSlash, ""},
		{"/admin/%2F", ReasonEncodedSlash, ReasonEmptySegment},
		{"/admin%2F%2Fx", ReasonEncodedSlash, ReasonEmptySegment},
		{"//admin/", ReasonEmptySegment, ReasonEmptySegment},
		{"/admin//x", ReasonEmptySegment, ReasonEmptySegment},
		{"/admin//", ReasonEmptySegment, ReasonEmptySegment},
		{"//", ReasonEmptySegment, ReasonEmptySegment},
		{"/a\\b", ReasonBackslash, ReasonBackslash},
		{"/a%5cb", ReasonBackslash, ReasonBackslash},
		{"/a%5Cb", ReasonBackslash, ReasonBackslash},
		{"/\\admin", ReasonBackslash, ReasonBackslash},
		{"/..\\admin", ReasonBackslash, ReasonBackslash},
		{"/a%", ReasonBadEscape, ReasonBadEscape},
		{"/a%4", ReasonBadEscape, ReasonBadEscape},
		{"/a%zz", ReasonBadEscape, ReasonBadEscape},
		{"/a%4g", ReasonBadEscape, ReasonBadEscape},
		{"/a%g4", ReasonBadEscape, ReasonBadEscape},
		{"/a%%41", ReasonBadEscape, ReasonBadEscape},
		{"/a%2", ReasonBadEscape, ReasonBadEscape},
		{"/%", ReasonBadEscape, ReasonBadEscape},
		{"/a% 41", ReasonBadEscape, ReasonBadEscape},
		{"/a%u002e", ReasonBadEscape, ReasonBadEscape}, // IIS's %u escapes are not URI syntax
		{"/a%00", ReasonControl, ReasonControl},
		{"/a%0d%0a", ReasonControl, ReasonControl},
		{"/a%0D%0AX-Injected:%201", ReasonControl, ReasonControl},
		{"/a%09", ReasonControl, ReasonControl},
		{"/a%1f", ReasonControl, ReasonControl},
		{"/a%1F", ReasonControl, ReasonControl},
		{"/a%7f", ReasonControl, ReasonControl},
		{"/a%7F", ReasonControl, ReasonControl},
		{"/a\x00", ReasonControl, ReasonControl},
		{"/a\r\n", ReasonControl, ReasonControl},
		{"/a\tb", ReasonControl, ReasonControl},
		{"/a\x7f", ReasonControl, ReasonControl},
		{"", ReasonNotAbsolute, ReasonNotAbsolute},
		{"admin", ReasonNotAbsolute, ReasonNotAbsolute},
		{"*", ReasonNotAbsolute, ReasonNotAbsolute},
		{".", ReasonNotAbsolute, ReasonNotAbsolute},
		{"%2Fadmin", ReasonNotAbsolute, ReasonNotAbsolute},
		{"%2e%2e/admin", ReasonNotAbsolute, ReasonNotAbsolute},
		{"\\admin", ReasonNotAbsolute, ReasonNotAbsolute},
		{"http://example.com/admin", ReasonNotAbsolute, ReasonNotAbsolute},
		// Several problems: the first one met, left to right, is reported; a
		// dot or empty segment counts where the separator after it is.
		{"/../a%zz", ReasonDotSegment, ReasonDotSegment},
		{"/a%zz/../", ReasonBadEscape, ReasonBadEscape},
		{"/a\\b/../", ReasonBackslash, ReasonBackslash},
		{"/a//b\\", ReasonEmptySegment, ReasonEmptySegment},
		{"/..%00", ReasonControl, ReasonControl},
		{"/a%2f%00", ReasonEncodedSlash, ReasonControl},

		// Canonical paths.
		{"/", "", ""},
		{"/admin", "", ""},
		{"/admin/", "", ""},
		{"/admin/x/", "", ""},
		{"/a.b", "", ""},
		{"/...", "", ""},
		{"/..../x", "", ""},
		{"/.well-known/x", "", ""},
		{"/a..b", "", ""},
		{"/a.", "", ""},
		{"/.a", "", ""},
		{"/..a", "", ""},
		{"/a/..b/c", "", ""},
		{"/%2e%2e%2e", "", ""},
		{"/%41dmin", "", ""}, // decoded to "/Admin" by the function before it matches
		{"/%61dmin", "", ""},
		{"/caf%C3%A9", "", ""},
		{"/caf%c3%a9", "", ""},
		{"/caf\xc3\xa9", "", ""}, // literal non-ASCII bytes: see the package doc
		{"/\xff\xfe", "", ""},
		{"/%C0%AE%C0%AE/admin", "", ""}, // an overlong "..": no Go decoder reads it as dots
		{"/a%20b", "", ""},
		{"/a b", "", ""},
		{"/a%25", "", ""},
		{"/%252e%252e/admin", "", ""}, // decodes once to "%2e%2e": not a dot segment
		{"/%25", "", ""},
		{"/a;b", "", ""},
		{"/a;b/c;d=1", "", ""},
		{"/;/x", "", ""},
		{"/...;x", "", ""},
		{"/a.;x", "", ""},
		{"/x;../admin", "", ""},
		{"/a%3Bb", "", ""},
		{"/a?b", "", ""},
		{"/a#b", "", ""},
		{"/~user/a+b@c:d=e&f$g!h'i(j)k*l,m", "", ""},
		{"/a%2Eb", "", ""},
		{"/%7E", "", ""},
		{"/%80", "", ""},
		{"/%ff", "", ""},
		{"/%20", "", ""},
	}
	for _, tt := range tests {
		if got := reasonOf(t, tt.raw, false); got != tt.want {
			t.Errorf("Check(%q, false) reason %q, want %q", tt.raw, got, tt.want)
		}
		if got := reasonOf(t, tt.raw, true); got != tt.withSlash {
			t.Errorf("Check(%q, true) reason %q, want %q", tt.raw, got, tt.withSlash)
		}
	}
}

// Error's text is fixed per reason and never holds the path, which is the
// client's and may carry anything, CR and LF included.
func TestErrorText(t *testing.T) {
	t.Parallel()
	reasons := []string{ReasonNotAbsolute, ReasonDotSegment, ReasonEncodedSlash,
		ReasonBackslash, ReasonEmptySegment, ReasonBadEscape, ReasonControl}
	seen := map[string]string{}
	for _, r := range reasons {
		msg := (&Error{Reason: r}).Error()
		if msg == "" || !strings.HasPrefix(msg, "canonpath: ") {
			t.Errorf("reason %s: message %q", r, msg)
		}
		if prev, ok := seen[msg]; ok {
			t.Errorf("reasons %s and %s share the message %q", prev, r, msg)
		}
		seen[msg] = r
	}
	const secret = "/SECRET\r\nX-Evil: 1"
	for _, raw := range []string{secret + "%zz", secret + "/..", "SECRET"} {
		err := Check(raw, false)
		if err == nil || strings.Contains(err.Error(), "SECRET") {
			t.Errorf("Check(%q) = %v", raw, err)
		}
	}
	if msg := (&Error{Reason: "something else"}).Error(); msg == "" || strings.Contains(msg, "something") {
		t.Errorf("unknown reason: message %q", msg)
	}
}

func TestCheckDoesNotAllocate(t *testing.T) {
	for _, raw := range []string{"/api/v1/users/42/caf%C3%A9", "/x/..%2Fadmin", "/a%zz", ""} {
		if n := testing.AllocsPerRun(100, func() { _ = Check(raw, true) }); n != 0 {
			t.Errorf("Check(%q) allocates %.0f times", raw, n)
		}
	}
}

// validEscape is a percent sign with two hex digits after it.
var validEscape = regexp.MustCompile(`%[0-9A-Fa-f]{2}`)

// oracle says which reasons make raw non-canonical, reading it a different
// way from Check: it repairs stray percent signs, decodes with net/url (all
// at once when encoded slashes are allowed, else segment by segment),
// splits on "/", and asks path.Clean about dot and empty segments. Check must
// report one of these reasons, and nil exactly when there is none.
func oracle(t *testing.T, raw string, allowEncodedSlash bool) map[string]bool {
	t.Helper()
	if !strings.HasPrefix(raw, "/") {
		return map[string]bool{ReasonNotAbsolute: true}
	}
	got := map[string]bool{}
	// A "%" left over once every valid escape is taken out starts a bad one.
	// Replacing each such "%" by "_" leaves a string net/url decodes, whose
	// other problems are those of raw (Check stops at a bad escape anyway).
	repaired := raw
	if strings.Contains(validEscape.ReplaceAllLiteralString(raw, ""), "%") {
		got[ReasonBadEscape] = true
		var b strings.Builder
		for i := 0; i < len(raw); i++ {
			if raw[i] == '%' && !validEscape.MatchString(raw[i:min(i+3, len(raw))]) {
				b.WriteByte('_')
			} else {
				b.WriteByte(raw[i])
			}
		}
		repaired = b.String()
	}
	decoded, err := url.PathUnescape(repaired)
	if err != nil {
		t.Fatalf("repaired %q of %q does not decode: %v", repaired, raw, err)
	}
	if strings.ContainsFunc(decoded, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		got[ReasonControl] = true
	}
	if strings.Contains(decoded, `\`) {
		got[ReasonBackslash] = true
	}
	hasEncodedSlash := strings.Contains(strings.ToLower(repaired), "%2f")
	if hasEncodedSlash && !allowEncodedSlash {
		got[ReasonEncodedSlash] = true
	}

	// The segments an application sees: with encoded slashes allowed, the
	// decoded path split on "/"; without, each raw segment decoded on its
	// own, its decoded slashes kept inside it (written "S" for path.Clean).
	var segs []string
	if allowEncodedSlash {
		segs = strings.Split(decoded, "/")
	} else {
		for _, s := range strings.Split(repaired, "/") {
			d, err := url.PathUnescape(s)
			if err != nil {
				t.Fatalf("segment %q of %q does not decode: %v", s, raw, err)
			}
			segs = append(segs, strings.ReplaceAll(d, "/", "S"))
		}
	}
	pureDot := false
	for i, s := range segs[1:] {
		if s == "" && i+2 < len(segs) {
			got[ReasonEmptySegment] = true
		}
		if s == "." || s == ".." {
			pureDot = true
		}
		// Before any path parameters (";"), as Tomcat, Jetty and Spring read it.
		if before, _, _ := strings.Cut(s, ";"); before == "." || before == ".." {
			got[ReasonDotSegment] = true
		}
	}
	// path.Clean removes exactly dot and empty segments, and the trailing
	// slash after a non-empty segment, which is canonical: a second reading
	// of the two.
	joined := strings.Join(segs, "/")
	trimmed := joined
	if len(joined) > 1 && !strings.HasSuffix(joined, "//") {
		trimmed = strings.TrimSuffix(joined, "/")
	}
	if cleanDiffers := path.Clean(joined) != trimmed; cleanDiffers != (pureDot || got[ReasonEmptySegment]) {
		t.Fatalf("%q: path.Clean(%q) = %q; segments say dot %t, empty %t", raw, joined, path.Clean(joined), pureDot, got[ReasonEmptySegment])
	}
	return got
}

// The oracle itself agrees with the table, so the fuzzer compares Check with
// something that is right where it is checked by hand.
func TestOracle(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw   string
		allow bool
		want  []string
	}{
		{"/", false, nil},
		{"/a/", false, nil},
		{"/caf%C3%A9", false, nil},
		{"/x/..%2Fadmin", false, []string{ReasonEncodedSlash}},
		{"/x/..%2Fadmin", true, []string{ReasonDotSegment}},
		{"/%2e%2e/a%zz", false, []string{ReasonDotSegment, ReasonBadEscape}},
		{"//a\\%00", false, []string{ReasonEmptySegment, ReasonBackslash, ReasonControl}},
		{"/..;x", false, []string{ReasonDotSegment}},
		{"a", false, []string{ReasonNotAbsolute}},
	}
	for _, tt := range tests {
		got := oracle(t, tt.raw, tt.allow)
		if len(got) != len(tt.want) {
			t.Errorf("oracle(%q, %t) = %v, want %v", tt.raw, tt.allow, got, tt.want)
			continue
		}
		for _, r := range tt.want {
			if !got[r] {
				t.Errorf("oracle(%q, %t) = %v, want %v", tt.raw, tt.allow, got, tt.want)
			}
		}
	}
}

// fuzzAlphabet is what FuzzCheck maps the fuzzer's bytes onto: the bytes of
// slashes, dots, escapes of them (%2F %2e %5C %25 %3B), hex digits in both
// cases, a backslash, a control byte, ";" and a non-ASCII byte.
const fuzzAlphabet = "/.%25eEfFcC01aA\\;3bB7\x00\xc3"

// onto maps each byte of s that alphabet lacks onto one it holds.
func onto(alphabet, s string) string {
	b := []byte(s)
	for i, c := range b {
		if strings.IndexByte(alphabet, c) < 0 {
			b[i] = alphabet[int(c)%len(alphabet)]
		}
	}
	return string(b)
}

func FuzzCheck(f *testing.F) {
	// testdata/fuzz/FuzzCheck holds the inputs that found bugs.
	for _, s := range []string{"/", "/a/", "/x/..%2Fadmin", "/.%2e/", "//", "/a%5c", "/%25", "/a%0", "/..;a", "/%2e%2e%3b"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, raw string, allowEncodedSlash bool) {
		if len(raw) > 64 {
			return
		}
		raw = onto(fuzzAlphabet, raw)
		want := oracle(t, raw, allowEncodedSlash)
		got := reasonOf(t, raw, allowEncodedSlash)
		switch {
		case got == "" && len(want) > 0:
			t.Fatalf("Check(%q, %t) = nil, oracle says %v", raw, allowEncodedSlash, want)
		case got != "" && !want[got]:
			t.Fatalf("Check(%q, %t) reason %q, oracle says %v", raw, allowEncodedSlash, got, want)
		}
	})
}

// BenchmarkCheck is the check of a typical request path, as the function
// makes once per request.
func BenchmarkCheck(b *testing.B) {
	const raw = "/api/v1/users/42/photos/caf%C3%A9%20au%20lait.jpg"
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if err := Check(raw, false); err != nil {
			b.Fatal(err)
		}
	}
}
