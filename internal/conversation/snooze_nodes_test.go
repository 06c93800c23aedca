package conversation

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Two nodes' snooze timers wake the same conversations at the same moment:
// each is woken once, with one conversation.unsnoozed event.
func TestSnoozeTimersOnTwoNodes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		other := New(d, nil) // a second node's service: its timer only
		const n = 30
		until := time.Now().Add(400 * time.Millisecond)
		for i := range n {
			r := f.openOne(t, fmt.Sprintf("+1415555%04d", i))
			if _, err := f.svc.Snooze(ctx, f.ws.ID, r.ConversationID, until, 0); err != nil {
				t.Fatal(err)
			}
		}
		go f.svc.RunSnoozeTimer(ctx)
		go other.RunSnoozeTimer(ctx)
		deadline := time.Now().Add(10 * time.Second)
		for dbtest.Count(t, d, `SELECT COUNT(*) FROM conversations WHERE status = 'snoozed'`) > 0 {
			if time.Now().After(deadline) {
				t.Fatal("the timers did not wake every conversation")
			}
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		time.Sleep(100 * time.Millisecond) // let a late duplicate commit, if any
		if got := dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE type = 'conversation.unsnoozed'`); got != n {
			t.Fatalf("conversation.unsnoozed events = %d, want %d (one per conversation)", got, n)
		}
	})
}
