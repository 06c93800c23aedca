package httpapi_test

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/coder/websocket"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// One machine cannot hold every visitor socket of the node: past
// SocketsPerAddr sockets from its address the upgrade is a 429, while a
// visitor at another address still connects. (Before, only the node's
// 10,000 bounded them, so one script could take every slot.) The second
// address is 127.0.0.2, which Linux's loopback answers too.
func TestWidgetSocketsBoundedPerClientAddress(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.widgetChannel(t)
		url := strings.Replace(f.srv.URL, "http", "ws", 1) + "/widget/" + f.vars["widget"] + "/socket"
		dial := func(from string) (*websocket.Conn, *http.Response, error) {
			ctx, cancel := context.WithTimeout(context.Background(), liveWait)
			defer cancel()
			dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
			client := &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext}}
			return websocket.Dial(ctx, url, &websocket.DialOptions{HTTPClient: client, HTTPHeader: http.Header{"Origin": {widgetOrigin}}})
		}
		for i := range widgetTestLimits.SocketsPerAddr {
			c, _, err := dial("127.0.0.1")
			if err != nil {
				t.Fatalf("socket %d: %v", i+1, err)
			}
			defer c.CloseNow()
		}
		_, resp, err := dial("127.0.0.1")
		if err == nil || resp == nil || resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("one socket past the address's bound: %v %v", resp, err)
		}
		c, _, err := dial("127.0.0.2")
		if err != nil {
			t.Fatalf("a visitor at another address: %v", err)
		}
		c.CloseNow()
	})
}
