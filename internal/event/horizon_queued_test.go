package event_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// An event a concurrent write queued (db.Tx.AppendLater) takes no id, and
// so holds no reader back, until the write commits: not when a savepoint
// begins (the committer runs each job of a batch in one after a job
// failed, and a close refills its agent's slot in one), nor when a
// workflow chain marks its events' depth (db.BeforeCommit). Inserted
// at the first of these, an event held every reader on every node below
// it for the rest of its batch: the 3-node proof's oldest holder of the
// horizon was a close's batch, claiming agents for its refills.
func TestQueuedEventsHoldNoReaderBackBeforeTheCommit(t *testing.T) {
	if len(dbtest.Dialects()) < 2 {
		t.Skip("PostgreSQL only: SQLite's events commit in id order, with no horizon")
	}
	d := dbtest.Open(t, db.Postgres)
	ctx := context.Background()
	ws := newWorkspace(t, d)
	conv := newConversation(t, d, ws)
	appendOne := func(tx *db.Tx, name string) error {
		_, err := event.Append(ctx, tx, event.New{WorkspaceID: ws, Type: event.CommentCreated, ConversationID: conv, Payload: map[string]string{"n": name}})
		return err
	}
	open, release := make(chan struct{}), make(chan struct{})
	var releaseOnce sync.Once
	let := func() { releaseOnce.Do(func() { close(release) }) }
	t.Cleanup(let) // a failure below must not leave the write, and the store's close, waiting
	var marked []int64
	outcome := make(chan error, 1)
	go func() {
		outcome <- d.WriteConcurrent(ctx, func(tx *db.Tx) error {
			if err := appendOne(tx, "queued"); err != nil {
				return err
			}
			if err := tx.Savepoint(ctx, func(tx *db.Tx) error { return nil }); err != nil {
				return err
			}
			from := tx.AppendedCount()
			if err := appendOne(tx, "marked"); err != nil {
				return err
			}
			to := tx.AppendedCount()
			db.BeforeCommit(tx, "test", [2]int{from, to}, func(ctx context.Context, tx *db.Tx, ranges [][2]int) error {
				marked = tx.AppendedEvents()[ranges[0][0]:ranges[0][1]]
				return nil
			})
			select {
			case open <- struct{}{}:
			default: // a second run of fn: already told
			}
			<-release
			return nil
		})
	}()
	<-open
	b := appendCommitted(t, d, ws)
	if h, err := d.EventHorizon(ctx); err != nil || h < b {
		t.Fatalf("horizon = %d (%v) while a write with queued events is open; %d committed after it was queued should be readable", h, err, b)
	}
	let()
	if err := <-outcome; err != nil {
		t.Fatal(err)
	}
	list, err := event.List(ctx, d.Reader(), event.Filter{WorkspaceID: ws, ConversationID: conv})
	if err != nil || len(list) != 2 {
		t.Fatalf("the held write's events = %v (%v), want two", ids(list), err)
	}
	if list[0].ID <= b || string(list[1].Payload) != `{"n":"marked"}` {
		t.Fatalf("the held write's events %v (%s last) were not inserted at its commit, after %d", ids(list), list[1].Payload, b)
	}
	if fmt.Sprint(marked) != fmt.Sprint([]int64{list[1].ID}) {
		t.Fatalf("before the commit the write saw its second event as %v, want [%d]", marked, list[1].ID)
	}
}
