package crashtest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"
)

// proofScale is TestProofAtSize's size: short in `make test`, the
// issue's proof in `make test-faults` (SWITCHBOARD_TEST_FAULTS=1).
type proofScale struct {
	nodes    []int // one run per cluster size
	agents   int   // spread evenly over the seed's three teams and the nodes
	capacity int
	contacts int // each opens one conversation through the seed workflow
	inFlight int // contacts writing or waiting for their question at once
	// settle bounds each wait for the load to reach a point: a guard
	// against a hang, not a speed aim, so the long version gives a
	// machine shared with other work room (on 2 cores at a load average
	// of 30–45, 20,000 conversations took 1 h 38 min, the first half 40
	// minutes, where the old 30-minute bound would have failed it).
	settle time.Duration
}

// EnvProofContacts, when set, is the number of conversations of the long
// version instead of 20,000, for a machine that cannot give it the time.
const EnvProofContacts = "SWITCHBOARD_PROOF_CONTACTS"

func proofSize() (proofScale, error) {
	if os.Getenv(EnvFaults) == "" {
		return proofScale{nodes: []int{2}, agents: 20, capacity: 2, contacts: 120, inFlight: 24, settle: 2 * time.Minute}, nil
	}
	sc := proofScale{nodes: []int{2, 3}, agents: 200, capacity: 2, contacts: 20000, inFlight: 128, settle: 90 * time.Minute}
	if v := os.Getenv(EnvProofContacts); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 100 {
			return sc, fmt.Errorf("%s=%q: want a number of conversations, at least 100", EnvProofContacts, v)
		}
		sc.contacts = n
	}
	return sc, nil
}

// TestProofAtSize is issue 14's proof: several `switchboard serve`
// processes on one PostgreSQL, agents online with a live socket each,
// spread evenly over the nodes, and contacts writing in through the
// custom channel, answering the seed workflow's question so that each run
// reaches its Assign To step and waits in its team's queue for an agent;
// agents close what their socket told them they hold when their team is
// full and its queue waits, so the queue drains into the freed slots. One
// node is killed with SIGKILL when half the contacts have answered, and
// restarted once the others have taken more load: its agents' sockets
// reconnect (to a surviving node, as through a load balancer) with
// ?after= their cursor, and its contacts' deliveries go to the next node.
//
// At the end: every acknowledged message stored once (verifyStore); one
// open conversation per contact, by the unique index and at every sample;
// no agent above capacity, at every sample and replaying the assignment
// history; each run of the seed workflow finished, each of its steps
// executed once; no conversation left (every one closed by the agent its
// socket named); every event the live protocol owes an agent delivered
// to its socket once. Sizes, durations and the cross-node delays are
// logged (docs/benchmarks-history.md, "Proof at size").
func TestProofAtSize(t *testing.T) {
	sc, err := proofSize()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range sc.nodes {
		t.Run(fmt.Sprintf("nodes=%d", n), func(t *testing.T) { proveAtSize(t, n, sc) })
	}
}

func proveAtSize(t *testing.T, nodes int, sc proofScale) {
	began := time.Now()
	c := newCluster(t, nodes)
	st := c.openStore()
	agents := c.proofAgents(sc.agents, sc.capacity)
	ctx, stop := context.WithCancel(t.Context())
	var bg sync.WaitGroup
	defer bg.Wait()
	defer stop()
	connected := make([]chan struct{}, len(agents))
	for i, a := range agents {
		connected[i] = make(chan struct{})
		bg.Go(func() { a.live(ctx, connected[i]) })
	}
	for i := range agents {
		select {
		case <-connected[i]:
		case <-time.After(maxSettle):
			agents[i].mu.Lock()
			err := agents[i].lastErr
			agents[i].mu.Unlock()
			t.Fatalf("agent %d's socket never said hello: %v", i, err)
		}
	}
	t.Logf("%d nodes, %d agents of capacity %d online with a live socket each (set up in %s)", nodes, len(agents), sc.capacity, time.Since(began).Round(time.Millisecond))

	samples := startSampler(ctx, st, sc.capacity, &bg)
	horizon := startHorizonSampler(ctx, st, &bg)
	bg.Go(func() { superviseQueues(ctx, st, agents, sc.capacity) })

	cs := newContacts(c, sc.inFlight)
	loadBegan := time.Now()
	bg.Go(func() { logProgress(ctx, t, st, cs, loadBegan) })
	loadDone := make(chan struct{})
	bg.Go(func() {
		defer close(loadDone)
		// A contact waits for its question as long as the phase may take:
		// on a 2-core machine at load 25 a send's retries (a timed-out
		// delivery backs off) took one question past 90 s, and the run
		// then timed out an hour later, failing the proof on the machine's
		// speed. A question that never comes still fails it, at the settle.
		cs.run(ctx, 0, sc.contacts, sc.inFlight, sc.settle)
	})

	// The kill: once half the contacts answered, the last node dies; it
	// comes back once the survivors have taken a tenth more.
	victim := nodes - 1
	half := int64(sc.contacts / 2)
	waitUntil(t, sc.settle, "half the contacts to answer", func() (bool, string) {
		return cs.answered.Load() >= half, fmt.Sprintf("%d answered", cs.answered.Load())
	})
	c.nodes[victim].Kill()
	killedAt := time.Now()
	after := half + int64(sc.contacts/10)
	waitUntil(t, sc.settle, "the survivors to take load", func() (bool, string) {
		return cs.answered.Load() >= after, fmt.Sprintf("%d answered", cs.answered.Load())
	})
	c.restart(victim)
	// Its agents' tabs go back to it, resuming from their cursors.
	for _, a := range agents {
		if a.origin == victim {
			a.rehome(victim)
		}
	}
	t.Logf("node %d killed with SIGKILL after %d contacts answered, restarted %s later, after %d; its agents' sockets moved back to it", victim, half, time.Since(killedAt).Round(time.Millisecond), after)

	select {
	case <-loadDone:
	case <-time.After(sc.settle):
		t.Fatalf("the contacts did not finish within %s: %d answered", sc.settle, cs.answered.Load())
	}
	loadTook := time.Since(loadBegan)
	for _, a := range agents {
		a.closeHeld(ctx, true)
	}
	// Every agent now closes what it holds and each later assignment at
	// once, so this wait is short unless a conversation is stranded; the
	// failure then names each one left and what its agent knew of it.
	waitUntil(t, min(sc.settle, closeBound), "every conversation to be closed by its agent", func() (bool, string) {
		var open, queued, running int
		st.QueryRow(`SELECT COUNT(*) FROM conversations WHERE status <> 'closed'`).Scan(&open)
		st.QueryRow(`SELECT COUNT(*) FROM routing_queue`).Scan(&queued)
		st.QueryRow(`SELECT COUNT(*) FROM workflow_runs WHERE status <> 'finished'`).Scan(&running)
		if open == 0 && running == 0 {
			return true, ""
		}
		return false, fmt.Sprintf("%d conversations open, %d queued, %d runs not finished; %s; %s", open, queued, running, holdings(agents), stranded(st, agents))
	})
	total := time.Since(loadBegan)
	for _, a := range agents {
		a.wg.Wait()
	}
	_, acked, errs := cs.l.counts()
	t.Logf("%d contacts answered in %s (%.0f conversations/s), all closed after %s; %d messages acknowledged, %d deliveries cut by the kill",
		cs.answered.Load(), loadTook.Round(time.Millisecond), float64(sc.contacts)/loadTook.Seconds(), total.Round(time.Millisecond), acked, errs)

	t.Logf("a contact's question reached it %s after its first message was acknowledged", cs.questionDelays())
	if len(cs.failed) > 0 {
		t.Errorf("%d contacts never received the question, e.g. %v", len(cs.failed), cs.failed[:min(5, len(cs.failed))])
	}
	checkCutOnly(t, cs.l)
	verifyStore(t, st, c.demo.ChannelID, cs.l)
	verifyWorkflows(t, st, maxSettle, c.logFile)
	verifySeedRuns(t, st, sc.contacts)
	verifySent(t, st, c.integ, maxSettle, true)
	verifyStatusReports(t, st, c.demo.ChannelID, cs.reportsRead(), maxSettle)
	// With the sockets still open: a status report kept for coming early
	// is applied last (verifyStatusReports waits for it), and its
	// message.status event may still be on its way to the agent's socket
	// (a run stopped the sockets first and missed it).
	verifyDelivered(t, st, c, agents)
	stop()
	bg.Wait()
	samples.report(t)
	horizon.report(t)
	verifyOneOpenIndex(t, st)
	verifyCapacityHistory(t, st, agents, sc.capacity)
	logLiveDelivery(t, c)
	back := 0
	for _, a := range agents {
		a.mu.Lock()
		if a.origin == victim && a.home == victim {
			back++
		}
		a.mu.Unlock()
	}
	if back == 0 {
		t.Errorf("no agent's socket is served by the restarted node %d", victim)
	}
	for i, n := range c.nodes {
		if err := n.Stop(15 * time.Second); err != nil {
			t.Errorf("node %d: graceful stop: %v", i, err)
		}
	}
	// Told, not checked: each backend reports its count as it ends, so
	// the last may lag; the server's log (SWITCHBOARD_PG_LOG) names each.
	var deadlocks int64
	if err := st.QueryRow(`SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()`).Scan(&deadlocks); err == nil {
		t.Logf("PostgreSQL counted %d deadlocks (each a write aborted after deadlock_timeout and run again)", deadlocks)
	}
	logStoreWork(t, st, sc.contacts)
	checkNoRace(t, c.logFile)
	t.Logf("proof at size with %d nodes took %s in all", nodes, time.Since(began).Round(time.Second))
}

// closeBound bounds the wait for the last closes once every agent drains:
// in the runs so far they took seconds, and a stranded conversation
// (issue 14's proof at 3 nodes, 20,000 conversations, on 2026-12-01: one
// held by its agent in the store but never closed) should fail the test
// with its diagnosis, not after the load's whole settle time.
const closeBound = 10 * time.Minute

// stranded describes the conversations still open, at most five: the
// assignee, the conversation.assigned event that named it, and whether
// that agent's socket delivered it, whether the agent is closing it and
// which of its closes the API refused — the difference between a lost
// delivery and a refused close.
func stranded(st *sql.DB, agents []*sizeAgent) string {
	byUser := map[int64]*sizeAgent{}
	for _, a := range agents {
		byUser[a.userID] = a
	}
	rows, err := st.Query(`SELECT c.id, COALESCE(c.assignee_id, 0),
		COALESCE((SELECT MAX(e.id) FROM events e WHERE e.conversation_id = c.id AND e.type = 'conversation.assigned'), 0)
		FROM conversations c WHERE c.status <> 'closed' ORDER BY c.id LIMIT 5`)
	if err != nil {
		return "stranded: " + err.Error()
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var conv, assignee, assigned int64
		if err := rows.Scan(&conv, &assignee, &assigned); err != nil {
			return "stranded: " + err.Error()
		}
		a := byUser[assignee]
		if a == nil {
			out = append(out, fmt.Sprintf("conversation %d: assignee %d is no proof agent (assigned by event %d); %s", conv, assignee, assigned, convHistory(st, conv)))
			continue
		}
		out = append(out, fmt.Sprintf("conversation %d: assigned to user %d by event %d; %s", conv, assignee, assigned, a.knowledge(assigned, conv)))
	}
	return fmt.Sprintf("still open: %v", out)
}

// holdings describes what the agents hold, for a failure message.
func holdings(agents []*sizeAgent) string {
	held := 0
	for _, a := range agents {
		held += a.holding()
	}
	return fmt.Sprintf("the agents hold %d conversations their sockets named", held)
}

// proofAgents adds n agents through the API of node 0, each with a token
// of its own and the given capacity, agent i in the seed's team i mod 3
// (the team contact i's answer routes to) and at home on node i mod the
// nodes, and brings each online.
func (c *cluster) proofAgents(n, capacity int) []*sizeAgent {
	c.t.Helper()
	base, token := c.nodes[0].URL, c.demo.APIToken
	var teams struct {
		Data []struct {
			ID        int64   `json:"id"`
			Name      string  `json:"name"`
			MemberIDs []int64 `json:"member_ids"`
		} `json:"data"`
	}
	if err := api("GET", base+"/api/v1/teams", token, nil, &teams); err != nil {
		c.t.Fatal(err)
	}
	teamID, members := map[string]int64{}, map[string][]int64{}
	for _, tm := range teams.Data {
		teamID[tm.Name], members[tm.Name] = tm.ID, tm.MemberIDs
	}
	var urls []string
	for _, node := range c.nodes {
		urls = append(urls, node.URL)
	}
	var agents []*sizeAgent
	for i := range n {
		team := seedAnswers[i%len(seedAnswers)]
		if teamID[team] == 0 {
			c.t.Fatalf("the demo has no team %q", team)
		}
		var u struct {
			ID int64 `json:"id"`
		}
		if err := api("POST", base+"/api/v1/users", token, map[string]string{"email": fmt.Sprintf("proof%03d@test.local", i),
			"name": fmt.Sprintf("Proof agent %d", i), "role": "agent"}, &u); err != nil {
			c.t.Fatal(err)
		}
		if err := api("PUT", fmt.Sprintf("%s/api/v1/users/%d/capacity", base, u.ID), token, map[string]int{"capacity": capacity}, nil); err != nil {
			c.t.Fatal(err)
		}
		var tok struct {
			Secret string `json:"secret"`
		}
		if err := api("POST", base+"/api/v1/tokens", token, map[string]any{"name": fmt.Sprintf("proof agent %d", i), "user_id": u.ID}, &tok); err != nil {
			c.t.Fatal(err)
		}
		members[team] = append(members[team], u.ID)
		agents = append(agents, &sizeAgent{index: i, userID: u.ID, teamID: teamID[team], token: tok.Secret, urls: urls, home: i % len(c.nodes), origin: i % len(c.nodes),
			got: map[int64]gotEvt{}, closing: map[int64]bool{}, closedVia: map[int64]int{}})
	}
	for _, team := range seedAnswers {
		if err := api("PATCH", fmt.Sprintf("%s/api/v1/teams/%d", base, teamID[team]), token, map[string]any{"name": team, "member_ids": members[team]}, nil); err != nil {
			c.t.Fatal(err)
		}
	}
	for _, a := range agents {
		if err := api("PUT", c.nodes[a.home].URL+"/api/v1/presence", a.token, map[string]string{"status": "online"}, nil); err != nil {
			c.t.Fatal(err)
		}
	}
	return agents
}

// superviseQueues plays the agents' judgement: when a team's queue waits
// and every one of its agents is full, they close what they hold (what
// their sockets told them), freeing their slots for the queue. A team
// whose queue waits while one of its agents has room is left alone:
// routing must fill that room by itself, and if it never does the test's
// end (every conversation closed) is not reached.
func superviseQueues(ctx context.Context, st *sql.DB, agents []*sizeAgent, capacity int) {
	byTeam := map[int64][]*sizeAgent{}
	for _, a := range agents {
		byTeam[a.teamID] = append(byTeam[a.teamID], a)
	}
	everyUntilDone(ctx, 50*time.Millisecond, func() {
		queued := countBy(ctx, st, `SELECT team_id, COUNT(*) FROM routing_queue GROUP BY team_id`)
		load := countBy(ctx, st, `SELECT assignee_id, COUNT(*) FROM conversations WHERE status <> 'closed' AND assignee_id IS NOT NULL GROUP BY assignee_id`)
		for team, list := range byTeam {
			if queued[team] == 0 {
				continue
			}
			full := true
			for _, a := range list {
				full = full && load[a.userID] >= capacity
			}
			if full {
				for _, a := range list {
					a.closeHeld(ctx, false)
				}
			}
		}
	})
}

// everyUntilDone runs fn every period until ctx is done: the size test's
// observers poll the store, as a dashboard would, while the load runs.
func everyUntilDone(ctx context.Context, period time.Duration, fn func()) {
	tick := time.NewTicker(period)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		fn()
	}
}

// countBy runs a query of (id, count) rows into a map; on an error (the
// test ending) it returns what it read.
func countBy(ctx context.Context, st *sql.DB, q string) map[int64]int {
	out := map[int64]int{}
	rows, err := st.QueryContext(ctx, q)
	if err != nil {
		return out
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if rows.Scan(&id, &n) == nil {
			out[id] = n
		}
	}
	return out
}

// logProgress logs every 30 s how far the load is, so a long run shows
// its pace.
func logProgress(ctx context.Context, t *testing.T, st *sql.DB, cs *contacts, began time.Time) {
	everyUntilDone(ctx, 30*time.Second, func() {
		var closed, queued int
		st.QueryRowContext(ctx, `SELECT COUNT(*) FROM conversations WHERE status = 'closed'`).Scan(&closed)
		st.QueryRowContext(ctx, `SELECT COUNT(*) FROM routing_queue`).Scan(&queued)
		if ctx.Err() == nil {
			t.Logf("after %s: %d contacts answered, %d conversations closed, %d queued", time.Since(began).Round(time.Second), cs.answered.Load(), closed, queued)
		}
	})
}
