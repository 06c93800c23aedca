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

// storeShapePg is storeShape in PostgreSQL's SQL: what the receive path
// wrote, without ids.
func storeShapePg(t *testing.T, d *db.DB) []string {
	t.Helper()
	return shapeRows(t, d, []string{
		`SELECT m.provider_message_id || ' ' || m.type || ' ' || m.text || ' ' || m.content || ' ' || m.status || ' ' || m.sender || ' ' ||
			m.direction || ' ' || m.sent_at || ' ' || m.created_at || ' contact=' || c.first_name || '/' || COALESCE(c.phone, '') || '/' ||
			COALESCE(c.email, '') || '/' || c.last_incoming_at || '/' || (c.lifecycle_stage_id IS NOT NULL) || '/' || c.is_test || '/' ||
			c.created_at || ' conv=' || cv.status || '/' || cv.last_seq || '/' || cv.waiting_since || '/' || cv.last_message_at || '/' ||
			cv.last_incoming_at || '/' || cv.auto_close_at || '/' || cv.opened_source || '/' || cv.opened_at || '/' || cv.is_test || '/' ||
			COALESCE(cv.channel_id, 0) || ' events=' ||
			(SELECT string_agg(x, ',') FROM (SELECT e.type || ':' || e.seq || ':' || e.created_at AS x FROM events e
				WHERE e.conversation_id = cv.id ORDER BY e.seq, e.type) s)
			FROM messages m JOIN contacts c ON c.id = m.contact_id JOIN conversations cv ON cv.id = m.conversation_id
			ORDER BY m.provider_message_id`,
		`SELECT ci.external_id || ' -> ' || c.first_name || '/' || COALESCE(c.phone, '') || ' ' || ci.created_at FROM contact_identities ci
			JOIN contacts c ON c.id = ci.contact_id ORDER BY ci.external_id`,
		`SELECT e.type || ' ' || (e.payload::jsonb->>'first_name') || ' ' || COALESCE(e.payload::jsonb->>'phone', '') || ' ' ||
			((e.payload::jsonb->>'contact_id')::bigint = e.contact_id) FROM events e WHERE e.type = 'contact.created'
			ORDER BY e.payload::jsonb->>'first_name'`,
		`SELECT 'received, wrong ids: ' || COUNT(*) FROM events e JOIN messages m ON m.id = (e.payload::jsonb->>'message_id')::bigint
			WHERE e.type = 'message.received' AND (m.conversation_id <> e.conversation_id OR m.contact_id <> e.contact_id
			OR (e.payload::jsonb->>'conversation_id')::bigint <> e.conversation_id OR e.payload::jsonb->>'text' <> m.text)`,
		`SELECT 'received: ' || COUNT(*) FROM events WHERE type = 'message.received'`,
		`SELECT m.provider_message_id || ' seq ' || e.seq || ' rank ' || ROW_NUMBER() OVER (PARTITION BY m.conversation_id ORDER BY m.id)
			FROM events e JOIN messages m ON m.id = (e.payload::jsonb->>'message_id')::bigint WHERE e.type = 'message.received'
			ORDER BY m.provider_message_id`,
		`SELECT e.type || ' ' || (e.payload::jsonb - 'conversation_id' - 'contact_id' - 'message_id')::text FROM events e ORDER BY 1`,
		`SELECT e.type || ' ' || (e.payload::jsonb->>'source') || ' ' || ((e.payload::jsonb->>'contact_id')::bigint = e.contact_id) ||
			' ' || ((e.payload::jsonb->>'conversation_id')::bigint = e.conversation_id) || ' ' || (e.payload::jsonb->>'channel_id')
			FROM events e WHERE e.type = 'conversation.opened' ORDER BY e.id`,
		`SELECT status || ' ' || opened_source || ' ' || n FROM conversation_counts ORDER BY status, opened_source`,
		`SELECT 'media fetches: ' || COUNT(*) FROM media_fetches`,
	})
}

// On PostgreSQL too, a batch written in one transaction (receiveGroupPgTx)
// leaves the store as the same webhooks written one at a time do, and
// answers each the same way: new contacts, second messages of one in the
// same webhook and in another, a redelivery, a phone shared with a new
// contact, a known contact, attachments, a named contact.
func TestReceiveGroupPgWritesAsAlone(t *testing.T) {
	for _, hooks := range []int{1, 2, 8} {
		t.Run(fmt.Sprintf("%d webhooks", hooks), func(t *testing.T) { groupAsAlone(t, db.Postgres, hooks) })
	}
}

// A batch of new contacts costs a fixed number of statements on
// PostgreSQL, not a number per webhook.
func TestReceiveGroupPgStatements(t *testing.T) {
	d := dbtest.Open(t, db.Postgres)
	f := newFixture(t, d)
	ctx := context.Background()
	count := func(n int) int64 {
		jobs := make([]*receiveJob, n)
		for i := range jobs {
			jobs[i] = &receiveJob{ctx: ctx, items: []Inbound{f.inbound(fmt.Sprintf("+1415666%d%04d", n, i), fmt.Sprintf("s%d-%d", n, i), "hi")}}
		}
		before := d.Statements()
		err := d.WriteConcurrent(ctx, func(tx *db.Tx) error {
			_, err := receiveGroupPgTx(ctx, tx, jobs)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return d.Statements() - before
	}
	// The lookup, the conversations and messages, the events: one
	// statement each; the contacts and their identities one each per
	// chunk of contact.CreateInboundTx (100 = 64 + 32 + 4).
	one, many := count(1), count(100)
	if one > 5 || many > one+4 {
		t.Errorf("statements: %d for one webhook, %d for 100; want a few, not a few per webhook", one, many)
	}
	// Receive takes that path for a webhook alone too (it was nine
	// statements, one per row and lookup), with one more: the read of
	// its known senders' open conversations, which the committer locks
	// before the batch runs (openConversationsPgTx); a new contact has
	// none, so nothing is locked.
	before := d.Statements()
	if _, err := f.svc.Receive(ctx, []Inbound{f.inbound("+14156660000", "alone", "hi")}); err != nil {
		t.Fatal(err)
	}
	if n := d.Statements() - before; n > one+1 {
		t.Errorf("Receive ran %d statements for one new contact's message, want %d", n, one+1)
	}
}

// Webhooks of the same new contacts arriving on two nodes at once: each
// contact's first message delivered four times and two more messages of
// theirs, all racing. Every contact, identity, open conversation and
// message is stored once, each contact has one conversation holding its
// three messages, and the deliveries of one message are answered with
// the same stored one.
func TestReceivePgTwoNodesOnce(t *testing.T) {
	d, f, other := twoNodesPg(t)
	ctx := context.Background()
	const contacts = 60
	providerIDs := []string{"a", "a", "a", "a", "b", "c"}
	var wg sync.WaitGroup
	var mu sync.Mutex
	answers := map[string]map[int64]bool{}
	errs := make(chan error, contacts*len(providerIDs))
	for i := range contacts {
		for k, p := range providerIDs {
			svc := f.svc
			if k%2 == 1 {
				svc = other
			}
			wg.Go(func() {
				id := fmt.Sprintf("t-%d-%s", i, p)
				in := f.inbound(fmt.Sprintf("+1415777%04d", i), id, "text "+id)
				r, err := svc.Receive(ctx, []Inbound{in})
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				if answers[id] == nil {
					answers[id] = map[int64]bool{}
				}
				answers[id][r[0].MessageID] = true
				mu.Unlock()
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("receive: %v", err)
	}
	for q, want := range map[string]int{`SELECT COUNT(*) FROM contacts`: contacts, `SELECT COUNT(*) FROM contact_identities`: contacts,
		`SELECT COUNT(*) FROM conversations WHERE status = 'open'`: contacts, `SELECT COUNT(*) FROM conversations`: contacts,
		`SELECT COUNT(DISTINCT contact_id) FROM conversations WHERE status = 'open'`: contacts, `SELECT COUNT(*) FROM messages`: 3 * contacts,
		`SELECT COUNT(*) FROM events WHERE type = 'contact.created'`: contacts, `SELECT COUNT(*) FROM events WHERE type = 'message.received'`: 3 * contacts,
		// Each conversation's events are numbered 1, 2, 3, 4 without a gap.
		`SELECT COUNT(*) FROM conversations c WHERE c.last_seq = 4 AND (SELECT string_agg(e.seq::text, ',' ORDER BY e.seq) FROM events e
			WHERE e.conversation_id = c.id) = '1,2,3,4'`: contacts,
		`SELECT COUNT(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id AND c.contact_id = m.contact_id`: 3 * contacts,
	} {
		if got := dbtest.Count(t, d, q); got != want {
			t.Errorf("%s = %d, want %d", q, got, want)
		}
	}
	for id, ids := range answers {
		if len(ids) != 1 {
			t.Errorf("message %s: the deliveries were answered with messages %v", id, ids)
		}
	}
}

// Returning contacts, whose conversation was closed, writing on two nodes
// at once: each contact's next message delivered three times and one
// more message, all racing. Each contact gets one new open conversation
// holding its two new messages, each stored once, whichever batch (the
// batched path for known contacts, receive_known.go, or the per-item
// path after a lost race) wrote them.
func TestReceivePgTwoNodesReturningOnce(t *testing.T) {
	d, f, other := twoNodesPg(t)
	ctx := context.Background()
	const contacts = 60
	phone := func(i int) string { return fmt.Sprintf("+1415888%04d", i) }
	for i := range contacts {
		r, err := f.svc.Receive(ctx, []Inbound{f.inbound(phone(i), fmt.Sprintf("r-%d-first", i), "first")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Close(ctx, access.System(f.ws.ID), r[0].ConversationID, CloseInput{Source: SourceUser}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, contacts*4)
	for i := range contacts {
		for k, p := range []string{"again", "again", "again", "more"} {
			svc := f.svc
			if k%2 == 1 {
				svc = other
			}
			wg.Go(func() {
				id := fmt.Sprintf("r-%d-%s", i, p)
				if _, err := svc.Receive(ctx, []Inbound{f.inbound(phone(i), id, "text "+id)}); err != nil {
					errs <- err
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("receive: %v", err)
	}
	for q, want := range map[string]int{`SELECT COUNT(*) FROM conversations`: 2 * contacts,
		`SELECT COUNT(DISTINCT contact_id) FROM conversations WHERE status = 'open'`: contacts,
		`SELECT COUNT(*) FROM conversations WHERE status = 'open'`:                   contacts,
		`SELECT COUNT(*) FROM messages`:                                              3 * contacts,
		`SELECT COUNT(DISTINCT provider_message_id) FROM messages`:                   3 * contacts,
		`SELECT COUNT(*) FROM events WHERE type = 'conversation.opened'`:             2 * contacts,
		// Each new conversation: opened, then its two messages, 1, 2, 3.
		`SELECT COUNT(*) FROM conversations c WHERE c.status = 'open' AND c.last_seq = 3 AND (SELECT string_agg(e.seq::text, ',' ORDER BY e.seq)
			FROM events e WHERE e.conversation_id = c.id) = '1,2,3' AND (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id) = 2`: contacts,
		`SELECT COALESCE(SUM(n), 0) FROM conversation_counts WHERE status = 'open'`: contacts,
	} {
		if got := dbtest.Count(t, d, q); got != want {
			t.Errorf("%s = %d, want %d", q, got, want)
		}
	}
}

// twoNodesPg is a fixture on a fresh PostgreSQL database (d, its service
// f.svc) and the service of a second node on the same database.
func twoNodesPg(t *testing.T) (*db.DB, *fixture, *Service) {
	t.Helper()
	cfg := dbtest.PostgresConfig(t)
	d := dbtest.OpenConfig(t, cfg)
	return d, newFixture(t, d), New(dbtest.OpenConfig(t, cfg))
}
