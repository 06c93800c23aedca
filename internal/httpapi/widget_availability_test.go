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
// store fails there) opens all the same, without the news, and pushes the
// visitor's history.
func TestWidgetSocketOpensWithoutTheTeamsAvailability(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.widgetChannel(t)
		ana := f.newVisitor(t)
		f.openVisitorSocket(t, ana).says("Hello?", "a1")
		// Routing's presence can no longer be read (nor written: on
		// PostgreSQL a conversation's trigger counts into it, so no new
		// message is written after this).
		if err := d.Write(context.Background(), func(tx *db.Tx) error {
			_, err := tx.Exec(context.Background(), `ALTER TABLE routing_agents RENAME TO routing_agents_kept`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if m := f.openVisitorSocket(t, ana).message("Hello?"); m.Direction != "in" {
			t.Fatalf("the history pushed %+v", m)
		}
	})
}
