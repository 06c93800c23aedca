package db_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/switchboard-chat/switchboard/internal/db"
)

func TestIsUnavailable(t *testing.T) {
	// A real refused connection, as a node meets while PostgreSQL is down.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, refused := pgconn.Connect(context.Background(), "postgres://x@"+addr+"/x?sslmode=disable&connect_timeout=5")
	if refused == nil {
		t.Fatal("connecting to a closed port succeeded")
	}
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", fmt.Errorf("db: begin: %w", refused), true},
		{"administrator shut the server down", fmt.Errorf("db: begin: %w", &pgconn.PgError{Code: "57P01"}), true},
		{"the server is starting or stopping", &pgconn.PgError{Code: "57P03"}, true},
		{"connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"too many connections", &pgconn.PgError{Code: "53300"}, true},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"syntax error", &pgconn.PgError{Code: "42601"}, false},
		{"a plain error", errors.New("conversation: receive: boom"), false},
		{"an HTTP call's network error", fmt.Errorf("probe: %w", &url.Error{Op: "Post", URL: "http://x", Err: &net.OpError{Op: "dial", Err: errors.New("refused")}}), false},
		{"the driver's network error", fmt.Errorf("db: %w", &net.OpError{Op: "read", Err: errors.New("connection reset")}), true},
		{"nil", nil, false},
	}
	for _, c := range cases {
		if got := db.IsUnavailable(c.err); got != c.want {
			t.Errorf("%s: IsUnavailable(%v) = %v, want %v", c.name, c.err, got, c.want)
		}
	}
}
