package crashtest

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// horizonSampler samples, during a proof, which transaction holds the
// event horizon back: the one holding the lowest event floor (an advisory
// lock taken with a transaction's first event id, see migration 038), its
// age and its last statement. Readers of the log on every node wait for
// that transaction's end, so its age is what the events after it wait
// before any socket can see them. The age counts from the transaction's
// start, not from its floor: a bound, not the wait itself.
type horizonSampler struct {
	mu     sync.Mutex
	held   []time.Duration            // ages, one per sample that found a holder
	byLast map[string][]time.Duration // the same, by the holder's last statement
	free   int                        // samples that found no holder
}

func startHorizonSampler(ctx context.Context, st *sql.DB, wg *sync.WaitGroup) *horizonSampler {
	s := &horizonSampler{byLast: map[string][]time.Duration{}}
	wg.Go(func() {
		everyUntilDone(ctx, 100*time.Millisecond, func() {
			var age float64
			var last string
			err := st.QueryRowContext(ctx, `SELECT EXTRACT(EPOCH FROM clock_timestamp() - a.xact_start), COALESCE(a.query, '')
				FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
				WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.classid::bigint >= 1880000000 AND l.granted
				ORDER BY l.classid::bigint, l.objid::bigint LIMIT 1`).Scan(&age, &last)
			if ctx.Err() != nil {
				return // the test ended mid-sample: not a sample
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			switch {
			case errors.Is(err, sql.ErrNoRows):
				s.free++
			case err == nil:
				d := time.Duration(age * float64(time.Second))
				last = strings.Join(strings.Fields(last), " ")
				if len(last) > 60 {
					last = last[:60]
				}
				s.held = append(s.held, d)
				s.byLast[last] = append(s.byLast[last], d)
			}
		})
	})
	return s
}

// report logs how often the horizon was held, for how long, and the
// holders' most frequent last statements.
func (s *horizonSampler) report(t *testing.T) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	p50, p99, worst := percentiles(s.held)
	t.Logf("event horizon held back in %d of %d samples; the holder's transaction was p50 %s, p99 %s, max %s old",
		len(s.held), len(s.held)+s.free, p50, p99, worst)
	lasts := slices.SortedFunc(maps.Keys(s.byLast), func(a, b string) int { return cmp.Compare(len(s.byLast[b]), len(s.byLast[a])) })
	for _, last := range lasts[:min(len(lasts), 6)] {
		p50, _, _ := percentiles(s.byLast[last])
		t.Logf("  %d samples (p50 %s) at: %s", len(s.byLast[last]), p50.Round(time.Millisecond), last)
	}
}
