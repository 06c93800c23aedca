package routing

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Queues come before agents: a write holding an agent's row, however it
// came to hold it, does not wait for a queue held elsewhere — the holder
// may be a drain waiting for that agent. It gives way and, run again
// alone, waits and lands. A write holding no agent waits at once.
func TestQueueLockGivesWayWhileHoldingAnAgent(t *testing.T) {
	ctx := context.Background()
	f, raw := pgFixture(t)
	team, ag := f.agents(1, intp(1), "desk")
	f.stop() // nothing else takes the queue
	key := queueKey{f.wsID, team, 0}
	for _, tc := range []struct {
		name     string
		ctx      context.Context
		claim    bool
		wantRuns int32
	}{
		{"an agent claimed", ctx, true, 2},
		{"an agent named up front", db.WithRows(ctx, "routing_agents", ag[0]), false, 2},
		{"no agent", ctx, false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			holder, err := raw.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer holder.Rollback()
			if _, err := holder.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, queueLocks,
				fmt.Sprintf("%d:%d:%d", key.workspaceID, key.teamID, key.userID)); err != nil {
				t.Fatal(err)
			}
			var runs atomic.Int32
			var first error
			done := make(chan error, 1)
			go func() {
				done <- f.d.WriteConcurrent(tc.ctx, func(tx *db.Tx) error {
					n := runs.Add(1)
					if tc.claim {
						if free, err := tx.TryLockRow(ctx, "routing_agents", ag[0]); err != nil || !free {
							return fmt.Errorf("agent: free %v, %v", free, err)
						}
					}
					err := lockQueue(ctx, tx, key)
					if n == 1 {
						first = err
					}
					return err
				})
			}()
			dbtest.AwaitLockWaiterBefore(t, raw, done, "a write while the queue was held")
			if err := holder.Commit(); err != nil {
				t.Fatal(err)
			}
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if n := runs.Load(); n != tc.wantRuns {
				t.Fatalf("the write ran %d times, want %d (first run: %v)", n, tc.wantRuns, first)
			}
			if gaveWay := tc.wantRuns == 2; gaveWay != errors.Is(first, db.ErrLockOrder) {
				t.Fatalf("the first run took the queue with %v", first)
			}
		})
	}
}
