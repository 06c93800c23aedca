package contact

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// TestUpdateTxReadsTheRowOnly changes a standard field of a contact that
// has tags and custom fields: UpdateTx compares the row's fields and reads
// neither the tags nor the custom fields (a workflow's Update Contact
// Field step runs it once per run), and the change is made in full.
func TestUpdateTxReadsTheRowOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ws, _ := workspace.New(d).Create(ctx, "W", "UTC")
		s := New(d)
		if _, err := s.CreateField(ctx, ws.ID, Field{Key: "age", Type: "number"}); err != nil {
			t.Fatal(err)
		}
		c, err := s.Create(ctx, ws.ID, Input{FirstName: ptr("Ada"), Fields: map[string]any{"age": float64(36)}, Tags: []string{"vip"}})
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		if err := d.Write(ctx, func(tx *db.Tx) error {
			before := d.Statements()
			err := UpdateTx(ctx, tx, ws.ID, c.ID, Input{Language: ptr("pt")})
			n = d.Statements() - before
			return err
		}); err != nil {
			t.Fatal(err)
		}
		// The row, its UPDATE, the contact.updated event.
		if n > 3 {
			t.Errorf("UpdateTx ran %d statements, want at most 3", n)
		}
		got, err := s.Get(ctx, access.System(ws.ID), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Language != "pt" || got.FirstName != "Ada" || got.Fields["age"] != float64(36) || len(got.Tags) != 1 {
			t.Errorf("updated contact = %+v", got)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE type = 'contact.updated' AND contact_id = ?`, c.ID); n != 1 {
			t.Errorf("%d contact.updated events, want 1", n)
		}
	})
}
