package httpapi_test

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// A read-only token types nothing either: its socket's typing notices
// are dropped, as its presence is (a notice shows its user typing in
// conversations they are only watching).
func TestLiveReadOnlyTokenSendsNoTyping(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		w := buildWorld(t, f)
		_, raw, err := f.wsSvc.CreateToken(context.Background(), f.ws.ID,
			workspace.NewToken{Name: "watcher", UserID: f.users["manager"].ID, Scopes: []string{workspace.ScopeReadOnly}})
		must0(t, err)
		f.tokens["watcher"] = raw
		watcher, a := f.openLive(t, "watcher", ""), f.openLive(t, "a", "")
		team := w.conv[placeTeam]
		watcher.send(t, `{"type":"typing","conversation_id":`+itoa(team)+`,"state":"start"}`)
		// A's first notice is the owner's, sent after the watcher's.
		owner := f.openLive(t, "owner", "")
		owner.send(t, `{"type":"typing","conversation_id":`+itoa(team)+`,"state":"stop"}`)
		if fr := a.nextTyping(t); fr.UserID != f.users["owner"].ID || fr.State != "stop" {
			t.Fatalf("A got %+v, want the owner's stop: the read-only token's notice went through", fr)
		}
	})
}
