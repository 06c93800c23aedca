package db

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"log/slog"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migrations are portable SQL files named NNN_what.sql. A few column types
// differ between dialects; the files write them as macros ({{ID}} for an
// auto-increment primary key, {{BLOB}}) and migrate expands them. A file
// NNN_what.postgres.sql or NNN_what.sqlite.sql replaces the portable one
// for that dialect when the difference is more than a type.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

var macros = map[Dialect]*strings.Replacer{
	SQLite:   strings.NewReplacer("{{ID}}", "INTEGER PRIMARY KEY AUTOINCREMENT", "{{BLOB}}", "BLOB"),
	Postgres: strings.NewReplacer("{{ID}}", "BIGSERIAL PRIMARY KEY", "{{BLOB}}", "BYTEA"),
}

func (d *DB) migrations() ([]migration, error) {
	entries, err := migrationFiles.ReadDir("migrations")
	if err != nil {
		return nil, err
	}
	byVersion := map[int]migration{}
	for _, e := range entries {
		name := e.Name()
		base := strings.TrimSuffix(name, ".sql")
		dialect := ""
		if i := strings.LastIndex(base, "."); i > 0 {
			base, dialect = base[:i], base[i+1:]
		}
		if dialect != "" && Dialect(dialect) != d.Dialect {
			continue
		}
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("db: migration %s: name must start with a number", name)
		}
		if _, dup := byVersion[v]; dup && dialect == "" {
			continue // a dialect override already took this version
		}
		body, err := migrationFiles.ReadFile(path.Join("migrations", name))
		if err != nil {
			return nil, err
		}
		byVersion[v] = migration{version: v, name: base, sql: macros[d.Dialect].Replace(string(body))}
	}
	out := make([]migration, 0, len(byVersion))
	for _, m := range byVersion {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// Migrate applies every migration newer than the schema's version, each in
// its own transaction. On PostgreSQL an advisory lock keeps two nodes that
// start together from migrating at once.
func (d *DB) Migrate(ctx context.Context) error {
	ms, err := d.migrations()
	if err != nil {
		return err
	}
	conn, err := d.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("db: migrate: %w", err)
	}
	defer conn.Close()
	if d.Dialect == Postgres {
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(7268000)"); err != nil {
			return fmt.Errorf("db: migrate lock: %w", err)
		}
		defer conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock(7268000)")
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("db: migrate: %w", err)
	}
	current := 0
	if err := conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&current); err != nil {
		return fmt.Errorf("db: migrate: read version: %w", err)
	}
	from := current
	for _, m := range ms {
		if m.version <= current {
			continue
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("db: migrate %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			tx.Rollback()
			return fmt.Errorf("db: migrate %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, d.Rebind(`INSERT INTO schema_version (version) VALUES (?)`), m.version); err != nil {
			tx.Rollback()
			return fmt.Errorf("db: migrate %s: %w", m.name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("db: migrate %s: %w", m.name, err)
		}
		current = m.version
	}
	if current != from {
		slog.Info("schema migrated", "dialect", d.Dialect, "from", from, "to", current)
	}
	return nil
}

// SchemaDigest identifies the migrations this binary carries (a hash of
// every file's name and text), so a store migrated once can stand for any
// other migrated by the same binary: tests copy such a template instead of
// migrating a fresh store each time (see dbtest).
func SchemaDigest() (string, error) {
	entries, err := migrationFiles.ReadDir("migrations")
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, e := range entries {
		body, err := migrationFiles.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", e.Name(), len(body))
		h.Write(body)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}
