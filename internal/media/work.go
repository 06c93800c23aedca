package media

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/due"
)

// The store's timed work (Work) does two things, each due at a time its
// table says, so that the node's runner sleeps until the earliest and an
// idle node does nothing:
//
//   - it removes the bytes of deleted files (media_removals, due at
//     once): leased to the node, so that of several nodes one removes
//     each; a removal that fails (the bucket unreachable) is due again
//     after a backoff, for as long as it takes. Removing bytes already
//     gone is no error, so a removal done twice (a lease run out) is
//     harmless;
//   - it looks again at each upload UnsentTTL after it was made
//     (media.sweep_at): a file something references by then is kept for
//     good (sweep_at 0: it goes with what references it), one nothing
//     references is deleted.

// Batches of the work: removals are network calls with S3, so fewer.
const (
	removeBatch = 32
	sweepBatch  = 256
)

// removeLease is how long a node holds the removals it claimed: a batch
// of S3 calls, each bounded by the client's timeouts.
const removeLease = 5 * time.Minute

// Removal retries: the first after retryBase, doubling up to retryMax.
const (
	retryBase = 30 * time.Second
	retryMax  = time.Hour
)

var removals = due.Table{Name: "media_removals", Due: "due_at"}

// Work is the store's timed work as a kind of the node's (internal/due);
// node names this node in its leases.
func (s *Store) Work(node int64) due.Kind {
	return due.Kind{Name: DueKind, Retry: 5 * time.Second, MaxRetry: time.Minute,
		Pass: func(ctx context.Context) (time.Time, error) { return s.pass(ctx, node) },
		Backlog: due.Overdue(s.db, `SELECT COUNT(*), COALESCE(MIN(due_at), 0) FROM
			(SELECT due_at FROM media_removals WHERE due_at <= ? UNION ALL SELECT sweep_at FROM media WHERE sweep_at > 0 AND sweep_at <= ?) w`)}
}

// pass does what is due and returns when the next work falls due.
func (s *Store) pass(ctx context.Context, node int64) (time.Time, error) {
	now := s.db.Now()
	// The sweep first: the files it deletes have their bytes removed in
	// the same pass.
	moreSweeps, err := s.sweepDue(ctx, now)
	if err != nil {
		return time.Time{}, err
	}
	moreRemovals, err := s.removeDue(ctx, node, now)
	if err != nil {
		return time.Time{}, err
	}
	if moreRemovals || moreSweeps {
		return db.Time(now), nil
	}
	var removal, sweep int64
	err = s.db.Reader().QueryRow(ctx, `SELECT
		COALESCE((SELECT MIN(CASE WHEN lease_until > due_at THEN lease_until ELSE due_at END) FROM media_removals), 0),
		COALESCE((SELECT MIN(sweep_at) FROM media WHERE sweep_at > 0), 0)`).Scan(&removal, &sweep)
	if err != nil {
		return time.Time{}, fmt.Errorf("media: next work: %w", err)
	}
	next := removal
	if next == 0 || (sweep != 0 && sweep < next) {
		next = sweep
	}
	return db.Time(next), nil
}

// removal is a claimed removal of a file's bytes.
type removal struct {
	id       int64
	mediaID  string
	attempts int
}

// removeDue removes the bytes of the due removals it claims, and reports
// whether it stopped at its batch with more perhaps due.
func (s *Store) removeDue(ctx context.Context, node, now int64) (bool, error) {
	lease := now + removeLease.Milliseconds()
	var claimed []removal
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		rows, err := tx.Query(ctx, due.ClaimSQL(tx.Dialect(), removals, "id, media_id, attempts"), lease, node, now, now, removeBatch)
		if err != nil {
			return err
		}
		claimed, err = db.Collect(rows, func(rows *sql.Rows) (removal, error) {
			var r removal
			err := rows.Scan(&r.id, &r.mediaID, &r.attempts)
			return r, err
		})
		return err
	})
	if err != nil {
		return false, fmt.Errorf("media: claim removals: %w", err)
	}
	if len(claimed) == 0 {
		return false, nil
	}
	var done []int64
	var failed []removal
	for _, r := range claimed {
		if err := s.blobs.remove(ctx, r.mediaID); err != nil {
			if ctx.Err() != nil {
				return false, ctx.Err() // stopping: the lease runs out and the removal is claimed again
			}
			slog.Warn("media: remove a deleted file's bytes", "media", r.mediaID, "attempt", r.attempts+1, "err", err)
			failed = append(failed, r)
			continue
		}
		done = append(done, r.id)
	}
	// Fenced by the lease: a removal another node claimed once this
	// node's lease ran out is that node's to record.
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		for _, r := range failed {
			delay := min(retryBase<<min(r.attempts, 20), retryMax)
			if _, err := tx.Exec(ctx, `UPDATE media_removals SET attempts = attempts + 1, due_at = ?, lease_until = 0
				WHERE id = ? AND lease_until = ?`, now+delay.Milliseconds(), r.id, lease); err != nil {
				return err
			}
		}
		return db.Chunked(len(done), func(from, n int) error {
			args := []any{lease}
			for _, id := range done[from : from+n] {
				args = append(args, id)
			}
			_, err := tx.Exec(ctx, `DELETE FROM media_removals WHERE lease_until = ? AND id IN (`+db.Rows("?", n)+`)`, args...)
			return err
		})
	})
	if err != nil {
		return false, fmt.Errorf("media: record removals: %w", err)
	}
	return len(claimed) == removeBatch, nil
}

// sweepDue looks at the uploads whose sweep time has come: those a record
// references are kept for good, the others deleted. It reports whether
// it stopped at its batch with more perhaps due.
func (s *Store) sweepDue(ctx context.Context, now int64) (bool, error) {
	rows, err := s.db.Reader().Query(ctx, `SELECT id FROM media WHERE sweep_at > 0 AND sweep_at <= ? ORDER BY sweep_at LIMIT ?`, now, sweepBatch)
	if err != nil {
		return false, fmt.Errorf("media: sweep: %w", err)
	}
	ids, err := db.Collect(rows, scanID)
	if err != nil || len(ids) == 0 {
		return false, wrapErr("sweep", err)
	}
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		// Another node's sweep may have taken some already: the
		// conditions on sweep_at make each file decided once.
		if err := lockTx(ctx, tx, ids); err != nil {
			return err
		}
		if err := inChunks(ids, func(list string, args []any) error {
			_, err := tx.Exec(ctx, `UPDATE media SET sweep_at = 0 WHERE `+list+` AND sweep_at > 0 AND `+referenced, args...)
			return err
		}); err != nil {
			return err
		}
		_, err := deleteUnreferencedTx(ctx, tx, ids, `sweep_at > 0 AND sweep_at <= ?`, now)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("media: sweep: %w", err)
	}
	return len(ids) == sweepBatch, nil
}

func wrapErr(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("media: %s: %w", what, err)
}
