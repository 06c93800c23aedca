package routing

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// An agent added to a team takes the conversation waiting in its queue at
// once, and a team whose queue is not empty cannot be deleted (nobody
// could ever take what waits there).
func TestQueueDrainsWhenAMemberJoinsTheTeam(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		team, members := f.agents(1, intp(1), "desk")
		_, others := f.agents(1, nil, "elsewhere") // online, but not in the team
		newcomer := others[0]
		c := f.conversations(2)
		if r := f.assign(Request{ConversationID: c[0], Target: TargetTeam, TeamID: team, Strategy: RoundRobin, OnlyOnline: true}); r.UserID != members[0] {
			t.Fatalf("first: %+v", r)
		}
		if r := f.assign(Request{ConversationID: c[1], Target: TargetTeam, TeamID: team, Strategy: RoundRobin, OnlyOnline: true}); !r.Queued {
			t.Fatalf("second should wait (the only member is full): %+v", r)
		}

		if err := f.ws.DeleteTeam(ctx, f.wsID, team); !errors.Is(err, apperr.ErrConflict) {
			t.Fatalf("deleting a team with a waiting conversation = %v, want a conflict", err)
		}
		if got := f.queueOrder(team); len(got) != 1 || got[0] != c[1] {
			t.Fatalf("queue after the refused delete = %v, want [%d]", got, c[1])
		}

		evs := f.events(0)
		at := evs[len(evs)-1].ID
		if _, err := f.ws.UpdateTeam(ctx, f.wsID, team, workspace.TeamInput{MemberIDs: []int64{members[0], newcomer}}); err != nil {
			t.Fatal(err)
		}
		f.waitFor(at, "the newcomer to take the waiting conversation", func(e event.Event) bool {
			var p struct {
				AssigneeID int64 `json:"assignee_id"`
			}
			json.Unmarshal(e.Payload, &p)
			return e.ConversationID == c[1] && p.AssigneeID == newcomer
		}, event.ConversationAssigned)
		upd := f.events(at, event.TeamMembersUpdated)
		if len(upd) != 1 || string(upd[0].Payload) == "" {
			t.Fatalf("team.members.updated events = %+v", upd)
		}
		var p struct {
			TeamID  int64   `json:"team_id"`
			Added   []int64 `json:"added"`
			Removed []int64 `json:"removed"`
		}
		json.Unmarshal(upd[0].Payload, &p)
		if p.TeamID != team || len(p.Added) != 1 || p.Added[0] != newcomer || len(p.Removed) != 0 {
			t.Fatalf("payload = %+v", p)
		}

		// The same members again change nothing and record nothing.
		if _, err := f.ws.UpdateTeam(ctx, f.wsID, team, workspace.TeamInput{MemberIDs: []int64{newcomer, members[0]}}); err != nil {
			t.Fatal(err)
		}
		if n := len(f.events(at, event.TeamMembersUpdated)); n != 1 {
			t.Fatalf("%d team.members.updated events after an update that changed nothing, want 1", n)
		}
		if err := f.ws.DeleteTeam(ctx, f.wsID, team); err != nil {
			t.Fatalf("deleting the team with an empty queue: %v", err)
		}
	})
}
