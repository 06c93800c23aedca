package conversation

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// The awaiting_contact mode of auto-close (SPEC §4, respond.io's): a
// conversation closes when the contact has not replied since the last
// message a person of the workspace sent. Only such a message arms the
// deadline, a contact's message disarms it, and any other message
// (workflow, AI agent, workspace token, echo) leaves it as it is.

// autoCloseMode sets the fixture's workspace's auto-close delay and mode.
func (f *fixture) autoCloseMode(t *testing.T, minutes int, mode string) {
	t.Helper()
	if _, err := workspace.New(f.db).Update(context.Background(), f.ws.ID,
		workspace.Settings{AutoCloseMinutes: &minutes, AutoCloseMode: &mode}); err != nil {
		t.Fatal(err)
	}
}

// deadline is conversation id's auto-close deadline (0: not armed).
func (f *fixture) deadline(t *testing.T, id int64) int64 {
	t.Helper()
	at := dbtest.Column[int64](t, f.db, `SELECT auto_close_at FROM conversations WHERE id = ?`, id)
	if len(at) != 1 {
		t.Fatalf("conversation %d: no row", id)
	}
	return at[0]
}

// after is the deadline d after the clock's now.
func (f *fixture) after(d time.Duration) int64 { return f.clock.Now().Add(d).UnixMilli() }

// sendAs sends a message to conversation id as one kind of sender.
func (f *fixture) sendAs(t *testing.T, id int64, external, sender string) {
	t.Helper()
	ctx := context.Background()
	var err error
	switch sender {
	case "agent":
		_, err = f.svc.Send(ctx, access.System(f.ws.ID), id, SendInput{Text: "on it", Sender: SourceUser})
	case "agent with an AI draft":
		_, err = f.svc.Send(ctx, access.System(f.ws.ID), id, SendInput{Text: "drafted", Sender: SourceUser, AI: AIDraft})
	case "AI agent":
		_, err = f.svc.Send(ctx, access.System(f.ws.ID), id, SendInput{Text: "a bot", Sender: SourceUser, AI: AIAgent})
	case "workflow":
		_, err = f.svc.Send(ctx, access.System(f.ws.ID), id, SendInput{Text: "auto", Sender: SourceWorkflow})
	case "workspace token":
		_, err = f.svc.Send(ctx, access.System(f.ws.ID), id, SendInput{Text: "api", Sender: SourceAPI})
	case "echo":
		_, err = f.svc.Receive(ctx, []Inbound{f.echo(external, "echo-"+f.clock.Now().String(), "typed on the phone")})
	case "contact":
		_, err = f.svc.Receive(ctx, []Inbound{f.inbound(external, "in-"+f.clock.Now().String(), "thanks")})
	default:
		t.Fatalf("unknown sender %q", sender)
	}
	if err != nil {
		t.Fatalf("%s: %v", sender, err)
	}
}

// An agent's reply arms the deadline at its time plus the delay; at the
// deadline the conversation closes with source auto_close and a summary
// that says why. The contact's opening message does not arm it.
func TestAutoCloseAwaitingContactAgentReplyArms(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.autoCloseMode(t, 30, workspace.AutoCloseAwaitingContact)
		g := background.NewGroup(f.clock)
		runAutoClose(t, g, f.svc)
		id := f.openOne(t, "a1").ConversationID
		if at := f.deadline(t, id); at != 0 {
			t.Fatalf("opened by the contact: deadline %d, want none", at)
		}
		f.clock.Advance(2 * time.Hour)
		backgroundtest.WaitIdle(t, g)
		if c := f.status(t, id); c.Status != StatusOpen {
			t.Fatalf("two hours with nobody answering the contact: %s, want open", c.Status)
		}
		f.sendAs(t, id, "a1", "agent")
		if at, want := f.deadline(t, id), f.after(30*time.Minute); at != want {
			t.Fatalf("after the agent's reply: deadline %d, want %d", at, want)
		}
		backgroundtest.WaitIdle(t, g) // the timer armed before the clock moves (see runAutoClose)
		f.clock.Advance(30*time.Minute - time.Millisecond)
		backgroundtest.WaitIdle(t, g)
		if c := f.status(t, id); c.Status != StatusOpen {
			t.Fatalf("a millisecond before the deadline: %s, want open", c.Status)
		}
		f.clock.Advance(time.Millisecond)
		backgroundtest.WaitIdle(t, g)
		c := f.status(t, id)
		if c.Status != StatusClosed || c.ClosedSource != SourceAutoClose {
			t.Fatalf("at the deadline: %s by %q, want closed by auto_close", c.Status, c.ClosedSource)
		}
		if want := "Closed automatically: the contact did not reply for 30 minutes."; c.CloseSummary != want {
			t.Fatalf("summary %q, want %q", c.CloseSummary, want)
		}
	})
}

// A contact's reply cancels the deadline; the agent's next message arms
// it again from its own time.
func TestAutoCloseAwaitingContactReplyCancels(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.autoCloseMode(t, 30, workspace.AutoCloseAwaitingContact)
		id := f.openOne(t, "c1").ConversationID
		f.sendAs(t, id, "c1", "agent")
		f.clock.Advance(10 * time.Minute)
		f.sendAs(t, id, "c1", "contact")
		if at := f.deadline(t, id); at != 0 {
			t.Fatalf("after the contact's reply: deadline %d, want none", at)
		}
		f.clock.Advance(time.Hour)
		f.sendAs(t, id, "c1", "agent")
		if at, want := f.deadline(t, id), f.after(30*time.Minute); at != want {
			t.Fatalf("after the agent's next message: deadline %d, want %d", at, want)
		}
	})
}

// Messages that are not a person's leave the deadline as it is: not
// armed when it was not, not moved when it was. A person sending an AI
// draft is a person.
func TestAutoCloseAwaitingContactOtherSenders(t *testing.T) {
	for _, tc := range []struct {
		sender string
		human  bool
	}{
		{"workflow", false}, {"AI agent", false}, {"workspace token", false}, {"echo", false},
		{"agent with an AI draft", true},
	} {
		t.Run(tc.sender, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				f := newFixture(t, d)
				f.autoCloseMode(t, 30, workspace.AutoCloseAwaitingContact)
				id := f.openOne(t, "o1").ConversationID
				f.clock.Advance(time.Minute)
				f.sendAs(t, id, "o1", tc.sender)
				want := int64(0)
				if tc.human {
					want = f.after(30 * time.Minute)
				}
				if at := f.deadline(t, id); at != want {
					t.Fatalf("unarmed, then a message by %s: deadline %d, want %d", tc.sender, at, want)
				}
				f.sendAs(t, id, "o1", "agent")
				f.clock.Advance(10 * time.Minute)
				f.sendAs(t, id, "o1", tc.sender)
				want = f.after(20 * time.Minute) // the agent's, 10 minutes ago
				if tc.human {
					want = f.after(30 * time.Minute)
				}
				if at := f.deadline(t, id); at != want {
					t.Fatalf("armed, then a message by %s: deadline %d, want %d", tc.sender, at, want)
				}
			})
		})
	}
}

// In awaiting_contact mode, auto_close_contact_only has no meaning: it is
// kept (it applies again if the workspace goes back to inactivity) and
// ignored, so an agent's reply still arms the deadline.
func TestAutoCloseAwaitingContactIgnoresContactOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.autoClose(t, 30, true)
		f.autoCloseMode(t, 30, workspace.AutoCloseAwaitingContact)
		ws, err := workspace.New(d).Get(context.Background(), f.ws.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !ws.AutoCloseContactOnly || ws.AutoCloseMode != workspace.AutoCloseAwaitingContact {
			t.Fatalf("settings %+v, want contact only kept and mode awaiting_contact", ws)
		}
		id := f.openOne(t, "k1").ConversationID
		f.sendAs(t, id, "k1", "agent")
		if at, want := f.deadline(t, id), f.after(30*time.Minute); at != want {
			t.Fatalf("after the agent's reply: deadline %d, want %d", at, want)
		}
	})
}

// A conversation an agent opens is not armed until a person writes in it.
func TestAutoCloseAwaitingContactAgentOpened(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		f.autoCloseMode(t, 30, workspace.AutoCloseAwaitingContact)
		first := f.openOne(t, "p1")
		if _, err := f.svc.Close(ctx, access.System(f.ws.ID), first.ConversationID, CloseInput{Source: SourceUser}); err != nil {
			t.Fatal(err)
		}
		c, err := f.svc.Open(ctx, access.System(f.ws.ID), OpenInput{ContactID: first.ContactID, Source: SourceUser})
		if err != nil {
			t.Fatal(err)
		}
		if at := f.deadline(t, c.ID); at != 0 {
			t.Fatalf("opened by an agent: deadline %d, want none", at)
		}
	})
}

// Changing the mode re-arms the open conversations: in awaiting_contact
// from the last agent message if the contact has not replied since, else
// not at all; back in inactivity from the last message.
func TestAutoCloseModeChangeRearms(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.autoClose(t, 30, false)
		start := f.clock.Now()
		awaiting := f.openOne(t, "m1").ConversationID
		answered := f.openOne(t, "m2").ConversationID
		f.clock.Advance(10 * time.Minute)
		f.sendAs(t, awaiting, "m1", "agent")
		f.sendAs(t, answered, "m2", "agent")
		f.clock.Advance(5 * time.Minute)
		f.sendAs(t, awaiting, "m1", "workflow") // a later message, not a person's
		f.sendAs(t, answered, "m2", "contact")
		ms := func(d time.Duration) int64 { return start.Add(d).UnixMilli() }
		if a, b := f.deadline(t, awaiting), f.deadline(t, answered); a != ms(45*time.Minute) || b != ms(45*time.Minute) {
			t.Fatalf("inactivity: deadlines %d and %d, want both %d", a, b, ms(45*time.Minute))
		}

		f.autoCloseMode(t, 30, workspace.AutoCloseAwaitingContact)
		if a, b := f.deadline(t, awaiting), f.deadline(t, answered); a != ms(40*time.Minute) || b != 0 {
			t.Fatalf("awaiting_contact: deadlines %d and %d, want %d (the agent's message) and none", a, b, ms(40*time.Minute))
		}
		f.autoCloseMode(t, 60, workspace.AutoCloseAwaitingContact)
		if a := f.deadline(t, awaiting); a != ms(70*time.Minute) {
			t.Fatalf("a longer delay: deadline %d, want %d", a, ms(70*time.Minute))
		}

		f.autoCloseMode(t, 30, workspace.AutoCloseInactivity)
		if a, b := f.deadline(t, awaiting), f.deadline(t, answered); a != ms(45*time.Minute) || b != ms(45*time.Minute) {
			t.Fatalf("back to inactivity: deadlines %d and %d, want both %d", a, b, ms(45*time.Minute))
		}
	})
}

// Waking from a snooze re-arms a conversation that awaits the contact,
// from the wake; one where the contact spoke last stays unarmed.
func TestAutoCloseAwaitingContactWake(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		f.autoCloseMode(t, 30, workspace.AutoCloseAwaitingContact)
		awaiting := f.openOne(t, "w1").ConversationID
		answered := f.openOne(t, "w2").ConversationID
		f.clock.Advance(time.Minute) // after the contact's message, not in its millisecond (see awaitsContact)
		f.sendAs(t, awaiting, "w1", "agent")
		p := access.System(f.ws.ID)
		for _, id := range []int64{awaiting, answered} {
			if _, err := f.svc.Snooze(ctx, p, id, f.clock.Now().Add(time.Hour), 0); err != nil {
				t.Fatal(err)
			}
			if at := f.deadline(t, id); at != 0 {
				t.Fatalf("snoozed: deadline %d, want none", at)
			}
		}
		f.clock.Advance(20 * time.Minute)
		for _, id := range []int64{awaiting, answered} {
			if _, err := f.svc.Unsnooze(ctx, p, id); err != nil {
				t.Fatal(err)
			}
		}
		if a, b := f.deadline(t, awaiting), f.deadline(t, answered); a != f.after(30*time.Minute) || b != 0 {
			t.Fatalf("woken: deadlines %d and %d, want %d and none", a, b, f.after(30*time.Minute))
		}
	})
}

// The closing summary of inactivity mode is what it was.
func TestAutoCloseInactivitySummary(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ws, err := workspace.New(d).Get(context.Background(), f.ws.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ws.AutoCloseMode != workspace.AutoCloseInactivity {
			t.Fatalf("a new workspace's mode %q, want inactivity", ws.AutoCloseMode)
		}
		f.autoClose(t, 30, false)
		g := background.NewGroup(f.clock)
		runAutoClose(t, g, f.svc)
		id := f.openOne(t, "i1").ConversationID
		f.sendAs(t, id, "i1", "workflow") // counts in this mode
		backgroundtest.WaitIdle(t, g)
		f.clock.Advance(30 * time.Minute)
		backgroundtest.WaitIdle(t, g)
		c := f.status(t, id)
		if want := "Closed automatically: no message for 30 minutes."; c.Status != StatusClosed || c.CloseSummary != want {
			t.Fatalf("%s, summary %q; want closed, %q", c.Status, c.CloseSummary, want)
		}
	})
}
