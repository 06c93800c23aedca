package db_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// BeforeCommit runs each key's hook once, with the items queued under it
// in order, minus those of a savepoint rolled back; a hook's error fails
// the write and undoes it.
func TestBeforeCommitRunsEachKeyOnceWithItsItems(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var calls []string
		record := func(key string) func(context.Context, *db.Tx, []int) error {
			return func(_ context.Context, _ *db.Tx, items []int) error {
				calls = append(calls, fmt.Sprint(key, items))
				return nil
			}
		}
		undone := errors.New("undone")
		for _, write := range []func(context.Context, func(*db.Tx) error) error{d.Write, d.WriteConcurrent} {
			calls = nil
			if err := write(ctx, func(tx *db.Tx) error {
				db.BeforeCommit(tx, "a", 1, record("a"))
				db.BeforeCommit(tx, "b", 10, record("b"))
				if err := tx.Savepoint(ctx, func(tx *db.Tx) error {
					db.BeforeCommit(tx, "a", 2, record("a"))
					db.BeforeCommit(tx, "c", 20, record("c"))
					return undone
				}); !errors.Is(err, undone) {
					return fmt.Errorf("savepoint: %v", err)
				}
				if err := tx.Savepoint(ctx, func(tx *db.Tx) error {
					db.BeforeCommit(tx, "a", 3, record("a"))
					return nil
				}); err != nil {
					return err
				}
				if len(calls) > 0 {
					return fmt.Errorf("hooks ran before the commit: %v", calls)
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if want := "[a[1 3] b[10]]"; fmt.Sprint(calls) != want {
				t.Fatalf("hooks ran as %v, want %s", calls, want)
			}
		}

		failed := errors.New("the hook failed")
		err := d.WriteConcurrent(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO workspaces (name, created_at) VALUES ('kept?', 0)`); err != nil {
				return err
			}
			db.BeforeCommit(tx, "a", 1, func(context.Context, *db.Tx, []int) error { return failed })
			return nil
		})
		if !errors.Is(err, failed) {
			t.Fatalf("write with a failing hook = %v, want its error", err)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM workspaces WHERE name = 'kept?'`); n != 0 {
			t.Fatalf("a write whose hook failed left %d rows", n)
		}
	})
}
