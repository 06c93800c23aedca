package db_test

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Migration 050 leaves every workspace's auto-close in inactivity mode,
// as it was, and gives each conversation still open or snoozed the time
// of the last message a person sent in it, so that a workspace switching
// to awaiting_contact arms the conversations already waiting on their
// contact. A workflow's, a token's, an echo or an AI agent's message is
// not a person's; closed conversations are never read again.
func TestMigration050LastHumanSent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		before := []string{
			`ALTER TABLE workspaces DROP COLUMN auto_close_mode`,
			`ALTER TABLE conversations DROP COLUMN last_human_sent_at`,
			`INSERT INTO workspaces (id, name, created_at) VALUES (900, 'w', 0)`,
			`INSERT INTO channels (id, workspace_id, type, name, token, created_at) VALUES (900, 900, 'custom', 'c', 't', 0)`,
			`INSERT INTO contacts (id, workspace_id, first_name, created_at, updated_at) VALUES (901, 900, 'a', 0, 0), (902, 900, 'b', 0, 0),
				(903, 900, 'c', 0, 0)`,
			`INSERT INTO conversations (id, workspace_id, contact_id, channel_id, status, opened_source, opened_at) VALUES
				(901, 900, 901, 900, 'open', 'contact', 0), (902, 900, 902, 900, 'snoozed', 'contact', 0),
				(903, 900, 903, 900, 'closed', 'contact', 0)`,
			`INSERT INTO messages (workspace_id, conversation_id, contact_id, channel_id, direction, sender, type, status, created_at, ai) VALUES
				(900, 901, 901, 900, 'in', 'contact', 'text', 'received', 100, NULL),
				(900, 901, 901, 900, 'out', 'user', 'text', 'sent', 200, NULL),
				(900, 901, 901, 900, 'out', 'user', 'text', 'sent', 300, 'draft'),
				(900, 901, 901, 900, 'out', 'user', 'text', 'sent', 400, 'agent'),
				(900, 901, 901, 900, 'out', 'workflow', 'text', 'sent', 500, NULL),
				(900, 902, 902, 900, 'out', 'api', 'text', 'sent', 600, NULL),
				(900, 902, 902, 900, 'out', 'echo', 'text', 'sent', 700, NULL),
				(900, 903, 903, 900, 'out', 'user', 'text', 'sent', 800, NULL)`,
		}
		replayMigration(t, d, before, 50)
		for id, want := range map[int]int{901: 300, 902: 0, 903: 0} {
			if got := dbtest.Count(t, d, `SELECT last_human_sent_at FROM conversations WHERE id = ?`, id); got != want {
				t.Errorf("conversation %d: last_human_sent_at %d, want %d", id, got, want)
			}
		}
		if got := dbtest.Count(t, d, `SELECT COUNT(*) FROM workspaces WHERE id = 900 AND auto_close_mode = 'inactivity'`); got != 1 {
			t.Error("the workspace's auto-close mode is not inactivity")
		}
	})
}
