package db_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// Two writes on two nodes lock two rows in opposite orders, each holding
// its first while the other takes its own: PostgreSQL aborts one as
// deadlocked, Write runs it again, and both land. The handle whose write
// was aborted counts it (DB.Deadlocks), once.
func TestDeadlocksAreCounted(t *testing.T) {
	ctx := context.Background()
	d1, d2, raw := twoNodes(t)
	a, b := twoWorkspaces(t, raw)

	var holding sync.WaitGroup
	holding.Add(2)
	bothHold := make(chan struct{})
	lockTwo := func(d *db.DB, first, second int64) error {
		var again atomic.Bool
		return d.WriteConcurrent(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT id FROM workspaces WHERE id = ? FOR UPDATE`, first); err != nil {
				return err
			}
			if !again.Swap(true) {
				holding.Done()
				<-bothHold
			}
			_, err := tx.Exec(ctx, `SELECT id FROM workspaces WHERE id = ? FOR UPDATE`, second)
			return err
		})
	}
	errs := make(chan error, 2)
	go func() { errs <- lockTwo(d1, a, b) }()
	go func() { errs <- lockTwo(d2, b, a) }()
	holding.Wait()
	close(bothHold)
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if n1, n2 := d1.Deadlocks(), d2.Deadlocks(); n1+n2 != 1 {
		t.Fatalf("deadlocks counted: %d and %d, want one in all", n1, n2)
	}
}
