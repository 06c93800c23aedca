package conversation

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// TestBlockedContact: blocking a contact closes their open conversation
// (with a note, no category) and their later messages are stored once,
// in no conversation, with a message.received that says so and opens
// nothing; nobody can open one for them. Unblocked, their next message
// opens a conversation again.
func TestBlockedContact(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		sys := access.System(f.ws.ID)
		contacts := contact.New(d)
		contacts.SetConversationCloser(CloseForMergeTx)
		// The workspace asks a category and a summary of every close: a block needs neither.
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE workspaces SET closing_notes_mode = 'both_required' WHERE id = ?`, f.ws.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		first := f.receiveOne(t, f.inbound("+15550001", "m1", "hello"))

		c, err := contacts.Block(ctx, sys, first.ContactID, true)
		if err != nil || c.BlockedAt.IsZero() {
			t.Fatalf("block: %+v, %v", c, err)
		}
		conv, err := f.svc.Get(ctx, sys, first.ConversationID)
		if err != nil || conv.Status != StatusClosed || conv.ClosedSource != SourceAPI || conv.CloseSummary != "Contact blocked" {
			t.Fatalf("the open conversation after a block: %+v, %v", conv, err)
		}
		if again, err := contacts.Block(ctx, sys, first.ContactID, true); err != nil || !again.BlockedAt.Equal(c.BlockedAt) {
			t.Errorf("blocking again: %+v, %v; want nothing changed", again, err)
		}

		spam := f.receiveOne(t, f.inbound("+15550001", "m2", "buy now"))
		if !spam.Blocked || spam.Opened || spam.ConversationID != 0 || spam.MessageID == 0 {
			t.Fatalf("a blocked contact's message: %+v", spam)
		}
		if again := f.receiveOne(t, f.inbound("+15550001", "m2", "buy now")); !again.Duplicate || again.MessageID != spam.MessageID {
			t.Errorf("its redelivery: %+v, want the same message", again)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM conversations WHERE contact_id = ? AND status <> 'closed'`, first.ContactID); n != 0 {
			t.Errorf("%d open conversations for a blocked contact", n)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages WHERE contact_id = ? AND conversation_id IS NULL`, first.ContactID); n != 1 {
			t.Errorf("%d messages in no conversation, want the one", n)
		}
		evs, err := event.ListAll(ctx, d.Reader(), 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		var said struct {
			Blocked   bool  `json:"blocked"`
			MessageID int64 `json:"message_id"`
		}
		for _, e := range evs {
			if e.Type == event.MessageReceived && e.ConversationID == 0 {
				json.Unmarshal(e.Payload, &said)
			}
		}
		if !said.Blocked || said.MessageID != spam.MessageID {
			t.Errorf("message.received of the blocked message: %+v", said)
		}

		_, err = f.svc.Open(ctx, sys, OpenInput{ContactID: first.ContactID, Source: SourceAPI})
		if apperr.KindOf(err) != apperr.KindConflict {
			t.Errorf("opening for a blocked contact: %v, want a conflict", err)
		}

		if c, err := contacts.Block(ctx, sys, first.ContactID, false); err != nil || !c.BlockedAt.IsZero() {
			t.Fatalf("unblock: %+v, %v", c, err)
		}
		back := f.receiveOne(t, f.inbound("+15550001", "m3", "sorry, a real question"))
		if !back.Opened || back.Blocked || back.ConversationID == 0 {
			t.Errorf("after the unblock: %+v, want a conversation opened", back)
		}
	})
}

// TestBlockDuringReceives: a block racing a contact's messages leaves no
// open conversation once it has committed, and every message stored once
// (before the block, in a conversation it then closes; after, in none).
func TestBlockDuringReceives(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		sys := access.System(f.ws.ID)
		contacts := contact.New(d)
		contacts.SetConversationCloser(CloseForMergeTx)
		first := f.receiveOne(t, f.inbound("+15550009", "r0", "hello"))
		const n = 20
		errs := make(chan error, n+1)
		for i := range n {
			go func() {
				_, err := f.svc.Receive(ctx, []Inbound{f.inbound("+15550009", fmt.Sprintf("r%d", i+1), "more")})
				errs <- err
			}()
		}
		go func() {
			_, err := contacts.Block(ctx, sys, first.ContactID, true)
			errs <- err
		}()
		for range n + 1 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		if got := dbtest.Count(t, d, `SELECT COUNT(*) FROM conversations WHERE contact_id = ? AND status <> 'closed'`, first.ContactID); got != 0 {
			t.Errorf("%d open conversations after the block", got)
		}
		if got := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages WHERE contact_id = ?`, first.ContactID); got != n+1 {
			t.Errorf("%d messages stored, want %d", got, n+1)
		}
		if again := f.receiveOne(t, f.inbound("+15550009", "late", "still here")); !again.Blocked {
			t.Errorf("a message after the block: %+v", again)
		}
	})
}
