package workflow

import (
	"context"
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/due"
)

const claimBatch = 256

// timerPass advances due runs: runnable ones (due now), waits whose time
// came (a Wait step, an Ask a Question timeout), and schedule triggers. It
// is the pass of the engine's kind of timed work (internal/due), whose
// runner sleeps until the time it returns and is woken early when a
// transaction makes a run due sooner (DueKind), on this node or another;
// there is no polling interval, and news of a run due later than the
// runner's plan does not wake it.
func (e *Engine) timerPass(ctx context.Context) (time.Time, error) {
	select {
	case <-e.closing: // closed: the node's runner may outlive the engine
		return time.Time{}, nil
	default:
	}
	if err := e.fireSchedules(ctx); err != nil && ctx.Err() == nil {
		e.log.Error("workflow: schedules", "err", err)
	}
	ids, lease, err := e.claim(ctx)
	if err != nil {
		return time.Time{}, err
	}
	if len(ids) > 0 {
		e.driveAll(ctx, ids, lease)
		return e.now(), nil // more may be due: look again at once
	}
	return e.nextDue(ctx)
}

// runsTable is the runs as leased timed work: a run is due at wake_at
// (0: not due, it waits for an event or has ended).
var runsTable = due.Table{Name: "workflow_runs", Due: "wake_at", Where: "j.wake_at > 0"}

// runsBacklog counts the runs overdue, for switchboard_due_backlog.
const runsBacklog = `SELECT COUNT(*), COALESCE(MIN(wake_at), 0) FROM workflow_runs WHERE wake_at > 0 AND wake_at <= ? AND lease_until <= ?`

// claim leases up to claimBatch due runs to this node. It looks with a
// read first, so a look that finds nothing writes nothing. It returns
// the lease's end too: the claimed runs' lease_until, which fences
// their release.
func (e *Engine) claim(ctx context.Context) ([]int64, int64, error) {
	now := db.Millis(e.now())
	if ids, err := db.QueryIDs(ctx, e.db.Reader(), `SELECT id FROM workflow_runs WHERE wake_at > 0 AND wake_at <= ? AND lease_until <= ? LIMIT 1`,
		now, now); err != nil || len(ids) == 0 {
		return nil, 0, err
	}
	var ids []int64
	lease := now + e.opts.Lease.Milliseconds()
	err := e.txRun(ctx, func(tx *db.Tx) (err error) {
		ids, err = due.Claim(ctx, tx, runsTable, now, lease, e.opts.Node, claimBatch)
		return err
	})
	return ids, lease, err
}

// driveAll advances the claimed runs on the engine's workers.
func (e *Engine) driveAll(ctx context.Context, ids []int64, lease int64) {
	work := make(chan int64)
	var wg sync.WaitGroup
	for range min(e.opts.Workers, len(ids)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range work {
				e.drive(ctx, id, lease)
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
// its lease back. lease is the run's lease_until as claimed.
func (e *Engine) drive(ctx context.Context, id int64, lease int64) {
	for range 50 {
		more, err := e.advance(ctx, id, &lease)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			if db.IsTransient(err) {
				e.log.Error("workflow: advance run", "run", id, "err", err)
				break
			}
			// An error that may last (a run whose state cannot be read or
			// saved) keeps the claim until its lease ends: released, the
			// run was due at once, and the timer claimed it again and
			// failed again in a loop that never let the node idle. The
			// lease is the retry's backoff.
			e.log.Error("workflow: advance run; retried when its lease ends", "run", id, "err", err, "retry_at", db.Time(lease))
			return
		}
		if !more {
			// The run is waiting or over, and every write of such a state
			// gives the lease back (saveRun): nothing to release.
			return
		}
	}
	// Stopped by a transient error, a shutdown or the step budget while
	// still running: given back at once.
	e.release(ctx, id, lease)
}

// release gives back the claim on run id that this node made with lease,
// so the run is claimable at once, not when its lease ends. It writes
// with a background context, since a shutdown is one reason to give it
// back. The release is fenced by the lease as claimed (a running run's
// saves keep it), so it can never free a claim made since. While the
// store is unavailable (PostgreSQL restarting) it is retried until the
// lease ends, so the run resumes as soon as the store is back, not a
// lease later — unless the node is shutting down.
func (e *Engine) release(ctx context.Context, id int64, lease int64) {
	release := func() error {
		return e.txRun(context.Background(), func(tx *db.Tx) error {
			tx.Due(DueKind, 0)
			_, err := tx.Exec(context.Background(), `UPDATE workflow_runs SET lease_until = 0 WHERE id = ? AND lease_until = ?`, id, lease)
			return err
		})
	}
	err := release()
	for try := 1; db.IsUnavailable(err) && db.Millis(e.now()) < lease && ctx.Err() == nil; try++ {
		time.Sleep(min(time.Duration(try)*100*time.Millisecond, time.Second))
		err = release()
	}
}

// nextDueScan is how many runs, by wake time, nextDue reads first.
const nextDueScan = 50

// nextDue is the earliest time a run or a schedule falls due (zero: none).
// It runs after every commit that appended events, so it reads a bounded
// number of runs first, and all of them only when every one it read is
// leased past the last one's wake time (another node holds them), since a
// run further on may then be due sooner.
func (e *Engine) nextDue(ctx context.Context) (time.Time, error) {
	rows, err := e.db.Reader().Query(ctx, `SELECT wake_at, lease_until FROM workflow_runs WHERE wake_at > 0 ORDER BY wake_at LIMIT ?`, nextDueScan)
	if err != nil {
		return time.Time{}, err
	}
	var next, lastWake int64
	n := 0
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
		lastWake = wake
		n++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return time.Time{}, err
	}
	if n == nextDueScan && next > lastWake {
		if err := e.db.Reader().QueryRow(ctx, `SELECT COALESCE(MIN(CASE WHEN lease_until > wake_at THEN lease_until ELSE wake_at END), 0)
			FROM workflow_runs WHERE wake_at > 0`).Scan(&next); err != nil {
			return time.Time{}, err
		}
	}
	var sched int64
	if err := e.db.Reader().QueryRow(ctx, `SELECT COALESCE(MIN(next_fire_at), 0) FROM workflows WHERE next_fire_at > 0 AND active = 1`).Scan(&sched); err != nil {
		return time.Time{}, err
	}
	if sched > 0 && (next == 0 || sched < next) {
		next = sched
	}
	return db.Time(next), nil
}
