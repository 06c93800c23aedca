package db

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
)

// Row locks taken in one order. On PostgreSQL a batch of WriteConcurrent
// holds the row locks of all its jobs until it commits, each taken where
// its job reaches it: a receive batch locks each sender's conversation,
// a consumer's batch or a record of sends takes each conversation's row
// for its events' seq in the order of its events. Two batches that touch
// the same two conversations in opposite orders then wait on each other
// until PostgreSQL's deadlock check (deadlock_timeout, a second by
// default) aborts one, which is run again: a second's stall for every
// write queued behind it. The 3-node proof at size logged 117 of them in
// 29 minutes.
//
// A write that knows which rows it will change says so (WithRowLocks),
// and a batch locks the rows its jobs named, in one order (table, then
// id), before any job runs. Two batches then take their common rows in
// the same order, so they wait for each other at most, never in a cycle.
// A job still locks its rows where it reaches them; those are already
// held, and cost nothing more. A row a job did not name (a conversation
// opened meanwhile) is taken where reached, as before: rare, and still
// broken out of by the deadlock check.

// RowsFunc returns the ids of rows a write will change. It runs in the
// write's transaction before any job of its batch, and may read but
// must not write or lock.
type RowsFunc func(ctx context.Context, tx *Tx) ([]int64, error)

type rowLocks struct {
	table string
	rows  RowsFunc
}

type rowLocksKey struct{}

// WithRowLocks returns ctx telling the committer that a write made with
// it will change rows of table, which rows gives: on PostgreSQL the
// write's batch locks them (FOR NO KEY UPDATE) in one order with every
// other job's, before running any job. A write through Write holds the
// store's write lock exclusively and needs none; on SQLite it is ignored.
// table is the code's own table name, never input.
func WithRowLocks(ctx context.Context, table string, rows RowsFunc) context.Context {
	prev, _ := ctx.Value(rowLocksKey{}).([]rowLocks)
	return context.WithValue(ctx, rowLocksKey{}, append(slices.Clip(prev), rowLocks{table, rows}))
}

// WithRows is WithRowLocks for rows known when the write is made.
func WithRows(ctx context.Context, table string, ids ...int64) context.Context {
	ids = slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { return id == 0 })
	if len(ids) == 0 {
		return ctx
	}
	return WithRowLocks(ctx, table, func(context.Context, *Tx) ([]int64, error) { return ids, nil })
}

func rowLocksOf(ctx context.Context) []rowLocks {
	l, _ := ctx.Value(rowLocksKey{}).([]rowLocks)
	return l
}

// lockRows takes, on PostgreSQL and in a batch of WriteConcurrent, the
// rows the batch's live jobs named (WithRowLocks), by table and then id.
func (t *Tx) lockRows(ctx context.Context, batch []*job) error {
	if t.d.Dialect != Postgres || !t.shared {
		return nil
	}
	byTable := map[string][]int64{}
	for _, j := range batch {
		if j.ctx.Err() != nil {
			continue
		}
		for _, l := range j.locks {
			ids, err := l.rows(j.ctx, t)
			if err != nil {
				return fmt.Errorf("db: rows to lock in %s: %w", l.table, err)
			}
			byTable[l.table] = append(byTable[l.table], ids...)
		}
	}
	tables := make([]string, 0, len(byTable))
	for table := range byTable {
		tables = append(tables, table)
	}
	slices.Sort(tables)
	for _, table := range tables {
		ids := byTable[table]
		if len(ids) == 0 {
			continue
		}
		slices.SortFunc(ids, cmp.Compare)
		ids = slices.Compact(ids)
		if _, err := t.Exec(ctx, lockRowsSQL(table), ids); err != nil {
			return fmt.Errorf("db: lock rows of %s: %w", table, err)
		}
		t.heldRow(table, ids[len(ids)-1])
	}
	return nil
}

// lockRowsSQL locks the rows of table whose keys the one parameter, an
// array, lists in ascending order: each through its primary key, in the
// array's order (unnest hands the ids out in order, and the scalar
// subquery of each row locks it as that row is produced), so in id order.
// It was "key = ANY(array) ORDER BY key FOR NO KEY UPDATE", which a
// connection's generic plan, made on a fresh database before autovacuum's
// first analyze, ran as a scan of the whole table per batch, kept until
// the statistics changed; a scalar subquery is an index probe whatever
// the statistics (TestLockRowsProbesThePrimaryKey).
func lockRowsSQL(table string) string {
	key := rowKey(table)
	return `SELECT (SELECT x.` + key + ` FROM ` + table + ` x WHERE x.` + key + ` = u.id FOR NO KEY UPDATE) FROM unnest(?::bigint[]) AS u(id)`
}

// rowKey is the column that identifies a row of table for WithRowLocks
// and TryLockRow: id, or the primary key of a table keyed otherwise.
func rowKey(table string) string {
	if table == "routing_agents" {
		return "user_id" // one row per user
	}
	return "id"
}

// TryLockRow takes, on PostgreSQL and in a batch of WriteConcurrent, row
// id of table (FOR NO KEY UPDATE) unless another transaction holds it,
// and reports whether the write may go on with it: false only when the
// row is held elsewhere (a row that does not exist is nobody's). It is
// for rows a write finds as it runs, several per transaction in no fixed
// order — routing claims agents in the order its strategies rank them —
// where waiting could close a cycle with a transaction that took the
// same rows the other way round: the write passes a held row over
// instead. An exclusive Write, and SQLite, need no lock: nothing else
// writes meanwhile.
func (t *Tx) TryLockRow(ctx context.Context, table string, id int64) (bool, error) {
	if t.d.Dialect != Postgres || !t.shared {
		return true, nil
	}
	key := rowKey(table)
	var got int64
	err := t.QueryRow(ctx, `SELECT `+key+` FROM `+table+` WHERE `+key+` = ? FOR NO KEY UPDATE SKIP LOCKED`, id).Scan(&got)
	if err == nil {
		t.heldRow(table, id)
		return true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("db: lock %s %d: %w", table, id, err)
	}
	var n int
	if err := t.QueryRow(ctx, `SELECT COUNT(*) FROM `+table+` WHERE `+key+` = ?`, id).Scan(&n); err != nil {
		return false, fmt.Errorf("db: lock %s %d: %w", table, id, err)
	}
	return n == 0, nil
}

// WaitRow takes, on PostgreSQL and in a batch of WriteConcurrent, row id
// of table (FOR NO KEY UPDATE), waiting for it if another transaction
// holds it — but only upwards: while this transaction holds a row of
// table with a higher id (taken by TryLockRow, WaitRow or the batch's
// named rows), waiting could close a cycle with a batch that locked its
// named rows in id order and now waits for that higher row. It then
// takes the row only if it is free or already this transaction's (one
// the batch named), and otherwise gives way (ErrLockOrder), and the door runs the write again in a batch of
// its own, holding only what its own job takes. There it waits whatever
// the order: a job that itself took a higher row before reaching this
// one would otherwise give way on every run; PostgreSQL's deadlock check
// still breaks the rare cycle left. Under NoWait it never waits.
//
// It is for the row a write must have after passing held rows over
// (TryLockRow): routing waits for an agent when everyone who qualifies
// is held.
func (t *Tx) WaitRow(ctx context.Context, table string, id int64) error {
	if t.d.Dialect != Postgres || !t.shared {
		return nil
	}
	if !MayWait(ctx) {
		return ErrLockOrder
	}
	if top, ok := t.rowTops[table]; ok && top > id && !t.alone {
		// Below a row held: taken only if free (or this transaction's
		// already: a batch's named row), never waited for.
		free, err := t.TryLockRow(ctx, table, id)
		if err != nil {
			return err
		}
		if !free {
			return ErrLockOrder
		}
		return nil
	}
	key := rowKey(table)
	if _, err := t.Exec(ctx, `SELECT `+key+` FROM `+table+` WHERE `+key+` = ? FOR NO KEY UPDATE`, id); err != nil {
		return fmt.Errorf("db: lock %s %d: %w", table, id, err)
	}
	t.heldRow(table, id)
	return nil
}

// HighestRowHeld is the highest id of table's rows this transaction has
// locked through lockRows, TryLockRow or WaitRow (0: none): a row above
// it can be waited for without giving way (WaitRow).
func (t *Tx) HighestRowHeld(table string) int64 { return t.rowTops[table] }

// Alone reports whether the transaction is one write's alone: run again
// on its own after giving way (ErrLockOrder), or asked so
// (InABatchOfItsOwn). What it holds is then its own job's, and a write
// that gives way on an order only to keep the jobs of a batch out of a
// cycle may wait instead (see WaitRow).
func (t *Tx) Alone() bool { return t.alone }

// NoteRowHeld tells the transaction, in a batch of WriteConcurrent on
// PostgreSQL, that it holds row id of table, locked by a statement of its
// own rather than through lockRows, TryLockRow or WaitRow — a trigger's
// update, say (conversations' open-count trigger updates the assignees'
// routing_agents rows) — so that WaitRow's order, and HighestRowHeld,
// count it. It locks nothing; an id of 0 is no row.
func (t *Tx) NoteRowHeld(table string, id int64) {
	if t.d.Dialect != Postgres || !t.shared || id == 0 {
		return
	}
	t.heldRow(table, id)
}

// heldRow notes that the transaction holds row id of table. A row locked
// in a savepoint that is rolled back is released but stays counted: the
// order kept is then only stricter.
func (t *Tx) heldRow(table string, id int64) {
	if top, ok := t.rowTops[table]; ok && top >= id {
		return
	}
	if t.rowTops == nil {
		t.rowTops = map[string]int64{}
	}
	t.rowTops[table] = id
}
