package preview

import (
	"net"
	"net/http"
	"strings"
)

// loopbackOnly passes on only requests whose Host header is a loopback name
// (localhost, 127.0.0.1 or [::1]) with the preview's own port. A web page
// elsewhere can point its own DNS name at 127.0.0.1 (DNS rebinding) and then
// read the preview, which signs in whoever reaches it, as same-origin; its
// requests carry its own name in Host, so they get 421 instead. Every
// listener the preview opens (the app, the key and token endpoint) is
// wrapped in it.
func loopbackOnly(next http.Handler, port string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, p, err := net.SplitHostPort(r.Host)
		if err != nil || p != port || !isLoopbackName(host) {
			http.Error(w, "421 Misdirected Request: the preview answers only http://127.0.0.1:"+port+"/, http://localhost:"+port+"/ and http://[::1]:"+port+"/",
				http.StatusMisdirectedRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func isLoopbackName(host string) bool {
	switch strings.ToLower(host) {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	return false
}
