package event_test

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// TestConsumerLocksItsConversationsFirst: on PostgreSQL a concurrent
// consumer whose handler changes the conversations of its events
// (ChangesConversation) names them to the committer, which locks them
// in id order before the handler runs. The handler goes by event, so
// without it a consumer's batch and a receive batch could take two
// conversations in opposite orders and deadlock. Here the newer
// conversation's event comes first and another transaction holds that
// conversation: the batch must wait for it before its handler runs, and
// hold the older one meanwhile.
func TestConsumerLocksItsConversationsFirst(t *testing.T) {
	if len(dbtest.Dialects()) < 2 {
		t.Skip("PostgreSQL only: SQLite has one writer and no row locks")
	}
	cfg := dbtest.Config(t, db.Postgres)
	d := dbtest.OpenConfig(t, cfg)
	ctx := context.Background()
	n := newNode(d, newClock())
	ws := setup(t, d)
	older, newer := newConversation(t, d, ws), newConversation(t, d, ws)
	if err := d.Write(ctx, func(tx *db.Tx) error {
		for _, conv := range []int64{newer, older} {
			if _, err := event.Append(ctx, tx, event.New{WorkspaceID: ws, Type: event.ConversationAssigned, ConversationID: conv}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	raw := dbtest.Raw(t, cfg)
	holder := dbtest.HoldRows(t, raw, "conversations", "id", newer)
	r := &recorder{}
	c := n.consumer(t, "changes", r, event.ConsumerConfig{FromStart: true, Concurrent: true, ChangesConversation: func(event.Event) bool { return true }})
	n.g.StartAll()
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); c.Run(runCtx) }()
	defer func() { stop(); <-done }()
	// Until the batch waits for the held conversation.
	dbtest.AwaitLockWaiter(t, raw, func() string {
		if r.calls.Load() > 0 {
			return "the handler ran while a conversation of its batch was held: the batch did not lock its conversations first"
		}
		return ""
	})
	if !dbtest.RowLocked(t, raw, "conversations", older) {
		t.Error("the older conversation was free while the batch waited for the newer: not locked in id order")
	}
	if r.calls.Load() > 0 {
		t.Error("the handler ran before the batch had its conversations")
	}
	if err := holder.Commit(); err != nil {
		t.Fatal(err)
	}
	backgroundtest.WaitIdle(t, n.g)
	if got := r.ids(); len(got) != 2 {
		t.Fatalf("handled %v, want both events", got)
	}
}
