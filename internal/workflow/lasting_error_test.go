package workflow

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A run that fails to advance for a reason that lasts is tried again when
// its claim lapses, not at once: the timer released it after each failure
// and claimed it straight back, in a loop that logged an error per turn
// and never let the node idle.
func TestRunThatCannotAdvanceWaitsOutItsLease(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		run, _ := f.runSteps(`[{"id": "w", "type": "wait", "settings": {"seconds": 60}, "exits": {"next": "after"}},
			{"id": "after", "type": "send_message", "settings": {"text": "later"}}]`)
		f.stop() // the test drives a timer of its own
		// Its version is gone: every advance fails the same way.
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE workflow_runs SET version = 999 WHERE id = ?`, run.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(time.Minute)
		e := NewEngine(f.svc, f.hub, f.assigner, f.ws, EngineOptions{Group: background.NewGroup(f.clock)})
		leaseOf := func() int64 {
			var lease int64
			if err := d.Reader().QueryRow(ctx, `SELECT lease_until FROM workflow_runs WHERE id = ?`, run.ID).Scan(&lease); err != nil {
				t.Fatal(err)
			}
			return lease
		}
		if _, err := e.timerPass(ctx); err != nil {
			t.Fatal(err)
		}
		claimed := leaseOf()
		if want := db.Millis(f.clock.Now().Add(e.opts.Lease)); claimed != want {
			t.Fatalf("lease_until %d after the failed advance, want %d (kept until the lease ends)", claimed, want)
		}
		next, err := e.timerPass(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !next.Equal(db.Time(claimed)) {
			t.Fatalf("the timer's next pass is at %s, want the lease's end %s", next, db.Time(claimed))
		}
		f.clock.Advance(e.opts.Lease)
		if _, err := e.timerPass(ctx); err != nil {
			t.Fatal(err)
		}
		if again := leaseOf(); again <= claimed {
			t.Fatalf("lease_until %d, want a new claim past %d once the lease ended", again, claimed)
		}
	})
}
