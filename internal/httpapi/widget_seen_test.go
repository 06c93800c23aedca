package httpapi_test

import (
	"encoding/json"
	"sync"
	"testing"

	"github.com/coder/websocket"

	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
	"github.com/switchboard-chat/switchboard/internal/channel/widget"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
	"github.com/switchboard-chat/switchboard/internal/live"
)

// A person reading a widget conversation tells its visitor live, on the
// history and on their next socket, up to when their messages were seen;
// another visitor and the agents' own sockets hear nothing of it.
func TestWidgetVisitorToldOfReads(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.widgetChannel(t)
		ana, bob := f.newVisitor(t), f.newVisitor(t)
		anaSocket, bobSocket := f.openVisitorSocket(t, ana), f.openVisitorSocket(t, bob)
		hi := anaSocket.says("Is my order on its way?", "a1")
		bobSocket.says("Do you ship to Canada?", "b1")
		owner := f.openLive(t, "owner", "")

		history := func(v widget.Visitor) widget.History { return f.visitorHistory(t, v) }
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
		// Bob's socket heard neither: his next frame is the reply to him
		// (past the team's availability: the agent's socket put them online).
		f.run(t, []scenario{{name: "the agent replies to Bob", method: "POST", path: "/api/v1/conversations/" + itoa(history(bob).Messages[0].ConversationID) + "/messages",
			as: "agent", status: 202, body: `{"text":"We do."}`}})
		fr, err := bobSocket.read()
		for err == nil && fr.Type == "availability" {
			fr, err = bobSocket.read()
		}
		if err != nil || fr.Type != "message" || fr.Message.Text != "We do." {
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

// A person's read is announced only where someone listens, the widget's
// visitor: a read of another channel's conversation tells no socket and
// no other node (each notice wakes every live socket of the workspace).
func TestReadAnnouncedOnWidgetChannelsOnly(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		var mu sync.Mutex
		var told []live.Remote
		f := newFixture(t, d, func(deps *httpapi.Deps) {
			deps.Live.Publish = func(r live.Remote) {
				mu.Lock()
				told = append(told, r)
				mu.Unlock()
			}
		})
		f.widgetChannel(t)
		announced := func() []live.Remote {
			mu.Lock()
			defer mu.Unlock()
			return append([]live.Remote(nil), told...)
		}
		read := func(conv int64) {
			t.Helper()
			f.run(t, []scenario{{name: "the agent reads", method: "POST", path: "/api/v1/conversations/" + itoa(conv) + "/read",
				as: "agent", status: 204}})
		}

		read(f.inbound(t, "+15550100", "Cara", "c1").ConversationID)
		if got := announced(); len(got) != 0 {
			t.Fatalf("a read on the custom channel was announced: %+v", got)
		}
		hi := f.openVisitorSocket(t, f.newVisitor(t)).says("Hello?", "a1")
		read(hi.ConversationID)
		if got := announced(); len(got) != 1 || got[0].ConversationID != hi.ConversationID || got[0].State != live.Read {
			t.Fatalf("a read on the widget announced %+v", got)
		}
	})
}

// A visitor whose widget shows a reply, panel open, marks it read, and
// every reply sent before it was written: the agents see read where they
// saw sent. A read naming someone else's reply marks nothing.
func TestWidgetVisitorReceiptsForReplies(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.widgetChannel(t)
		channeltest.RunDispatcher(t, d, f.channels)
		owner := f.openLive(t, "owner", "")
		ana, bob := f.newVisitor(t), f.newVisitor(t)
		anaSocket, bobSocket := f.openVisitorSocket(t, ana), f.openVisitorSocket(t, bob)
		conv := itoa(anaSocket.says("Where is my parcel?", "a1").ConversationID)
		bobSocket.says("Hello?", "b1")
		// until reads the owner's events until each message named has the
		// status.
		until := func(status string, ids ...int64) {
			t.Helper()
			left := map[int64]bool{}
			for _, id := range ids {
				left[id] = true
			}
			for len(left) > 0 {
				fr := owner.nextEvent(t)
				var p struct {
					MessageID int64 `json:"message_id"`
					Status    string
				}
				if fr.Event.Type == "message.status" && json.Unmarshal(fr.Event.Payload, &p) == nil && p.Status == status {
					delete(left, p.MessageID)
				}
			}
		}
		reply := func(text string) widget.Message {
			t.Helper()
			f.run(t, []scenario{{name: "the agent replies", method: "POST", path: "/api/v1/conversations/" + conv + "/messages", as: "agent",
				status: 202, body: `{"text":"` + text + `"}`}})
			return anaSocket.message(text)
		}
		statusOf := func(id int64) string {
			t.Helper()
			var page struct {
				Data []struct {
					ID     int64
					Status string
				}
			}
			f.get(t, "/api/v1/conversations/"+conv+"/messages?limit=50", "agent", &page)
			for _, m := range page.Data {
				if m.ID == id {
					return m.Status
				}
			}
			t.Fatalf("no message %d in the conversation", id)
			return ""
		}
		first := reply("It left our warehouse today.")
		until("sent", first.ID)

		// Bob names Ana's reply, past his reads' rate (the fixture's 4), and
		// says he has it: his next message's ack says his frames were
		// handled (a socket's frames are handled in order) and that refusing
		// one closed nothing.
		for range widgetTestLimits.PerVisitor + 1 {
			bobSocket.write(map[string]any{"type": "read", "message_id": first.ID})
		}
		bobSocket.write(map[string]any{"type": "delivered", "message_id": first.ID})
		bobSocket.says("Anyone?", "b2")
		if st := statusOf(first.ID); st != "sent" {
			t.Fatalf("after Bob's receipts Ana's reply is %s", st)
		}

		// Ana's widget has the first reply (panel closed): delivered.
		anaSocket.write(map[string]any{"type": "delivered", "message_id": first.ID})
		until("delivered", first.ID)

		// Ana reads the second reply: it is read, and so is the first,
		// sent before it was written. (Read before its send is recorded, a
		// reply's read is kept until it is: conversation's early statuses.)
		second := reply("Tracking: ZX-42.")
		until("sent", second.ID)
		anaSocket.write(map[string]any{"type": "delivered", "message_id": second.ID})
		until("delivered", second.ID)
		anaSocket.write(map[string]any{"type": "read", "message_id": second.ID})
		until("read", first.ID, second.ID)

		// A delivered that comes after the read (another tab of hers, just
		// connected) moves nothing back.
		anaSocket.write(map[string]any{"type": "delivered", "message_id": second.ID})
		anaSocket.says("Thanks!", "a2")
		if a, b := statusOf(first.ID), statusOf(second.ID); a != "read" || b != "read" {
			t.Fatalf("after Ana's read the replies are %s and %s", a, b)
		}
	})
}
