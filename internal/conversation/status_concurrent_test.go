package conversation

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// replyInNew opens a conversation with a new contact, external, and
// sends text in it (pending, its send not recorded yet).
func (f *fixture) replyInNew(t *testing.T, external, text string) Message {
	t.Helper()
	conv := f.openOne(t, external).ConversationID
	m, err := f.svc.Send(context.Background(), access.System(f.ws.ID), conv, SendInput{Text: text, Sender: SourceAPI})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// sentWithProviderID sends a reply in a new conversation with external
// and stores the provider's id for it, as the record of its send does.
func (f *fixture) sentWithProviderID(t *testing.T, external, providerID string) Message {
	t.Helper()
	ctx := context.Background()
	m := f.replyInNew(t, external, "Hello!")
	if err := f.db.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE messages SET provider_message_id = ? WHERE id = ?`, providerID, m.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return m
}

func (f *fixture) statusReport(providerID, status string) Inbound {
	return Inbound{Kind: KindStatus, WorkspaceID: f.ws.ID, ChannelID: f.channel.ID, ProviderMessageID: providerID, Status: status}
}

// receiveBesideOtherWrites receives each of items, a webhook each, while
// raw's database holds other concurrent writes open (as another node's
// would), and fails the test if one waits for them: how a test shows
// that a kind of webhook goes through the concurrent door.
func (f *fixture) receiveBesideOtherWrites(t *testing.T, raw *sql.DB, what string, items ...Inbound) {
	t.Helper()
	release := dbtest.HoldConcurrentWrites(t, raw)
	for _, in := range items {
		err := dbtest.NeverWaits(t, raw, what, release, func() error {
			_, err := f.svc.Receive(context.Background(), []Inbound{in})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestStatusRunsBesideOtherWrites: on PostgreSQL a provider's status
// report of one message goes through the concurrent door, as new
// messages do: another node's concurrent writes, held open here, must
// not hold it back. Through the exclusive door it waited for them.
func TestStatusRunsBesideOtherWrites(t *testing.T) {
	f, raw := pgFixture(t)
	m := f.sentWithProviderID(t, "+14155550190", "wamid.190")

	f.receiveBesideOtherWrites(t, raw, "a status report", f.statusReport("wamid.190", MsgDelivered))
	if got := f.message(t, m.ID); got.Status != MsgDelivered {
		t.Fatalf("message is %s after the report, want delivered", got.Status)
	}
}

// TestStatusLocksItsConversationFirst: a status report takes its
// message's row lock and then its conversation's (for its event's seq),
// while every other writer of the conversation locks the conversation
// first; so the report names the conversation to the committer, which
// locks it before the job runs. Here another transaction holds the
// conversation: while the report waits for it, the message must still
// be free, or a writer holding the conversation and wanting the message
// (the record of its send) would wait for the report in a cycle.
func TestStatusLocksItsConversationFirst(t *testing.T) {
	f, raw := pgFixture(t)
	ctx := context.Background()
	m := f.sentWithProviderID(t, "+14155550191", "wamid.191")

	holder := dbtest.HoldRows(t, raw, "conversations", "id", m.ConversationID)
	done := make(chan error, 1)
	go func() {
		_, err := f.svc.Receive(ctx, []Inbound{f.statusReport("wamid.191", MsgRead)})
		done <- err
	}()
	dbtest.AwaitLockWaiterBefore(t, raw, done, "a status report while its conversation was held")
	if dbtest.RowLocked(t, raw, "messages", m.ID) {
		t.Error("the report held its message while it waited for the conversation")
	}
	if err := holder.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := f.message(t, m.ID); got.Status != MsgRead {
		t.Fatalf("message is %s after the report, want read", got.Status)
	}
}

// TestStatusesRecordsAndMessagesHammered: on PostgreSQL, in round after
// round, each of several conversations gets a reply whose record (the
// provider's id and "sent", written as internal/outbound does), the
// provider's delivered and read reports (which may come before the
// record lands, and are then kept for it) and a new message of the
// contact all race. Once the kept reports are looked at again, every
// reply ends read with its whole history, and no write deadlocked: every
// writer takes the conversation before the message.
func TestStatusesRecordsAndMessagesHammered(t *testing.T) {
	f, _ := pgFixture(t)
	ctx := context.Background()
	const rounds = 12
	externals, convs := f.hammerContacts(t, 6, 0)
	var sent []Message
	for round := range rounds {
		r := hammerRound{f: f}
		for i, conv := range convs {
			m, err := f.svc.Send(ctx, access.System(f.ws.ID), conv, SendInput{Text: "reply", Sender: SourceAPI})
			if err != nil {
				t.Fatal(err)
			}
			sent = append(sent, m)
			pid := fmt.Sprintf("wamid.%d", m.ID)
			r.add(func() error { return f.recordSend(ctx, m, pid) })
			r.receive(f.statusReport(pid, MsgDelivered))
			r.receive(f.statusReport(pid, MsgRead))
			r.receive(f.inbound(externals[i], fmt.Sprintf("in-%d-%d", round, i), "more"))
		}
		r.run(t)
	}
	f.clock.Advance(earlyStatusFirstLook)
	if next := f.lookAgain(t); !next.IsZero() {
		t.Fatalf("reports still kept after every send was recorded (next look at %v)", next)
	}
	for _, m := range sent {
		got := f.message(t, m.ID)
		if got.Status != MsgRead || len(got.History) != 4 {
			t.Fatalf("reply %d ended %s with history %+v, want read after pending, sent, delivered and read", m.ID, got.Status, got.History)
		}
	}
	if n := f.db.Deadlocks(); n != 0 {
		t.Fatalf("%d writes deadlocked", n)
	}
}
