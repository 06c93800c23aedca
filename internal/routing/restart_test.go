package routing

import (
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// Restart mid-load: the service, its committer and the store are closed
// while 8 goroutines assign, then reopened on the same data. No
// conversation is lost from a queue — each is assigned, queued, or (its
// call failed) untouched, never half-done — the queue keeps its order, it
// still drains on events, and round robin continues where it stood.
func TestRestartMidLoadLosesNothing(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			cfg := dbtest.Config(t, dialect)
			d, err := db.Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			f := newFixture(t, d)
			team, agents := f.agents(4, intp(5), "busy") // 20 slots
			rrTeam, rr := f.agents(3, nil, "rotation")   // unlimited, for the rotation
			convs := f.conversations(300)
			rrConvs := convs[200:]

			var rrOrder []int64
			for _, id := range rrConvs[:5] {
				rrOrder = append(rrOrder, f.assign(Request{ConversationID: id, Target: TargetTeam, TeamID: rrTeam, Strategy: RoundRobin}).UserID)
			}

			// Load, cut short by closing everything after 60 answers.
			var answered atomic.Int64
			ok := make([]atomic.Bool, len(convs))
			// Work is handed out one at a time and no more once 60 are
			// answered, so some of the 200 are always left untouched by
			// the cut, however fast the machine answers the rest.
			work := make(chan int)
			halfway := make(chan struct{})
			go func() {
				defer close(work)
				for i := range 200 {
					select {
					case <-halfway:
						return
					default:
					}
					select {
					case work <- i:
					case <-halfway:
						return
					}
				}
			}()
			var once sync.Once
			var wg sync.WaitGroup
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range work {
						res, err := f.svc.Assign(ctx, Request{WorkspaceID: f.wsID, ConversationID: convs[i], Target: TargetTeam, TeamID: team})
						if err == nil && (res.Assigned || res.Queued) {
							ok[i].Store(true)
						}
						if answered.Add(1) == 60 {
							once.Do(func() { close(halfway) })
						}
					}
				}()
			}
			<-halfway
			f.stop()
			d.Close()
			wg.Wait()

			d2, err := db.Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { d2.Close() })
			f.start(d2)

			queue := f.queueOrder(team)
			inQueue := map[int64]bool{}
			for _, id := range queue {
				inQueue[id] = true
			}
			var untouched []int64
			assigned := 0
			for i, id := range convs[:200] {
				a := f.assignee(id)
				switch {
				case a != 0 && inQueue[id]:
					t.Fatalf("conversation %d is assigned and queued", id)
				case a != 0:
					assigned++
				case inQueue[id]:
				case ok[i].Load():
					t.Fatalf("conversation %d was acknowledged but is neither assigned nor queued", id)
				default:
					untouched = append(untouched, id)
				}
			}
			if assigned != 20 {
				t.Fatalf("%d assigned before the restart; want all 20 slots", assigned)
			}
			if len(untouched) == 0 {
				t.Fatal("the restart came after the load: nothing was cut short")
			}
			// The order survived: queued events and the queue agree.
			var events []int64
			for _, e := range f.events(0, event.ConversationQueued) {
				events = append(events, e.ConversationID)
			}
			if len(events) != len(queue) {
				t.Fatalf("%d queued events, %d in the queue", len(events), len(queue))
			}
			for i := range queue {
				if events[i] != queue[i] {
					t.Fatalf("queue order changed at %d", i)
				}
			}
			// The rest of the load after the restart, then a close drains.
			for _, id := range untouched {
				if res := f.assign(Request{ConversationID: id, Target: TargetTeam, TeamID: team}); !res.Queued {
					t.Fatalf("after restart %d: %+v", id, res)
				}
			}
			queue = f.queueOrder(team)
			if len(queue) != 180 {
				t.Fatalf("%d queued; want 180", len(queue))
			}
			var victim int64
			for _, id := range convs[:200] {
				if f.assignee(id) == agents[1] {
					victim = id
					break
				}
			}
			last := f.events(0)
			if _, err := f.conv.Close(ctx, access.System(f.wsID), victim, conversation.CloseInput{Source: conversation.SourceAPI}); err != nil {
				t.Fatal(err)
			}
			e := f.waitFor(last[len(last)-1].ID, "the queue head to take the freed slot", func(e event.Event) bool { return true }, event.ConversationAssigned)
			var p struct {
				AssigneeID int64 `json:"assignee_id"`
			}
			json.Unmarshal(e.Payload, &p)
			if e.ConversationID != queue[0] || p.AssigneeID != agents[1] {
				t.Fatalf("after restart the freed slot went to %d/%d; want %d/%d", e.ConversationID, p.AssigneeID, queue[0], agents[1])
			}

			// Round robin continues the rotation it had before the restart.
			for _, id := range rrConvs[5:11] {
				rrOrder = append(rrOrder, f.assign(Request{ConversationID: id, Target: TargetTeam, TeamID: rrTeam, Strategy: RoundRobin}).UserID)
			}
			for i, u := range rrOrder {
				if u != rr[i%3] {
					t.Fatalf("round robin across the restart went %v; want the rotation of %v", rrOrder, rr)
				}
			}
		})
	}
}
