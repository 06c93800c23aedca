package outbound

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// errLeaseLost means the job's lease ran out and another node took it:
// that node records the outcome, not this one.
var errLeaseLost = errors.New("outbound: lease lost")

// maxErrorLen bounds the stored last_error and failure reason.
const maxErrorLen = 1000

// outcome is what became of one attempt.
type outcome struct {
	providerID string // on success
	err        error  // nil on success
	stale      string // the message was already settled with this status: close the job, send nothing
	// sent reports that the request went out: it may have reached the
	// integrator, whatever the error says.
	sent bool
}

// settle records an attempt in one transaction: the message's status (and
// provider id) together with the job's state, so the two never disagree.
//
// The record goes through the concurrent door (db.DB.WriteConcurrent): on
// PostgreSQL it runs beside other nodes' records, claims and webhooks,
// each invariant held by a row lock or a constraint, never by "nothing
// else is writing":
//   - one record per attempt: every write starts with the fenced update
//     of the job's row (see fence), which takes that row's lock; a second
//     record of the job, or a node reaping this one's claim, waits for it
//     and then finds the lease gone (PostgreSQL re-reads the row it waited
//     for), so exactly one of them lands;
//   - the message's status moves only forward: SetStatusTx reads it under
//     the message's row lock, and the job's row lock already keeps every
//     other record of this message out;
//   - a provider id names one outbound message of a channel: the unique
//     index on (channel, direction, provider id) makes a concurrent second
//     owner fail, and the door runs the record again, which then finds it;
//   - its message.status event takes the conversation's row lock for its
//     seq (event.Append), as every appender does.
//
// A claim running at the same time may miss this record, and so keep the
// recipient's next message behind a job it still sees pending: it is
// claimed at this node's next pass, which the attempt's end wakes.
func (d *Dispatcher) settle(ctx context.Context, log *slog.Logger, j job, channelType string, o outcome) {
	if o.err != nil && !o.sent && ctx.Err() != nil {
		// Cut off before the request went out: no attempt was made. Hand
		// the job back at once rather than after the lease. A request that
		// went out counts as an attempt even when cut off: the integrator
		// may have received it, and it is retried with the same
		// Idempotency-Key, never as if it had not happened.
		d.release(log, j)
		return
	}
	// The writes get recordTimeout, or until the lease ends if that is
	// later (see the retries below); a duration, so a test's fake clock
	// and the context's real one agree. cut ends when the dispatcher cuts
	// its attempts off at shutdown, which also ends the retries while the
	// store is unavailable, so a shutdown is not held for a lease.
	cut := ctx
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), max(recordTimeout, time.UnixMilli(j.leaseUntil).Sub(d.now())))
	defer cancel()
	if channelType == "" {
		channelType = "unknown"
	}
	// count counts the attempt once its record commits: a record that
	// finds its lease gone (another node recorded the job) or never
	// lands is not an outcome, and counting it would over-count — the
	// attempt is counted by whichever record of the job does land.
	count := func(tx *db.Tx, result string) {
		tx.OnCommit(func() { d.m.OutboundSends.WithLabelValues(channelType, result).Inc() })
	}
	var write func(tx *db.Tx) error
	switch {
	case o.stale != "":
		state := "done"
		if o.stale == conversation.MsgFailed {
			state = "failed"
		}
		write = func(tx *db.Tx) error {
			return fence(ctx, tx, j, `UPDATE outbound_jobs SET state = ?, lease_until = 0 WHERE id = ? AND state = 'pending' AND lease_until = ?`, state)
		}
	case o.err == nil:
		write = func(tx *db.Tx) error {
			count(tx, "sent")
			return d.recordSent(ctx, log, tx, j, o.providerID)
		}
	case IsPermanent(o.err) || j.attempts+1 >= d.opts.MaxAttempts:
		reason := truncate(Reason(o.err))
		log.Warn("outbound message failed", "attempts", j.attempts+1, "reason", reason)
		write = func(tx *db.Tx) error {
			count(tx, "failed")
			return recordFailed(ctx, tx, j, reason)
		}
	default:
		delay := d.backoff(j.attempts + 1)
		if asked, ok := RetryAfter(o.err); ok {
			// The provider said when: never sooner than our own backoff.
			delay = max(delay, asked)
		}
		next := db.Millis(d.now().Add(delay))
		log.Info("outbound attempt failed; will retry", "attempt", j.attempts+1, "retry_in", delay, "err", o.err)
		write = func(tx *db.Tx) error {
			count(tx, "retry")
			tx.Due(conversation.DueOutbound, next)
			return fence(ctx, tx, j, `UPDATE outbound_jobs SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, lease_until = 0
				WHERE id = ? AND state = 'pending' AND lease_until = ?`, next, truncate(o.err.Error()))
		}
	}
	// A failed write after a successful send is retried here: giving up
	// would leave the job to be sent again once its lease ends. While the
	// store is unavailable (PostgreSQL restarting, failing over) it is
	// retried until the lease ends, with a backoff up to a second: the
	// write is fenced by the lease, so it can never land after another
	// node took the job, and an outage shorter than the lease costs no
	// second send (unless the node is shutting down meanwhile).
	var err error
	leaseEnd := time.UnixMilli(j.leaseUntil)
	for try := 0; ; try++ {
		if err = d.db.WriteConcurrent(ctx, write); err == nil || errors.Is(err, errLeaseLost) || ctx.Err() != nil {
			break
		}
		if try >= 2 && !(db.IsUnavailable(err) && d.now().Before(leaseEnd) && cut.Err() == nil) {
			break
		}
		time.Sleep(min(time.Duration(try+1)*50*time.Millisecond, time.Second))
	}
	switch {
	case errors.Is(err, errLeaseLost):
		log.Warn("outbound job was re-claimed by another node before its attempt was recorded")
	case err != nil:
		log.Error("recording an outbound attempt failed; the job is retried after its lease", "err", err)
	}
}

// recordSent stores the provider id, moves the message to sent and closes
// the job.
func (d *Dispatcher) recordSent(ctx context.Context, log *slog.Logger, tx *db.Tx, j job, providerID string) error {
	if err := fence(ctx, tx, j, `UPDATE outbound_jobs SET state = 'done', attempts = attempts + 1, last_error = '', lease_until = 0
		WHERE id = ? AND state = 'pending' AND lease_until = ?`); err != nil {
		return err
	}
	if providerID = storableID(providerID); providerID != "" {
		// The integrator may have echoed the message (message_echo with this
		// mId) before answering us, or reused an id: the id then belongs to
		// that message, and this one is still sent — retrying would send it
		// twice.
		var other int64
		err := tx.QueryRow(ctx, `SELECT id FROM messages WHERE channel_id = ? AND direction = 'out' AND provider_message_id = ? AND id <> ?`,
			j.channelID, providerID, j.messageID).Scan(&other)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if _, err := tx.Exec(ctx, `UPDATE messages SET provider_message_id = ? WHERE id = ?`, providerID, j.messageID); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			log.Warn("provider message id already belongs to another message; not stored", "provider_message_id", providerID, "other_message_id", other)
		}
	}
	_, err := conversation.SetStatusTx(ctx, tx, j.messageID, conversation.MsgSent, "")
	return err
}

// recordFailed fails the message with the reason and closes the job.
func recordFailed(ctx context.Context, tx *db.Tx, j job, reason string) error {
	if err := fence(ctx, tx, j, `UPDATE outbound_jobs SET state = 'failed', attempts = attempts + 1, last_error = ?, lease_until = 0
		WHERE id = ? AND state = 'pending' AND lease_until = ?`, reason); err != nil {
		return err
	}
	_, err := conversation.SetStatusTx(ctx, tx, j.messageID, conversation.MsgFailed, reason)
	return err
}

// fence runs an update of the job whose last two placeholders are the
// job id and this node's lease, and fails with errLeaseLost if the lease
// is no longer ours.
func fence(ctx context.Context, tx *db.Tx, j job, query string, args ...any) error {
	res, err := tx.Exec(ctx, query, append(args, j.id, j.leaseUntil)...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return errLeaseLost
	}
	return nil
}

// release hands a job back without counting an attempt, so that another
// node (or this one, restarted) takes it at once instead of after the lease.
func (d *Dispatcher) release(log *slog.Logger, j job) {
	ctx, cancel := context.WithTimeout(context.Background(), recordTimeout)
	defer cancel()
	// Fenced by the job's row, like a record (see settle).
	err := d.db.WriteConcurrent(ctx, func(tx *db.Tx) error {
		tx.Due(conversation.DueOutbound, 0)
		return fence(ctx, tx, j, `UPDATE outbound_jobs SET lease_until = 0 WHERE id = ? AND state = 'pending' AND lease_until = ?`)
	})
	if err != nil && !errors.Is(err, errLeaseLost) {
		log.Warn("releasing an outbound job failed; it is retried after its lease", "err", err)
	}
}

// maxProviderIDLen bounds a provider message id worth storing: ids are
// short; anything longer is not one a status webhook will name.
const maxProviderIDLen = 255

// storableID makes a provider's message id storable on both stores: an
// id with NUL or invalid UTF-8 would make PostgreSQL refuse the whole
// record of the attempt, and the message, already sent, would be sent
// again. Such bytes are dropped; an overlong id is not kept.
func storableID(id string) string {
	id = limit.Clean(id)
	if len(id) > maxProviderIDLen {
		return ""
	}
	return id
}

// backoff is the delay before the attempt after the n-th failed one:
// BaseDelay doubled per failure, capped at MaxDelay, with half of it
// random so that messages failing together do not retry together.
func (d *Dispatcher) backoff(n int) time.Duration {
	delay := d.opts.BaseDelay
	for i := 1; i < n && delay < d.opts.MaxDelay; i++ {
		delay *= 2
	}
	delay = min(delay, d.opts.MaxDelay)
	half := delay / 2
	return half + rand.N(delay-half+1)
}

// truncate makes s storable (see limit.Storable), at most maxErrorLen
// bytes.
func truncate(s string) string { return limit.Storable(s, maxErrorLen) }
