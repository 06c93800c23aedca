package httpapi_test

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// A read-only token changes nothing: POST /api/v1/presence/heartbeat is
// refused to it, so the live socket it may open to read events does not
// make its user present either (routing would hand them conversations).
func TestLiveReadOnlyTokenRecordsNoPresence(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		agent := f.users["agent"].ID
		_, raw, err := f.wsSvc.CreateToken(context.Background(), f.ws.ID,
			workspace.NewToken{Name: "watcher", UserID: agent, Scopes: []string{workspace.ScopeReadOnly}})
		must0(t, err)
		f.tokens["watcher"] = raw
		f.run(t, []scenario{{name: "the heartbeat route refuses it", method: "POST", path: "/api/v1/presence/heartbeat", as: "watcher",
			body: `{"device_id":"x"}`, status: 403, want: []string{`"insufficient_scope"`}}})

		lc := f.openLive(t, "watcher", "")
		lc.send(t, `{"type":"heartbeat"}`)
		// The socket still reads: an event reaches it, after the frame.
		f.createContact(t, "Watched")
		if fr := lc.nextEvent(t); firstName(fr) != "Watched" {
			t.Fatalf("the read-only socket reads %+v", fr)
		}
		if n, av := presenceOf(t, f, agent); n != 0 || av == "online" {
			t.Errorf("a read-only token's socket made its user present: %d devices, %q; want none", n, av)
		}
	})
}
