package db

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// MigrationSQL returns the SQL of migration version for d's dialect, so
// tests can replay one on a store put back to the state before it.
func (d *DB) MigrationSQL(version int) string {
	ms, err := d.migrations()
	if err != nil {
		panic(err)
	}
	for _, m := range ms {
		if m.version == version {
			return m.sql
		}
	}
	return ""
}

// PgQueryIn is the statement db.QueryIn runs on PostgreSQL.
var PgQueryIn = pgQueryIn

// LockRowsSQL is the statement that takes a batch's named rows of a table.
var LockRowsSQL = lockRowsSQL

// ConnectListener opens a connection as the listener does.
func (d *DB) ConnectListener(ctx context.Context) (*pgx.Conn, error) { return d.connectListener(ctx) }
