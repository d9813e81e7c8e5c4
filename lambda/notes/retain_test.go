package main

import (
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"unsafe"
)

// within reports whether s's bytes lie inside buf's.
func within(s, buf string) bool {
	if len(s) == 0 || len(buf) == 0 {
		return false
	}
	p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
	lo := uintptr(unsafe.Pointer(unsafe.StringData(buf)))
	return p >= lo && p < lo+uintptr(len(buf))
}

// TestStoreKeepsOnlyTheNote: the text given to add is often a piece of a
// larger string (the trimmed note of a padded value, a form value sliced
// from the whole body). The store must keep a copy of the note alone, or
// every note keeps its whole request alive.
func TestStoreKeepsOnlyTheNote(t *testing.T) {
	t.Parallel()
	pad := strings.Repeat(" ", 3000)
	for _, tc := range []struct {
		name, buf, want string
		text            func(buf string) string
	}{
		{"padded with spaces", pad + "milk" + pad, "milk", func(b string) string { return b }},
		{"slice of a larger body", "text=milk&pad=" + strings.Repeat("x", 4000), "milk", func(b string) string { return b[len("text="):len("text=milk")] }},
	} {
		s := newStore()
		n, err := s.add("sub", "u", tc.text(tc.buf))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		stored := s.list("sub")[0].Text
		if stored != tc.want || n.Text != tc.want {
			t.Errorf("%s: stored %q, returned %q, want %q", tc.name, stored, n.Text, tc.want)
		}
		if within(stored, tc.buf) {
			t.Errorf("%s: the stored note points into the %d-byte string it came from, which it keeps alive", tc.name, len(tc.buf))
		}
	}
}

// TestNotesDoNotRetainRequests measures what a full store holds after notes
// posted from large padded bodies, through the app's form and JSON
// handlers: a few bytes per note, not the bodies. Not parallel, so no other
// test allocates while it measures.
func TestNotesDoNotRetainRequests(t *testing.T) {
	const (
		users   = 10
		bodyLen = 4000 // under maxRequestBody
	)
	for _, tc := range []struct {
		name, ctype string
		body        func(i int) string
	}{
		// No escape in the value, so url.ParseQuery returns a slice of the body.
		{"form value beside a padding field", "application/x-www-form-urlencoded", func(i int) string {
			return url.Values{"text": {fmt.Sprint("note-", i)}, "pad": {strings.Repeat("x", bodyLen)}}.Encode()
		}},
		{"JSON text padded with spaces", "application/json", func(i int) string {
			return fmt.Sprintf(`{"text":"note %d%s"}`, i, strings.Repeat(" ", bodyLen))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := heapAfterGC()
			s := newStore()
			h := newApp(s)
			path := map[string]string{"application/json": "/api/notes"}[tc.ctype]
			if path == "" {
				path = "/notes"
			}
			for u := range users {
				id := *alice
				id.Subject = fmt.Sprint("sub-", u)
				for i := range maxNotes {
					if w := do(t, h, &id, "POST", path, tc.ctype, tc.body(i)); w.Code >= 400 {
						t.Fatalf("post: %d %s", w.Code, w.Body)
					}
				}
			}
			retained := int64(heapAfterGC()) - int64(before)
			runtime.KeepAlive(s)
			notes := users * maxNotes
			t.Logf("%d notes retain %d bytes", notes, retained)
			// Each note's own bytes, its struct and the slices' growth are
			// well under 1 KB; each body is 4 KB.
			if limit := int64(notes) * 1024; retained > limit {
				t.Errorf("%d notes retain %d bytes (%d per note), over %d: the bodies are kept", notes, retained, retained/int64(notes), limit)
			}
		})
	}
}

func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
