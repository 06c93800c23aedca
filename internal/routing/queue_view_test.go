package routing

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
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
