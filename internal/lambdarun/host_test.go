package lambdarun

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestRuntimeAPIOnlyItsOwnHost: the Runtime API hands out events (with the
// signed-in user's tokens) and takes responses, so a DNS-rebinding page that
// found its port must not reach it: every request whose Host is not the
// listener's own address, as the function's runtime client sends it, gets
// 421 and changes nothing.
func TestRuntimeAPIOnlyItsOwnHost(t *testing.T) {
	t.Parallel()
	const own = "127.0.0.1:41234"
	for _, tc := range []struct {
		name, method, path, host string
		want                     int
	}{
		{"next, rebinding name", "GET", apiPrefix + "invocation/next", "rebind.attacker.example:41234", http.StatusMisdirectedRequest},
		{"next, localhost", "GET", apiPrefix + "invocation/next", "localhost:41234", http.StatusMisdirectedRequest},
		{"next, no port", "GET", apiPrefix + "invocation/next", "127.0.0.1", http.StatusMisdirectedRequest},
		{"response, rebinding name", "POST", apiPrefix + "invocation/inv-1/response", "rebind.attacker.example:41234", http.StatusMisdirectedRequest},
		{"init error, rebinding name", "POST", apiPrefix + "init/error", "evil.example", http.StatusMisdirectedRequest},
		{"response, own host", "POST", apiPrefix + "invocation/inv-1/response", own, http.StatusAccepted},
	} {
		f := &Function{host: own, ready: make(chan struct{}), invocations: make(chan *invocation)}
		inv := &invocation{id: "inv-1", done: make(chan result, 1), deadline: time.Now().Add(time.Minute)}
		f.current = inv
		r := httptest.NewRequest(tc.method, "http://"+own+tc.path, strings.NewReader(`{"statusCode":200}`))
		r.Host = tc.host
		ctx, cancel := context.WithTimeout(r.Context(), time.Second) // without the check, next waits for an event
		defer cancel()
		r = r.WithContext(ctx)
		w := httptest.NewRecorder()
		f.api(w, r)
		if w.Code != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, w.Code, tc.want)
		}
		if tc.want != http.StatusMisdirectedRequest {
			continue
		}
		select {
		case <-f.ready:
			t.Errorf("%s: the function was marked ready", tc.name)
		default:
		}
		if f.current != inv || len(inv.done) != 0 || f.initErr != "" {
			t.Errorf("%s: the request changed the invocation state", tc.name)
		}
	}
}
