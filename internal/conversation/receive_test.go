package conversation

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// 100 goroutines deliver messages of one new contact at once, each webhook
// twice: one contact, one open conversation, one conversation.opened, and
// every message stored exactly once.
func TestReceiveSameContactConcurrently(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		const senders, perSender = 100, 3
		var wg sync.WaitGroup
		errs := make(chan error, senders*perSender*2)
		for g := 0; g < senders; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				for i := 0; i < perSender; i++ {
					in := f.inbound("+14155550100", fmt.Sprintf("m-%d-%d", g, i), "hello")
					for delivery := 0; delivery < 2; delivery++ {
						if _, err := f.svc.Receive(ctx, []Inbound{in}); err != nil {
							errs <- err
						}
					}
				}
			}(g)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("receive: %v", err)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM contacts`); n != 1 {
			t.Errorf("contacts = %d, want 1", n)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM conversations WHERE status <> 'closed'`); n != 1 {
			t.Errorf("open conversations = %d, want 1", n)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE type = 'conversation.opened'`); n != 1 {
			t.Errorf("conversation.opened events = %d, want 1", n)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages`); n != senders*perSender {
			t.Errorf("messages = %d, want %d", n, senders*perSender)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE type = 'message.received'`); n != senders*perSender {
			t.Errorf("message.received events = %d, want %d", n, senders*perSender)
		}
		// Sequence numbers of the conversation are 1..n without gaps or repeats.
		if n := dbtest.Count(t, d, `SELECT COUNT(DISTINCT seq) FROM events WHERE conversation_id IS NOT NULL`); n != senders*perSender+1 {
			t.Errorf("distinct seqs = %d, want %d", n, senders*perSender+1)
		}
		if n := dbtest.Count(t, d, `SELECT MAX(seq) FROM events`); n != senders*perSender+1 {
			t.Errorf("max seq = %d, want %d", n, senders*perSender+1)
		}
	})
}

// Closing the conversation, then a new message, opens a second one with a
// second conversation.opened of source contact.
func TestReceiveAfterCloseOpensNewConversation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		r1, err := f.svc.Receive(ctx, []Inbound{f.inbound("cust-1", "a", "hi")})
		if err != nil || !r1[0].Opened {
			t.Fatalf("first receive: %+v %v", r1, err)
		}
		if _, err := f.svc.Close(ctx, access.System(f.ws.ID), r1[0].ConversationID, CloseInput{Source: SourceUser}); err != nil {
			t.Fatal(err)
		}
		r2, err := f.svc.Receive(ctx, []Inbound{f.inbound("cust-1", "b", "again")})
		if err != nil {
			t.Fatal(err)
		}
		if !r2[0].Opened || r2[0].ConversationID == r1[0].ConversationID || r2[0].ContactID != r1[0].ContactID {
			t.Fatalf("second receive = %+v, want a new conversation for the same contact", r2[0])
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE type = 'conversation.opened' AND payload LIKE '%"source":"contact"%'`); n != 2 {
			t.Errorf("conversation.opened with source contact = %d, want 2", n)
		}
		// A redelivery of the first message is still recognised after the close.
		r3, err := f.svc.Receive(ctx, []Inbound{f.inbound("cust-1", "a", "hi")})
		if err != nil || !r3[0].Duplicate || r3[0].MessageID != r1[0].MessageID {
			t.Fatalf("redelivery = %+v %v, want duplicate of %d", r3, err, r1[0].MessageID)
		}
	})
}
