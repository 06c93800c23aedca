package routing

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// Queues drain the moment someone qualifies — capacity raised, an agent
// back online — and an agent offline past the grace period hands their
// conversations back to the queue, where an online agent takes them.
func TestQueueDrainsOnEventsAndReassignsAfterGrace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		team, ag := f.agents(2, intp(1), "desk")
		a, b := ag[0], ag[1]
		if _, err := f.svc.SetStatus(ctx, f.wsID, b, Busy); err != nil {
			t.Fatal(err)
		}
		c := f.conversations(3)
		route := func(id int64) Result {
			return f.assign(Request{ConversationID: id, Target: TargetTeam, TeamID: team, Strategy: LeastOpen})
		}
		cursor := func() int64 { e := f.events(0); return e[len(e)-1].ID }
		assignedTo := func(after int64, conv, user int64, what string) {
			t.Helper()
			f.waitFor(after, what, func(e event.Event) bool {
				var p struct {
					AssigneeID int64 `json:"assignee_id"`
				}
				json.Unmarshal(e.Payload, &p)
				return e.ConversationID == conv && p.AssigneeID == user
			}, event.ConversationAssigned)
		}

		if r := route(c[0]); r.UserID != a {
			t.Fatalf("first: %+v", r)
		}
		if r := route(c[1]); !r.Queued {
			t.Fatalf("second should wait (a full, b busy): %+v", r)
		}
		at := cursor()
		if err := f.svc.SetCapacity(ctx, f.wsID, a, intp(2)); err != nil {
			t.Fatal(err)
		}
		assignedTo(at, c[1], a, "capacity raised to take the queued conversation")

		if r := route(c[2]); !r.Queued {
			t.Fatalf("third should wait: %+v", r)
		}
		at = cursor()
		if _, err := f.svc.SetStatus(ctx, f.wsID, b, Online); err != nil {
			t.Fatal(err)
		}
		assignedTo(at, c[2], b, "an agent coming online to take the queued conversation")

		// a goes offline; with a grace period of 0 their two conversations
		// return to the queue and b (capacity raised) takes them.
		if err := f.svc.SetCapacity(ctx, f.wsID, b, intp(5)); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.UpdateSettings(ctx, f.wsID, SettingsUpdate{ReassignGraceMinutes: intp(0)}); err != nil {
			t.Fatal(err)
		}
		at = cursor()
		if _, err := f.svc.SignOut(ctx, f.wsID, a, "laptop"); err != nil {
			t.Fatal(err)
		}
		assignedTo(at, c[0], b, "reassignment of the offline agent's first conversation")
		assignedTo(at, c[1], b, "reassignment of the offline agent's second conversation")
		if n := f.openCounts()[a]; n != 0 {
			t.Fatalf("the offline agent still holds %d", n)
		}
		var why bool
		for _, e := range f.events(at, event.ConversationUnassigned) {
			why = why || contains(e.Payload, "grace period")
		}
		if !why {
			t.Fatal("the unassignment does not say why")
		}
	})
}

// A drain waits for a lock held elsewhere only until its first
// placement; after it, its transaction holds the agent it claimed, and
// waiting could close a cycle with a holder that wants that agent. Here
// the second queued conversation's only qualifying agent is held: the
// drain keeps its first placement, stops without waiting and says there
// is more to drain; once the agent is free, the next drain places it.
func TestDrainWaitsOnlyForItsFirstPlacement(t *testing.T) {
	ctx := context.Background()
	f, raw := pgFixture(t)
	team, ag := f.agents(2, intp(1), "desk")
	c := f.conversations(4)
	for i, id := range c {
		r := f.assign(Request{ConversationID: id, Target: TargetTeam, TeamID: team, Strategy: LeastOpen})
		if (i < 2 && !r.Assigned) || (i >= 2 && !r.Queued) {
			t.Fatalf("conversation %d: %+v", i, r)
		}
	}
	f.idle()
	f.stop() // the test drains by hand
	for _, a := range ag {
		if err := f.svc.SetCapacity(ctx, f.wsID, a, intp(2)); err != nil {
			t.Fatal(err)
		}
	}
	// c[2] goes to ag[0], longest idle; c[3] then has only ag[1] left.
	holder := holdAgents(t, raw, ag[1])
	key := queueKey{f.wsID, team, 0}
	drain := func() (more []queueKey, err error) {
		err = f.d.WriteConcurrent(ctx, func(tx *db.Tx) error {
			var err error
			more, err = f.svc.drainKeys(ctx, tx, []queueKey{key})
			return err
		})
		return more, err
	}
	var more []queueKey
	err := dbtest.NeverWaits(t, raw, "a drain holding the agent it claimed", func() { holder.Rollback() }, func() error {
		var err error
		more, err = drain()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(more) != fmt.Sprint([]queueKey{key}) || f.assignee(c[2]) != ag[0] || fmt.Sprint(f.queueOrder(team)) != fmt.Sprint(c[3:]) {
		t.Fatalf("after the first drain: more to drain in %v, %d with %d (want %d), queue %v (want %v)",
			more, c[2], f.assignee(c[2]), ag[0], f.queueOrder(team), c[3:])
	}
	if err := holder.Commit(); err != nil {
		t.Fatal(err)
	}
	if more, err = drain(); err != nil || len(more) != 0 {
		t.Fatalf("second drain: more %v, %v", more, err)
	}
	if got := f.assignee(c[3]); got != ag[1] {
		t.Fatalf("%d assigned to %d once the agent was free, want %d", c[3], got, ag[1])
	}
}

// One drain places at most drainBatch conversations, so that a long queue
// does not hold its lock and its agents for one huge transaction. A
// queue left with more is drained again by the drainer right after its
// batch, not at the next event that frees a slot: here a single raise of
// capacity must place the whole queue, more than two batches long.
func TestDrainerDrainsALongQueueAfterOneEvent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		team, ag := f.agents(1, intp(1), "desk")
		c := f.conversations(2*drainBatch + 2)
		for i, id := range c {
			r := f.assign(Request{ConversationID: id, Target: TargetTeam, TeamID: team, Strategy: LeastOpen})
			if (i == 0 && !r.Assigned) || (i > 0 && !r.Queued) {
				t.Fatalf("conversation %d: %+v", i, r)
			}
		}
		f.idle()
		if err := f.svc.SetCapacity(ctx, f.wsID, ag[0], intp(len(c))); err != nil {
			t.Fatal(err)
		}
		f.idle()
		if got, queued := f.openCounts()[ag[0]], len(f.queueOrder(team)); got != len(c) || queued != 0 {
			t.Fatalf("after one capacity raise the agent holds %d of %d, %d still queued", got, len(c), queued)
		}
	})
}
