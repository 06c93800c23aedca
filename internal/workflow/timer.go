package workflow

import (
	"context"
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
)

const claimBatch = 256

// timerPass advances due runs: runnable ones (due now), waits whose time
// came, and schedule triggers. It is the pass of the engine's timer loop
// (background.Group.Timer), which sleeps until the time it returns and is
// woken early when a transaction makes a run due sooner (DueKind), on this
// node or another; there is no polling interval, and news of a run due
// later than the loop's plan does not wake it.
func (e *Engine) timerPass(ctx context.Context) (time.Time, error) {
	if err := e.fireSchedules(ctx); err != nil && ctx.Err() == nil {
		e.log.Error("workflow: schedules", "err", err)
	}
	ids, err := e.claim(ctx)
	if err != nil {
		return time.Time{}, err
	}
	if len(ids) > 0 {
		e.driveAll(ctx, ids)
		return e.now(), nil // more may be due: look again at once
	}
	return e.nextDue(ctx)
}

// claim leases up to claimBatch due runs to this node. It looks with a
// read first, so a look that finds nothing writes nothing. On PostgreSQL,
// SKIP LOCKED lets several nodes claim different runs at once.
func (e *Engine) claim(ctx context.Context) ([]int64, error) {
	now := db.Millis(e.now())
	const due = `SELECT id FROM workflow_runs WHERE wake_at > 0 AND wake_at <= ? AND lease_until < ? ORDER BY wake_at LIMIT ?`
	if ids, err := db.QueryIDs(ctx, e.db.Reader(), due, now, now, 1); err != nil || len(ids) == 0 {
		return nil, err
	}
	var ids []int64
	err := e.tx(ctx, func(tx *db.Tx) error {
		q := due
		if tx.Dialect() == db.Postgres {
			q += ` FOR UPDATE SKIP LOCKED`
		}
		var err error
		if ids, err = db.QueryIDs(ctx, tx, q, now, now, claimBatch); err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := tx.Exec(ctx, `UPDATE workflow_runs SET lease_until = ?, lease_node = ? WHERE id = ?`,
				now+e.opts.Lease.Milliseconds(), e.opts.Node, id); err != nil {
				return err
			}
		}
		return nil
	})
	return ids, err
}

// driveAll advances the claimed runs on the engine's workers.
func (e *Engine) driveAll(ctx context.Context, ids []int64) {
	work := make(chan int64)
	var wg sync.WaitGroup
	for range min(e.opts.Workers, len(ids)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range work {
				e.drive(ctx, id)
			}
		}()
	}
	for _, id := range ids {
		work <- id
	}
	close(work)
	wg.Wait()
}

// drive advances one run step by step while it is runnable, then gives
// its lease back.
func (e *Engine) drive(ctx context.Context, id int64) {
	for range 50 {
		more, err := e.advance(ctx, id)
		if err != nil {
			if ctx.Err() == nil {
				e.log.Error("workflow: advance run", "run", id, "err", err)
			}
			break
		}
		if !more {
			// The run is waiting or over, and every write of such a state
			// gives the lease back (saveRun): nothing to release.
			return
		}
	}
	// Stopped by an error, a shutdown or the step budget while still
	// running: released with a background context, so the run is
	// claimable at once, not when its lease ends.
	e.tx(context.Background(), func(tx *db.Tx) error {
		tx.Due(DueKind, 0)
		_, err := tx.Exec(context.Background(), `UPDATE workflow_runs SET lease_until = 0 WHERE id = ? AND lease_until > 0`, id)
		return err
	})
}

// nextDue is the earliest time a run or a schedule falls due (zero: none).
func (e *Engine) nextDue(ctx context.Context) (time.Time, error) {
	rows, err := e.db.Reader().Query(ctx, `SELECT wake_at, lease_until FROM workflow_runs WHERE wake_at > 0 ORDER BY wake_at LIMIT 50`)
	if err != nil {
		return time.Time{}, err
	}
	var next int64
	for rows.Next() {
		var wake, lease int64
		if err := rows.Scan(&wake, &lease); err != nil {
			rows.Close()
			return time.Time{}, err
		}
		// A run leased by another node is due again when its lease ends.
		at := max(wake, lease)
		if next == 0 || at < next {
			next = at
		}
	}
	rows.Close()
	var sched int64
	if err := e.db.Reader().QueryRow(ctx, `SELECT COALESCE(MIN(next_fire_at), 0) FROM workflows WHERE next_fire_at > 0 AND active = 1`).Scan(&sched); err != nil {
		return time.Time{}, err
	}
	if sched > 0 && (next == 0 || sched < next) {
		next = sched
	}
	return db.Time(next), nil
}
