package config

import (
	"sort"
	"strconv"
	"strings"
)

// Problem is one configuration problem: the context key it concerns and a
// message that says what is wrong and how to fix it.
type Problem struct {
	Key     string
	Message string
}

// Error returns "key: message".
func (p Problem) Error() string {
	return p.Key + ": " + p.Message
}

// Problems is every problem found in a configuration. FromContext and Validate
// return it as their error; errors.As recovers it.
type Problems []Problem

// Error returns one problem per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the problems as errors, for errors.Is and errors.As.
func (ps Problems) Unwrap() []error {
	errs := make([]error, len(ps))
	for i, p := range ps {
		errs[i] = p
	}
	return errs
}

// Keys returns the keys that have problems, each once, in order.
func (ps Problems) Keys() []string {
	var keys []string
	seen := make(map[string]bool)
	for _, p := range ps {
		if !seen[p.Key] {
			seen[p.Key] = true
			keys = append(keys, p.Key)
		}
	}
	return keys
}

// asError returns ps sorted by key (in the order of Keys, unknown keys last)
// as an error, or nil when there are no problems.
func (ps Problems) asError() error {
	if len(ps) == 0 {
		return nil
	}
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := keyIndex(ps[i].Key), keyIndex(ps[j].Key)
		if a != b {
			return a < b
		}
		if a == len(specs) {
			return ps[i].Key < ps[j].Key
		}
		return elementIndex(ps[i].Key) < elementIndex(ps[j].Key)
	})
	return ps
}

// elementIndex is N in a problem key such as routes[N].paths[0], so that a
// list's problems come element by element; -1 for the key itself.
func elementIndex(key string) int {
	_, rest, ok := strings.Cut(key, "[")
	if !ok {
		return -1
	}
	n, _, _ := strings.Cut(rest, "]")
	i, err := strconv.Atoi(n)
	if err != nil {
		return -1
	}
	return i
}
