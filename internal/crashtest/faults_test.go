package crashtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
)

// EnvFaults turns on the long fault tests (make test-faults): three
// nodes, PostgreSQL down for 10 s, more kills. Without it `make test` runs
// the short versions.
const EnvFaults = "SWITCHBOARD_TEST_FAULTS"

// faultScale is what a fault test does, short or long.
type faultScale struct {
	nodes    int
	down     time.Duration // how long PostgreSQL stays stopped
	kills    int           // nodes killed and restarted, one after another
	minAcked int           // acknowledged messages before and after each fault
}

func scale() faultScale {
	if os.Getenv(EnvFaults) != "" {
		return faultScale{nodes: 3, down: 10 * time.Second, kills: 3, minAcked: 300}
	}
	return faultScale{nodes: 2, down: 3 * time.Second, kills: 1, minAcked: 80}
}

// load is webhooks sent through every node of a cluster until stopped.
type load struct {
	l    *ledger
	stop context.CancelFunc
	done chan struct{}
}

// startLoad sends webhooks from workers senders spread over the nodes,
// at most limit per sender.
func startLoad(ctx context.Context, whs []*harness.Webhook, round, workers int) *load {
	ctx, cancel := context.WithCancel(ctx)
	ld := &load{l: newLedger(), stop: cancel, done: make(chan struct{})}
	go func() {
		defer close(ld.done)
		generateAcross(ctx, whs, ld.l, round, workers, perWorker)
	}()
	return ld
}

// waitAcked returns once n more messages than before were acknowledged.
func (ld *load) waitAcked(t *testing.T, before, n int, what string) {
	t.Helper()
	deadline := time.Now().Add(maxRound * 3)
	for {
		_, acked, _ := ld.l.counts()
		if acked-before >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d messages acknowledged, want %d", what, acked-before, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// end stops the senders and waits for them.
func (ld *load) end() {
	ld.stop()
	<-ld.done
}

// TestPostgresStopped stops PostgreSQL under load and starts it again:
// meanwhile every node answers webhooks 503 with Retry-After and a JSON
// error (providers retry those), and /readyz 503; afterwards the nodes
// serve again by themselves, nothing acknowledged is lost or doubled,
// every run ends or waits as it should, and every send reaches the
// integrator once.
func TestPostgresStopped(t *testing.T) {
	sc := scale()
	c := newCluster(t, sc.nodes)
	st := c.openStore()
	ld := startLoad(t.Context(), c.webhooks(8), 1, 8)
	ld.waitAcked(t, 0, sc.minAcked, "before the stop")

	c.pg.stop()
	stopped := time.Now()
	seen := make([]bool, len(c.nodes))
	for time.Since(stopped) < sc.down {
		for i, n := range c.nodes {
			if err := checkUnavailable(c, n); err != nil {
				t.Errorf("node %d while PostgreSQL is down: %v", i, err)
			} else {
				seen[i] = true
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	c.pg.start()
	t.Logf("PostgreSQL was down for %s", time.Since(stopped).Round(time.Millisecond))
	for i, ok := range seen {
		if !ok {
			t.Errorf("node %d never answered 503 while PostgreSQL was down", i)
		}
	}
	_, ackedAtRestart, _ := ld.l.counts()
	ld.waitAcked(t, ackedAtRestart, sc.minAcked, "after PostgreSQL came back")
	ld.end()
	t.Logf("serving again %s after PostgreSQL was started", time.Since(stopped)-sc.down)
	checkOnly503(t, ld.l)

	sent, acked, errs := ld.l.counts()
	t.Logf("%d messages sent, %d acknowledged, %d deliveries answered 503 or cut", sent, acked, errs)
	verifyStore(t, st, c.demo.ChannelID, ld.l)
	// A run or send its node could not advance or record while the store
	// was down is given back, or recorded, once the store is back (within
	// the claim's lease): every run ends or waits, and no send is made
	// twice.
	began := time.Now()
	verifyWorkflows(t, st, maxSettle, c.logFile)
	verifySent(t, st, c.integ, maxSettle, false)
	t.Logf("runs and sends settled in %s", time.Since(began))
	checkNoRace(t, c.logFile)
}

// checkUnavailable posts one webhook to n and reads /readyz, expecting
// both to say the store is unavailable.
func checkUnavailable(c *cluster, n *harness.Server) error {
	body := harness.Body(c.demo.ChannelID, "+15590000000", "Down", []harness.Message{{MID: fmt.Sprintf("down-%d", time.Now().UnixNano()), Text: "x"}}, time.Now())
	req, _ := http.NewRequest(http.MethodPost, n.URL+c.demo.WebhookPath, strings.NewReader(string(body)))
	req.Header.Set("Authorization", "Bearer "+c.demo.ChannelToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	json.Unmarshal(b, &e)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || e.Error.Code == "" {
		return fmt.Errorf("webhook answered %d, Retry-After %q: %s", resp.StatusCode, resp.Header.Get("Retry-After"), b)
	}
	ready, err := http.Get(n.URL + "/readyz")
	if err != nil {
		return err
	}
	ready.Body.Close()
	if ready.StatusCode != http.StatusServiceUnavailable {
		return fmt.Errorf("/readyz answered %d", ready.StatusCode)
	}
	return nil
}

// checkOnly503 fails the test if a node refused a delivery other than
// with 503 (the store unavailable), which providers retry.
func checkOnly503(t *testing.T, l *ledger) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	other := 0
	for _, r := range l.refused {
		if !strings.HasPrefix(r, "webhook answered 503") {
			other++
			if other <= 3 {
				t.Errorf("a delivery was refused with other than 503: %s", r)
			}
		}
	}
}

// TestNodeKilled kills nodes with SIGKILL under load, one after another,
// and restarts each: the survivors take back its claims, and nothing
// acknowledged is lost or doubled, no run is left behind, no send is
// lost; and with agents signed in across the nodes, after each kill no
// conversation is left waiting while an agent has room, and no agent is
// above capacity.
func TestNodeKilled(t *testing.T) {
	sc := scale()
	c := newCluster(t, sc.nodes)
	st := c.openStore()
	ld := startLoad(t.Context(), c.webhooks(8), 1, 8)
	ld.waitAcked(t, 0, sc.minAcked, "before routing")
	// Agents of capacity 2 signed in across the nodes, a queue waiting
	// for them; each kill is followed by closes through a survivor, whose
	// freed slots the queue must fill.
	agents := c.addAgents(3)
	routed := idsOf(t, st, routable(24))
	open := c.route(st, agents, routed)
	_, acked, _ := ld.l.counts()
	for k := range sc.kills {
		ld.waitAcked(t, acked, sc.minAcked, fmt.Sprintf("before kill %d", k+1))
		victim := k % len(c.nodes)
		c.nodes[victim].Kill()
		open = c.closeAssigned(st, agents, 2, c.nodes[(victim+1)%len(c.nodes)].URL, open)
		_, acked, _ = ld.l.counts()
		ld.waitAcked(t, acked, sc.minAcked/2, fmt.Sprintf("on the survivors after kill %d", k+1))
		c.restart(victim)
		_, acked, _ = ld.l.counts()
	}
	ld.waitAcked(t, acked, sc.minAcked/2, "after the last restart")
	ld.end()
	checkCutOnly(t, ld.l)
	sent, total, errs := ld.l.counts()
	t.Logf("%d kills: %d messages sent, %d acknowledged, %d deliveries cut by a kill", sc.kills, sent, total, errs)
	verifyStore(t, st, c.demo.ChannelID, ld.l)
	verifyWorkflows(t, st, maxSettle, c.logFile)
	verifySent(t, st, c.integ, maxSettle, true)
	checkNoRace(t, c.logFile)
}

// checkCutOnly fails the test if a node refused a delivery: with a node
// killed, deliveries to it fail without an answer, and the others
// answer 200.
func checkCutOnly(t *testing.T, l *ledger) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.refused) > 0 {
		t.Errorf("%d deliveries refused, e.g. %q", len(l.refused), l.refused[:min(3, len(l.refused))])
	}
}
