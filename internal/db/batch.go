package db

import (
	"context"
	"errors"
	"fmt"
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
