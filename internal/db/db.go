// Package db opens the store (embedded SQLite by default, PostgreSQL for
// scale-out), applies migrations and runs transactions. Domain packages write
// their SQL with ? placeholders; the store rewrites them for the dialect.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
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
	stmts   sync.Map // SQLite: query -> statement prepared on the writer (see Tx.prepared)
	// readStmts: SQLite, query -> statement prepared on the read pool (see
	// reader.stmt); readStmtCount bounds it.
	readStmts     sync.Map
	readStmtCount atomic.Int32

	// notify, when set, is called after a commit that appended events, so
	// in-process consumers wake without polling.
	notifyMu sync.Mutex
	notify   []func()
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
	if err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// Close closes both pools.
func (d *DB) Close() error {
	for _, m := range []*sync.Map{&d.stmts, &d.readStmts} {
		m.Range(func(_, st any) bool { st.(*sql.Stmt).Close(); return true })
	}
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

// OnEvents registers fn to run after every commit that appended events.
func (d *DB) OnEvents(fn func()) {
	d.notifyMu.Lock()
	d.notify = append(d.notify, fn)
	d.notifyMu.Unlock()
}

func (d *DB) eventsCommitted() {
	d.notifyMu.Lock()
	fns := d.notify
	d.notifyMu.Unlock()
	for _, fn := range fns {
		fn()
	}
}

// Querier is what reads need; both the read pool and *Tx provide it.
type Querier interface {
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
	Dialect() Dialect
}

// Reader returns a Querier on the read pool. Reads see every committed write.
func (d *DB) Reader() Querier { return reader{d} }

type reader struct{ d *DB }

// maxReadStmts bounds the statements kept prepared on the read pool:
// queries built with a varying IN list would otherwise grow it forever.
const maxReadStmts = 512

// stmt returns q prepared on the read pool, or nil to run it unprepared.
// On SQLite, parsing the same reads again and again was a tenth of the
// CPU of a busy node; database/sql prepares a shared statement on each
// pooled connection once and reuses it. pgx caches statements itself.
func (r reader) stmt(ctx context.Context, q string) *sql.Stmt {
	if r.d.Dialect != SQLite {
		return nil
	}
	if st, ok := r.d.readStmts.Load(q); ok {
		return st.(*sql.Stmt)
	}
	if r.d.readStmtCount.Load() >= maxReadStmts {
		return nil
	}
	st, err := r.d.read.PrepareContext(ctx, q)
	if err != nil {
		return nil // the unprepared path reports the error
	}
	if prev, loaded := r.d.readStmts.LoadOrStore(q, st); loaded {
		st.Close()
		return prev.(*sql.Stmt)
	}
	r.d.readStmtCount.Add(1)
	return st
}

func (r reader) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := r.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return r.d.read.QueryContext(ctx, r.d.Rebind(q), args...)
}
func (r reader) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := r.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
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
// unit every timestamp column uses.
func Now() int64 { return time.Now().UnixMilli() }

// Millis converts t to the timestamp column unit; the zero time is 0.
func Millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
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
