package event_test

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// A tail woken by a commit reads up to the event horizon and, when an open
// transaction holds the horizon short of the newest event, waits for that
// transaction's commit rather than asking for the horizon again at once:
// one horizon query for the wake-up, and every event handed out in order
// once the holder commits.
func TestTailHeldByTheHorizonAsksOncePerWakeUp(t *testing.T) {
	if len(dbtest.Dialects()) < 2 {
		t.Skip("PostgreSQL only: SQLite has no horizon")
	}
	d := dbtest.Open(t, db.Postgres)
	d.SetClock(newClock()) // the blocked tail's retry never comes on its own
	ctx := context.Background()
	ws := newWorkspace(t, d)
	hub := event.NewHub()
	var muted atomic.Bool
	d.OnEvents(func(last int64) {
		if !muted.Load() {
			hub.Notify(last)
		}
	})
	g := background.NewGroup(d.Clock())
	tail, err := event.NewTail(ctx, d, hub, g)
	if err != nil {
		t.Fatal(err)
	}
	sub := tail.Subscribe(func(event.Event) bool { return true })
	backgroundtest.Run(t, g, tail.Run)
	backgroundtest.WaitIdle(t, g)

	// C commits unheard, A takes the next id and stays open, B commits
	// after it: the commit of B wakes the tail with C readable below the
	// horizon and B above it.
	muted.Store(true)
	c := appendCommitted(t, d, ws)
	held := holdAppend(t, d, ws)
	muted.Store(false)
	before := d.HorizonQueries()
	b := appendCommitted(t, d, ws)
	backgroundtest.WaitIdle(t, g)
	if got := ids(<-sub.C); !slices.Equal(got, []int64{c}) {
		t.Fatalf("handed out %v while A is open, want [%d]", got, c)
	}
	if q := d.HorizonQueries() - before; q != 1 {
		t.Fatalf("%d horizon queries for one wake-up, want 1", q)
	}
	if err := held.end(nil); err != nil {
		t.Fatal(err)
	}
	if got := ids(<-sub.C); !slices.Equal(got, []int64{held.id, b}) {
		t.Fatalf("handed out %v after A committed, want [%d %d]", got, held.id, b)
	}
}
