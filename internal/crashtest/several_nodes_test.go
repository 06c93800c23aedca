package crashtest

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
)

// streamBound is the test's bound on an event's trip from the node that
// committed it to an agent's stream on another node. The promise is
// 100 ms (docs/deployment.md gives the p99 measured here); the bound is
// far wider so that a busy machine, or a server built with -race, does
// not fail the test while a lost wake-up (seconds, or never) still does.
const streamBound = 5 * time.Second

// TestSeveralNodes runs two `switchboard serve` processes on one
// PostgreSQL and checks the promises of a cluster:
//   - webhooks received through either node, for the same contacts at
//     once: every acknowledged message stored once, one open conversation
//     per contact, the event log whole (verifyStore);
//   - an agent streaming events from node B sees every message received
//     on node A, and how soon (the events' own timestamps);
//   - the demo's workflow runs once per conversation and its welcome
//     step once, whichever node claims it, and each welcome message
//     reaches the integrator once;
//   - conversations routed to a team through both nodes at once, then
//     slots freed through the other node: no agent above capacity, none
//     left with room while the team's queue waits.
func TestSeveralNodes(t *testing.T) {
	c := newCluster(t, 2)
	st := c.openStore()
	ctx := t.Context()
	mark := lastEventID(t, st)
	onB, err := openStream(ctx, c.nodes[1].URL, c.demo.APIToken, "message.received", mark)
	if err != nil {
		t.Fatal(err)
	}

	// Through both nodes at once: 8 senders, 40 webhooks each.
	l := newLedger()
	generateAcross(ctx, c.webhooks(8), l, 1, 8, 40)
	sent, acked, errs := l.counts()
	if errs > 0 || acked != sent {
		t.Fatalf("%d of %d messages acknowledged, %d deliveries failed, e.g. %q", acked, sent, errs, l.refused[:min(3, len(l.refused))])
	}
	verifyStore(t, st, c.demo.ChannelID, l)
	loadIDs := receivedAfter(t, st, mark)
	if err := onB.waitFor(loadIDs, time.Minute); err != nil {
		t.Fatalf("node B's stream during the load: %v", err)
	}
	p50, p99, worst := onB.percentiles(loadIDs)
	t.Logf("under load, %d events received on both nodes reached node B's stream: p50 %s, p99 %s, max %s", len(loadIDs), p50, p99, worst)

	// Quiet: one message at a time through node A, each seen on node B.
	mark = lastEventID(t, st)
	wh := harness.NewWebhook(c.nodes[0].URL, c.demo, 1)
	const quiet = 40
	for i := range quiet {
		body := harness.Body(c.demo.ChannelID, fmt.Sprintf("+1557%06d", i), "Quiet", []harness.Message{{MID: fmt.Sprintf("quiet-%d", i), Text: "hello"}}, time.Now())
		if _, err := wh.Post(ctx, body); err != nil {
			t.Fatal(err)
		}
	}
	quietIDs := receivedAfter(t, st, mark)
	if len(quietIDs) != quiet {
		t.Fatalf("%d message.received events for %d messages", len(quietIDs), quiet)
	}
	if err := onB.waitFor(quietIDs, streamBound); err != nil {
		t.Fatalf("node B's stream: %v", err)
	}
	p50, p99, worst = onB.percentiles(quietIDs)
	t.Logf("one at a time, %d events received on node A reached node B's stream: p50 %s, p99 %s, max %s", quiet, p50, p99, worst)
	if worst > streamBound {
		t.Errorf("an event took %s to reach the other node's stream (bound %s)", worst, streamBound)
	}

	verifyWorkflows(t, st, maxSettle, c.logFile)
	verifySent(t, st, c.integ, maxSettle, false)

	// Routing through both nodes: 3 agents of capacity 2, signed in on
	// different nodes; 16 conversations routed to their team at once,
	// then 4 of the assigned closed through the other node.
	agents := c.addAgents(3)
	convs := idsOf(t, st, routable(16))
	if len(convs) < 16 {
		t.Fatalf("only %d open conversations to route", len(convs))
	}
	open := c.route(st, agents, convs)
	c.closeAssigned(st, agents, 4, c.nodes[1].URL, open)

	for i, n := range c.nodes {
		if err := n.Stop(15 * time.Second); err != nil {
			t.Errorf("node %d: graceful stop: %v", i, err)
		}
	}
	checkNoRace(t, c.logFile)
}

// lastEventID is the newest event's id.
func lastEventID(t *testing.T, st *sql.DB) int64 {
	t.Helper()
	var id sql.NullInt64
	if err := st.QueryRow(`SELECT MAX(id) FROM events`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id.Int64
}

// receivedAfter lists the message.received events after the event id.
func receivedAfter(t *testing.T, st *sql.DB, after int64) []int64 {
	t.Helper()
	rows, err := st.Query(fmt.Sprintf(`SELECT id FROM events WHERE type = 'message.received' AND id > %d ORDER BY id`, after))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return ids
}

// verifySent waits until every outbound message is sent and has reached
// the integrator, and checks that none reached it twice: two nodes never
// both send one. After a fault (repeats true) a send may be repeated —
// a node that sent and died, or lost the store, before recording it
// sends again, with the same Idempotency-Key — and the repeats are only
// counted.
func verifySent(t *testing.T, st *sql.DB, in *integrator, settle time.Duration, repeats bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), settle)
	defer cancel()
	var out, sent int
	for {
		if err := st.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(*) FILTER (WHERE status IN ('sent', 'delivered', 'read')) FROM messages WHERE direction = 'out'`).Scan(&out, &sent); err != nil {
			t.Fatalf("count outbound messages: %v", err)
		}
		if got, _ := in.deliveries(); sent == out && got == out {
			break
		}
		select {
		case <-ctx.Done():
			got, _ := in.deliveries()
			t.Fatalf("after %s: %d outbound messages, %d sent, %d reached the integrator", settle, out, sent, got)
		case <-time.After(100 * time.Millisecond):
		}
	}
	_, repeated := in.deliveries()
	if len(repeated) > 0 && !repeats {
		t.Errorf("%d outbound messages reached the integrator more than once, e.g. %v", len(repeated), repeated)
	}
	t.Logf("%d outbound messages, each sent; %d of them twice or more (the same Idempotency-Key)", out, len(repeated))
}
