package db_test

import (
	"math"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Migration 053 ends the wait of the conversations closed before closing
// ended it (as such stores hold them) and leaves the open ones' waits
// alone. (It was replayed by taking the store's version back to 052 and
// reopening it, which reran every later migration too and broke with the
// first that makes a table.)
func TestMigration053EndsTheWaitOfClosedConversations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		before := []string{
			`INSERT INTO workspaces (id, name, created_at) VALUES (900, 'w', 0)`,
			`INSERT INTO channels (id, workspace_id, type, name, token, created_at) VALUES (900, 900, 'custom', 'c', 't', 0)`,
			`INSERT INTO contacts (id, workspace_id, first_name, created_at, updated_at) VALUES (901, 900, 'a', 0, 0), (902, 900, 'b', 0, 0)`,
			`INSERT INTO conversations (id, workspace_id, contact_id, channel_id, status, opened_source, opened_at, waiting_since) VALUES
				(901, 900, 901, 900, 'closed', 'contact', 0, 1000), (902, 900, 902, 900, 'open', 'contact', 0, 2000)`,
		}
		replayMigration(t, d, before, 53)
		for id, want := range map[int]int{901: math.MaxInt64, 902: 2000} {
			if got := dbtest.Count(t, d, `SELECT waiting_since FROM conversations WHERE id = ?`, id); got != want {
				t.Errorf("conversation %d: waiting_since %d, want %d", id, got, want)
			}
		}
	})
}
