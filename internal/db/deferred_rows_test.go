package db_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

const insertTag = `INSERT INTO tags (workspace_id, name, created_at) VALUES `

// tagNames lists the tags' names in order.
func tagNames(t *testing.T, d *db.DB) []string {
	t.Helper()
	return dbtest.Column[string](t, d, `SELECT name FROM tags ORDER BY name`)
}

// A row queued with InsertLater is written when the write that queued it
// returns, so the next write sharing the transaction (the group committer
// runs many in one) sees it as if it had been inserted at once; a failed
// write leaves none of its rows. Each write counts the rows the writes
// before it left, then queues its own: the successful ones must have seen
// n, n+1, n+2, … in some order, never the same count twice. First with
// no write failing (the committer runs a batch without savepoints), then
// with every third failing (it runs the batch again in savepoints).
func TestInsertLaterBeforeTheNextWrite(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		oneWorkspace(t, d)
		boom := errors.New("boom")
		var want []string
		for _, failing := range []int{0, 3} {
			const writes = 120
			seen := make([]int, writes)
			results := make([]error, writes)
			fails := func(i int) bool { return failing > 0 && i%failing == 0 }
			var wg sync.WaitGroup
			for i := range writes {
				name := fmt.Sprintf("f%d-%03d", failing, i)
				wg.Go(func() {
					results[i] = d.Write(ctx, func(tx *db.Tx) error {
						if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM tags`).Scan(&seen[i]); err != nil {
							return err
						}
						tx.InsertLater(insertTag, `(?, ?, ?)`, 1, name, 0)
						if fails(i) {
							return boom
						}
						return nil
					})
				})
			}
			wg.Wait()
			var counts []int
			for i, err := range results {
				if fails(i) {
					if !errors.Is(err, boom) {
						t.Fatalf("write %d: %v, want boom", i, err)
					}
					continue
				}
				if err != nil {
					t.Fatalf("write %d: %v", i, err)
				}
				counts = append(counts, seen[i])
				want = append(want, fmt.Sprintf("f%d-%03d", failing, i))
			}
			slices.Sort(counts)
			for k, n := range counts {
				if n != counts[0]+k {
					t.Fatalf("every third failing: %v; the successful writes saw %v rows before them, want n, n+1, … once each", failing > 0, counts)
				}
			}
		}
		slices.Sort(want)
		if got := tagNames(t, d); !slices.Equal(got, want) {
			t.Fatalf("tags %v, want %v (the failed writes' rows dropped)", got, want)
		}
	})
}

// Inside a write, queued rows are inserted before a savepoint (so that
// rolling it back undoes only what was queued inside it), and the rows
// queued inside a savepoint that rolls back are never inserted. Until then
// the write itself does not see them: InsertLater is for rows it never
// reads again.
func TestInsertLaterAndSavepoints(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		var before, inside int
		if err := d.Write(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO workspaces (name, created_at) VALUES ('w', 0)`); err != nil {
				return err
			}
			tx.InsertLater(insertTag, `(?, ?, ?)`, 1, "a", 0)
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM tags`).Scan(&before); err != nil {
				return err
			}
			err := tx.Savepoint(ctx, func(tx *db.Tx) error {
				if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM tags`).Scan(&inside); err != nil {
					return err
				}
				tx.InsertLater(insertTag, `(?, ?, ?)`, 1, "b", 0)
				return boom
			})
			if !errors.Is(err, boom) {
				return fmt.Errorf("savepoint: %v, want boom", err)
			}
			tx.InsertLater(insertTag, `(?, ?, ?)`, 1, "c", 0)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if before != 0 || inside != 1 {
			t.Errorf("the write saw %d queued rows before the savepoint and %d inside it, want 0 and 1", before, inside)
		}
		if got := tagNames(t, d); !slices.Equal(got, []string{"a", "c"}) {
			t.Errorf("tags %v, want [a c] (b was queued in the savepoint rolled back)", got)
		}
	})
}
