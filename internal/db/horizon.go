package db

import (
	"context"
	"fmt"
	"math"
)

// NoHorizon is the event horizon of a store whose events commit in id
// order (SQLite, one writer): every id is readable.
const NoHorizon = math.MaxInt64

// EventHorizon returns the highest event id up to which every event has
// either committed or will never exist: a reader of the log that stops
// there ("after my cursor, up to the horizon") never skips an event that
// commits late. On PostgreSQL writers run concurrently and an event's id
// is taken when it is inserted, not when it commits, so id 10 may become
// visible after id 11; migration 036 explains how the horizon is found
// without serialising writers. On SQLite it is NoHorizon.
//
// Events up to the horizon must be read by a later statement than this
// call (the next one, on READ COMMITTED, takes a later snapshot).
func (d *DB) EventHorizon(ctx context.Context) (int64, error) {
	if d.Dialect != Postgres {
		return NoHorizon, nil
	}
	var h int64
	if err := d.read.QueryRowContext(ctx, `SELECT switchboard_event_horizon()`).Scan(&h); err != nil {
		return 0, fmt.Errorf("db: event horizon: %w", err)
	}
	return h, nil
}

// EventHorizon is DB.EventHorizon inside the transaction: the events up
// to it are visible to the transaction's next statement.
func (t *Tx) EventHorizon(ctx context.Context) (int64, error) {
	if t.d.Dialect != Postgres {
		return NoHorizon, nil
	}
	var h int64
	if err := t.tx.QueryRowContext(ctx, `SELECT switchboard_event_horizon()`).Scan(&h); err != nil {
		return 0, fmt.Errorf("db: event horizon: %w", err)
	}
	return h, nil
}

func (r reader) EventHorizon(ctx context.Context) (int64, error) { return r.d.EventHorizon(ctx) }
