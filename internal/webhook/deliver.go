package webhook

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/due"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

// DispatcherOptions tune a Dispatcher; zero values take the defaults.
type DispatcherOptions struct {
	// Node is this node's id (node.Node), carried by its leases.
	Node int64
	// Lease is how long a claimed delivery belongs to this node (default
	// 60s, and at least twice the attempt timeout): a node that stops or
	// crashes mid-delivery leaves it to be sent again when it ends.
	Lease time.Duration
	// Concurrency bounds the deliveries this node sends at once (default 8).
	Concurrency int
	// Due, when set, is the node's runner of timed work, which then runs
	// the delivery passes (default: a runner of its own, run by Run).
	Due *due.Runner
	// Group runs the loops (default: a group of its own on the store's clock).
	Group *background.Group
	// Hub wakes the consumer after commits that appended events.
	Hub    *event.Hub
	Logger *slog.Logger
}

// Dispatcher turns the event log into deliveries and sends them: the
// consumer and the delivery loop of a node.
type Dispatcher struct {
	s        *Service
	opts     DispatcherOptions
	log      *slog.Logger
	consumer *event.Consumer
	work     *due.Handle
	runOwn   func(context.Context)
	inflight atomic.Int64 // attempts under way on this node
	metrics  *attemptMetrics
}

// NewDispatcher returns the node's dispatcher of s's deliveries.
func (s *Service) NewDispatcher(opts DispatcherOptions) *Dispatcher {
	if opts.Lease <= 0 {
		opts.Lease = 60 * time.Second
	}
	opts.Lease = max(opts.Lease, 2*s.opts.Timeout)
	if opts.Concurrency <= 0 {
		opts.Concurrency = 8
	}
	if opts.Group == nil {
		opts.Group = background.NewGroup(s.db.Clock())
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	d := &Dispatcher{s: s, opts: opts, log: opts.Logger.With("component", "webhook"), metrics: newAttemptMetrics()}
	d.consumer = NewConsumer(s.db, opts.Hub, opts.Group, s.opts.GiveUpAfter)
	d.work, d.runOwn = due.Attach(opts.Due, s.db, opts.Group, due.Kind{Name: DueKind, Pass: d.pass,
		Retry: 500 * time.Millisecond, MaxRetry: 30 * time.Second,
		// The backlog is what could be claimed now: a disabled endpoint's
		// deliveries, or one waiting behind an earlier of its conversation,
		// are not due, and counting them would report (and alert on) an
		// overdue backlog that never drains while all is well.
		Backlog: due.Overdue(s.db, `SELECT COUNT(*), COALESCE(MIN(j.next_attempt_at), 0) FROM webhook_deliveries j
			WHERE j.next_attempt_at <= ? AND j.lease_until <= ? AND `+claimable("j"))})
	return d
}

// Consumer is the dispatcher's consumer of the event log (for its lag).
func (d *Dispatcher) Consumer() *event.Consumer { return d.consumer }

// Run consumes the log and delivers until ctx ends. Both sleep until
// told: the consumer until events are committed, the delivery loop until
// the earliest retry or lease end (internal/due) — idle means idle.
func (d *Dispatcher) Run(ctx context.Context) {
	d.work.Start()
	d.consumer.Start()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); d.consumer.Run(ctx) }()
	go func() { defer wg.Done(); d.runOwn(ctx) }()
	wg.Wait()
}

// claimable keeps, of alias j, the pending deliveries of enabled
// endpoints that are first in their line: no earlier delivery of the
// same conversation to the same endpoint is pending (being sent, or
// waiting for a retry). Deliveries of no conversation are not ordered.
func claimable(j string) string {
	return j + `.state = 'pending' AND EXISTS (SELECT 1 FROM webhook_endpoints w WHERE w.id = ` + j + `.endpoint_id AND w.enabled = 1)
		AND (` + j + `.conversation_id = 0 OR NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.state = 'pending'
			AND e.endpoint_id = ` + j + `.endpoint_id AND e.conversation_id = ` + j + `.conversation_id AND e.id < ` + j + `.id))`
}

var deliveriesTable = due.Table{Name: "webhook_deliveries", Due: "next_attempt_at", Where: claimable("j")}

var claimSQL = map[db.Dialect]string{
	db.SQLite:   due.ClaimSQL(db.SQLite, deliveriesTable, "id"),
	db.Postgres: due.ClaimSQL(db.Postgres, deliveriesTable, "id"),
}

// job is a claimed delivery; leaseUntil fences every write of its outcome.
type job struct {
	id, endpointID, eventID int64
	eventType               string
	body                    []byte
	giveUpAt                int64
	leaseUntil              int64
}

// pass claims the due deliveries into the free slots and starts each
// attempt, which runs beyond the pass (an endpoint slow to answer holds
// only its own slot), then says when the next falls due. An attempt that
// ends makes the kind look again (due.Handle.Go).
func (d *Dispatcher) pass(ctx context.Context) (time.Time, error) {
	free := d.opts.Concurrency - int(d.inflight.Load())
	if free <= 0 {
		return time.Time{}, nil
	}
	now := db.Millis(d.s.now())
	jobs, err := d.claim(ctx, now, free)
	if err != nil {
		return time.Time{}, err
	}
	for _, j := range jobs {
		d.inflight.Add(1)
		d.work.Go(func() {
			defer d.inflight.Add(-1)
			d.attempt(ctx, j)
		})
	}
	if len(jobs) == free {
		return time.Time{}, nil // every slot busy: an ending attempt looks again
	}
	next, err := d.nextDue(ctx)
	if err != nil || next == 0 {
		return time.Time{}, err
	}
	if next <= now && len(jobs) == 0 {
		// Due, yet not claimable: another node's claim is committing.
		return db.Time(now + 50), nil
	}
	return db.Time(next), nil
}

// claim leases the due deliveries to this node.
func (d *Dispatcher) claim(ctx context.Context, now int64, n int) ([]job, error) {
	lease := now + d.opts.Lease.Milliseconds()
	var ids []int64
	err := d.s.db.WriteConcurrent(ctx, func(tx *db.Tx) error {
		rows, err := tx.Query(ctx, claimSQL[tx.Dialect()], lease, d.opts.Node, now, now, n)
		if err != nil {
			return err
		}
		ids, err = db.Collect(rows, func(rows *sql.Rows) (int64, error) {
			var id int64
			return id, rows.Scan(&id)
		})
		return err
	})
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	in, args := db.In(ids)
	rows, err := d.s.db.Reader().Query(ctx, `SELECT id, endpoint_id, event_id, event_type, body, give_up_at FROM webhook_deliveries WHERE id IN `+in, args...)
	if err != nil {
		return nil, fmt.Errorf("webhook: read claimed deliveries: %w", err)
	}
	jobs, err := db.Collect(rows, func(rows *sql.Rows) (job, error) {
		j := job{leaseUntil: lease}
		var b string
		err := rows.Scan(&j.id, &j.endpointID, &j.eventID, &j.eventType, &b, &j.giveUpAt)
		j.body = []byte(b)
		return j, err
	})
	return jobs, err
}

// nextDue returns when the next delivery can be claimed (Unix ms; 0 when
// none waits): its next attempt, or the end of its lease if later.
func (d *Dispatcher) nextDue(ctx context.Context) (int64, error) {
	var next int64
	err := d.s.db.Reader().QueryRow(ctx, `SELECT COALESCE(MIN(CASE WHEN j.lease_until > j.next_attempt_at THEN j.lease_until ELSE j.next_attempt_at END), 0)
		FROM webhook_deliveries j WHERE `+claimable("j")).Scan(&next)
	if err != nil {
		return 0, fmt.Errorf("webhook: next due: %w", err)
	}
	return next, nil
}

// target is an endpoint as a delivery needs it.
type target struct {
	url, secret string
	enabled     bool
	// unusable says why no request can be signed for it (empty: it can).
	unusable string
}

// unopenedSecret is an attempt's error when the endpoint's secret, sealed
// at rest, does not open with this node's key: a node started with
// another --secret-key than the one that sealed it. The attempt fails as
// any other, so the delivery backs off and another node (with the right
// key) may send it, and an endpoint no node can sign for is disabled
// after GiveUpAfter, with this reason, instead of being tried at every
// lease's end forever.
const unopenedSecret = "the endpoint's signing secret cannot be opened with this node's secret key; restore the key that sealed it, or rotate the endpoint's secret"

func (s *Service) target(ctx context.Context, endpointID int64) (target, error) {
	var t target
	var stored string
	var enabled int
	err := s.db.Reader().QueryRow(ctx, `SELECT url, secret, enabled FROM webhook_endpoints WHERE id = ?`, endpointID).Scan(&t.url, &stored, &enabled)
	if err != nil {
		return t, err
	}
	t.enabled = enabled != 0
	if t.secret, err = s.open(stored); err != nil {
		t.unusable = unopenedSecret
	}
	return t, nil
}

// outcome is what one attempt got.
type outcome struct {
	status   int    // HTTP status; 0 when there was no answer
	err      string // why it failed, when it did
	excerpt  string // the start of the answer
	duration time.Duration
}

func (o outcome) ok() bool { return o.err == "" && o.status >= 200 && o.status <= 299 }

// Bounds of what an attempt keeps of the answer.
const (
	maxExcerpt = 1024
	maxError   = 1000
)

// send POSTs body to t, signed, within the timeout.
func (s *Service) send(ctx context.Context, t target, deliveryID, eventID int64, eventType string, body []byte) outcome {
	if t.unusable != "" {
		return outcome{err: t.unusable}
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, bytes.NewReader(body))
	if err != nil {
		return outcome{err: "not a valid URL: " + err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Switchboard-Webhooks/1")
	req.Header.Set(HeaderSignature, Sign(t.secret, body, s.now()))
	req.Header.Set(HeaderEventID, strconv.FormatInt(eventID, 10))
	req.Header.Set(HeaderEventType, eventType)
	if deliveryID != 0 {
		req.Header.Set(HeaderDelivery, strconv.FormatInt(deliveryID, 10))
	}
	start := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		o := outcome{err: err.Error(), duration: time.Since(start)}
		var denied *netguard.DeniedError
		var uerr *url.Error
		switch {
		case errors.As(err, &denied):
			o.err = denied.Reason()
		case errors.Is(ctx.Err(), context.DeadlineExceeded):
			o.err = fmt.Sprintf("timed out after %s", s.opts.Timeout)
		case errors.As(err, &uerr):
			// *url.Error names the URL, which often holds the endpoint's
			// own secret (a hook's path, a ?token=): keep only the cause.
			// The error reaches the webhook.disabled event, which every
			// agent can read, though only managers see endpoints.
			o.err = uerr.Err.Error()
		}
		return o
	}
	defer resp.Body.Close()
	head, _ := io.ReadAll(io.LimitReader(resp.Body, maxExcerpt))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	o := outcome{status: resp.StatusCode, excerpt: limit.Storable(string(head), maxExcerpt), duration: time.Since(start)}
	if !o.ok() {
		o.err = "answered " + strconv.Itoa(resp.StatusCode) + " " + http.StatusText(resp.StatusCode)
	}
	return o
}

// attempt sends one claimed delivery and records what happened. When ctx
// ends while the request is out (the node stops), nothing is recorded:
// the delivery stays leased and goes again, with the same event id, when
// the lease ends — the receiver dedupes by it.
func (d *Dispatcher) attempt(ctx context.Context, j job) {
	log := d.log.With("delivery_id", j.id, "event_id", j.eventID)
	t, err := d.s.target(ctx, j.endpointID)
	if errors.Is(err, sql.ErrNoRows) {
		return // deleted with its endpoint
	}
	if err != nil {
		log.Error("webhook: read endpoint", "err", err)
		return // the lease ends and it is tried again
	}
	if !t.enabled {
		d.release(ctx, j)
		return
	}
	o := d.s.send(ctx, t, j.id, j.eventID, j.eventType, j.body)
	if ctx.Err() != nil {
		return
	}
	state, err := d.s.record(ctx, j, o)
	if err != nil {
		log.Error("webhook: recording a delivery attempt failed; it is sent again after its lease", "err", err)
		return
	}
	outcome := map[string]string{StateDelivered: "delivered", StatePending: "retry", StateFailed: "failed"}[state]
	d.metrics.attempts.WithLabelValues(outcome).Inc()
	d.metrics.seconds.Observe(o.duration.Seconds())
}

// release hands a delivery back without an attempt.
func (d *Dispatcher) release(ctx context.Context, j job) {
	d.s.db.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET lease_until = 0 WHERE id = ? AND lease_until = ?`, j.id, j.leaseUntil)
		return err
	})
}

// errLeaseLost means another node took the delivery over.
var errLeaseLost = errors.New("webhook: lease lost")

// record writes an attempt's outcome, and what it means for the endpoint,
// in one transaction fenced by the lease.
func (s *Service) record(ctx context.Context, j job, o outcome) (string, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	var state string
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		now := tx.Now()
		next := now
		state = StateDelivered
		switch {
		case o.ok():
		case o.status == http.StatusGone || now >= j.giveUpAt:
			state = StateFailed
		default:
			state = StatePending
			var attempts int
			if err := tx.QueryRow(ctx, `SELECT attempts FROM webhook_deliveries WHERE id = ?`, j.id).Scan(&attempts); err != nil {
				return err
			}
			next = min(now+s.backoff(attempts+1).Milliseconds(), j.giveUpAt)
			tx.Due(DueKind, next)
		}
		res, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET state = ?, attempts = attempts + 1, next_attempt_at = ?,
			last_status = ?, last_error = ?, response_excerpt = ?, duration_ms = ?, last_attempt_at = ?, lease_until = 0
			WHERE id = ? AND state = 'pending' AND lease_until = ?`,
			state, next, o.status, limit.Storable(o.err, maxError), o.excerpt, o.duration.Milliseconds(), now, j.id, j.leaseUntil)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errLeaseLost
		}
		if state != StatePending {
			tx.Due(DueKind, 0) // the next of its line may go
		}
		if j.eventID == 0 {
			return nil // a test delivery says nothing of the endpoint's health
		}
		return s.health(ctx, tx, j.endpointID, o, now)
	})
	return state, err
}

// health updates the endpoint after an attempt: a success makes it
// healthy; 410 Gone disables it at once; a failure starts or continues
// its failing streak, and one GiveUpAfter long disables it.
func (s *Service) health(ctx context.Context, tx *db.Tx, endpointID int64, o outcome, now int64) error {
	if o.ok() {
		_, err := tx.Exec(ctx, `UPDATE webhook_endpoints SET failing_since = 0 WHERE id = ? AND failing_since <> 0`, endpointID)
		return err
	}
	if o.status == http.StatusGone {
		return s.disable(ctx, tx, endpointID, "the endpoint answered 410 Gone", now)
	}
	var since int64
	err := tx.QueryRow(ctx, `UPDATE webhook_endpoints SET failing_since = CASE WHEN failing_since = 0 THEN ? ELSE failing_since END
		WHERE id = ? RETURNING failing_since`, now, endpointID).Scan(&since)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if now-since >= s.opts.GiveUpAfter.Milliseconds() {
		return s.disable(ctx, tx, endpointID, fmt.Sprintf("every delivery failed for %s (last: %s)", human(s.opts.GiveUpAfter), limit.Clip(o.err, 200)), now)
	}
	return nil
}

// disable turns an enabled endpoint off with a reason and tells the
// workspace (the notification consumer tells its owners).
func (s *Service) disable(ctx context.Context, tx *db.Tx, endpointID int64, reason string, now int64) error {
	var ws int64
	err := tx.QueryRow(ctx, `UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ?, updated_at = ? WHERE id = ? AND enabled = 1
		RETURNING workspace_id`, reason, now, endpointID).Scan(&ws)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // already off
	}
	if err != nil {
		return err
	}
	_, err = event.Append(ctx, tx, event.New{WorkspaceID: ws, Type: event.WebhookDisabled,
		Payload: map[string]any{"endpoint_id": endpointID, "reason": reason}})
	return err
}

// human writes a duration the way a person would.
func human(d time.Duration) string {
	if d%time.Hour == 0 {
		return fmt.Sprintf("%d hours", int(d/time.Hour))
	}
	return d.String()
}

// backoff is the delay after the n-th failed attempt: BaseDelay doubled
// per failure, capped at MaxDelay, half of it random so that deliveries
// failing together do not retry together.
func (s *Service) backoff(n int) time.Duration {
	delay := s.opts.BaseDelay
	for i := 1; i < n && delay < s.opts.MaxDelay; i++ {
		delay *= 2
	}
	delay = min(delay, s.opts.MaxDelay)
	half := delay / 2
	return half + rand.N(delay-half+1)
}
