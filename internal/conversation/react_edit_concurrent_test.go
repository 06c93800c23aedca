package conversation

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// reaction and edit are the contact's reaction to, and edit of, the
// message external sent as target, at the given time.
func (f *fixture) reaction(external, target, id, emoji string, at time.Time) Inbound {
	in := f.inbound(external, id, emoji)
	in.Kind, in.Target, in.Timestamp = KindReaction, target, at
	return in
}

func (f *fixture) edit(external, target, id, text string, at time.Time) Inbound {
	in := f.inbound(external, id, text)
	in.Kind, in.Target, in.Timestamp = KindEdit, target, at
	return in
}

// TestReactionsAndEditsRunBesideOtherWrites: on PostgreSQL a contact's
// reaction to a message and edit of one go through the concurrent door,
// as new messages and status reports do: another node's concurrent
// writes, held open here, must not hold them back. Through the exclusive
// door each waited for them.
func TestReactionsAndEditsRunBesideOtherWrites(t *testing.T) {
	f, raw := pgFixture(t)
	msg := f.openOne(t, "+14155550196")
	at := f.clock.Now()

	f.receiveBesideOtherWrites(t, raw, "a reaction or an edit",
		f.reaction("+14155550196", "open-+14155550196", "r-196", "👍", at),
		f.edit("+14155550196", "open-+14155550196", "e-196", "hi there", at))
	if got := f.message(t, msg.MessageID); got.Reaction != "👍" || got.Text != "hi there" {
		t.Fatalf("message has reaction %q and text %q, want 👍 and the edit", got.Reaction, got.Text)
	}
}

// TestReactionLocksItsConversationFirst: a reaction (an edit alike) takes
// its message's row lock and then its conversation's, for its event's
// seq, while every other writer of the conversation locks the
// conversation first; so it names the conversation to the committer and
// takes it before the message. Here another transaction holds the
// conversation: while the reaction waits for it, the message must still
// be free, or a writer holding the conversation and wanting the message
// would wait for the reaction in a cycle.
func TestReactionLocksItsConversationFirst(t *testing.T) {
	f, raw := pgFixture(t)
	ctx := context.Background()
	msg := f.openOne(t, "+14155550197")

	holder := dbtest.HoldRows(t, raw, "conversations", "id", msg.ConversationID)
	done := make(chan error, 1)
	go func() {
		_, err := f.svc.Receive(ctx, []Inbound{f.reaction("+14155550197", "open-+14155550197", "r-197", "❤️", f.clock.Now())})
		done <- err
	}()
	dbtest.AwaitLockWaiterBefore(t, raw, done, "a reaction while its conversation was held")
	if dbtest.RowLocked(t, raw, "messages", msg.MessageID) {
		t.Error("the reaction held its message while it waited for the conversation")
	}
	if err := holder.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := f.message(t, msg.MessageID); got.Reaction != "❤️" {
		t.Fatalf("reaction %q after the write, want ❤️", got.Reaction)
	}
}

// TestReactionsAndEditsHammered: on PostgreSQL, round after round, each
// of several contacts' last message gets reactions and edits at
// different times, each delivered twice, racing each other and a new
// message of the contact. Every message ends with the latest reaction
// and the latest edit, each edit kept once, one event per change that
// landed, and no write deadlocked.
func TestReactionsAndEditsHammered(t *testing.T) {
	f, _ := pgFixture(t)
	const contacts, rounds, changes = 4, 6, 3
	base := f.clock.Now()
	type target struct {
		id            int64
		external, pid string
	}
	var targets []target
	for c := range contacts {
		external := fmt.Sprintf("+1415555%04d", 300+c)
		targets = append(targets, target{f.openOne(t, external).MessageID, external, "open-" + external})
	}
	for round := range rounds {
		r := hammerRound{f: f}
		for c, tg := range targets {
			for k := range changes {
				at := base.Add(time.Duration(round*changes+k) * time.Second)
				react := f.reaction(tg.external, tg.pid, fmt.Sprintf("r-%d-%d-%d", c, round, k), fmt.Sprint("emoji ", round, k), at)
				edit := f.edit(tg.external, tg.pid, fmt.Sprintf("e-%d-%d-%d", c, round, k), fmt.Sprint("text ", round, k), at)
				for _, in := range []Inbound{react, react, edit, edit} {
					r.receive(in)
				}
			}
			r.receive(f.inbound(tg.external, fmt.Sprintf("m-%d-%d", c, round), "more"))
		}
		r.run(t)
	}
	last := fmt.Sprint(rounds-1, changes-1)
	for _, tg := range targets {
		got := f.message(t, tg.id)
		if got.Reaction != "emoji "+last || got.Text != "text "+last {
			t.Errorf("message %d ended with reaction %q and text %q, want the latest of each (%s)", tg.id, got.Reaction, got.Text, last)
		}
		// Each edit kept once, each replacing the text the one before it
		// left (every edit's text differs, so no two replaced the same),
		// each with its event.
		edits := dbtest.Count(t, f.db, `SELECT COUNT(*) FROM message_edits WHERE message_id = ?`, tg.id)
		ids := dbtest.Count(t, f.db, `SELECT COUNT(DISTINCT provider_id) FROM message_edits WHERE message_id = ?`, tg.id)
		replaced := dbtest.Count(t, f.db, `SELECT COUNT(DISTINCT text) FROM message_edits WHERE message_id = ?`, tg.id)
		events := dbtest.Count(t, f.db, `SELECT COUNT(*) FROM events WHERE type = 'message.edited' AND payload LIKE ?`, fmt.Sprintf(`%%"message_id":%d,%%`, tg.id))
		if edits == 0 || edits != ids || edits != replaced || edits != events {
			t.Errorf("message %d kept %d edits: %d distinct ids, %d distinct texts replaced, %d events; want one of each per edit", tg.id, edits, ids, replaced, events)
		}
	}
	if n := f.db.Deadlocks(); n != 0 {
		t.Fatalf("%d writes deadlocked", n)
	}
}
