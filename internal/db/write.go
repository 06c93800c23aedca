package db

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-chat/switchboard/internal/clock"
)

// writeRetries bounds how many times Write runs fn again after PostgreSQL
// aborted its transaction.
const writeRetries = 5

// writeBackoff is the wait before the first retry; it doubles after each.
const writeBackoff = 5 * time.Millisecond

// Write is the one door for writes: it runs fn in a write transaction and
// returns once that transaction has committed (nil), or fn's error with
// fn's writes undone, or the commit's error. A nil answer may be
// acknowledged to the outside world.
//
// The transaction is shared with the other writes queued at that moment
// (group commit: one fsync for the batch), so fn must keep no state across
// calls except what it assigns: it may run twice when another write of its
// batch fails (once with the batch, once alone in a savepoint) or when
// PostgreSQL aborts a transaction for a serialization failure or a
// deadlock, or fn gives way on a lock's order (ErrLockOrder) — then Write
// waits (real time, doubling from 5 ms) and runs fn again, up to 5 times,
// as long as ctx is not done; after a give-way, in a batch of its own.
// Once queued, fn's transaction is not cut short by ctx: what is being
// committed is finished and reported truthfully.
//
// On PostgreSQL fn holds the store's write lock exclusively, as SQLite's
// single writer does: it sees every write committed before it and no
// other write runs meanwhile, so a read-then-write needs no more care.
// Writes whose invariants are all held by constraints and row locks use
// WriteConcurrent instead.
func (d *DB) Write(ctx context.Context, fn func(*Tx) error) error {
	return d.write1(ctx, fn, false)
}

// WriteConcurrent is Write for a write whose every invariant is held by
// the schema (unique indexes, foreign keys, checks) and by row locks it
// takes itself, never by "nothing else is writing": on PostgreSQL such
// writes share the write lock, so they run concurrently with each other
// (in several batches of a node, and on several nodes) and only a Write
// excludes them. A unique violation makes the committer run fn again (it
// then reads the row the other writer inserted), and a deadlock between
// row locks aborts the batch, which Write's retry runs again. fn must not
// rely on Tx.AppendedEvents being contiguous. On SQLite it is Write.
func (d *DB) WriteConcurrent(ctx context.Context, fn func(*Tx) error) error {
	return d.write1(ctx, fn, true)
}

func (d *DB) write1(ctx context.Context, fn func(*Tx) error, shared bool) error {
	wait := writeBackoff
	alone := false
	for attempt := 0; ; attempt++ {
		err := d.committer.do(ctx, fn, shared, alone)
		if isDeadlock(err) {
			d.deadlocks.Add(1)
		}
		if err == nil || !isRetryable(err) || attempt == writeRetries {
			return err
		}
		// A write that gave way on a lock's order (ErrLockOrder) may have
		// done so for a lock another job of its batch took: a refill's
		// queue, higher than the one it wanted. Batched with such jobs
		// again it would give way again on every retry, so it runs again
		// in a batch of its own, where only its own locks count.
		alone = alone || errors.Is(err, ErrLockOrder)
		if werr := d.sleep(ctx, wait); werr != nil {
			return fmt.Errorf("db: write: gave up retrying (%w) after: %w", werr, err)
		}
		wait *= 2
	}
}

// sleep waits for dur, or returns ctx's error. It paces retries against
// PostgreSQL, so it runs on real time unless a test set the wall clock,
// never on the store's clock (see SetWallClock).
func (d *DB) sleep(ctx context.Context, dur time.Duration) error {
	done := make(chan struct{})
	t := clock.OrReal(d.wallClock).AfterFunc(dur, func() { close(done) })
	defer t.Stop()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
