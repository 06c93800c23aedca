package knowledge_test

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// workspace creates an empty workspace and returns its id.
func workspace(t *testing.T, d *db.DB) int64 {
	t.Helper()
	var id int64
	err := d.Write(context.Background(), func(tx *db.Tx) error {
		return tx.QueryRow(context.Background(), `INSERT INTO workspaces (name, created_at) VALUES ('w', 0) RETURNING id`).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}
