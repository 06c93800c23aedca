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
		var ids []int64
		for i := range n {
			ids = append(ids, f.openOne(t, fmt.Sprintf("+1415555%04d", i)).ConversationID)
		}
		// One wake time for all, far enough ahead that snoozing 30 stays
		// before it on a loaded machine (opening them may not: it is done
		// first).
		until := time.Now().Add(time.Second)
		for _, id := range ids {
			if _, err := f.svc.Snooze(ctx, f.ws.ID, id, until, 0); err != nil {
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
