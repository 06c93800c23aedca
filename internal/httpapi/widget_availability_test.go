package httpapi_test

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// The widget tells its visitor whether someone of the team is online to
// take the conversation, on connecting (before they wrote anything) and
// whenever that changes: an agent's heartbeat puts them online, busy is
// not online, and a visitor connecting later hears how things stand.
func TestWidgetToldTheTeamsAvailability(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.widgetChannel(t)
		ana := f.openVisitorSocket(t, f.newVisitor(t))
		online := func(s *visitorSocket, want bool, when string) {
			t.Helper()
			fr := s.until("availability")
			if fr.Online == nil || *fr.Online != want {
				t.Fatalf("%s: the visitor is told online=%v, want %v", when, fr.Online, want)
			}
		}
		online(ana, false, "nobody online")

		f.run(t, []scenario{{name: "the agent's app beats", method: "POST", path: "/api/v1/presence/heartbeat", as: "agent",
			body: `{"device_id":"web-1"}`, status: 200}})
		online(ana, true, "the agent online")

		f.run(t, []scenario{{name: "the agent is busy", method: "PUT", path: "/api/v1/presence", as: "agent",
			body: `{"status":"busy"}`, status: 200}})
		online(ana, false, "the agent busy")
		bob := f.openVisitorSocket(t, f.newVisitor(t))
		online(bob, false, "Bob connecting while the agent is busy")

		f.run(t, []scenario{{name: "the agent is back", method: "PUT", path: "/api/v1/presence", as: "agent",
			body: `{"status":"online"}`, status: 200}})
		online(ana, true, "the agent back, Ana")
		online(bob, true, "the agent back, Bob")
	})
}

// The team's availability is a hint: a socket that cannot read it (the
// store fails there) opens all the same, without the news, and carries
// the visitor's messages.
func TestWidgetSocketOpensWithoutTheTeamsAvailability(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.widgetChannel(t)
		// Routing's presence can no longer be read.
		if err := d.Write(context.Background(), func(tx *db.Tx) error {
			_, err := tx.Exec(context.Background(), `ALTER TABLE routing_agents RENAME TO routing_agents_kept`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		ana := f.openVisitorSocket(t, f.newVisitor(t))
		if m := ana.says("Still there?", "a1"); m.ConversationID == 0 {
			t.Fatalf("the message was pushed without its conversation: %+v", m)
		}
	})
}
