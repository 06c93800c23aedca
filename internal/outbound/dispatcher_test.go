package outbound_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/custom"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/metrics/metricstest"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// fast keeps retries short; the tests move a fake clock anyway.
var fast = outbound.Options{BaseDelay: 10 * time.Millisecond, MaxDelay: 50 * time.Millisecond}

// Two 500s, then success: the message is delivered once, marked sent with
// the integrator's mId, and its history is pending → sent.
func TestDispatcherRetriesThenSends(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		in := newIntegrator(t, func(n int, r request, w http.ResponseWriter) {
			if n <= 2 {
				tryLater(w, http.StatusInternalServerError)
				return
			}
			ok(w, r)
		})
		e := newEnv(t, d, in)
		conv := e.conversation(t, "+14155550100")
		e.run(t, testSender(), fast) // started first: the send must wake it
		m := e.send(t, conv, "your order shipped")
		got := e.waitStatus(t, m.ID, conversation.MsgSent)
		key := strconv.FormatInt(m.ID, 10)
		if got.ProviderMessageID != "prov-"+key || history(got) != "pending sent" {
			t.Errorf("message = %+v, history %q", got, history(got))
		}
		reqs := in.received()
		if len(reqs) != 3 {
			t.Fatalf("integrator got %d requests, want 3", len(reqs))
		}
		for _, r := range reqs {
			if r.idempotencyKey != key || r.auth != "Bearer "+e.ch.Token || r.contactID != "+14155550100" || r.text != "your order shipped" {
				t.Errorf("request = %+v", r)
			}
		}
		if j := e.jobOf(t, m.ID); j.state != "done" || j.attempts != 3 || j.lastError != "" {
			t.Errorf("job = %+v", j)
		}
		e.clock.Advance(time.Hour) // many retry delays: nothing more may be sent
		e.idle(t)
		if n := len(in.received()); n != 3 {
			t.Errorf("integrator got %d requests after success, want 3", n)
		}
		if n := metricstest.Value(t, e.m, `switchboard_outbound_sends_total{channel="custom",result="retry"}`); n != 2 {
			t.Errorf("retries counted = %v, want 2", n)
		}
		if n := metricstest.Value(t, e.m, `switchboard_outbound_queue_length`); n != 0 {
			t.Errorf("queue length = %v, want 0", n)
		}
	})
}

// A 4xx with the integrator's error message fails the message with that
// reason at once, and it is never retried.
func TestDispatcherPermanentFailure(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		in := newIntegrator(t, func(n int, r request, w http.ResponseWriter) {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":{"message":"contact blocked"}}`)
		})
		e := newEnv(t, d, in)
		conv := e.conversation(t, "cust-1")
		e.run(t, testSender(), fast)
		m := e.send(t, conv, "hello?")
		got := e.waitStatus(t, m.ID, conversation.MsgFailed)
		if got.FailureReason != "contact blocked" || history(got) != "pending failed" || got.ProviderMessageID != "" {
			t.Errorf("message = %+v, history %q", got, history(got))
		}
		if j := e.jobOf(t, m.ID); j.state != "failed" || j.attempts != 1 || j.lastError != "contact blocked" {
			t.Errorf("job = %+v", j)
		}
		e.clock.Advance(time.Hour)
		e.idle(t)
		if n := len(in.received()); n != 1 {
			t.Errorf("integrator got %d requests, want 1", n)
		}
	})
}

// An integrator that does not answer in time is tried again.
func TestDispatcherRetriesTimeout(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		never := make(chan struct{})
		in := newIntegrator(t, func(n int, r request, w http.ResponseWriter) {
			if n == 1 {
				<-never // never answers: only the sender's timeout ends it
				return
			}
			ok(w, r)
		})
		defer close(never)
		e := newEnv(t, d, in)
		conv := e.conversation(t, "cust-1")
		e.run(t, &custom.Sender{Client: testSender().Client, Timeout: 200 * time.Millisecond}, fast)
		m := e.send(t, conv, "hello")
		got := e.waitStatus(t, m.ID, conversation.MsgSent)
		if got.ProviderMessageID != "prov-"+strconv.FormatInt(m.ID, 10) {
			t.Errorf("provider id = %q", got.ProviderMessageID)
		}
		// Two attempts, or more if a loaded machine made an answered one
		// time out too: what matters is that the timed-out one was retried.
		if j := e.jobOf(t, m.ID); j.state != "done" || j.attempts < 2 {
			t.Errorf("job = %+v", j)
		}
	})
}

// After MaxAttempts retryable failures the message fails with the last
// reason.
func TestDispatcherGivesUp(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		in := newIntegrator(t, func(n int, r request, w http.ResponseWriter) {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, `{"error":{"message":"down %d"}}`, n)
		})
		e := newEnv(t, d, in)
		conv := e.conversation(t, "cust-1")
		opts := fast
		opts.MaxAttempts = 3
		e.run(t, testSender(), opts)
		m := e.send(t, conv, "hello")
		got := e.waitStatus(t, m.ID, conversation.MsgFailed)
		want := "custom: the integrator answered 503: down 3"
		if got.FailureReason != want {
			t.Errorf("reason = %q, want %q", got.FailureReason, want)
		}
		if j := e.jobOf(t, m.ID); j.state != "failed" || j.attempts != 3 || j.lastError != want {
			t.Errorf("job = %+v", j)
		}
		e.clock.Advance(time.Hour)
		e.idle(t)
		if n := len(in.received()); n != 3 {
			t.Errorf("integrator got %d requests, want 3", n)
		}
	})
}

// A job leased by a node that then crashed is sent once its lease ends —
// not before — by a dispatcher that no event wakes: its timer does.
func TestDispatcherTakesOverExpiredLease(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		in := newIntegrator(t, func(n int, r request, w http.ResponseWriter) { ok(w, r) })
		e := newEnv(t, d, in)
		conv := e.conversation(t, "cust-1")
		m := e.send(t, conv, "hello")
		// The crashed node's claim: a lease 300 ms from now, never released.
		ctx := context.Background()
		leaseUntil := d.Now() + 300
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE outbound_jobs SET lease_until = ? WHERE message_id = ?`, leaseUntil, m.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		e.run(t, testSender(), fast)
		e.clock.Advance(299 * time.Millisecond)
		e.idle(t)
		if n := len(in.received()); n != 0 {
			t.Fatalf("sent %d times before the lease ended", n)
		}
		e.clock.Advance(time.Millisecond)
		e.waitStatus(t, m.ID, conversation.MsgSent)
		if reqs := in.received(); len(reqs) != 1 {
			t.Fatalf("integrator got %d requests, want 1", len(reqs))
		}
		if j := e.jobOf(t, m.ID); j.state != "done" || j.attempts != 1 || j.lease != 0 {
			t.Errorf("job = %+v", j)
		}
	})
}

// Jobs left pending by a stopped node (lease already over) are sent as
// soon as a dispatcher starts.
func TestDispatcherSendsBacklogAtStart(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		in := newIntegrator(t, func(n int, r request, w http.ResponseWriter) { ok(w, r) })
		e := newEnv(t, d, in)
		conv := e.conversation(t, "cust-1")
		var msgs []conversation.Message
		for i := 0; i < 5; i++ {
			msgs = append(msgs, e.send(t, conv, fmt.Sprintf("queued %d", i)))
		}
		e.run(t, testSender(), fast)
		for _, m := range msgs {
			e.waitStatus(t, m.ID, conversation.MsgSent)
		}
	})
}

// Two dispatchers on one store, racing for the same jobs, never deliver
// a message twice nor at the same time.
func TestTwoDispatchersDeliverEachJobOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		var mu sync.Mutex
		inflight := map[string]int{}
		overlaps := 0
		in := newIntegrator(t, func(n int, r request, w http.ResponseWriter) {
			mu.Lock()
			inflight[r.idempotencyKey]++
			if inflight[r.idempotencyKey] > 1 {
				overlaps++
			}
			mu.Unlock()
			time.Sleep(20 * time.Millisecond) // widen the window for a second delivery
			mu.Lock()
			inflight[r.idempotencyKey]--
			mu.Unlock()
			ok(w, r)
		})
		e := newEnv(t, d, in)
		const n = 30
		var msgs []conversation.Message
		for i := 0; i < n; i++ {
			conv := e.conversation(t, fmt.Sprintf("cust-%d", i))
			msgs = append(msgs, e.send(t, conv, "hello"))
		}
		opts := fast
		opts.Concurrency = 4
		e.run(t, testSender(), opts)
		e.run(t, testSender(), opts)
		for _, m := range msgs {
			e.waitStatus(t, m.ID, conversation.MsgSent)
		}
		e.idle(t)
		reqs := in.received()
		perKey := map[string]int{}
		for _, r := range reqs {
			perKey[r.idempotencyKey]++
		}
		for _, m := range msgs {
			if c := perKey[strconv.FormatInt(m.ID, 10)]; c != 1 {
				t.Errorf("message %d delivered %d times", m.ID, c)
			}
		}
		if len(reqs) != n || overlaps != 0 {
			t.Errorf("%d deliveries (want %d), %d concurrent duplicates", len(reqs), n, overlaps)
		}
	})
}

// Stopping a node while a message is being sent waits for the answer and
// records it: after a restart the message is not sent again. (It used to
// be cut off and handed back as if no attempt had been made, and sent a
// second time with the same Idempotency-Key.)
func TestDispatcherStopWaitsForTheSendInFlight(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		arrived, answer := make(chan struct{}, 1), make(chan struct{})
		in := newIntegrator(t, func(n int, r request, w http.ResponseWriter) {
			if n == 1 {
				arrived <- struct{}{}
				<-answer // the node is stopping meanwhile
			}
			ok(w, r)
		})
		e := newEnv(t, d, in)
		conv := e.conversation(t, "cust-1")
		opts := fast
		opts.Lease = time.Hour
		opts.DrainTimeout = backgroundtest.Patience
		stop := e.run(t, testSender(), opts)
		m := e.send(t, conv, "hello")
		<-arrived
		stopped := make(chan struct{})
		go func() { stop(); close(stopped) }()
		close(answer)
		<-stopped
		if j := e.jobOf(t, m.ID); j.state != "done" || j.attempts != 1 {
			t.Fatalf("job after stop = %+v, want done after one attempt", j)
		}
		e.run(t, testSender(), opts)
		e.clock.Advance(2 * time.Hour)
		e.idle(t)
		if n := len(in.received()); n != 1 {
			t.Fatalf("the integrator got the message %d times", n)
		}
	})
}

// A send still in flight when the drain timeout ends is cut off, and
// counts as an attempt: the integrator may have received it. It is tried
// again after a restart (with the same Idempotency-Key), never recorded as
// "not attempted".
func TestDispatcherStopCutsOffASlowSendAsAnAttempt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		arrived, never := make(chan struct{}, 1), make(chan struct{})
		in := newIntegrator(t, func(n int, r request, w http.ResponseWriter) {
			if n == 1 {
				arrived <- struct{}{}
				<-never
				return
			}
			ok(w, r)
		})
		defer close(never)
		e := newEnv(t, d, in)
		conv := e.conversation(t, "cust-1")
		opts := fast
		opts.Lease = time.Hour // only the record of the attempt can hand the job over
		opts.DrainTimeout = 50 * time.Millisecond
		stop := e.run(t, testSender(), opts)
		m := e.send(t, conv, "hello")
		<-arrived
		stop()
		if j := e.jobOf(t, m.ID); j.state != "pending" || j.attempts != 1 || j.lease != 0 {
			t.Fatalf("job after stop = %+v, want pending after one recorded attempt, its lease released", j)
		}
		e.run(t, testSender(), opts)
		got := e.waitStatus(t, m.ID, conversation.MsgSent)
		reqs := in.received()
		if len(reqs) != 2 || reqs[1].idempotencyKey != reqs[0].idempotencyKey || got.ProviderMessageID != "prov-"+reqs[0].idempotencyKey {
			t.Fatalf("requests = %+v, message = %+v", reqs, got)
		}
	})
}

// panicOnce is the real custom sender, except that its first call panics.
type panicOnce struct {
	custom.Sender
	calls atomic.Int32
}

func (p *panicOnce) Send(ctx context.Context, ch channel.Channel, external string, msg conversation.Message) (string, error) {
	if p.calls.Add(1) == 1 {
		panic("sender bug")
	}
	return p.Sender.Send(ctx, ch, external, msg)
}

// A panicking attempt does not stop the dispatcher; it counts as a failed
// attempt and the job is retried after its backoff.
func TestDispatcherSurvivesPanic(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		in := newIntegrator(t, func(n int, r request, w http.ResponseWriter) { ok(w, r) })
		e := newEnv(t, d, in)
		conv := e.conversation(t, "cust-1")
		// A lease of an hour: only the record of the panicked attempt can
		// hand the job to its retry. (A lease of 200 ms gave each send
		// 150 ms, which a busy machine's local POST outlasted: a third
		// attempt, run 810.)
		opts := fast
		opts.Lease = time.Hour
		sender := &panicOnce{Sender: *testSender()}
		e.runSender(t, map[string]outbound.Sender{channel.TypeCustom: sender}, opts)
		m := e.send(t, conv, "hello")
		e.waitStatus(t, m.ID, conversation.MsgSent)
		if n := sender.calls.Load(); n != 2 {
			t.Errorf("sender called %d times, want 2", n)
		}
		if j := e.jobOf(t, m.ID); j.state != "done" || j.attempts != 2 {
			t.Errorf("job = %+v, want done after two recorded attempts (the panic, the send)", j)
		}
	})
}

// An integrator that echoes the message (message_echo with its mId) before
// answering: the echo is recognised as the message being sent (pending,
// same contact, same text) and gives it its id, so the conversation shows
// it once; the message is marked sent and is not sent again. An echo of
// another text is the business writing from elsewhere, stored as such.
func TestDispatcherEchoBeforeAnswer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		var e *env
		echoes := make(chan conversation.Received, 2)
		in := newIntegrator(t, func(n int, r request, w http.ResponseWriter) {
			got, err := e.convs.Receive(context.Background(), []conversation.Inbound{{Kind: conversation.KindEcho, WorkspaceID: e.ws.ID,
				ChannelID: e.ch.ID, ExternalID: r.contactID, ProviderMessageID: "prov-" + r.idempotencyKey, Type: "text", Text: r.text}})
			if err != nil {
				t.Error(err)
			} else {
				echoes <- got[0]
			}
			ok(w, r)
		})
		e = newEnv(t, d, in)
		conv := e.conversation(t, "cust-1")
		e.run(t, testSender(), fast)
		m := e.send(t, conv, "hello")
		got := e.waitStatus(t, m.ID, conversation.MsgSent)
		e.clock.Advance(time.Hour)
		e.idle(t)
		if n := len(in.received()); n != 1 {
			t.Errorf("integrator got %d requests, want 1", n)
		}
		if j := e.jobOf(t, m.ID); j.state != "done" || j.attempts != 1 {
			t.Errorf("job = %+v", j)
		}
		if echo := <-echoes; !echo.Duplicate || echo.MessageID != m.ID {
			t.Errorf("the echo of our own send was stored as %+v, want a duplicate of message %d", echo, m.ID)
		}
		if want := "prov-" + in.received()[0].idempotencyKey; got.ProviderMessageID != want {
			t.Errorf("provider id %q, want the echo's %q", got.ProviderMessageID, want)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages WHERE conversation_id = ? AND direction = 'out'`, conv); n != 1 {
			t.Errorf("%d outbound messages in the conversation, want 1", n)
		}
		// The business writes the same contact from its phone: a new
		// message, not ours.
		other, err := e.convs.Receive(context.Background(), []conversation.Inbound{{Kind: conversation.KindEcho, WorkspaceID: e.ws.ID,
			ChannelID: e.ch.ID, ExternalID: "cust-1", ProviderMessageID: "phone-1", Type: "text", Text: "hello"}})
		if err != nil || other[0].Duplicate || other[0].MessageID == m.ID {
			t.Errorf("an echo from elsewhere: %+v %v", other, err)
		}
	})
}

// An integrator answering an mId PostgreSQL cannot store (NUL, invalid
// UTF-8) or an absurdly long one still gets its message marked sent once:
// the id is cleaned or dropped, never a reason to fail the record of a
// send that happened and send it again.
func TestDispatcherStoresOnlyStorableProviderIDs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ids := map[string]string{"nul": `"ab\u0000cd"`, "long": `"` + strings.Repeat("x", 300) + `"`, "utf8": "\"ok-\xff\""}
		in := newIntegrator(t, func(_ int, r request, w http.ResponseWriter) {
			fmt.Fprintf(w, `{"mId":%s}`, ids[r.text])
		})
		e := newEnv(t, d, in)
		e.run(t, testSender(), fast)
		want := map[string]string{"nul": "abcd", "long": "", "utf8": "ok-\uFFFD"} // JSON decoding already replaces invalid UTF-8
		for i, text := range []string{"nul", "long", "utf8"} {
			m := e.send(t, e.conversation(t, fmt.Sprintf("cust-%d", i)), text)
			got := e.waitStatus(t, m.ID, conversation.MsgSent)
			if got.ProviderMessageID != want[text] {
				t.Errorf("%s: stored provider id %q, want %q", text, got.ProviderMessageID, want[text])
			}
		}
		e.clock.Advance(time.Hour)
		e.idle(t)
		if n := len(in.received()); n != 3 {
			t.Fatalf("the integrator got %d requests for 3 messages", n)
		}
	})
}

// A claim names the node that holds it (Options.Node), which is how the
// other nodes take back a dead node's claims at once (internal/node).
func TestDispatcherClaimNamesItsNode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		arrived, answer := make(chan struct{}, 1), make(chan struct{})
		in := newIntegrator(t, func(n int, r request, w http.ResponseWriter) {
			arrived <- struct{}{}
			<-answer
			ok(w, r)
		})
		e := newEnv(t, d, in)
		opts := fast
		opts.Node = 42
		e.run(t, testSender(), opts)
		m := e.send(t, e.conversation(t, "cust-1"), "hello")
		<-arrived
		var node, lease int64
		if err := d.Reader().QueryRow(context.Background(), `SELECT lease_node, lease_until FROM outbound_jobs WHERE message_id = ?`, m.ID).
			Scan(&node, &lease); err != nil {
			t.Fatal(err)
		}
		close(answer)
		if node != 42 || lease == 0 {
			t.Fatalf("a job being sent is claimed by node %d (lease %d), want node 42", node, lease)
		}
		e.waitStatus(t, m.ID, conversation.MsgSent)
	})
}
