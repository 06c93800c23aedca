package event

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync/atomic"
	"time"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// ConsumerConfig describes a consumer of the event log: a name, the
// events it wants and what it does with them.
type ConsumerConfig struct {
	// Name keys the consumer's cursor row in event_consumers; every node
	// running a consumer of that name shares the one cursor.
	Name string
	// Types are the event types read for it (none: every type), filtered
	// in SQL.
	Types []Type
	// Filter, when set, narrows further (on the payload, say): events it
	// refuses are passed over without a write.
	Filter func(Event) bool
	// Handle applies a batch of wanted events, in id order, inside tx —
	// the transaction that also moves the cursor past them, so its writes
	// happen exactly once. An error rolls both back and the batch is
	// delivered again after a backoff. It may also run again when tx is
	// retried, so it keeps no state outside tx but what it assigns; effects
	// outside the store must be idempotent (delivery is at least once).
	// The events' payloads are shared with the node's other consumers
	// (see window): read them, never write into them.
	Handle func(ctx context.Context, tx *db.Tx, events []Event) error
	// AfterBatch, when set, runs after each batch Handle committed, outside
	// any transaction (routing sweeps a queue that had more to place than
	// one batch could).
	AfterBatch func(ctx context.Context) error
	// Concurrent runs each batch with db.DB.WriteConcurrent instead of
	// Write: for a handler whose writes hold their invariants by
	// constraints and row locks alone (a projection, rows inserted once per
	// event), so that on PostgreSQL its batches do not stop every other
	// writer while they commit. The cursor row, read FOR UPDATE, still
	// keeps two nodes from handling one batch.
	Concurrent bool
	// ChangesConversation, when set, reports whether a Concurrent
	// handler may change an event's conversation (append events to it,
	// take its seq): on PostgreSQL each batch locks those conversations
	// first, in id order, as every write that names its rows does
	// (db.WithRowLocks), so it never deadlocks with a receive batch or
	// another consumer's batch that takes them in another order. An event
	// it refuses names nothing: its conversation is not held for nothing.
	ChangesConversation func(Event) bool
	// Batch bounds the events read at once (default 256); on PostgreSQL
	// a Concurrent consumer's batches hold at most pgConcurrentBatch.
	Batch int
	// FromStart makes a consumer that has no cursor yet begin at the
	// log's first event instead of its newest: a projection built from
	// the whole history (reports) rather than a reaction to what comes.
	FromStart bool
	// Backoff is the wait before the first retry of a failed batch
	// (default 1s); it doubles with each failure, up to MaxBackoff
	// (default 1 min), on the store's clock.
	Backoff, MaxBackoff time.Duration
	Logger              *slog.Logger
}

// Consumer is a named cursor over the event log with a handler. It is
// woken by the hub only after commits that appended events (on this node
// or, through the store's listener, on another), reads the wanted events
// after its cursor in batches, and hands each batch to its handler in the
// write transaction that moves the cursor. A node whose cursor is already
// at the hub's newest event reads nothing.
//
// Several nodes may run a consumer of one name: the cursor row is locked
// and moved in the batch's transaction, so a batch one node handled is
// never handled by another (see pass); a node that finds it locked passes
// and looks again later, rather than queue behind the other's commit. On
// PostgreSQL a node runs it only while it holds its lease (see Leases), so
// that the other nodes do not even look; the cursor row stays the guard.
type Consumer struct {
	cfg  ConsumerConfig
	db   *db.DB
	hub  *Hub
	loop *background.Loop

	pos      atomic.Int64 // every event up to pos is handled or passed over, as this node knows
	blocked  atomic.Bool  // the last pass stopped at the horizon, short of the newest event
	ready    atomic.Bool  // the cursor row exists and pos starts from it
	passes   atomic.Int64 // wake-ups that looked for work
	reads    atomic.Int64 // reads of the log
	batches  atomic.Int64 // batches handled and committed
	failures atomic.Int64 // batches that failed

	leases      atomic.Pointer[Leases] // set while it runs with leases (see Hub.UseLeases)
	leased      atomic.Bool            // this node holds its lease
	synced      atomic.Bool            // the cursor row was read since this node gained the lease (on SQLite: since it started)
	known       atomic.Int64           // the stored cursor, as this node last read or wrote it
	cursorReads atomic.Int64           // reads of the cursor row outside a batch
	label       string                 // its batches' name in a slow write's report (db.WithLabel)
}

// pgConcurrentBatch bounds a Concurrent consumer's batch on PostgreSQL.
// A batch holds every row it changed (its conversations, named up front,
// the agents its runs assign) until it commits, and there the writes of
// every node that need one of them wait. The 3-node proof logged the
// workflow and routing consumers' batches of 256 and 500 events running
// 2 to 5 s each in one transaction, agents' closes queued behind them. A
// bound of 32 all but ended those waits but made the proof a third slower
// (each batch's fixed cost, paid eight times as often); 128 halves the
// workflow consumer's longest hold. SQLite has one writer, which nobody
// waits for a row of, and spends its time on statements: there larger
// batches, which share statements, stay.
const pgConcurrentBatch = 128

// NewConsumer returns a consumer run in g (see Run), woken by hub, which
// must be told of d's commits. Its cursor row is created the first time
// it runs, at the log's newest event: a new consumer starts from now
// (unless FromStart).
func NewConsumer(d *db.DB, hub *Hub, g *background.Group, cfg ConsumerConfig) *Consumer {
	if cfg.Batch <= 0 {
		cfg.Batch = 256
	}
	if cfg.Concurrent && d.Dialect == db.Postgres {
		cfg.Batch = min(cfg.Batch, pgConcurrentBatch)
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = time.Second
	}
	if cfg.MaxBackoff < cfg.Backoff {
		cfg.MaxBackoff = max(time.Minute, cfg.Backoff)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	c := &Consumer{cfg: cfg, db: d, hub: hub, loop: g.NewLoop("event consumer " + cfg.Name), label: "consumer " + cfg.Name}
	if hub != nil {
		hub.OnNotify(c.wake)
		hub.addConsumer(c)
	}
	return c
}

// wake signals the loop after a commit, unless another node holds the
// consumer's lease: then this node has nothing to do for it.
func (c *Consumer) wake() {
	if c.active() {
		c.loop.Signal()
	}
}

// active reports whether this node runs the consumer now: it holds its
// lease, or the consumer runs without one.
func (c *Consumer) active() bool {
	return c.leases.Load() == nil || c.leased.Load()
}

// Leased reports whether this node holds the consumer's lease (false when
// it runs without leases, see Hub.UseLeases).
func (c *Consumer) Leased() bool { return c.leases.Load() != nil && c.leased.Load() }

// Name is the consumer's name.
func (c *Consumer) Name() string { return c.cfg.Name }

// Position is the id of the last event this node knows the consumer has
// handled or passed over.
func (c *Consumer) Position() int64 { return c.pos.Load() }

// Lag is how many event ids the consumer is behind the newest event this
// node heard of (0 when it is caught up): the value of
// switchboard_consumer_lag_events. A node whose consumer another node's
// lease runs answers 0: the holder reports the lag.
func (c *Consumer) Lag() int64 {
	if c.hub == nil || !c.active() {
		return 0
	}
	return max(c.hub.Last()-c.pos.Load(), 0)
}

// Delay is how long the oldest event the consumer has not yet handled or
// passed over has waited, on the store's clock: the value of
// switchboard_consumer_lag_seconds. A caught-up consumer answers 0
// without a query.
func (c *Consumer) Delay(ctx context.Context) (time.Duration, error) {
	if c.Lag() == 0 {
		return 0, nil
	}
	var created int64
	err := c.db.Reader().QueryRow(ctx, `SELECT created_at FROM events WHERE id > ? ORDER BY id LIMIT 1`, c.pos.Load()).Scan(&created)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("event: consumer %s: delay: %w", c.cfg.Name, err)
	}
	return max(c.db.Clock().Now().Sub(db.Time(created)), 0), nil
}

// Passes, Reads, Batches and Failures count the consumer's wake-ups that
// looked for work, its reads of the log, the batches it committed and
// those that failed: an idle node's counts do not move.
func (c *Consumer) Passes() int64   { return c.passes.Load() }
func (c *Consumer) Reads() int64    { return c.reads.Load() }
func (c *Consumer) Batches() int64  { return c.batches.Load() }
func (c *Consumer) Failures() int64 { return c.failures.Load() }

// Start marks the consumer's loop awake; call it before launching Run's
// goroutine (or let background.Group.StartAll do it), so the node does
// not look idle meanwhile.
func (c *Consumer) Start() { c.loop.Start() }

// Run consumes the log until ctx ends. A failed batch is retried after a
// backoff that doubles with each failure (shorter after a lock conflict,
// see transientBackoff); news of events does not cut the
// backoff short, so a batch that keeps failing is not retried on every
// commit.
//
// With leases (see Hub.UseLeases), it first takes the consumer's lease if
// it is free, and does nothing but sleep while another node holds it: the
// heartbeat that takes it for this node wakes it, and it resumes from the
// shared cursor.
func (c *Consumer) Run(ctx context.Context) {
	c.loop.Start()
	defer c.loop.Stop()
	if c.hub != nil {
		if l := c.hub.Leases(); l != nil {
			c.leases.Store(l)
			l.join(c)
			defer func() {
				l.leave(c)
				c.leased.Store(false)
			}()
			l.takeOne(ctx, c)
		}
	}
	clk := c.db.Clock()
	wait := time.Duration(0)
	for ctx.Err() == nil {
		if !c.active() {
			c.loop.Wait(ctx, time.Time{})
			continue
		}
		more, err := c.pass(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			c.failures.Add(1)
			first := c.cfg.Backoff
			if db.IsTransient(err) && !db.IsUnavailable(err) {
				first = min(first, transientBackoff)
			}
			wait = min(max(2*wait, first), c.cfg.MaxBackoff)
			c.cfg.Logger.Error("event: consumer failed; retrying", "consumer", c.cfg.Name, "in", wait, "err", err)
			for retry := clk.Now().Add(wait); ctx.Err() == nil && clk.Now().Before(retry); {
				c.loop.Wait(ctx, retry)
			}
			continue
		}
		wait = 0
		if !more {
			c.loop.Wait(ctx, horizonRetry(clk, c.blocked.Load()))
		}
	}
}

// pass handles the next batch after the cursor; more reports that the
// read was full, so another batch may wait.
func (c *Consumer) pass(ctx context.Context) (more bool, err error) {
	c.passes.Add(1)
	if !c.ready.Load() {
		// First pass: the cursor row exists from now on (a new consumer
		// starts at the newest event), and this node knows where it is.
		stored, err := c.stored(ctx)
		if err != nil {
			return false, err
		}
		c.advance(stored)
		c.noteStored(stored)
		c.ready.Store(true)
	}
	newest, err := c.newest(ctx)
	if err != nil || newest <= c.pos.Load() {
		return false, err
	}
	// Only up to the horizon: an event below the newest may still be
	// committing (PostgreSQL), and reading past it would skip it for good.
	horizon, err := c.db.EventHorizonFor(ctx, newest)
	if err != nil {
		return false, fmt.Errorf("event: consumer %s: %w", c.cfg.Name, err)
	}
	if horizon < newest {
		c.blocked.Store(true)
		newest = horizon
	} else {
		c.blocked.Store(false)
	}
	stored, err := c.cursor(ctx)
	if err != nil {
		return false, err
	}
	c.advance(stored)
	from := c.pos.Load()
	if newest <= from {
		return false, nil
	}
	// Bounded by the newest event: when fewer than a batch match, every
	// event up to it has been seen, and most of the log may not be ours.
	c.reads.Add(1)
	events, reached, err := c.readBatch(ctx, from, newest)
	if err != nil {
		return false, err
	}
	more = reached < newest
	if c.cfg.Filter != nil {
		events = slices.DeleteFunc(events, func(e Event) bool { return !c.cfg.Filter(e) })
	}
	if len(events) == 0 {
		// Nothing wanted: move past without a write. The stored cursor
		// catches up with the next batch, or once it is PassedOverWrite
		// behind; a crash before it reads these again, and passes over
		// them again.
		c.advance(reached)
		return more, c.storePassedOver(ctx, stored, reached)
	}
	handled, busy := false, false
	write := c.db.Write
	if c.cfg.Concurrent {
		write = c.db.WriteConcurrent
	}
	batch := func(tx *db.Tx) error {
		handled, busy = false, false
		q := `SELECT last_id FROM event_consumers WHERE name = ?`
		if tx.Dialect() == db.Postgres {
			// Skipped, not waited for, when another node's batch holds it:
			// waiting held up every other write of this batch until that
			// node's commit, and two batches locking two consumers' cursors
			// in opposite orders deadlocked.
			q += ` FOR UPDATE SKIP LOCKED`
		}
		var cur int64
		err := tx.QueryRow(ctx, q, c.cfg.Name).Scan(&cur)
		if errors.Is(err, sql.ErrNoRows) && tx.Dialect() == db.Postgres {
			busy = true // the row exists (see stored): it is locked
			return nil
		}
		if err != nil {
			return fmt.Errorf("lock cursor: %w", err)
		}
		if cur >= reached {
			tx.OnCommit(func() { c.noteStored(cur) })
			return nil // another node handled them
		}
		// Another node may have handled the first ones: only the rest.
		mine := events[firstAfter(events, cur):]
		if len(mine) > 0 {
			if err := c.cfg.Handle(ctx, tx, mine); err != nil {
				return err
			}
			handled = true
		}
		_, err = tx.Exec(ctx, `UPDATE event_consumers SET last_id = ?, updated_at = ? WHERE name = ?`, reached, tx.Now(), c.cfg.Name)
		tx.OnCommit(func() { c.noteStored(reached) })
		return err
	}
	wctx := db.WithLabel(ctx, c.label)
	if c.cfg.Concurrent && c.cfg.ChangesConversation != nil {
		wctx = db.WithRows(wctx, "conversations", c.changedConversations(events)...)
	}
	for {
		// A handler that failed with ErrHandleAgain does differently in
		// the next try (see ErrHandleAgain).
		if err = write(wctx, batch); !errors.Is(err, ErrHandleAgain) || ctx.Err() != nil {
			break
		}
	}
	if err != nil {
		return false, fmt.Errorf("event: consumer %s: %w", c.cfg.Name, err)
	}
	if busy {
		// Another node is handling a batch: look again once woken (its
		// commit, if it appended events, or the next event) or after
		// blockedRetry, as when the horizon holds the reader back, in
		// case its batch fails and these events are still to handle.
		c.blocked.Store(true)
		return false, nil
	}
	c.advance(reached)
	if handled {
		c.batches.Add(1)
		if c.cfg.AfterBatch != nil {
			if err := c.cfg.AfterBatch(ctx); err != nil {
				return false, fmt.Errorf("event: consumer %s: after batch: %w", c.cfg.Name, err)
			}
		}
	}
	return more, nil
}

// cursor returns the stored cursor. It reads the cursor row unless this
// node holds the consumer's lease and has read it since it gained the
// lease: then no other node moves it, and this node knows where it is
// from its own writes, a query per pass saved. In the moment two nodes
// both believe they hold the lease (the old holder has not yet heard that
// it lapsed), the old holder may read events the other handled: its
// batch's locked read of the row still keeps it from handling them again.
// On SQLite one node runs every consumer, as if it held every lease for
// good: it reads the row once.
func (c *Consumer) cursor(ctx context.Context) (int64, error) {
	sole := c.Leased() || c.db.Dialect != db.Postgres
	if sole && c.synced.Load() {
		return c.known.Load(), nil
	}
	c.cursorReads.Add(1)
	stored, err := c.stored(ctx)
	if err != nil {
		return 0, err
	}
	c.noteStored(stored)
	if sole {
		c.synced.Store(true)
	}
	return stored, nil
}

// noteStored records that the stored cursor is at least id.
func (c *Consumer) noteStored(id int64) {
	for {
		cur := c.known.Load()
		if id <= cur || c.known.CompareAndSwap(cur, id) {
			return
		}
	}
}

// CursorReads counts the consumer's reads of its cursor row outside a
// batch's transaction: a node holding the lease reads it once after it
// gains the lease.
func (c *Consumer) CursorReads() int64 { return c.cursorReads.Load() }

// firstAfter returns the index of the first event after id in events.
func firstAfter(events []Event, id int64) int {
	i := 0
	for i < len(events) && events[i].ID <= id {
		i++
	}
	return i
}

// changedConversations returns the conversations of the events whose
// conversation the handler may change (with repeats; the committer sorts
// them).
func (c *Consumer) changedConversations(events []Event) []int64 {
	ids := make([]int64, 0, len(events))
	for _, e := range events {
		if e.ConversationID != 0 && c.cfg.ChangesConversation(e) {
			ids = append(ids, e.ConversationID)
		}
	}
	return ids
}

// advance moves the known position forward (never back).
func (c *Consumer) advance(id int64) {
	for {
		cur := c.pos.Load()
		if id <= cur || c.pos.CompareAndSwap(cur, id) {
			return
		}
	}
}

// newest is the id of the newest event committed, as far as this node
// knows: the hub's, without a query, once it heard of one.
func (c *Consumer) newest(ctx context.Context) (int64, error) {
	if c.hub != nil && c.hub.Last() > 0 {
		return c.hub.Last(), nil
	}
	var newest int64
	if err := c.db.Reader().QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM events`).Scan(&newest); err != nil {
		return 0, fmt.Errorf("event: consumer %s: newest event: %w", c.cfg.Name, err)
	}
	return newest, nil
}

// stored reads the cursor row, creating it the first time at the log's
// end (or its start, with FromStart).
func (c *Consumer) stored(ctx context.Context) (int64, error) {
	var last int64
	err := c.db.Reader().QueryRow(ctx, `SELECT last_id FROM event_consumers WHERE name = ?`, c.cfg.Name).Scan(&last)
	if errors.Is(err, sql.ErrNoRows) {
		// From now: the newest event, or the horizon if an event below it
		// is still committing, so that one is not skipped.
		horizon, herr := c.db.EventHorizon(ctx)
		if herr != nil {
			return 0, fmt.Errorf("event: consumer %s: %w", c.cfg.Name, herr)
		}
		start, args := `CASE WHEN COALESCE(MAX(id), 0) < ? THEN COALESCE(MAX(id), 0) ELSE ? END`, []any{horizon, horizon}
		if c.cfg.FromStart {
			// An aggregate, like MAX, so that an empty log still gives
			// the one row to insert: 0, or just before the first event.
			start, args = `COALESCE(MIN(id), 1) - 1`, nil
		}
		// Concurrent: the row's primary key (ON CONFLICT DO NOTHING) keeps
		// one cursor per name when several nodes create it at once.
		err = c.db.WriteConcurrent(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO event_consumers (name, last_id, updated_at)
				SELECT ?, `+start+`, ? FROM events WHERE true ON CONFLICT (name) DO NOTHING`, append(append([]any{c.cfg.Name}, args...), tx.Now())...)
			return err
		})
		if err == nil {
			err = c.db.Reader().QueryRow(ctx, `SELECT last_id FROM event_consumers WHERE name = ?`, c.cfg.Name).Scan(&last)
		}
	}
	if err != nil {
		return 0, fmt.Errorf("event: consumer %s: read cursor: %w", c.cfg.Name, err)
	}
	return last, nil
}

// readBatch returns the events of the wanted types in (after, through],
// in id order, at most a batch, and the id through which it looked
// (through, unless the batch filled first). It reads from the window the
// node's consumers share when the cursor is inside it, else the log.
func (c *Consumer) readBatch(ctx context.Context, after, through int64) ([]Event, int64, error) {
	if c.hub != nil {
		events, reached, ok, err := c.hub.window(c.db).read(ctx, after, through, c.wants, c.cfg.Batch)
		if ok || err != nil {
			return events, reached, err
		}
	}
	events, err := c.read(ctx, after, through)
	if len(events) == c.cfg.Batch {
		return events, events[len(events)-1].ID, err
	}
	return events, through, err
}

// wants reports whether e is of a type the consumer reads (every type
// when it names none): read filters these in SQL.
func (c *Consumer) wants(e Event) bool {
	return len(c.cfg.Types) == 0 || slices.Contains(c.cfg.Types, e.Type)
}

// read returns the events of the wanted types in (after, through], in id
// order, at most a batch.
func (c *Consumer) read(ctx context.Context, after, through int64) ([]Event, error) {
	q := `SELECT ` + eventColumns + ` FROM events WHERE id > ? AND id <= ?`
	args := []any{after, through}
	if len(c.cfg.Types) > 0 {
		in, typeArgs := db.In(c.cfg.Types)
		q += ` AND type IN ` + in
		args = append(args, typeArgs...)
	}
	q += ` ORDER BY id LIMIT ?`
	args = append(args, c.cfg.Batch)
	rows, err := c.db.Reader().Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("event: consumer %s: read events: %w", c.cfg.Name, err)
	}
	return db.Collect(rows, scanEvent)
}

// transientBackoff is the first wait after a batch failed on a lock that
// another transaction held (a deadlock, or giving way on a lock's order:
// db.ErrLockOrder) through all of the write's own quick retries: such a
// conflict is over once the other commits, in milliseconds, and a
// consumer waiting the full backoff held back every event behind the
// batch for a second (the workflow's and routing's consumers, four or
// five times per 3-node proof). It doubles with each failure in a row,
// as the full one does.
const transientBackoff = 100 * time.Millisecond

// blockedRetry is how soon a reader stopped short by the event horizon
// looks again without being woken. The transaction holding the horizon
// back wakes every reader when it commits, and this node's readers when
// it rolls back (db.Tx.ended); a rollback on another node, or a
// transaction lost with its node (a crash, a dropped connection), ends
// without a word to them, and then this is how long its holes delay the
// events after them.
const blockedRetry = 200 * time.Millisecond

// horizonRetry is the deadline of a reader's wait: none (until woken)
// unless its last read stopped at the horizon.
func horizonRetry(clk clock.Clock, blocked bool) time.Time {
	if !blocked {
		return time.Time{}
	}
	return clk.Now().Add(blockedRetry)
}
