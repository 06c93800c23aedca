package db_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// On PostgreSQL a conversation's count goes to a slot of conversation_counts
// that its transaction holds alone (migration 038): sixteen transactions
// opening conversations of one group at once, none committed yet, never
// wait for one another's row, and the counts add up once they commit.
// With the slot taken from the process id instead, sixteen backends all
// but surely share one and the later waits for the earlier's commit.
func TestConversationCountSlotsDoNotQueue(t *testing.T) {
	if os.Getenv(dbtest.EnvPostgres) == "" {
		t.Skip("PostgreSQL only: " + dbtest.EnvPostgres + " is not set")
	}
	ctx := context.Background()
	cfg := dbtest.Config(t, db.Postgres)
	d, err := db.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	raw, err := sql.Open("pgx", cfg.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	const writers = 16
	var ws int64
	if err := raw.QueryRow(`INSERT INTO workspaces (name, created_at) VALUES ('w', 1) RETURNING id`).Scan(&ws); err != nil {
		t.Fatal(err)
	}
	contacts := make([]int64, writers)
	for i := range contacts {
		if err := raw.QueryRow(`INSERT INTO contacts (workspace_id, first_name, created_at, updated_at) VALUES ($1, $2, 1, 1) RETURNING id`,
			ws, fmt.Sprint("c", i)).Scan(&contacts[i]); err != nil {
			t.Fatal(err)
		}
	}
	var txs []*sql.Tx
	defer func() {
		for _, tx := range txs {
			tx.Rollback()
		}
	}()
	for i, contact := range contacts {
		tx, err := raw.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		txs = append(txs, tx)
		var pid int
		if err := tx.QueryRow(`SELECT pg_backend_pid()`).Scan(&pid); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() {
			_, err := tx.Exec(`INSERT INTO conversations (workspace_id, contact_id, status, opened_source, opened_at) VALUES ($1, $2, 'open', 'contact', 1)`, ws, contact)
			done <- err
		}()
	wait:
		for {
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
				break wait
			default:
			}
			var waiting bool
			if err := raw.QueryRow(`SELECT COALESCE(bool_or(wait_event_type = 'Lock'), false) FROM pg_stat_activity WHERE pid = $1`, pid).Scan(&waiting); err != nil {
				t.Fatal(err)
			}
			if waiting {
				t.Fatalf("transaction %d waits for a lock held by an earlier one while opening its conversation", i+1)
			}
		}
	}
	for _, tx := range txs {
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	txs = nil
	var n, slots int
	if err := raw.QueryRow(`SELECT COALESCE(SUM(n), 0), COUNT(*) FROM conversation_counts WHERE workspace_id = $1 AND status = 'open'`, ws).Scan(&n, &slots); err != nil {
		t.Fatal(err)
	}
	if n != writers || slots != writers {
		t.Fatalf("counts: %d open over %d slots, want %d over %d", n, slots, writers, writers)
	}
}

// The counters that triggers keep on conversations — the inbox counts
// (conversation_counts) and each agent's open conversations
// (routing_agents.open_count) — follow statements that insert or delete
// several conversations at once, of several groups, test conversations
// left out, as the receive batch's one INSERT does (on PostgreSQL they
// are counted once per statement, migration 042), and an update of one
// row after them.
func TestCountersFollowMultiRowStatements(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		exec := func(q string, args ...any) {
			t.Helper()
			if err := d.Write(ctx, func(tx *db.Tx) error {
				_, err := tx.Exec(ctx, q, args...)
				return err
			}); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		exec(`INSERT INTO workspaces (id, name, created_at) VALUES (700, 'w', 1)`)
		exec(`INSERT INTO users (id, workspace_id, account_id, name, role, status, created_at) VALUES
			(701, 700, NULL, 'A', 'agent', 'online', 1), (702, 700, NULL, 'B', 'agent', 'online', 1)`)
		exec(`INSERT INTO contacts (id, workspace_id, first_name, created_at, updated_at) VALUES
			(711, 700, 'c1', 1, 1), (712, 700, 'c2', 1, 1), (713, 700, 'c3', 1, 1), (714, 700, 'c4', 1, 1),
			(715, 700, 'c5', 1, 1), (716, 700, 'c6', 1, 1), (717, 700, 'c7', 1, 1)`)
		check := func(when string) {
			t.Helper()
			mismatched := dbtest.Count(t, d, `SELECT COUNT(*) FROM (
				SELECT status, COALESCE(assignee_id, 0) AS a, COUNT(*) AS n FROM conversations WHERE is_test = 0 GROUP BY 1, 2
			) c FULL JOIN (
				SELECT status, assignee_id AS a, SUM(n) AS n FROM conversation_counts GROUP BY 1, 2 HAVING SUM(n) <> 0
			) k ON k.status = c.status AND k.a = c.a
			WHERE c.n IS NULL OR k.n IS NULL OR c.n <> k.n`)
			if mismatched != 0 {
				t.Fatalf("%s: %d groups of conversation_counts differ from the conversations", when, mismatched)
			}
			for _, agent := range []int{701, 702} {
				want := dbtest.Count(t, d, `SELECT COUNT(*) FROM conversations WHERE assignee_id = ? AND status <> 'closed'`, agent)
				got := dbtest.Count(t, d, `SELECT COALESCE(MAX(open_count), 0) FROM routing_agents WHERE user_id = ?`, agent)
				if got != want {
					t.Fatalf("%s: agent %d open_count %d, has %d open", when, agent, got, want)
				}
			}
		}
		exec(`INSERT INTO conversations (id, workspace_id, contact_id, status, opened_source, opened_at, assignee_id, is_test) VALUES
			(721, 700, 711, 'open', 'contact', 1, NULL, 0),
			(722, 700, 712, 'open', 'contact', 1, 701, 0),
			(723, 700, 713, 'open', 'contact', 1, 701, 0),
			(724, 700, 714, 'closed', 'contact', 1, 701, 0),
			(725, 700, 715, 'open', 'contact', 1, 702, 0),
			(726, 700, 716, 'open', 'contact', 1, NULL, 0),
			(727, 700, 717, 'open', 'contact', 1, 702, 1)`)
		check("after one INSERT of seven")
		if n := dbtest.Count(t, d, `SELECT COALESCE(SUM(n), 0) FROM conversation_counts`); n != 6 {
			t.Fatalf("conversation_counts holds %d conversations, want the 6 that are not tests", n)
		}
		exec(`DELETE FROM conversations WHERE id IN (722, 724, 726, 727)`)
		check("after one DELETE of four")
		exec(`UPDATE conversations SET assignee_id = 702 WHERE id = 723`)
		check("after an update of one")
		exec(`INSERT INTO conversations (id, workspace_id, contact_id, status, opened_source, opened_at)
			SELECT 799, 700, 711, 'open', 'contact', 1 WHERE false`)
		check("after an INSERT of none")
	})
}
