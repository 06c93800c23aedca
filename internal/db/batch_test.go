package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
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

// QueryIn reads the rows of any number of ids, with args before them and
// a tail after, and on PostgreSQL in one statement whatever their number.
func TestQueryIn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		err := d.Write(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO workspaces (id, name, created_at) VALUES (1, 'w', 0)`); err != nil {
				return err
			}
			for i := range 300 {
				if _, err := tx.Exec(ctx, `INSERT INTO tags (workspace_id, name, created_at) VALUES (1, ?, ?)`, fmt.Sprint("t", i), i%2); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{0, 1, 21, 300} {
			var ids []int64
			for i := range n {
				ids = append(ids, int64(n-i)) // not in order
			}
			ids = append(ids, 100000) // no such tag
			var got []int64
			before := d.Statements()
			err := d.Write(ctx, func(tx *db.Tx) error {
				return db.QueryIn(ctx, tx, `SELECT id FROM tags WHERE created_at = ? AND id IN `, ` AND workspace_id = 1`, ids, []any{1},
					func(rows *sql.Rows) error {
						var id int64
						err := rows.Scan(&id)
						got = append(got, id)
						return err
					})
			})
			if err != nil {
				t.Fatalf("%d ids: %v", n, err)
			}
			statements := d.Statements() - before
			var want []int64
			for id := int64(2); id <= int64(n); id += 2 { // tag i has id i+1, created_at i%2
				want = append(want, id)
			}
			slices.Sort(got) // ordered within each chunk only
			if !slices.Equal(got, want) {
				t.Errorf("%d ids: read %v, want %v", n, got, want)
			}
			if d.Dialect == db.Postgres && statements > 1 {
				t.Errorf("%d ids: %d statements, want 1", n, statements)
			}
		}
	})
}

// On PostgreSQL QueryIn's ids are looked up through the table's primary
// key in the generic plan a writer connection keeps once it stops
// planning the statement per call, made when the table had a couple of
// thousand rows and statistics. "id IN (SELECT unnest(array))" was then a
// hash join over a scan of the whole table, and stayed one as the table
// grew (bench/ingest's report projection, 2 ms a call).
func TestQueryInGenericPlanUsesTheIndex(t *testing.T) {
	if !slices.Contains(dbtest.Dialects(), db.Postgres) {
		t.Skip("needs PostgreSQL (" + dbtest.EnvPostgres + ")")
	}
	d := dbtest.Open(t, db.Postgres)
	ctx := context.Background()
	err := d.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO workspaces (id, name, created_at) VALUES (1, 'w', 0)`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO contacts (workspace_id, first_name, created_at, updated_at)
			SELECT 1, 'c' || n, 0, 0 FROM generate_series(1, 2000) n`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `ANALYZE contacts`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	text, err := db.PgQueryIn(`SELECT id, is_test FROM contacts WHERE id IN `, "")
	if err != nil {
		t.Fatal(err)
	}
	plan := dbtest.GenericPlanOn(t, d, text, `'{1,2}'::bigint[]`)
	if strings.Contains(plan, "Seq Scan") || !strings.Contains(plan, "contacts_pkey") {
		t.Errorf("the ids are not looked up through the primary key:\n%s", plan)
	}
	if _, err := db.PgQueryIn(`SELECT id FROM contacts WHERE id = 1`, ""); err == nil {
		t.Error("a query that does not end in \"IN \" was accepted")
	}
}

// InsertRows writes any number of rows, its suffix applied to each, and on
// PostgreSQL in one statement whatever their number; a row that is not
// bare placeholders still works, through the chunks.
func TestInsertRows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO workspaces (id, name, created_at) VALUES (1, 'w', 0)`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		insert := func(row string, n int, args func(i int) []any) int64 {
			t.Helper()
			before := d.Statements()
			if err := d.Write(ctx, func(tx *db.Tx) error {
				return db.InsertRows(ctx, tx, n, `INSERT INTO tags (workspace_id, name, color, created_at) VALUES `, row,
					` ON CONFLICT (workspace_id, name) DO UPDATE SET color = excluded.color`, args)
			}); err != nil {
				t.Fatalf("%d rows of %s: %v", n, row, err)
			}
			return d.Statements() - before
		}
		n := insert("(?, ?, ?, ?)", 300, func(i int) []any { return []any{int64(1), fmt.Sprint("t", i), "red", int64(i)} })
		if d.Dialect == db.Postgres && n > 1 {
			t.Errorf("300 rows in %d statements, want 1", n)
		}
		insert("(?, ?, 'blue', ?)", 21, func(i int) []any { return []any{int64(1), fmt.Sprint("t", i*10), int64(i)} })
		insert("(?, ?, ?, ?)", 0, nil)
		var count, blue, sum int64
		if err := d.Reader().QueryRow(ctx, `SELECT COUNT(*), SUM(CASE WHEN color = 'blue' THEN 1 ELSE 0 END), SUM(created_at) FROM tags`).
			Scan(&count, &blue, &sum); err != nil {
			t.Fatal(err)
		}
		if count != 300 || blue != 21 || sum != 299*300/2 {
			t.Errorf("%d tags, %d blue, created_at sum %d; want 300, 21 and %d", count, blue, sum, 299*300/2)
		}

		// Nullable text and integer columns (a contact's phone, its
		// stage) are arrays with NULLs too: still one statement.
		before := d.Statements()
		if err := d.Write(ctx, func(tx *db.Tx) error {
			return db.InsertRows(ctx, tx, 21, `INSERT INTO contacts (workspace_id, first_name, phone, lifecycle_stage_id, created_at, updated_at) VALUES `,
				"(?, ?, ?, ?, ?, ?)", "", func(i int) []any {
					return []any{int64(1), fmt.Sprint("c", i), sql.NullString{String: fmt.Sprint("+3361000", i), Valid: i%3 == 0},
						sql.NullInt64{}, int64(0), int64(0)}
				})
		}); err != nil {
			t.Fatal(err)
		}
		if n := d.Statements() - before; d.Dialect == db.Postgres && n > 1 {
			t.Errorf("21 contacts in %d statements, want 1", n)
		}
		var phones, without int64
		if err := d.Reader().QueryRow(ctx, `SELECT COUNT(phone), SUM(CASE WHEN phone IS NULL THEN 1 ELSE 0 END) FROM contacts`).Scan(&phones, &without); err != nil {
			t.Fatal(err)
		}
		if phones != 7 || without != 14 {
			t.Errorf("%d contacts with a phone and %d without, want 7 and 14", phones, without)
		}
	})
}
