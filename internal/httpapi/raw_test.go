package httpapi_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// rawConn is a client that writes exactly what it is given and nothing
// more: a request's head and the start of its body, then stalls, as a
// slow or malicious client would; or a request line net/http's client
// would have cleaned.
type rawConn struct {
	c  net.Conn
	br *bufio.Reader
}

// send opens a connection to the fixture's server and writes raw.
func (f *fixture) send(t *testing.T, raw string) *rawConn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(f.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	return &rawConn{c: c, br: bufio.NewReader(c)}
}

// answer waits for the server's answer, while the client sends nothing
// more, and returns it with its body. The wait is generous; what matters
// is that the answer comes although the client stalls.
func (rc *rawConn) answer(t *testing.T) (*http.Response, []byte) {
	t.Helper()
	rc.c.SetReadDeadline(time.Now().Add(15 * time.Second))
	resp, err := http.ReadResponse(rc.br, nil)
	if err != nil {
		t.Fatalf("no answer while the client stalls: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	return resp, body
}

// head is a request head with a Content-Length, the headers given as
// "Name: value" lines.
func head(method, path string, contentLength string, headers ...string) string {
	var b strings.Builder
	b.WriteString(method + " " + path + " HTTP/1.1\r\nHost: switchboard.test\r\n")
	if contentLength != "" {
		b.WriteString("Content-Type: application/json\r\nContent-Length: " + contentLength + "\r\n")
	}
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("\r\n")
	return b.String()
}
