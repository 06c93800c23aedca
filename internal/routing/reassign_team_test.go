package routing

import (
	"context"
	"fmt"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// A conversation filed under a team its assignee is not a member of
// (assigned by name with a team_id) goes back to that team's queue when
// the assignee is offline past the grace period, or deactivated, and the
// team's online agent takes it at once: the unassignment drains the queue
// the conversation waits in, not only the queues of the agent's own teams.
func TestReassignedConversationDrainsItsTeamsQueue(t *testing.T) {
	for _, how := range []string{"grace period", "deactivation"} {
		t.Run(how, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				ctx := context.Background()
				f := newFixture(t, d)
				desk, deskAgents := f.agents(1, nil, "desk")
				_, outsiders := f.agents(1, nil, "other")
				b, a := deskAgents[0], outsiders[0]
				c := f.conversations(1)[0]
				if r := f.assign(Request{ConversationID: c, Target: TargetUser, UserID: a, TeamID: desk}); r.UserID != a {
					t.Fatalf("by name: %+v", r)
				}
				if _, err := f.svc.UpdateSettings(ctx, f.wsID, SettingsUpdate{ReassignGraceMinutes: intp(0)}); err != nil {
					t.Fatal(err)
				}
				f.idle()
				at := f.events(0)[len(f.events(0))-1].ID
				if how == "deactivation" {
					f.deactivate(a)
				} else if _, err := f.svc.SignOut(ctx, f.wsID, a, "laptop"); err != nil {
					t.Fatal(err)
				}
				f.waitFor(at, "the desk's agent to take the conversation back", func(e event.Event) bool {
					return e.ConversationID == c && contains(e.Payload, fmt.Sprintf(`"assignee_id":%d`, b))
				}, event.ConversationAssigned)
				if got := f.queueOrder(desk); len(got) != 0 {
					t.Fatalf("the desk's queue still holds %v", got)
				}
			})
		})
	}
}
