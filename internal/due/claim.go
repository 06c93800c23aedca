package due

import (
	"context"
	"database/sql"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// Table describes a domain table whose rows are leased work: an id, a due
// time column, and lease_until and lease_node columns (a claim is current
// while lease_until is in the future; lease_node names the node holding
// it, so internal/node can take a dead node's claims back).
type Table struct {
	Name string // the table
	Due  string // its due time column (Unix ms)
	// Where narrows the rows that may be claimed; it refers to the table
	// as j (e.g. "j.state = 'pending'"). Empty: every row.
	Where string
}

// ClaimSQL is the statement that leases the due rows of t, oldest due
// first, and returns the columns named by returning (e.g. "id"). Its
// arguments are the lease's end, the node, now, now again and the batch
// size. On PostgreSQL, SKIP LOCKED lets nodes claiming at once take
// different rows instead of queuing on the same ones, and the lease
// condition is re-evaluated on the locked row, so a row another node just
// leased is not taken twice; SQLite has one writer, which makes the
// statement atomic by itself.
func ClaimSQL(dialect db.Dialect, t Table, returning string) string {
	where := ""
	if t.Where != "" {
		where = " AND " + t.Where
	}
	lock := ""
	if dialect == db.Postgres {
		lock = " FOR UPDATE OF j SKIP LOCKED"
	}
	return `UPDATE ` + t.Name + ` SET lease_until = ?, lease_node = ?
		WHERE id IN (SELECT j.id FROM ` + t.Name + ` j WHERE j.` + t.Due + ` <= ? AND j.lease_until <= ?` + where + `
			ORDER BY j.` + t.Due + `, j.id LIMIT ?` + lock + `)
		RETURNING ` + returning
}

// Claim leases up to n rows of t due at now (Unix ms) to node until
// leaseUntil, in tx, and returns their ids.
func Claim(ctx context.Context, tx *db.Tx, t Table, now, leaseUntil, node int64, n int) ([]int64, error) {
	rows, err := tx.Query(ctx, ClaimSQL(tx.Dialect(), t, "id"), leaseUntil, node, now, now, n)
	if err != nil {
		return nil, err
	}
	return db.Collect(rows, func(rows *sql.Rows) (int64, error) {
		var id int64
		err := rows.Scan(&id)
		return id, err
	})
}
