package crashtest

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/switchboard-chat/switchboard/bench/harness"
)

// verifyStore checks the store against the ledger:
//   - every acknowledged message is stored exactly once, and no message twice;
//   - a webhook's messages are stored all together or not at all;
//   - each message belongs to the contact that sent it;
//   - each contact has at most one open conversation;
//   - every conversation has exactly one conversation.opened event and its
//     events are numbered 1..last_seq without gaps;
//   - every stored message has exactly one message.received event, and
//     no event points at a message that is not stored (nothing rolled back
//     left an event behind);
//   - no row names a workspace or channel that does not exist
//     (verifyParents).
//
// It returns the number of inbound messages stored.
func verifyStore(t *testing.T, db *sql.DB, channelID int64, l *ledger) int {
	t.Helper()
	ctx := context.Background()
	// Every read in one snapshot: a webhook whose client gave up when the
	// load stopped may still commit on its node (a write once queued is
	// finished), and messages read before it with events read after it
	// would look like an event left behind by a rollback.
	st := snapshot(t, db)
	defer st.Rollback()
	byMID := map[string][]stored{}
	rows, err := st.QueryContext(ctx, fmt.Sprintf(`SELECT m.id, m.provider_message_id, COALESCE(i.external_id, ''), m.conversation_id
		FROM messages m LEFT JOIN contact_identities i ON i.contact_id = m.contact_id AND i.channel_id = m.channel_id
		WHERE m.channel_id = %d AND m.direction = 'in'`, channelID))
	if err != nil {
		t.Fatalf("read messages: %v", err)
	}
	total := 0
	for rows.Next() {
		var s stored
		var mid string
		if err := rows.Scan(&s.id, &mid, &s.contactID, &s.conv); err != nil {
			t.Fatal(err)
		}
		byMID[mid] = append(byMID[mid], s)
		total++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()

	l.mu.Lock()
	defer l.mu.Unlock()
	missing, partial := 0, 0
	for _, w := range l.webhooks {
		n := 0
		for _, id := range w.mIDs {
			if len(byMID[id]) > 0 {
				n++
			}
			if w.acked && len(byMID[id]) == 0 {
				missing++
				if missing <= 5 {
					t.Errorf("message %s (contact %s) was acknowledged but is not stored", id, w.contactID)
				}
			}
		}
		if n != 0 && n != len(w.mIDs) {
			partial++
			if partial <= 5 {
				t.Errorf("webhook %v stored %d of its %d messages: a webhook is all or nothing", w.mIDs, n, len(w.mIDs))
			}
		}
	}
	if missing > 0 {
		t.Errorf("%d acknowledged messages lost", missing)
	}
	for mid, list := range byMID {
		w, ok := l.byMID[mid]
		switch {
		case !ok:
			t.Errorf("message %s is stored but was never sent", mid)
		case len(list) > 1:
			t.Errorf("message %s is stored %d times", mid, len(list))
		case list[0].contactID != w.contactID:
			t.Errorf("message %s is stored for contact %q, sent by %q", mid, list[0].contactID, w.contactID)
		case !list[0].conv.Valid:
			t.Errorf("message %s has no conversation", mid)
		}
	}

	expectNone(t, st, "contacts with more than one open conversation",
		`SELECT contact_id, COUNT(*) FROM conversations WHERE status <> 'closed' GROUP BY contact_id HAVING COUNT(*) > 1`)
	expectNone(t, st, "channel identities stored more than once",
		`SELECT external_id, COUNT(*) FROM contact_identities GROUP BY channel_id, external_id HAVING COUNT(*) > 1`)
	expectNone(t, st, "conversations without exactly one conversation.opened event",
		`SELECT c.id, (SELECT COUNT(*) FROM events e WHERE e.conversation_id = c.id AND e.type = 'conversation.opened')
		 FROM conversations c WHERE (SELECT COUNT(*) FROM events e WHERE e.conversation_id = c.id AND e.type = 'conversation.opened') <> 1`)
	expectNone(t, st, "conversations whose event numbers are not 1..last_seq",
		`SELECT c.id, c.last_seq FROM conversations c WHERE c.last_seq <> (SELECT COUNT(DISTINCT e.seq) FROM events e WHERE e.conversation_id = c.id)
		 OR c.last_seq <> (SELECT COUNT(*) FROM events e WHERE e.conversation_id = c.id)
		 OR c.last_seq <> COALESCE((SELECT MAX(e.seq) FROM events e WHERE e.conversation_id = c.id), 0)
		 OR (SELECT MIN(e.seq) FROM events e WHERE e.conversation_id = c.id) < 1`)
	expectNone(t, st, "contacts from the channel without exactly one contact.created event",
		`SELECT i.contact_id, (SELECT COUNT(*) FROM events e WHERE e.type = 'contact.created' AND e.contact_id = i.contact_id)
		 FROM contact_identities i WHERE (SELECT COUNT(*) FROM events e WHERE e.type = 'contact.created' AND e.contact_id = i.contact_id) <> 1`)
	verifyParents(t, st)
	verifyMessageEvents(t, st, channelID, byMID)
	return total
}

// parentKeys are the columns whose foreign keys PostgreSQL's schema
// dropped (migrations 044 and 046: their checks locked one shared row per
// workspace, channel or default lifecycle stage for every message): the
// writes name a workspace, channel and stage they read, and
// verifyParents checks that they did.
var parentKeys = []struct{ table, column, parent string }{
	{"contacts", "workspace_id", "workspaces"},
	{"contact_identities", "workspace_id", "workspaces"},
	{"contact_identities", "channel_id", "channels"},
	{"conversations", "workspace_id", "workspaces"},
	{"conversations", "channel_id", "channels"},
	{"messages", "workspace_id", "workspaces"},
	{"messages", "channel_id", "channels"},
	{"events", "workspace_id", "workspaces"},
	{"workflow_runs", "workspace_id", "workspaces"},
	{"outbound_jobs", "channel_id", "channels"},
	{"contacts", "lifecycle_stage_id", "lifecycle_stages"},
}

// verifyParents checks that no row of parentKeys names a parent that
// does not exist.
func verifyParents(t *testing.T, st querier) {
	t.Helper()
	for _, k := range parentKeys {
		expectNone(t, st, fmt.Sprintf("%s whose %s names no row of %s", k.table, k.column, k.parent),
			fmt.Sprintf(`SELECT x.id, x.%[2]s FROM %[1]s x WHERE x.%[2]s IS NOT NULL AND NOT EXISTS (SELECT 1 FROM %[3]s p WHERE p.id = x.%[2]s)`,
				k.table, k.column, k.parent))
	}
}

// stored is one inbound message as the store has it.
type stored struct {
	id        int64
	contactID string // the sender's external id on the channel
	conv      sql.NullInt64
}

// verifyMessageEvents checks that the channel's message.received events
// and its stored messages match one to one, in the same conversation.
func verifyMessageEvents(t *testing.T, st querier, channelID int64, byMID map[string][]stored) {
	t.Helper()
	convOf := map[int64]int64{} // message id -> conversation id
	for _, list := range byMID {
		for _, s := range list {
			convOf[s.id] = s.conv.Int64
		}
	}
	rows, err := st.Query(`SELECT COALESCE(conversation_id, 0), payload FROM events WHERE type = 'message.received'`)
	if err != nil {
		t.Fatalf("read message.received events: %v", err)
	}
	defer rows.Close()
	seen := map[int64]bool{}
	for rows.Next() {
		var conv int64
		var payload string
		if err := rows.Scan(&conv, &payload); err != nil {
			t.Fatal(err)
		}
		var p struct {
			MessageID int64 `json:"message_id"`
			ChannelID int64 `json:"channel_id"`
		}
		if err := json.Unmarshal([]byte(payload), &p); err != nil {
			t.Fatalf("message.received payload %q: %v", payload, err)
		}
		if p.ChannelID != channelID {
			continue
		}
		want, ok := convOf[p.MessageID]
		switch {
		case !ok:
			t.Errorf("message.received event for message %d, which is not stored", p.MessageID)
		case seen[p.MessageID]:
			t.Errorf("message %d has more than one message.received event", p.MessageID)
		case want != conv:
			t.Errorf("message.received event of message %d is in conversation %d, the message in %d", p.MessageID, conv, want)
		}
		seen[p.MessageID] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(seen) != len(convOf) {
		t.Errorf("%d messages stored but %d have a message.received event", len(convOf), len(seen))
	}
}

// querier is a store handle or a transaction on it.
type querier interface {
	Query(q string, args ...any) (*sql.Rows, error)
}

// snapshot begins a read-only transaction whose reads all see one moment
// of the store: REPEATABLE READ on PostgreSQL; on SQLite (WAL) a read
// transaction keeps the snapshot of its first read.
func snapshot(t *testing.T, db *sql.DB) *sql.Tx {
	t.Helper()
	tx, err := db.BeginTx(context.Background(), &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		// SQLite's driver takes no isolation level: its default is a snapshot.
		tx, err = db.BeginTx(context.Background(), nil)
	}
	if err != nil {
		t.Fatalf("begin a snapshot of the store: %v", err)
	}
	return tx
}

// expectNone fails the test with the first rows of q, which lists violations.
func expectNone(t *testing.T, st querier, what, q string) {
	t.Helper()
	rows, err := st.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	defer rows.Close()
	var bad [][2]any
	for rows.Next() {
		var a, b any
		if err := rows.Scan(&a, &b); err != nil {
			t.Fatal(err)
		}
		bad = append(bad, [2]any{a, b})
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Errorf("%d %s, e.g. %v", len(bad), what, bad[:min(5, len(bad))])
	}
}

// countReceivedViaAPI pages through GET /api/v1/events as an integrator
// would and counts the message.received events of the channel: the
// restarted server must serve what it stored before the crash.
func countReceivedViaAPI(t *testing.T, baseURL, token string, channelID int64) int {
	t.Helper()
	client := harness.NewClient(1)
	after, n := "0", 0
	for range 10000 { // bounded: 10,000 pages is far more than a run stores
		req, _ := http.NewRequest(http.MethodGet, baseURL+"/api/v1/events?types=message.received&after="+after, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("list events: %v", err)
		}
		var page struct {
			Data []struct {
				Payload struct {
					ChannelID int64 `json:"channel_id"`
				} `json:"payload"`
			} `json:"data"`
			NextCursor string `json:"next_cursor"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || err != nil {
			t.Fatalf("list events: status %d, %v", resp.StatusCode, err)
		}
		if len(page.Data) == 0 {
			return n
		}
		for _, e := range page.Data {
			if e.Payload.ChannelID == channelID {
				n++
			}
		}
		after = page.NextCursor
	}
	t.Fatal("the event log did not end after 10,000 pages")
	return n
}
