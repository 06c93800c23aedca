package crashtest

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
)

// onceScale is TestOnceAcrossNodes's size: short (make test) or long
// (SWITCHBOARD_TEST_FAULTS=1, make test-faults).
type onceScale struct {
	nodes    int
	contacts int // new contacts writing once each, through every node at once
	// failShare: the failing receiver answers 500 to the first POST of
	// one event in failShare. Each failure holds its conversation's later
	// events for the retry (5–10 s): the short version fails fewer.
	failShare uint64
}

func onceLoad() onceScale {
	if os.Getenv(EnvFaults) != "" {
		return onceScale{nodes: 3, contacts: 60, failShare: 4}
	}
	return onceScale{nodes: 2, contacts: 16, failShare: 8}
}

// timerSeconds is the Wait step of the test's workflow: its shortest is
// 1 s; 2 s lets every run of the burst be waiting before the first is due.
const timerSeconds = 2

// snoozeFor is how far ahead the conversations are snoozed, all until the
// same instant: time enough to snooze them all through the API first.
const snoozeFor = 4 * time.Second

// TestOnceAcrossNodes runs two nodes (three in the long version) on one
// PostgreSQL and checks that the timed and outgoing work of the cluster
// happens once, whichever node does it:
//   - outgoing webhooks: two endpoints of the workspace, on receivers of
//     the test, subscribed to every event type; one answers 200 always,
//     the other 500 to the first POST of one event in eight (in four in
//     the long version). Every event of the workspace reaches each
//     exactly once answered 200 (the first never sees an event twice,
//     the second twice only when it failed it), signed as
//     docs/webhooks.md says, in sequence order per conversation;
//   - workflow timers: a workflow published through the API waits 2 s
//     after each conversation opens, then sends a message. The
//     conversations open at once through every node, so their runs fall
//     due together, on every node's timer: each run's wait ends once, its message
//     is written once and reaches the integrator once, the run finishes
//     once;
//   - snooze timers: every conversation snoozed until the same instant
//     through every node wakes once (one conversation.unsnoozed, reason
//     timer).
func TestOnceAcrossNodes(t *testing.T) {
	sc := onceLoad()
	c := newCluster(t, sc.nodes)
	st := c.openStore()
	token := c.demo.APIToken

	always := startReceiver(t, func(int64) bool { return false })
	always.register(t, c.nodes[0].URL, token, "always 200")
	flaky := startReceiver(t, failEvery(sc.failShare))
	flaky.register(t, c.nodes[len(c.nodes)-1].URL, token, "fails first")
	timerWF := c.publishTimerWorkflow()
	mark := lastEventID(t, st)

	// The contacts write at once, each through its node.
	l := newLedger()
	var wg sync.WaitGroup
	for i := range sc.contacts {
		wh := harness.NewWebhook(c.nodes[i%len(c.nodes)].URL, c.demo, 1)
		w := &webhook{contactID: fmt.Sprintf("+1554%07d", i), mIDs: []string{fmt.Sprintf("once-%d", i)}}
		l.add(w)
		wg.Go(func() {
			body := harness.Body(c.demo.ChannelID, w.contactID, "Once", []harness.Message{{MID: w.mIDs[0], Text: "hello"}}, time.Now())
			status, err := wh.Post(t.Context(), body)
			l.result(w, status, err)
		})
	}
	wg.Wait()
	if sent, acked, errs := l.counts(); errs > 0 || acked != sent {
		t.Fatalf("%d of %d messages acknowledged, %d deliveries failed, e.g. %q", acked, sent, errs, l.refused[:min(3, len(l.refused))])
	}
	verifyStore(t, st, c.demo.ChannelID, l)
	convs := idsOf(t, st, fmt.Sprintf(`SELECT c.id FROM conversations c JOIN events e ON e.conversation_id = c.id
		AND e.type = 'conversation.opened' WHERE e.id > %d ORDER BY c.id`, mark))
	if len(convs) != sc.contacts {
		t.Fatalf("%d conversations opened for %d contacts", len(convs), sc.contacts)
	}

	c.verifyTimerRuns(st, timerWF, convs)
	verifySent(t, st, c.integ, maxSettle, false)
	c.snoozeAndWake(st, convs)

	// Every delivery made settles: delivered, none pending or failed, and
	// each receiver has accepted what the log says it should.
	var want []loggedEvent
	waitUntil(t, maxSettle, "every webhook delivery", func() (bool, string) {
		want = wantedEvents(t, st, c.demo.WorkspaceID, mark)
		var pending, failed int
		st.QueryRow(`SELECT COUNT(*) FILTER (WHERE state = 'pending'), COUNT(*) FILTER (WHERE state = 'failed') FROM webhook_deliveries`).Scan(&pending, &failed)
		a, f := len(always.acceptedIDs()), len(flaky.acceptedIDs())
		return pending == 0 && a >= len(want) && f >= len(want),
			fmt.Sprintf("%d events wanted; accepted: %d and %d; deliveries %d pending, %d failed", len(want), a, f, pending, failed)
	})
	// The timer runs' ends are among the deliveries: what the cluster did
	// after the waits went out too.
	ended := 0
	for _, e := range want {
		if e.typ == "workflow.run.ended" {
			ended++
		}
	}
	if ended != sc.contacts {
		t.Errorf("%d finished runs among the events to deliver; want the %d timer runs'", ended, sc.contacts)
	}
	always.verify(t, "the receiver answering 200", want, mark)
	flaky.verify(t, "the receiver failing first", want, mark)
	expectNone(t, st, "webhook deliveries not delivered",
		fmt.Sprintf(`SELECT id, state FROM webhook_deliveries WHERE endpoint_id IN (%d, %d) AND state <> 'delivered'`, always.ID, flaky.ID))
	expectNone(t, st, "webhook deliveries to the receiver answering 200 made more than one attempt",
		fmt.Sprintf(`SELECT id, attempts FROM webhook_deliveries WHERE endpoint_id = %d AND attempts <> 1`, always.ID))

	for i, n := range c.nodes {
		if err := n.Stop(15 * time.Second); err != nil {
			t.Errorf("node %d: graceful stop: %v", i, err)
		}
	}
	checkNoRace(t, c.logFile)
}

// publishTimerWorkflow creates, publishes and starts through the API a
// workflow that, on each conversation a contact opens, waits timerSeconds
// then sends a message, and returns its id.
func (c *cluster) publishTimerWorkflow() int64 {
	c.t.Helper()
	def := map[string]any{
		"name":    "Once across nodes",
		"trigger": map[string]any{"type": "conversation_opened", "conditions": map[string]any{"sources": []string{"contact"}}},
		"start":   "pause",
		"steps": []map[string]any{
			{"id": "pause", "type": "wait", "settings": map[string]any{"seconds": timerSeconds}, "exits": map[string]string{"next": "after"}},
			{"id": "after", "type": "send_message", "settings": map[string]any{"text": "Timer fired for {{contact.first_name}}"}},
		},
	}
	base, token := c.nodes[0].URL, c.demo.APIToken
	var wf struct {
		ID int64 `json:"id"`
	}
	if err := api("POST", base+"/api/v1/workflows", token, def, &wf); err != nil {
		c.t.Fatal(err)
	}
	for _, action := range []string{"publish", "start"} {
		if err := api("POST", fmt.Sprintf("%s/api/v1/workflows/%d/%s", base, wf.ID, action), token, nil, nil); err != nil {
			c.t.Fatal(err)
		}
	}
	return wf.ID
}

// verifyTimerRuns waits until the timer workflow's runs have all ended,
// then checks that each conversation had one run, whose wait ended once,
// whose message was written once and which finished once.
func (c *cluster) verifyTimerRuns(st *sql.DB, workflowID int64, convs []int64) {
	c.t.Helper()
	waitUntil(c.t, maxSettle, "the timer workflow's runs to finish", func() (bool, string) {
		var runs, ended int
		st.QueryRow(`SELECT COUNT(*), COUNT(*) FILTER (WHERE status IN ('finished', 'failed', 'stopped')) FROM workflow_runs WHERE workflow_id = $1`, workflowID).Scan(&runs, &ended)
		return runs == len(convs) && ended == runs, fmt.Sprintf("%d runs for %d conversations, %d ended; stuck:\n%s", runs, len(convs), ended, stuckRuns(st))
	})
	in := inList(convs)
	checks := []struct{ what, query string }{
		{"conversations without exactly one run of the timer workflow", fmt.Sprintf(`SELECT c.id, (SELECT COUNT(*) FROM workflow_runs r WHERE r.conversation_id = c.id AND r.workflow_id = %d)
			FROM conversations c WHERE c.id IN (%s) AND (SELECT COUNT(*) FROM workflow_runs r WHERE r.conversation_id = c.id AND r.workflow_id = %d) <> 1`, workflowID, in, workflowID)},
		{"timer runs not finished", fmt.Sprintf(`SELECT id, status FROM workflow_runs WHERE workflow_id = %d AND status <> 'finished'`, workflowID)},
		// A wait is two lines of history: begun (no exit), then ended
		// (exit next) by the node that woke the run.
		{"timer runs whose wait began or ended, or whose message step ran, other than once", fmt.Sprintf(`SELECT r.id, (SELECT COUNT(*) FROM workflow_run_steps s WHERE s.run_id = r.id)
			FROM workflow_runs r WHERE r.workflow_id = %d AND ((SELECT COUNT(*) FROM workflow_run_steps s WHERE s.run_id = r.id AND s.step = 'pause' AND s.exit = '') <> 1
			OR (SELECT COUNT(*) FROM workflow_run_steps s WHERE s.run_id = r.id AND s.step = 'pause' AND s.exit = 'next') <> 1
			OR (SELECT COUNT(*) FROM workflow_run_steps s WHERE s.run_id = r.id AND s.step = 'pause') <> 2
			OR (SELECT COUNT(*) FROM workflow_run_steps s WHERE s.run_id = r.id AND s.step = 'after') <> 1)`, workflowID)},
		{"conversations whose timer message was written other than once", fmt.Sprintf(`SELECT c.id, (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'out' AND m.text LIKE 'Timer fired%%')
			FROM conversations c WHERE c.id IN (%s) AND (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'out' AND m.text LIKE 'Timer fired%%') <> 1`, in)},
		{"timer runs without exactly one workflow.run.ended event", fmt.Sprintf(`SELECT r.id, (SELECT COUNT(*) FROM events e WHERE e.conversation_id = r.conversation_id AND e.type = 'workflow.run.ended'
				AND e.payload LIKE '%%"run_id":' || r.id || ',%%')
			FROM workflow_runs r WHERE r.workflow_id = %d AND (SELECT COUNT(*) FROM events e WHERE e.conversation_id = r.conversation_id AND e.type = 'workflow.run.ended'
				AND e.payload LIKE '%%"run_id":' || r.id || ',%%') <> 1`, workflowID)},
	}
	for _, ch := range checks {
		expectNone(c.t, st, ch.what, ch.query)
	}
	// When the runs fell due, and which nodes woke them: the node of a
	// run's last claim is the one that ended its wait.
	var spread int64
	st.QueryRow(`SELECT MAX(s.at) - MIN(s.at) FROM workflow_run_steps s JOIN workflow_runs r ON r.id = s.run_id WHERE r.workflow_id = $1 AND s.step = 'pause' AND s.exit = ''`, workflowID).Scan(&spread)
	byNode := map[int64]int{}
	rows, err := st.Query(`SELECT lease_node, COUNT(*) FROM workflow_runs WHERE workflow_id = $1 GROUP BY lease_node`, workflowID)
	if err != nil {
		c.t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var node int64
		var n int
		rows.Scan(&node, &n)
		byNode[node] = n
	}
	c.t.Logf("timers: %d runs each waited %d s once, their waits begun within %d ms of each other; the runs' last claims by node id: %v", len(convs), timerSeconds, spread, byNode)
}

// snoozeAndWake snoozes the conversations until one instant, in turn
// through each node, and waits until each has woken: once, by the timer.
// On a machine so busy that the instant passed before the last snooze
// (refused: until must be in the future), the rest are snoozed until a
// next instant, as many times as it takes: how fast the machine is
// changes how many instants there are, not what is checked.
func (c *cluster) snoozeAndWake(st *sql.DB, convs []int64) {
	c.t.Helper()
	until, instants := time.Now().Add(snoozeFor).UTC(), 1
	for i := 0; i < len(convs); {
		node := c.nodes[i%len(c.nodes)].URL
		err := api("POST", fmt.Sprintf("%s/api/v1/conversations/%d/snooze", node, convs[i]), c.demo.APIToken, map[string]any{"until": until}, nil)
		var se *statusError
		if errors.As(err, &se) && se.status == http.StatusUnprocessableEntity && !time.Now().Before(until) {
			if instants++; instants > 20 {
				c.t.Fatalf("snoozed %d of %d conversations: each next instant, %s ahead, passed before its snooze", i, len(convs), snoozeFor)
			}
			until = time.Now().Add(snoozeFor).UTC()
			continue
		}
		if err != nil {
			c.t.Fatal(err)
		}
		i++
	}
	in := inList(convs)
	waitUntil(c.t, maxSettle, "the snoozed conversations to wake", func() (bool, string) {
		var snoozed int
		st.QueryRow(fmt.Sprintf(`SELECT COUNT(*) FROM conversations WHERE id IN (%s) AND status = 'snoozed'`, in)).Scan(&snoozed)
		return snoozed == 0, fmt.Sprintf("%d of %d still snoozed", snoozed, len(convs))
	})
	expectNone(c.t, st, "snoozed conversations not woken exactly once by the timer", fmt.Sprintf(`SELECT c.id, (SELECT COUNT(*) FROM events e WHERE e.conversation_id = c.id AND e.type = 'conversation.unsnoozed')
		FROM conversations c WHERE c.id IN (%s) AND ((SELECT COUNT(*) FROM events e WHERE e.conversation_id = c.id AND e.type = 'conversation.unsnoozed') <> 1
		OR (SELECT COUNT(*) FROM events e WHERE e.conversation_id = c.id AND e.type = 'conversation.unsnoozed' AND e.payload LIKE '%%"reason":"timer"%%') <> 1
		OR c.status <> 'open')`, in))
	c.t.Logf("snooze: %d conversations snoozed until %d instant(s) through %d nodes, each woken once by the timer", len(convs), instants, len(c.nodes))
}

// wantedEvents lists the workspace's events after mark that an endpoint
// subscribed to every type is sent (docs/webhooks.md), those of each
// conversation in sequence order.
func wantedEvents(t *testing.T, st *sql.DB, workspaceID, mark int64) []loggedEvent {
	t.Helper()
	rows, err := st.Query(`SELECT id, type, COALESCE(conversation_id, 0), seq, payload FROM events WHERE workspace_id = $1 AND id > $2
		AND type IN ('conversation.opened', 'conversation.closed', 'conversation.assigned', 'message.received', 'message.sent', 'message.status',
			'contact.created', 'contact.updated', 'contact.tag.updated', 'contact.lifecycle.updated', 'workflow.run.ended')
		ORDER BY COALESCE(conversation_id, 0), seq, id`, workspaceID, mark)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []loggedEvent
	for rows.Next() {
		var e loggedEvent
		var payload string
		if err := rows.Scan(&e.id, &e.typ, &e.conversationID, &e.seq, &payload); err != nil {
			t.Fatal(err)
		}
		if e.typ == "workflow.run.ended" {
			var p struct {
				Status string `json:"status"`
			}
			json.Unmarshal([]byte(payload), &p)
			if p.Status != "finished" && p.Status != "failed" {
				continue // a stopped run is no subscription's
			}
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
