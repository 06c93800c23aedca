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
// INSERT … VALUES prefix; FlushEvents adds what returns the ids) and row
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
		ids, err := t.insertEvents(ctx, t.deferred.insert+strings.TrimSuffix(strings.Repeat(t.deferred.row+",", n), ","), n, args)
		if err != nil {
			return fmt.Errorf("db: insert deferred events: %w", err)
		}
		for _, id := range ids {
			t.NoteEvent(id)
		}
		t.deferred.args = t.deferred.args[n:]
	}
	t.deferred.args = nil
	return nil
}

// insertEvents runs q, a multi-row INSERT of n events, and returns their
// ids in ascending order. On SQLite they are the n ids ending at the
// last one inserted: one writer, and AUTOINCREMENT gives each row of the
// statement the next id in turn, so the statement needs no RETURNING,
// whose rows SQLite collects and hands back one by one (about a third of
// the insert's cost on the receive path). PostgreSQL's sequence is shared
// by concurrent writers, so there the ids are returned.
func (t *Tx) insertEvents(ctx context.Context, q string, n int, args []any) ([]int64, error) {
	if t.d.Dialect == SQLite {
		res, err := t.Exec(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		last, err := res.LastInsertId()
		if err != nil {
			return nil, err
		}
		ids := make([]int64, n)
		for i := range ids {
			ids[i] = last - int64(n-1-i)
		}
		return ids, nil
	}
	r, err := t.Query(ctx, q+" RETURNING id", args...)
	if err != nil {
		return nil, err
	}
	ids, err := Collect(r, func(r *sql.Rows) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
	slices.Sort(ids)
	return ids, err
}
