package main

import (
	"slices"
	"strings"
	"sync"
	"time"
)

// Limits keep the store's memory bounded whatever clients send.
const (
	maxNoteBytes = 1000
	maxNotes     = 100  // per user
	maxUsers     = 1000 // per execution environment
)

// note is one note.
type note struct {
	ID      int       `json:"id"`
	Text    string    `json:"text"`
	Created time.Time `json:"created"`
}

// store holds notes in the function's memory, per user (by sub). It is the
// example's stand-in for a database: each Lambda execution environment has
// its own, and it is lost when the environment is recycled. A real app
// would keep notes in DynamoDB and give the function's role access to its
// table.
type store struct {
	mu     sync.Mutex
	byUser map[string][]note
	names  map[string]string // sub → username, for the admin page
	nextID int
	now    func() time.Time
}

func newStore() *store {
	return &store{byUser: map[string][]note{}, names: map[string]string{}, now: time.Now}
}

// list returns the user's notes, newest first; never nil, so the API
// answers [] rather than null.
func (s *store) list(sub string) []note {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns := append([]note{}, s.byUser[sub]...)
	slices.Reverse(ns)
	return ns
}

type addError string

func (e addError) Error() string { return string(e) }

// add stores a note for the user and returns it. The store keeps copies of
// text, sub and username: each may be a slice of a larger string (the
// trimmed note of a padded value, a form value cut from the whole request
// body), which keeping it would keep alive, so the memory bound above would
// count only a fraction of what the store holds.
func (s *store) add(sub, username, text string) (note, error) {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return note{}, addError("the note is empty")
	case len(text) > maxNoteBytes:
		return note{}, addError("the note is longer than 1000 bytes")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, known := s.byUser[sub]
	switch {
	case !known && len(s.byUser) >= maxUsers:
		return note{}, addError("this demo store is full")
	case len(ns) >= maxNotes:
		return note{}, addError("you have 100 notes already; this demo keeps no more")
	}
	if !known {
		sub = strings.Clone(sub)
	}
	s.nextID++
	n := note{ID: s.nextID, Text: strings.Clone(text), Created: s.now().UTC().Truncate(time.Second)}
	s.byUser[sub] = append(ns, n)
	if s.names[sub] != username {
		s.names[sub] = strings.Clone(username)
	}
	return n, nil
}

// userCount is one user's line on the admin page.
type userCount struct {
	Username string `json:"username"`
	Notes    int    `json:"notes"`
}

// counts returns every user's number of notes, by username.
func (s *store) counts() []userCount {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]userCount, 0, len(s.byUser))
	for sub, ns := range s.byUser {
		out = append(out, userCount{Username: s.names[sub], Notes: len(ns)})
	}
	slices.SortFunc(out, func(a, b userCount) int { return strings.Compare(a.Username, b.Username) })
	return out
}
