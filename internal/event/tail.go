package event

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// tailPage bounds one read of the log by the tail.
const tailPage = 1000

// subscriberBuffer is how many batches a subscriber may fall behind
// before the tail stops waiting for it (see Subscription.Lagged).
const subscriberBuffer = 64

// Tail is a node's one reader of the events committed while it runs, fanned
// out to the live streams subscribed to it: woken by the hub, it reads each
// new event once, whatever the number of streams (2,000 open streams cost
// one query per wake-up, not 2,000), and hands every subscriber the events
// that match its filter. A subscriber that cannot keep up is told so, and
// reads the log itself from its cursor until it is caught up.
type Tail struct {
	db   *db.DB
	hub  *Hub
	loop *background.Loop

	reads atomic.Int64 // reads of the log, for tests and metrics
	// delivery is switchboard_live_delivery_seconds (see Collector).
	delivery prometheus.Histogram

	mu   sync.Mutex
	pos  int64 // every event up to pos has been read and handed out
	subs map[*Subscription]struct{}
}

// NewTail returns the node's tail, run in g (see Run); hub must be told of
// d's commits. It starts at the newest event now: what came before is
// read from the log by each subscriber, from its own cursor. So it is
// built before the node serves anyone.
func NewTail(ctx context.Context, d *db.DB, hub *Hub, g *background.Group) (*Tail, error) {
	t := &Tail{db: d, hub: hub, loop: g.NewLoop("event tail"), subs: map[*Subscription]struct{}{},
		delivery: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "switchboard_live_delivery_seconds",
			Help: "Time from an event's created_at (stamped in the transaction that wrote it, on the writing node's clock) to this node's live streams, for the events handed to at least one.",
			// Around the 100 ms a person reads as at once.
			Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
		})}
	if err := d.Reader().QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM events`).Scan(&t.pos); err != nil {
		return nil, fmt.Errorf("event: tail: newest event: %w", err)
	}
	// Not past an event still committing: the tail hands it out when it does.
	horizon, err := d.EventHorizon(ctx)
	if err != nil {
		return nil, fmt.Errorf("event: tail: %w", err)
	}
	t.pos = min(t.pos, horizon)
	hub.OnNotify(t.loop.Signal)
	return t, nil
}

// Subscription is one subscriber's view of the tail.
type Subscription struct {
	t     *Tail
	match func(Event) bool
	// C receives the matching events of each read of the tail, in id order.
	C      chan []Event
	lagged chan struct{}
}

// Lagged receives when the tail dropped events for this subscriber because
// its buffer was full: the subscriber must read the log after its cursor
// to catch up, then go on with C, skipping what it already has.
func (s *Subscription) Lagged() <-chan struct{} { return s.lagged }

// Subscribe returns a subscription to the events that match. Events
// committed after it returns are all handed to it (or it is told it
// lagged); those committed before must be read from the log, so a
// subscriber resuming from a cursor subscribes first, then reads the log
// from its cursor, then takes C, skipping ids it has already seen.
func (t *Tail) Subscribe(match func(Event) bool) *Subscription {
	s := &Subscription{t: t, match: match, C: make(chan []Event, subscriberBuffer), lagged: make(chan struct{}, 1)}
	t.mu.Lock()
	t.subs[s] = struct{}{}
	t.mu.Unlock()
	return s
}

// Close ends the subscription.
func (s *Subscription) Close() {
	s.t.mu.Lock()
	delete(s.t.subs, s)
	s.t.mu.Unlock()
}

// Collector is the tail's metric for the node's registry:
// switchboard_live_delivery_seconds, how long after its commit an event
// reached the live streams of this node (the wait for the event horizon
// included, which is where a node serving agents of another node's
// writes spends it on PostgreSQL).
func (t *Tail) Collector() prometheus.Collector { return t.delivery }

// Reads returns how many times the tail has read the log.
func (t *Tail) Reads() int64 { return t.reads.Load() }

// Run reads the log as the hub tells of new events and hands them out,
// until ctx ends.
func (t *Tail) Run(ctx context.Context) {
	t.loop.Start()
	defer t.loop.Stop()
	for ctx.Err() == nil {
		blocked, err := t.readNew(ctx)
		if err != nil && ctx.Err() == nil {
			slog.Error("event tail", "err", err)
			t.loop.Wait(ctx, t.db.Clock().Now().Add(time.Second))
			continue
		}
		t.loop.Wait(ctx, horizonRetry(t.db.Clock(), blocked))
	}
}

// readNew reads and hands out every event after pos that the hub knows of,
// up to the event horizon; blocked reports that the horizon stopped it
// short of the hub's newest event.
//
// With no subscriber it reads nothing: it moves pos to the horizon (one
// already seen, when it covers the newest event, so most often without a
// query), which is as far as a subscriber arriving later needs it —
// every event that commits after that subscriber subscribed is above a
// horizon found before. A node serving no live stream used to read every
// new event of the log to hand it to nobody.
func (t *Tail) readNew(ctx context.Context) (blocked bool, err error) {
	for {
		t.mu.Lock()
		pos, none := t.pos, len(t.subs) == 0
		t.mu.Unlock()
		last := t.hub.Last()
		if last <= pos {
			return false, nil
		}
		// Found before the subscribers are looked at again, below: see
		// above for why that order matters.
		horizon, err := t.db.EventHorizonFor(ctx, last)
		if err != nil {
			return false, fmt.Errorf("event: tail: %w", err)
		}
		if none {
			t.mu.Lock()
			if len(t.subs) == 0 {
				t.pos = max(t.pos, min(last, horizon))
				t.mu.Unlock()
				// Not blocked even if the horizon is short of last: the
				// next commit moves it on, and a subscriber would read
				// what is between from the log anyway.
				return false, nil
			}
			t.mu.Unlock()
		}
		if horizon <= pos {
			return true, nil
		}
		t.reads.Add(1)
		list, reached, err := t.read(ctx, pos, min(horizon, last))
		if err != nil {
			return false, fmt.Errorf("event: tail: %w", err)
		}
		if reached <= pos {
			// Told of events not yet visible here, or held back by the
			// horizon: the next wake-up (or retry) reads them.
			return true, nil
		}
		t.handOut(list, reached)
		if horizon < last && reached >= horizon {
			// Read up to the horizon, short of the newest event: the
			// transaction holding it back wakes the tail when it commits
			// (or the retry does). Asking at once would most often find it
			// still open, at the cost of another scan of pg_locks.
			return true, nil
		}
	}
}

// read returns the events in (after, through], at most a page, and the id
// through which it looked: from the window the node's consumers share
// when after is inside it, else from the log.
func (t *Tail) read(ctx context.Context, after, through int64) ([]Event, int64, error) {
	list, reached, ok, err := t.hub.window(t.db).read(ctx, after, through, nil, tailPage)
	if ok || err != nil {
		return list, reached, err
	}
	list, err = listAllThrough(ctx, t.db.Reader(), after, through, tailPage)
	if len(list) == 0 {
		return nil, after, err
	}
	return list, list[len(list)-1].ID, err
}

// listAllThrough is ListAll up to through, a horizon the caller found.
func listAllThrough(ctx context.Context, q db.Querier, after, through int64, limit int) ([]Event, error) {
	rows, err := q.Query(ctx, `SELECT `+eventColumns+` FROM events WHERE id > ? AND id <= ? ORDER BY id LIMIT ?`, after, through, limit)
	if err != nil {
		return nil, err
	}
	return db.Collect(rows, scanEvent)
}

// handOut gives each subscriber its part of list and moves pos to
// reached, the id through which list was read.
func (t *Tail) handOut(list []Event, reached int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.db.Clock().Now()
	timed := make([]bool, len(list)) // observed once, whatever the streams
	for s := range t.subs {
		var mine []Event
		for i, e := range list {
			if !s.match(e) {
				continue
			}
			mine = append(mine, e)
			if !timed[i] {
				// Before any stream can take it. Another node's clock may
				// run a little ahead of this one's.
				timed[i] = true
				t.delivery.Observe(max(now.Sub(e.CreatedAt), 0).Seconds())
			}
		}
		if len(mine) == 0 {
			continue
		}
		select {
		case s.C <- mine:
		default: // it is behind: it reads the log instead
			select {
			case s.lagged <- struct{}{}:
			default:
			}
		}
	}
	t.pos = max(t.pos, reached)
}
