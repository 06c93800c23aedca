package db

import (
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
)

// NoHorizon is the event horizon of a store whose events commit in id
// order (SQLite, one writer): every id is readable.
const NoHorizon = math.MaxInt64

// EventHorizon returns the highest event id up to which every event has
// either committed or will never exist: a reader of the log that stops
// there ("after my cursor, up to the horizon") never skips an event that
// commits late. On PostgreSQL writers run concurrently and an event's id
// is taken when it is inserted, not when it commits, so id 10 may become
// visible after id 11; migrations 036 and 038 explain how the horizon is
// found without serialising writers. Readers asking at once share one
// query (see horizonFlights). On SQLite it is NoHorizon.
//
// It never goes back, on one store handle: readers hand positions to one
// another (a live stream catches up from the log up to its horizon, then
// takes the events after the tail's position, which came from an earlier
// horizon), so a later horizon below an earlier one would skip the events
// in between. The query alone may answer lower than before — a writer
// that read the sequence before an earlier horizon but locked after it
// holds a floor below that horizon, though its id is above it — so the
// highest horizon this handle has seen is kept and answered instead: what
// was a horizon stays one, since every id at most it had committed or
// would never be taken.
//
// Events up to the horizon must be read by a later statement than this
// call (the next one, on READ COMMITTED, takes a later snapshot).
func (d *DB) EventHorizon(ctx context.Context) (int64, error) {
	if d.Dialect != Postgres {
		return NoHorizon, nil
	}
	return d.horizons.get(ctx, d)
}

// EventHorizonFor is EventHorizon for a reader that means to read up to
// newest: when a horizon this handle has already seen is at least newest,
// it answers that one without a query (and without the scan of pg_locks
// the query makes). What was a horizon stays one (see EventHorizon), and
// every event up to it had committed before the query that found it, so
// the reader's next statement sees them all. A commit wakes every
// consumer of a node with the same newest id, and the first one's query
// usually answers the others'.
func (d *DB) EventHorizonFor(ctx context.Context, newest int64) (int64, error) {
	if d.Dialect != Postgres {
		return NoHorizon, nil
	}
	if h := d.horizonMax.Load(); h >= newest {
		d.horizons.cached.Add(1)
		return h, nil
	}
	return d.horizons.getFor(ctx, d, newest)
}

// HorizonQueries and HorizonCached count the horizons this handle asked
// the store for and those EventHorizonFor answered from one already seen;
// HorizonJoined counts the readers EventHorizonFor sent to a query
// already running.
func (d *DB) HorizonQueries() int64 { return d.horizons.queries.Load() }
func (d *DB) HorizonCached() int64  { return d.horizons.cached.Load() }
func (d *DB) HorizonJoined() int64  { return d.horizons.joined.Load() }

// horizonFlights shares one horizon query among the readers that ask at
// once: a commit wakes every consumer and live reader of a node together,
// and each used to read the horizon (a scan of pg_locks) on its own. A
// reader joins the next query to start, so the horizon it gets was
// computed after it asked, as its own would have been.
//
// A reader that means to read up to an event (EventHorizonFor) may also
// join the query running, if that query began once this node had heard
// of the event's commit: the commit was then as much behind it as behind
// a query of its own. Without this, the first reader a commit woke
// started a query and every other one waited for a second, which found
// the same (two scans of pg_locks per commit). Any horizon is a horizon
// whenever it was computed (see EventHorizon); this is about freshness.
type horizonFlights struct {
	queries, cached, joined atomic.Int64 // see HorizonQueries

	// query computes a horizon: the store's function, or a test's.
	query func(ctx context.Context, d *DB) (int64, error)

	mu      sync.Mutex
	running *horizonFlight // the query being made, if any
	next    *horizonFlight // the query the next askers wait for, not started yet
}

type horizonFlight struct {
	done  chan struct{}
	heard int64 // DB.heard when the query began: the commits behind it
	h     int64
	err   error
}

// get is a horizon computed after the call.
func (f *horizonFlights) get(ctx context.Context, d *DB) (int64, error) {
	f.mu.Lock()
	if f.next == nil {
		f.next = &horizonFlight{done: make(chan struct{})}
	}
	fl := f.next
	if f.running == nil {
		f.next = nil
		f.start(d, fl)
		f.mu.Unlock()
		f.run(context.WithoutCancel(ctx), d, fl)
	} else {
		f.mu.Unlock()
	}
	return fl.wait(ctx)
}

// getFor is a horizon computed after this node heard of event newest's
// commit: the running query's when it began after that, else get's.
//
// The running query's answer is taken even when it stops short of newest
// (a transaction below it still open): a query of the reader's own, begun
// after it, would most often find the same holder still open, and the
// reader is woken again when that holder commits (or after blockedRetry).
// A second query at once is rarely worth its scan of pg_locks, the
// statement PostgreSQL spent most CPU on in the proof at size; with it,
// the ingest benchmark's node ran 1.7 horizon queries per commit that
// appended events.
func (f *horizonFlights) getFor(ctx context.Context, d *DB, newest int64) (int64, error) {
	f.mu.Lock()
	fl := f.running
	f.mu.Unlock()
	if fl != nil && fl.heard >= newest {
		f.joined.Add(1)
		return fl.wait(ctx)
	}
	return f.get(ctx, d)
}

func (fl *horizonFlight) wait(ctx context.Context) (int64, error) {
	select {
	case <-fl.done:
		return fl.h, fl.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// start marks fl as the running query; f.mu is held.
func (f *horizonFlights) start(d *DB, fl *horizonFlight) {
	fl.heard = d.heard.Load()
	f.running = fl
}

// run computes fl and then, in the background, the flight that readers
// joined meanwhile, if any.
func (f *horizonFlights) run(ctx context.Context, d *DB, fl *horizonFlight) {
	f.queries.Add(1)
	query := f.query
	if query == nil {
		query = storeHorizon
	}
	if h, err := query(ctx, d); err != nil {
		fl.err = fmt.Errorf("db: event horizon: %w", err)
	} else {
		fl.h = d.raiseHorizon(h)
	}
	f.mu.Lock()
	close(fl.done)
	next := f.next
	if next == nil {
		f.running = nil
		f.mu.Unlock()
		return
	}
	f.next = nil
	f.start(d, next)
	f.mu.Unlock()
	go f.run(ctx, d, next)
}

func storeHorizon(ctx context.Context, d *DB) (int64, error) {
	var h int64
	err := d.read.QueryRowContext(ctx, `SELECT switchboard_event_horizon()`).Scan(&h)
	return h, err
}

// EventHorizon is DB.EventHorizon inside the transaction: the events up
// to it are visible to the transaction's next statement.
func (t *Tx) EventHorizon(ctx context.Context) (int64, error) {
	if t.d.Dialect != Postgres {
		return NoHorizon, nil
	}
	var h int64
	if err := t.tx.QueryRowContext(uninterrupted(ctx), `SELECT switchboard_event_horizon()`).Scan(&h); err != nil {
		return 0, fmt.Errorf("db: event horizon: %w", err)
	}
	return t.d.raiseHorizon(h), nil
}

// raiseHorizon records h as a horizon seen and returns the highest seen
// (see EventHorizon: it never goes back).
func (d *DB) raiseHorizon(h int64) int64 {
	for {
		cur := d.horizonMax.Load()
		if h <= cur {
			return cur
		}
		if d.horizonMax.CompareAndSwap(cur, h) {
			return h
		}
	}
}

func (r reader) EventHorizon(ctx context.Context) (int64, error) { return r.d.EventHorizon(ctx) }
