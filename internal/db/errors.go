package db

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// IsUniqueViolation reports whether err is a unique-constraint violation,
// on either dialect. Domain code uses it to turn a lost race into a re-read.
func IsUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// IsTransient reports whether err is the store's passing trouble rather
// than a verdict on the write: a deadlock or serialization failure (the
// transaction can run again as it is) or the store unreachable. Code that
// turns errors into outcomes — a workflow step's failure exit — must let
// these through as errors, to be tried again, not record them as the
// write's answer.
func IsTransient(err error) bool { return isRetryable(err) || IsUnavailable(err) }

// isDeadlock reports PostgreSQL's "deadlock detected".
func isDeadlock(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "40P01"
}

// isRetryable reports PostgreSQL errors after which the whole transaction
// can simply be run again: serialization failures, deadlocks and a lock
// given up to avoid one (ErrLockOrder). Only
// PostgreSQL reports them; on SQLite it is always false.
func isRetryable(err error) bool {
	if errors.Is(err, ErrLockOrder) {
		return true
	}
	var pgErr *pgconn.PgError
	return isDeadlock(err) || errors.As(err, &pgErr) && pgErr.Code == "40001"
}
