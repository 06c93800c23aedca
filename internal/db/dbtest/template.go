package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// Migrating a store from nothing takes most of a second on SQLite under
// -race (every migration is its own fsynced transaction), and the store
// tests open hundreds of stores. Open therefore starts each test from a
// copy of a store migrated once: a file image per test process on SQLite,
// a template database per schema on PostgreSQL (CREATE DATABASE …
// TEMPLATE). Config still gives an empty store, for the tests of
// migrating itself and of opening with a clock or on a node.

// sqliteImage is the file of a freshly migrated SQLite store, in rollback
// journal mode so the one file holds everything (Open turns WAL back on).
var sqliteImage = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "switchboard-dbtest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	d, err := db.Open(context.Background(), db.Config{DataDir: dir})
	if err != nil {
		return nil, err
	}
	if err := d.Close(); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, db.SQLiteFile)
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return nil, err
	}
	// Leaving WAL mode checkpoints the log into the file and removes it.
	_, err = raw.Exec("PRAGMA journal_mode=DELETE")
	if cerr := raw.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return os.ReadFile(path)
})

// migratedSQLite is a fresh folder holding a copy of the migrated store.
func migratedSQLite(t testing.TB) db.Config {
	t.Helper()
	image, err := sqliteImage()
	if err != nil {
		t.Fatalf("migrate the SQLite template: %v", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, db.SQLiteFile), image, 0o600); err != nil {
		t.Fatal(err)
	}
	return db.Config{DataDir: dir}
}

// pgTemplate is the name of a migrated template database on the test
// server, named after the schema so every test process of one build
// shares it; a session advisory lock makes one process create it while
// the others wait. It is marked IS_TEMPLATE only once migrated, so a
// process that died half-way leaves a database the next one replaces.
var pgTemplate = sync.OnceValues(func() (string, error) {
	digest, err := db.SchemaDigest()
	if err != nil {
		return "", err
	}
	name := "sbtemplate_" + digest
	server := os.Getenv(EnvPostgres)
	admin, err := sql.Open("pgx", server)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	ctx := context.Background()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(hashtext('switchboard dbtest template'))`); err != nil {
		return "", err
	}
	defer conn.ExecContext(ctx, `SELECT pg_advisory_unlock(hashtext('switchboard dbtest template'))`)
	var ready sql.NullBool
	err = conn.QueryRowContext(ctx, `SELECT datistemplate FROM pg_database WHERE datname = $1`, name).Scan(&ready)
	if err == nil && ready.Bool {
		return name, nil
	}
	if err != nil && err != sql.ErrNoRows {
		return "", err
	}
	if ready.Valid { // created but never finished
		if _, err := conn.ExecContext(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			return "", err
		}
	}
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return "", err
	}
	u, err := url.Parse(server)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	d, err := db.Open(ctx, db.Config{URL: u.String()})
	if err != nil {
		return "", fmt.Errorf("migrate %s: %w", name, err)
	}
	if err := d.Close(); err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, "ALTER DATABASE "+name+" IS_TEMPLATE true"); err != nil {
		return "", err
	}
	return name, nil
})
