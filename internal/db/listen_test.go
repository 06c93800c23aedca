package event_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// An event committed by node A wakes node B's consumers through
// PostgreSQL's NOTIFY, so an agent connected to B sees it at once.
func TestListenAcrossNodes(t *testing.T) {
	if os.Getenv(dbtest.EnvPostgres) == "" {
		t.Skip(dbtest.EnvPostgres + " is not set")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := dbtest.Config(t, db.Postgres)
	nodeA, err := db.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer nodeA.Close()
	hubB := event.NewHub()
	wake, stop := hubB.Subscribe()
	defer stop()
	go event.Listen(ctx, cfg.URL, hubB)
	select { // Listen wakes once on connecting
	case <-wake:
	case <-time.After(5 * time.Second):
		t.Fatal("listener did not connect")
	}
	var ws int64
	if err := nodeA.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO workspaces (name, created_at) VALUES ('w', 0) RETURNING id`).Scan(&ws); err != nil {
			return err
		}
		_, err := event.Append(ctx, tx, event.New{WorkspaceID: ws, Type: event.ContactCreated})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-wake:
	case <-time.After(5 * time.Second):
		t.Fatal("node B was not woken by node A's commit")
	}
}
