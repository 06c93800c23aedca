package main

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// lockSampler watches a PostgreSQL database while a level runs and sums
// the time its backends spend waiting for a heavyweight lock (advisory
// locks, row locks, transaction ids): pg_locks is sampled every few
// milliseconds and each backend found waiting counts for the interval. It
// also says what the wait is made of: each waiting backend's interval is
// charged to the lock it waits for, its statement and the statement of
// the backend holding it up, so a queue can be traced to its cause.
type lockSampler struct {
	db     *sql.DB
	cancel context.CancelFunc
	wg     sync.WaitGroup
	wait   time.Duration
	causes map[string]time.Duration
}

// lockCause is one kind of wait and the time spent in it.
type lockCause struct {
	What string
	Wait time.Duration
}

// lockSampleEvery is the sampling interval. Each sample reads pg_locks,
// which copies every lock of every backend: at 5 ms the sampler's own
// queries took about a twentieth of the server's CPU in the runs it
// measured (pg_stat_statements: 175 samples a second at 0.3–0.5 ms),
// CPU the nodes under test then lacked. At 25 ms it takes a fifth of
// that, and an 8 s level still gets over 300 samples.
const lockSampleEvery = 25 * time.Millisecond

// waitingQuery lists the backends of the current database waiting for a
// lock: the lock (its type, mode and target: a relation, an advisory key
// pair, a transaction), the waiter's statement and its first blocker's.
const waitingQuery = `
SELECT l.locktype, l.mode,
	CASE
		WHEN l.locktype = 'advisory' THEN l.classid::text || ',' || l.objid::text || ',' || l.objsubid::text
		WHEN l.relation IS NOT NULL THEN l.relation::regclass::text
		ELSE ''
	END,
	left(regexp_replace(a.query, '\s+', ' ', 'g'), 90),
	COALESCE((SELECT left(regexp_replace(b.query, '\s+', ' ', 'g'), 90) || ' [' || b.state || ']'
		FROM pg_stat_activity b WHERE b.pid = (pg_blocking_pids(a.pid))[1]), '')
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE NOT l.granted AND a.datname = current_database()`

func sampleLockWaits(ctx context.Context, databaseURL string) (*lockSampler, error) {
	d, err := sql.Open("pgx", databaseURL)
	if err != nil {
		return nil, err
	}
	d.SetMaxOpenConns(1)
	ctx, cancel := context.WithCancel(ctx)
	s := &lockSampler{db: d, cancel: cancel, causes: map[string]time.Duration{}}
	s.wg.Go(func() {
		t := time.NewTicker(lockSampleEvery)
		defer t.Stop()
		last := time.Now()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-t.C:
				s.sample(ctx, now.Sub(last))
				last = now
			}
		}
	})
	return s, nil
}

// sample charges interval to every backend waiting now.
func (s *lockSampler) sample(ctx context.Context, interval time.Duration) {
	rows, err := s.db.QueryContext(ctx, waitingQuery)
	if err != nil {
		return
	}
	defer rows.Close()
	for rows.Next() {
		var locktype, mode, target, waiter, blocker string
		if rows.Scan(&locktype, &mode, &target, &waiter, &blocker) != nil {
			return
		}
		s.wait += interval
		s.causes[fmt.Sprintf("%s %s %s | waits: %s | behind: %s", locktype, mode, target, waiter, blocker)] += interval
	}
}

// stop ends the sampling and returns the lock wait it summed and its
// causes, the longest first.
func (s *lockSampler) stop() (time.Duration, []lockCause) {
	s.cancel()
	s.wg.Wait()
	s.db.Close()
	causes := make([]lockCause, 0, len(s.causes))
	for what, wait := range s.causes {
		causes = append(causes, lockCause{what, wait})
	}
	slices.SortFunc(causes, func(a, b lockCause) int { return cmp.Compare(b.Wait, a.Wait) })
	return s.wait, causes
}

// topCauses renders the longest waits, at most n, one a line.
func topCauses(causes []lockCause, total time.Duration, n int) string {
	var b strings.Builder
	for _, c := range causes[:min(n, len(causes))] {
		fmt.Fprintf(&b, "    %5.1f%% %s\n", 100*c.Wait.Seconds()/max(total.Seconds(), 1e-9), c.What)
	}
	return b.String()
}

// deadlocks is how many deadlocks PostgreSQL found in the database at
// databaseURL (fresh for each level, so all of them the level's), or -1
// when it cannot tell. Each one is a transaction that waited
// deadlock_timeout (1 s by default) before being aborted and retried.
func deadlocks(ctx context.Context, databaseURL string) int64 {
	d, err := sql.Open("pgx", databaseURL)
	if err != nil {
		return -1
	}
	defer d.Close()
	var n int64
	if err := d.QueryRowContext(ctx, `SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()`).Scan(&n); err != nil {
		return -1
	}
	return n
}
