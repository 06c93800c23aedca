package event_test

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

func TestAppendListAndWake(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		hub := event.NewHub()
		d.OnEvents(hub.Notify)
		wake, stop := hub.Subscribe()
		defer stop()
		var ws [2]int64
		for i := range ws {
			if err := d.Write(ctx, func(tx *db.Tx) error {
				return tx.QueryRow(ctx, `INSERT INTO workspaces (name, created_at) VALUES ('w', 0) RETURNING id`).Scan(&ws[i])
			}); err != nil {
				t.Fatal(err)
			}
		}
		select { // commits are told synchronously, so a wake-up would be here
		case <-wake:
			t.Fatal("woken by commits that appended no event")
		default:
		}
		appendTx := func(workspace int64, typ event.Type) {
			t.Helper()
			if err := d.Write(ctx, func(tx *db.Tx) error {
				_, err := event.Append(ctx, tx, event.New{WorkspaceID: workspace, Type: typ, Payload: map[string]int{"n": 1}})
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		appendTx(ws[0], event.ContactCreated)
		select {
		case <-wake:
		default:
			t.Fatal("no wake-up after a commit that appended an event")
		}
		first, _ := event.List(ctx, d.Reader(), event.Filter{WorkspaceID: ws[0]})
		if len(first) != 1 || hub.Last() != first[0].ID {
			t.Fatalf("hub's newest event = %d, want %+v", hub.Last(), first)
		}
		// A rolled-back append stores nothing and does not move the hub's
		// newest event. On PostgreSQL it wakes the readers, which the
		// horizon may have stopped at its id (see db.Tx.ended); on SQLite
		// nobody waits on it.
		lastBefore := hub.Last()
		d.Write(ctx, func(tx *db.Tx) error {
			event.Append(ctx, tx, event.New{WorkspaceID: ws[0], Type: event.ContactUpdated})
			return context.Canceled
		})
		select {
		case <-wake:
			if d.Dialect != db.Postgres {
				t.Fatal("woken by a rolled-back transaction")
			}
		default:
			if d.Dialect == db.Postgres {
				t.Fatal("a rolled-back append did not wake the readers stopped at its id")
			}
		}
		if hub.Last() != lastBefore {
			t.Fatalf("a rolled-back append moved the hub's newest event from %d to %d", lastBefore, hub.Last())
		}
		appendTx(ws[1], event.ContactCreated)
		appendTx(ws[0], event.ContactTagUpdated)
		all, err := event.List(ctx, d.Reader(), event.Filter{WorkspaceID: ws[0]})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 || all[0].Type != event.ContactCreated || all[1].Type != event.ContactTagUpdated || string(all[0].Payload) != `{"n":1}` {
			t.Fatalf("workspace 0 events = %+v", all)
		}
		after, _ := event.List(ctx, d.Reader(), event.Filter{WorkspaceID: ws[0], After: all[0].ID})
		if len(after) != 1 || after[0].ID != all[1].ID {
			t.Fatalf("after cursor = %+v", after)
		}
		typed, _ := event.List(ctx, d.Reader(), event.Filter{WorkspaceID: ws[0], Types: []event.Type{event.ContactTagUpdated}})
		if len(typed) != 1 {
			t.Fatalf("type filter = %+v", typed)
		}
	})
}
