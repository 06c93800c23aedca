package db_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Two writes on two nodes lock the same two names in opposite orders,
// each holding its first while the other reaches for it. Plain waits
// deadlock (PostgreSQL aborts one after deadlock_timeout, 40P01). With
// LockName the one holding the higher lock, asked for the lower one that
// is taken, gives way at once (ErrLockOrder), the door runs it again
// once the other committed, and both land.
func TestLockNameGivesWayInsteadOfDeadlocking(t *testing.T) {
	ctx := context.Background()
	d1, d2, raw := twoNodes(t)
	const space = 99
	// hi and lo by their lock's hash, whichever names they are.
	hi, lo := "queue-a", "queue-b"
	var ha, hb int32
	if err := raw.QueryRow(`SELECT hashtext($1), hashtext($2)`, hi, lo).Scan(&ha, &hb); err != nil {
		t.Fatal(err)
	}
	if ha < hb {
		hi, lo = lo, hi
	}
	var gaveWay, deadlocked atomic.Int32
	take := func(name string) func(*db.Tx) error {
		return func(tx *db.Tx) error {
			err := tx.LockName(ctx, space, name)
			tallyLockOutcome(err, &gaveWay, &deadlocked)
			return err
		}
	}
	crossedWrites(t, d1, d2, raw, take(hi), take(lo))
	if deadlocked.Load() != 0 || gaveWay.Load() != 1 {
		t.Fatalf("%d deadlocks and %d lock orders given way, want none and one", deadlocked.Load(), gaveWay.Load())
	}
}

// crossedWrites runs, on two nodes, two writes that take the same two
// locks in opposite orders: the first takes hi, waits (its first run
// only) until the second, which takes lo and then hi, waits for a lock,
// and then takes lo. It fails the test unless both land in the end.
func crossedWrites(t *testing.T, d1, d2 *db.DB, raw *sql.DB, hi, lo func(*db.Tx) error) {
	t.Helper()
	ctx := context.Background()
	waiting := func() bool { n, err := dbtest.LockWaiters(ctx, raw); return err == nil && n > 0 }
	holdsHi := make(chan struct{})
	var firstRun atomic.Bool
	firstRun.Store(true)
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	wg.Go(func() {
		errs <- d1.WriteConcurrent(ctx, func(tx *db.Tx) error {
			if err := hi(tx); err != nil {
				return err
			}
			if firstRun.CompareAndSwap(true, false) {
				close(holdsHi)
				if err := waitUntil(waiting); err != nil {
					return err
				}
			}
			return lo(tx)
		})
	})
	<-holdsHi
	wg.Go(func() {
		errs <- d2.WriteConcurrent(ctx, func(tx *db.Tx) error {
			if err := lo(tx); err != nil {
				return err
			}
			return hi(tx)
		})
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// Under NoWait a name held elsewhere is not waited for even when the
// order would allow it (here the transaction holds no other lock): the
// write is told at once (ErrLockOrder), and a free name is still taken.
func TestLockNameUnderNoWaitNeverWaits(t *testing.T) {
	ctx := context.Background()
	d, _, raw := twoNodes(t)
	const space = 98
	holder, err := raw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Rollback()
	if _, err := holder.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, hashtext('held'))`, space); err != nil {
		t.Fatal(err)
	}
	var held, free error
	err = d.WriteConcurrent(ctx, func(tx *db.Tx) error {
		// A regression waits: let it fail, not hang.
		if _, err := tx.Exec(ctx, `SET LOCAL lock_timeout = '10s'`); err != nil {
			return err
		}
		noWait := db.NoWait(ctx)
		held = tx.Savepoint(noWait, func(tx *db.Tx) error { return tx.LockName(noWait, space, "held") })
		free = tx.LockName(noWait, space, "free")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(held, db.ErrLockOrder) {
		t.Errorf("a held name under NoWait: %v, want ErrLockOrder", held)
	}
	if free != nil {
		t.Errorf("a free name under NoWait: %v", free)
	}
	if !db.MayWait(ctx) || db.MayWait(db.NoWait(ctx)) {
		t.Error("MayWait does not follow NoWait")
	}
}

// tallyLockOutcome counts err if it is a give-way (ErrLockOrder) or a
// deadlock PostgreSQL broke (40P01).
func tallyLockOutcome(err error, gaveWay, deadlocked *atomic.Int32) {
	var pgErr *pgconn.PgError
	switch {
	case errors.Is(err, db.ErrLockOrder):
		gaveWay.Add(1)
	case errors.As(err, &pgErr) && pgErr.Code == "40P01":
		deadlocked.Add(1)
	}
}
