package routing

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// The first proof: 5 agents of capacity 3, 1,000 conversations
// assigned concurrently from 32 goroutines. Nobody is ever above 3 — seen
// by the claim's own assertion, by an observer reading counts while the
// load runs, and by replaying every assignment and close in commit order —
// exactly 15 are assigned, 985 wait in order; then each closed
// conversation's slot goes at once to the oldest waiting one.
func TestCapacityNeverExceededUnderConcurrency(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		const capacity = 3
		team, agents := f.agents(5, intp(capacity), "support")
		convs := f.conversations(1000)
		start := f.events(0)
		cursor := int64(0)
		if len(start) > 0 {
			cursor = start[len(start)-1].ID
		}

		// An observer reads the committed counts after every commit for as
		// long as the load runs.
		checkCapacity := f.watchCapacity(capacity)

		// On PostgreSQL half the goroutines go through a second service
		// without the group committer: two writers, as two nodes would be.
		// SQLite has one writer connection, so there it would only add fsyncs.
		second := New(d, Options{Hub: f.hub})
		services := []*Service{f.svc, f.svc}
		if d.Dialect == db.Postgres {
			services[1] = second
		}
		work := make(chan int64)
		var mu sync.Mutex
		results := map[int64]Result{}
		var wg sync.WaitGroup
		strategies := []string{RoundRobin, LeastOpen, LongestIdle}
		for g := range 32 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for id := range work {
					res, err := services[g%2].Assign(ctx, Request{WorkspaceID: f.wsID, ConversationID: id, Target: TargetTeam, TeamID: team,
						Strategy: strategies[g%3], Source: conversation.SourceWorkflow})
					if err != nil {
						t.Errorf("assign %d: %v", id, err)
						continue
					}
					mu.Lock()
					results[id] = res
					mu.Unlock()
				}
			}()
		}
		began := time.Now()
		for _, id := range convs {
			work <- id
		}
		close(work)
		wg.Wait()
		checkCapacity()
		t.Logf("%s: 1,000 assignments in %v", d.Dialect, time.Since(began))

		assigned, queued := 0, 0
		for _, r := range results {
			switch {
			case r.Assigned:
				assigned++
			case r.Queued:
				queued++
			}
		}
		if assigned != 15 || queued != 985 {
			t.Fatalf("assigned %d, queued %d; want 15 and 985", assigned, queued)
		}
		if v := f.svc.Violations() + second.Violations(); v != 0 {
			t.Fatalf("%d claims found an agent above capacity", v)
		}
		for u, n := range f.openCounts() {
			if n != capacity {
				t.Errorf("user %d has %d open, want %d", u, n, capacity)
			}
		}

		// In order: the queue holds the conversations in the order their
		// conversation.queued events committed, and every assignment
		// committed before the first of them.
		queue := f.queueOrder(team)
		var queuedEvents []int64
		firstQueued := int64(0)
		for _, e := range f.events(cursor, event.ConversationQueued) {
			if firstQueued == 0 {
				firstQueued = e.ID
			}
			queuedEvents = append(queuedEvents, e.ConversationID)
		}
		if len(queue) != 985 || !slices.Equal(queue, queuedEvents) {
			t.Fatalf("queue of %d differs from the order of %d queued events", len(queue), len(queuedEvents))
		}
		for _, e := range f.events(cursor, event.ConversationAssigned) {
			if e.ID > firstQueued {
				t.Fatalf("assignment event %d committed after the first queued event %d", e.ID, firstQueued)
			}
		}
		for i, id := range queue[:5] {
			if pos, err := f.svc.Position(ctx, f.wsID, id); err != nil || pos != i+1 {
				t.Fatalf("position of %d = %d, %v; want %d", id, pos, err, i+1)
			}
		}

		// Closing one by one: each freed slot takes the oldest waiting
		// conversation, assigned to the agent who freed it.
		holding := map[int64][]int64{} // agent -> conversations they hold
		for id, r := range results {
			if r.Assigned {
				holding[r.UserID] = append(holding[r.UserID], id)
			}
		}
		const closes = 40
		var lat []time.Duration
		for i := range closes {
			agent := agents[i%len(agents)]
			victim := holding[agent][0]
			holding[agent] = holding[agent][1:]
			last := f.events(0)
			after := last[len(last)-1].ID
			began := time.Now()
			if _, err := f.conv.Close(ctx, access.System(f.wsID), victim, conversation.CloseInput{Source: conversation.SourceAPI}); err != nil {
				t.Fatal(err)
			}
			want := queue[i]
			e := f.waitFor(after, "the oldest queued conversation to be assigned", func(e event.Event) bool {
				return e.Type == event.ConversationAssigned
			}, event.ConversationAssigned)
			lat = append(lat, time.Since(began))
			var p struct {
				AssigneeID int64 `json:"assignee_id"`
			}
			json.Unmarshal(e.Payload, &p)
			if e.ConversationID != want || p.AssigneeID != agent {
				t.Fatalf("close %d: conversation %d went to user %d; want the oldest queued %d to user %d",
					i, e.ConversationID, p.AssigneeID, want, agent)
			}
			holding[agent] = append(holding[agent], want)
		}
		if got := f.queueOrder(team); len(got) != 985-closes || got[0] != queue[closes] {
			t.Fatalf("queue after %d closes: %d waiting, head %d; want %d, head %d", closes, len(got), got[0], 985-closes, queue[closes])
		}

		// Every commit, replayed: no agent was ever above capacity.
		open := map[int64]int{}
		var assignees = map[int64]int64{}
		for _, e := range f.events(0, event.ConversationAssigned, event.ConversationUnassigned, event.ConversationClosed) {
			var p struct {
				AssigneeID int64 `json:"assignee_id"`
			}
			json.Unmarshal(e.Payload, &p)
			if prev := assignees[e.ConversationID]; prev != 0 {
				open[prev]--
				delete(assignees, e.ConversationID)
			}
			if e.Type == event.ConversationAssigned {
				assignees[e.ConversationID] = p.AssigneeID
				open[p.AssigneeID]++
				if open[p.AssigneeID] > capacity {
					t.Fatalf("after event %d user %d had %d open", e.ID, p.AssigneeID, open[p.AssigneeID])
				}
			}
		}
		slices.Sort(lat)
		t.Logf("%s: freed slot refilled in p50 %v, max %v", d.Dialect, lat[len(lat)/2], lat[len(lat)-1])
	})
}

// Naming the user who already holds the conversation takes no new slot:
// at capacity, the request keeps it theirs (filing it under a team if one
// is given) instead of a 409 for a slot it does not need, or a place in
// the user's own queue while they hold it.
func TestAssigningToTheCurrentAssigneeAtCapacityKeepsIt(t *testing.T) {
	for _, c := range []struct {
		name string
		req  func(user, team int64) Request
	}{
		{"by name", func(user, _ int64) Request { return Request{Target: TargetUser, UserID: user} }},
		{"by name with a team", func(user, team int64) Request { return Request{Target: TargetUser, UserID: user, TeamID: team} }},
		{"by name, queueing", func(user, _ int64) Request { return Request{Target: TargetUser, UserID: user, Queue: true} }},
	} {
		t.Run(c.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				ctx := context.Background()
				f := newFixture(t, d)
				team, ag := f.agents(1, intp(1), "support")
				conv := f.conversations(1)[0]
				if res := f.assign(Request{ConversationID: conv, Target: TargetUser, UserID: ag[0]}); !res.Assigned {
					t.Fatalf("first assignment: %+v", res)
				}
				req := c.req(ag[0], team)
				req.WorkspaceID, req.ConversationID = f.wsID, conv
				res, err := f.svc.Assign(ctx, req)
				if err != nil {
					t.Fatalf("assigning user %d the conversation they hold: %v", ag[0], err)
				}
				if !res.Assigned || res.Queued || res.UserID != ag[0] {
					t.Errorf("result %+v, want assigned to %d, not queued", res, ag[0])
				}
				if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM routing_queue WHERE conversation_id = ?`, conv); n != 0 {
					t.Errorf("the conversation waits in %d queue(s) while its assignee holds it", n)
				}
				if got := f.openCounts()[ag[0]]; got != 1 {
					t.Errorf("user %d has %d open, want 1", ag[0], got)
				}
				if req.TeamID != 0 {
					if got := dbtest.Count(t, d, `SELECT COALESCE(team_id, 0) FROM conversations WHERE id = ?`, conv); int64(got) != team {
						t.Errorf("conversation filed under team %d, want %d", got, team)
					}
				}
				if v := f.svc.Violations(); v != 0 {
					t.Errorf("%d capacity violations", v)
				}
			})
		})
	}
}

// Nor does it wait behind the conversations already waiting for that
// user: keeping what they hold passes nobody.
func TestAssigningToTheCurrentAssigneeDoesNotQueueBehindOthers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		_, ag := f.agents(1, intp(1), "support")
		convs := f.conversations(2)
		held, waiting := convs[0], convs[1]
		if res := f.assign(Request{ConversationID: held, Target: TargetUser, UserID: ag[0]}); !res.Assigned {
			t.Fatalf("first assignment: %+v", res)
		}
		if res := f.assign(Request{ConversationID: waiting, Target: TargetUser, UserID: ag[0], Queue: true}); !res.Queued {
			t.Fatalf("second: %+v, want waiting for user %d", res, ag[0])
		}
		res := f.assign(Request{ConversationID: held, Target: TargetUser, UserID: ag[0], Queue: true})
		if !res.Assigned || res.Queued || res.UserID != ag[0] {
			t.Errorf("result %+v, want kept by user %d, not queued", res, ag[0])
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM routing_queue WHERE conversation_id = ?`, held); n != 0 {
			t.Errorf("the held conversation waits in %d queue(s) behind %d", n, waiting)
		}
		if got := f.assignee(held); got != ag[0] {
			t.Errorf("held conversation's assignee %d, want %d", got, ag[0])
		}
	})
}
