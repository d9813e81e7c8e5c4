package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"html/template"
	"mime"
	"net/http"
	"strings"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/page"
)

// adminRoute is the route table entry (config key routes) the admin page
// is served on. The middleware has already checked its groups when the page
// runs; the page itself only checks the request came through that route and
// that the route asks for a group, so a deployment whose table lacks it
// fails closed (403) instead of showing the admin page to every user.
const adminRoute = "admin"

// maxRequestBody bounds what a client can make the app read.
const maxRequestBody = 4 << 10

// newApp returns the notes app: an ordinary http.Handler, routed by
// http.ServeMux, that learns who is signed in from identity.FromContext.
// Unsafe cross-origin requests (a form on another site posting here) never
// reach it: the identity middleware refuses them (identity.Options.CrossOrigin).
func newApp(s *store) http.Handler {
	a := &app{store: s}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", a.home)
	mux.HandleFunc("POST /notes", a.addForm)
	mux.HandleFunc("GET /api/notes", a.listJSON)
	mux.HandleFunc("POST /api/notes", a.addJSON)
	mux.HandleFunc("GET /admin", a.admin)
	return mux
}

type app struct {
	store *store
}

// user returns the signed-in user, or answers 401 itself. The middleware
// lets a request through without one only on a route whose
// onUnauthenticatedRequest is allow.
func user(w http.ResponseWriter, r *http.Request, asJSON bool) (*identity.Identity, bool) {
	id, ok := identity.FromContext(r.Context())
	if !ok {
		if asJSON {
			writeJSON(w, http.StatusUnauthorized, errorBody{"not signed in"})
		} else {
			writeHTML(w, http.StatusUnauthorized, problemTmpl, problem{"Not signed in", "Sign in to see your notes."})
		}
	}
	return id, ok
}

func displayName(id *identity.Identity) string {
	for _, s := range []string{id.Username, id.Email, id.Subject} {
		if s != "" {
			return s
		}
	}
	return "you"
}

func (a *app) home(w http.ResponseWriter, r *http.Request) {
	id, ok := user(w, r, false)
	if !ok {
		return
	}
	writeHTML(w, http.StatusOK, homeTmpl, homePage{Who: displayName(id), Notes: a.store.list(id.Subject), Max: maxNoteBytes})
}

func (a *app) addForm(w http.ResponseWriter, r *http.Request) {
	id, ok := user(w, r, false)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxRequestBody)
	if err := r.ParseForm(); err != nil {
		writeHTML(w, http.StatusBadRequest, problemTmpl, problem{"Not saved", "The form could not be read (at most 1000 bytes of text)."})
		return
	}
	if _, err := a.store.add(id.Subject, displayName(id), r.PostForm.Get("text")); err != nil {
		writeHTML(w, http.StatusBadRequest, problemTmpl, problem{"Not saved", capitalize(err.Error()) + "."})
		return
	}
	// Post/Redirect/Get: a reload does not post the note again.
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

type notesBody struct {
	User  string `json:"user"`
	Notes []note `json:"notes"`
}

type errorBody struct {
	Error string `json:"error"`
}

func (a *app) listJSON(w http.ResponseWriter, r *http.Request) {
	id, ok := user(w, r, true)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, notesBody{User: displayName(id), Notes: a.store.list(id.Subject)})
}

func (a *app) addJSON(w http.ResponseWriter, r *http.Request) {
	id, ok := user(w, r, true)
	if !ok {
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		writeJSON(w, http.StatusUnsupportedMediaType, errorBody{`send {"text": "..."} as application/json`})
		return
	}
	var in struct {
		Text string `json:"text"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRequestBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody{`the body is not {"text": "..."}`})
		return
	}
	n, err := a.store.add(id.Subject, displayName(id), in.Text)
	var ae addError
	if errors.As(err, &ae) {
		writeJSON(w, http.StatusBadRequest, errorBody{ae.Error()})
		return
	}
	writeJSON(w, http.StatusCreated, n)
}

func (a *app) admin(w http.ResponseWriter, r *http.Request) {
	id, ok := user(w, r, false)
	if !ok {
		return
	}
	if !id.Routed || id.Route.Name != adminRoute || len(id.Route.Groups) == 0 {
		writeHTML(w, http.StatusForbidden, problemTmpl, problem{"Admin page not enabled",
			"The route table has no route named admin that requires a group, so this page stays closed."})
		return
	}
	writeHTML(w, http.StatusOK, adminTmpl, adminPage{Who: displayName(id), Groups: strings.Join(id.Route.Groups, " or "), Users: a.store.counts()})
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// csp is the page package's policy with forms allowed to post back here.
var csp = strings.Replace(page.CSP, "form-action 'none'", "form-action 'self'", 1)

func writeHTML(w http.ResponseWriter, status int, t *template.Template, data any) {
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		http.Error(w, "500 Internal Server Error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	page.SetSecurityHeaders(h)
	h.Set("Content-Security-Policy", csp)
	h.Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "500 Internal Server Error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	page.SetSecurityHeaders(h)
	h.Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

type homePage struct {
	Who   string
	Notes []note
	Max   int
}

type adminPage struct {
	Who    string
	Groups string
	Users  []userCount
}

type problem struct {
	Title, Message string
}

var (
	homeTmpl = template.Must(template.New("home").Parse(page.Document("Notes", `<header><h1>Notes for {{.Who}}</h1><a class="btn" href="/logout">Sign out</a></header>
<form method="post" action="/notes">
<p><label for="text">New note</label><br><textarea id="text" name="text" rows="3" cols="60" maxlength="{{.Max}}" required></textarea></p>
<p><button class="btn" type="submit">Save</button></p>
</form>
<h2>Your notes</h2>
{{if .Notes}}<div class="scroll"><table><thead><tr><th>Saved</th><th>Note</th></tr></thead><tbody>
{{range .Notes}}<tr><td><time datetime="{{.Created.Format "2006-01-02T15:04:05Z"}}">{{.Created.Format "2 Jan 15:04 UTC"}}</time></td><td>{{.Text}}</td></tr>
{{end}}</tbody></table></div>{{else}}<p class="note">No notes yet.</p>{{end}}
<p class="note">The same notes as JSON: <a href="/api/notes">/api/notes</a>. <a href="/admin">Admin</a> (admins only). Notes live in this function's memory: a demo, not a database.</p>
`)))
	adminTmpl = template.Must(template.New("admin").Parse(page.Document("Notes: admin", `<header><h1>Admin</h1><a class="btn" href="/">Your notes</a></header>
<p>Signed in as {{.Who}}; this page is for members of {{.Groups}}.</p>
<h2>Notes per user</h2>
{{if .Users}}<div class="scroll"><table><thead><tr><th>User</th><th>Notes</th></tr></thead><tbody>
{{range .Users}}<tr><td>{{.Username}}</td><td>{{.Notes}}</td></tr>
{{end}}</tbody></table></div>{{else}}<p class="note">Nobody has saved a note yet.</p>{{end}}
`)))
	problemTmpl = template.Must(template.New("problem").Parse(page.Document("{{.Title}}", `<h1>{{.Title}}</h1>
<p>{{.Message}}</p>
<p><a href="/">Back to your notes</a></p>
`)))
)
