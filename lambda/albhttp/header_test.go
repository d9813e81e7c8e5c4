package albhttp_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestInvalidResponseHeader: a header name that is not an HTTP token, or a
// value holding CR, LF, NUL or another control character, would let a
// handler (or whoever controls what it echoes into a header) split the
// response or smuggle a header; the adapter answers 500 instead, and logs
// one line naming the header, never its value.
func TestInvalidResponseHeader(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-v4lue"
	for _, tc := range []struct {
		name, key, value string
		logged           string // the header as the log line names it
	}{
		{"CR in value", "X-Note", "a\r" + secret, "X-Note"},
		{"LF in value", "X-Note", "a\n" + secret, "X-Note"},
		{"CRLF injecting a header", "Location", "/next\r\nSet-Cookie: session=" + secret, "Location"},
		{"NUL in value", "X-Note", "a\x00" + secret, "X-Note"},
		{"other control in value", "X-Note", "a\x1b" + secret, "X-Note"},
		{"DEL in value", "X-Note", "a\x7f" + secret, "X-Note"},
		{"CRLF in a cookie", "Set-Cookie", "a=1\r\nX-Evil: " + secret, "Set-Cookie"},
		{"space in name", "X Note", secret, `X\x20Note`},
		{"empty name", "", secret, ""},
		{"colon in name", "X-Note:", secret, "X-Note:"},
		{"CRLF in name", "X-A\r\nX-B", secret, `X-A\x0d\x0aX-B`},
		{"NUL in name", "X\x00", secret, `X\x00`},
		{"non-ASCII in name", "X-Café", secret, `X-Caf\xc3\xa9`},
		{"quote in name", `X-"a"`, secret, `X-\x22a\x22`},
		{"long name, bounded", "X-" + strings.Repeat("n", 500) + " ", secret, "X-" + strings.Repeat("n", 62)},
	} {
		for _, file := range modes {
			resp, _, logs := invoke(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				w.Header().Set("X-Fine", "kept")
				w.Header()[tc.key] = []string{"ok", tc.value} // bypasses canonicalization, as handlers may
				w.WriteHeader(http.StatusOK)
				w.Write([]byte("the handler's body " + secret))
			}), event(t, file))
			if resp.StatusCode != 500 || string(body(t, resp)) != "Internal Server Error\n" {
				t.Errorf("%s %s: answered %d %q, want the adapter's 500", tc.name, file, resp.StatusCode, body(t, resp))
			}
			if got := header(resp, "X-Fine"); got != nil {
				t.Errorf("%s %s: the handler's headers were sent with the 500: X-Fine %q", tc.name, file, got)
			}
			if n := strings.Count(logs, "\n"); n != 1 || !strings.Contains(logs, `"invalid response header"`) {
				t.Errorf("%s %s: want one log line, got %d: %s", tc.name, file, n, logs)
			}
			if want := `"header":"` + strings.ReplaceAll(tc.logged, `\`, `\\`) + `"`; !strings.Contains(logs, want) {
				t.Errorf("%s %s: the log does not name the header as %s: %s", tc.name, file, want, logs)
			}
			if strings.Contains(logs, secret) || strings.Contains(resp.Body, secret) {
				t.Errorf("%s %s: the value or body leaked: log %s body %q", tc.name, file, logs, resp.Body)
			}
		}
	}
}

// TestValidResponseHeaders: what RFC 9110 allows passes unchanged: token
// names with any tchar, values with spaces, tabs, ';', '"', '=' and
// obs-text (here UTF-8, which the JSON carries as is), and empty values.
func TestValidResponseHeaders(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ key, value string }{
		{"Set-Cookie", "id=abc; Path=/; HttpOnly; Secure; SameSite=Lax"},
		{"Content-Disposition", `attachment; filename="a b.txt"; filename*=UTF-8''caf%C3%A9.txt`},
		{"X-Tab", "a\tb"},
		{"X-Utf8", "café ☕"},
		{"X-Empty", ""},
		{"X-Tchars!#$%&'*+.^_`|~09", "v"},
		{"Www-Authenticate", `Bearer realm="x", error="invalid_token"`},
	} {
		for _, file := range modes {
			resp, _, logs := invoke(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header()[tc.key] = []string{tc.value}
				w.Write([]byte("ok"))
			}), event(t, file))
			if resp.StatusCode != 200 || logs != "" {
				t.Errorf("%s %q %s: answered %d, logged %s", tc.key, tc.value, file, resp.StatusCode, logs)
			}
			if got := header(resp, tc.key); len(got) != 1 || got[0] != tc.value {
				t.Errorf("%s %s: sent %q, want %q", tc.key, file, got, tc.value)
			}
		}
	}
}
