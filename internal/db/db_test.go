package db_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

func TestRebind(t *testing.T) {
	d := &db.DB{Dialect: db.Postgres}
	tests := []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = $1 AND b = $2"},
		{"SELECT '?' FROM t WHERE a = ?", "SELECT '?' FROM t WHERE a = $1"},
	}
	for _, tt := range tests {
		if got := d.Rebind(tt.in); got != tt.want {
			t.Errorf("Rebind(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := (&db.DB{Dialect: db.SQLite}).Rebind("a = ?"); got != "a = ?" {
		t.Errorf("SQLite rebind changed the query: %q", got)
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := d.Migrate(ctx); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		var n int
		if err := d.Reader().QueryRow(ctx, `SELECT COUNT(*) FROM schema_version`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		// One row per version, numbered from 1 without gaps: none ran twice
		// and none was skipped.
		var highest int
		if err := d.Reader().QueryRow(ctx, `SELECT MAX(version) FROM schema_version`).Scan(&highest); err != nil {
			t.Fatal(err)
		}
		if n != highest {
			t.Errorf("schema_version has %d rows for max version %d: a migration ran twice or was skipped", n, highest)
		}
	})
}

// A failing write in a shared batch undoes only its own writes; the
// others commit, and each caller learns its own outcome.
func TestWriteIsolatesFailures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		oneWorkspace(t, d)
		boom := errors.New("boom")
		var wg sync.WaitGroup
		results := make([]error, 200)
		for i := range results {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				results[i] = d.Write(ctx, func(tx *db.Tx) error {
					if _, err := tx.Exec(ctx, `INSERT INTO tags (workspace_id, name, created_at) VALUES (1, ?, 0)`, string(rune('a'+i%26))+string(rune('0'+i/26))); err != nil {
						return err
					}
					if i%3 == 0 {
						return boom
					}
					return nil
				})
			}(i)
		}
		wg.Wait()
		want := 0
		for i, err := range results {
			if i%3 == 0 {
				if !errors.Is(err, boom) {
					t.Fatalf("job %d: err = %v, want boom", i, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("job %d: %v", i, err)
			}
			want++
		}
		var n int
		d.Reader().QueryRow(ctx, `SELECT COUNT(*) FROM tags`).Scan(&n)
		if n != want {
			t.Errorf("tags = %d, want %d (failed jobs must leave nothing)", n, want)
		}
	})
}

// Write after Close reports the store is closed rather than hanging.
func TestWriteAfterClose(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	d.Close()
	err := d.Write(context.Background(), func(*db.Tx) error { return nil })
	if !errors.Is(err, db.ErrClosed) {
		t.Fatalf("Write after Close = %v, want ErrClosed", err)
	}
}

// Hooks run after commit and not after rollback.
func TestOnCommit(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	ctx := context.Background()
	ran := 0
	d.Write(ctx, func(tx *db.Tx) error { tx.OnCommit(func() { ran++ }); return nil })
	d.Write(ctx, func(tx *db.Tx) error { tx.OnCommit(func() { ran += 10 }); return errors.New("rollback") })
	if ran != 1 {
		t.Fatalf("hooks ran %d, want 1 (only the committed one)", ran)
	}
}

func TestOpenRejectsUnknownURL(t *testing.T) {
	if _, err := db.Open(context.Background(), db.Config{URL: "mysql://u:secret@h/db"}); err == nil {
		t.Fatal("want an error for a mysql URL")
	} else if strings.Contains(err.Error(), "secret") {
		t.Fatalf("error leaks the password: %v", err)
	}
}

// oneWorkspace writes workspace 1, which the rows the tests write name.
func oneWorkspace(t *testing.T, d *db.DB) {
	t.Helper()
	if err := d.Write(context.Background(), func(tx *db.Tx) error {
		_, err := tx.Exec(context.Background(), `INSERT INTO workspaces (name, created_at) VALUES ('w', 0)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}
