package db

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // pure Go, so CGO_ENABLED=0 builds work
)

// SQLiteFile is the database file name inside the data folder.
const SQLiteFile = "switchboard.db"

func openSQLite(ctx context.Context, dir string) (*DB, error) {
	if dir == "" {
		dir = "data"
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("db: create data folder: %w", err)
	}
	path := filepath.Join(dir, SQLiteFile)
	// busy_timeout first so the other pragmas wait instead of failing;
	// synchronous=FULL makes every commit durable in WAL mode (NORMAL would
	// lose the last commits on power loss, and we acknowledge after commit).
	// temp_store=MEMORY keeps the savepoint sub-journals of group commit in
	// RAM: on disk they cost a pwrite per first-touched page per savepoint,
	// a third of the receive path's time. A large page cache keeps a whole
	// batch's pages in memory until its commit.
	pragmas := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)", "cache_size(-65536)", "temp_store(2)"} {
		pragmas.Add("_pragma", p)
	}
	w, err := sql.Open("sqlite", "file:"+uriPath(path)+"?"+pragmas.Encode()+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("db: open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("db: open sqlite %s: %w", path, err)
	}
	rp := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "foreign_keys(1)", "query_only(1)"} {
		rp.Add("_pragma", p)
	}
	r, err := sql.Open("sqlite", "file:"+uriPath(path)+"?"+rp.Encode())
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("db: open sqlite readers: %w", err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	return &DB{Dialect: SQLite, write: w, read: r}, nil
}

// uriPath is path as the path of a "file:" URI, through which the store's
// files are opened (to pass their pragmas). In a URI '?' starts the
// parameters, '#' a fragment and '%' an escape, so a data folder called
// "site#2" put the database in a file "site" beside it: those three are
// escaped, and SQLite decodes them back.
func uriPath(path string) string { return uriEscaper.Replace(path) }

var uriEscaper = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")
