package canonpath

// Reasons a path is not canonical, as Error.Reason. They are stable, meant
// for log lines and metrics, and never contain the path.
const (
	ReasonNotAbsolute  = "path_not_absolute"  // empty or not starting with "/"
	ReasonDotSegment   = "path_dot_segment"   // a segment that is "." or "..", each dot literal or %2e/%2E, before any ";" parameters
	ReasonEncodedSlash = "path_encoded_slash" // %2F or %2f
	ReasonBackslash    = "path_backslash"     // a literal '\' or %5C/%5c
	ReasonEmptySegment = "path_empty_segment" // "//" anywhere (a trailing single "/" is fine: "/a/" is canonical)
	ReasonBadEscape    = "path_bad_escape"    // '%' not followed by two hex digits (incl. truncated at end)
	ReasonControl      = "path_control"       // a control byte (0x00-0x1F, 0x7F), literal or percent-encoded
)

// Error says why a path is not canonical. Its message is fixed per reason and
// never contains the path, which is the client's and may hold anything.
type Error struct{ Reason string }

func (e *Error) Error() string {
	switch e.Reason {
	case ReasonNotAbsolute:
		return "canonpath: path is empty or does not start with /"
	case ReasonDotSegment:
		return `canonpath: path has a "." or ".." segment`
	case ReasonEncodedSlash:
		return "canonpath: path has an encoded slash (%2F)"
	case ReasonBackslash:
		return "canonpath: path has a backslash"
	case ReasonEmptySegment:
		return "canonpath: path has an empty segment (//)"
	case ReasonBadEscape:
		return "canonpath: path has a % not followed by two hex digits"
	case ReasonControl:
		return "canonpath: path has a control character"
	}
	return "canonpath: path is not canonical"
}

// The errors Check returns, one per reason, so that refusing a path does not
// allocate. They are shared: callers must not modify them.
var (
	errNotAbsolute  = &Error{ReasonNotAbsolute}
	errDotSegment   = &Error{ReasonDotSegment}
	errEncodedSlash = &Error{ReasonEncodedSlash}
	errBackslash    = &Error{ReasonBackslash}
	errEmptySegment = &Error{ReasonEmptySegment}
	errBadEscape    = &Error{ReasonBadEscape}
	errControl      = &Error{ReasonControl}
)

// Check reports why raw is not canonical, or nil. raw is the request path
// exactly as the client sent it: still percent-encoded, without the query.
// The package documentation lists what is refused and why. With
// allowEncodedSlash, %2F and %2f are accepted and read as the separators an
// application that decodes them sees, so the other rules apply to the
// segments they delimit: "/x/..%2Fadmin" is still refused, as a dot segment.
// The returned error is an *Error; Check reads raw once and does not
// allocate.
func Check(raw string, allowEncodedSlash bool) error {
	if raw == "" || raw[0] != '/' {
		return errNotAbsolute
	}
	// The current segment, decoded so far: its length in bytes, and how many
	// dots it held before anything else (-1 once it held anything else).
	// After a ";" the segment is in its parameters, which do not change
	// whether it is a dot segment.
	n, dots, params := 0, 0, false
	for i := 1; ; i++ {
		if i == len(raw) {
			// The end closes the last segment, which may be empty: "/a/".
			if dots == 1 || dots == 2 {
				return errDotSegment
			}
			return nil
		}
		c := raw[i]
		if c == '%' {
			if i+2 >= len(raw) || !isHex(raw[i+1]) || !isHex(raw[i+2]) {
				return errBadEscape
			}
			c = unhex(raw[i+1])<<4 | unhex(raw[i+2])
			if c == '/' && !allowEncodedSlash {
				return errEncodedSlash
			}
			i += 2
		}
		switch {
		case c < 0x20 || c == 0x7f:
			return errControl
		case c == '\\':
			return errBackslash
		case c == '/':
			if n == 0 {
				return errEmptySegment
			}
			if dots == 1 || dots == 2 {
				return errDotSegment
			}
			n, dots, params = 0, 0, false
			continue
		case params: // a parameter byte: the segment's dots are counted
		case c == ';':
			params = true
		case c == '.' && dots >= 0:
			dots++
		default:
			dots = -1
		}
		n++
	}
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// unhex is the value of a hex digit.
func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}
