package outbound

import (
	"context"
	"fmt"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/due"
)

// job is a claimed outbound_jobs row. leaseUntil is the value this node
// wrote when claiming: it fences every later write, so a node whose lease
// ran out (and whose job another node re-claimed) cannot record an outcome.
type job struct {
	id         int64
	messageID  int64
	channelID  int64
	attempts   int
	leaseUntil int64
	parts      string // the JSON ids of the parts already delivered (see jobParts)
}

// headOfLine keeps a job of alias j back while an earlier job to the same
// recipient (contact on a channel) is pending — being sent, or waiting to
// be retried — so a contact receives messages in the order they were
// written, even when they are claimed in one batch or the first one fails
// for a while.
//
// It is a scalar subquery, not NOT EXISTS: PostgreSQL planned the anti
// join on a fresh database (no statistics yet) as a scan of every
// pending job per candidate, quadratic in a backlog, in the generic plan
// the claim reuses; a scalar subquery is one probe of
// outbound_jobs_recipient per candidate whatever the statistics.
func headOfLine(j string) string {
	return `(SELECT e.id FROM outbound_jobs e WHERE e.state = 'pending' AND e.channel_id = ` + j + `.channel_id
		AND e.contact_id = ` + j + `.contact_id AND e.id < ` + j + `.id LIMIT 1) IS NULL`
}

// jobsTable is the queue as leased timed work (internal/due): a job is
// claimed when pending, due, not leased, and first in its recipient's
// line, oldest due first, and leased in the same statement. On
// PostgreSQL, a job leased by another node still holds its line back
// (it is pending).
var jobsTable = due.Table{Name: "outbound_jobs", Due: "next_attempt_at", Where: "j.state = 'pending' AND " + headOfLine("j")}

// claimSQL is the claim statement per dialect (see due.ClaimSQL).
var claimSQL = map[db.Dialect]string{
	db.SQLite:   due.ClaimSQL(db.SQLite, jobsTable, "id, message_id, channel_id, attempts, parts"),
	db.Postgres: due.ClaimSQL(db.Postgres, jobsTable, "id, message_id, channel_id, attempts, parts"),
}

// claim leases up to n due jobs to this node.
func (d *Dispatcher) claim(ctx context.Context, n int) ([]job, error) {
	now := db.Millis(d.now())
	lease := now + d.opts.Lease.Milliseconds()
	var out []job
	err := d.db.WriteConcurrent(ctx, func(tx *db.Tx) error {
		out = out[:0]
		rows, err := tx.Query(ctx, claimSQL[tx.Dialect()], lease, d.opts.Node, now, now, n)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			j := job{leaseUntil: lease}
			if err := rows.Scan(&j.id, &j.messageID, &j.channelID, &j.attempts, &j.parts); err != nil {
				return err
			}
			out = append(out, j)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("outbound: claim jobs: %w", err)
	}
	return out, nil
}

// nextDueScan bounds the look for the next claimable job. The partial
// index gives jobs in due order, and only jobs leased past their due time
// (being sent) can make the answer later than the first rows say.
const nextDueScan = 64

// nextDue returns when the next pending job can be claimed (Unix ms; 0
// when none is pending): its next attempt, or the end of its lease if that
// is later — which is how a job left behind by a crashed node wakes the
// survivors. It runs after every commit that appended events, so it reads
// a bounded number of rows, not the whole queue.
func (d *Dispatcher) nextDue(ctx context.Context) (int64, error) {
	rows, err := d.db.Reader().Query(ctx, `SELECT j.next_attempt_at, j.lease_until FROM outbound_jobs j WHERE j.state = 'pending'
		AND `+headOfLine("j")+` ORDER BY j.next_attempt_at LIMIT ?`, nextDueScan)
	if err != nil {
		return 0, fmt.Errorf("outbound: next due: %w", err)
	}
	var next, lastAttempt int64
	n := 0
	for rows.Next() {
		var attempt, lease int64
		if err := rows.Scan(&attempt, &lease); err != nil {
			rows.Close()
			return 0, fmt.Errorf("outbound: next due: %w", err)
		}
		if at := max(attempt, lease); next == 0 || at < next {
			next = at
		}
		lastAttempt = attempt
		n++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("outbound: next due: %w", err)
	}
	if n == nextDueScan && next > lastAttempt {
		// Every job seen is in flight beyond the last one's due time: a job
		// further on may be claimable sooner. Look at them all.
		err = d.db.Reader().QueryRow(ctx, `SELECT COALESCE(MIN(CASE WHEN j.lease_until > j.next_attempt_at THEN j.lease_until ELSE j.next_attempt_at END), 0)
			FROM outbound_jobs j WHERE j.state = 'pending' AND `+headOfLine("j")).Scan(&next)
		if err != nil {
			return 0, fmt.Errorf("outbound: next due: %w", err)
		}
	}
	return next, nil
}

// observeQueue sets the queue-length gauge: to 0 at once when nothing is
// pending, otherwise from a count taken at most once a second, since
// counting the whole queue after every commit cost more than the sends.
func (d *Dispatcher) observeQueue(ctx context.Context, empty bool) {
	if empty {
		d.m.OutboundQueue.Set(0)
		return
	}
	now := d.now()
	if now.Sub(d.counted) < time.Second {
		return
	}
	d.counted = now
	var n int
	if err := d.db.Reader().QueryRow(ctx, `SELECT COUNT(*) FROM outbound_jobs WHERE state = 'pending'`).Scan(&n); err == nil {
		d.m.OutboundQueue.Set(float64(n))
	}
}
