package db

import (
	"context"
	"fmt"
)

// deferredRows are rows a write queued with InsertLater: the group
// committer runs many writes in one transaction, and a consumer's batch
// (a workflow stage, for instance) sends many messages, each a status row
// and an outbound job that nothing reads before the batch ends. One
// statement per row is what the single SQLite writer spends its time on
// (and a round trip each on PostgreSQL), so they go in together.
type deferredRows struct {
	order  []string // the inserts, in the order of their first row
	queues map[string]*rowQueue
}

type rowQueue struct {
	row  string // one row's placeholders
	args [][]any
}

// InsertLater queues a row for insert (the INSERT … VALUES prefix, a
// constant of the caller's code), row being one row's placeholders, to be
// inserted with the other rows queued for the same insert by one
// multi-row statement (InsertRows) when the write that queued it returns
// — before the next write of its transaction runs — or before a
// savepoint, whichever comes first; if the write fails, its rows are
// dropped with its other changes. No id is returned, and nothing in the
// same write may read or change the row before then: only for rows that
// the write itself never looks at again (an outbound message's pending
// status and delivery job).
func (t *Tx) InsertLater(insert, row string, args ...any) {
	if t.later.queues == nil {
		t.later.queues = map[string]*rowQueue{}
	}
	q, ok := t.later.queues[insert]
	if !ok {
		q = &rowQueue{row: row}
		t.later.queues[insert] = q
		t.later.order = append(t.later.order, insert)
	}
	q.args = append(q.args, args)
}

// flushRows inserts the rows queued by InsertLater, a statement (or a few
// chunks, see InsertRows) per insert, in the order the inserts were first
// used, so a row inserted later may refer to one queued before it.
func (t *Tx) flushRows(ctx context.Context) error {
	for _, insert := range t.later.order {
		q := t.later.queues[insert]
		if err := InsertRows(ctx, t, len(q.args), insert, q.row, "", func(i int) []any { return q.args[i] }); err != nil {
			return fmt.Errorf("db: insert deferred rows: %w", err)
		}
	}
	t.dropRows()
	return nil
}

// dropRows forgets the queued rows, which a rollback undid before they
// were written.
func (t *Tx) dropRows() { t.later = deferredRows{} }
