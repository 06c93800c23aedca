package httpapi_test

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// The widget tells its visitor whether someone of the team is online to
// take the conversation, on connecting (before they wrote anything) and
// whenever that changes: an agent's heartbeat puts them online, busy is
// not online, and a visitor connecting later hears how things stand.
func TestWidgetToldTheTeamsAvailability(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
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
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
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

// Nobody online outside the workspace's business hours: the visitor is
// told when the team is next at work (past a holiday); inside them, or
// with someone online, not. The widget's clock stands at Thursday
// 2026-01-01 00:00 UTC.
func TestWidgetToldWhenTheTeamIsBack(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.widgetChannel(t)
		told := func(when string) widgetFrame {
			t.Helper()
			fr := f.openVisitorSocket(t, f.newVisitor(t)).until("availability")
			if fr.Online == nil {
				t.Fatalf("%s: no online in %+v", when, fr)
			}
			return fr
		}
		if fr := told("no business hours"); *fr.Online || fr.OpensAt != nil {
			t.Fatalf("no business hours: told %+v", fr)
		}
		f.run(t, []scenario{{name: "open weekdays 9 to 5", method: "PATCH", path: "/api/v1/workspace", as: "owner", status: 200,
			body: `{"business_hours":{"mon":[{"open":"09:00","close":"17:00"}],"thu":[{"open":"09:00","close":"17:00"}],"fri":[{"open":"09:00","close":"17:00"}]}}`}})
		want := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
		if fr := told("before Thursday's opening"); *fr.Online || fr.OpensAt == nil || !fr.OpensAt.Equal(want) {
			t.Fatalf("before the opening: told %+v, want back at %v", fr, want)
		}
		f.run(t, []scenario{{name: "new year's day off", method: "PUT", path: "/api/v1/reports/settings", as: "manager", status: 200,
			body: `{"reopen_window_minutes":1440,"holidays":["2026-01-01","2026-01-02"]}`}})
		want = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC) // Monday
		if fr := told("on a holiday before a holiday and a weekend"); fr.OpensAt == nil || !fr.OpensAt.Equal(want) {
			t.Fatalf("on a holiday: told %+v, want back at %v", fr, want)
		}
		f.run(t, []scenario{{name: "open around the clock on Thursdays", method: "PATCH", path: "/api/v1/workspace", as: "owner", status: 200,
			body: `{"business_hours":{"thu":[{"open":"00:00","close":"24:00"}]}}`}, {name: "no holidays", method: "PUT", path: "/api/v1/reports/settings",
			as: "manager", status: 200, body: `{"reopen_window_minutes":1440,"holidays":[]}`}})
		if fr := told("open now"); fr.OpensAt != nil {
			t.Fatalf("inside the hours: told %+v", fr)
		}
		ana := f.openVisitorSocket(t, f.newVisitor(t))
		ana.until("availability")
		f.run(t, []scenario{{name: "hours again", method: "PATCH", path: "/api/v1/workspace", as: "owner", status: 200,
			body: `{"business_hours":{"thu":[{"open":"09:00","close":"17:00"}]}}`},
			{name: "the agent's app beats", method: "POST", path: "/api/v1/presence/heartbeat", as: "agent", body: `{"device_id":"web-1"}`, status: 200}})
		if fr := ana.until("availability"); !*fr.Online || fr.OpensAt != nil {
			t.Fatalf("someone online: told %+v", fr)
		}
		f.run(t, []scenario{{name: "the agent is busy", method: "PUT", path: "/api/v1/presence", as: "agent", body: `{"status":"busy"}`, status: 200}})
		if fr := ana.until("availability"); *fr.Online || fr.OpensAt == nil || !fr.OpensAt.Equal(time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)) {
			t.Fatalf("the agent busy outside the hours: told %+v", fr)
		}
	})
}
