package crashtest

import (
	"database/sql"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// autoCloseScale is TestAutoCloseAcrossNodes's size: short (make test)
// or long (SWITCHBOARD_TEST_FAULTS=1, make test-faults).
type autoCloseScale struct {
	nodes, convs int
	// spread: the conversations fall due one after another over this
	// long, so that a node killed while they fall due is killed among
	// the closes.
	spread time.Duration
}

func autoCloseLoad() autoCloseScale {
	if os.Getenv(EnvFaults) != "" {
		return autoCloseScale{nodes: 3, convs: 240, spread: 6 * time.Second}
	}
	return autoCloseScale{nodes: 2, convs: 40, spread: 3 * time.Second}
}

// autoCloseLead is how long after the test sets the workspace's delay the
// first conversation falls due: time for the setting's transaction to
// commit and every node to hear of it.
const autoCloseLead = 2 * time.Second

// TestAutoCloseAcrossNodes runs two nodes (three in the long version) on
// one PostgreSQL whose workspace closes conversations after a delay
// without a message from the contact (SPEC §4, the minimum 30 minutes).
// The nodes run on the real clock, so the test makes the conversations
// quiet that long by moving their last message back in the store, then
// sets the delay through the API, which re-arms every deadline: each
// conversation falls due at an instant the test chose, a few seconds
// ahead, one after another over a few seconds, on every node's timer.
// Each must be closed exactly once (one conversation.closed event,
// source auto_close, the auto-close summary), none missed, none before
// it was due; in a second round, the same with node 0 killed with
// SIGKILL while they fall due.
func TestAutoCloseAcrossNodes(t *testing.T) {
	sc := autoCloseLoad()
	c := newCluster(t, sc.nodes)
	st := c.openStore()

	for round, kill := range []bool{false, true} {
		live := c.nodes
		if kill {
			live = c.nodes[1:]
		}
		minutes := 30 + round // another setting each round, so it re-arms
		convs := c.openQuiet(st, round, sc.convs)
		due := c.armAutoClose(st, convs, minutes, sc.spread, live[0].URL)
		if kill {
			waitUntil(t, maxSettle, "a third of the conversations to be closed", func() (bool, string) {
				n := countClosed(t, st, convs)
				return n >= len(convs)/3, fmt.Sprintf("%d of %d closed", n, len(convs))
			})
			c.nodes[0].Kill()
			t.Logf("round %d: node 0 killed with %d of %d conversations closed", round+1, countClosed(t, st, convs), len(convs))
		}
		c.verifyAutoClosed(st, convs, due, minutes, live)
	}
	for i, n := range c.nodes[1:] {
		if err := n.Stop(15 * time.Second); err != nil {
			t.Errorf("node %d: graceful stop: %v", i+1, err)
		}
	}
	checkNoRace(t, c.logFile)
}

// openQuiet opens n conversations through the nodes' webhooks, one new
// contact each, and returns their ids.
func (c *cluster) openQuiet(st *sql.DB, round, n int) []int64 {
	c.t.Helper()
	var mark int64
	if err := st.QueryRow(`SELECT COALESCE(MAX(id), 0) FROM conversations`).Scan(&mark); err != nil {
		c.t.Fatal(err)
	}
	l := newLedger()
	whs := make([]*harness.Webhook, len(c.nodes))
	for i, node := range c.nodes {
		whs[i] = harness.NewWebhook(node.URL, c.demo, 4)
	}
	for i := range n {
		w := &webhook{contactID: fmt.Sprintf("+1556%02d%05d", round, i), mIDs: []string{fmt.Sprintf("quiet-%d-%d", round, i)}}
		l.add(w)
		body := harness.Body(c.demo.ChannelID, w.contactID, "Quiet", []harness.Message{{MID: w.mIDs[0], Text: "hello"}}, time.Now())
		status, err := whs[i%len(whs)].Post(c.t.Context(), body)
		l.result(w, status, err)
	}
	if sent, acked, _ := l.counts(); acked != sent {
		c.t.Fatalf("%d of %d webhooks acknowledged: %q", acked, sent, l.refused)
	}
	ids := idsOf(c.t, st, fmt.Sprintf(`SELECT id FROM conversations WHERE id > %d AND channel_id = %d AND status = 'open' ORDER BY id`, mark, c.demo.ChannelID))
	if len(ids) != n {
		c.t.Fatalf("%d open conversations for %d new contacts", len(ids), n)
	}
	return ids
}

// armAutoClose makes conversation i of convs quiet since due_i minus the
// delay, the due_i spread over spread from autoCloseLead ahead, by moving
// its opening and last contact message back in the store; then sets the
// workspace's auto-close delay (counting the contact's messages only,
// so the workflow's messages move no deadline) through the API of node,
// which re-arms every open conversation of the workspace. It returns the
// due times (Unix ms) by conversation.
func (c *cluster) armAutoClose(st *sql.DB, convs []int64, minutes int, spread time.Duration, node string) map[int64]int64 {
	c.t.Helper()
	delay := time.Duration(minutes) * time.Minute
	first := time.Now().Add(autoCloseLead)
	due := map[int64]int64{}
	for i, id := range convs {
		at := db.Millis(first.Add(spread * time.Duration(i) / time.Duration(len(convs))))
		due[id] = at
		quiet := at - delay.Milliseconds()
		if _, err := st.Exec(`UPDATE conversations SET opened_at = $1, last_incoming_at = $1 WHERE id = $2`, quiet, id); err != nil {
			c.t.Fatal(err)
		}
	}
	in := map[string]any{"auto_close_minutes": minutes, "auto_close_contact_only": true}
	if err := api("PATCH", node+"/api/v1/workspace", c.demo.APIToken, in, nil); err != nil {
		c.t.Fatal(err)
	}
	expectNone(c.t, st, "conversations armed other than as the test chose", fmt.Sprintf(`SELECT id, auto_close_at FROM conversations
		WHERE id IN (%s) AND status = 'open' AND auto_close_at <> opened_at + %d`, inList(convs), delay.Milliseconds()))
	return due
}

// countClosed counts the conversations of ids that are closed.
func countClosed(t *testing.T, st *sql.DB, ids []int64) int {
	t.Helper()
	var n int
	if err := st.QueryRow(fmt.Sprintf(`SELECT COUNT(*) FROM conversations WHERE id IN (%s) AND status = 'closed'`, inList(ids))).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// verifyAutoClosed waits until every conversation of convs is closed,
// then checks each was closed once, by auto-close, with its summary,
// not before it was due, and is shown closed by the live nodes' API.
func (c *cluster) verifyAutoClosed(st *sql.DB, convs []int64, due map[int64]int64, minutes int, live []*harness.Server) {
	c.t.Helper()
	waitUntil(c.t, maxSettle, "every quiet conversation to be closed", func() (bool, string) {
		n := countClosed(c.t, st, convs)
		return n == len(convs), fmt.Sprintf("%d of %d closed", n, len(convs))
	})
	in := inList(convs)
	summary := fmt.Sprintf("Closed automatically: no message from the contact for %d minutes.", minutes)
	expectNone(c.t, st, "conversations not closed exactly once by auto-close", fmt.Sprintf(`SELECT c.id, c.closed_source,
			(SELECT COUNT(*) FROM events e WHERE e.conversation_id = c.id AND e.type = 'conversation.closed')
		FROM conversations c WHERE c.id IN (%s) AND (c.closed_source <> 'auto_close' OR c.close_summary <> '%s'
			OR (SELECT COUNT(*) FROM events e WHERE e.conversation_id = c.id AND e.type = 'conversation.closed') <> 1
			OR (SELECT COUNT(*) FROM events e WHERE e.conversation_id = c.id AND e.type = 'conversation.closed'
				AND e.payload LIKE '%%"source":"auto_close"%%' AND e.payload LIKE '%%%s%%') <> 1)`, in, summary, summary))
	var late, early int64
	for id, at := range due {
		var closedAt int64
		if err := st.QueryRow(`SELECT closed_at FROM conversations WHERE id = $1`, id).Scan(&closedAt); err != nil {
			c.t.Fatal(err)
		}
		if closedAt < at {
			early++
			c.t.Errorf("conversation %d closed at %d, %d ms before it was due", id, closedAt, at-closedAt)
		}
		late = max(late, closedAt-at)
	}
	for i, id := range convs[:min(len(convs), 6)] {
		var conv struct {
			Status string `json:"status"`
		}
		if err := api("GET", fmt.Sprintf("%s/api/v1/conversations/%d", live[i%len(live)].URL, id), c.demo.APIToken, nil, &conv); err != nil {
			c.t.Fatal(err)
		}
		if conv.Status != "closed" {
			c.t.Errorf("GET conversation %d: status %q, want closed", id, conv.Status)
		}
	}
	c.t.Logf("%d conversations due over %d nodes' timers each closed once by auto-close; the latest %d ms after it was due",
		len(convs), len(live), late)
}
