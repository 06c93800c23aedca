package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// A backup taken while the store commits continuously is a sound database
// holding every transaction committed before it began, and each commit
// whole: the writer inserts rows in pairs, so an odd count would be half
// a transaction.
func TestBackupSQLiteWhileWriting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d, err := db.Open(ctx, db.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()

	var mu sync.Mutex
	committed := 0 // pairs committed so far
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			err := d.Write(ctx, func(tx *db.Tx) error {
				for k := range 2 {
					if _, err := tx.Exec(ctx, `INSERT INTO workspaces (name, created_at) VALUES (?, 0)`, fmt.Sprintf("w%d-%d", i, k)); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			committed++
			mu.Unlock()
		}
	})
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return committed >= 200 })

	mu.Lock()
	before := committed
	mu.Unlock()
	out := filepath.Join(t.TempDir(), "copy.db")
	res, err := db.BackupSQLite(ctx, dir, out)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if res.SchemaVersion == 0 || res.Bytes == 0 || res.Path != out {
		t.Errorf("result %+v: want the schema version and size of %s", res, out)
	}
	c, err := sql.Open("sqlite", "file:"+out+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var n int
	if err := c.QueryRow(`SELECT COUNT(*) FROM workspaces`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n%2 != 0 {
		t.Errorf("the copy holds %d rows: half a transaction", n)
	}
	if n/2 < before {
		t.Errorf("the copy holds %d transactions, %d had committed before the backup began", n/2, before)
	}
	for i := range before {
		var found int
		if err := c.QueryRow(`SELECT COUNT(*) FROM workspaces WHERE name = ?`, fmt.Sprintf("w%d-1", i)).Scan(&found); err != nil || found != 1 {
			t.Fatalf("row w%d-1, committed before the backup, found %d times (%v)", i, found, err)
		}
	}
	t.Logf("%d transactions committed before the backup; the copy holds %d", before, n/2)
}

// A backup refuses to overwrite a file, refuses a folder without a store,
// and leaves no partial file behind either way.
func TestBackupSQLiteRefusals(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d, err := db.Open(ctx, db.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	outDir := t.TempDir()
	taken := filepath.Join(outDir, "taken.db")
	if err := os.WriteFile(taken, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := db.BackupSQLite(ctx, dir, taken); !errors.Is(err, db.ErrBackupExists) {
		t.Errorf("backup onto an existing file: %v, want ErrBackupExists", err)
	}
	if b, _ := os.ReadFile(taken); string(b) != "keep me" {
		t.Errorf("the existing file was changed: %q", b)
	}
	if _, err := db.BackupSQLite(ctx, t.TempDir(), filepath.Join(outDir, "none.db")); err == nil {
		t.Error("backup of a folder without a store succeeded")
	}
	entries, _ := os.ReadDir(outDir)
	if len(entries) != 1 {
		t.Errorf("files left in the output folder: %v", entries)
	}
	if _, err := db.CheckSQLiteFile(ctx, taken); err == nil {
		t.Error("CheckSQLiteFile accepted a file that is not a database")
	}
}

// waitFor returns once cond holds, failing the test after a minute.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within a minute")
		}
		runtime.Gosched()
	}
}

// The SQLite store lives in its data folder whatever the folder is
// called: the file is opened through a URI, where '#' starts a fragment,
// '?' the parameters and '%' an escape. A folder named "site#2" put the
// database in a file "site" beside it (outside a volume mounted there),
// "q?x" one called "q" without its busy timeout, and "100%" failed to
// open. Backups and their check read such folders and files too.
func TestSQLiteStoreInAFolderNamedWithURICharacters(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"site#2", "q?x", "100%", "50%25", "with space"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), name)
			d, err := db.Open(ctx, db.Config{DataDir: dir})
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			oneWorkspace(t, d)
			for pragma, want := range map[string]string{"journal_mode": "wal", "busy_timeout": "10000", "foreign_keys": "1"} {
				var got string
				if err := d.Reader().QueryRow(ctx, `PRAGMA `+pragma).Scan(&got); err != nil || got != want {
					t.Errorf("PRAGMA %s = %q (%v), want %q", pragma, got, err, want)
				}
			}
			d.Close()
			if _, err := os.Stat(filepath.Join(dir, db.SQLiteFile)); err != nil {
				entries, _ := os.ReadDir(filepath.Dir(dir))
				t.Fatalf("the store is not in its folder (%v); the folder's parent holds %v", err, entries)
			}
			out := filepath.Join(t.TempDir(), name+".db")
			res, err := db.BackupSQLite(ctx, dir, out)
			if err != nil {
				t.Fatalf("backup: %v", err)
			}
			if res.SchemaVersion == 0 {
				t.Errorf("the backup holds schema version 0")
			}
			if n, err := countWorkspaces(ctx, out); err != nil || n != 1 {
				t.Errorf("the backup holds %d workspaces (%v), want 1", n, err)
			}
		})
	}
}

// countWorkspaces counts the workspaces of the SQLite file at path.
func countWorkspaces(ctx context.Context, path string) (int, error) {
	escaped := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	conn, err := sql.Open("sqlite", "file:"+escaped+"?mode=ro")
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var n int
	err = conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM workspaces`).Scan(&n)
	return n, err
}
