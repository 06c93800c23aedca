package routing

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// The queues view counts every waiting conversation but lists only those
// the caller may see.
func TestQueuesListOnlyVisibleEntries(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		support, _ := f.agents(1, intp(1), "Support")
		_, sales := f.agents(1, nil, "Sales")
		convs := f.conversations(3)
		for _, c := range convs {
			f.assign(Request{ConversationID: c, Target: TargetTeam, TeamID: support})
		}
		outsider := access.Principal{WorkspaceID: f.wsID, UserID: sales[0], Role: access.RoleAgent}
		for _, c := range []struct {
			name    string
			p       access.Principal
			entries int
		}{
			{"manager", access.System(f.wsID), 2},
			{"an agent of another team", outsider, 0},
		} {
			qs, err := f.svc.Queues(ctx, c.p)
			if err != nil {
				t.Fatal(err)
			}
			if len(qs) != 1 || qs[0].TeamID != support || qs[0].Length != 2 || len(qs[0].Entries) != c.entries {
				t.Errorf("%s: queues %+v, want Support's with length 2 and %d entries", c.name, qs, c.entries)
			}
		}
	})
}

// A conversation waiting in a team's queue is filed under the team: the
// team's agents see it (their scope holds their teams' unassigned
// conversations) and the team's view counts it, before anyone is free.
func TestQueuedConversationsBelongToTheirTeam(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		sales, members := f.agents(1, intp(1), "Sales")
		convs := f.conversations(2)
		for _, c := range convs {
			f.assign(Request{ConversationID: c, Target: TargetTeam, TeamID: sales})
		}
		waiting := convs[1] // the first took the agent's one slot
		if f.assignee(waiting) != 0 {
			t.Fatalf("conversation %d was assigned; want it waiting", waiting)
		}
		agent := access.Principal{WorkspaceID: f.wsID, UserID: members[0], Role: access.RoleAgent, Teams: []int64{sales},
			Can: access.Defaults(access.RoleAgent)}
		c, err := conversation.New(d).Get(ctx, agent, waiting)
		if err != nil {
			t.Fatalf("the Sales agent cannot see the conversation waiting in Sales' queue: %v", err)
		}
		if c.TeamID != sales {
			t.Errorf("waiting conversation's team %d, want Sales (%d)", c.TeamID, sales)
		}
		counts, err := conversation.New(d).Counts(ctx, agent, "open")
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range counts.Teams {
			if tc.TeamID == sales && tc.Count != 2 {
				t.Errorf("Sales counts %d open conversations, want 2 (one assigned, one waiting)", tc.Count)
			}
		}
	})
}

// A queue's oldest_wait_ms is how long its longest-waiting conversation
// has waited, whatever the priorities: a newer conversation of higher
// priority at the head does not hide an older one behind it (the Now
// report's longest_wait_ms is the largest of these).
func TestQueueOldestWaitIsTheLongestWaitBehindAHigherPriority(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		team, _ := f.agents(1, intp(1), "Support")
		convs := f.conversations(3)
		f.assign(Request{ConversationID: convs[0], Target: TargetTeam, TeamID: team}) // takes the one slot
		f.assign(Request{ConversationID: convs[1], Target: TargetTeam, TeamID: team})
		f.clock.Advance(time.Hour)
		f.assign(Request{ConversationID: convs[2], Target: TargetTeam, TeamID: team, Priority: 5})
		f.clock.Advance(time.Minute)
		qs, err := f.svc.Queues(context.Background(), access.System(f.wsID))
		if err != nil {
			t.Fatal(err)
		}
		if len(qs) != 1 || len(qs[0].Entries) != 2 || qs[0].Entries[0].ConversationID != convs[2] {
			t.Fatalf("queues %+v, want Support's with the priority conversation first", qs)
		}
		if want := (time.Hour + time.Minute).Milliseconds(); qs[0].OldestWaitMs != want {
			t.Errorf("oldest_wait_ms %d, want %d (conversation %d waiting since before the head)", qs[0].OldestWaitMs, want, convs[1])
		}
	})
}
