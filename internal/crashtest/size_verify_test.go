package crashtest

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/metrics/metricstest"
)

// sampler reads the store every 100 ms while the proof runs: in each
// snapshot no contact may have two open conversations and no agent more
// open conversations than its capacity. The end state alone would not
// show a moment over.
type sampler struct {
	mu       sync.Mutex
	n        int
	overCap  []string
	twoOpen  []string
	maxQueue int
}

func startSampler(ctx context.Context, st *sql.DB, capacity int, wg *sync.WaitGroup) *sampler {
	s := &sampler{}
	wg.Go(func() {
		everyUntilDone(ctx, 100*time.Millisecond, func() {
			over := countBy(ctx, st, fmt.Sprintf(`SELECT assignee_id, COUNT(*) FROM conversations WHERE status <> 'closed' AND assignee_id IS NOT NULL
				GROUP BY assignee_id HAVING COUNT(*) > %d`, capacity))
			two := countBy(ctx, st, `SELECT contact_id, COUNT(*) FROM conversations WHERE status <> 'closed' GROUP BY contact_id HAVING COUNT(*) > 1`)
			var queued int
			st.QueryRowContext(ctx, `SELECT COUNT(*) FROM routing_queue`).Scan(&queued)
			if ctx.Err() != nil {
				return // the test ended mid-sample: not a sample
			}
			s.mu.Lock()
			s.n++
			s.maxQueue = max(s.maxQueue, queued)
			for id, n := range over {
				s.overCap = append(s.overCap, fmt.Sprintf("agent %d held %d", id, n))
			}
			for id, n := range two {
				s.twoOpen = append(s.twoOpen, fmt.Sprintf("contact %d had %d open", id, n))
			}
			s.mu.Unlock()
		})
	})
	return s
}

func (s *sampler) report(t *testing.T) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n == 0 {
		t.Error("the sampler never read the store")
	}
	if len(s.overCap) > 0 {
		t.Errorf("%d samples found an agent above capacity, e.g. %v", len(s.overCap), s.overCap[:min(5, len(s.overCap))])
	}
	if len(s.twoOpen) > 0 {
		t.Errorf("%d samples found a contact with two open conversations, e.g. %v", len(s.twoOpen), s.twoOpen[:min(5, len(s.twoOpen))])
	}
	t.Logf("%d samples of the store: no agent above capacity, no contact with two open conversations; the queues held up to %d conversations", s.n, s.maxQueue)
}

// verifyOneOpenIndex checks that the store itself holds one open
// conversation per contact: the partial unique index of the schema.
func verifyOneOpenIndex(t *testing.T, st *sql.DB) {
	t.Helper()
	var def string
	if err := st.QueryRow(`SELECT indexdef FROM pg_indexes WHERE tablename = 'conversations' AND indexname = 'conversations_one_open'`).Scan(&def); err != nil {
		t.Fatalf("the unique index of open conversations: %v", err)
	}
	if !strings.Contains(def, "UNIQUE") || !strings.Contains(def, "(contact_id)") || !strings.Contains(def, "closed") {
		t.Errorf("conversations_one_open is %q: not unique on the contact's open conversations", def)
	}
}

// verifySeedRuns checks each run of the seed workflow against its
// history: finished, and each step executed once on its path — welcome,
// the question asked once and answered once, the branch, the Assign To
// step of the team the answer named — and nothing else (no "busy": no
// run waited out its assignment).
func verifySeedRuns(t *testing.T, st *sql.DB, contacts int) {
	t.Helper()
	rows, err := st.Query(`SELECT r.id, r.status, s.step, s.exit FROM workflow_runs r JOIN workflow_run_steps s ON s.run_id = r.id ORDER BY r.id, s.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	history := map[int64][]string{}
	status := map[int64]string{}
	for rows.Next() {
		var id int64
		var st, step, exit string
		if err := rows.Scan(&id, &st, &step, &exit); err != nil {
			t.Fatal(err)
		}
		status[id] = st
		history[id] = append(history[id], step+":"+exit)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(history) != contacts {
		t.Errorf("%d runs with a history for %d contacts", len(history), contacts)
	}
	bad, shapes := 0, map[string]int{}
	for id, h := range history {
		ok := status[id] == "finished" && seedPathOnce(h)
		if !ok {
			bad++
			if bad <= 5 {
				t.Errorf("run %d (%s): history %q is not the seed's path with each step once", id, status[id], h)
			}
		}
		shapes[strings.Join(h, " ")]++
	}
	if bad > 0 {
		t.Errorf("%d of %d runs not finished with each step once", bad, len(history))
	}
	t.Logf("seed workflow: %d runs, each finished with every step once; their histories: %v", len(history), shapes)
}

// seedPathOnce reports whether h, a run's history of "step:exit", is the
// seed's path with each step completed once: welcome, ask_need (its
// question asked: an entry without exit, then answered), route, and one
// Assign To, its waiting entry (queued) at most once.
func seedPathOnce(h []string) bool {
	done := map[string]int{}
	waited := map[string]int{}
	var branch, assign string
	for _, e := range h {
		step, exit, _ := strings.Cut(e, ":")
		if exit == "" {
			waited[step]++
			continue
		}
		done[step]++
		switch step {
		case "route":
			branch = exit
		case "to_sales", "to_support", "to_billing":
			assign = step
		}
	}
	want := map[string]string{"branch[0]": "to_sales", "branch[1]": "to_support", "branch[2]": "to_billing"}[branch]
	if want == "" || assign != want || len(done) != 4 || done["welcome"] != 1 || done["ask_need"] != 1 || done["route"] != 1 || done[assign] != 1 {
		return false
	}
	for step, n := range waited {
		if n > 1 || (step != "ask_need" && step != assign) {
			return false
		}
	}
	return waited["ask_need"] == 1
}

// verifyCapacityHistory replays every assignment and close of the
// workspace in log order and checks that no agent ever held more open
// conversations than its capacity, and that each conversation was
// assigned once, to one of the agents, and never unassigned. An
// assignment that took a slot a close freed was written after that close
// committed, so its event's id is greater: the log's order is a fair
// replay of each agent's load.
func verifyCapacityHistory(t *testing.T, st *sql.DB, agents []*sizeAgent, capacity int) {
	t.Helper()
	ours := map[int64]bool{}
	for _, a := range agents {
		ours[a.userID] = true
	}
	rows, err := st.Query(`SELECT id, type, conversation_id, payload FROM events
		WHERE type IN ('conversation.assigned', 'conversation.unassigned', 'conversation.closed') ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	load, peak := map[int64]int{}, map[int64]int{}
	assigned := map[int64]int{}
	over, unassigned, foreign := 0, 0, 0
	for rows.Next() {
		var id, conv int64
		var typ, payload string
		if err := rows.Scan(&id, &typ, &conv, &payload); err != nil {
			t.Fatal(err)
		}
		var p struct {
			AssigneeID int64 `json:"assignee_id"`
			Previous   int64 `json:"previous_assignee_id"`
		}
		json.Unmarshal([]byte(payload), &p)
		switch typ {
		case "conversation.assigned":
			assigned[conv]++
			if !ours[p.AssigneeID] {
				foreign++
			}
			if p.Previous != 0 {
				load[p.Previous]--
			}
			load[p.AssigneeID]++
			peak[p.AssigneeID] = max(peak[p.AssigneeID], load[p.AssigneeID])
			if load[p.AssigneeID] > capacity {
				over++
				if over <= 5 {
					t.Errorf("event %d: agent %d holds %d conversations, capacity %d", id, p.AssigneeID, load[p.AssigneeID], capacity)
				}
			}
		case "conversation.unassigned":
			unassigned++
			if p.Previous != 0 {
				load[p.Previous]--
			}
		case "conversation.closed":
			if p.AssigneeID != 0 {
				load[p.AssigneeID]--
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	twice := 0
	for _, n := range assigned {
		if n != 1 {
			twice++
		}
	}
	if over > 0 || unassigned > 0 || foreign > 0 || twice > 0 {
		t.Errorf("assignment history: %d moments above capacity, %d unassignments, %d assignments to others than the test's agents, %d conversations assigned more than once",
			over, unassigned, foreign, twice)
	}
	full := 0
	for _, n := range peak {
		if n == capacity {
			full++
		}
	}
	t.Logf("assignment history: %d assignments replayed; no agent above capacity %d, %d of %d agents were full at some point", len(assigned), capacity, full, len(agents))
}

// owed is an event the live protocol owes one agent.
type owed struct {
	id   int64
	conv int64
	typ  string
}

// verifyDelivered checks what each agent's socket received against the
// log. The protocol decides visibility as each event is delivered, on the
// conversation as it is then, so what an agent is owed is what it can see
// whenever its socket delivers it:
//   - every event of a conversation assigned to it, from the
//     conversation.assigned on (it stays assigned to it, closed or not);
//   - every event of the workspace that belongs to no conversation and no
//     contact (presence, teams, settings), after its first cursor.
//
// Each must have arrived once, across the agent's reconnections. And no
// socket may have received an event of a conversation the agent could
// never see (neither its assignee's nor its team's).
func verifyDelivered(t *testing.T, st *sql.DB, c *cluster, agents []*sizeAgent) {
	t.Helper()
	byUser := map[int64]*sizeAgent{}
	for _, a := range agents {
		byUser[a.userID] = a
	}
	wants := map[*sizeAgent][]owed{}
	rows, err := st.Query(`WITH a AS (SELECT conversation_id, MIN(id) AS first FROM events WHERE type = 'conversation.assigned' GROUP BY conversation_id)
		SELECT e.id, e.type, e.conversation_id, c.assignee_id FROM events e JOIN conversations c ON c.id = e.conversation_id
		JOIN a ON a.conversation_id = e.conversation_id AND e.id >= a.first
		WHERE c.assignee_id IS NOT NULL ORDER BY e.id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var o owed
		var assignee int64
		if err := rows.Scan(&o.id, &o.typ, &o.conv, &assignee); err != nil {
			t.Fatal(err)
		}
		if a := byUser[assignee]; a != nil {
			wants[a] = append(wants[a], o)
		}
	}
	rows.Close()
	var first int64 = 1<<62 - 1
	for _, a := range agents {
		first = min(first, a.first)
	}
	var global []owed
	rows, err = st.Query(`SELECT id, type FROM events WHERE workspace_id = $1 AND conversation_id IS NULL AND contact_id IS NULL AND id > $2 ORDER BY id`, c.demo.WorkspaceID, first)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var o owed
		rows.Scan(&o.id, &o.typ)
		global = append(global, o)
	}
	rows.Close()
	for _, a := range agents {
		for _, o := range global {
			if o.id > a.first {
				wants[a] = append(wants[a], o)
			}
		}
	}
	// The sockets may still be delivering the last closes.
	missing := func() (int, []string) {
		n, eg := 0, []string(nil)
		for a, list := range wants {
			a.mu.Lock()
			for _, o := range list {
				if _, ok := a.got[o.id]; !ok {
					n++
					if len(eg) < 5 {
						eg = append(eg, fmt.Sprintf("agent %d: event %d (%s, conversation %d)", a.index, o.id, o.typ, o.conv))
					}
				}
			}
			a.mu.Unlock()
		}
		return n, eg
	}
	deadline := time.Now().Add(streamBound)
	n, eg := missing()
	for n > 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		n, eg = missing()
	}
	owedTotal, byType := 0, map[string]int{}
	for _, list := range wants {
		owedTotal += len(list)
		for _, o := range list {
			byType[o.typ]++
		}
	}
	if n > 0 {
		t.Errorf("%d of the %d events owed to agents never reached their sockets, e.g. %v", n, owedTotal, eg)
	}

	// Nothing an agent could never see, and nothing twice.
	team := map[int64]int64{}
	assignee := map[int64]int64{}
	rows, err = st.Query(`SELECT id, COALESCE(team_id, 0), COALESCE(assignee_id, 0) FROM conversations`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, tm, as int64
		rows.Scan(&id, &tm, &as)
		team[id], assignee[id] = tm, as
	}
	rows.Close()
	var all, cross []time.Duration
	delays := map[string][]time.Duration{} // by event type
	foreign, dups, reconns, closeErrs := 0, 0, 0, 0
	for _, a := range agents {
		a.mu.Lock()
		dups += len(a.dups)
		reconns += a.reconns
		closeErrs += len(a.closeErr)
		if len(a.closeErr) > 0 {
			t.Errorf("agent %d: the API refused %d closes, e.g. %s", a.index, len(a.closeErr), a.closeErr[0])
		}
		for id, g := range a.got {
			if g.conv != 0 && assignee[g.conv] != a.userID && team[g.conv] != a.teamID {
				foreign++
				if foreign <= 5 {
					t.Errorf("agent %d received event %d (%s) of conversation %d, assigned to %d in team %d", a.index, id, g.typ, g.conv, assignee[g.conv], team[g.conv])
				}
			}
			all = append(all, g.delay)
			delays[g.typ] = append(delays[g.typ], g.delay)
			// A close is committed by the node whose API took it; its
			// event reaching a socket on another node crossed nodes.
			if via, ok := a.closedVia[g.conv]; ok && g.typ == "conversation.closed" && via >= 0 && via != g.node {
				cross = append(cross, g.delay)
			}
		}
		a.mu.Unlock()
	}
	if dups > 0 {
		t.Errorf("%d events reached an agent's socket twice", dups)
	}
	if foreign > 0 {
		t.Errorf("%d events reached an agent who could never see their conversation", foreign)
	}
	t.Logf("live sockets: %d events owed to %d agents (%v); %d reconnections with ?after=; %d events received in all",
		owedTotal, len(agents), byType, reconns, len(all))
	p50, p99, worst := percentiles(all)
	t.Logf("delay from an event's commit to an agent's socket, every event: p50 %s, p99 %s, max %s", p50, p99, worst)
	for _, typ := range slices.Sorted(maps.Keys(delays)) {
		p50, p99, worst := percentiles(delays[typ])
		t.Logf("  %s, %d events: p50 %s, p99 %s, max %s", typ, len(delays[typ]), p50, p99, worst)
	}
	p50, p99, worst = percentiles(cross)
	t.Logf("cross-node delay (a close committed by one node, on the agent's socket on another), %d events: p50 %s, p99 %s, max %s", len(cross), p50, p99, worst)
	if len(cross) == 0 {
		t.Error("no close crossed nodes: the cross-node delay was not measured")
	}
}

// percentiles returns the p50, p99 and largest of ds.
func percentiles(ds []time.Duration) (p50, p99, worst time.Duration) {
	if len(ds) == 0 {
		return 0, 0, 0
	}
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return ds[len(ds)/2], ds[(len(ds)*99)/100], ds[len(ds)-1]
}

// logLiveDelivery logs, for each node, switchboard_live_delivery_seconds
// as its /metrics reports it: how long after their commit the events
// reached that node's live streams, the node's own side of the delays
// the agents measured (a restarted node counts from its restart). It
// fails only if no node handed out any event: the metric would not be
// wired.
func logLiveDelivery(t *testing.T, c *cluster) {
	t.Helper()
	total := 0.0
	for i, n := range c.nodes {
		req, err := http.NewRequestWithContext(t.Context(), "GET", n.URL+"/metrics", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+c.metrics)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Errorf("node %d: /metrics: %v", i, err)
			continue
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			t.Errorf("node %d: /metrics: %s", i, resp.Status)
			continue
		}
		e, err := metricstest.Parse(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Errorf("node %d: /metrics: %v", i, err)
			continue
		}
		const name = "switchboard_live_delivery_seconds"
		count := e[name+"_count"]
		total += count
		if count == 0 {
			t.Logf("node %d: no event reached its live streams since it started", i)
			continue
		}
		var under []string // the share handed out within each bound
		for _, le := range []string{"0.05", "0.1", "0.25", "0.5", "1"} {
			under = append(under, fmt.Sprintf("%.0f%% within %s s", 100*e[name+`_bucket{le="`+le+`"}`]/count, le))
		}
		t.Logf("node %d: %.0f events reached its live streams after their commit: %s", i, count, strings.Join(under, ", "))
	}
	if total == 0 {
		t.Error("no node reports an event handed to its live streams (switchboard_live_delivery_seconds)")
	}
}
