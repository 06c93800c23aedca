package conversation

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// An automatic reply (an out-of-office) in an open conversation is shown
// there, but it is nobody writing back: a snoozed conversation stays
// snoozed, nobody is counted as waiting for an answer to it, an
// auto-close deadline does not move, and its message.received says so
// for the workflows, AI agents and reports that read it.
func TestAnAutomaticReplyInAnOpenConversation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		auto := func(external, id string) Received {
			in := f.inbound(external, id, "I am away until Monday.")
			in.Automatic = true
			return f.receiveOne(t, in)
		}
		state := func(id int64) string {
			t.Helper()
			var status string
			var waiting, autoClose int64
			if err := d.Reader().QueryRow(ctx, `SELECT status, waiting_since, COALESCE(auto_close_at, 0) FROM conversations WHERE id = ?`, id).
				Scan(&status, &waiting, &autoClose); err != nil {
				t.Fatal(err)
			}
			w := "waiting"
			if waiting == NotWaiting {
				w = "answered"
			}
			return status + " " + w
		}

		// Answered by an agent, then an out-of-office: still answered.
		r := f.receiveOne(t, f.inbound("+15550101", "m1", "Where is my order?"))
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE conversations SET waiting_since = ? WHERE id = ?`, NotWaiting, r.ConversationID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		a := auto("+15550101", "m2")
		if a.ConversationID != r.ConversationID || a.MessageID == 0 || a.Opened {
			t.Fatalf("the automatic reply: %+v, want stored in conversation %d", a, r.ConversationID)
		}
		if got := state(r.ConversationID); got != "open answered" {
			t.Fatalf("after an automatic reply: %s, want open answered", got)
		}
		var payload string
		if err := d.Reader().QueryRow(ctx, `SELECT payload FROM events WHERE type = 'message.received' AND conversation_id = ? ORDER BY id DESC LIMIT 1`,
			r.ConversationID).Scan(&payload); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(payload, `"automatic":true`) {
			t.Fatalf("its message.received: %s, want it marked automatic", payload)
		}

		// Snoozed, then an out-of-office: still snoozed.
		s := f.receiveOne(t, f.inbound("+15550102", "m3", "Any news?"))
		if _, err := f.svc.Snooze(ctx, access.System(f.ws.ID), s.ConversationID, f.clock.Now().Add(2*time.Hour), 0); err != nil {
			t.Fatal(err)
		}
		auto("+15550102", "m4")
		if got := state(s.ConversationID); !strings.HasPrefix(got, StatusSnoozed+" ") {
			t.Fatalf("a snoozed conversation after an automatic reply: %s, want snoozed", got)
		}
		// The contact's own word still wakes it.
		f.receiveOne(t, f.inbound("+15550102", "m5", "Hello?"))
		if got := state(s.ConversationID); got != "open waiting" {
			t.Fatalf("after the contact writes: %s, want open waiting", got)
		}
	})
}
