package db_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// RewriteColumn rewrites each row the query finds, and only those; on
// PostgreSQL, where each statement is a round trip, with one UPDATE.
func TestRewriteColumn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		const n = 300
		if err := d.Write(ctx, func(tx *db.Tx) error {
			return db.InsertRows(ctx, tx, n+5, `INSERT INTO workspaces (name, created_at) VALUES `, "(?, ?)", "",
				func(i int) []any { return []any{fmt.Sprintf("w%03d's name", i), int64(i)} })
		}); err != nil {
			t.Fatal(err)
		}
		before := d.Statements()
		var got int
		if err := d.Write(ctx, func(tx *db.Tx) error {
			var err error
			got, err = tx.RewriteColumn(ctx, "workspaces", "name", func(s string) (string, error) { return strings.ToUpper(s) + " ✓", nil },
				`SELECT id, name FROM workspaces WHERE created_at < ?`, int64(n))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if got != n {
			t.Errorf("rewrote %d rows, want %d", got, n)
		}
		if stmts := d.Statements() - before; d.Dialect == db.Postgres && stmts > 2 {
			t.Errorf("%d rows rewritten in %d statements, want a read and one UPDATE", n, stmts)
		}
		names := dbtest.Column[string](t, d, `SELECT name FROM workspaces ORDER BY created_at`)
		for i, name := range names {
			want := fmt.Sprintf("w%03d's name", i)
			if i < n {
				want = strings.ToUpper(want) + " ✓"
			}
			if name != want {
				t.Fatalf("workspace %d is named %q, want %q", i, name, want)
			}
		}
		// A failing rewrite writes nothing.
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.RewriteColumn(ctx, "workspaces", "name", func(s string) (string, error) {
				if strings.HasPrefix(s, "W150") {
					return "", fmt.Errorf("refused")
				}
				return "x", nil
			}, `SELECT id, name FROM workspaces`)
			return err
		}); err == nil || !strings.Contains(err.Error(), "refused") {
			t.Fatalf("a refused rewrite: %v", err)
		}
		if c := dbtest.Count(t, d, `SELECT COUNT(*) FROM workspaces WHERE name = 'x'`); c != 0 {
			t.Errorf("%d rows rewritten by a failed rewrite", c)
		}
	})
}
