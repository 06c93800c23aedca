package routing

import (
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// Two nodes (two pools, two routing services with their drainers) on one
// PostgreSQL database, with no store-wide write lock between their
// claims: requests to two teams that share agents arrive at both nodes
// while closes on both nodes free slots that both drainers race to refill.
// No agent is ever above capacity (the claims' own assertion, an observer
// reading committed counts, a replay of the log), every conversation is
// assigned once, none is both assigned and waiting, and the maintained
// open count equals the conversations counted.
func TestTwoNodesClaimsPostgres(t *testing.T) {
	ctx := context.Background()
	cfg := dbtest.PostgresConfig(t)
	nodeA, nodeB := dbtest.OpenConfig(t, cfg), dbtest.OpenConfig(t, cfg)

	f := newFixture(t, nodeA)
	nodeB.SetClock(f.clock)
	hubB := event.NewHub()
	nodeB.OnEvents(hubB.Notify)
	groupB := background.NewGroup(f.clock)
	svcB := New(nodeB, Options{Hub: hubB, Group: groupB})
	groupB.StartAll()
	svcB.Start(ctx)
	t.Cleanup(svcB.Close)

	const capacity = 2
	teamA, agentsA := f.agents(4, intp(capacity), "sales")
	teamB, agentsB := f.agents(3, intp(capacity), "support")
	// Two of sales also work in support: claims from both teams' queues
	// (two different queue locks) meet on their rows.
	if err := nodeA.Write(ctx, func(tx *db.Tx) error {
		for _, u := range agentsA[:2] {
			if _, err := tx.Exec(ctx, `INSERT INTO team_members (team_id, user_id) VALUES (?, ?)`, teamB, u); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	all := append(append([]int64{}, agentsA...), agentsB...)
	convs := f.conversations(300)
	routers := []*Service{f.svc, svcB}
	closers := []*conversation.Service{f.conv, conversation.New(nodeB)}

	checkCapacity := f.watchCapacity(capacity)

	work := make(chan int64)
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range work {
				team := []int64{teamA, teamB}[id%2]
				if _, err := routers[g%2].Assign(ctx, Request{WorkspaceID: f.wsID, ConversationID: id, Target: TargetTeam, TeamID: team,
					Strategy: []string{RoundRobin, LeastOpen, LongestIdle}[g%3], Source: conversation.SourceWorkflow}); err != nil {
					t.Errorf("node %d: assign %d: %v", g%2, id, err)
				}
			}
		}()
	}
	// Closers on both nodes close whatever is assigned, so both drainers
	// refill slots while requests still arrive and after.
	const closes = 120
	requestsDone := make(chan struct{})
	var closed atomic.Int64
	var cw sync.WaitGroup
	for k := range 4 {
		cw.Add(1)
		go func() {
			defer cw.Done()
			wake, unsubscribe := []*event.Hub{f.hub, hubB}[k%2].Subscribe()
			defer unsubscribe()
			for closed.Load() < closes {
				var id int64
				err := []*db.DB{nodeA, nodeB}[k%2].Reader().QueryRow(ctx, `SELECT COALESCE(MIN(id), 0) FROM conversations
					WHERE workspace_id = ? AND assignee_id IS NOT NULL AND status = 'open' AND id % 4 = ?`, f.wsID, k).Scan(&id)
				if err != nil {
					t.Error(err)
					return
				}
				if id == 0 {
					// Nothing of mine assigned: wait for a commit, or stop
					// once the requests are done.
					select {
					case <-wake:
						continue
					case <-requestsDone:
						return
					}
				}
				_, err = closers[k%2].Close(ctx, access.System(f.wsID), id, conversation.CloseInput{Source: conversation.SourceAPI})
				if err != nil {
					t.Errorf("close %d: %v", id, err)
					return
				}
				closed.Add(1)
			}
		}()
	}
	for _, id := range convs {
		work <- id
	}
	close(work)
	wg.Wait()
	close(requestsDone)
	cw.Wait()
	f.idle()
	backgroundtest.WaitIdle(t, groupB)
	checkCapacity()

	if v := f.svc.Violations() + svcB.Violations(); v != 0 {
		t.Fatalf("%d claims found an agent above capacity", v)
	}
	if closed.Load() <= 2*capacity*7 {
		t.Fatalf("%d closes: fewer than the slots, so no refill was raced", closed.Load())
	}

	// Assigned once each, never above capacity in the log's order (an
	// assignment that took a freed slot waited for the close's commit, so
	// its event id is larger), and never waiting once assigned.
	open := map[int64]int{}
	assignee := map[int64]int64{}
	times := map[int64]int{}
	for _, e := range f.events(0, event.ConversationAssigned, event.ConversationUnassigned, event.ConversationClosed) {
		var p struct {
			AssigneeID         int64 `json:"assignee_id"`
			PreviousAssigneeID int64 `json:"previous_assignee_id"`
		}
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			t.Fatal(err)
		}
		if prev := assignee[e.ConversationID]; prev != 0 {
			open[prev]--
			delete(assignee, e.ConversationID)
		}
		if e.Type == event.ConversationAssigned {
			if times[e.ConversationID]++; times[e.ConversationID] > 1 || p.PreviousAssigneeID != 0 {
				t.Fatalf("conversation %d assigned again (event %d, previous assignee %d)", e.ConversationID, e.ID, p.PreviousAssigneeID)
			}
			assignee[e.ConversationID] = p.AssigneeID
			if open[p.AssigneeID]++; open[p.AssigneeID] > capacity {
				t.Fatalf("after event %d user %d had %d open", e.ID, p.AssigneeID, open[p.AssigneeID])
			}
		}
	}
	var both int
	if err := nodeA.Reader().QueryRow(ctx, `SELECT COUNT(*) FROM routing_queue q JOIN conversations c ON c.id = q.conversation_id
		WHERE c.assignee_id IS NOT NULL`).Scan(&both); err != nil || both != 0 {
		t.Fatalf("%d conversations both assigned and waiting (%v)", both, err)
	}
	counted := f.openCounts()
	for _, u := range all {
		kept, err := openCount(ctx, nodeA.Reader(), u)
		if err != nil {
			t.Fatal(err)
		}
		if kept != counted[u] {
			t.Errorf("user %d: open_count %d, but %d conversations open", u, kept, counted[u])
		}
	}
	t.Logf("%d assignments, %d closes across two nodes", len(times), closed.Load())
}
