package httpapi

import (
	"io"
	"net/http"
	"sync/atomic"
	"time"
)

// drainGrace is how long the server still reads a body its handler
// answered without reading (a refused credential, a body too large), so
// that a client which sent it promptly sees the answer rather than a reset
// connection, while a stalled one is let go almost at once.
const drainGrace = time.Second

// withBodyDeadline bounds how long a client may take to send a request
// body: timeout after the handler starts (zero: no bound).
//
// http.Server's ReadTimeout is not used for this: it bounds every read of
// the connection, and the server's watch for a closed connection then ends
// each live event stream once it passes. The deadline is instead set per
// request, only on requests that carry a body, and lifted once the body
// has been read to its end, so the handler's own work and a long answer
// are never cut.
//
// A handler that answers before reading the body (a refused credential is
// checked first) is answered at once: the connection is closed after the
// answer instead of reading the rest of the body first, as net/http would.
func withBodyDeadline(timeout time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		b := &deadlineBody{ReadCloser: r.Body, rc: http.NewResponseController(w)}
		if timeout > 0 {
			b.deadline = time.Now().Add(timeout)
			// A writer that cannot set deadlines (a test recorder) reads
			// without one.
			b.rc.SetReadDeadline(b.deadline)
		}
		r.Body = b
		next.ServeHTTP(&bodyWatchWriter{ResponseWriter: w, body: b}, r)
	})
}

// deadlineBody is a request body under a read deadline, lifted at its end.
type deadlineBody struct {
	io.ReadCloser
	rc       *http.ResponseController
	deadline time.Time // zero: none
	ended    atomic.Bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF && !b.ended.Swap(true) && !b.deadline.IsZero() {
		b.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}

// bodyWatchWriter closes the connection after an answer written before
// the request's body was read.
type bodyWatchWriter struct {
	http.ResponseWriter
	body    *deadlineBody
	written bool
}

func (w *bodyWatchWriter) WriteHeader(code int) {
	w.beforeAnswer()
	w.ResponseWriter.WriteHeader(code)
}

func (w *bodyWatchWriter) Write(p []byte) (int, error) {
	w.beforeAnswer()
	return w.ResponseWriter.Write(p)
}

// beforeAnswer runs before the first byte of the answer. With the body
// unread, "Connection: close" keeps net/http from reading the body before
// it answers (a stalled client would hold the answer until the deadline),
// and the remaining read is cut short to drainGrace.
func (w *bodyWatchWriter) beforeAnswer() {
	if w.written {
		return
	}
	w.written = true
	if w.body.ended.Load() {
		return
	}
	w.Header().Set("Connection", "close")
	grace := time.Now().Add(drainGrace)
	if !w.body.deadline.IsZero() && w.body.deadline.Before(grace) {
		grace = w.body.deadline
	}
	w.body.rc.SetReadDeadline(grace)
}

// Flush lets a streaming answer through the wrapper.
func (w *bodyWatchWriter) Flush() {
	w.beforeAnswer()
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *bodyWatchWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
