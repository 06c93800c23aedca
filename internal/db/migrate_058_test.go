package db_test

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Migration 058 has every stored file looked at by the sweep as a new one
// is, a day after its upload.
func TestMigration058SweepsStoredFilesADayAfterTheirUpload(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		before := []string{
			`DROP TABLE media_removals`, `DROP INDEX media_sweep`, `ALTER TABLE media DROP COLUMN sweep_at`,
			`INSERT INTO workspaces (id, name, created_at) VALUES (900, 'w', 0)`,
			`INSERT INTO media (id, workspace_id, sha256, size, content_type, file_name, fetch_key, created_at) VALUES
				('aa', 900, 's', 1, 'image/png', 'a.png', 'k', 1000), ('bb', 900, 's', 1, 'image/png', 'b.png', 'k', 5000)`,
		}
		replayMigration(t, d, before, 58)
		for id, want := range map[string]int{"aa": 1000 + 86400000, "bb": 5000 + 86400000} {
			if got := dbtest.Count(t, d, `SELECT sweep_at FROM media WHERE id = ?`, id); got != want {
				t.Errorf("%s: sweep_at %d, want %d", id, got, want)
			}
		}
	})
}
