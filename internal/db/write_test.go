package db_test

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// serializationFailure is what PostgreSQL reports when it aborts a
// transaction that could not be serialised; Write runs it again.
var serializationFailure = &pgconn.PgError{Code: "40001", Message: "could not serialize access"}

// waitTimers returns once the fake clock holds n pending timers: the
// writer is then asleep in its backoff.
func waitTimers(t *testing.T, c *clock.Fake, n int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for c.Pending() != n {
		if time.Now().After(deadline) {
			t.Fatalf("pending timers = %d, want %d", c.Pending(), n)
		}
		runtime.Gosched()
	}
}

// A write PostgreSQL aborted is run again after a backoff on the wall
// clock, doubling each time, and commits once it goes through.
func TestWriteRetriesAbortedTransactionsWithBackoff(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		fake := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		d.SetWallClock(fake)
		var tries atomic.Int32
		done := make(chan error, 1)
		go func() {
			done <- d.Write(context.Background(), func(tx *db.Tx) error {
				if tries.Add(1) <= 2 {
					return serializationFailure
				}
				_, err := tx.Exec(context.Background(), `INSERT INTO workspaces (name, created_at) VALUES ('w', 0)`)
				return err
			})
		}()
		for i, wait := range []time.Duration{5 * time.Millisecond, 10 * time.Millisecond} {
			waitTimers(t, fake, 1)
			if got := tries.Load(); got != int32(i+1) {
				t.Fatalf("tries before backoff %d = %d, want %d", i, got, i+1)
			}
			fake.Advance(wait - time.Millisecond)
			if got := tries.Load(); got != int32(i+1) {
				t.Fatalf("retried %v into a %v backoff", wait-time.Millisecond, wait)
			}
			fake.Advance(time.Millisecond)
		}
		if err := <-done; err != nil {
			t.Fatalf("Write = %v, want nil after two retries", err)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM workspaces`); n != 1 {
			t.Fatalf("workspaces = %d, want 1", n)
		}
	})
}

// Retries stop as soon as the caller's context ends, even mid-backoff,
// and the caller learns both why it stopped and what failed.
func TestWriteStopsRetryingWhenContextEnds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		fake := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		d.SetWallClock(fake)
		ctx, cancel := context.WithCancel(context.Background())
		var tries atomic.Int32
		done := make(chan error, 1)
		go func() {
			done <- d.Write(ctx, func(*db.Tx) error { tries.Add(1); return serializationFailure })
		}()
		waitTimers(t, fake, 1)
		cancel()
		err := <-done
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Write = %v, want context.Canceled", err)
		}
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "40001" {
			t.Fatalf("Write = %v, want the serialization failure kept", err)
		}
		if tries.Load() != 1 {
			t.Fatalf("tries = %d, want 1 (none after the context ended)", tries.Load())
		}
	})
}

// Errors that are not transient are returned at once, never retried.
func TestWriteDoesNotRetryOtherErrors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		var tries int
		boom := errors.New("boom")
		err := d.Write(context.Background(), func(*db.Tx) error { tries++; return boom })
		if !errors.Is(err, boom) || tries != 1 {
			t.Fatalf("Write = %v after %d tries, want boom after 1", err, tries)
		}
	})
}

// A write that gave way on a lock's order (ErrLockOrder) may have done so
// for a lock another job of its batch held — a close's refill holding a
// higher queue than the placement after it wanted. Batched with others
// again it could give way on every retry, so its retry is written in a
// batch of its own: with three writes queued before it, the retry's
// batch holds it alone and theirs holds them.
func TestWriteRetriesAGiveWayAlone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fake := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		d.SetWallClock(fake)
		const marker = 7 // the give-way's weight, to find it among the batches
		batches := dbtest.RecordBatches(d)
		var tries atomic.Int32
		done := make(chan error, 1)
		go func() {
			done <- d.Write(db.WithWeight(ctx, marker), func(tx *db.Tx) error {
				if tries.Add(1) == 1 {
					return db.ErrLockOrder
				}
				return insertWorkspace("retried")(tx)
			})
		}()
		waitTimers(t, fake, 1)
		release := heldWriters(t, d)
		others := writes(t, d, ctx, false, "other", 3)
		fake.Advance(5 * time.Millisecond)
		waitQueued(t, d, 4)
		release()
		if err := <-done; err != nil {
			t.Fatalf("the retried write: %v", err)
		}
		answered(t, "the others", others, 3)
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM workspaces`); n != 4 {
			t.Fatalf("workspaces = %d, want 4", n)
		}
		runs := 0
		for _, b := range batches() {
			if !slices.ContainsFunc(b, func(j db.BatchJob) bool { return j.Weight == marker }) {
				continue
			}
			runs++
			if len(b) != 1 {
				t.Errorf("the give-way's run %d was written with %d other writes, want none", runs, len(b)-1)
			}
		}
		if runs != 2 {
			t.Fatalf("the give-way ran in %d batches, want 2 (a try and its retry)", runs)
		}
	})
}

// A caller that gives up (a client that hung up) while its write's
// statement runs on PostgreSQL must not take the other writes of its
// batch down with it: the statement is finished, not cut off, as Write
// promises once a write is queued. pgx answers a context cancelled in the
// middle of a statement by closing the connection, which was the batch's:
// in a batch run with savepoints (one of its writes failed), the rollback
// to the savepoint then failed and every write of the batch got "conn
// closed" for work it never saw fail.
func TestWriteCancelledMidStatementLeavesItsBatchAlone(t *testing.T) {
	cfg := dbtest.PostgresConfig(t)
	d, raw := dbtest.OpenConfig(t, cfg), dbtest.Raw(t, cfg)
	ctx := context.Background()
	oneWorkspace(t, d)
	holder := dbtest.HoldRows(t, raw, "workspaces", "id", 1)

	release := heldWriters(t, d)
	boom := errors.New("boom")
	failed := make(chan error, 1)
	go func() { failed <- d.Write(ctx, func(*db.Tx) error { return boom }) }()
	waitQueued(t, d, 1)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cancelled := make(chan error, 1)
	go func() {
		cancelled <- d.Write(cctx, func(tx *db.Tx) error {
			_, err := tx.Exec(cctx, `SELECT id FROM workspaces WHERE id = 1 FOR UPDATE`)
			return err
		})
	}()
	waitQueued(t, d, 2)
	other := writes(t, d, ctx, false, "other", 1)
	release()

	// The batch runs the failing write, then (in savepoints) the
	// cancelled one, which waits for the row held.
	dbtest.AwaitLockWaiterBefore(t, raw, cancelled, "the cancelled write")
	cancel()
	holder.Rollback()

	if err := <-failed; !errors.Is(err, boom) {
		t.Errorf("the failing write: %v, want boom", err)
	}
	<-cancelled
	if err := <-other; err != nil {
		t.Fatalf("the other write of the batch: %v, want it committed", err)
	}
	if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM workspaces WHERE name = 'other-0'`); n != 1 {
		t.Fatalf("the other write's row: %d, want 1", n)
	}
}
