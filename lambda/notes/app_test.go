package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

var (
	alice     = &identity.Identity{Subject: "sub-alice", Username: "alice", Email: "alice@example.com"}
	bob       = &identity.Identity{Subject: "sub-bob", Username: "bob"}
	adminRt   = routes.Route{Name: "admin", Paths: []string{"/admin", "/admin/*"}, Groups: []string{"admins"}}
	aliceAtAd = &identity.Identity{Subject: "sub-alice", Username: "alice", Groups: []string{"admins"}, Route: adminRt, Routed: true}
)

// do sends one request to h as id (nil: nobody signed in).
func do(t *testing.T, h http.Handler, id *identity.Identity, method, target, ctype, body string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	if id != nil {
		r = r.WithContext(identity.NewContext(r.Context(), id))
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestNotes(t *testing.T) {
	t.Parallel()
	h := newApp(newStore())
	const form = "application/x-www-form-urlencoded"

	// A note saved from the form, then from the API.
	w := do(t, h, alice, "POST", "/notes", form, url.Values{"text": {"<script>alert(1)</script> & milk"}}.Encode())
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/" {
		t.Fatalf("form post: %d %q", w.Code, w.Header().Get("Location"))
	}
	w = do(t, h, alice, "POST", "/api/notes", "application/json", `{"text":"second"}`)
	if w.Code != http.StatusCreated || !strings.Contains(w.Body.String(), `"text":"second"`) {
		t.Fatalf("api post: %d %s", w.Code, w.Body)
	}

	// The page shows both, escaped, newest first, with the security headers.
	w = do(t, h, alice, "GET", "/", "", "")
	page := w.Body.String()
	if w.Code != 200 || !strings.Contains(page, "Notes for alice") {
		t.Fatalf("home: %d %s", w.Code, page)
	}
	if strings.Contains(page, "<script>alert") || !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; milk") {
		t.Errorf("note not escaped: %s", page)
	}
	if strings.Index(page, "second") > strings.Index(page, "milk") {
		t.Error("notes not newest first")
	}
	if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self'") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP %q", csp)
	}

	// The API lists the same notes; bob sees none of them.
	var got notesBody
	w = do(t, h, alice, "GET", "/api/notes", "", "")
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || got.User != "alice" || len(got.Notes) != 2 || got.Notes[0].Text != "second" {
		t.Errorf("api list: %v %s", err, w.Body)
	}
	w = do(t, h, bob, "GET", "/api/notes", "", "")
	if !strings.Contains(w.Body.String(), `"notes":[]`) {
		t.Errorf("no notes is not []: %s", w.Body)
	}
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || got.User != "bob" || len(got.Notes) != 0 {
		t.Errorf("bob's list: %v %s", err, w.Body)
	}
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	s := newStore()
	h := newApp(s)
	for _, tc := range []struct {
		name         string
		id           *identity.Identity
		method, path string
		ctype, body  string
		hdr          []string
		status       int
		want         string
	}{
		{"nobody signed in, page", nil, "GET", "/", "", "", nil, 401, "Not signed in"},
		{"nobody signed in, API", nil, "GET", "/api/notes", "", "", nil, 401, `{"error":"not signed in"}`},
		{"API wants JSON", alice, "POST", "/api/notes", "text/plain", "hi", nil, 415, "application/json"},
		{"API bad JSON", alice, "POST", "/api/notes", "application/json", `{"text":`, nil, 400, `the body is not`},
		{"API unknown field", alice, "POST", "/api/notes", "application/json", `{"text":"a","admin":true}`, nil, 400, `the body is not`},
		{"API empty note", alice, "POST", "/api/notes", "application/json", `{"text":"  "}`, nil, 400, `the note is empty`},
		{"API long note", alice, "POST", "/api/notes", "application/json", `{"text":"` + strings.Repeat("x", 1001) + `"}`, nil, 400, "longer than 1000 bytes"},
		{"API body too big", alice, "POST", "/api/notes", "application/json", `{"text":"` + strings.Repeat("x", 5000) + `"}`, nil, 400, `the body is not`},
		{"form empty note", alice, "POST", "/notes", "application/x-www-form-urlencoded", "text=", nil, 400, "The note is empty"},
		{"admin outside the admin route", alice, "GET", "/admin", "", "", nil, 403, "Admin page not enabled"},
		{"admin route without groups", &identity.Identity{Subject: "s", Route: routes.Route{Name: "admin", Paths: []string{"/admin"}}, Routed: true}, "GET", "/admin", "", "", nil, 403, "Admin page not enabled"},
		{"unknown path", alice, "GET", "/nope", "", "", nil, 404, ""},
		{"wrong method", alice, "DELETE", "/api/notes", "", "", nil, 405, ""},
	} {
		w := do(t, h, tc.id, tc.method, tc.path, tc.ctype, tc.body, tc.hdr...)
		if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.want) {
			t.Errorf("%s: %d %q, want %d containing %q", tc.name, w.Code, w.Body, tc.status, tc.want)
		}
	}
	if ns := s.list(alice.Subject); len(ns) != 0 {
		t.Errorf("refused requests stored %v", ns)
	}
}

func TestAdmin(t *testing.T) {
	t.Parallel()
	s := newStore()
	h := newApp(s)
	do(t, h, alice, "POST", "/api/notes", "application/json", `{"text":"a"}`)
	do(t, h, bob, "POST", "/api/notes", "application/json", `{"text":"b"}`)
	do(t, h, bob, "POST", "/api/notes", "application/json", `{"text":"c"}`)
	w := do(t, h, aliceAtAd, "GET", "/admin", "", "")
	body := w.Body.String()
	if w.Code != 200 || !strings.Contains(body, "for members of admins") ||
		!strings.Contains(body, "<td>alice</td><td>1</td>") || !strings.Contains(body, "<td>bob</td><td>2</td>") {
		t.Errorf("admin: %d %s", w.Code, body)
	}
}

func TestStoreLimits(t *testing.T) {
	t.Parallel()
	s := newStore()
	for i := range maxNotes {
		if _, err := s.add("sub", "u", "note"); err != nil {
			t.Fatalf("note %d: %v", i, err)
		}
	}
	if _, err := s.add("sub", "u", "one more"); err == nil {
		t.Error("note over the per-user limit accepted")
	}
	for i := range maxUsers - 1 {
		if _, err := s.add("user"+string(rune('a'+i%26))+strings.Repeat("x", i/26), "u", "n"); err != nil {
			t.Fatalf("user %d: %v", i, err)
		}
	}
	if _, err := s.add("one-too-many", "u", "n"); err == nil {
		t.Error("user over the limit accepted")
	}
}
