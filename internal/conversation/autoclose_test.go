package conversation

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/due"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// autoClose turns auto-close on for the fixture's workspace.
func (f *fixture) autoClose(t *testing.T, minutes int, contactOnly bool) {
	t.Helper()
	if _, err := workspace.New(f.db).Update(context.Background(), f.ws.ID,
		workspace.Settings{AutoCloseMinutes: &minutes, AutoCloseContactOnly: &contactOnly}); err != nil {
		t.Fatal(err)
	}
}

// runAutoClose runs svc's auto-close on a runner of its own in g. A test
// waits for g to be idle after a write that arms a deadline and before it
// moves the clock, so that what it checks after the move follows from the
// deadline the runner armed, not from a pass still in flight. (The timer
// itself is armed for its instant, clock.At: a move made while the runner
// re-arms no longer puts it late, the flake once seen in CI.)
func runAutoClose(t *testing.T, g *background.Group, svcs ...*Service) {
	t.Helper()
	var runs []func(context.Context)
	for _, s := range svcs {
		_, run := due.Attach(nil, s.db, g, s.AutoCloseWork())
		runs = append(runs, run)
	}
	backgroundtest.Run(t, g, runs...)
	backgroundtest.WaitIdle(t, g)
}

func (f *fixture) status(t *testing.T, id int64) Conversation {
	t.Helper()
	c, err := f.svc.Get(context.Background(), access.System(f.ws.ID), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A conversation with no message for the workspace's delay is closed at
// exactly its deadline, not before, with source auto_close and a
// conversation.closed event — even where the workspace requires closing
// notes, which auto-close cannot give: it closes with its own summary.
func TestAutoCloseAtTheDeadline(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		mode := workspace.NotesBothRequired
		if _, err := workspace.New(d).Update(context.Background(), f.ws.ID, workspace.Settings{ClosingNotesMode: &mode}); err != nil {
			t.Fatal(err)
		}
		f.autoClose(t, 30, false)
		g := background.NewGroup(f.clock)
		runAutoClose(t, g, f.svc)
		id := f.openOne(t, "a1").ConversationID
		backgroundtest.WaitIdle(t, g) // the timer armed before the clock moves (see runAutoClose)
		f.clock.Advance(30*time.Minute - time.Millisecond)
		backgroundtest.WaitIdle(t, g)
		if c := f.status(t, id); c.Status != StatusOpen {
			t.Fatalf("a millisecond before the deadline: %s, want open", c.Status)
		}
		f.clock.Advance(time.Millisecond)
		backgroundtest.WaitIdle(t, g)
		c := f.status(t, id)
		if c.Status != StatusClosed || c.ClosedSource != SourceAutoClose || c.CloseSummary == "" || c.CloseCategory != "" {
			t.Fatalf("at the deadline: %+v, want closed by auto_close with a summary and no category", c)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE type = 'conversation.closed' AND payload LIKE '%"source":"auto_close"%'`); n != 1 {
			t.Fatalf("conversation.closed events from auto_close = %d, want 1", n)
		}
	})
}

// Every counted message moves the deadline; with contact-only on, the
// agents' messages do not count.
func TestAutoCloseResetsOnMessages(t *testing.T) {
	for _, tc := range []struct {
		name        string
		contactOnly bool
		agent       bool // the message 20 minutes in is an agent's, else the contact's
		closesAt    time.Duration
	}{
		{"contact message, every message counts", false, false, 50 * time.Minute},
		{"agent message, every message counts", false, true, 50 * time.Minute},
		{"contact message, contact only", true, false, 50 * time.Minute},
		{"agent message, contact only", true, true, 30 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				f := newFixture(t, d)
				ctx := context.Background()
				f.autoClose(t, 30, tc.contactOnly)
				g := background.NewGroup(f.clock)
				runAutoClose(t, g, f.svc)
				start := f.clock.Now()
				id := f.openOne(t, "r1").ConversationID
				backgroundtest.WaitIdle(t, g) // the timer armed before the clock moves (see runAutoClose)
				f.clock.Advance(20 * time.Minute)
				var err error
				if tc.agent {
					_, err = f.svc.Send(ctx, access.System(f.ws.ID), id, SendInput{Text: "on it", Sender: SourceUser})
				} else {
					_, err = f.svc.Receive(ctx, []Inbound{f.inbound("r1", "second", "still there?")})
				}
				if err != nil {
					t.Fatal(err)
				}
				backgroundtest.WaitIdle(t, g)
				f.clock.Set(start.Add(tc.closesAt - time.Millisecond))
				backgroundtest.WaitIdle(t, g)
				if c := f.status(t, id); c.Status != StatusOpen {
					t.Fatalf("a millisecond before %v: %s, want open", tc.closesAt, c.Status)
				}
				f.clock.Set(start.Add(tc.closesAt))
				backgroundtest.WaitIdle(t, g)
				if c := f.status(t, id); c.Status != StatusClosed {
					t.Fatalf("at %v: %s, want closed", tc.closesAt, c.Status)
				}
			})
		})
	}
}

// A snoozed conversation is never auto-closed: its timer starts again when
// it wakes.
func TestAutoCloseSkipsSnoozed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		f.autoClose(t, 30, false)
		g := background.NewGroup(f.clock)
		runAutoClose(t, g, f.svc)
		backgroundtest.Run(t, g, f.svc.SnoozeTimer(g))
		start := f.clock.Now()
		id := f.openOne(t, "s1").ConversationID
		backgroundtest.WaitIdle(t, g) // the timer armed before the clock moves (see runAutoClose)
		f.clock.Advance(10 * time.Minute)
		if _, err := f.svc.Snooze(ctx, access.System(f.ws.ID), id, start.Add(2*time.Hour), 0); err != nil {
			t.Fatal(err)
		}
		f.clock.Set(start.Add(2*time.Hour - time.Millisecond))
		backgroundtest.WaitIdle(t, g)
		if c := f.status(t, id); c.Status != StatusSnoozed {
			t.Fatalf("while snoozed: %s, want snoozed", c.Status)
		}
		f.clock.Set(start.Add(2 * time.Hour))
		backgroundtest.WaitIdle(t, g)
		if c := f.status(t, id); c.Status != StatusOpen {
			t.Fatalf("woken: %s, want open", c.Status)
		}
		f.clock.Set(start.Add(2*time.Hour + 30*time.Minute))
		backgroundtest.WaitIdle(t, g)
		if c := f.status(t, id); c.Status != StatusClosed {
			t.Fatalf("30 minutes after waking: %s, want closed", c.Status)
		}
	})
}

// The deadline is in the store: a node that was down when it passed
// closes the conversation as it starts.
func TestAutoCloseSurvivesRestart(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.autoClose(t, 30, false)
		id := f.openOne(t, "z1").ConversationID
		f.clock.Advance(time.Hour) // nothing runs
		if c := f.status(t, id); c.Status != StatusOpen {
			t.Fatalf("with no node running: %s", c.Status)
		}
		g := background.NewGroup(f.clock)
		runAutoClose(t, g, New(d)) // the node comes back
		if c := f.status(t, id); c.Status != StatusClosed || c.ClosedAt != f.clock.Now() {
			t.Fatalf("after the restart: %s at %v, want closed at once", c.Status, c.ClosedAt)
		}
	})
}

// Two nodes' runners close each due conversation once.
func TestAutoCloseOnTwoNodes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.autoClose(t, 30, false)
		g := background.NewGroup(f.clock)
		runAutoClose(t, g, f.svc, New(d))
		const n = 30
		for i := range n {
			f.openOne(t, fmt.Sprintf("+1415555%04d", i))
		}
		backgroundtest.WaitIdle(t, g) // the timer armed before the clock moves (see runAutoClose)
		f.clock.Advance(30 * time.Minute)
		backgroundtest.WaitIdle(t, g)
		if open := dbtest.Count(t, d, `SELECT COUNT(*) FROM conversations WHERE status <> 'closed'`); open != 0 {
			t.Fatalf("%d conversations still open", open)
		}
		if got := dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE type = 'conversation.closed'`); got != n {
			t.Fatalf("conversation.closed events = %d, want %d (one per conversation)", got, n)
		}
	})
}

// Turning auto-close on applies to the conversations already open, from
// their last message; turning it off disarms them.
func TestAutoCloseSettingChanges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		g := background.NewGroup(f.clock)
		runAutoClose(t, g, f.svc)
		old := f.openOne(t, "old").ConversationID
		backgroundtest.WaitIdle(t, g) // the timer armed before the clock moves (see runAutoClose)
		f.clock.Advance(time.Hour)
		recent := f.openOne(t, "recent").ConversationID
		f.autoClose(t, 30, false)
		backgroundtest.WaitIdle(t, g)
		if c := f.status(t, old); c.Status != StatusClosed {
			t.Fatalf("idle an hour when 30 minutes was set: %s, want closed", c.Status)
		}
		f.autoClose(t, 0, false)
		f.clock.Advance(time.Hour)
		backgroundtest.WaitIdle(t, g)
		if c := f.status(t, recent); c.Status != StatusOpen {
			t.Fatalf("after turning it off: %s, want open", c.Status)
		}
	})
}
