package conversation

import (
	"context"
	"database/sql"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// TestChangeLockLetsReferencesThrough: on PostgreSQL a conversation held
// for a change (getOpen) is locked FOR NO KEY UPDATE, which a foreign key
// check (FOR KEY SHARE) passes. Held FOR UPDATE, it made every insert
// pointing at the conversation wait, and two group-committed batches
// deadlocked: one held conversation 1 for a change and wanted 2, the
// other had written a row pointing at 2 and wanted to point at 1 (the
// crash tests' server logged it, a second's wait each time). Here the
// second transaction points at both while the first holds 1 and then
// takes 2; a lock wait fails either after lock_timeout.
func TestChangeLockLetsReferencesThrough(t *testing.T) {
	f, raw := pgFixture(t)
	d := f.db
	ctx := context.Background()
	x1 := f.receiveOne(t, f.inbound("a", "p1", "hi"))
	x2 := f.receiveOne(t, f.inbound("b", "p2", "hi"))

	held, proceed, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	var once sync.Once
	letGo := func() { once.Do(func() { close(proceed) }) }
	t.Cleanup(letGo) // before the store closes, which waits for the write
	go func() {
		done <- d.WriteConcurrent(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `SET LOCAL lock_timeout = '5s'`); err != nil {
				return err
			}
			if _, err := getOpen(ctx, tx, f.ws.ID, x1.ConversationID); err != nil {
				return err
			}
			close(held)
			<-proceed
			_, err := getOpen(ctx, tx, f.ws.ID, x2.ConversationID)
			return err
		})
	}()
	<-held

	other, err := raw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Rollback()
	point := func(r Received) error {
		_, err := other.ExecContext(ctx, `INSERT INTO messages (workspace_id, conversation_id, contact_id, channel_id, direction, sender,
			type, status, created_at) VALUES ($1, $2, $3, $4, 'out', 'api', 'text', 'pending', 0)`,
			f.ws.ID, r.ConversationID, r.ContactID, f.channel.ID)
		return err
	}
	if _, err := other.ExecContext(ctx, `SET LOCAL lock_timeout = '5s'`); err != nil {
		t.Fatal(err)
	}
	if err := point(x2); err != nil {
		t.Fatal(err)
	}
	if err := point(x1); err != nil {
		t.Fatalf("a message pointing at a conversation held for a change waited: %v", err)
	}
	letGo()
	if err := <-done; err != nil {
		t.Fatalf("holding a conversation another transaction points at waited: %v", err)
	}
	if err := other.Commit(); err != nil {
		t.Fatal(err)
	}
}

// TestReceiveBatchLocksItsConversationsFirst: on PostgreSQL a receive
// batch names its known senders' open conversations to the committer
// (db.WithRowLocks), which locks them in id order before the batch's
// items run. Its items go by sender, not by conversation, so two batches
// (or a batch and a consumer's, which goes by event) could take two
// conversations in opposite orders and deadlock. Here the sender whose
// conversation is newer sorts first, and another transaction holds that
// conversation: while the batch waits for it, it must already hold the
// older one.
func TestReceiveBatchLocksItsConversationsFirst(t *testing.T) {
	f, raw := pgFixture(t)
	ctx := context.Background()
	older := f.receiveOne(t, f.inbound("+14155550172", "first-172", "hi"))
	newer := f.receiveOne(t, f.inbound("+14155550171", "first-171", "hi"))
	if older.ConversationID >= newer.ConversationID {
		t.Fatalf("conversations %d then %d: want the first one older", older.ConversationID, newer.ConversationID)
	}

	holder := dbtest.HoldRows(t, raw, "conversations", "id", newer.ConversationID)
	done := make(chan error, 1)
	go func() {
		_, err := f.svc.Receive(ctx, []Inbound{
			f.inbound("+14155550172", "second-172", "again"),
			f.inbound("+14155550171", "second-171", "again"),
		})
		done <- err
	}()
	// Until the batch waits for the held conversation.
	dbtest.AwaitLockWaiterBefore(t, raw, done, "a batch while a conversation of it was held")
	if !dbtest.RowLocked(t, raw, "conversations", older.ConversationID) {
		t.Error("the older conversation was free while the batch waited for the newer: the batch did not lock its conversations first, in id order")
	}
	if err := holder.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// pgFixture is the fixture on a fresh PostgreSQL store, with a plain pool
// on it for the test's own transactions; it skips the test without
// PostgreSQL (SQLite has one writer and no row locks).
func pgFixture(t *testing.T) (*fixture, *sql.DB) {
	t.Helper()
	if len(dbtest.Dialects()) < 2 {
		t.Skip("PostgreSQL only: SQLite has one writer and no row locks")
	}
	cfg := dbtest.Config(t, db.Postgres)
	return newFixture(t, dbtest.OpenConfig(t, cfg)), dbtest.Raw(t, cfg)
}

// TestAgentWritesRunBesideOtherWrites: on PostgreSQL what an agent does
// all day in a conversation (reply, comment, mark read, close) goes
// through the concurrent door, as a workflow's sends and closes do.
// Another node's concurrent writes, held open here (the store's write
// lock taken shared), must not hold them back; through the exclusive
// door each would wait until those writes ended.
func TestAgentWritesRunBesideOtherWrites(t *testing.T) {
	f, raw := pgFixture(t)
	ctx := context.Background()
	p := access.System(f.ws.ID)
	agent, err := workspace.New(f.db).CreateUser(ctx, f.ws.ID, workspace.NewUser{Email: "ana@acme.test", Name: "Ana"})
	if err != nil {
		t.Fatal(err)
	}
	ana := access.Principal{WorkspaceID: f.ws.ID, UserID: agent.ID, Role: access.RoleAgent, Can: access.Permissions{SeeAllConversations: true}}
	conv := f.receiveOne(t, f.inbound("+14155550180", "first-180", "hi")).ConversationID

	release := dbtest.HoldConcurrentWrites(t, raw)
	for _, w := range []struct {
		what  string
		write func() error
	}{
		{"a reply", func() error {
			_, err := f.svc.Send(ctx, p, conv, SendInput{Text: "on it", Sender: SourceUser, UserID: agent.ID})
			return err
		}},
		{"a comment", func() error {
			_, err := f.svc.AddComment(ctx, ana, conv, CommentInput{Text: "VIP", UserID: agent.ID})
			return err
		}},
		{"a read mark", func() error { _, err := f.svc.MarkRead(ctx, ana, conv, true); return err }},
		{"a close", func() error {
			_, err := f.svc.Close(ctx, p, conv, CloseInput{Source: SourceUser, UserID: agent.ID})
			return err
		}},
	} {
		if err := dbtest.NeverWaits(t, raw, w.what, release, w.write); err != nil {
			t.Fatalf("%s: %v", w.what, err)
		}
	}
	if got := f.status(t, conv); got.Status != StatusClosed {
		t.Fatalf("conversation is %s after the close, want closed", got.Status)
	}
}
