package main

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
)

// restart is one round: with the node stopped, it picks c.timers waiting
// runs and moves their question's timeout to now (due while the node is
// down) and picks c.answers others; then it starts the node, answers
// those through the webhook as soon as it is ready, and measures how soon
// each run moved past its question. It returns the running node.
func restart(ctx context.Context, c config, opts harness.Options, metricsAddr string, store, rw *sql.DB, d harness.Demo,
	taken map[int64]bool, rng *rand.Rand, how string) (round, *harness.Server, error) {
	rd := round{how: how}
	due, err := pickSpread(ctx, store, c.timers, taken, rng)
	if err != nil {
		return rd, nil, err
	}
	answered, err := pickSpread(ctx, store, c.answers, taken, rng)
	if err != nil {
		return rd, nil, err
	}
	if err := makeDue(ctx, rw, due); err != nil {
		return rd, nil, err
	}
	s, b, err := startNode(ctx, opts, metricsAddr, func(s *harness.Server, began time.Time) error {
		// The due runs are watched from the start, beside the answers.
		from := make(map[int64]time.Time, len(due))
		for _, t := range due {
			from[t.run] = began
		}
		timersDone := make(chan error, 1)
		go func() {
			var err error
			rd.timers, err = advanced(ctx, store, due, from, time.Minute)
			timersDone <- err
		}()
		hook := harness.NewWebhook(s.URL, d, c.concurrency)
		sent, err := answer(ctx, hook, answered, how, c.concurrency)
		if err == nil {
			rd.answers, err = advanced(ctx, store, answered, sent, time.Minute)
			rd.answered = time.Since(began)
		}
		if terr := <-timersDone; err == nil {
			err = terr
		}
		return err
	})
	rd.boot = b
	return rd, s, err
}
