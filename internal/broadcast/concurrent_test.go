package broadcast_test

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/broadcast"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// TestTwoNodesSendOnce: two nodes sending the same broadcasts at once
// (several batches each, one cancelled on the way) reach every contact
// of each exactly once: one recipient row and one message per contact.
// Run with -race.
func TestTwoNodesSendOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d, broadcast.Options{Node: 1})
		w.start(t)
		g2 := background.NewGroup(w.clk)
		second := broadcast.New(d, broadcast.Options{Node: 2, Group: g2})
		backgroundtest.Run(t, g2, second.Run)
		contacts := w.writers(t, w.ch, 450)
		var ids []int64
		for i := range 3 {
			b := w.create(t, "Wave", w.ch, broadcast.Audience{}, broadcast.Message{Type: "text", Text: "wave"})
			if _, err := w.bc.Send(ctx, w.owner, b.ID, time.Time{}); err != nil {
				t.Fatal(err)
			}
			if i == 2 {
				// Cancelled at once: it stops wherever its sending is.
				if _, err := second.Cancel(ctx, w.owner, b.ID); err != nil {
					t.Fatal(err)
				}
			}
			ids = append(ids, b.ID)
		}
		// Each node's commits wake the other: idle one after the other is
		// not both idle, so wait until nothing is left to send.
		for w.count(t, `SELECT COUNT(*) FROM broadcasts WHERE due_at > 0`) > 0 {
			backgroundtest.WaitIdle(t, w.g)
			backgroundtest.WaitIdle(t, g2)
		}
		for i, id := range ids {
			b := w.get(t, id)
			want := len(contacts)
			if i == 2 {
				want = b.Stats.Recipients // however far it got
				if b.Status != broadcast.StatusCancelled {
					t.Errorf("cancelled broadcast is %s", b.Status)
				}
			} else if b.Status != broadcast.StatusSent {
				t.Errorf("broadcast %d is %s", id, b.Status)
			}
			if b.Stats.Recipients != want || b.Stats.Pending != want {
				t.Errorf("broadcast %d: %+v, want %d recipients", id, b.Stats, want)
			}
			if n := w.count(t, `SELECT COUNT(*) FROM (SELECT m.contact_id FROM broadcast_recipients r JOIN messages m ON m.id = r.message_id
				WHERE r.broadcast_id = ? GROUP BY m.contact_id HAVING COUNT(*) > 1) dup`, id); n != 0 {
				t.Errorf("broadcast %d: %d contacts reached twice", id, n)
			}
		}
		if n, want := w.count(t, `SELECT COUNT(*) FROM messages WHERE text = 'wave'`), 2*len(contacts)+w.get(t, ids[2]).Stats.Recipients; n != want {
			t.Errorf("%d messages, want %d", n, want)
		}
	})
}
