// Package canonpath refuses request paths that are not canonical, so that
// the load balancer and the application behind it read a path the same way.
//
// The load balancer matches a listener rule's path pattern against the path
// exactly as the client sent it, still percent-encoded. Applications route
// on something else: the decoded path, often cleaned as well (net/http's
// ServeMux redirects to path.Clean's result, other routers merge slashes or
// resolve dot segments). Wherever the two readings differ, a client can send
// a path that misses the rule guarding a page and still reach that page:
// "/x/..%2Fadmin" matches no "/admin/*" rule, yet decodes to "/x/../admin"
// and cleans to "/admin". Envoy closes the same gap by rewriting the path
// before routing, with the HTTP connection manager options normalize_path
// (RFC 3986 normalization, which resolves dot segments as §5.2.4 says),
// merge_slashes and path_with_escaped_slashes_action. Here the
// function sees the request after the load balancer has routed it, so
// rewriting is too late: [Check] refuses instead, as Envoy does with
// path_with_escaped_slashes_action: REJECT_REQUEST, and the function answers
// such a request with an error before looking up its route. Browsers do not
// send these paths for ordinary links: they resolve dot segments (%2e
// included), never encode "/" and turn "\" into "/"; only a malformed link
// yields "//".
//
// # What is refused
//
//   - A path that is empty or does not start with "/" (RFC 3986 §3.3: the
//     path of a request with an authority is absolute). Absolute-form
//     targets ("http://host/path") and "*" reach the function only as paths,
//     if at all.
//   - Dot segments: a segment that is "." or "..", each dot written
//     literally or as %2E or %2e (RFC 3986 §2.3: an escaped unreserved
//     character is equivalent to the character itself, so "%2e%2e" is ".."
//     to any application that decodes before it cleans). RFC 3986 §5.2.4
//     (remove_dot_segments) removes them, and with them the segment before
//     a ".."; what the load balancer matched is then not what is served.
//     A segment counts as a dot segment also when its dots are followed by
//     path parameters: "..;x" and ".;x" (";" literal or %3B). RFC 3986 §3.3
//     names ";" as the usual delimiter of a segment's parameters, and
//     servlet containers (Tomcat, Jetty, Spring) drop them before resolving
//     dot segments, so "/x/..;/admin" is "/admin" to them: the well-known
//     "..;/" bypass. Go does not do this, but no client needs such a
//     segment, and the check costs nothing.
//   - Encoded slashes, %2F and %2f (Envoy: path_with_escaped_slashes_action
//     REJECT_REQUEST). Some applications decode them into separators and
//     some do not, so a path holding one has no single reading. A route may
//     opt in with allowEncodedSlash, for an application that needs slashes
//     inside a segment; everything else is still enforced, and on the path
//     as such an application would decode it, with %2F as a separator: a
//     dot segment or an empty segment that an encoded slash delimits
//     ("/x/..%2Fadmin", "/a%2F%2Fb") is refused as such.
//   - Backslashes, literal or %5C/%5c. Browsers and some servers (IIS, and
//     applications on Windows file systems) treat "\" as "/", so it is a
//     separator the load balancer does not see.
//   - Empty segments, "//" anywhere (Envoy: merge_slashes). Routers that
//     merge slashes read "/admin//x" as "/admin/x", and "//admin" can be
//     read as a network-path reference with host "admin" (RFC 3986 §4.2). A
//     single trailing "/" is not an empty segment: "/a/" is canonical, and
//     differs from "/a" for the load balancer and for applications alike.
//   - Bad escapes: a "%" that is not followed by two hex digits, including
//     one cut short by the end of the path (RFC 3986 §2.1). Decoders differ
//     on them: Go refuses the whole path, others pass the "%" through or read
//     IIS's "%u002e" as ".".
//   - Control bytes, 0x00–0x1F and 0x7F, literal or percent-encoded. No URI
//     holds them literally (RFC 3986 §2), encoded they are NUL truncation
//     and CR LF header injection in waiting, and some applications trim
//     them.
//
// When a path has several of these problems, the first met reading left to
// right is reported; a dot or empty segment is met at the "/" (or the end)
// that closes it.
//
// # What is accepted, and why
//
//   - Any other percent-encoded byte, in either case: "/%41dmin",
//     "/caf%C3%A9", "/a%20b". The function matches its route table against
//     the decoded path (see package routes), so a letter encoded to dodge a
//     load balancer rule is still held to that rule's route by the function.
//     Refusing encoded non-ASCII would refuse every ordinary link to a page
//     whose name is not ASCII.
//   - Double encoding, "%25": "/%252e%252e/admin" decodes once, as net/http
//     and the function decode it, to "/%2e%2e/admin", whose segments are not
//     dot segments. Only an application that decodes twice would read dots
//     there, and that is its bug, not an ambiguity of the path; refusing
//     "%25" followed by hex digits would refuse legitimate names holding
//     "%".
//   - ";" outside the dot-segment case above: it is an ordinary character of
//     a segment (RFC 3986 §3.3), Go applications give it no meaning in the
//     path, and parameters such as ";jsessionid=..." are legitimate.
//   - Literal bytes 0x80 and above, and literal spaces. They are not valid
//     URI characters (RFC 3986 §2), and browsers encode them, but whether the
//     load balancer passes them on is not documented; the function cannot
//     tell. They are accepted because they cannot make the two readings
//     differ: a load balancer path pattern holds neither (only ASCII
//     letters, digits and a few marks), so it reaches them only through
//     a wildcard, literal or encoded alike, and the path the application
//     routes on holds the same bytes either way. Overlong UTF-8 such as
//     "%C0%AE" is accepted for the same reason: Go's decoders never turn it
//     into ".", unlike the IIS of 2000. An application that folds Unicode
//     (NFKC: "／" to "/") would be confused by these bytes, encoded or not;
//     none here does.
//   - "?" and "#": the raw path given to Check holds neither the query nor a
//     fragment, so such a byte, if it reaches Check at all, is data.
package canonpath
