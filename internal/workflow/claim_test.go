package workflow

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// A claim names the node that holds it (EngineOptions.Node), which is how
// the other nodes take back a dead node's claims at once (internal/node).
func TestClaimNamesItsNode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var ws, wf, run int64
		if err := d.Write(ctx, func(tx *db.Tx) error {
			if err := tx.QueryRow(ctx, `INSERT INTO workspaces (name, created_at) VALUES ('w', 0) RETURNING id`).Scan(&ws); err != nil {
				return err
			}
			if err := tx.QueryRow(ctx, `INSERT INTO workflows (workspace_id, name, webhook_secret, created_at, updated_at)
				VALUES (?, 'f', 's', 0, 0) RETURNING id`, ws).Scan(&wf); err != nil {
				return err
			}
			return tx.QueryRow(ctx, `INSERT INTO workflow_runs (workspace_id, workflow_id, version, contact_id, conversation_id, status, step,
				data, wake_at, depth, error, created_at, updated_at, ended_at) VALUES (?, ?, 1, 0, 0, 'running', 's', '{}', 1, 0, '', 0, 0, 0)
				RETURNING id`, ws, wf).Scan(&run)
		}); err != nil {
			t.Fatal(err)
		}
		e := NewEngine(NewService(d), event.NewHub(), nil, nil, EngineOptions{Node: 7}) // not run: the test claims by hand
		ids, lease, err := e.claim(ctx)
		if err != nil || len(ids) != 1 || ids[0] != run {
			t.Fatalf("claimed %v, %v; want run %d", ids, err, run)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM workflow_runs WHERE id = ? AND lease_node = 7 AND lease_until = ?`, run, lease); n != 1 {
			t.Fatal("the claimed run does not name node 7 with the lease claim returned")
		}

		// A release gives the lease back — but only the lease it claimed.
		// Once another node holds the run, a late release by this one
		// (after a stall past its lease) leaves that claim alone.
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE workflow_runs SET lease_until = ?, lease_node = 8 WHERE id = ?`, lease+1000, run)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		e.release(ctx, run, lease)
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM workflow_runs WHERE id = ? AND lease_node = 8 AND lease_until = ?`, run, lease+1000); n != 1 {
			t.Fatal("a release with an old lease freed another node's claim")
		}
		e.release(ctx, run, lease+1000)
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM workflow_runs WHERE id = ? AND lease_until = 0`, run); n != 1 {
			t.Fatal("the run's own lease was not given back")
		}
	})
}
