package db

import (
	"database/sql/driver"
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
const Fold = "search_fold"

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
