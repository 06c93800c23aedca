package db_test

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Migration 011 moves the routing drainer's and the workflow engine's
// cursors into event_consumers at the positions they had, and drops the
// old tables: an upgraded node neither replays nor skips events.
func TestMigration011CarriesCursorsOver(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		before := []string{
			`DROP TABLE event_consumers`,
			`CREATE TABLE routing_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), last_event_id BIGINT NOT NULL)`,
			`INSERT INTO routing_cursor (id, last_event_id) VALUES (1, 42)`,
			`CREATE TABLE workflow_cursor (name TEXT PRIMARY KEY, after_id BIGINT NOT NULL)`,
			`INSERT INTO workflow_cursor (name, after_id) VALUES ('engine', 17)`,
		}
		replayMigration(t, d, before, 11)
		for name, want := range map[string]int{"routing": 42, "workflow": 17} {
			if got := dbtest.Count(t, d, `SELECT last_id FROM event_consumers WHERE name = ?`, name); got != want {
				t.Errorf("%s cursor = %d, want %d", name, got, want)
			}
		}
		for _, old := range []string{"routing_cursor", "workflow_cursor"} {
			err := d.Write(ctx, func(tx *db.Tx) error { _, err := tx.Exec(ctx, `SELECT 1 FROM `+old); return err })
			if err == nil {
				t.Errorf("%s still exists", old)
			}
		}
	})
}

// replayMigration runs the statements before, which put the store back to
// its state before migration version (with rows to carry over), and then
// that migration's SQL, in one write.
func replayMigration(t *testing.T, d *db.DB, before []string, version int) {
	t.Helper()
	ctx := context.Background()
	if err := d.Write(ctx, func(tx *db.Tx) error {
		for _, q := range before {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, d.MigrationSQL(version))
		return err
	}); err != nil {
		t.Fatal(err)
	}
}
