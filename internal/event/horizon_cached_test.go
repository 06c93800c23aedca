package event_test

import (
	"context"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A horizon already seen answers a reader that wants no further, without
// a query (a scan of pg_locks); one that wants further queries, and is
// still held below an event whose transaction is open.
func TestHorizonSeenAnswersWithoutAQuery(t *testing.T) {
	if len(dbtest.Dialects()) < 2 {
		t.Skip("PostgreSQL only: SQLite has no horizon")
	}
	d := dbtest.Open(t, db.Postgres)
	ctx := context.Background()
	ws := newWorkspace(t, d)
	appendOne := func() int64 {
		t.Helper()
		var id int64
		if err := d.WriteConcurrent(ctx, func(tx *db.Tx) error {
			var err error
			id, err = appendNow(ctx, tx, ws)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	first := appendOne()
	h, err := d.EventHorizon(ctx)
	if err != nil || h < first {
		t.Fatalf("horizon %d (%v) after event %d committed", h, err, first)
	}
	queries, cached := d.HorizonQueries(), d.HorizonCached()
	if got, err := d.EventHorizonFor(ctx, first); err != nil || got != h {
		t.Fatalf("horizon for %d: %d (%v), want the one seen, %d", first, got, err, h)
	}
	if d.HorizonQueries() != queries || d.HorizonCached() != cached+1 {
		t.Fatalf("%d queries, %d answered from the horizon seen; want 0 and 1", d.HorizonQueries()-queries, d.HorizonCached()-cached)
	}

	// A takes an id and stays open; B commits a later one.
	aTook, aGo, aDone := make(chan int64, 1), make(chan struct{}), make(chan error, 1)
	var release sync.Once
	letAGo := func() { release.Do(func() { close(aGo) }) }
	defer letAGo()
	go func() {
		aDone <- d.WriteConcurrent(ctx, func(tx *db.Tx) error {
			id, err := appendNow(ctx, tx, ws)
			if err != nil {
				return err
			}
			select {
			case aTook <- id:
			default:
			}
			<-aGo
			return nil
		})
	}()
	a := <-aTook
	b := appendOne()
	got, err := d.EventHorizonFor(ctx, b)
	if err != nil || got >= a {
		t.Fatalf("horizon for %d with %d still open: %d (%v), want below %d", b, a, got, err, a)
	}
	if d.HorizonQueries() != queries+1 {
		t.Fatalf("%d queries for a horizon past the one seen, want 1", d.HorizonQueries()-queries)
	}
	letAGo()
	if err := <-aDone; err != nil {
		t.Fatal(err)
	}
	if got, err := d.EventHorizonFor(ctx, b); err != nil || got < b {
		t.Fatalf("horizon for %d once both committed: %d (%v)", b, got, err)
	}
}
