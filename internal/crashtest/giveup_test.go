package crashtest

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// giveUpBackoff is the nodes' outbound retry backoff in TestGiveUpAcrossNodes
// (docs/configuration.md, "Outbound retries"): short, so that a message's
// ten attempts take a second or two instead of minutes.
var giveUpBackoff = []string{"SWITCHBOARD_SEND_RETRY_DELAY=50ms", "SWITCHBOARD_SEND_RETRY_MAX_DELAY=300ms"}

// giveUpHeld is how many POSTs the integrator holds before the kill of
// the second round; more are held, one at a time, until one of them is
// the node to be killed's (which node claims which send is the nodes'
// race: under load one node took all six, once).
const giveUpHeld = 6

// TestGiveUpAcrossNodes runs two nodes on one PostgreSQL, with a short
// retry backoff, while the custom channel's integrator fails every POST
// (500 and 503 in turn). Replies through both nodes' API and the demo
// workflow's messages are each attempted exactly outbound.DefaultMaxAttempts
// times in all across the nodes (counted at the integrator by
// Idempotency-Key), then failed once: one message.status event with the
// last failure as its reason, the same reason in the store and from the
// API. In a second round node 0 is killed with SIGKILL while the
// integrator holds some of its POSTs: the survivor takes its claims back
// and carries on; only an attempt the killed node made and could not
// record is made again, so such a message reaches the integrator at most
// once more than it was attempted.
func TestGiveUpAcrossNodes(t *testing.T) {
	c := newCluster(t, 0)
	c.env = append(c.env, giveUpBackoff...)
	c.nodes = make([]*harness.Server, 2)
	c.start(0)
	c.start(1)
	st := c.openStore()
	failing := &alwaysFailing{last: map[string]fault{}}
	c.integ.startMisbehaving(failing.answer)

	// Round 1: every node alive.
	round1 := c.giveUpRound(st, 1, 6)
	c.verifyGaveUp(st, failing, round1, nil, c.nodes)

	// Round 2: node 0 killed while the integrator holds POSTs.
	round2 := c.giveUpRound(st, 2, 6)
	waitUntil(t, maxSettle, "the second round's messages to be attempted", func() (bool, string) {
		n := 0
		for _, id := range round2 {
			if c.integ.postsOf(id) >= 2 {
				n++
			}
		}
		return n == len(round2), fmt.Sprintf("%d of %d messages attempted twice", n, len(round2))
	})
	failing.hold(giveUpHeld)
	victim := c.nodeIDs(st)[0]
	asked := giveUpHeld
	waitUntil(t, maxSettle, "the integrator to hold a POST of node 0", func() (bool, string) {
		s := c.integ.stats()
		if s.faults[slow] < asked {
			return false, s.String()
		}
		var held []string
		for _, key := range c.integ.heldNow() {
			if _, err := strconv.ParseInt(key, 10, 64); err == nil {
				held = append(held, key)
			}
		}
		if len(held) > 0 && len(idsOf(t, st, fmt.Sprintf(`SELECT message_id FROM outbound_jobs
			WHERE state = 'pending' AND lease_until > 0 AND lease_node = %d AND message_id IN (%s)`, victim, strings.Join(held, ", ")))) > 0 {
			return true, ""
		}
		// Every hold asked for was node 1's: one more.
		failing.hold(1)
		asked++
		return false, fmt.Sprintf("%d POSTs held, none node 0's; %s", asked-1, s)
	})
	c.nodes[0].Kill()
	// The killed node's claims: attempts it may have made and never
	// recorded. They stay until the survivor takes them back.
	cut := map[int64]bool{}
	for _, id := range idsOf(t, st, fmt.Sprintf(`SELECT message_id FROM outbound_jobs WHERE state = 'pending' AND lease_until > 0 AND lease_node = %d`, victim)) {
		cut[id] = true
	}
	if len(cut) == 0 {
		t.Fatalf("node 0 (id %d) held no send at its kill; the integrator: %s", victim, c.integ.stats())
	}
	t.Logf("node 0 killed holding %d sends; the integrator: %s", len(cut), c.integ.stats())
	c.verifyGaveUp(st, failing, append(round1, round2...), cut, c.nodes[1:])
	checkLogFree(t, c.logFile, "recording an outbound attempt failed")
	if err := c.nodes[1].Stop(15 * time.Second); err != nil {
		t.Errorf("node 1: graceful stop: %v", err)
	}
	checkNoRace(t, c.logFile)
}

// alwaysFailing is the integrator's policy in TestGiveUpAcrossNodes: it
// answers a message's odd POSTs 500 and its even ones 503 (without
// Retry-After, so the node's backoff decides), or holds the next POSTs
// when told to, and remembers each message's last answer.
type alwaysFailing struct {
	mu       sync.Mutex
	holdNext int
	last     map[string]fault // Idempotency-Key -> its last POST's answer
}

func (a *alwaysFailing) answer(key string, post int) fault {
	a.mu.Lock()
	defer a.mu.Unlock()
	f := fail500
	switch {
	case a.holdNext > 0:
		a.holdNext--
		f = slow
	case post%2 == 0:
		f = busy503Bare
	}
	a.last[key] = f
	return f
}

func (a *alwaysFailing) hold(n int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.holdNext += n
}

func (a *alwaysFailing) lastAnswer(key string) fault {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.last[key]
}

// postsOf returns how many POSTs of the message with this id the
// integrator received, answered or not.
func (in *integrator) postsOf(id int64) int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.posts[strconv.FormatInt(id, 10)]
}

// nodeIDs returns the ids of the cluster's nodes in the order they
// started (node.Node rows; a claim names its node by this id).
func (c *cluster) nodeIDs(st *sql.DB) []int64 {
	c.t.Helper()
	ids := idsOf(c.t, st, `SELECT id FROM nodes ORDER BY started_at, id`)
	if len(ids) != len(c.nodes) {
		c.t.Fatalf("%d nodes registered, %d started", len(ids), len(c.nodes))
	}
	return ids
}

// giveUpRound opens n conversations through the nodes' webhooks and
// replies to each through the API, in turn through each node, and
// returns the ids of the outbound messages written since the round
// began: the replies and whatever the demo workflow sent.
func (c *cluster) giveUpRound(st *sql.DB, round, n int) []int64 {
	c.t.Helper()
	var mark int64
	if err := st.QueryRow(`SELECT COALESCE(MAX(id), 0) FROM messages`).Scan(&mark); err != nil {
		c.t.Fatal(err)
	}
	l := newLedger()
	for i := range n {
		wh := harness.NewWebhook(c.nodes[i%len(c.nodes)].URL, c.demo, 1)
		w := &webhook{contactID: fmt.Sprintf("+1557%02d%04d", round, i), mIDs: []string{fmt.Sprintf("giveup-%d-%d", round, i)}}
		l.add(w)
		body := harness.Body(c.demo.ChannelID, w.contactID, "Unlucky", []harness.Message{{MID: w.mIDs[0], Text: "hello"}}, time.Now())
		status, err := wh.Post(c.t.Context(), body)
		l.result(w, status, err)
	}
	if sent, acked, _ := l.counts(); acked != sent {
		c.t.Fatalf("round %d: %d of %d webhooks acknowledged: %q", round, acked, sent, l.refused)
	}
	convs := idsOf(c.t, st, fmt.Sprintf(`SELECT DISTINCT conversation_id FROM messages WHERE id > %d AND direction = 'in' ORDER BY conversation_id`, mark))
	for i, id := range convs {
		node := c.nodes[i%len(c.nodes)].URL
		body := map[string]string{"text": fmt.Sprintf("Reply %d of round %d", i, round)}
		if err := api("POST", fmt.Sprintf("%s/api/v1/conversations/%d/messages", node, id), c.demo.APIToken, body, nil); err != nil {
			c.t.Fatal(err)
		}
	}
	return idsOf(c.t, st, fmt.Sprintf(`SELECT id FROM messages WHERE id > %d AND direction = 'out' AND channel_id = %d ORDER BY id`, mark, c.demo.ChannelID))
}

// verifyGaveUp waits until none of the messages is pending, then checks
// each: failed, its job failed after exactly the maximum of attempts,
// reached the integrator that many times (once more at most when it is
// one of cut, the claims of a killed node), never accepted, its reason
// the integrator's last answer, in one message.status event and from
// the API of the live nodes.
func (c *cluster) verifyGaveUp(st *sql.DB, policy *alwaysFailing, ids []int64, cut map[int64]bool, live []*harness.Server) {
	c.t.Helper()
	in := inList(ids)
	began := time.Now()
	waitUntil(c.t, maxSettle, "every message to be given up", func() (bool, string) {
		var pending, jobs int
		st.QueryRow(fmt.Sprintf(`SELECT COUNT(*) FROM messages WHERE id IN (%s) AND status = 'pending'`, in)).Scan(&pending)
		st.QueryRow(fmt.Sprintf(`SELECT COUNT(*) FROM outbound_jobs WHERE message_id IN (%s) AND state = 'pending'`, in)).Scan(&jobs)
		return pending == 0 && jobs == 0, fmt.Sprintf("%d of %d messages and %d jobs pending; the integrator: %s", pending, len(ids), jobs, c.integ.stats())
	})
	c.t.Logf("%d messages given up within %s of the check", len(ids), time.Since(began).Round(time.Millisecond))
	expectNone(c.t, st, "messages not failed, or whose job did not fail after exactly the maximum of attempts",
		fmt.Sprintf(`SELECT m.id, m.status, j.state, j.attempts FROM messages m LEFT JOIN outbound_jobs j ON j.message_id = m.id
			WHERE m.id IN (%s) AND (m.status <> 'failed' OR j.state IS NULL OR j.state <> 'failed' OR j.attempts <> %d
			OR (SELECT COUNT(*) FROM outbound_jobs j2 WHERE j2.message_id = m.id) <> 1)`, in, outbound.DefaultMaxAttempts))
	events := failedStatusEvents(c.t, st)
	extra := 0
	for i, id := range ids {
		key := strconv.FormatInt(id, 10)
		posts, accepted := c.integ.postsOf(id), c.integ.accepted(key)
		want := outbound.DefaultMaxAttempts
		if cut[id] && posts == want+1 {
			extra++ // the killed node's unrecorded attempt, made again
		} else if posts != want {
			c.t.Errorf("message %d reached the integrator %d times; want %d", id, posts, want)
		}
		if accepted != 0 {
			c.t.Errorf("message %d was accepted %d times by an integrator that accepts nothing", id, accepted)
		}
		var reason string
		if err := st.QueryRow(`SELECT COALESCE(failure_reason, '') FROM messages WHERE id = $1`, id).Scan(&reason); err != nil {
			c.t.Fatal(err)
		}
		if want := lastAnswerWords(policy.lastAnswer(key)); !strings.Contains(reason, want) {
			c.t.Errorf("message %d failed with the reason %q; want the integrator's last answer, %q", id, reason, want)
		}
		if got := events[id]; len(got) != 1 || got[0] != reason {
			c.t.Errorf("message %d: message.status events saying it failed give %q; want one, %q", id, got, reason)
		}
		var m struct {
			Status        string `json:"status"`
			FailureReason string `json:"failure_reason"`
		}
		node := live[i%len(live)].URL
		if err := api("GET", fmt.Sprintf("%s/api/v1/messages/%d", node, id), c.demo.APIToken, nil, &m); err != nil {
			c.t.Fatal(err)
		}
		if m.Status != "failed" || m.FailureReason != reason {
			c.t.Errorf("GET message %d: status %q, failure_reason %q; want failed, %q", id, m.Status, m.FailureReason, reason)
		}
	}
	c.t.Logf("%d messages each attempted %d times across %d nodes, then failed once; %d attempts of a killed node made again",
		len(ids), outbound.DefaultMaxAttempts, len(live), extra)
}

// lastAnswerWords is what a message's failure reason must say when the
// integrator's last answer to it was f.
func lastAnswerWords(f fault) string {
	switch f {
	case fail500:
		return "the integrator answered 500: the integrator failed"
	case busy503Bare:
		return "the integrator answered 503: the integrator is down"
	}
	// A held POST ends at the node's send timeout.
	return "deadline exceeded"
}
