package outbound_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/metrics/metricstest"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// twoNodes returns the store of a fresh environment and a second handle
// on it — on PostgreSQL another node (its own pools and write door), on
// SQLite the same handle, which is how one node runs two dispatchers.
func twoNodes(t *testing.T, dialect db.Dialect) (*db.DB, *db.DB) {
	t.Helper()
	if dialect == db.SQLite {
		d := dbtest.Open(t, dialect)
		return d, d
	}
	cfg := dbtest.Config(t, db.Postgres)
	return dbtest.OpenConfig(t, cfg), dbtest.OpenConfig(t, cfg)
}

// runOn starts a dispatcher on another node's handle d, sharing the
// environment's clock and group (so e.idle waits for it too).
func (e *env) runOn(t *testing.T, d *db.DB, opts outbound.Options) {
	t.Helper()
	d.SetClock(e.clock)
	opts.Group = e.group
	disp := outbound.New(d, map[string]outbound.Sender{channel.TypeCustom: testSender()}, e.m, opts)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	e.group.StartAll()
	go func() { defer close(done); disp.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

// arrive waits for the integrator to signal on ch, failing the test after
// backgroundtest.Patience.
func arrive(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(backgroundtest.Patience):
		t.Fatalf("%s never reached the integrator", what)
	}
}

// sentRecords counts what the records of message id left: its sent
// history rows and its message.status events saying sent.
func sentRecords(t *testing.T, d *db.DB, m conversation.Message) (history, events int) {
	t.Helper()
	history = dbtest.Count(t, d, `SELECT COUNT(*) FROM message_statuses WHERE message_id = ? AND status = ?`, m.ID, conversation.MsgSent)
	events = dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE conversation_id = ? AND type = ?`, m.ConversationID, string(event.MessageStatus))
	return history, events
}

// A node whose lease ran out while its send was in flight, and the node
// that re-claimed the job and sent it again, answer at once and record at
// once — on PostgreSQL on two nodes, through the concurrent write door.
// The job's row fences them: exactly one record lands (one attempt
// counted, one sent in the history, one message.status event); the other
// finds its lease gone. switchboard_outbound_sends_total counts the
// recorded send alone: counting the other would say a message was sent
// twice that the store says went once.
func TestTwoNodesRecordATakenOverJobOnce(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			nodeA, nodeB := twoNodes(t, dialect)
			arrived := make(chan struct{}, 2)
			answer := make(chan struct{})
			in := newIntegrator(t, func(n int, r request, w http.ResponseWriter) {
				arrived <- struct{}{}
				<-answer
				ok(w, r)
			})
			e := newEnv(t, nodeA, in)
			conv := e.conversation(t, "cust-1")
			opts := fast
			opts.Lease = time.Minute
			e.run(t, testSender(), opts)
			e.runOn(t, nodeB, opts)
			m := e.send(t, conv, "hello")
			arrive(t, arrived, "the first attempt")
			// The first claim's lease ends with its send still in flight:
			// a node (either) claims the job again and sends it.
			e.clock.Advance(opts.Lease + time.Millisecond)
			arrive(t, arrived, "the attempt after the lease ended")
			close(answer) // both record now
			e.waitStatus(t, m.ID, conversation.MsgSent)
			e.idle(t)
			if j := e.jobOf(t, m.ID); j.state != "done" || j.attempts != 1 || j.lease != 0 {
				t.Errorf("job = %+v, want done after one recorded attempt", j)
			}
			if h, ev := sentRecords(t, nodeA, m); h != 1 || ev != 1 {
				t.Errorf("%d sent rows in the history and %d message.status events, want 1 and 1", h, ev)
			}
			if n := len(in.received()); n != 2 {
				t.Errorf("the integrator got %d requests, want 2", n)
			}
			if n := metricstest.Value(t, e.m, `switchboard_outbound_sends_total{channel="custom",result="sent"}`); n != 1 {
				t.Errorf("sends counted as sent: %v, want 1 (the recorded one)", n)
			}
		})
	}
}

// Two nodes deliver a queue together, several messages per contact
// among them: every message is delivered once, its outcome recorded once
// (job done after one attempt, one sent in its history, one
// message.status event), none lost, and each contact's messages reach the
// integrator in the order they were written.
func TestTwoNodesRecordEveryOutcomeOnce(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			nodeA, nodeB := twoNodes(t, dialect)
			in := newIntegrator(t, func(n int, r request, w http.ResponseWriter) { ok(w, r) })
			e := newEnv(t, nodeA, in)
			const contacts, perContact = 12, 3
			var msgs []conversation.Message
			convs := make([]int64, contacts)
			for i := range contacts {
				convs[i] = e.conversation(t, fmt.Sprintf("cust-%d", i))
			}
			for k := range perContact {
				for i := range contacts {
					msgs = append(msgs, e.send(t, convs[i], fmt.Sprintf("%d", k)))
				}
			}
			opts := fast
			opts.Concurrency = 4
			e.run(t, testSender(), opts)
			e.runOn(t, nodeB, opts)
			for _, m := range msgs {
				e.waitStatus(t, m.ID, conversation.MsgSent)
			}
			e.idle(t)
			perKey := map[string]int{}
			order := map[string][]string{}
			for _, r := range in.received() {
				perKey[r.idempotencyKey]++
				order[r.contactID] = append(order[r.contactID], r.text)
			}
			for _, m := range msgs {
				if c := perKey[strconv.FormatInt(m.ID, 10)]; c != 1 {
					t.Errorf("message %d delivered %d times", m.ID, c)
				}
				if j := e.jobOf(t, m.ID); j.state != "done" || j.attempts != 1 {
					t.Errorf("job of message %d = %+v", m.ID, j)
				}
				if h := dbtest.Count(t, nodeA, `SELECT COUNT(*) FROM message_statuses WHERE message_id = ? AND status = ?`, m.ID, conversation.MsgSent); h != 1 {
					t.Errorf("message %d has %d sent rows in its history", m.ID, h)
				}
			}
			for _, c := range convs {
				if n := dbtest.Count(t, nodeA, `SELECT COUNT(*) FROM events WHERE conversation_id = ? AND type = ?`, c, string(event.MessageStatus)); n != perContact {
					t.Errorf("conversation %d has %d message.status events, want %d", c, n, perContact)
				}
			}
			for contact, texts := range order {
				for k, text := range texts {
					if text != strconv.Itoa(k) {
						t.Errorf("contact %s got %v, want 0 1 2 in order", contact, texts)
						break
					}
				}
			}
		})
	}
}

// Recording an attempt waits for no exclusive write: while another
// session holds PostgreSQL's write lock shared (as concurrent writes of
// other nodes do), a message is claimed, sent and recorded as sent.
// Through the exclusive door the record would queue behind that session
// until it ended.
func TestRecordDoesNotTakeTheExclusiveWriteLock(t *testing.T) {
	cfg := dbtest.PostgresConfig(t)
	d := dbtest.OpenConfig(t, cfg)
	in := newIntegrator(t, func(n int, r request, w http.ResponseWriter) { ok(w, r) })
	e := newEnv(t, d, in)
	conv := e.conversation(t, "cust-1")
	m := e.send(t, conv, "hello")

	// Another node's concurrent writes, held open: the store's write lock
	// (db.Tx.lockWrites) taken shared, for as long as the test runs.
	release := dbtest.HoldConcurrentWrites(t, dbtest.Raw(t, cfg))
	defer release() // before the dispatcher stops (at cleanup), so a blocked record can end
	ctx := context.Background()

	e.run(t, testSender(), fast)
	e.idle(t)
	got, err := e.convs.GetMessage(ctx, access.System(e.ws.ID), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != conversation.MsgSent {
		t.Fatalf("message is %s while another node's writes are open, want sent", got.Status)
	}
	if j := e.jobOf(t, m.ID); j.state != "done" || j.attempts != 1 {
		t.Errorf("job = %+v", j)
	}
}

// TestRecordLocksTheConversationFirst: the record of a send moves its
// message (provider id, status) and then appends message.status, which
// takes the conversation's row lock for its seq. Every other writer of a
// conversation locks the conversation first — a provider's status report
// of the same message among them, which may arrive while the record is
// being written — so the record names the conversation to the committer,
// which locks it before the job runs. Here another transaction holds the
// conversation: while the record waits for it, the message must still be
// free.
func TestRecordLocksTheConversationFirst(t *testing.T) {
	cfg := dbtest.PostgresConfig(t)
	d := dbtest.OpenConfig(t, cfg)
	raw := dbtest.Raw(t, cfg)
	in := newIntegrator(t, func(n int, r request, w http.ResponseWriter) { ok(w, r) })
	e := newEnv(t, d, in)
	conv := e.conversation(t, "cust-1")
	m := e.send(t, conv, "hello")
	ctx := context.Background()

	holder := dbtest.HoldRows(t, raw, "conversations", "id", conv)
	defer holder.Rollback() // before the dispatcher stops (at cleanup), so a blocked record can end
	e.run(t, testSender(), fast)
	dbtest.AwaitLockWaiter(t, raw, func() string {
		var status string
		if err := raw.QueryRowContext(ctx, `SELECT status FROM messages WHERE id = $1`, m.ID).Scan(&status); err != nil {
			return err.Error()
		}
		if status != conversation.MsgPending {
			return "the record landed (" + status + ") while the conversation was held"
		}
		return ""
	})
	if dbtest.RowLocked(t, raw, "messages", m.ID) {
		t.Error("the record held the message while it waited for the conversation")
	}
	if err := holder.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := e.waitStatus(t, m.ID, conversation.MsgSent); got.ProviderMessageID == "" {
		t.Errorf("sent without its provider id: %+v", got)
	}
}
