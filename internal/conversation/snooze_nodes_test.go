package conversation

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Two nodes' snooze timers wake the same conversations at the same moment:
// each is woken once, with one conversation.unsnoozed event.
func TestSnoozeTimersOnTwoNodes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		other := New(d) // a second node's service: its timer only
		g := background.NewGroup(f.clock)
		backgroundtest.Run(t, g, f.svc.SnoozeTimer(g), other.SnoozeTimer(g))
		const n = 30
		var ids []int64
		for i := range n {
			ids = append(ids, f.openOne(t, fmt.Sprintf("+1415555%04d", i)).ConversationID)
		}
		until := f.clock.Now().Add(time.Minute) // one wake time for all
		for _, id := range ids {
			if _, err := f.svc.Snooze(ctx, access.System(f.ws.ID), id, until, 0); err != nil {
				t.Fatal(err)
			}
		}
		f.clock.Advance(time.Minute)
		// Idle: both timers have done all they will, duplicates included.
		backgroundtest.WaitIdle(t, g)
		if left := dbtest.Count(t, d, `SELECT COUNT(*) FROM conversations WHERE status = 'snoozed'`); left > 0 {
			t.Fatalf("%d conversations still snoozed after their time", left)
		}
		if got := dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE type = 'conversation.unsnoozed'`); got != n {
			t.Fatalf("conversation.unsnoozed events = %d, want %d (one per conversation)", got, n)
		}
	})
}
