package workflow

import (
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// TestWaitHoldsNoGoroutine checks a waiting run is only a row: the engine
// is stopped and restarted, and the wait still ends on time.
func TestWaitHoldsNoGoroutine(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		run, conv := f.runSteps(`[{"id": "w", "type": "wait", "settings": {"seconds": 3600}, "exits": {"next": "s"}},
			{"id": "s", "type": "send_message", "settings": {"text": "later"}}]`)
		if run.Status != StatusWaitingTimer || run.Step != "w" {
			t.Fatalf("status %s at %s", run.Status, run.Step)
		}
		f.stop()
		f.clock.Advance(time.Hour)
		f.start()
		f.eventually("the wait to end after the restart", func() bool { return len(f.outTexts(conv)) == 1 })
	})
}
