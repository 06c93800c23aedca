package harness

import (
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"fmt"
	"net/url"
	"path/filepath"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for PostgreSQL stores
	_ "modernc.org/sqlite"             // the "sqlite" driver, the same the server uses

	"github.com/switchboard-chat/switchboard/internal/db"
)

// OpenStore opens a server's store for inspection: the SQLite file in
// dataDir, read-only, when databaseURL is empty, else the PostgreSQL
// database. Queries must be plain SQL without placeholders, which differ
// between the two.
func OpenStore(dataDir, databaseURL string) (*sql.DB, error) {
	if databaseURL != "" {
		return sql.Open("pgx", databaseURL)
	}
	return OpenSQLite(filepath.Join(dataDir, db.SQLiteFile))
}

// OpenSQLite opens the SQLite file at path read-only, for inspection.
func OpenSQLite(path string) (*sql.DB, error) {
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", "busy_timeout(10000)")
	d, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open %s read-only: %w", path, err)
	}
	return d, nil
}

// StoreArgs returns the serve/demo flags naming a store. A PostgreSQL
// store needs the key that seals channel secrets (docs/configuration.md):
// a fresh one, kept in the flags, serves every process started with them.
func StoreArgs(dataDir, databaseURL string) []string {
	if databaseURL != "" {
		key := make([]byte, 32)
		rand.Read(key)
		return []string{"--database-url", databaseURL, "--secret-key", base64.StdEncoding.EncodeToString(key)}
	}
	return []string{"--data", dataDir}
}
