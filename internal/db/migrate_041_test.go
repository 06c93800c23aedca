package db_test

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Migration 041 gives each unfinished run with no trigger event the last
// seq of its conversation's events made up to its creation, the place in
// the timeline where the clock put its start; other runs keep none.
func TestMigration041PlacesRunsByTheClock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		before := []string{
			`ALTER TABLE workflow_runs DROP COLUMN start_seq`,
			`INSERT INTO workspaces (id, name, created_at) VALUES (900, 'w', 0)`,
			`INSERT INTO workflows (id, workspace_id, name, webhook_secret, created_at, updated_at) VALUES (900, 900, 'f', 's', 0, 0)`,
			`INSERT INTO events (workspace_id, type, conversation_id, seq, created_at) VALUES
				(900, 'conversation.opened', 7, 1, 100), (900, 'message.received', 7, 2, 200), (900, 'conversation.closed', 7, 3, 300)`,
			// running by hand, begun between seq 2 and 3
			`INSERT INTO workflow_runs (id, workspace_id, workflow_id, version, conversation_id, status, created_at, updated_at)
				VALUES (901, 900, 900, 1, 7, 'waiting_timer', 250, 250)`,
			// begun by hand before any event of its conversation
			`INSERT INTO workflow_runs (id, workspace_id, workflow_id, version, conversation_id, status, created_at, updated_at)
				VALUES (902, 900, 900, 1, 7, 'running', 50, 50)`,
			// started by an event: compares with it
			`INSERT INTO workflow_runs (id, workspace_id, workflow_id, version, conversation_id, status, trigger_event_id, created_at, updated_at)
				VALUES (903, 900, 900, 1, 7, 'waiting_reply', 1, 250, 250)`,
			// finished
			`INSERT INTO workflow_runs (id, workspace_id, workflow_id, version, conversation_id, status, created_at, updated_at, ended_at)
				VALUES (904, 900, 900, 1, 7, 'finished', 250, 250, 260)`,
			// no conversation
			`INSERT INTO workflow_runs (id, workspace_id, workflow_id, version, status, created_at, updated_at)
				VALUES (905, 900, 900, 1, 'waiting_timer', 250, 250)`,
		}
		replayMigration(t, d, before, 41)
		for id, want := range map[int]int{901: 2, 902: 0, 903: -1, 904: -1, 905: -1} {
			if got := dbtest.Count(t, d, `SELECT COALESCE(start_seq, -1) FROM workflow_runs WHERE id = ?`, id); got != want {
				t.Errorf("run %d: start_seq %d, want %d", id, got, want)
			}
		}
	})
}
