package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
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
	a, b := twoWorkspaces(t, raw)
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

// A write holds row b (TryLockRow, as a claim takes an agent) when a
// batch on another node that named rows a and b has locked a, in id
// order, and waits for b. The write then needs a, held by that batch:
// waiting would close a cycle that PostgreSQL breaks only after
// deadlock_timeout. WaitRow gives way at once instead (ErrLockOrder): the
// write's batch rolls back, the named batch goes on, and the write runs
// again on its own and lands. The write's second run waits until the
// named batch has committed: the door retries after a short backoff, and
// on a loaded machine it could take b again before the named batch,
// woken by the rollback, did, then wait for a — a real deadlock between
// two runs the test did not mean to race (once seen in CI). What the
// second run does with rows held is TestWaitRowWaitsWhenRunAlone's.
func TestWaitRowGivesWayDownwardsInsteadOfDeadlocking(t *testing.T) {
	ctx := context.Background()
	d1, d2, raw := twoNodes(t)
	a, b := twoWorkspaces(t, raw)
	waiting := func() bool { n, err := dbtest.LockWaiters(ctx, raw); return err == nil && n > 0 }

	var named, claims, gaveWay, deadlocked atomic.Int32
	holdsB, namedDone := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	wg.Go(func() {
		errs <- d2.WriteConcurrent(ctx, func(tx *db.Tx) error {
			first := claims.Add(1) == 1
			if !first {
				<-namedDone
			}
			for _, id := range []int64{b, a} {
				free, err := tx.TryLockRow(ctx, "workspaces", id)
				if err != nil {
					return err
				}
				if first && id == b {
					close(holdsB)
					if err := waitUntil(waiting); err != nil {
						return err
					}
				}
				if free {
					continue
				}
				err = tx.WaitRow(ctx, "workspaces", id)
				tallyLockOutcome(err, &gaveWay, &deadlocked)
				if err != nil {
					return err
				}
			}
			return nil
		})
	})
	<-holdsB
	wg.Go(func() {
		errs <- d1.WriteConcurrent(db.WithRows(ctx, "workspaces", a, b), func(tx *db.Tx) error {
			named.Add(1)
			_, err := tx.Exec(ctx, `UPDATE workspaces SET name = name || '.' WHERE id IN (?, ?)`, a, b)
			return err
		})
		close(namedDone)
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if deadlocked.Load() != 0 || gaveWay.Load() != 1 {
		t.Fatalf("%d deadlocks and %d give-ways, want none and one", deadlocked.Load(), gaveWay.Load())
	}
	if n, c := named.Load(), claims.Load(); n != 1 || c != 2 {
		t.Fatalf("the named write ran %d times and the other %d, want once and twice (given way, then alone)", n, c)
	}
}

// Run again on its own after giving way, a write waits for a lower row
// although it holds a higher one: what it holds is then its own job's,
// and giving way again would only repeat until the door ran out of
// retries. Under NoWait WaitRow never waits. A row locked by a statement
// of the write's own (a trigger's update) counts once noted
// (NoteRowHeld), as one taken by TryLockRow does.
func TestWaitRowWaitsWhenRunAlone(t *testing.T) {
	ctx := context.Background()
	d, _, raw := twoNodes(t)
	a, b := twoWorkspaces(t, raw)
	for _, tc := range []struct {
		name string
		take func(tx *db.Tx) error
	}{
		{"taken by TryLockRow", func(tx *db.Tx) error {
			if free, err := tx.TryLockRow(ctx, "workspaces", b); err != nil || !free {
				return fmt.Errorf("row b: free %v, %v", free, err)
			}
			return nil
		}},
		{"updated and noted", func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `UPDATE workspaces SET name = name WHERE id = ?`, b); err != nil {
				return err
			}
			tx.NoteRowHeld("workspaces", b)
			return nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			holder := dbtest.HoldRows(t, raw, "workspaces", "id", a)
			var runs atomic.Int32
			var noWait error
			done := make(chan error, 1)
			go func() {
				done <- d.WriteConcurrent(ctx, func(tx *db.Tx) error {
					runs.Add(1)
					if err := tc.take(tx); err != nil {
						return err
					}
					noWait = tx.WaitRow(db.NoWait(ctx), "workspaces", a)
					return tx.WaitRow(ctx, "workspaces", a)
				})
			}()
			dbtest.AwaitLockWaiterBefore(t, raw, done, "a write while row a was held")
			if err := holder.Commit(); err != nil {
				t.Fatal(err)
			}
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if n := runs.Load(); n != 2 {
				t.Fatalf("the write ran %d times, want twice: given way, then waiting alone", n)
			}
			if !errors.Is(noWait, db.ErrLockOrder) {
				t.Fatalf("WaitRow under NoWait: %v, want ErrLockOrder", noWait)
			}
		})
	}
}

// Below a row it holds, WaitRow never waits, but a row nobody else holds
// is no cycle: a free row, or one the transaction holds already (its
// batch named it), is taken at once, and the write runs once instead of
// giving way and running again alone. A status report takes its
// message's conversation so (conversation.statusTx), usually one its
// batch named.
func TestWaitRowTakesAFreeOrOwnRowBelowOneHeld(t *testing.T) {
	ctx := context.Background()
	d, _, raw := twoNodes(t)
	a, b := twoWorkspaces(t, raw)
	for _, tc := range []struct {
		name string
		ctx  context.Context
	}{
		{"free", ctx},
		{"named by the batch", db.WithRows(ctx, "workspaces", a, b)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var runs atomic.Int32
			err := d.WriteConcurrent(tc.ctx, func(tx *db.Tx) error {
				runs.Add(1)
				if free, err := tx.TryLockRow(ctx, "workspaces", b); err != nil || !free {
					return fmt.Errorf("row b: free %v, %v", free, err)
				}
				if err := tx.WaitRow(ctx, "workspaces", a); err != nil {
					return err
				}
				if !dbtest.RowLocked(t, raw, "workspaces", a) {
					return errors.New("row a is not locked after WaitRow")
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if n := runs.Load(); n != 1 {
				t.Fatalf("the write ran %d times, want once", n)
			}
		})
	}
}

// twoWorkspaces inserts two workspaces, a < b, whose rows the row-lock
// tests lock.
func twoWorkspaces(t *testing.T, raw *sql.DB) (a, b int64) {
	t.Helper()
	for _, id := range []*int64{&a, &b} {
		if err := raw.QueryRow(`INSERT INTO workspaces (name, created_at) VALUES ('w', 1) RETURNING id`).Scan(id); err != nil {
			t.Fatal(err)
		}
	}
	return a, b
}

// The statement that takes a batch's named rows probes each through the
// table's primary key in its generic plan on a fresh store (no statistics
// yet: the plan a writer connection keeps until autovacuum's first
// analyze), and locks under that probe. Written "key = ANY(array) ORDER
// BY key FOR NO KEY UPDATE", it was planned as a scan of the whole table.
func TestLockRowsProbesThePrimaryKey(t *testing.T) {
	for _, c := range []struct{ table, index string }{{"conversations", "conversations_pkey"}, {"routing_agents", "routing_agents_pkey"}} {
		plan := dbtest.GenericPlan(t, db.LockRowsSQL(c.table), `'{1,2}'::bigint[]`)
		if strings.Contains(plan, "Seq Scan") || !strings.Contains(plan, "using "+c.index+" ") || !strings.Contains(plan, "LockRows") {
			t.Errorf("%s: the rows are not locked through the primary key:\n%s", c.table, plan)
		}
	}
}
