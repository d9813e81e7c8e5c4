package routes

// MatchPattern reports whether path matches the load balancer path pattern:
// case-sensitive, "*" matches zero or more bytes ("/" included), "?" exactly
// one byte, every other byte only itself. path must not include the query
// string. Patterns are ASCII (Validate refuses others), so a byte is a
// character of the pattern; a path's non-ASCII bytes are matched one by one.
//
// The matcher is iterative and allocation-free: on a mismatch it returns to
// the most recent "*" and lets it take one more byte, so it runs in
// O(len(pattern) × len(path)) time at worst, never exponentially. A "*" of
// the pattern is always a wildcard, even against a literal "*" in the path:
// taking it as that literal would drop the backtracking point and refuse
// paths such as "/admin/*x" that "/admin/*" matches.
func MatchPattern(pattern, path string) bool {
	p, s := 0, 0
	star, mark := -1, 0 // last "*" in pattern, and where in path it resumes
	for s < len(path) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, s
			p++
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == path[s]):
			p++
			s++
		case star >= 0:
			mark++
			p, s = star+1, mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// covers reports whether every path that later matches is also matched by
// earlier, so that a rule with pattern later after one with earlier never
// applies. It treats later's wildcards as symbols that earlier must absorb:
// earlier's "*" absorbs any run of them, earlier's "?" absorbs one literal or
// one "?", a literal only itself. The answer is never wrong when true (no
// false alarms); for unusual pairs of wildcards it may miss a cover.
func covers(earlier, later string) bool {
	q, p := canonical(earlier), canonical(later)
	// m[j] reports whether q[:i] absorbs p[:j], row by row.
	prev := make([]bool, len(p)+1)
	cur := make([]bool, len(p)+1)
	prev[0] = true
	for i := 1; i <= len(q); i++ {
		c := q[i-1]
		cur[0] = prev[0] && c == '*'
		for j := 1; j <= len(p); j++ {
			d := p[j-1]
			switch c {
			case '*':
				cur[j] = prev[j] || cur[j-1]
			case '?':
				cur[j] = prev[j-1] && d != '*'
			default:
				cur[j] = prev[j-1] && d == c
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(p)]
}

// canonical rewrites a pattern into an equivalent one in which runs of
// wildcards hold their "?"s first and at most one "*": "*?*" becomes "?*".
func canonical(pattern string) string {
	out := make([]byte, 0, len(pattern))
	for i := 0; i < len(pattern); {
		if pattern[i] != '*' && pattern[i] != '?' {
			out = append(out, pattern[i])
			i++
			continue
		}
		stars, qs := false, 0
		for ; i < len(pattern) && (pattern[i] == '*' || pattern[i] == '?'); i++ {
			if pattern[i] == '*' {
				stars = true
			} else {
				qs++
			}
		}
		for range qs {
			out = append(out, '?')
		}
		if stars {
			out = append(out, '*')
		}
	}
	return string(out)
}
