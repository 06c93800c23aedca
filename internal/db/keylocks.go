package db

import (
	"context"
	"errors"
	"fmt"
)

// Advisory locks of a transaction, taken in order. A lock on a name (a
// routing queue, say) is PostgreSQL's advisory lock (space, hashtext(name)),
// held until the transaction ends. A batch of the concurrent door may
// take several, in the order its jobs reach them: the runs of a workflow
// consumer's batch place conversations in the sales queue and then the
// support queue, another batch the other way round, and the two deadlock
// until deadlock_timeout (a second) aborts one. The 3-node proof's server
// logged nine in 18 minutes once the conversations' rows were named up
// front (rowlocks.go).
//
// The names are only known as the jobs run, so they cannot be named up
// front. Instead a transaction waits for a lock only while every lock it
// holds in that space is lower (by hash): it tries first, and if the lock
// is taken and it holds a higher one, it gives up at once with
// ErrLockOrder, which the door answers as it does a deadlock, by running
// the write again after a few milliseconds. Waits then only ever go
// upwards, so they never close a cycle, and the one that gives way does
// so at once instead of after a second.

// ErrLockOrder is returned by LockName when the lock is taken by another
// transaction and waiting for it could close a cycle. Write and
// WriteConcurrent run the write again, as after a deadlock.
var ErrLockOrder = errors.New("db: a lock is held elsewhere and waiting for it out of order could deadlock; run again")

// LockName takes, on PostgreSQL, the advisory lock (space, hashtext(name))
// until the transaction ends, in the order described above: at once if
// free; by waiting if every lock this transaction holds in space is
// lower; else, or when ctx says NoWait, not at all, with ErrLockOrder. On
// SQLite, whose one writer already serialises writes, it does nothing.
func (t *Tx) LockName(ctx context.Context, space int32, name string) error {
	if t.d.Dialect != Postgres {
		return nil
	}
	var got bool
	var h int32
	if err := t.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock(?, hashtext(?)), hashtext(?)`, space, name, name).Scan(&got, &h); err != nil {
		return fmt.Errorf("db: lock %q: %w", name, err)
	}
	top, holds := t.nameLocks[space]
	if !got {
		if (holds && top > h) || !MayWait(ctx) {
			return ErrLockOrder
		}
		if _, err := t.Exec(ctx, `SELECT pg_advisory_xact_lock(?, ?)`, space, h); err != nil {
			return fmt.Errorf("db: lock %q: %w", name, err)
		}
	}
	// A lock taken in a savepoint that is rolled back is released, but
	// stays counted here: the order kept is then only stricter.
	if !holds || h > top {
		if t.nameLocks == nil {
			t.nameLocks = map[int32]int32{}
		}
		t.nameLocks[space] = h
	}
	return nil
}

type noWaitKey struct{}

// NoWait returns ctx telling LockName, and callers that ask MayWait
// before taking a row lock, to give way with ErrLockOrder instead of
// waiting for a lock held elsewhere. It is for a best-effort part of a
// write that takes its locks out of the usual order and whose work
// someone else does anyway when it cannot go on at once: an agent's
// close refills the freed slot from a queue (the queue, then its head's
// conversation, while the close already holds its own conversation and
// agent), in a savepoint that a give-way undoes, leaving the slot to
// routing's drainer.
func NoWait(ctx context.Context) context.Context {
	return context.WithValue(ctx, noWaitKey{}, true)
}

// MayWait reports whether a write made with ctx may wait for a lock held
// elsewhere (see NoWait).
func MayWait(ctx context.Context) bool {
	no, _ := ctx.Value(noWaitKey{}).(bool)
	return !no
}
