package workspace

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// PurgeExpired deletes every token and session expired at now, across
// several batches, keeps the rest, and returns the earliest expiry still
// pending; with nothing left to expire it returns the zero time.
func TestPurgeExpired(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		start := time.Unix(1_700_000_000, 0).UTC()
		clk := clock.NewFake(start)
		s := newTestService(d, Options{Clock: clk})
		ws, _ := s.Create(ctx, "Acme", "UTC")
		u, _ := s.CreateUser(ctx, ws.ID, NewUser{Email: "u@acme.io", Name: "U"})

		if next, err := s.PurgeExpired(ctx, start); err != nil || !next.IsZero() {
			t.Fatalf("purge of nothing = %v, %v; want zero time", next, err)
		}
		// More expired rows than one batch holds, written directly: the
		// fixture, not the code under test.
		expired := 2*purgeBatch + 7
		if err := d.Write(ctx, func(tx *db.Tx) error {
			for i := range expired {
				if _, err := tx.Exec(ctx, `INSERT INTO api_tokens (workspace_id, user_id, name, kind, token_hash, prefix, created_at, expires_at)
					VALUES (?, ?, 'session', 'session', ?, 'sb_x', ?, ?)`, ws.ID, u.ID, fmt.Sprint("hash", i), start.UnixMilli(), start.Add(-time.Duration(i+1)*time.Second).UnixMilli()); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		_, forever, _ := s.CreateToken(ctx, ws.ID, NewToken{Name: "forever"})
		_, soon, _ := s.CreateToken(ctx, ws.ID, NewToken{Name: "soon", TTL: time.Hour})
		_, later, _ := s.CreateToken(ctx, ws.ID, NewToken{Name: "later", TTL: 2 * time.Hour})
		_, now, _ := s.CreateToken(ctx, ws.ID, NewToken{Name: "exactly now", TTL: time.Minute})

		clk.Advance(time.Minute)
		next, err := s.PurgeExpired(ctx, clk.Now())
		if err != nil || !next.Equal(start.Add(time.Hour)) {
			t.Fatalf("purge = %v, %v; want the next expiry %v", next, err, start.Add(time.Hour))
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM api_tokens`); n != 3 {
			t.Fatalf("%d tokens left; want forever, soon and later", n)
		}
		for _, raw := range []string{forever, soon, later} {
			if _, err := s.Authenticate(ctx, raw); err != nil {
				t.Fatalf("a token that has not expired was purged: %v", err)
			}
		}
		if _, err := s.Authenticate(ctx, now); !errors.Is(err, apperr.ErrUnauthorized) {
			t.Fatalf("token expiring at the purge = %v", err)
		}

		clk.Advance(3 * time.Hour)
		if next, err := s.PurgeExpired(ctx, clk.Now()); err != nil || !next.IsZero() {
			t.Fatalf("purge of the rest = %v, %v; want zero time (only a token without expiry left)", next, err)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM api_tokens`); n != 1 {
			t.Fatalf("%d tokens left; want the one that never expires", n)
		}
	})
}

// The purge timer sleeps until the next expiry, is woken by a token that
// expires sooner, deletes it then and not before, and writes nothing while
// nothing expires.
func TestPurgeTimer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := clock.NewFake(time.Unix(1_700_000_000, 0).UTC())
		d.SetClock(clk)
		s := newTestService(d, Options{})
		ws, _ := s.Create(ctx, "Acme", "UTC")
		g := background.NewGroup(clk)
		backgroundtest.Run(t, g, s.PurgeTimer(g))
		backgroundtest.WaitIdle(t, g)
		s.CreateToken(ctx, ws.ID, NewToken{Name: "day", TTL: 24 * time.Hour})
		s.CreateToken(ctx, ws.ID, NewToken{Name: "hour", TTL: time.Hour})
		backgroundtest.WaitIdle(t, g)
		commits := d.Commits()
		clk.Advance(time.Hour - time.Millisecond)
		backgroundtest.WaitIdle(t, g)
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM api_tokens`); n != 2 || d.Commits() != commits {
			t.Fatalf("before any expiry: %d tokens, %d commits; want 2 and none", n, d.Commits()-commits)
		}
		clk.Advance(time.Millisecond)
		backgroundtest.WaitIdle(t, g)
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM api_tokens WHERE name = 'hour'`); n != 0 {
			t.Fatal("the token expired an hour ago is still there")
		}
		clk.Advance(23 * time.Hour)
		backgroundtest.WaitIdle(t, g)
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM api_tokens`); n != 0 {
			t.Fatalf("%d tokens left after every expiry", n)
		}
	})
}
