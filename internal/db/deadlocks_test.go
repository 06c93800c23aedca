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
//
// The aborted write's second run waits for the other write to finish: run
// at once, it can take its first row again before the other (woken by the
// abort) takes it, and the two deadlock a second time, which is counted as
// it should be but is not the one deadlock this test sets up.
func TestDeadlocksAreCounted(t *testing.T) {
	ctx := context.Background()
	d1, d2, raw := twoNodes(t)
	a, b := twoWorkspaces(t, raw)

	var holding sync.WaitGroup
	holding.Add(2)
	bothHold := make(chan struct{})
	lockTwo := func(d *db.DB, first, second int64, done chan<- struct{}, otherDone <-chan struct{}) error {
		defer close(done)
		var runs atomic.Int32
		return d.WriteConcurrent(ctx, func(tx *db.Tx) error {
			run := runs.Add(1)
			if run > 1 {
				<-otherDone
			}
			if _, err := tx.Exec(ctx, `SELECT id FROM workspaces WHERE id = ? FOR UPDATE`, first); err != nil {
				return err
			}
			if run == 1 {
				holding.Done()
				<-bothHold
			}
			_, err := tx.Exec(ctx, `SELECT id FROM workspaces WHERE id = ? FOR UPDATE`, second)
			return err
		})
	}
	done1, done2 := make(chan struct{}), make(chan struct{})
	errs := make(chan error, 2)
	go func() { errs <- lockTwo(d1, a, b, done1, done2) }()
	go func() { errs <- lockTwo(d2, b, a, done2, done1) }()
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
