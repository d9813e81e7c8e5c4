package preview

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// sessionProxy is a proxy with only what its session bookkeeping uses, on
// a clock the test moves.
func sessionProxy(clock *time.Time) *proxy {
	return &proxy{
		sessions: map[string]session{},
		now:      func() time.Time { return *clock },
		routes:   routes.Table{Routes: []routes.Route{{Name: "public", Paths: []string{"/public/*"}, OnUnauthenticatedRequest: routes.Allow}}},
	}
}

// visit is one browser request to p, with session cookie sid ("" for none).
func visit(p *proxy, sid string) (id string, before int, setCookie string) {
	r := httptest.NewRequest("GET", "/", nil)
	if sid != "" {
		r.AddCookie(&http.Cookie{Name: SessionCookie, Value: sid})
	}
	w := httptest.NewRecorder()
	id, before = p.session(w, r)
	return id, before, w.Header().Get("Set-Cookie")
}

// TestSessionsExpire: a session lasts sessionTimeout from sign-in, as the
// load balancer's does; its cookie then starts a new session, and the
// preview forgets the old one.
func TestSessionsExpire(t *testing.T) {
	t.Parallel()
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p := sessionProxy(&clock)
	sid, n, set := visit(p, "")
	if n != 0 || !strings.HasPrefix(set, SessionCookie+"="+sid+";") {
		t.Fatalf("first request: %q %d %q", sid, n, set)
	}
	clock = clock.Add(sessionTimeout - time.Second)
	if id, n, set := visit(p, sid); id != sid || n != 1 || set != "" {
		t.Errorf("within the timeout: %q %d %q, want the same session", id, n, set)
	}
	clock = clock.Add(2 * time.Second)
	r := httptest.NewRequest("GET", "/public/page", nil)
	r.AddCookie(&http.Cookie{Name: SessionCookie, Value: sid})
	if !p.anonymous(r) {
		t.Error("an expired session still counts as signed in on an allow route")
	}
	id, n, set := visit(p, sid)
	if id == sid || n != 0 || !strings.HasPrefix(set, SessionCookie+"="+id+";") {
		t.Errorf("after the timeout: %q %d %q, want a new session", id, n, set)
	}
	if _, ok := p.sessions[sid]; ok || len(p.sessions) != 1 {
		t.Errorf("the expired session is still held (%d sessions)", len(p.sessions))
	}
}

// TestExpiredSessionsArePruned: sessions whose browsers never come back
// are dropped once expired, not kept for the life of the preview.
func TestExpiredSessionsArePruned(t *testing.T) {
	t.Parallel()
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p := sessionProxy(&clock)
	for range 50 {
		visit(p, "")
	}
	clock = clock.Add(sessionTimeout + time.Second)
	id, _, _ := visit(p, "")
	if len(p.sessions) != 1 {
		t.Errorf("%d sessions held, want only the live one %q", len(p.sessions), id)
	}
}

// TestSessionsAreBounded: anything that can reach the preview can start
// sessions without limit (every request without a cookie is one); the
// preview holds at most maxSessions, dropping the oldest, whose browser
// simply signs in again.
func TestSessionsAreBounded(t *testing.T) {
	t.Parallel()
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p := sessionProxy(&clock)
	first, _, _ := visit(p, "")
	var last string
	for range maxSessions + 100 {
		clock = clock.Add(time.Millisecond)
		last, _, _ = visit(p, "")
	}
	if len(p.sessions) > maxSessions {
		t.Errorf("%d sessions held, want at most %d", len(p.sessions), maxSessions)
	}
	if id, n, _ := visit(p, last); id != last || n != 1 {
		t.Errorf("the newest session was dropped: %q %d", id, n)
	}
	if id, _, _ := visit(p, first); id == first {
		t.Error("the oldest session was kept over the bound")
	}
}
