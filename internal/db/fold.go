package db

import (
	"context"
	"database/sql/driver"
	"log/slog"
	"strings"

	"modernc.org/sqlite"
)

// Fold is the SQL function searches compare text through: the text in
// lower case, every letter of it. SQLite's own LOWER (and its LIKE) fold
// A–Z only, so a search for "émile" found nobody called "Émile" there;
// PostgreSQL's LOWER folds every letter (in a UTF-8 locale). Both stores
// have it: registered here on SQLite's connections, and a SQL function
// calling LOWER on PostgreSQL (migration 048). The search text is folded
// with strings.ToLower, as this function folds the stored one. It is
// used in queries only, never in the schema (an index, a view), so the
// database file still opens in any SQLite.
//
// PostgreSQL's LOWER follows the database's LC_CTYPE, which folds A–Z
// only in the C or POSIX locale: in such a database migration 051 makes
// search_fold fold under PostgreSQL 17's C.UTF-8 collation or ICU's root
// one; a server with neither warns at start (checkFold).
const Fold = "search_fold"

// checkFold warns when PostgreSQL's search_fold folds A–Z only (a C or
// POSIX database on a server without ICU nor PostgreSQL 17's C.UTF-8
// collation): searches then miss accented names written in capitals.
// Nothing else is wrong, so the node starts all the same.
func (d *DB) checkFold(ctx context.Context) {
	var folded, ctype string
	err := d.read.QueryRowContext(ctx, `SELECT `+Fold+`('É'), current_setting('lc_ctype')`).Scan(&folded, &ctype)
	if err != nil || folded == "é" {
		return
	}
	slog.Warn("db: searches fold A-Z only: the database's LC_CTYPE is "+ctype+" and the server has no ICU (nor PostgreSQL 17's C.UTF-8 collation), "+
		"so a search for ÉMILE misses émile; create the database with a UTF-8 locale (CREATE DATABASE ... LC_CTYPE 'en_US.UTF-8' TEMPLATE template0) "+
		"or use a server built with ICU", "lc_ctype", ctype)
}

func init() { sqlite.MustRegisterDeterministicScalarFunction(Fold, 1, fold) }

func fold(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	switch v := args[0].(type) {
	case string:
		return strings.ToLower(v), nil
	case []byte:
		return strings.ToLower(string(v)), nil
	default:
		return v, nil // NULL and numbers as they are, as LOWER leaves them
	}
}
