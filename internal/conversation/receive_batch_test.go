package conversation

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// batchScenario is a set of webhooks that exercises every way an item of
// a receive batch can go: new contacts (the batched path), a second
// message of one of them in the same webhook and in another, a
// redelivery within the batch, a new identity whose phone is a contact
// the batch creates, a known contact, and a message with attachments.
func batchScenario(f *fixture) [][]Inbound {
	a, b := "+14155550101", "+14155550102"
	phoneB := b
	visitor := f.inbound("visitor-9", "v1", "same person as b")
	visitor.Profile = contact.Input{Phone: &phoneB}
	withMedia := f.inbound("+14155550104", "d1", "a picture")
	withMedia.Media = []MediaRef{{Ref: "https://example.com/p.jpg", Kind: "image"}}
	named := f.inbound("+14155550105", "e1", "hello")
	first := "Ada"
	named.Profile = contact.Input{FirstName: &first}
	return [][]Inbound{
		{f.inbound(a, "a1", "hi")},
		{f.inbound(b, "b1", "one"), f.inbound(b, "b2", "two")},
		{f.inbound(a, "a1", "hi")}, // redelivered
		{f.inbound(a, "a2", "again")},
		{visitor},
		{f.inbound("+14155550103", "c2", "known contact")},
		{withMedia},
		{named},
	}
}

// receivedShape is a result without its ids, which differ between stores.
func receivedShape(rs [][]Received) string {
	var b strings.Builder
	for _, w := range rs {
		for _, r := range w {
			fmt.Fprintf(&b, "dup=%v opened=%v ids=%v|", r.Duplicate, r.Opened, r.MessageID != 0 && r.ConversationID != 0 && r.ContactID != 0)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// storeShape dumps what the receive path wrote, without ids, so two
// stores that received the same webhooks in different ways compare.
func storeShape(t *testing.T, d *db.DB) []string {
	t.Helper()
	return shapeRows(t, d, []string{
		`SELECT m.provider_message_id || ' ' || m.type || ' ' || m.text || ' ' || m.content || ' ' || m.status || ' ' || m.sender || ' ' ||
			m.sent_at || ' ' || m.created_at || ' contact=' || c.first_name || '/' || COALESCE(c.phone, '') || '/' || c.last_incoming_at || '/' ||
			(c.lifecycle_stage_id IS NOT NULL) || ' conv=' || cv.status || '/' || cv.last_seq || '/' || cv.waiting_since || '/' ||
			cv.last_message_at || '/' || cv.last_incoming_at || '/' || cv.auto_close_at || '/' || cv.opened_source || '/' || cv.is_test || '/' || cv.contact_external_id || ' events=' ||
			(SELECT group_concat(x, ',') FROM (SELECT e.type || ':' || e.seq || ':' || e.created_at AS x FROM events e
				WHERE e.conversation_id = cv.id ORDER BY e.seq, e.type))
			FROM messages m JOIN contacts c ON c.id = m.contact_id JOIN conversations cv ON cv.id = m.conversation_id
			ORDER BY m.provider_message_id`,
		`SELECT ci.external_id || ' -> ' || c.first_name || '/' || COALESCE(c.phone, '') FROM contact_identities ci
			JOIN contacts c ON c.id = ci.contact_id ORDER BY ci.external_id`,
		`SELECT e.type || ' ' || json_extract(e.payload, '$.first_name') || ' ' || COALESCE(json_extract(e.payload, '$.phone'), '') ||
			' ' || (json_extract(e.payload, '$.contact_id') = e.contact_id) FROM events e WHERE e.type = 'contact.created'
			ORDER BY json_extract(e.payload, '$.first_name')`,
		// Every message.received names its message, every conversation
		// event its conversation.
		`SELECT 'received, wrong ids: ' || COUNT(*) FROM events e JOIN messages m ON m.id = json_extract(e.payload, '$.message_id')
			WHERE e.type = 'message.received' AND (m.conversation_id <> e.conversation_id OR m.contact_id <> e.contact_id
			OR json_extract(e.payload, '$.conversation_id') <> e.conversation_id OR json_extract(e.payload, '$.text') <> m.text)`,
		`SELECT 'received: ' || COUNT(*) FROM events WHERE type = 'message.received'`,
		// A contact's messages keep their order: the seq of each one's
		// message.received, and its rank by id in its conversation.
		`SELECT m.provider_message_id || ' seq ' || e.seq || ' rank ' || ROW_NUMBER() OVER (PARTITION BY m.conversation_id ORDER BY m.id)
			FROM events e JOIN messages m ON m.id = json_extract(e.payload, '$.message_id') WHERE e.type = 'message.received'
			ORDER BY m.provider_message_id`,
		`SELECT e.type || ' ' || json_extract(e.payload, '$.source') || ' ' || (json_extract(e.payload, '$.contact_id') = e.contact_id) ||
			' ' || (json_extract(e.payload, '$.conversation_id') = e.conversation_id) || ' ' || json_extract(e.payload, '$.channel_id')
			FROM events e WHERE e.type = 'conversation.opened' ORDER BY e.id`,
		`SELECT status || ' ' || opened_source || ' ' || n FROM conversation_counts ORDER BY status, opened_source`,
		`SELECT 'media fetches: ' || COUNT(*) FROM media_fetches`,
	})
}

// shapeRows runs each query (one text column) and returns every row.
func shapeRows(t *testing.T, d *db.DB, queries []string) []string {
	t.Helper()
	var out []string
	for _, q := range queries {
		rows, err := d.Reader().Query(context.Background(), q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		rows.Close()
	}
	return out
}

// A batch written in one transaction leaves the store as the same
// webhooks written one at a time do, and answers each the same way,
// whether it is small enough for the item path or takes the batched one.
// The batch is SQLite's: two fresh SQLite stores.
func TestReceiveGroupWritesAsAlone(t *testing.T) {
	for _, hooks := range []int{2, 8} { // below and above minBatched items
		t.Run(fmt.Sprintf("%d webhooks", hooks), func(t *testing.T) { groupAsAlone(t, db.SQLite, hooks) })
	}
}

// groupAsAlone writes the first n webhooks of batchScenario as one batch
// in a fresh store of the dialect and one at a time in another, and
// compares.
func groupAsAlone(t *testing.T, dialect db.Dialect, n int) {
	aloneRes, groupRes, aloneStore, groupStore := receiveBothWays(t, dialect, func(f *fixture) [][]Inbound {
		if _, err := f.svc.Receive(context.Background(), []Inbound{f.inbound("+14155550103", "c1", "before")}); err != nil {
			t.Fatal(err)
		}
		return batchScenario(f)[:n]
	})
	if n > 2 {
		// The redelivery names the first delivery's message.
		if groupRes[2][0].MessageID != groupRes[0][0].MessageID || !groupRes[2][0].Duplicate {
			t.Errorf("redelivery in the batch: %+v, first %+v", groupRes[2][0], groupRes[0][0])
		}
	}
	sameBothWays(t, aloneRes, groupRes, aloneStore, groupStore)
}

// receiveBothWays prepares two fresh stores of the dialect alike (prepare
// writes what is already there and returns the webhooks), writes the
// webhooks as one batch in one store and one at a time in the other, and
// returns each way's answers and store.
func receiveBothWays(t *testing.T, dialect db.Dialect, prepare func(f *fixture) [][]Inbound) (aloneRes, groupRes [][]Received, aloneStore, groupStore []string) {
	t.Helper()
	ctx := context.Background()
	shape := storeShape
	if dialect == db.Postgres {
		shape = storeShapePg
	}
	write := func(d *db.DB, together bool) ([][]Received, []string) {
		f := newFixture(t, d)
		hooks := prepare(f)
		var out [][]Received
		if together {
			out = writeAsBatch(t, d, hooks)
		} else {
			for _, h := range hooks {
				r, err := f.svc.receiveAlone(ctx, h)
				if err != nil {
					t.Fatalf("alone: %v", err)
				}
				out = append(out, r)
			}
		}
		return out, shape(t, d)
	}
	aloneRes, aloneStore = write(dbtest.Open(t, dialect), false)
	groupRes, groupStore = write(dbtest.Open(t, dialect), true)
	return aloneRes, groupRes, aloneStore, groupStore
}

// writeAsBatch writes the webhooks as one receive batch in one write, as
// the batcher does (each store's batch function), and returns each one's
// results.
func writeAsBatch(t *testing.T, d *db.DB, hooks [][]Inbound) [][]Received {
	t.Helper()
	ctx := context.Background()
	group := receiveGroupTx
	if d.Dialect == db.Postgres {
		group = receiveGroupPgTx
	}
	jobs := make([]*receiveJob, len(hooks))
	for i, h := range hooks {
		jobs[i] = &receiveJob{ctx: ctx, items: h}
	}
	var out [][]Received
	if err := d.WriteConcurrent(ctx, func(tx *db.Tx) error {
		var err error
		out, err = group(ctx, tx, jobs)
		return err
	}); err != nil {
		t.Fatalf("group: %v", err)
	}
	return out
}

// sameBothWays fails the test where a batch answered or wrote otherwise
// than the same webhooks one at a time.
func sameBothWays(t *testing.T, aloneRes, groupRes [][]Received, aloneStore, groupStore []string) {
	t.Helper()
	if a, g := receivedShape(aloneRes), receivedShape(groupRes); a != g {
		t.Errorf("results differ:\nalone:\n%s\ngroup:\n%s", a, g)
	}
	if !reflect.DeepEqual(aloneStore, groupStore) {
		t.Errorf("stores differ:\nalone:\n%s\n\ngroup:\n%s", strings.Join(aloneStore, "\n"), strings.Join(groupStore, "\n"))
	}
	if len(aloneStore) < 8 {
		t.Errorf("the dump holds %d lines; the scenario wrote more", len(aloneStore))
	}
}

// Known contacts' messages take a batched path of their own (their
// contact has an open conversation, not snoozed: receive_known.go), and
// leave the store as one at a time would in every state their
// conversation can be in: waiting for an answer or answered, snoozed,
// closed (a test contact's too), two messages of one contact in the
// batch, attachments, a redelivery, beside a new contact; with
// auto-close armed by each. On
// both stores: each has its own statements for them.
func TestReceiveGroupKnownContactsAsAlone(t *testing.T) {
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(dialect), func(t *testing.T) { knownContactsAsAlone(t, dialect) })
	}
}

func knownContactsAsAlone(t *testing.T, dialect db.Dialect) {
	ctx := context.Background()
	aloneRes, groupRes, aloneStore, groupStore := receiveBothWays(t, dialect, func(f *fixture) [][]Inbound {
		if err := f.db.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE workspaces SET auto_close_ms = 3600000 WHERE id = ?`, f.ws.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		conv := map[string]int64{}
		for _, k := range []string{"waiting", "answered", "snoozed", "closed", "tester", "twice", "media", "redelivered", "blocked"} {
			r, err := f.svc.Receive(ctx, []Inbound{f.inbound("ext-"+k, k+"-0", "before")})
			if err != nil {
				t.Fatal(err)
			}
			conv[k] = r[0].ConversationID
		}
		if err := f.db.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE conversations SET waiting_since = ? WHERE id = ?`, NotWaiting, conv["answered"])
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Snooze(ctx, access.System(f.ws.ID), conv["snoozed"], f.clock.Now().Add(time.Hour), 0); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"closed", "tester", "blocked"} {
			if _, err := f.svc.Close(ctx, access.System(f.ws.ID), conv[k], CloseInput{Source: SourceUser}); err != nil {
				t.Fatal(err)
			}
		}
		// A blocked contact's message opens nothing (the known path leaves it to receiveTx).
		if err := f.db.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE contacts SET blocked_at = 1 WHERE id = (SELECT contact_id FROM conversations WHERE id = ?)`, conv["blocked"])
			return err
		}); err != nil {
			t.Fatal(err)
		}
		// A test contact's next conversation is a test one.
		if err := f.db.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE contacts SET is_test = 1 WHERE id = (SELECT contact_id FROM conversations WHERE id = ?)`, conv["tester"])
			return err
		}); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(time.Minute) // so that a time moved and a time kept differ
		withMedia := f.inbound("ext-media", "media-1", "a picture")
		withMedia.Media = []MediaRef{{Ref: "https://example.com/p.jpg", Kind: "image"}}
		return [][]Inbound{
			{f.inbound("ext-waiting", "waiting-1", "still there?")},
			{f.inbound("ext-twice", "twice-1", "one"), f.inbound("ext-twice", "twice-2", "two")},
			{f.inbound("ext-answered", "answered-1", "thanks")},
			{f.inbound("ext-snoozed", "snoozed-1", "wake up")},
			{f.inbound("ext-new", "new-1", "first time")},
			{f.inbound("ext-closed", "closed-1", "one more thing")},
			{f.inbound("ext-tester", "tester-1", "testing again")},
			{withMedia},
			{f.inbound("ext-redelivered", "redelivered-0", "before")},
			{f.inbound("ext-twice", "twice-3", "three")},
			{f.inbound("ext-blocked", "blocked-1", "spam")},
		}
	})
	sameBothWays(t, aloneRes, groupRes, aloneStore, groupStore)
	if !groupRes[8][0].Duplicate {
		t.Errorf("the redelivered message was stored again: %+v", groupRes[8][0])
	}
	if !groupRes[5][0].Opened || !groupRes[6][0].Opened || groupRes[0][0].Opened {
		t.Errorf("opened: %+v, %+v (closed before), %+v (open)", groupRes[5][0], groupRes[6][0], groupRes[0][0])
	}
	if b := groupRes[10][0]; !b.Blocked || b.Opened || b.ConversationID != 0 || b.MessageID == 0 {
		t.Errorf("a blocked contact's message: %+v, want it stored in no conversation", b)
	}
}

// When one webhook of a batch fails, the others are still stored and
// answered, and the failing one gets its own error.
func TestReceiveGroupIsolatesAFailingWebhook(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		if d.Dialect != db.SQLite {
			t.Skip("the receive batch is SQLite's")
		}
		f := newFixture(t, d)
		ctx := context.Background()
		bad := f.inbound("+14155550199", "x1", "to a channel that is not there")
		bad.ChannelID = f.channel.ID + 1000 // refused by the foreign key
		// Enough webhooks for the batched path (minBatched), the bad one
		// second.
		var jobs []*receiveJob
		for i := range 5 {
			in := f.inbound(fmt.Sprintf("+1415555010%d", i), fmt.Sprintf("m%d", i), "hi")
			if i == 1 {
				in = bad
			}
			jobs = append(jobs, &receiveJob{ctx: ctx, items: []Inbound{in}, done: make(chan struct{})})
		}
		f.svc.writeGroup(f.ws.ID, jobs)
		for i, j := range jobs {
			<-j.done
			if (j.err != nil) != (i == 1) {
				t.Errorf("webhook %d: err %v", i, j.err)
			}
			if i != 1 && (len(j.out) != 1 || j.out[0].MessageID == 0 || !j.out[0].Opened) {
				t.Errorf("webhook %d: %+v", i, j.out)
			}
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages`); n != 4 {
			t.Errorf("messages = %d, want 4", n)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM contacts`); n != 4 {
			t.Errorf("contacts = %d, want 4", n)
		}
	})
}

// Many webhooks of new contacts at once, each delivered twice: through
// the batch on SQLite, one contact, conversation and message each, and
// every answer names what is stored.
func TestReceiveManyContactsConcurrently(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		const n = 200
		results := make([][2]Received, n)
		var wg sync.WaitGroup
		errs := make(chan error, 2*n)
		for i := range n {
			wg.Go(func() {
				in := f.inbound(fmt.Sprintf("+1415555%04d", i), fmt.Sprintf("m-%d", i), fmt.Sprintf("text %d", i))
				for delivery := range 2 {
					r, err := f.svc.Receive(ctx, []Inbound{in})
					if err != nil {
						errs <- err
						return
					}
					results[i][delivery] = r[0]
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("receive: %v", err)
		}
		for _, q := range []string{`SELECT COUNT(*) FROM contacts`, `SELECT COUNT(*) FROM contact_identities`,
			`SELECT COUNT(*) FROM conversations WHERE status = 'open'`, `SELECT COUNT(*) FROM messages`,
			`SELECT COUNT(*) FROM events WHERE type = 'contact.created'`, `SELECT COUNT(*) FROM events WHERE type = 'conversation.opened' AND seq = 1`,
			`SELECT COUNT(*) FROM events WHERE type = 'message.received' AND seq = 2`} {
			if got := dbtest.Count(t, d, q); got != n {
				t.Errorf("%s = %d, want %d", q, got, n)
			}
		}
		for i, r := range results {
			first, again := r[0], r[1]
			if !first.Opened || first.Duplicate || !again.Duplicate || again.MessageID != first.MessageID {
				t.Fatalf("contact %d: first %+v, redelivery %+v", i, first, again)
			}
			want := fmt.Sprintf("text %d", i)
			if got := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages m JOIN contacts c ON c.id = m.contact_id
				WHERE m.id = ? AND m.conversation_id = ? AND m.contact_id = ? AND m.text = ? AND c.phone = ?`,
				first.MessageID, first.ConversationID, first.ContactID, want, fmt.Sprintf("+1415555%04d", i)); got != 1 {
				t.Fatalf("contact %d: the answer %+v does not name its stored message", i, first)
			}
		}
	})
}

// Known senders' messages that take the per-item path in one batch are
// written by sender (channel, then external id), each sender's in their
// order: every batch locks the contacts' conversations in one order, so
// two concurrent batches with messages of the same two contacts take
// turns rather than deadlock. (Those the batch writes together,
// writeKnownContactsTx, lock theirs in id order, as the committer does
// before the batch runs on PostgreSQL.)
func TestReceiveBatchTakesKnownSendersInOneOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		for _, who := range []string{"+14155550172", "+14155550171"} {
			f.receiveOne(t, f.inbound(who, "first-"+who, "hi"))
		}
		// Known contacts: their next messages with an attachment take
		// the per-item path.
		withMedia := func(who, id, text string) Inbound {
			in := f.inbound(who, id, text)
			in.Media = []MediaRef{{Ref: "https://example.com/" + id + ".jpg", Kind: "image"}}
			return in
		}
		got, err := f.svc.Receive(ctx, []Inbound{
			withMedia("+14155550172", "b1", "b one"),
			withMedia("+14155550171", "a1", "a one"),
			withMedia("+14155550172", "b2", "b two"),
		})
		if err != nil {
			t.Fatal(err)
		}
		b1, a1, b2 := got[0].MessageID, got[1].MessageID, got[2].MessageID
		if !(a1 < b1 && b1 < b2) {
			t.Fatalf("message ids b1 %d, a1 %d, b2 %d: want the 171 sender's first, then the 172 sender's in their order", b1, a1, b2)
		}
	})
}
