package db_test

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Migration 073 sends the two search indexes' consumers back to the log's
// first event, so that Chinese and Japanese text written before it is
// indexed as its pairs of characters; every other consumer keeps its place.
func TestMigration073ReindexesTheSearches(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		before := []string{
			`DELETE FROM event_consumers`,
			`INSERT INTO event_consumers (name, last_id, updated_at) VALUES ('message_search', 500, 0), ('comment_search', 400, 0), ('routing', 42, 0)`,
		}
		replayMigration(t, d, before, 73)
		for name, want := range map[string]int{"message_search": 0, "comment_search": 0, "routing": 42} {
			if got := dbtest.Count(t, d, `SELECT last_id FROM event_consumers WHERE name = ?`, name); got != want {
				t.Errorf("%s cursor = %d, want %d", name, got, want)
			}
		}
	})
}
