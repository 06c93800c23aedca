package db_test

import (
	"context"
	"errors"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

func TestChunked(t *testing.T) {
	for _, n := range []int{0, 1, 3, 64, 255, 300, 511, 1000} {
		var sizes []int
		next := 0
		err := db.Chunked(n, func(from, size int) error {
			if from != next {
				t.Errorf("n=%d: chunk at %d, want %d", n, from, next)
			}
			if size < 1 || size > 256 || size&(size-1) != 0 {
				t.Errorf("n=%d: chunk of %d, not a power of two up to 256", n, size)
			}
			sizes = append(sizes, size)
			next = from + size
			return nil
		})
		if err != nil || next != n {
			t.Errorf("n=%d: chunks %v cover %d (err %v)", n, sizes, next, err)
		}
	}
	stop := errors.New("stop")
	calls := 0
	if err := db.Chunked(300, func(int, int) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
		t.Errorf("an error from fn: %v after %d calls, want it after 1", err, calls)
	}
}

func TestRows(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{{0, ""}, {1, "(?, ?)"}, {3, "(?, ?), (?, ?), (?, ?)"}} {
		if got := db.Rows("(?, ?)", c.n); got != c.want {
			t.Errorf("Rows(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

// LastIDsTx gives the largest id a table ever used, a deleted last row's
// too, so ids chosen after it are never reused; PostgreSQL refuses.
func TestLastIDsTx(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var got []int64
		err := d.Write(ctx, func(tx *db.Tx) error {
			var err error
			got, err = db.LastIDsTx(ctx, tx, "tags")
			return err
		})
		if d.Dialect != db.SQLite {
			if !errors.Is(err, db.ErrNoChosenIDs) {
				t.Fatalf("on %s: %v, want ErrNoChosenIDs", d.Dialect, err)
			}
			return
		}
		if err != nil || len(got) != 1 || got[0] != 0 {
			t.Fatalf("empty table: %v %v", got, err)
		}
		err = d.Write(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO workspaces (id, name, created_at) VALUES (1, 'w', 0)`); err != nil {
				return err
			}
			for _, name := range []string{"a", "b", "c"} {
				if _, err := tx.Exec(ctx, `INSERT INTO tags (workspace_id, name, created_at) VALUES (1, ?, 0)`, name); err != nil {
					return err
				}
			}
			_, err := tx.Exec(ctx, `DELETE FROM tags WHERE name = 'c'`)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		err = d.Write(ctx, func(tx *db.Tx) error {
			var err error
			got, err = db.LastIDsTx(ctx, tx, "tags", "workspaces")
			return err
		})
		if err != nil || len(got) != 2 || got[0] != 3 || got[1] != 1 {
			t.Fatalf("after three tags, the last deleted: %v %v, want [3 1]", got, err)
		}
		err = d.Write(ctx, func(tx *db.Tx) error {
			_, err := db.LastIDsTx(ctx, tx, "tags; DROP TABLE tags")
			return err
		})
		if err == nil {
			t.Error("a table name that is not one was accepted")
		}
	})
}
