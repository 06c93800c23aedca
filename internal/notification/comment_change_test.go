package notification_test

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/notification"
)

// A comment edited to mention someone new tells them, once; those it
// mentioned before were told already. Deleted, its mentions leave the
// bells, and a consumer that reads its erased events again (behind the
// deletion) ends with none either.
func TestEditedAndDeletedCommentsMentions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk, hub, g := runBell(t, d)
		backgroundtest.WaitIdle(t, g)
		ws, ana, bob, convs, ch := bellWorkspace(t, d)
		conv, _ := writeIn(t, convs, ws.ID, ch, "+14155550100")
		if err := d.Write(ctx, func(tx *db.Tx) error { // Ana's to see
			_, err := conversation.AssignTx(ctx, tx, ws.ID, conv, conversation.AssignInput{UserID: ana.UserID, Source: conversation.SourceAPI})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		mentions := func() int {
			t.Helper()
			backgroundtest.WaitIdle(t, g)
			return dbtest.Count(t, d, `SELECT COUNT(*) FROM notifications WHERE kind = ? AND user_id = ?`, notification.KindMention, ana.UserID)
		}
		cm, err := convs.AddComment(ctx, bob, conv, conversation.CommentInput{Text: "refund it", UserID: bob.UserID})
		if err != nil {
			t.Fatal(err)
		}
		if n := mentions(); n != 0 {
			t.Fatalf("%d mentions of Ana before she is named", n)
		}
		for _, text := range []string{"@ana@acme.test refund it", "@ana@acme.test refund it today"} {
			if _, err := convs.EditComment(ctx, bob, conv, cm.ID, conversation.CommentInput{Text: text}); err != nil {
				t.Fatal(err)
			}
			if n := mentions(); n != 1 {
				t.Fatalf("after the edit to %q, Ana has %d mentions, want 1", text, n)
			}
		}
		if err := convs.DeleteComment(ctx, bob, conv, cm.ID); err != nil {
			t.Fatal(err)
		}
		if n := mentions(); n != 0 {
			t.Fatalf("the comment deleted, Ana still has %d mentions of it", n)
		}
		// Read again from the start (a rewound cursor), the erased events
		// make nothing.
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE event_consumers SET last_id = 0 WHERE name = ?`, notification.ConsumerName)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		again := background.NewGroup(clk)
		backgroundtest.Run(t, again, notification.NewConsumer(d, hub, again, 0).Run)
		backgroundtest.WaitIdle(t, again)
		if n := mentions(); n != 0 {
			t.Fatalf("read again, the deleted comment's events made %d mentions", n)
		}
	})
}
