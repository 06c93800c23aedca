package db_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Two writes through the concurrent door on two nodes change the same
// two rows in opposite orders, the second reaching its first row while
// the first holds the other: without row locks named up front they
// deadlock, PostgreSQL aborts one after deadlock_timeout and the door
// runs it again. Named (WithRowLocks), both batches take the rows in id
// order before their jobs run: the second waits for the first, and each
// job runs once.
func TestNamedRowLocksTakeTurnsInsteadOfDeadlocking(t *testing.T) {
	ctx := context.Background()
	d1, d2, raw := twoNodes(t)
	var a, b int64
	for _, id := range []*int64{&a, &b} {
		if err := raw.QueryRow(`INSERT INTO workspaces (name, created_at) VALUES ('w', 1) RETURNING id`).Scan(id); err != nil {
			t.Fatal(err)
		}
	}
	touch := func(tx *db.Tx, id int64) error {
		_, err := tx.Exec(ctx, `UPDATE workspaces SET name = name || '.' WHERE id = ?`, id)
		return err
	}
	// waiting reports whether a backend waits for a row or a transaction:
	// the second write, at its named locks or at its first row.
	waiting := func() bool { n, err := dbtest.LockWaiters(ctx, raw); return err == nil && n > 0 }

	var runs1, runs2 atomic.Int32
	holdsB := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	wg.Go(func() {
		errs <- d1.WriteConcurrent(db.WithRows(ctx, "workspaces", a, b), func(tx *db.Tx) error {
			first := runs1.Add(1) == 1
			if err := touch(tx, b); err != nil {
				return err
			}
			if first {
				close(holdsB)
				if err := waitUntil(waiting); err != nil {
					return err
				}
			}
			return touch(tx, a)
		})
	})
	<-holdsB
	wg.Go(func() {
		errs <- d2.WriteConcurrent(db.WithRows(ctx, "workspaces", b, a), func(tx *db.Tx) error {
			runs2.Add(1)
			if err := touch(tx, a); err != nil {
				return err
			}
			return touch(tx, b)
		})
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if r1, r2 := runs1.Load(), runs2.Load(); r1 != 1 || r2 != 1 {
		t.Fatalf("the writes ran %d and %d times, want once each: a deadlock aborted one", r1, r2)
	}
	var name string
	if err := raw.QueryRow(`SELECT name FROM workspaces WHERE id = $1`, a).Scan(&name); err != nil || name != "w.." {
		t.Fatalf("row a is %q (%v), want both writes on it", name, err)
	}
}

// waitUntil returns once cond holds, or an error after a minute; unlike
// waitFor it may be called from any goroutine.
func waitUntil(cond func() bool) error {
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			return errors.New("condition not met within a minute")
		}
		runtime.Gosched()
	}
	return nil
}

// twoNodes returns, on a fresh PostgreSQL store, two handles on it (two
// nodes: two pools, two write doors) and a plain pool for the test's own
// reads. It skips the test without PostgreSQL: SQLite has one writer and
// none of the locks these tests are about.
func twoNodes(t *testing.T) (d1, d2 *db.DB, raw *sql.DB) {
	t.Helper()
	if os.Getenv(dbtest.EnvPostgres) == "" {
		t.Skip("PostgreSQL only: " + dbtest.EnvPostgres + " is not set")
	}
	cfg := dbtest.Config(t, db.Postgres)
	return dbtest.OpenConfig(t, cfg), dbtest.OpenConfig(t, cfg), dbtest.Raw(t, cfg)
}
