package conversation

import (
	"context"
	"fmt"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// echo is the provider's echo of a message the business sent to external
// (ours or typed elsewhere), with the provider's id for it.
func (f *fixture) echo(external, providerID, text string) Inbound {
	in := f.inbound(external, providerID, text)
	in.Kind = KindEcho
	return in
}

// TestEchoRunsBesideOtherWrites: on PostgreSQL an echo goes through the
// concurrent door, the one that claims a reply of ours being sent and
// the one of a message typed elsewhere alike.
func TestEchoRunsBesideOtherWrites(t *testing.T) {
	f, raw := pgFixture(t)
	m := f.replyInNew(t, "+14155550199", "Hello!")
	f.receiveBesideOtherWrites(t, raw, "an echo",
		f.echo("+14155550199", "mid.199", "Hello!"), f.echo("+14155550199", "mid.199b", "typed on the phone"))
	if got := dbtest.Count(t, f.db, `SELECT COUNT(*) FROM messages WHERE direction = 'out'`); got != 2 {
		t.Errorf("%d outbound messages, want the reply (claimed by its echo) and the phone's", got)
	}
	if got := dbtest.Count(t, f.db, `SELECT COUNT(*) FROM messages WHERE id = ? AND provider_message_id = 'mid.199'`, m.ID); got != 1 {
		t.Error("the reply did not get its echo's id")
	}
}

// TestEchoesAndRecordsHammered: on PostgreSQL, round after round, each of
// several conversations gets a reply; its send's record (with the
// provider's id), the provider's echo of it (delivered twice), and a new
// message of the contact then race. Whichever lands first, each reply is
// stored once, with its id, and no echo is stored as a message of its
// own; no write deadlocked.
func TestEchoesAndRecordsHammered(t *testing.T) {
	f, _ := pgFixture(t)
	ctx := context.Background()
	const rounds = 10
	externals, convs := f.hammerContacts(t, 4, 500)
	var sent []Message
	for round := range rounds {
		r := hammerRound{f: f}
		for i, conv := range convs {
			text := fmt.Sprintf("reply %d to %d", round, i)
			m, err := f.svc.Send(ctx, access.System(f.ws.ID), conv, SendInput{Text: text, Sender: SourceAPI})
			if err != nil {
				t.Fatal(err)
			}
			sent = append(sent, m)
			pid := fmt.Sprintf("mid.%d", m.ID)
			r.add(func() error { return f.recordSend(ctx, m, pid) })
			r.receive(f.echo(externals[i], pid, text))
			r.receive(f.echo(externals[i], pid, text))
			r.receive(f.inbound(externals[i], fmt.Sprintf("in-%d-%d", round, i), "more"))
		}
		r.run(t)
	}
	if got := dbtest.Count(t, f.db, `SELECT COUNT(*) FROM messages WHERE direction = 'out'`); got != len(sent) {
		t.Errorf("%d outbound messages for %d replies: an echo was stored as a message of its own", got, len(sent))
	}
	for _, m := range sent {
		pid := fmt.Sprintf("mid.%d", m.ID)
		if n := dbtest.Count(t, f.db, `SELECT COUNT(*) FROM messages WHERE id = ? AND provider_message_id = ? AND status = 'sent'`, m.ID, pid); n != 1 {
			t.Errorf("reply %d is not sent with its id %s", m.ID, pid)
		}
	}
	if n := f.db.Deadlocks(); n != 0 {
		t.Fatalf("%d writes deadlocked", n)
	}
}

// TestEchoLooksAgainAfterTheRecordItWaitedFor: the record of a reply's
// send is being written (here by the test, holding the conversation and
// the reply with its provider id, as internal/outbound does) when an echo
// of the same text arrives with another id: a message typed on the phone
// while ours was being sent. The echo waits for the conversation, then
// finds the reply no longer pending without an id, and stores the
// phone's message as its own; claiming the reply it read before the wait
// overwrote the record's id with the echo's.
func TestEchoLooksAgainAfterTheRecordItWaitedFor(t *testing.T) {
	f, raw := pgFixture(t)
	ctx := context.Background()
	m := f.replyInNew(t, "+14155550200", "On my way")

	record := dbtest.HoldRows(t, raw, "conversations", "id", m.ConversationID)
	if _, err := record.Exec(`UPDATE messages SET provider_message_id = 'mid.ours', status = 'sent' WHERE id = $1`, m.ID); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := f.svc.Receive(ctx, []Inbound{f.echo("+14155550200", "mid.phone", "On my way")})
		done <- err
	}()
	dbtest.AwaitLockWaiterBefore(t, raw, done, "an echo while the record of its candidate was being written")
	if err := record.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := dbtest.Count(t, f.db, `SELECT COUNT(*) FROM messages WHERE id = ? AND provider_message_id = 'mid.ours'`, m.ID); n != 1 {
		t.Error("the echo claimed the reply whose record it waited for: the reply lost its id")
	}
	if n := dbtest.Count(t, f.db, `SELECT COUNT(*) FROM messages WHERE provider_message_id = 'mid.phone' AND sender = 'echo'`); n != 1 {
		t.Error("the message typed on the phone was not stored")
	}
}
