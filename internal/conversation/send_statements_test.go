package conversation

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
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

// Events a caller queued for the conversation (a workflow's timeline)
// take the sequence numbers just before the message's in the send's own
// UPDATE: no statement more than a send alone, and the conversation's
// events stay numbered from 1 without a gap, in the order of their ids.
// An event of another conversation is refused before anything is written.
func TestSendTakesTheEventsBeforeIt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		r := f.openOne(t, "before1")
		other := f.openOne(t, "before2")
		step := func(conv int64, name string) event.New {
			return event.New{WorkspaceID: f.ws.ID, Type: event.WorkflowStep, ConversationID: conv, Payload: map[string]any{"step": name}}
		}
		messages := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages`)
		err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := SendTx(ctx, tx, f.ws.ID, r.ConversationID, SendInput{Text: "Hello!", Sender: SourceWorkflow,
				Before: []event.New{step(r.ConversationID, "a"), step(other.ConversationID, "b")}})
			return err
		})
		if err == nil || dbtest.Count(t, d, `SELECT COUNT(*) FROM messages`) != messages {
			t.Fatalf("a send with another conversation's event before it: %v, %d messages (want an error and none written)",
				err, dbtest.Count(t, d, `SELECT COUNT(*) FROM messages`)-messages)
		}

		// Through the concurrent door, as workflow steps are: the events
		// then go in together with one INSERT.
		before := d.Statements()
		if err := d.WriteConcurrent(ctx, func(tx *db.Tx) error {
			_, err := SendTx(ctx, tx, f.ws.ID, r.ConversationID, SendInput{Text: "Hello!", Sender: SourceWorkflow,
				Before: []event.New{step(r.ConversationID, "a"), step(r.ConversationID, "b")}})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if n := d.Statements() - before; n > 6 {
			t.Errorf("a send with two events before it ran %d statements, want at most 6 (as a send alone)", n)
		}
		rows, err := d.Reader().Query(ctx, `SELECT seq, type, payload FROM events WHERE conversation_id = ? ORDER BY id`, r.ConversationID)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []string
		for i := int64(1); rows.Next(); i++ {
			var seq int64
			var typ, payload string
			if err := rows.Scan(&seq, &typ, &payload); err != nil {
				t.Fatal(err)
			}
			if seq != i {
				t.Fatalf("event %d in id order has seq %d", i, seq)
			}
			got = append(got, typ+" "+payload)
		}
		if n := len(got); n < 3 || !strings.Contains(got[n-3], `"step":"a"`) || !strings.Contains(got[n-2], `"step":"b"`) ||
			!strings.HasPrefix(got[n-1], "message.sent") {
			t.Fatalf("the conversation's events end with %q, want step a, step b, then the message", got)
		}
	})
}
