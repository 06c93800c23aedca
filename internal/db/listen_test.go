package db_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A commit on node A reaches node B's consumers and timers through
// PostgreSQL's NOTIFY: the id of its last event, and the due time of the
// work it scheduled, so an agent connected to B sees it at once and B's
// timers need not look after every commit.
func TestListenAcrossNodes(t *testing.T) {
	if os.Getenv(dbtest.EnvPostgres) == "" {
		t.Skip(dbtest.EnvPostgres + " is not set")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := dbtest.Config(t, db.Postgres)
	nodeA, err := db.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer nodeA.Close()
	nodeB, err := db.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer nodeB.Close()
	events := make(chan int64, 16)
	due := make(chan int64, 16)
	nodeB.OnEvents(func(last int64) { events <- last })
	nodeB.OnDue("test", func(at int64) { due <- at })
	go nodeB.Listen(ctx)
	patience := time.NewTimer(time.Minute)
	defer patience.Stop()
	select { // a (re)connected listener wakes every timer once
	case at := <-due:
		if at != 0 {
			t.Fatalf("wake-up on connecting carries %d, want 0 (look now)", at)
		}
	case <-patience.C:
		t.Fatal("listener did not connect")
	}
	var id int64
	if err := nodeA.Tx(ctx, func(tx *db.Tx) error {
		var ws int64
		if err := tx.QueryRow(ctx, `INSERT INTO workspaces (name, created_at) VALUES ('w', 0) RETURNING id`).Scan(&ws); err != nil {
			return err
		}
		if err := tx.EventAppended(ctx); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO events (workspace_id, type, seq, payload, created_at) VALUES (?, 'contact.created', 0, '{}', 0) RETURNING id`, ws).Scan(&id); err != nil {
			return err
		}
		tx.NoteEvent(id)
		tx.Due("test", 5000)
		tx.Due("test", 4000) // the earliest of a kind is what is told
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	select {
	case last := <-events:
		if last != id {
			t.Fatalf("node B heard of event %d, want %d", last, id)
		}
	case <-patience.C:
		t.Fatal("node B was not woken by node A's commit")
	}
	select {
	case at := <-due:
		if at != 4000 {
			t.Fatalf("node B heard of work due at %d, want 4000", at)
		}
	case <-patience.C:
		t.Fatal("node B's timer did not hear of node A's due work")
	}
}
