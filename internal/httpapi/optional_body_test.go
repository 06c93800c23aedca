package httpapi_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A route whose body is optional (closing a conversation) takes an empty
// body however it is framed: with Content-Length: 0, or chunked with no
// chunk, as a client that streams its bodies sends one (Go's own client
// turns an empty body into Content-Length: 0, so the request is written
// here by hand). The chunked one was a 400 "request body is empty".
func TestOptionalBodyMayBeEmptyAndChunked(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		r := f.inbound(t, "+14155550101", "Ana", "m-1")
		conn, err := net.Dial("tcp", strings.TrimPrefix(f.srv.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "POST /api/v1/conversations/%d/close HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"+
			"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n", r.ConversationID, f.tokens["owner"])
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), `"status":"closed"`) {
			t.Fatalf("close with an empty chunked body: %d %s", resp.StatusCode, body)
		}
	})
}
