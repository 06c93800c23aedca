package db

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// maxDeferredRows bounds the rows of one multi-row INSERT of deferred
// events (PostgreSQL allows 65,535 parameters a statement).
const maxDeferredRows = 4000

// deferredEvents are the events a concurrent transaction appended but has
// not inserted yet: one INSERT per row was a quarter of the receive path's
// round trips on PostgreSQL, so they are inserted together, with one
// multi-row statement, when the transaction needs them written.
type deferredEvents struct {
	insert string // INSERT INTO events (…) VALUES, the same for every row
	row    string // one row's placeholders
	args   [][]any
}

// DefersEvents reports whether the event log may defer this transaction's
// events (see AppendLater): only in batches of WriteConcurrent, whose
// writes may not rely on Tx.AppendedEvents being complete before commit.
func (t *Tx) DefersEvents() bool { return t.shared }

// AppendLater queues an event's row, to be inserted with insert (the
// INSERT … VALUES prefix, ending in "RETURNING id" added here) and row
// (the placeholders of one row) before the transaction's next savepoint,
// its next inserted event, or its commit — whichever comes first — so its
// id still follows the ids of the events appended before it. Only for a
// transaction that DefersEvents.
func (t *Tx) AppendLater(insert, row string, args ...any) {
	t.events = true
	t.deferred.insert, t.deferred.row = insert, row
	t.deferred.args = append(t.deferred.args, args)
}

// FlushEvents inserts the events queued by AppendLater, noting their ids.
// The event log calls it before inserting an event of its own.
func (t *Tx) FlushEvents(ctx context.Context) error {
	for len(t.deferred.args) > 0 {
		n := min(len(t.deferred.args), maxDeferredRows)
		rows := t.deferred.args[:n]
		var args []any
		for _, r := range rows {
			args = append(args, r...)
		}
		q := t.deferred.insert + strings.TrimSuffix(strings.Repeat(t.deferred.row+",", n), ",") + " RETURNING id"
		r, err := t.Query(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("db: insert deferred events: %w", err)
		}
		ids, err := Collect(r, func(r *sql.Rows) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		})
		if err != nil {
			return fmt.Errorf("db: insert deferred events: %w", err)
		}
		slices.Sort(ids)
		for _, id := range ids {
			t.NoteEvent(id)
		}
		t.deferred.args = t.deferred.args[n:]
	}
	t.deferred.args = nil
	return nil
}
