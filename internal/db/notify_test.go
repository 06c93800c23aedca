package db_test

import (
	"context"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Consumers are woken only by commits that appended events, and timers
// only by commits that made their work due. Group-commit batches used to
// wake every consumer whatever they wrote, and a timer that claimed
// nothing through the committer woke itself again: an idle node spun.
func TestOnlyCommitsWithNewsWakeAnyone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var mu sync.Mutex
		var events []int64
		due := map[string][]int64{}
		d.OnEvents(func(last int64) { mu.Lock(); events = append(events, last); mu.Unlock() })
		d.OnDue("timer", func(at int64) { mu.Lock(); due["timer"] = append(due["timer"], at); mu.Unlock() })
		var ws int64
		write := func(fn func(tx *db.Tx) error) {
			t.Helper()
			if err := d.Write(ctx, fn); err != nil {
				t.Fatal(err)
			}
		}
		before := d.Commits()
		write(func(tx *db.Tx) error {
			return tx.QueryRow(ctx, `INSERT INTO workspaces (name, created_at) VALUES ('w', 0) RETURNING id`).Scan(&ws)
		})
		write(func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE workspaces SET name = 'x' WHERE id = ?`, ws)
			return err
		})
		if d.Commits() != before+2 {
			t.Fatalf("commits counted = %d, want 2", d.Commits()-before)
		}
		mu.Lock()
		if len(events) != 0 || len(due) != 0 {
			t.Fatalf("commits without news woke events %v, due %v", events, due)
		}
		mu.Unlock()
		var id int64
		write(func(tx *db.Tx) error {
			if err := tx.EventAppended(ctx); err != nil {
				return err
			}
			if err := tx.QueryRow(ctx, `INSERT INTO events (workspace_id, type, seq, payload, created_at) VALUES (?, 'contact.created', 0, '{}', 0) RETURNING id`, ws).Scan(&id); err != nil {
				return err
			}
			tx.NoteEvent(id)
			tx.Due("timer", 90)
			tx.Due("timer", 70)
			tx.Due("other", 1) // nobody listens: harmless
			return nil
		})
		mu.Lock()
		defer mu.Unlock()
		if len(events) != 1 || events[0] != id {
			t.Fatalf("events told = %v, want [%d]", events, id)
		}
		if len(due["timer"]) != 1 || due["timer"][0] != 70 {
			t.Fatalf("due told = %v, want the earliest, 70", due)
		}
	})
}

// Closing a store twice is harmless: shutdown paths and test cleanups may
// both close it (the PostgreSQL notifier's stop channel once panicked).
func TestCloseTwice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		if err := d.Close(); err != nil {
			t.Fatal(err)
		}
		d.Close() // a second close may report the pool closed; it must not panic
	})
}
