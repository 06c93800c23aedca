package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Tx is a write transaction. Domain code appends events through it so that
// consumers are woken once it commits, never before and never for a rollback.
type Tx struct {
	tx        *sql.Tx
	d         *DB
	events    bool
	logLocked bool             // PostgreSQL: the write lock is held (see lockWrites)
	shared    bool             // a batch of WriteConcurrent (see DefersEvents)
	deferred  deferredEvents   // events queued by AppendLater, not inserted yet
	later     deferredRows     // rows queued by InsertLater, not inserted yet
	due       map[string]int64 // earliest due time recorded per kind of work (see Due)
	onCommit  []func()
	rewrote   bool                 // events already in the log were changed (see RewroteEvents)
	appended  []int64              // ids of the events appended, in order (see NoteEvent)
	tookIDs   bool                 // an event id was taken, even if a savepoint dropped it (see ended)
	stmts     map[string]*sql.Stmt // statements of this transaction: see prepared
	fresh     []string             // queries first seen here, to prepare on the writer afterwards
	nameLocks map[int32]int32      // per space, the highest advisory lock taken by LockName
	rowTops   map[string]int64     // per table, the highest row locked by lockRows, TryLockRow, WaitRow or noted (NoteRowHeld)
	alone     bool                 // the batch is one write run on its own (see WaitRow, Alone)
	memo      map[any]any          // values read once per transaction (see Memo)
}

func (t *Tx) commit() error {
	// Each write's rows went in when it returned (safeCall); any queued
	// outside a write go in here rather than being lost.
	if err := t.flushRows(context.Background()); err != nil {
		return err
	}
	if err := t.FlushEvents(context.Background()); err != nil {
		return err
	}
	last := int64(0)
	if t.events && len(t.appended) > 0 {
		last = t.appended[len(t.appended)-1]
	}
	if err := t.tx.Commit(); err != nil {
		return fmt.Errorf("db: commit: %w", err)
	}
	t.d.commits.Add(1)
	if t.rewrote {
		// Before anyone is told of the commit: a reader woken by its
		// events must find the count moved.
		t.d.rewrites.Add(1)
	}
	if t.d.Dialect == Postgres && (last != 0 || len(t.due) > 0 || t.rewrote) {
		// Told to the other nodes once committed, by the notifier (see
		// notifier): a NOTIFY inside the transaction would take
		// PostgreSQL's notification lock at commit and hold it through
		// the commit's fsync, so every notifying commit of every node
		// would queue on it.
		t.d.notifier.tell(last, t.due, t.rewrote)
	}
	for _, fn := range t.onCommit {
		fn()
	}
	if last != 0 {
		t.d.eventsCommitted(last)
	} else {
		t.ended() // its events were all rolled back to savepoints
	}
	for kind, at := range t.due {
		t.d.workDue(kind, at)
	}
	return nil
}

// rollback ends t without committing.
func (t *Tx) rollback() {
	t.tx.Rollback()
	t.ended()
}

// ended wakes this node's readers of the log when t took event ids it
// did not commit. On PostgreSQL an id is taken when its event is
// inserted, and the event horizon stops every reader below an id whose
// transaction is still open; once it ends without the event, the ids
// after the hole are readable, but no commit says so, and a reader
// stopped there would wait for its retry (event.blockedRetry). The wake
// carries no new id (0): readers go back to the log and read up to the
// new horizon. Other nodes' readers are not told, and still wait for
// their retry. On SQLite there is no horizon and nothing waits.
func (t *Tx) ended() {
	if t.tookIDs && t.d.Dialect == Postgres {
		t.d.eventsCommitted(0)
	}
}

// Due records that work of kind (a name its timer registered with
// DB.OnDue, e.g. "outbound") falls due at the Unix millisecond at, once
// this transaction commits: the timers of that kind on every node learn
// it then, so none of them has to look after every commit. A savepoint
// rolled back keeps what it recorded; a timer woken for nothing looks and
// sleeps again.
func (t *Tx) Due(kind string, at int64) {
	if t.due == nil {
		t.due = map[string]int64{}
	}
	if cur, ok := t.due[kind]; !ok || at < cur {
		t.due[kind] = at
	}
}

// prepared returns the statement for q. On SQLite, parsing the receive
// path's statements again for every webhook was a fifth of its CPU, so
// statements are kept prepared on the writer connection across
// transactions. A statement cannot be prepared on the writer while a
// transaction holds its only connection, so one seen for the first time
// is prepared for this transaction alone and, once it ends, for good
// (see keepPrepared). pgx caches prepared statements per connection by
// itself, so PostgreSQL goes straight through.
func (t *Tx) prepared(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := t.stmts[q]; ok {
		return st, nil
	}
	var st *sql.Stmt
	if shared, ok := t.d.writeStmts.get(q); ok {
		st = t.tx.StmtContext(ctx, shared)
	} else {
		var err error
		if st, err = t.tx.PrepareContext(ctx, q); err != nil {
			return nil, err
		}
		t.fresh = append(t.fresh, q)
	}
	if t.stmts == nil {
		t.stmts = map[string]*sql.Stmt{}
	}
	t.stmts[q] = st
	return st, nil
}

// keepPrepared prepares on the writer the statements this transaction saw
// first; it runs after the transaction ended and freed the connection.
func (t *Tx) keepPrepared() {
	for _, q := range t.fresh {
		t.d.writeStmts.prepare(context.Background(), t.d.write, q)
	}
	t.fresh = nil
}

// Exec runs a statement in the transaction.
func (t *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	t.d.statements.Add(1)
	ctx = uninterrupted(ctx)
	if t.d.Dialect == SQLite {
		st, err := t.prepared(ctx, q)
		if err != nil {
			return nil, err
		}
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, t.d.Rebind(q), args...)
}

// uninterrupted drops ctx's cancellation for a statement of a write
// transaction. The transaction is a batch shared with other callers'
// writes (see Write), so one caller's cancellation must not end it: on
// PostgreSQL pgx answers a context cancelled mid-statement by closing the
// connection, the batch's, and every write of the batch failed with it.
// On SQLite the driver also starts a goroutine per statement to interrupt
// it when a cancellable context ends, and database/sql one per result
// set: 7% of a busy node's CPU. A statement of a write transaction is
// better finished than cut off; the committer skips a job whose context
// ended before it ran, and runs on a context of its own.
func uninterrupted(ctx context.Context) context.Context { return context.WithoutCancel(ctx) }

// Query runs a query in the transaction.
func (t *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	t.d.statements.Add(1)
	ctx = uninterrupted(ctx)
	if t.d.Dialect == SQLite {
		st, err := t.prepared(ctx, q)
		if err != nil {
			return nil, err
		}
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, t.d.Rebind(q), args...)
}

// QueryRow runs a query returning at most one row in the transaction.
func (t *Tx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	t.d.statements.Add(1)
	ctx = uninterrupted(ctx)
	if t.d.Dialect == SQLite {
		st, err := t.prepared(ctx, q)
		if err != nil {
			// sql.Row cannot be built with an error from outside database/sql;
			// let the unprepared path report it.
			return t.tx.QueryRowContext(ctx, q, args...)
		}
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, t.d.Rebind(q), args...)
}

// Dialect is the store's dialect.
func (t *Tx) Dialect() Dialect { return t.d.Dialect }

// Now is the store's clock in Unix milliseconds (see DB.Now).
func (t *Tx) Now() int64 { return t.d.Now() }

// OnCommit runs fn after the transaction commits (not if it rolls back).
// fn runs on the store's writer, before the next batch: it must neither
// block nor write.
func (t *Tx) OnCommit(fn func()) { t.onCommit = append(t.onCommit, fn) }

// RewroteEvents records that t changed events already in the log (the log
// is append-only but for the erasure of a deleted contact's): once t
// commits, DB.EventRewrites moves, on this node and, on PostgreSQL, on
// every other node as it hears of the commit, and the readers that keep
// events in memory read them again from the log.
func (t *Tx) RewroteEvents() { t.rewrote = true }

// lockWrites takes, on PostgreSQL, the store's write lock: an advisory
// lock held until commit, taken first by every write transaction (as the
// group committer begins a batch), exclusively by batches of Write and
// shared by those of WriteConcurrent. Exclusively held, it serialises
// writes the way SQLite's single writer does: a read-then-write sees
// every write committed before it, so two closes of one conversation, or
// two owners demoting each other, cannot both succeed. Shared, it only
// keeps such writes out; concurrent writes keep their invariants with
// constraints and row locks (see WriteConcurrent).
//
// It no longer orders the event log: writers append concurrently, and
// readers stop at the event horizon (see DB.EventHorizon), which lets
// them skip no event that commits late.
func (t *Tx) lockWrites(ctx context.Context, shared bool) error {
	t.shared = shared
	if t.d.Dialect != Postgres || t.logLocked {
		return nil
	}
	q := `SELECT pg_advisory_xact_lock(7268001)`
	if shared {
		q = `SELECT pg_advisory_xact_lock_shared(7268001)`
	}
	if _, err := t.tx.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("db: lock writes: %w", err)
	}
	t.logLocked = true
	return nil
}

// EventAppended is called by the event log before it inserts an event:
// once the transaction commits the consumers of this node and, through
// NOTIFY, of the others are woken with the id of its last event.
func (t *Tx) EventAppended(ctx context.Context) error {
	t.events = true
	t.tookIDs = true
	return nil
}

// NoteEvent records that the event log appended event id in t.
func (t *Tx) NoteEvent(id int64) { t.appended = append(t.appended, id) }

// AppendedEvents returns the ids of the events appended in t so far, in
// order; a rolled-back savepoint takes its own off. Callers must not
// modify it. In a Write no other transaction appends while t runs (one
// writer on SQLite, the write lock held exclusively on PostgreSQL), so the
// events after the first of a batch of t's are all t's; in a
// WriteConcurrent other transactions' events may fall between.
func (t *Tx) AppendedEvents() []int64 { return t.appended }

// Savepoint runs fn inside a savepoint of the transaction: if fn fails, its
// writes are undone, the transaction goes on and fn's error is returned.
// Savepoints nest, inside the committer's own too.
func (t *Tx) Savepoint(ctx context.Context, fn func(*Tx) error) error { return t.savepoint(ctx, fn) }

// savepoint runs fn inside a savepoint: if fn fails, only its own writes are
// undone and the transaction stays usable for the others sharing it.
func (t *Tx) savepoint(ctx context.Context, fn func(*Tx) error) error {
	// Events queued before the savepoint are inserted before it, so that
	// the queue only ever holds the innermost savepoint's: rolling it back
	// drops exactly those, and inserting them inside it undoes nothing else.
	// Rows queued by InsertLater likewise.
	if err := t.FlushEvents(ctx); err != nil {
		return &savepointError{err}
	}
	if err := t.flushRows(ctx); err != nil {
		return &savepointError{err}
	}
	hooks, events, appended, rewrote := len(t.onCommit), t.events, len(t.appended), t.rewrote
	if _, err := t.Exec(ctx, "SAVEPOINT sp"); err != nil {
		return &savepointError{fmt.Errorf("db: savepoint: %w", err)}
	}
	if err := fn(t); err != nil {
		if _, rbErr := t.Exec(ctx, "ROLLBACK TO SAVEPOINT sp"); rbErr != nil {
			return &savepointError{errors.Join(err, fmt.Errorf("db: rollback to savepoint: %w", rbErr))}
		}
		if _, relErr := t.Exec(ctx, "RELEASE SAVEPOINT sp"); relErr != nil {
			return &savepointError{fmt.Errorf("db: release savepoint: %w", relErr)}
		}
		t.onCommit, t.events, t.appended, t.rewrote = t.onCommit[:hooks], events, t.appended[:appended], rewrote
		t.deferred.args = nil
		t.dropRows()
		clear(t.memo) // what was read may have been written by the writes undone
		return err
	}
	if _, err := t.Exec(ctx, "RELEASE SAVEPOINT sp"); err != nil {
		return &savepointError{fmt.Errorf("db: release savepoint: %w", err)}
	}
	return nil
}
