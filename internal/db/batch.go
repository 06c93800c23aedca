package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Helpers for statements that write or read many rows at once (the
// receive batch of internal/conversation): on SQLite the single writer's
// time goes to executing statements, each paying its setup, cursors and
// index opens, far more than to the rows they write, so one multi-row
// statement per table beats one statement per row several times over.

// maxChunk is the most rows one batched statement holds. Chunk sizes are
// powers of two up to it, so a table's batched statements take at most
// a few distinct texts, which the statement cache keeps prepared.
const maxChunk = 256

// Chunked calls fn for consecutive chunks of n items, from and size, each
// a power of two of at most maxChunk items, largest first, and stops at
// the first error.
func Chunked(n int, fn func(from, size int) error) error {
	from := 0
	for size := maxChunk; size > 0; size /= 2 {
		for n-from >= size {
			if err := fn(from, size); err != nil {
				return err
			}
			from += size
		}
	}
	return nil
}

// Rows repeats a row of placeholders, "(?, ?)", n times, comma-separated,
// for a multi-row VALUES.
func Rows(row string, n int) string {
	if n <= 0 {
		return ""
	}
	var b strings.Builder
	b.Grow(n * (len(row) + 2))
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return b.String()
}

// ErrNoChosenIDs is returned by LastIDsTx on PostgreSQL, whose writers
// run concurrently and so cannot choose ids themselves.
var ErrNoChosenIDs = errors.New("db: ids are chosen by the caller only on SQLite")

// LastIDsTx returns, for each of tables (AUTOINCREMENT tables of the
// schema, named by the caller's code, never by input), the largest id it
// ever used. On SQLite the one writer holds the write lock for the whole
// transaction, so a caller may then insert rows with the ids that follow
// and know them without RETURNING, which costs SQLite a temporary table
// per statement.
func LastIDsTx(ctx context.Context, tx *Tx, tables ...string) ([]int64, error) {
	if tx.Dialect() != SQLite {
		return nil, ErrNoChosenIDs
	}
	cols := make([]string, len(tables))
	for i, t := range tables {
		if !isIdentifier(t) {
			return nil, fmt.Errorf("db: %q is not a table name", t)
		}
		cols[i] = fmt.Sprintf(`MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '%s'), 0), COALESCE((SELECT MAX(id) FROM %s), 0))`, t, t)
	}
	out := make([]int64, len(tables))
	dst := make([]any, len(tables))
	for i := range out {
		dst[i] = &out[i]
	}
	if err := tx.QueryRow(ctx, `SELECT `+strings.Join(cols, ", ")).Scan(dst...); err != nil {
		return nil, fmt.Errorf("db: last ids: %w", err)
	}
	return out, nil
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// QueryIn runs query, which ends in "IN ", then a list of ids, then tail,
// with args before the ids, and calls fn for each row. On SQLite the list
// is placeholders, in chunks of the sizes Chunked gives (a few statement
// texts, kept prepared). On PostgreSQL it is one array parameter, so any
// number of ids is one statement and one round trip, where the chunks
// took one per set bit of their count.
//
// On PostgreSQL the column is compared with "= ANY(array)", not "IN
// (SELECT unnest(array))": the subquery is planned as a semi join, and
// a writer connection keeps the generic plan it made at a statement's
// sixth run until the table's statistics change, so a plan made while
// the table was small stayed a hash join over a sequential scan as the
// table grew (auto_explain, bench/ingest: the report projection's
// contact read scanning 15,000 contacts for 64 ids, 2 ms a call, a
// fifteenth of the server's statement time). "= ANY" is an index scan
// once the table has statistics, whatever its size since.
func QueryIn(ctx context.Context, tx *Tx, query, tail string, ids []int64, args []any, fn func(*sql.Rows) error) error {
	each := func(text string, idArgs []any) error {
		rows, err := tx.Query(ctx, text, append(slices.Clip(args), idArgs...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := fn(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	if len(ids) == 0 {
		return nil
	}
	if tx.Dialect() == Postgres {
		text, err := pgQueryIn(query, tail)
		if err != nil {
			return err
		}
		return each(text, []any{ids})
	}
	return Chunked(len(ids), func(from, n int) error {
		in, idArgs := In(ids[from : from+n])
		return each(query+in+tail, idArgs)
	})
}

// pgQueryIn is the statement QueryIn runs on PostgreSQL: query's column
// compared with one array parameter, the last placeholder.
func pgQueryIn(query, tail string) (string, error) {
	column, ok := strings.CutSuffix(query, "IN ")
	if !ok {
		return "", fmt.Errorf("db: QueryIn: the query does not end in \"IN \": %q", query)
	}
	return column + "= ANY(?::bigint[])" + tail, nil
}

// InsertRows writes n rows: prefix (an INSERT that ends in "VALUES "),
// the rows, then suffix (an ON CONFLICT clause, say); row is one row's
// placeholders, "(?, ?)", and args(i) row i's values. On SQLite it is one
// multi-row VALUES per chunk (Chunked). On PostgreSQL it is one statement
// whatever n, each column one array parameter that unnest turns back into
// rows: one round trip and one text, kept prepared, where the chunks took
// one per set bit of n. A column's values are int64, string,
// sql.NullInt64 or sql.NullString (an int or a bool would need a cast the
// column may not take); rows of other values, or a row that is not bare
// placeholders, go through the chunks there too.
func InsertRows(ctx context.Context, tx *Tx, n int, prefix, row, suffix string, args func(i int) []any) error {
	if n == 0 {
		return nil
	}
	if tx.Dialect() == Postgres {
		rows := make([][]any, n)
		for i := range rows {
			rows[i] = args(i)
		}
		// Only a row of bare placeholders maps one value to one column.
		if cols, casts, ok := columnArrays(rows); ok && row == "(?"+strings.Repeat(", ?", len(rows[0])-1)+")" {
			_, err := tx.Exec(ctx, strings.TrimSuffix(prefix, "VALUES ")+"SELECT * FROM unnest("+strings.Join(casts, ", ")+")"+suffix, cols...)
			return err
		}
		args = func(i int) []any { return rows[i] }
	}
	return Chunked(n, func(from, size int) error {
		var all []any
		for i := from; i < from+size; i++ {
			all = append(all, args(i)...)
		}
		_, err := tx.Exec(ctx, prefix+Rows(row, size)+suffix, all...)
		return err
	})
}

// columnArrays turns rows of values into one typed array per column and
// its placeholder with the array's cast; ok is false when a column holds
// values of another type, or of two.
func columnArrays(rows [][]any) (cols []any, casts []string, ok bool) {
	for j, v := range rows[0] {
		switch v.(type) {
		case int64:
			a, ok := column[int64](rows, j)
			if !ok {
				return nil, nil, false
			}
			cols, casts = append(cols, a), append(casts, "?::bigint[]")
		case string:
			a, ok := column[string](rows, j)
			if !ok {
				return nil, nil, false
			}
			cols, casts = append(cols, a), append(casts, "?::text[]")
		case sql.NullInt64:
			a, ok := nullColumn(rows, j, func(n *sql.NullInt64) (*int64, bool) { return &n.Int64, n.Valid })
			if !ok {
				return nil, nil, false
			}
			cols, casts = append(cols, a), append(casts, "?::bigint[]")
		case sql.NullString:
			a, ok := nullColumn(rows, j, func(n *sql.NullString) (*string, bool) { return &n.String, n.Valid })
			if !ok {
				return nil, nil, false
			}
			cols, casts = append(cols, a), append(casts, "?::text[]")
		default:
			return nil, nil, false
		}
	}
	return cols, casts, true
}

// nullColumn is column j of rows of nullable values N as pointers to
// their values, nil for NULL (an array with NULLs), when every row's value
// there is an N.
func nullColumn[N, V any](rows [][]any, j int, value func(*N) (*V, bool)) ([]*V, bool) {
	ns, ok := column[N](rows, j)
	if !ok {
		return nil, false
	}
	a := make([]*V, len(ns))
	for i := range ns {
		if v, valid := value(&ns[i]); valid {
			a[i] = v
		}
	}
	return a, true
}

// column is column j of rows when every row's value there is a T.
func column[T any](rows [][]any, j int) ([]T, bool) {
	out := make([]T, len(rows))
	for i, r := range rows {
		v, ok := r[j].(T)
		if !ok {
			return nil, false
		}
		out[i] = v
	}
	return out, true
}
