// Package db opens the store (embedded SQLite by default, PostgreSQL for
// scale-out), applies migrations and runs transactions. Domain packages write
// their SQL with ? placeholders; the store rewrites them for the dialect.
package db

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-chat/switchboard/internal/clock"
)

// Dialect names the SQL flavour of the store.
type Dialect string

// The supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Config says which store to open.
type Config struct {
	// URL selects PostgreSQL when it starts with postgres:// or postgresql://.
	URL string
	// DataDir holds the SQLite file when URL is empty.
	DataDir string
	// Clock stamps every row and decides what is due (nil: the real clock).
	Clock clock.Clock
}

// DB is an open store: a writer pool and a reader pool. On SQLite the writer
// is one connection (SQLite has one writer anyway; queuing in Go is cheaper
// than spinning on SQLITE_BUSY) and the readers are a pool of read-only
// connections. On PostgreSQL both are the same pool.
type DB struct {
	Dialect Dialect
	write   *sql.DB
	read    *sql.DB
	rebinds sync.Map // query string -> rewritten query
	// SQLite: statements kept prepared on the writer (see Tx.prepared)
	// and on the read pool.
	writeStmts, readStmts stmtCache

	// url is the PostgreSQL store's address, for the listener (see Listen).
	url   string
	clock clock.Clock
	// wallClock paces Write's retries and times how long a write
	// transaction stays open (nil: real time); see SetWallClock.
	wallClock clock.Clock
	// origin names this store handle in its notifications (see Listener).
	origin string

	// Who to tell after a commit: consumers of the event log (onEvents)
	// and the timers of each kind of due work (onDue), so nothing polls.
	notifyMu sync.Mutex
	onEvents []func(last int64)
	onDue    map[string][]func(at int64)
	// onBroadcast hears other nodes' broadcasts, by topic (Broadcast).
	onBroadcast map[string][]func(msg string)

	commits atomic.Int64 // write transactions committed (see Commits)
	// rewrites counts the commits that rewrote events already in the log
	// (see Tx.RewroteEvents): readers that keep events in memory drop them
	// when it moves.
	rewrites atomic.Int64
	// statements counts the statements run in write transactions (see
	// Statements).
	statements atomic.Int64
	// deadlocks counts writes PostgreSQL aborted as deadlocked (see
	// Deadlocks).
	deadlocks atomic.Int64

	// committer is the store's one writer (see Write).
	committer *committer
	// horizons shares horizon queries among concurrent readers;
	// horizonMax is the highest horizon seen (see EventHorizon).
	horizons   horizonFlights
	horizonMax atomic.Int64
	// heard is the newest event id this node was told had committed
	// (its own commits and other nodes' notifications).
	heard atomic.Int64
	// notifier tells the other nodes of commits (PostgreSQL only).
	notifier *notifier
}

// Open opens the store described by cfg and applies pending migrations.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	var d *DB
	var err error
	if strings.HasPrefix(cfg.URL, "postgres://") || strings.HasPrefix(cfg.URL, "postgresql://") {
		d, err = openPostgres(ctx, cfg.URL)
	} else if cfg.URL != "" {
		return nil, fmt.Errorf("db: unsupported database URL %q (want postgres://…, or none for SQLite)", redact(cfg.URL))
	} else {
		d, err = openSQLite(ctx, cfg.DataDir)
	}
	if err != nil {
		return nil, err
	}
	d.clock = clock.OrReal(cfg.Clock)
	b := make([]byte, 8)
	rand.Read(b)
	d.origin = hex.EncodeToString(b)
	if d.Dialect == Postgres {
		d.notifier = newNotifier(d)
	}
	d.startCommitter()
	if err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	if d.Dialect == Postgres {
		d.checkFold(ctx)
	}
	return d, nil
}

// Close finishes the writes already queued, refuses new ones (ErrClosed)
// and closes both pools.
func (d *DB) Close() error {
	if d.committer != nil {
		d.committer.close()
	}
	if d.notifier != nil {
		d.notifier.close() // after the committer: its last commits' news goes out
	}
	d.writeStmts.close()
	d.readStmts.close()
	err := d.write.Close()
	if d.read != d.write {
		err = errors.Join(err, d.read.Close())
	}
	return err
}

// Ping checks that the store answers.
func (d *DB) Ping(ctx context.Context) error {
	return d.read.PingContext(ctx)
}

// OnEvents registers fn to run after every commit that appended events,
// on this node or (through Listen, on PostgreSQL) on another one, with the
// id of the last event appended. A commit that appended none calls nothing.
func (d *DB) OnEvents(fn func(last int64)) {
	d.notifyMu.Lock()
	d.onEvents = append(d.onEvents, fn)
	d.notifyMu.Unlock()
}

// OnDue registers fn to run after every commit that made work of kind due
// (see Tx.Due), with the earliest due time it recorded (Unix ms).
func (d *DB) OnDue(kind string, fn func(at int64)) {
	d.notifyMu.Lock()
	if d.onDue == nil {
		d.onDue = map[string][]func(int64){}
	}
	d.onDue[kind] = append(d.onDue[kind], fn)
	d.notifyMu.Unlock()
}

// EventRewrites counts the commits that rewrote events already in the
// log (an erasure, see Tx.RewroteEvents): this node's, and on PostgreSQL
// the other nodes' as their news arrives, plus one each time the node
// starts listening again (an erasure may have gone unheard meanwhile). It
// moves only after such a commit: a reader that kept events read before
// may compare it with the count it saw then.
func (d *DB) EventRewrites() int64 { return d.rewrites.Load() }

// Commits returns how many write transactions this node has committed.
// An idle node commits nothing; tests and /metrics read it.
func (d *DB) Commits() int64 { return d.commits.Load() }

// Statements counts the statements run in write transactions so far
// (Tx.Exec, Tx.Query, Tx.QueryRow; those of transactions rolled back
// too), for benchmarks and tests: on SQLite, statements are what the one
// writer spends its time on.
func (d *DB) Statements() int64 { return d.statements.Load() }

// Deadlocks counts the writes of this handle that PostgreSQL aborted as
// deadlocked (each was run again): every one cost a second of
// deadlock_timeout to the writes queued behind it, so a test hammering
// writes that take locks in one order checks it stays 0.
func (d *DB) Deadlocks() int64 { return d.deadlocks.Load() }

func (d *DB) eventsCommitted(last int64) {
	for cur := d.heard.Load(); last > cur && !d.heard.CompareAndSwap(cur, last); cur = d.heard.Load() {
	}
	d.notifyMu.Lock()
	fns := d.onEvents
	d.notifyMu.Unlock()
	for _, fn := range fns {
		fn(last)
	}
}

func (d *DB) workDue(kind string, at int64) {
	d.notifyMu.Lock()
	fns := d.onDue[kind]
	d.notifyMu.Unlock()
	for _, fn := range fns {
		fn(at)
	}
}

// Querier is what reads need; both the read pool and *Tx provide it.
type Querier interface {
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
	Dialect() Dialect
	// EventHorizon is the highest event id a reader of the log may read
	// up to (see DB.EventHorizon).
	EventHorizon(ctx context.Context) (int64, error)
}

// Reader returns a Querier on the read pool. Reads see every committed write.
func (d *DB) Reader() Querier { return reader{d} }

type reader struct{ d *DB }

func (r reader) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if r.d.Dialect == SQLite {
		if st := r.d.readStmts.prepare(ctx, r.d.read, q); st != nil {
			return st.QueryContext(ctx, args...)
		}
	}
	return r.d.read.QueryContext(ctx, r.d.Rebind(q), args...)
}
func (r reader) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if r.d.Dialect == SQLite {
		if st := r.d.readStmts.prepare(ctx, r.d.read, q); st != nil {
			return st.QueryRowContext(ctx, args...)
		}
	}
	return r.d.read.QueryRowContext(ctx, r.d.Rebind(q), args...)
}
func (r reader) Dialect() Dialect { return r.d.Dialect }

// Rebind rewrites ? placeholders to $1, $2… on PostgreSQL. Question marks
// inside single-quoted literals are left alone.
func (d *DB) Rebind(q string) string {
	if d.Dialect != Postgres {
		return q
	}
	if v, ok := d.rebinds.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	inQuote := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inQuote = !inQuote
			b.WriteByte(c)
		case c == '?' && !inQuote:
			n++
			fmt.Fprintf(&b, "$%d", n)
		default:
			b.WriteByte(c)
		}
	}
	out := b.String()
	d.rebinds.Store(q, out)
	return out
}

// Now is the store's notion of the current time in Unix milliseconds, the
// unit every timestamp column uses, read from its clock.
func (d *DB) Now() int64 { return d.clock.Now().UnixMilli() }

// Clock is the store's clock: the one every engine of a node runs on.
func (d *DB) Clock() clock.Clock { return d.clock }

// SetClock replaces the store's clock before any part of a node uses it;
// tests use it to run a store opened for them on a fake clock.
func (d *DB) SetClock(c clock.Clock) { d.clock = clock.OrReal(c) }

// SetWallClock replaces the clock that paces Write's retries and times
// write transactions (real time by default, whatever SetClock holds: a
// store on a fake clock must not freeze a retried write until someone
// advances it, nor call every transaction instant). The tests of the
// retry policy and of slow writes use it to see each wait exactly.
func (d *DB) SetWallClock(c clock.Clock) { d.wallClock = c }

// Millis converts t to the timestamp column unit; the zero time is 0.
func Millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// Bool is b as the stores' flag columns hold it: INTEGER 1 or 0, alike on
// SQLite and PostgreSQL.
func Bool(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Time converts a timestamp column back; 0 is the zero time.
func Time(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

func redact(url string) string {
	if i := strings.Index(url, "@"); i > 0 {
		if j := strings.Index(url, "://"); j > 0 && j < i {
			return url[:j+3] + "…" + url[i:]
		}
	}
	return url
}
