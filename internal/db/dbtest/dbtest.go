// Package dbtest opens fresh stores for tests: a SQLite file in t.TempDir()
// always, and a fresh PostgreSQL database when SWITCHBOARD_TEST_POSTGRES
// holds a server URL (CI sets it), so every store test runs on both
// (Each); a package that owns no SQL tests on SQLite (OnSQLite).
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// EnvPostgres names the variable holding the PostgreSQL server URL for tests.
const EnvPostgres = "SWITCHBOARD_TEST_POSTGRES"

// Dialects returns the dialects this test run covers.
func Dialects() []db.Dialect {
	if os.Getenv(EnvPostgres) != "" {
		return []db.Dialect{db.SQLite, db.Postgres}
	}
	return []db.Dialect{db.SQLite}
}

// Each runs fn as a subtest once per dialect, each with a fresh store.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	for _, dialect := range Dialects() {
		on(t, dialect, fn)
	}
}

// OnSQLite runs fn as Each's SQLite subtest alone, for the tests of a
// package that owns no SQL (the HTTP API, the AI help, the providers'
// webhooks): the statements they drive are the domain packages', whose
// own tests run on both stores. Run on PostgreSQL too, the HTTP API's
// tests took four times the CPU of their SQLite pass alone (247 s
// against 64, the server's work counted), for no statement of their own.
// A test about concurrency, or about a limit one store enforces and the
// other not, keeps Each.
func OnSQLite(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	on(t, db.SQLite, fn)
}

// on runs fn as the dialect's subtest, named after it, on a fresh store.
func on(t *testing.T, dialect db.Dialect, fn func(t *testing.T, d *db.DB)) {
	t.Run(string(dialect), func(t *testing.T) {
		fn(t, Open(t, dialect))
	})
}

// Open returns a fresh, migrated store of the dialect, closed with the
// test: a copy of a store migrated once (see template.go).
func Open(t testing.TB, dialect db.Dialect) *db.DB {
	t.Helper()
	var cfg db.Config
	if dialect == db.SQLite {
		cfg = migratedSQLite(t)
	} else {
		cfg = newPostgres(t, mustTemplate(t))
	}
	d, err := db.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("open %s store: %v", dialect, err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// OpenConfig opens one more handle on the store cfg names, closed when the
// test ends: two handles on one store are two nodes (two pools, two write
// doors) in the multi-node tests.
func OpenConfig(t testing.TB, cfg db.Config) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// Config returns the configuration of a fresh, empty store of the dialect:
// a new folder for SQLite, a new database on the test server for PostgreSQL
// (dropped when the test ends).
func Config(t testing.TB, dialect db.Dialect) db.Config {
	t.Helper()
	if dialect == db.SQLite {
		return db.Config{DataDir: t.TempDir()}
	}
	return newPostgres(t, "")
}

// PostgresConfig is Config for a test about PostgreSQL alone (row locks,
// several nodes): it skips the test when no PostgreSQL test server is set
// (EnvPostgres).
func PostgresConfig(t testing.TB) db.Config {
	t.Helper()
	if os.Getenv(EnvPostgres) == "" {
		t.Skip(EnvPostgres + " is not set")
	}
	return Config(t, db.Postgres)
}

// mustTemplate is the CREATE DATABASE options that copy the migrated
// template database (see pgTemplate).
func mustTemplate(t testing.TB) string {
	t.Helper()
	if os.Getenv(EnvPostgres) == "" {
		t.Skip(EnvPostgres + " is not set")
	}
	name, err := pgTemplate()
	if err != nil {
		t.Fatalf("migrate the PostgreSQL template: %v", err)
	}
	return " TEMPLATE " + name + copyStrategy()
}

// copyStrategy copies the template's files rather than writing each of
// its pages to the WAL (PostgreSQL 15's default, WAL_LOG): on the test
// server, without fsync, that halves the time CREATE DATABASE takes
// (about 0.15 s against 0.33 s a database, and the suite makes over a
// thousand). Older servers, which only copy files, do not know the option.
var copyStrategy = sync.OnceValue(func() string {
	admin, err := sql.Open("pgx", os.Getenv(EnvPostgres))
	if err != nil {
		return ""
	}
	defer admin.Close()
	var version int
	if err := admin.QueryRow(`SHOW server_version_num`).Scan(&version); err != nil || version < 150000 {
		return ""
	}
	return " STRATEGY FILE_COPY"
})

// newPostgres creates a database for the test on the test server, dropped
// when the test ends; options follow CREATE DATABASE name.
func newPostgres(t testing.TB, options string) db.Config {
	t.Helper()
	server := os.Getenv(EnvPostgres)
	if server == "" {
		t.Skip(EnvPostgres + " is not set")
	}
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	rand.Read(b)
	name := "sbtest_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name + options); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", server)
		if err != nil {
			return
		}
		defer a.Close()
		a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	u, err := url.Parse(server)
	if err != nil {
		t.Fatalf("parse %s: %v", EnvPostgres, err)
	}
	u.Path = "/" + name
	return db.Config{URL: u.String()}
}

// Count runs a query returning one integer (usually a COUNT) on d's
// readers, failing the test on error.
func Count(t testing.TB, d *db.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := d.Reader().QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// Column runs a query of one column on d's readers and returns its
// values in order, failing the test on error.
func Column[T any](t testing.TB, d *db.DB, query string, args ...any) []T {
	t.Helper()
	rows, err := d.Reader().Query(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	out, err := db.Collect(rows, func(r *sql.Rows) (T, error) {
		var v T
		return v, r.Scan(&v)
	})
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return out
}

// Raw opens a plain connection pool on the PostgreSQL store cfg names,
// closed with the test: a transaction of its own, outside the store's
// doors, to hold a lock or look at the server.
func Raw(t testing.TB, cfg db.Config) *sql.DB {
	t.Helper()
	raw, err := sql.Open("pgx", cfg.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// LockWaiters counts the sessions of raw's database waiting for a lock
// (a row, a transaction, an advisory lock): how a PostgreSQL test sees
// that a write it holds back has reached the lock it holds. Safe from any
// goroutine.
func LockWaiters(ctx context.Context, raw *sql.DB) (int, error) {
	var n int
	err := raw.QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&n)
	return n, err
}

// AwaitLockWaiter returns once a session of raw's database waits for a
// lock, failing the test if early reports (non-empty) that what it holds
// back got through first. Call it from the test's goroutine.
func AwaitLockWaiter(t testing.TB, raw *sql.DB, early func() string) {
	t.Helper()
	for {
		n, err := LockWaiters(context.Background(), raw)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		if msg := early(); msg != "" {
			t.Fatal(msg)
		}
	}
}

// AwaitLockWaiterBefore is AwaitLockWaiter for a write running in a
// goroutine that sends its outcome on done: the test fails, naming what
// and the outcome, if the write ends before any session waits for a lock.
func AwaitLockWaiterBefore[T any](t testing.TB, raw *sql.DB, done <-chan T, what string) {
	t.Helper()
	AwaitLockWaiter(t, raw, func() string {
		select {
		case v := <-done:
			return fmt.Sprintf("%s ended (%+v) without waiting for the lock held", what, v)
		default:
			return ""
		}
	})
}

// RowLocked reports whether another transaction holds row id of table
// locked (a NOWAIT lock attempt on it fails).
func RowLocked(t testing.TB, raw *sql.DB, table string, id int64) bool {
	t.Helper()
	probe, err := raw.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer probe.Rollback()
	_, err = probe.Exec(`SELECT id FROM `+table+` WHERE id = $1 FOR NO KEY UPDATE NOWAIT`, id)
	return err != nil
}

// HoldConcurrentWrites takes, on a connection of raw, the store's write
// lock shared, as another node's concurrent writes hold it while they
// run (db.WriteConcurrent), until the returned release is called (also at
// the test's end, before the store it was opened on closes, so a write
// it held back can end). A write through the exclusive door waits for it.
func HoldConcurrentWrites(t testing.TB, raw *sql.DB) (release func()) {
	t.Helper()
	ctx := context.Background()
	conn, err := raw.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock_shared(7268001)`); err != nil {
		conn.Close()
		t.Fatal(err)
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			conn.ExecContext(ctx, `SELECT pg_advisory_unlock_shared(7268001)`)
			conn.Close()
		})
	}
	t.Cleanup(release)
	return release
}

// NeverWaits runs write and returns its error, failing the test (after
// calling unblock, so the write can end) if a session of raw's database
// waits for a lock before write returns: how a test shows that a write
// goes past a lock the test holds instead of waiting for it. Call it from
// the test's goroutine.
func NeverWaits(t testing.TB, raw *sql.DB, what string, unblock func(), write func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- write() }()
	for {
		select {
		case err := <-done:
			return err
		default:
		}
		n, err := LockWaiters(context.Background(), raw)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			unblock()
			<-done
			t.Fatalf("%s waited for a lock held elsewhere", what)
		}
	}
}

// HoldRows begins a transaction on raw that locks the rows of table whose
// key column is one of ids (FOR NO KEY UPDATE, as a write changing them
// does) and holds them until the test commits or rolls it back: how a
// PostgreSQL test stands for another node's write holding those rows. It
// is rolled back at the test's end if still open. table and key are the
// test's own names, never input.
func HoldRows(t testing.TB, raw *sql.DB, table, key string, ids ...int64) *sql.Tx {
	t.Helper()
	holder, err := raw.BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { holder.Rollback() })
	if _, err := holder.Exec(`SELECT `+key+` FROM `+table+` WHERE `+key+` = ANY($1) FOR NO KEY UPDATE`, ids); err != nil {
		t.Fatal(err)
	}
	return holder
}
