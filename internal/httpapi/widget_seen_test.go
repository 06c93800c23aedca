package httpapi_test

import (
	"encoding/json"
	"testing"

	"github.com/coder/websocket"

	"github.com/switchboard-chat/switchboard/internal/channel/widget"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A person reading a widget conversation tells its visitor live, on the
// history and on their next socket, up to when their messages were seen;
// another visitor and the agents' own sockets hear nothing of it.
func TestWidgetVisitorToldOfReads(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.widgetChannel(t)
		ana, bob := f.newVisitor(t), f.newVisitor(t)
		anaSocket, bobSocket := f.openVisitorSocket(t, ana), f.openVisitorSocket(t, bob)
		hi := anaSocket.says("Is my order on its way?", "a1")
		bobSocket.says("Do you ship to Canada?", "b1")
		owner := f.openLive(t, "owner", "")

		history := func(v widget.Visitor) widget.History {
			t.Helper()
			status, body := f.do(t, scenario{method: "GET", path: "/widget/{{widget}}/messages", header: visitorHeader(v)})
			var h widget.History
			if status != 200 || json.Unmarshal(body, &h) != nil {
				t.Fatalf("history: %d %s", status, body)
			}
			return h
		}
		if h := history(ana); h.SeenAt != nil {
			t.Fatalf("unread, Ana's history says seen at %v", h.SeenAt)
		}

		path := "/api/v1/conversations/" + itoa(hi.ConversationID) + "/read"
		f.run(t, []scenario{{name: "the agent opens Ana's conversation", method: "POST", path: path, as: "agent", status: 204}})
		fr := anaSocket.until("read")
		if fr.SeenAt == nil || fr.SeenAt.Before(hi.CreatedAt) {
			t.Fatalf("Ana is told her messages were seen up to %v; her message was stored at %v", fr.SeenAt, hi.CreatedAt)
		}
		if h := history(ana); h.SeenAt == nil || !h.SeenAt.Equal(*fr.SeenAt) {
			t.Fatalf("Ana's history says seen at %v, her socket %v", h.SeenAt, fr.SeenAt)
		}
		if h := history(bob); h.SeenAt != nil {
			t.Fatalf("Bob, unread, is told he was seen at %v", h.SeenAt)
		}

		// The read reached the owner's socket through the hub too, which
		// forwards typing alone: the agent's next typing is its next notice.
		agent := f.openLive(t, "agent", "")
		agent.send(t, `{"type":"typing","conversation_id":`+itoa(hi.ConversationID)+`,"state":"start"}`)
		if fr := owner.nextTyping(t); fr.State != "start" {
			t.Fatalf("the owner's socket was sent %+v", fr)
		}
		// Bob's socket heard neither: his next frame is the reply to him.
		f.run(t, []scenario{{name: "the agent replies to Bob", method: "POST", path: "/api/v1/conversations/" + itoa(history(bob).Messages[0].ConversationID) + "/messages",
			as: "agent", status: 202, body: `{"text":"We do."}`}})
		if fr, err := bobSocket.read(); err != nil || fr.Type != "message" || fr.Message.Text != "We do." {
			t.Fatalf("Bob's next frame is %+v (%v)", fr, err)
		}

		// Back later, Ana's new socket says so after her history; a message
		// written after the read is stored after the time she is told.
		anaSocket.c.Close(websocket.StatusNormalClosure, "")
		again := f.openVisitorSocket(t, ana)
		fr = again.until("read")
		if fr.SeenAt == nil || fr.SeenAt.Before(hi.CreatedAt) {
			t.Fatalf("back, Ana is told seen at %v", fr.SeenAt)
		}
		later := again.says("Any news?", "a2")
		if later.CreatedAt.Before(*fr.SeenAt) {
			t.Fatalf("a message after the read (%v) is stored before its time (%v)", later.CreatedAt, fr.SeenAt)
		}
	})
}
