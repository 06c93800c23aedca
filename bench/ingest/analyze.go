package main

import (
	"context"
	"database/sql"
	"time"
)

// analyzeWarm is the -analyze flag: whether PostgreSQL levels are
// analyzed once warm (analyzeWhenWarm).
var analyzeWarm = true

// analyzeAt is how many contacts a PostgreSQL level's database holds when
// the bench analyzes it (see analyzeWhenWarm).
const analyzeAt = 1000

// analyzeWhenWarm runs ANALYZE on the level's database once it holds
// analyzeAt contacts, as autovacuum does within its naptime (a minute) of
// a deployment's first thousand rows, and returns a function that stops
// waiting and reports how long after the load began the analyze ended (0:
// it did not run).
//
// Why: a writer connection's generic plan of a statement is made at its
// sixth run and kept until the tables' statistics change. A level lasts
// seconds on a fresh database, which autovacuum never reaches, so every
// plan was the one made on a few hundred rows without statistics: the
// receive lookup then probed the phone through contacts_stage and
// filtered every contact of the workspace per item (auto_explain: 2,329
// rows removed per item, over a third of the server's statement time),
// and whether it did depended on when each connection ran its sixth
// batch. A running deployment keeps the plans made with statistics; this
// measures those.
func analyzeWhenWarm(ctx context.Context, databaseURL string, began time.Time) (stop func() time.Duration) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan time.Duration, 1)
	go func() {
		var at time.Duration
		defer func() { done <- at }()
		d, err := sql.Open("pgx", databaseURL)
		if err != nil {
			return
		}
		defer d.Close()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			var n int
			if d.QueryRowContext(ctx, `SELECT count(*) FROM contact_identities`).Scan(&n) != nil || n < analyzeAt {
				continue
			}
			if _, err := d.ExecContext(ctx, `ANALYZE`); err != nil {
				logf("warning: analyze: %v", err)
				return
			}
			at = time.Since(began)
			return
		}
	}()
	return func() time.Duration {
		cancel()
		return <-done
	}
}
