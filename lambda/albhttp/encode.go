package albhttp

import (
	"encoding/base64"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// appendResponse appends the response JSON the load balancer expects:
// statusCode, statusDescription, the header field of the request's mode
// (multiValueHeaders or headers, keys sorted), body (base64 when b64, which
// is bodyIsBinary(resp)) and isBase64Encoded.
// The output is byte for byte what encoding/json writes for the same values
// with HTML escaping off (the tests compare the two); writing it directly
// saves the reflection, a copy of the body and, for binary bodies, the
// base64 string.
func appendResponse(out []byte, multi bool, resp response, b64 bool) []byte {
	out = append(out, `{"statusCode":`...)
	out = strconv.AppendInt(out, int64(resp.status), 10)
	out = append(out, `,"statusDescription":`...)
	out = appendString(out, statusDescription(resp.status))
	keys := make([]string, 0, len(resp.header))
	for k, vs := range resp.header {
		if multi || len(vs) > 0 {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	if multi {
		out = append(out, `,"multiValueHeaders":{`...)
	} else {
		out = append(out, `,"headers":{`...)
	}
	for i, k := range keys {
		if i > 0 {
			out = append(out, ',')
		}
		out = appendString(out, k)
		out = append(out, ':')
		vs := resp.header[k]
		switch {
		case !multi:
			out = appendString(out, strings.Join(vs, ", "))
		case vs == nil:
			out = append(out, "null"...)
		default:
			out = append(out, '[')
			for j, v := range vs {
				if j > 0 {
					out = append(out, ',')
				}
				out = appendString(out, v)
			}
			out = append(out, ']')
		}
	}
	out = append(out, `},"body":`...)
	if b64 {
		out = append(out, '"')
		out = base64.StdEncoding.AppendEncode(out, resp.body)
		out = append(out, '"')
	} else {
		out = appendString(out, resp.body)
	}
	out = append(out, `,"isBase64Encoded":`...)
	out = strconv.AppendBool(out, b64)
	return append(out, '}')
}

// bodyIsBinary reports whether the body must go base64: anything but a
// valid UTF-8 body of a textual type without Content-Encoding.
func bodyIsBinary(resp response) bool {
	if len(resp.body) == 0 {
		return false
	}
	return !isText(resp.header.Get("Content-Type")) || resp.header.Get("Content-Encoding") != "" || !utf8.Valid(resp.body)
}

const hexDigits = "0123456789abcdef"

// plainASCII marks the ASCII bytes a JSON string holds as they are.
var plainASCII = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// firstSpecial returns the index, 0 to 7, of the first byte of x, 8 bytes
// read little-endian, that is not in plainASCII: a control character, '"',
// '\\' or a byte of a non-ASCII character; 8 if all are. It tests the
// bytes as one word, with Bit Twiddling Hacks' "has a byte less than n"
// (for the controls, and for '"' and '\\' after an XOR that zeroes them):
// a borrow can mark a byte above one that matched, never one below, so the
// lowest mark is exact. Runs of plain text, most of any body, header or
// event, are then skipped 8 bytes at a time.
func firstSpecial(x uint64) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	control := (x - ones*0x20) &^ x
	q := x ^ (ones * '"')
	b := x ^ (ones * '\\')
	return bits.TrailingZeros64((control|(q-ones)&^q|(b-ones)&^b|x)&highs) / 8
}

// le64 reads the 8 bytes of w as a little-endian word.
func le64[S string | []byte](w S) uint64 {
	_ = w[7]
	return uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
		uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
}

// appendString appends s as a JSON string the way encoding/json does
// without HTML escaping: '"', '\\' and control characters escaped (\b, \f,
// \n, \r, \t by name), invalid UTF-8 as \ufffd, U+2028 and U+2029 as \u
// escapes.
func appendString[S string | []byte](out []byte, s S) []byte {
	out = append(out, '"')
	start := 0
	for i := 0; i < len(s); {
		if i+8 <= len(s) {
			n := firstSpecial(le64(s[i : i+8]))
			if i += n; n == 8 {
				continue
			}
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if plainASCII[c] {
				i++
				continue
			}
			out = append(out, s[start:i]...)
			switch c {
			case '"', '\\':
				out = append(out, '\\', c)
			case '\b':
				out = append(out, '\\', 'b')
			case '\f':
				out = append(out, '\\', 'f')
			case '\n':
				out = append(out, '\\', 'n')
			case '\r':
				out = append(out, '\\', 'r')
			case '\t':
				out = append(out, '\\', 't')
			default:
				out = append(out, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		var r rune
		var size int
		switch v := any(s).(type) {
		case string:
			r, size = utf8.DecodeRuneInString(v[i:])
		case []byte:
			r, size = utf8.DecodeRune(v[i:])
		}
		if r == utf8.RuneError && size == 1 {
			out = append(out, s[start:i]...)
			out = append(out, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			out = append(out, s[start:i]...)
			out = append(out, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	out = append(out, s[start:]...)
	return append(out, '"')
}
