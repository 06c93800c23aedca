package db_test

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// serializationFailure is what PostgreSQL reports when it aborts a
// transaction that could not be serialised; Write runs it again.
var serializationFailure = &pgconn.PgError{Code: "40001", Message: "could not serialize access"}

// waitTimers returns once the fake clock holds n pending timers: the
// writer is then asleep in its backoff.
func waitTimers(t *testing.T, c *clock.Fake, n int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for c.Pending() != n {
		if time.Now().After(deadline) {
			t.Fatalf("pending timers = %d, want %d", c.Pending(), n)
		}
		runtime.Gosched()
	}
}

// A write PostgreSQL aborted is run again after a backoff on the retry
// clock, doubling each time, and commits once it goes through.
func TestWriteRetriesAbortedTransactionsWithBackoff(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		fake := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		d.SetRetryClock(fake)
		var tries atomic.Int32
		done := make(chan error, 1)
		go func() {
			done <- d.Write(context.Background(), func(tx *db.Tx) error {
				if tries.Add(1) <= 2 {
					return serializationFailure
				}
				_, err := tx.Exec(context.Background(), `INSERT INTO workspaces (name, created_at) VALUES ('w', 0)`)
				return err
			})
		}()
		for i, wait := range []time.Duration{5 * time.Millisecond, 10 * time.Millisecond} {
			waitTimers(t, fake, 1)
			if got := tries.Load(); got != int32(i+1) {
				t.Fatalf("tries before backoff %d = %d, want %d", i, got, i+1)
			}
			fake.Advance(wait - time.Millisecond)
			if got := tries.Load(); got != int32(i+1) {
				t.Fatalf("retried %v into a %v backoff", wait-time.Millisecond, wait)
			}
			fake.Advance(time.Millisecond)
		}
		if err := <-done; err != nil {
			t.Fatalf("Write = %v, want nil after two retries", err)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM workspaces`); n != 1 {
			t.Fatalf("workspaces = %d, want 1", n)
		}
	})
}

// Retries stop as soon as the caller's context ends, even mid-backoff,
// and the caller learns both why it stopped and what failed.
func TestWriteStopsRetryingWhenContextEnds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		fake := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		d.SetRetryClock(fake)
		ctx, cancel := context.WithCancel(context.Background())
		var tries atomic.Int32
		done := make(chan error, 1)
		go func() {
			done <- d.Write(ctx, func(*db.Tx) error { tries.Add(1); return serializationFailure })
		}()
		waitTimers(t, fake, 1)
		cancel()
		err := <-done
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Write = %v, want context.Canceled", err)
		}
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "40001" {
			t.Fatalf("Write = %v, want the serialization failure kept", err)
		}
		if tries.Load() != 1 {
			t.Fatalf("tries = %d, want 1 (none after the context ended)", tries.Load())
		}
	})
}

// Errors that are not transient are returned at once, never retried.
func TestWriteDoesNotRetryOtherErrors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		var tries int
		boom := errors.New("boom")
		err := d.Write(context.Background(), func(*db.Tx) error { tries++; return boom })
		if !errors.Is(err, boom) || tries != 1 {
			t.Fatalf("Write = %v after %d tries, want boom after 1", err, tries)
		}
	})
}
