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
