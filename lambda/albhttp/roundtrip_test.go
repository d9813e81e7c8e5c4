package albhttp_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albhttp"
)

// TestRoundTrip sends real HTTP requests through the simulated load balancer
// (internal/albsim: HTTP to event, response to HTTP) and the adapter, and
// checks a client sees what the handler meant, including a binary body and
// several cookies.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	img := pngBytes(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /echo", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, r.URL.Query().Get("q")+"|"+r.URL.Query().Get("k/ey"))
	})
	mux.HandleFunc("GET /logo.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(img)
	})
	mux.HandleFunc("POST /upload", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		http.SetCookie(w, &http.Cookie{Name: "one", Value: "1"})
		http.SetCookie(w, &http.Cookie{Name: "two", Value: "2"})
		w.Header().Set("Content-Type", r.Header.Get("Content-Type"))
		w.Write(b)
	})
	a := albhttp.New(mux, nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, err := albsim.FromHTTP(r, "", "")
		if err != nil {
			http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
			return
		}
		resp, err := a.Serve(r.Context(), ev)
		if err != nil {
			t.Error(err)
			return
		}
		if err := albsim.WriteResponse(w, resp); err != nil {
			t.Error(err)
		}
	}))
	defer srv.Close()

	q := url.Values{"q": {"a b&c=d+e/ü"}, "k/ey": {"100%"}}
	res, err := http.Get(srv.URL + "/echo?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if string(b) != "a b&c=d+e/ü|100%" {
		t.Errorf("echo %q", b)
	}

	res, err = http.Get(srv.URL + "/logo.png")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if !bytes.Equal(b, img) || res.Header.Get("Content-Type") != "image/png" {
		t.Errorf("png: %d bytes, %q", len(b), res.Header.Get("Content-Type"))
	}

	res, err = http.Post(srv.URL+"/upload", "image/png", bytes.NewReader(img))
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if !bytes.Equal(b, img) {
		t.Errorf("upload echoed %d bytes, want %d", len(b), len(img))
	}
	if cs := res.Cookies(); len(cs) != 2 || cs[0].Name != "one" || cs[1].Name != "two" {
		t.Errorf("cookies %v", cs)
	}
}
