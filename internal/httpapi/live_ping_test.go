package httpapi_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
)

// A frame the client sends while the keepalive's ping is out (a typing
// notice on a keystroke, just before the browser's pong) does not cost
// the socket: the server takes the pong in behind it and goes on. The
// keepalive used to wait for the pong on the loop that takes the
// client's frames, while the reader, holding the frame, waited for that
// loop: nobody read the pong, and the socket was dropped once the ping
// timed out, every event held back meanwhile.
func TestLiveFrameDuringThePingKeepsTheSocket(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		clk := clock.NewFake(time.Now())
		f := newFixture(t, d, func(deps *httpapi.Deps) { deps.Clock = clk })
		var c *websocket.Conn
		opened := make(chan struct{})
		ctx, cancel := context.WithTimeout(context.Background(), liveWait)
		defer cancel()
		c, _, err := websocket.Dial(ctx, f.srv.URL+"/api/v1/live", &websocket.DialOptions{
			HTTPHeader: http.Header{"Authorization": {"Bearer " + f.tokens["agent"]}},
			// Called on the client's reader as the ping arrives, before
			// its pong is sent: the frame goes out first.
			OnPingReceived: func(ctx context.Context, _ []byte) bool {
				<-opened
				if err := c.Write(ctx, websocket.MessageText, []byte(`{"type":"heartbeat"}`)); err != nil {
					t.Errorf("send a frame before the pong: %v", err)
				}
				return true
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.CloseNow() })
		close(opened)
		lc := watchLive(t, c)

		keepalive(t, clk, 1) // its next one armed: this one went through
		f.createContact(t, "After the ping")
		if fr := lc.nextEvent(t); firstName(fr) != "After the ping" {
			t.Fatalf("after the keepalive the socket got %+v", fr)
		}
	})
}
