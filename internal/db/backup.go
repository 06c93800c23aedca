package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// BackupResult describes a finished copy of a SQLite store.
type BackupResult struct {
	Path          string // the copy
	Bytes         int64  // its size
	SchemaVersion int64  // the last migration it holds
}

// ErrBackupExists is returned when the copy's path is already taken: a
// backup never overwrites a file.
var ErrBackupExists = errors.New("db: the backup file already exists")

// BackupSQLite writes a consistent copy of the SQLite store in dataDir to
// out while a node may be serving it. It opens the database read-only,
// without the node's lock, and runs VACUUM INTO, which reads one snapshot
// of the database in a single read transaction: in WAL mode the node keeps
// writing meanwhile, and the copy holds exactly the transactions committed
// before that snapshot began, never part of one. The copy is written to a
// temporary file beside out, checked with PRAGMA integrity_check, synced
// and only then renamed to out, so a failed or interrupted backup leaves
// no file that looks like a backup.
func BackupSQLite(ctx context.Context, dataDir, out string) (BackupResult, error) {
	src := filepath.Join(dataDir, SQLiteFile)
	if _, err := os.Stat(src); err != nil {
		return BackupResult{}, fmt.Errorf("db: no SQLite store to back up: %w", err)
	}
	if out == "" {
		return BackupResult{}, errors.New("db: the backup needs a file to write")
	}
	if _, err := os.Stat(out); err == nil {
		return BackupResult{}, fmt.Errorf("%w: %s", ErrBackupExists, out)
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".partial-*")
	if err != nil {
		return BackupResult{}, fmt.Errorf("db: backup: %w", err)
	}
	tmpPath := tmp.Name()
	tmp.Close()
	os.Remove(tmpPath) // VACUUM INTO refuses a file that exists, even empty
	defer os.Remove(tmpPath)

	if err := vacuumInto(ctx, src, tmpPath); err != nil {
		return BackupResult{}, err
	}
	version, err := CheckSQLiteFile(ctx, tmpPath)
	if err != nil {
		return BackupResult{}, fmt.Errorf("db: the copy failed its check: %w", err)
	}
	if err := syncFile(tmpPath); err != nil {
		return BackupResult{}, err
	}
	// Link, not rename: it fails if out appeared meanwhile, where a rename
	// would silently replace it.
	if err := os.Link(tmpPath, out); err != nil {
		if errors.Is(err, os.ErrExist) {
			return BackupResult{}, fmt.Errorf("%w: %s", ErrBackupExists, out)
		}
		return BackupResult{}, fmt.Errorf("db: backup: %w", err)
	}
	if err := syncFile(filepath.Dir(out)); err != nil {
		return BackupResult{}, err
	}
	st, err := os.Stat(out)
	if err != nil {
		return BackupResult{}, fmt.Errorf("db: backup: %w", err)
	}
	return BackupResult{Path: out, Bytes: st.Size(), SchemaVersion: version}, nil
}

// vacuumInto copies src into dst with VACUUM INTO on a read-only
// connection. busy_timeout lets it wait out the node's checkpoints.
func vacuumInto(ctx context.Context, src, dst string) error {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Set("mode", "ro")
	conn, err := sql.Open("sqlite", "file:"+uriPath(src)+"?"+q.Encode())
	if err != nil {
		return fmt.Errorf("db: backup: open %s: %w", src, err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	// VACUUM INTO takes the file name as an SQL string literal.
	lit := "'" + strings.ReplaceAll(dst, "'", "''") + "'"
	if _, err := conn.ExecContext(ctx, "VACUUM INTO "+lit); err != nil {
		return fmt.Errorf("db: backup: VACUUM INTO: %w", err)
	}
	return nil
}

// CheckSQLiteFile opens a SQLite database file read-only, runs PRAGMA
// integrity_check and returns the schema version it holds (the last
// migration applied). A restore should check a copy with it first.
func CheckSQLiteFile(ctx context.Context, path string) (int64, error) {
	q := url.Values{}
	q.Set("mode", "ro")
	conn, err := sql.Open("sqlite", "file:"+uriPath(path)+"?"+q.Encode())
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var res string
	if err := conn.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return 0, fmt.Errorf("integrity_check: %w", err)
	}
	if res != "ok" {
		return 0, fmt.Errorf("integrity_check: %s", res)
	}
	var v sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT MAX(version) FROM schema_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema_version: %w", err)
	}
	return v.Int64, nil
}

// syncFile fsyncs a file or folder, so the copy (and its name) survive a
// power cut right after the command reports success.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("db: backup: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("db: backup: sync %s: %w", path, err)
	}
	return nil
}
