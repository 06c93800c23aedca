package notification_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/notification"
)

// A mention or an assignment whose conversation is deleted (with its
// contact) before the consumer reaches the event makes no notification,
// and the consumer goes on to the next events: it used to fail on the
// notification's foreign key and retry the same batch forever, and no one
// in any workspace was notified of anything again.
func TestDeletedConversationDoesNotStopTheBell(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		d.SetClock(clk)
		ws, ana, bob, convs, ch := bellWorkspace(t, d)
		// The consumer reads from here: what follows is what it finds
		// when it runs (a node that was down, or behind).
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO event_consumers (name, last_id, updated_at) SELECT ?, COALESCE(MAX(id), 0), 0 FROM events`,
				notification.ConsumerName)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		open := func(from string) (conv, contact int64) { return writeIn(t, convs, ws.ID, ch, from) }
		mention := func(conv int64) {
			t.Helper()
			if _, err := convs.AddComment(ctx, bob, conv, conversation.CommentInput{Text: "look", Mentions: []int64{ana.UserID}, UserID: bob.UserID}); err != nil {
				t.Fatal(err)
			}
		}
		gone, goneContact := open("+14155550100")
		mention(gone)
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := conversation.AssignTx(ctx, tx, ws.ID, gone, conversation.AssignInput{UserID: ana.UserID, ByUser: bob.UserID, Source: conversation.SourceUser})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `DELETE FROM contacts WHERE id = ?`, goneContact)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		kept, _ := open("+14155550101")
		mention(kept)

		hub := event.NewHub()
		d.OnEvents(hub.Notify)
		g := background.NewGroup(clk)
		backgroundtest.Run(t, g, notification.NewConsumer(d, hub, g, 0).Run)
		backgroundtest.WaitIdle(t, g)
		if got := dbtest.Count(t, d, `SELECT COUNT(*) FROM notifications WHERE conversation_id = `+strconv.FormatInt(kept, 10)); got != 1 {
			t.Fatalf("%d notifications of the mention after the deleted conversation's events; want 1", got)
		}
		if got := dbtest.Count(t, d, `SELECT COUNT(*) FROM event_consumers WHERE name = 'notifications' AND last_id = (SELECT MAX(id) FROM events)`); got != 1 {
			t.Fatal("the consumer did not read to the end of the log")
		}
	})
}
