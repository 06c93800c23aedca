package crashtest

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
)

// integratorScale is the load of TestIntegratorSlowAndFailing, short
// (make test) or long (SWITCHBOARD_TEST_FAULTS=1, make test-faults).
type integratorScale struct {
	perWorker int // webhooks per sender (8 senders over the two nodes)
	replies   int // replies sent through the API while the integrator fails
	abandoned int // slow POSTs the nodes must give up on before the heal
}

func integratorLoad() integratorScale {
	if os.Getenv(EnvFaults) != "" {
		return integratorScale{perWorker: 150, replies: 120, abandoned: 4}
	}
	return integratorScale{perWorker: 25, replies: 16, abandoned: 1}
}

// probeBound bounds a webhook's answer while the integrator holds a
// send: well under the node's 10 s send timeout, so an inbound path that
// waited on a send would fail it.
const probeBound = 5 * time.Second

// TestIntegratorSlowAndFailing runs two nodes on one PostgreSQL while
// the custom channel's integrator answers over half of the sends with
// 500, 503 (with and without Retry-After), a slow answer past the node's
// send timeout, or a closed connection, and refuses a few for good:
//   - webhooks through both nodes, and replies through the API, meanwhile:
//     every webhook answered 200 at once (a held send slows no webhook),
//     every acknowledged message stored once (verifyStore);
//   - agents routed and slots freed meanwhile: none above capacity, no
//     conversation left waiting while an agent has room;
//   - healed, every outbound message ends accepted by the integrator
//     exactly once per Idempotency-Key, but the refused ones, which are
//     failed with the integrator's words as their reason, visible through
//     the API; retried through the API, they too are accepted once;
//   - every workflow run ends or waits as it should (verifyWorkflows).
func TestIntegratorSlowAndFailing(t *testing.T) {
	sc := integratorLoad()
	c := newCluster(t, 2)
	st := c.openStore()
	ctx := t.Context()
	c.integ.startMisbehaving(faultPolicy)
	agents := c.addAgents(3)

	l := newLedger()
	generateAcross(ctx, c.webhooks(8), l, 1, 8, sc.perWorker)
	sent, acked, errs := l.counts()
	if errs > 0 || acked != sent {
		t.Fatalf("while the integrator failed: %d of %d messages acknowledged, %d deliveries failed, e.g. %q", acked, sent, errs, l.refused[:min(3, len(l.refused))])
	}
	t.Logf("%d messages sent through both nodes, all acknowledged; the integrator so far: %s", sent, c.integ.stats())

	replies := c.replyThroughAPI(st, sc.replies) + 1 // and one below
	open := c.route(st, agents, idsOf(t, st, routable(12)))
	open = c.closeAssigned(st, agents, 2, c.nodes[1].URL, open)

	// A send held by the slow integrator blocks no webhook. The queue may
	// have drained by now: one more reply makes sure a send is held.
	c.integ.holdOne()
	c.replyThroughAPI(st, 1)
	waitUntil(t, maxSettle, "a slow send held by the integrator", func() (bool, string) {
		s := c.integ.stats()
		return s.held > 0, s.String()
	})
	c.probeWebhooks(l)
	// The nodes give up on slow sends at their timeout, and have met
	// every fault, before the integrator heals.
	waitUntil(t, maxSettle, "the nodes giving up on slow sends", func() (bool, string) {
		s := c.integ.stats()
		for f := fail500; f <= refused; f++ {
			if s.faults[f] == 0 {
				return false, s.String()
			}
		}
		return s.abandoned >= sc.abandoned, s.String()
	})
	c.integ.heal()
	t.Logf("healed; the integrator answered: %s", c.integ.stats())

	verifyStore(t, st, c.demo.ChannelID, l)
	verifyWorkflows(t, st, maxSettle, c.logFile)
	failed := c.verifyOutbound(st, c.integ.wasRefused)
	// A retried message comes after those written after it: the order is
	// checked without them.
	bad, several := c.integ.outOfOrder(c.integ.wasRefused)
	if len(bad) > 0 {
		t.Errorf("%d contacts were sent messages out of the order they were written, e.g. %v", len(bad), firstOf(bad))
	}
	t.Logf("%d contacts were sent several messages, %d of them out of order", several, len(bad))
	retried := c.retryFailed(st, failed)
	// Those of closed conversations cannot be retried (409) and stay failed.
	stays := map[string]bool{}
	for _, id := range failed {
		stays[strconv.FormatInt(id, 10)] = !retried[id]
	}
	c.verifyOutbound(st, func(key string) bool { return stays[key] })
	t.Logf("%d replies through the API; %d of %d refused messages retried", replies, len(retried), len(failed))
	c.waitRouted(st, agents, open)
	// Each send was recorded by the node that made it, within its lease:
	// no attempt's outcome was lost (then the send is made again), and no
	// job was found settled when claimed.
	checkLogFree(t, c.logFile, "outbound job was re-claimed by another node", "recording an outbound attempt failed",
		"outbound job of a message that is no longer pending")

	for i, n := range c.nodes {
		if err := n.Stop(15 * time.Second); err != nil {
			t.Errorf("node %d: graceful stop: %v", i, err)
		}
	}
	checkNoRace(t, c.logFile)
}

// waitUntil polls cond until it holds, failing the test after bound with
// what and cond's description of where things stand.
func waitUntil(t *testing.T, bound time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), bound)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, state := cond()
		if ok {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: not after %s; %s", what, bound, state)
		case <-tick.C:
		}
	}
}

// replyThroughAPI sends n replies through the API, to open conversations
// in turn through each node, and returns how many it sent.
func (c *cluster) replyThroughAPI(st *sql.DB, n int) int {
	c.t.Helper()
	convs := idsOf(c.t, st, fmt.Sprintf(`SELECT id FROM conversations WHERE status <> 'closed' AND channel_id = %d ORDER BY id DESC LIMIT %d`, c.demo.ChannelID, n))
	for i, id := range convs {
		node := c.nodes[i%len(c.nodes)].URL
		body := map[string]string{"text": fmt.Sprintf("Reply %d from the team", i)}
		if err := api("POST", fmt.Sprintf("%s/api/v1/conversations/%d/messages", node, id), c.demo.APIToken, body, nil); err != nil {
			c.t.Fatalf("reply while the integrator fails: %v", err)
		}
	}
	return len(convs)
}

// probeWebhooks posts webhooks to every node one at a time while the
// integrator holds a send: each must be answered 200 within probeBound.
func (c *cluster) probeWebhooks(l *ledger) {
	c.t.Helper()
	for i, n := range c.nodes {
		wh := harness.NewWebhook(n.URL, c.demo, 1)
		for k := range 5 {
			w := &webhook{contactID: fmt.Sprintf("+1558%02d%04d", i, k), mIDs: []string{fmt.Sprintf("probe-%d-%d", i, k)}}
			l.add(w)
			body := harness.Body(c.demo.ChannelID, w.contactID, "Probe", []harness.Message{{MID: w.mIDs[0], Text: "are you there?"}}, time.Now())
			began := time.Now()
			status, err := wh.Post(c.t.Context(), body)
			l.result(w, status, err)
			took := time.Since(began)
			if err != nil {
				c.t.Fatalf("node %d answered a webhook %d while the integrator held a send: %v", i, status, err)
			}
			if took > probeBound {
				c.t.Errorf("node %d took %s to answer a webhook while the integrator held a send (bound %s)", i, took, probeBound)
			}
		}
	}
}

// outMessage is an outbound message as the store has it.
type outMessage struct {
	id     int64
	status string
	reason string
}

// verifyOutbound waits until no outbound message is pending, then checks
// each: accepted by the integrator exactly once (its Idempotency-Key)
// and sent; or, when failedOK says it is one the integrator refused for
// good, failed with the integrator's words as reason, never accepted,
// and shown so by the API. No key reached the integrator that is not an
// outbound message. It returns the failed messages' ids.
func (c *cluster) verifyOutbound(st *sql.DB, failedOK func(key string) bool) []int64 {
	c.t.Helper()
	var msgs []outMessage
	waitUntil(c.t, maxSettle, "every outbound message to be sent or failed", func() (bool, string) {
		msgs = outboundMessages(c.t, st, c.demo.ChannelID)
		var pending, jobs int
		for _, m := range msgs {
			if m.status == "pending" {
				pending++
			}
		}
		if err := st.QueryRow(`SELECT COUNT(*) FROM outbound_jobs WHERE state = 'pending'`).Scan(&jobs); err != nil {
			c.t.Fatal(err)
		}
		return pending == 0 && jobs == 0, fmt.Sprintf("%d of %d outbound messages pending, %d jobs pending; the integrator: %s", pending, len(msgs), jobs, c.integ.stats())
	})
	var failed []int64
	keys := map[string]bool{}
	bad := 0
	for _, m := range msgs {
		key := strconv.FormatInt(m.id, 10)
		keys[key] = true
		got := c.integ.accepted(key)
		wantRefused := failedOK(key)
		var problem string
		switch {
		case wantRefused && (m.status != "failed" || m.reason != refusedReason || got != 0):
			problem = fmt.Sprintf("refused for good, yet %s (reason %q), accepted %d times", m.status, m.reason, got)
		case wantRefused:
			failed = append(failed, m.id)
		case m.status != "sent" && m.status != "delivered" && m.status != "read":
			problem = fmt.Sprintf("%s (reason %q), accepted %d times", m.status, m.reason, got)
		case got != 1:
			problem = fmt.Sprintf("sent, accepted %d times", got)
		}
		if problem != "" {
			bad++
			if bad <= 5 {
				c.t.Errorf("outbound message %d: %s", m.id, problem)
			}
		}
	}
	if bad > 0 {
		c.t.Errorf("%d of %d outbound messages not accepted exactly once or failed as they should", bad, len(msgs))
	}
	c.integ.mu.Lock()
	for key := range c.integ.got {
		if !keys[key] {
			c.t.Errorf("the integrator accepted %q, which is no outbound message", key)
		}
	}
	c.integ.mu.Unlock()
	// A failed message is visible, with its reason: in a message.status
	// event to the agents, and from either node's API.
	reasons := failedStatusEvents(c.t, st)
	for _, id := range failed {
		if r := reasons[id]; len(r) != 1 || r[0] != refusedReason {
			c.t.Errorf("message %d failed with message.status events giving the reasons %q; want one, %q", id, r, refusedReason)
		}
	}
	for i, id := range failed {
		var m struct {
			Status        string `json:"status"`
			FailureReason string `json:"failure_reason"`
		}
		node := c.nodes[i%len(c.nodes)].URL
		if err := api("GET", fmt.Sprintf("%s/api/v1/messages/%d", node, id), c.demo.APIToken, nil, &m); err != nil {
			c.t.Fatal(err)
		}
		if m.Status != "failed" || m.FailureReason != refusedReason {
			c.t.Errorf("GET message %d: status %q, failure_reason %q; want failed, %q", id, m.Status, m.FailureReason, refusedReason)
		}
	}
	c.t.Logf("%d outbound messages: %d sent and accepted once, %d failed for good as the integrator refused them", len(msgs), len(msgs)-len(failed)-bad, len(failed))
	return failed
}

// retryFailed retries the failed messages of open conversations through
// the API, in turn through each node, and returns those it retried.
func (c *cluster) retryFailed(st *sql.DB, ids []int64) map[int64]bool {
	c.t.Helper()
	retried := map[int64]bool{}
	for i, id := range ids {
		var status string
		if err := st.QueryRow(`SELECT c.status FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.id = $1`, id).Scan(&status); err != nil {
			c.t.Fatal(err)
		}
		if status == "closed" {
			continue
		}
		node := c.nodes[i%len(c.nodes)].URL
		if err := api("POST", fmt.Sprintf("%s/api/v1/messages/%d/retry", node, id), c.demo.APIToken, nil, nil); err != nil {
			c.t.Errorf("retry message %d: %v", id, err)
			continue
		}
		retried[id] = true
	}
	return retried
}

// wasRefused reports whether the integrator refused the message with
// this key for good: then it must not have been sent again.
func (in *integrator) wasRefused(key string) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.refusals[key] > 0
}

// outboundMessages lists the channel's outbound messages.
func outboundMessages(t *testing.T, st *sql.DB, channelID int64) []outMessage {
	t.Helper()
	rows, err := st.Query(`SELECT id, status, COALESCE(failure_reason, '') FROM messages WHERE direction = 'out' AND channel_id = $1 ORDER BY id`, channelID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []outMessage
	for rows.Next() {
		var m outMessage
		if err := rows.Scan(&m.id, &m.status, &m.reason); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkLogFree fails the test if the nodes' log has any of the phrases.
func checkLogFree(t *testing.T, logFile string, phrases ...string) {
	t.Helper()
	b, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range phrases {
		if i := bytes.Index(b, []byte(p)); i >= 0 {
			start := max(0, bytes.LastIndexByte(b[:i], '\n')+1)
			end := i + bytes.IndexByte(b[i:], '\n')
			if end < i {
				end = len(b)
			}
			t.Errorf("the nodes logged %q: %s", p, b[start:end])
		}
	}
}

// failedStatusEvents returns the reasons of the message.status events
// saying a message failed, by message id.
func failedStatusEvents(t *testing.T, st *sql.DB) map[int64][]string {
	t.Helper()
	rows, err := st.Query(`SELECT payload FROM events WHERE type = 'message.status'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64][]string{}
	for rows.Next() {
		var payload string
		if err := rows.Scan(&payload); err != nil {
			t.Fatal(err)
		}
		var p struct {
			MessageID int64  `json:"message_id"`
			Status    string `json:"status"`
			Reason    string `json:"reason"`
		}
		if err := json.Unmarshal([]byte(payload), &p); err != nil {
			t.Fatalf("message.status payload %q: %v", payload, err)
		}
		if p.Status == "failed" {
			out[p.MessageID] = append(out[p.MessageID], p.Reason)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// firstOf returns one entry of m, for a failure message.
func firstOf(m map[string][]string) string {
	for k, v := range m {
		return fmt.Sprintf("%s: %v", k, v)
	}
	return ""
}
