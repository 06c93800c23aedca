package event_test

import (
	"context"
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
	first := appendCommitted(t, d, ws)
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
	held := holdAppend(t, d, ws)
	a := held.id
	b := appendCommitted(t, d, ws)
	got, err := d.EventHorizonFor(ctx, b)
	if err != nil || got >= a {
		t.Fatalf("horizon for %d with %d still open: %d (%v), want below %d", b, a, got, err, a)
	}
	if d.HorizonQueries() != queries+1 {
		t.Fatalf("%d queries for a horizon past the one seen, want 1", d.HorizonQueries()-queries)
	}
	if err := held.end(nil); err != nil {
		t.Fatal(err)
	}
	if got, err := d.EventHorizonFor(ctx, b); err != nil || got < b {
		t.Fatalf("horizon for %d once both committed: %d (%v)", b, got, err)
	}
}
