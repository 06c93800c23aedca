package conversation

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A send reserves its message.sent event's sequence number in the
// statement that updates the conversation, not in one more: a workflow
// run sends twice, and the single writer's time goes to statements. The
// event still follows the conversation's others.
func TestSendTakesItsSeqWithTheConversation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		r := f.openOne(t, "seq1")
		before := d.Statements()
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := SendTx(ctx, tx, f.ws.ID, r.ConversationID, SendInput{Text: "Hello!", Sender: SourceAPI})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		// The conversation read, the message, its status, its job, the
		// conversation's update and the event.
		if n := d.Statements() - before; n > 6 {
			t.Errorf("a send ran %d statements, want at most 6", n)
		}
		var seq, last int64
		if err := d.Reader().QueryRow(ctx, `SELECT e.seq, c.last_seq FROM events e JOIN conversations c ON c.id = e.conversation_id
			WHERE e.type = 'message.sent' AND e.conversation_id = ?`, r.ConversationID).Scan(&seq, &last); err != nil {
			t.Fatal(err)
		}
		if seq != last || seq < 2 {
			t.Errorf("message.sent has seq %d, the conversation's last is %d", seq, last)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(DISTINCT seq) FROM events WHERE conversation_id = ?`, r.ConversationID); n != int(last) {
			t.Errorf("%d distinct seqs, want %d", n, last)
		}
	})
}
