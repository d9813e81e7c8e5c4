package groupclaim_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/groupclaim"
)

// attack is the fuzzer's alphabet: the characters that separate, quote,
// escape and nest, letters of a target group name, and Unicode that looks
// like them.
var attack = []string{
	"[", "]", `"`, ",", " ", `\`, "a", "d", "m", "i", "n", "s", "A",
	"і", "а", "\u200b", "\u00a0", "\t", "\n", "\x00", "{", "}", ":", "1", "u", "0", "\u202e", "é", "e\u0301", ", ",
}

// reasons and forms are what an *Error may say.
var (
	reasons = []string{groupclaim.ReasonType, groupclaim.ReasonTooLong, groupclaim.ReasonTooMany, groupclaim.ReasonElement, groupclaim.ReasonEmpty,
		groupclaim.ReasonControl, groupclaim.ReasonSpace, groupclaim.ReasonSeparator, groupclaim.ReasonNested, groupclaim.ReasonMalformed, groupclaim.ReasonNameLong}
	forms = []groupclaim.Form{groupclaim.FormJSONArray, groupclaim.FormJSONString, groupclaim.FormBracketed, groupclaim.FormSingle,
		groupclaim.FormSeparated, groupclaim.FormInvalid}
)

// FuzzParse builds claim values from the attack alphabet (and takes raw
// strings too) and checks every result against an oracle written without
// Parse's code: an accepted value must re-encode, in the form Parse says it
// had, to exactly the input (or, for JSON, decode with encoding/json to the
// same names), and every name must be one a route could safely compare.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{"[admins, staff]", `["admins"]`, "admins", "x, admins", `[["admins"]]`, "[a,b]", "", "[]", `["a",1]`} {
		f.Add([]byte(nil), seed, byte(0))
	}
	f.Add([]byte{0, 5, 4, 29, 6, 1}, "", byte(1))
	f.Add([]byte{2, 6, 7, 8, 9, 10, 11, 2, 1}, "", byte(0))
	f.Fuzz(func(t *testing.T, picks []byte, raw string, sepSel byte) {
		var b strings.Builder
		for _, p := range picks {
			b.WriteString(attack[int(p)%len(attack)])
		}
		s := b.String() + raw
		sep := []groupclaim.Separator{groupclaim.SeparatorNone, groupclaim.SeparatorComma, groupclaim.SeparatorSpace}[int(sepSel)%3]
		got, form, err := groupclaim.Parse("custom:groups", s, sep)
		if err != nil {
			if got != nil {
				t.Fatalf("groups %q returned with error %v", got, err)
			}
			// The message is made of the claim's name, a reason, a form
			// and a count only, so it cannot carry the value. (Checking
			// that it does not contain the value fails on values that
			// happen to be words of the fixed text, such as "d, 2".)
			var e *groupclaim.Error
			if !errors.As(err, &e) || e.Claim != "custom:groups" || !slices.Contains(reasons, e.Reason) || !slices.Contains(forms, e.Form) ||
				err.Error() != fmt.Sprintf("group claim custom:groups: %s (form %s, %d elements)", e.Reason, e.Form, e.Count) {
				t.Fatalf("error %q is not made of the claim, a reason, a form and a count", err)
			}
			return
		}
		for _, g := range got {
			if !oracleName(g) {
				t.Fatalf("Parse(%q, %s) accepted name %q", s, sep, g)
			}
		}
		if hasDup(got) {
			t.Fatalf("duplicates in %q", got)
		}
		switch form {
		case groupclaim.FormBracketed:
			// Cognito's join, exactly; duplicates were collapsed, so compare
			// the set of the input's elements.
			if !strings.HasPrefix(s, "[") || !strings.HasSuffix(s, "]") {
				t.Fatalf("bracketed form without brackets: %q", s)
			}
			parts := strings.Split(s[1:len(s)-1], ", ")
			if !sameSet(parts, got) || "["+strings.Join(parts, ", ")+"]" != s {
				t.Fatalf("Parse(%q) = %q, not Cognito's join", s, got)
			}
		case groupclaim.FormJSONString:
			var want []string
			if err := json.Unmarshal([]byte(s), &want); err != nil {
				t.Fatalf("Parse(%q) took it for JSON; encoding/json says %v", s, err)
			}
			if !sameSet(want, got) {
				t.Fatalf("Parse(%q) = %q, encoding/json %q", s, got, want)
			}
		case groupclaim.FormSingle:
			if sep != groupclaim.SeparatorNone || len(got) != 1 || got[0] != s {
				t.Fatalf("Parse(%q) = %q as one group", s, got)
			}
		case groupclaim.FormSeparated:
			if strings.HasPrefix(s, "[") {
				t.Fatalf("separated form for %q", s)
			}
			var parts []string
			if sep == groupclaim.SeparatorComma {
				for _, p := range strings.Split(s, ",") {
					parts = append(parts, strings.Trim(p, " "))
				}
			} else {
				parts = strings.Split(s, " ")
			}
			if !sameSet(parts, got) {
				t.Fatalf("Parse(%q, %s) = %q, want %q", s, sep, got, parts)
			}
		default:
			t.Fatalf("Parse(%q) accepted with form %s", s, form)
		}
	})
}

// oracleName is what a name a route compares against may be, written
// independently of checkName: non-empty, at most 256 bytes, valid UTF-8,
// no separator, quote, bracket or backslash, no surrounding space, and
// every rune printable ASCII, or a letter, mark, number, punctuation or
// symbol outside ASCII, or an inner ASCII space.
func oracleName(g string) bool {
	if g == "" || len(g) > 256 || !utf8.ValidString(g) || g[0] == ' ' || g[len(g)-1] == ' ' {
		return false
	}
	for _, r := range g {
		switch {
		case r == ',' || r == '[' || r == ']' || r == '"' || r == '\\':
			return false
		case r == ' ':
		case r < 0x20 || r == 0x7f:
			return false
		case r < 0x80:
		case r == 0x200b || r == 0x202e || r == 0x00a0 || r == 0x3000 || (r >= 0x80 && r < 0xa0):
			return false
		}
	}
	return true
}

func sameSet(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			return false
		}
	}
	return true
}

func hasDup(list []string) bool {
	for i, g := range list {
		if slices.Contains(list[:i], g) {
			return true
		}
	}
	return false
}
