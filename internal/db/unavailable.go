package db

import (
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// IsUnavailable reports whether err says the store cannot be reached
// right now — PostgreSQL down, restarting, refusing connections, or a
// connection cut under a statement — rather than that the request or
// the data is wrong. Such a failure changed nothing that was answered:
// the HTTP edge answers it 503 with Retry-After, so a provider delivers
// the webhook again once the store is back, and nothing acknowledged is
// lost. On SQLite, a file the node opened is always there: it is false.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case strings.HasPrefix(pgErr.Code, "08"): // connection exception
			return true
		case pgErr.Code == "57P01", pgErr.Code == "57P02", pgErr.Code == "57P03": // shutdown, crash, not yet accepting
			return true
		case pgErr.Code == "53300": // too many connections
			return true
		}
		return false
	}
	// A failed HTTP call (to a provider, an AI model, a webhook receiver)
	// also holds a net.Error, but says nothing of the store: net/http
	// wraps its errors in *url.Error, which the store's driver never does.
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return false
	}
	var netErr net.Error
	return errors.As(err, &netErr) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF)
}
