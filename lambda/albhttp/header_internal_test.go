package albhttp

import (
	"net/http"
	"strings"
	"testing"
)

func TestInvalidHeaderNamesTheFirstInOrder(t *testing.T) {
	t.Parallel()
	h := http.Header{"Z-Bad": {"a\nb"}, "M-Bad": {"\x00"}, "Ok": {"v"}, "X y": {"v"}, "B-Bad": {"fine", "\r"}}
	for range 20 { // map order varies from run to run
		if name, problem := invalidHeader(h); name != "B-Bad" || problem == "" {
			t.Fatalf("invalidHeader = %q, %q; want B-Bad, the first in sorted order", name, problem)
		}
	}
	if name, problem := invalidHeader(http.Header{"Ok": {"v"}, "Set-Cookie": {"a=1; Path=/", "b=2"}}); problem != "" {
		t.Errorf("valid header refused: %q %q", name, problem)
	}
}

func TestInvalidHeaderDoesNotAllocate(t *testing.T) {
	h := http.Header{"Content-Type": {"text/html; charset=utf-8"}, "Set-Cookie": {"a=1; Path=/", "b=2"}, "Cache-Control": {"no-store"}}
	if n := testing.AllocsPerRun(100, func() { invalidHeader(h) }); n != 0 {
		t.Errorf("invalidHeader allocates %v times per response", n)
	}
}

// TestIsTokenBytes: a one-byte token is exactly a visible ASCII character
// other than RFC 9110's delimiters.
func TestIsTokenBytes(t *testing.T) {
	t.Parallel()
	for c := range 256 {
		want := c > ' ' && c < 0x7f && !strings.ContainsRune(`"(),/:;<=>?@[\]{}`, rune(c))
		if got := isToken(string([]byte{byte(c)})); got != want {
			t.Errorf("isToken(%q) = %v", byte(c), got)
		}
	}
}
