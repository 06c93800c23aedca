package routing

import (
	"context"
	"fmt"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// An agent's close hands the freed slot its next queued conversation in
// the close's own commit: with the drainer stopped, the queued
// conversation is the agent's the moment Close returns, its assignment
// event follows the close's, and the capacity holds.
func TestCloseRefillsTheFreedSlotInItsCommit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		team, ag := f.agents(1, intp(1), "desk")
		a := ag[0]
		c := f.conversations(3)
		route := func(id int64) Result {
			return f.assign(Request{ConversationID: id, Target: TargetTeam, TeamID: team, Strategy: LeastOpen})
		}
		if r := route(c[0]); r.UserID != a {
			t.Fatalf("first: %+v", r)
		}
		for _, id := range c[1:] {
			if r := route(id); !r.Queued {
				t.Fatalf("conversation %d should wait (the agent is full): %+v", id, r)
			}
		}
		f.idle()
		f.stop() // no drainer from here on: only the close can refill

		at := f.events(0)[len(f.events(0))-1].ID
		if _, err := f.conv.Close(ctx, access.System(f.wsID), c[0], conversation.CloseInput{Source: conversation.SourceAPI}); err != nil {
			t.Fatal(err)
		}
		if got := f.assignee(c[1]); got != a {
			t.Fatalf("queue head assigned to %d when the close returned; want %d", got, a)
		}
		if got := fmt.Sprint(f.queueOrder(team)); got != fmt.Sprint([]int64{c[2]}) {
			t.Fatalf("queue after the refill = %s; want [%d]", got, c[2])
		}
		if n := f.openCounts()[a]; n != 1 {
			t.Fatalf("agent holds %d open conversations; capacity is 1", n)
		}
		evs := f.events(at, event.ConversationClosed, event.ConversationAssigned)
		if len(evs) != 2 || evs[0].Type != event.ConversationClosed || evs[1].Type != event.ConversationAssigned || evs[1].ConversationID != c[1] {
			t.Fatalf("events after the close = %v; want the close, then %d's assignment", evs, c[1])
		}
	})
}

// TestCloseRefillGivesWayToAHeldQueueHead: on PostgreSQL an agent's close
// runs beside other writes and already holds its conversation and its
// agent, so its refill waits for nothing held elsewhere. Here another
// transaction holds the queue head's conversation (as a workflow batch
// placing it, or a receive in it, would): the close must commit without
// waiting, leaving the slot free and the head queued, and the drainer
// must fill the slot once the head is free. A refill that waited here
// could close a cycle with a holder that then wants the queue.
func TestCloseRefillGivesWayToAHeldQueueHead(t *testing.T) {
	ctx := context.Background()
	f, raw := pgFixture(t)
	d := f.d
	team, ag := f.agents(1, intp(1), "desk")
	a := ag[0]
	c := f.conversations(2)
	for i, id := range c {
		r := f.assign(Request{ConversationID: id, Target: TargetTeam, TeamID: team, Strategy: LeastOpen})
		if (i == 0 && r.UserID != a) || (i == 1 && !r.Queued) {
			t.Fatalf("conversation %d: %+v", i, r)
		}
	}
	f.idle()
	f.stop() // the drainer would wait for the held head: only the close acts

	holder := dbtest.HoldRows(t, raw, "conversations", "id", c[1])
	err := dbtest.NeverWaits(t, raw, "the close's refill", func() { holder.Rollback() }, func() error {
		_, err := f.conv.Close(ctx, access.System(f.wsID), c[0], conversation.CloseInput{Source: conversation.SourceAPI})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.assignee(c[1]); got != 0 {
		t.Fatalf("the held head was assigned to %d by the close", got)
	}
	if got := fmt.Sprint(f.queueOrder(team)); got != fmt.Sprint([]int64{c[1]}) {
		t.Fatalf("queue after the close = %s; want [%d] still waiting", got, c[1])
	}
	if err := holder.Commit(); err != nil {
		t.Fatal(err)
	}

	f.start(d) // the drainer sweeps the queues as they stand
	f.idle()
	if got := f.assignee(c[1]); got != a {
		t.Fatalf("head assigned to %d once free; want the freed agent %d", got, a)
	}
	if n := f.openCounts()[a]; n != 1 {
		t.Fatalf("agent holds %d open conversations; capacity is 1", n)
	}
}
