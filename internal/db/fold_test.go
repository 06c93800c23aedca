package db_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// search_fold folds every capital letter as strings.ToLower folds the
// search text, on SQLite and on PostgreSQL — a PostgreSQL database
// created with the C locale too, whose LOWER folds A–Z only, so that
// there "ÉMILE" found nobody called "émile".
func TestSearchFoldFoldsEveryLetterWhateverTheLocale(t *testing.T) {
	check := func(t *testing.T, d *db.DB, more ...string) {
		t.Helper()
		for _, s := range append([]string{"ÉMILE", "Ça Va", "ÅSA ØRSTED", "ŁÓDŹ", "ЖЕНЯ", "Ana"}, more...) {
			var got string
			if err := d.Reader().QueryRow(context.Background(), `SELECT `+db.Fold+`(?)`, s).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if want := strings.ToLower(s); got != want {
				t.Errorf("%s(%q) = %q, want %q", db.Fold, s, got, want)
			}
		}
	}
	// A database in a UTF-8 locale keeps LOWER, which folds a final
	// capital sigma and İ as strings.ToLower does (ICU's would not).
	dbtest.Each(t, func(t *testing.T, d *db.DB) { check(t, d, "ΟΔΥΣΣΕΑΣ", "İSTANBUL") })
	t.Run("postgres in the C locale", func(t *testing.T) {
		server := os.Getenv(dbtest.EnvPostgres)
		if server == "" {
			t.Skip(dbtest.EnvPostgres + " is not set")
		}
		admin, err := sql.Open("pgx", server)
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		b := make([]byte, 6)
		rand.Read(b)
		name := "sbtest_c_" + hex.EncodeToString(b)
		if _, err := admin.Exec(`CREATE DATABASE ` + name + ` TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`) })
		u, err := url.Parse(server)
		if err != nil {
			t.Fatal(err)
		}
		u.Path = "/" + name
		d := dbtest.OpenConfig(t, db.Config{URL: u.String()})
		var ctype string
		if err := d.Reader().QueryRow(context.Background(), `SELECT datctype FROM pg_database WHERE datname = current_database()`).Scan(&ctype); err != nil || ctype != "C" {
			t.Fatalf("the database's LC_CTYPE is %q (%v), want C", ctype, err)
		}
		check(t, d)

		// A server without ICU nor C.UTF-8 keeps LOWER (048): a node
		// starting on it says searches fold A–Z only.
		if err := d.Write(context.Background(), func(tx *db.Tx) error {
			_, err := tx.Exec(context.Background(), `CREATE OR REPLACE FUNCTION search_fold(text) RETURNS text
				LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT lower($1)'`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		var logged bytes.Buffer
		defer slog.SetDefault(slog.Default())
		slog.SetDefault(slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelWarn})))
		dbtest.OpenConfig(t, db.Config{URL: u.String()})
		if out := logged.String(); !strings.Contains(out, "searches fold A-Z only") || !strings.Contains(out, "lc_ctype=C") {
			t.Errorf("a node on a C database whose search_fold folds A-Z only logged %q, want a warning naming LC_CTYPE C", out)
		}
	})
}
