package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
)

// externalID is contact i's id on the custom channel.
func externalID(i int) string { return fmt.Sprintf("m%07d", i) }

// sendSample writes n contacts in through the node's webhook, each with
// one message, from concurrency clients.
func sendSample(ctx context.Context, hook *harness.Webhook, n, concurrency int) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, concurrency)
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)); i <= n; i = int(next.Add(1)) {
				body := harness.Body(hook.ChannelID, externalID(i), fmt.Sprintf("Contact %d", i),
					[]harness.Message{{MID: fmt.Sprintf("h%07d", i), Text: "hello"}}, time.Now())
				if _, err := hook.Post(ctx, body); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// waitQuiet waits until the sample is at rest: n runs wait at their
// question, no outbound message is pending, and the workflow engine has
// read the whole log. (Consumers of some event types store their cursor
// only when they next handle one, so theirs may stay behind.)
func waitQuiet(ctx context.Context, store *sql.DB, n int, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		var waiting, pending, behind int
		err := store.QueryRowContext(ctx, `SELECT
			(SELECT COUNT(*) FROM workflow_runs WHERE status = 'waiting_reply'),
			(SELECT COUNT(*) FROM outbound_jobs WHERE state = 'pending'),
			(SELECT COUNT(*) FROM event_consumers WHERE name = 'workflow'
				AND last_id < (SELECT MAX(id) FROM events))`).Scan(&waiting, &pending, &behind)
		if err != nil {
			return err
		}
		if waiting >= n && pending == 0 && behind == 0 {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("waiting: the sample was not at rest after %s", limit)
}

// target is a waiting run picked for the restart checks, with its
// contact's id on the channel.
type target struct {
	run      int64
	external string
}

// pickSpread picks n waiting runs spread over the whole id range: one at
// random in each of n equal slices of it, skipping runs taken before.
func pickSpread(ctx context.Context, store *sql.DB, n int, taken map[int64]bool, rng *rand.Rand) ([]target, error) {
	var lo, hi int64
	if err := store.QueryRowContext(ctx, `SELECT MIN(id), MAX(id) FROM workflow_runs WHERE status = 'waiting_reply'`).Scan(&lo, &hi); err != nil {
		return nil, err
	}
	width := max(1, (hi-lo+1)/int64(n))
	var out []target
	for i := range int64(n) {
		from := lo + i*width
		for try := 0; try < 20; try++ {
			id := from + rng.Int64N(width)
			if taken[id] {
				continue
			}
			var ext string
			err := store.QueryRowContext(ctx, `SELECT i.external_id FROM workflow_runs r
				JOIN contact_identities i ON i.contact_id = r.contact_id
				WHERE r.id = ? AND r.status = 'waiting_reply'`, id).Scan(&ext)
			if err == sql.ErrNoRows {
				continue
			}
			if err != nil {
				return nil, err
			}
			taken[id] = true
			out = append(out, target{run: id, external: ext})
			break
		}
	}
	if len(out) < n {
		return nil, fmt.Errorf("waiting: found %d waiting runs to pick, want %d", len(out), n)
	}
	return out, nil
}

// ids lists the targets' run ids for an IN clause.
func ids(ts []target) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = fmt.Sprint(t.run)
	}
	return strings.Join(s, ",")
}

// makeDue moves the question's timeout of the targets to now, as if their
// hour had passed while the node was down. It writes the store directly,
// with the node stopped.
func makeDue(ctx context.Context, rw *sql.DB, ts []target) error {
	_, err := rw.ExecContext(ctx, `UPDATE workflow_runs SET wake_at = ? WHERE id IN (`+ids(ts)+`)`, time.Now().UnixMilli())
	return err
}

// answer sends each target's contact the answer "Sales" through the
// webhook, from concurrency clients, and returns when each was sent.
func answer(ctx context.Context, hook *harness.Webhook, ts []target, round string, concurrency int) (map[int64]time.Time, error) {
	sent := make([]time.Time, len(ts))
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, concurrency)
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < len(ts); i = int(next.Add(1)) - 1 {
				body := harness.Body(hook.ChannelID, ts[i].external, "", []harness.Message{{
					MID: fmt.Sprintf("a%d-%s", ts[i].run, round), Text: "Sales"}}, time.Now())
				sent[i] = time.Now()
				if _, err := hook.Post(ctx, body); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	out := make(map[int64]time.Time, len(ts))
	for i, t := range ts {
		out[t.run] = sent[i]
	}
	return out, <-errs
}

// advanced waits until every target's run has left its question (its
// step is another one) and returns, for each, how long after from it was
// first seen there. It looks every 25 ms, so that is the resolution.
func advanced(ctx context.Context, store *sql.DB, ts []target, from map[int64]time.Time, limit time.Duration) ([]time.Duration, error) {
	left := map[int64]bool{}
	for _, t := range ts {
		left[t.run] = true
	}
	var took []time.Duration
	deadline := time.Now().Add(limit)
	for len(left) > 0 && time.Now().Before(deadline) {
		rest := make([]target, 0, len(left))
		for id := range left {
			rest = append(rest, target{run: id})
		}
		rows, err := store.QueryContext(ctx, `SELECT id FROM workflow_runs WHERE id IN (`+ids(rest)+`) AND step <> 'ask_need'`)
		if err != nil {
			return nil, err
		}
		now := time.Now()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			delete(left, id)
			took = append(took, now.Sub(from[id]))
		}
		rows.Close()
		if len(left) > 0 {
			time.Sleep(25 * time.Millisecond)
		}
	}
	slices.Sort(took)
	if len(left) > 0 {
		return took, fmt.Errorf("waiting: %d of %d runs still at their question after %s", len(left), len(ts), limit)
	}
	return took, nil
}

// pct returns the p-th percentile of sorted durations.
func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[(len(sorted)-1)*p/100]
}
