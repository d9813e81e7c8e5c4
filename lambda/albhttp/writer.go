package albhttp

import (
	"bytes"
	"fmt"
	"net/http"
	"sync"
)

// writer is the http.ResponseWriter handlers write to. It buffers the body up
// to the limit and, like net/http's server, freezes the headers at
// WriteHeader, sniffs a missing Content-Type from the first write, discards
// HEAD bodies and refuses bodies for 204 and 304.
type writer struct {
	header      http.Header // what the handler sees and changes
	sent        http.Header // the header as it was at WriteHeader
	status      int
	wroteHeader bool
	head        bool
	limit       int
	tooLarge    bool
	body        *bytes.Buffer
}

// bodies recycles response buffers: the response JSON is a copy, so a
// buffer is free again once the response is encoded.
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func newWriter(head bool, limit int) *writer {
	return &writer{header: make(http.Header), head: head, limit: limit, body: bodies.Get().(*bytes.Buffer)}
}

// release returns the body buffer to the pool; the writer is unusable after.
func (w *writer) release() {
	if w.body.Cap() <= 256<<10 {
		w.body.Reset()
		bodies.Put(w.body)
	}
	w.body = nil
}

func (w *writer) Header() http.Header { return w.header }

func (w *writer) WriteHeader(code int) {
	if w.wroteHeader {
		return
	}
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code))
	}
	if code < 200 && code != http.StatusSwitchingProtocols {
		return // informational: net/http sends it and waits for the final one
	}
	w.wroteHeader = true
	w.status = code
	w.sent = w.header.Clone()
}

func (w *writer) Write(p []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if w.status == http.StatusNoContent || w.status == http.StatusNotModified {
		return 0, http.ErrBodyNotAllowed
	}
	if len(p) == 0 {
		return 0, nil
	}
	if _, ok := w.sent["Content-Type"]; !ok && w.body.Len() == 0 {
		w.sent.Set("Content-Type", http.DetectContentType(p))
	}
	if w.head {
		return len(p), nil
	}
	if w.tooLarge || w.body.Len()+len(p) > w.limit {
		w.tooLarge = true
		return 0, ErrResponseTooLarge
	}
	return w.body.Write(p)
}

// Flush implements http.Flusher as a no-op: the load balancer takes the
// whole response at once, so streaming handlers still work, unstreamed.
func (w *writer) Flush() {}

func (w *writer) response() response {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	return response{status: w.status, header: w.sent, body: w.body.Bytes()}
}
