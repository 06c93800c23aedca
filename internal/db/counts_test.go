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
