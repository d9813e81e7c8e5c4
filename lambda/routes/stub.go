// Package routes is a placeholder with the API branch i9-stack provides;
// the merge of i9-stack replaces this file.
package routes

import (
	"encoding/json"
	"fmt"
)

// Route is one entry of the route table.
type Route struct {
	Name                             string            `json:"name"`
	Paths                            []string          `json:"paths"`
	Groups                           []string          `json:"groups,omitempty"`
	Scopes                           []string          `json:"scopes,omitempty"`
	OnUnauthenticatedRequest         string            `json:"onUnauthenticatedRequest,omitempty"`
	AuthenticationRequestExtraParams map[string]string `json:"authenticationRequestExtraParams,omitempty"`
	SessionCookieName                string            `json:"sessionCookieName,omitempty"`
}

// NeedsAccessToken reports whether the route requires groups or scopes.
func (r Route) NeedsAccessToken() bool { return len(r.Groups) > 0 || len(r.Scopes) > 0 }

// Table is the ordered route table.
type Table struct {
	Routes             []Route  `json:"routes"`
	SessionCookieNames []string `json:"sessionCookieNames"`
}

// Parse decodes a table.
func Parse(b []byte) (Table, error) {
	var t Table
	if err := json.Unmarshal(b, &t); err != nil {
		return Table{}, fmt.Errorf("routes: %w", err)
	}
	for i, r := range t.Routes {
		if r.Name == "" || len(r.Paths) == 0 {
			return Table{}, fmt.Errorf("routes: route %d: name and paths are required", i)
		}
	}
	return t, nil
}

// Match returns the first route with a pattern matching path.
func (t Table) Match(path string) (Route, bool) {
	for _, r := range t.Routes {
		for _, p := range r.Paths {
			if glob(p, path) {
				return r, true
			}
		}
	}
	return Route{}, false
}

func glob(p, s string) bool {
	if p == "" {
		return s == ""
	}
	switch p[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if glob(p[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && glob(p[1:], s[1:])
	}
	return s != "" && s[0] == p[0] && glob(p[1:], s[1:])
}
