package conversation

import (
	"context"
	"database/sql"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// TestChangeLockLetsReferencesThrough: on PostgreSQL a conversation held
// for a change (getOpen) is locked FOR NO KEY UPDATE, which a foreign key
// check (FOR KEY SHARE) passes. Held FOR UPDATE, it made every insert
// pointing at the conversation wait, and two group-committed batches
// deadlocked: one held conversation 1 for a change and wanted 2, the
// other had written a row pointing at 2 and wanted to point at 1 (the
// crash tests' server logged it, a second's wait each time). Here the
// second transaction points at both while the first holds 1 and then
// takes 2; a lock wait fails either after lock_timeout.
func TestChangeLockLetsReferencesThrough(t *testing.T) {
	if len(dbtest.Dialects()) < 2 {
		t.Skip("PostgreSQL only: SQLite has one writer and no row locks")
	}
	cfg := dbtest.Config(t, db.Postgres)
	d := dbtest.OpenConfig(t, cfg)
	f := newFixture(t, d)
	ctx := context.Background()
	x1 := f.receiveOne(t, f.inbound("a", "p1", "hi"))
	x2 := f.receiveOne(t, f.inbound("b", "p2", "hi"))

	held, proceed, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	var once sync.Once
	letGo := func() { once.Do(func() { close(proceed) }) }
	t.Cleanup(letGo) // before the store closes, which waits for the write
	go func() {
		done <- d.WriteConcurrent(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `SET LOCAL lock_timeout = '5s'`); err != nil {
				return err
			}
			if _, err := getOpen(ctx, tx, f.ws.ID, x1.ConversationID); err != nil {
				return err
			}
			close(held)
			<-proceed
			_, err := getOpen(ctx, tx, f.ws.ID, x2.ConversationID)
			return err
		})
	}()
	<-held

	raw, err := sql.Open("pgx", cfg.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	other, err := raw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Rollback()
	point := func(r Received) error {
		_, err := other.ExecContext(ctx, `INSERT INTO messages (workspace_id, conversation_id, contact_id, channel_id, direction, sender,
			type, status, created_at) VALUES ($1, $2, $3, $4, 'out', 'api', 'text', 'pending', 0)`,
			f.ws.ID, r.ConversationID, r.ContactID, f.channel.ID)
		return err
	}
	if _, err := other.ExecContext(ctx, `SET LOCAL lock_timeout = '5s'`); err != nil {
		t.Fatal(err)
	}
	if err := point(x2); err != nil {
		t.Fatal(err)
	}
	if err := point(x1); err != nil {
		t.Fatalf("a message pointing at a conversation held for a change waited: %v", err)
	}
	letGo()
	if err := <-done; err != nil {
		t.Fatalf("holding a conversation another transaction points at waited: %v", err)
	}
	if err := other.Commit(); err != nil {
		t.Fatal(err)
	}
}
