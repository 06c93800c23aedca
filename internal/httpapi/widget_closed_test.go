package httpapi_test

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// The visitor learns that their conversation was closed: live on their
// socket, in their history, and on a socket opened later (it may close
// while they are away); their next message starts another conversation,
// whose history is no longer "closed".
func TestWidgetVisitorToldOfTheClose(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.widgetChannel(t)
		ana := f.newVisitor(t)
		socket := f.openVisitorSocket(t, ana)
		first := socket.says("Where is my order?", "a1").ConversationID
		if h := f.visitorHistory(t, ana); h.Closed {
			t.Fatal("an open conversation's history says closed")
		}
		f.run(t, []scenario{{name: "the agent closes it", method: "POST", path: "/api/v1/conversations/" + itoa(first) + "/close",
			as: "agent", body: `{}`, status: 200}})
		if fr := socket.until("closed"); fr.ConversationID != first {
			t.Fatalf("Ana is told conversation %d closed, want %d", fr.ConversationID, first)
		}
		if h := f.visitorHistory(t, ana); !h.Closed {
			t.Fatal("after the close, Ana's history does not say closed")
		}
		again := f.openVisitorSocket(t, ana)
		if fr := again.until("closed"); fr.ConversationID != first {
			t.Fatalf("a new socket tells conversation %d closed, want %d", fr.ConversationID, first)
		}

		second := again.says("One more thing", "a2").ConversationID
		if second == first || second == 0 {
			t.Fatalf("Ana's message after the close went to conversation %d (the closed one: %d)", second, first)
		}
		if h := f.visitorHistory(t, ana); h.Closed {
			t.Fatal("with a new conversation open, Ana's history still says closed")
		}
	})
}
