package workflow

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// TestAnHTTPCallOutlastingTheLeaseIsNotMadeTwice: a run's HTTP Request
// may take its whole timeout (30 s at most), as long as the default lease
// on the run. Meanwhile its node is alive and the run is its own: another
// node must not claim the run and make the call a second time. The claim
// lasted from before the call, so another node took the run over as the
// call neared its timeout and called again (HTTP Request repeats only
// after a crash, says the doc).
func TestAnHTTPCallOutlastingTheLeaseIsNotMadeTwice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixtureWith(t, d, loopbackAllowed)
		ctx := context.Background()
		h := newHeldCall(t)
		w := f.manual("held", `[`+h.step("")+`]`)
		got := f.write("+14155550811", "hi")
		run := f.startFor(w, got.ContactID)
		<-h.entered
		// Another node, not run: the test claims by hand as its timer
		// would once the clock passes its lease.
		other := NewEngine(NewService(d), event.NewHub(), nil, nil, EngineOptions{Node: 2})
		f.clock.Advance(31 * time.Second)
		ids, _, err := other.claim(ctx)
		close(h.release) // before any failure: the engine's close waits for the call
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != 0 {
			t.Fatalf("another node claimed runs %v while run %d's call is in flight", ids, run)
		}
		if r := f.settle(w, run); r.Status != StatusFinished {
			t.Fatalf("run %s, history %+v", r.Status, r.History)
		}
		// The lease is given back with the run's end.
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM workflow_runs WHERE id = ? AND lease_until = 0`, run); n != 1 {
			t.Fatal("the finished run keeps its lease")
		}
	})
}
